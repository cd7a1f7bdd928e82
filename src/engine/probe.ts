/**
 * probe: health-probe bookkeeping (engine-model.md "Health probes").
 *
 * Inputs: probe verdicts (success, or failure with a reason and Azure's reason code) as the
 *   simulation produces them by sending real probe packets along the path.
 * Outputs: each member's raw `state`, its transitions, the portal's `healthStatus`, and which
 *   members a rule may use.
 * Invariants: a member goes down after `probeThreshold` consecutive failures and up after as many
 *   consecutive successes (engine-model.md; “Understand Load Balancer probes” "Add healthy instances back"); the state at
 *   time 0 is the steady state found by probing before the run; the longer wait for fluctuating
 *   members (“Understand Load Balancer probes”) is not modelled (assumption, engine-model.md).
 */
import type { ProbeIn } from './input';
import type { Reason } from './trace';

export type HealthReasonCode =
  | 'Up_Probe_Success'
  | 'Up_Probe_AllDownIsUp'
  | 'Down_Probe_TcpProbeTimeout'
  | 'Down_Probe_HttpStatusCodeError'
  | 'Down_Probe_HttpEndpointUnreachable'
  | 'Down_Probe_HttpNoResponse';

export interface ProbeVerdict {
  readonly ok: boolean;
  readonly reason: Reason | null;
  readonly code: HealthReasonCode;
}

export interface MemberHealth {
  readonly nic: number;
  readonly name: string;
  state: 'up' | 'down';
  okRun: number;
  failRun: number;
  lastFailure: Reason | null;
  downCode: HealthReasonCode;
  readonly transitions: { at: number; state: 'up' | 'down' }[];
  /** Probed now: false once the member left every pool the probe's rules use (its row stays). */
  active: boolean;
  /**
   * Set when the VM (re)started or the member joined: it goes up on its first success
   * (“Understand Load Balancer probes” "Add healthy instances back": "a positive probe the first time the VM boots").
   */
  boot: boolean;
}

export interface ProbeRuntime {
  readonly lb: number;
  readonly probeIndex: number;
  /** Replaced by a `setProbe` event. */
  probe: ProbeIn;
  readonly lbName: string;
  /** Every member the probe ever watched, in the order they joined (inactive ones included). */
  readonly members: MemberHealth[];
  readonly byNic: Map<number, MemberHealth>;
  /** A probe round is scheduled (a probe with no active member stops until one joins). */
  scheduled: boolean;
}

/** Azure's probe timeout: TCP until the next probe; HTTP(S) the smaller of the interval and 30 s. */
export function probeTimeoutUs(probe: ProbeIn): number {
  // engine-model.md "Health probes" (Azure's probe documentation, 2023; “Understand Load Balancer probes” gives 31 s).
  return probe.protocol === 'Tcp' ? probe.intervalUs : Math.min(probe.intervalUs, 30_000_000);
}

/** The reason code the portal shows for a failure of this kind. */
export function failureCode(
  probe: ProbeIn,
  kind: 'timeout' | 'reset' | 'status' | 'noResponse' | 'stopped',
): HealthReasonCode {
  if (probe.protocol === 'Tcp') return 'Down_Probe_TcpProbeTimeout';
  switch (kind) {
    case 'status':
      return 'Down_Probe_HttpStatusCodeError';
    case 'noResponse':
      return 'Down_Probe_HttpNoResponse';
    default:
      return 'Down_Probe_HttpEndpointUnreachable';
  }
}

/** Applies one verdict at time `atUs`; returns true when the member changed state. */
export function applyVerdict(probe: ProbeIn, member: MemberHealth, verdict: ProbeVerdict, atUs: number): boolean {
  if (verdict.ok) {
    member.okRun++;
    member.failRun = 0;
    const booting = member.boot;
    member.boot = false;
    if (member.state === 'down' && (member.okRun >= probe.threshold || booting)) {
      member.state = 'up';
      member.transitions.push({ at: atUs, state: 'up' });
      return true;
    }
  } else {
    member.failRun++;
    member.okRun = 0;
    member.lastFailure = verdict.reason;
    member.downCode = verdict.code;
    if (member.state === 'up' && member.failRun >= probe.threshold) {
      member.state = 'down';
      member.transitions.push({ at: atUs, state: 'down' });
      return true;
    }
  }
  return false;
}

/** What the portal shows (engine-model.md "Health probes"). */
export function healthStatusOf(
  rt: ProbeRuntime,
  member: MemberHealth,
): { state: 'up' | 'down'; reasonCode: HealthReasonCode } {
  if (member.state === 'up') return { state: 'up', reasonCode: 'Up_Probe_Success' };
  const allDown = rt.members.every((each) => !each.active || each.state === 'down');
  if (allDown && rt.probe.noHealthyBackendsBehavior === 'AllProbedUp') {
    return { state: 'up', reasonCode: 'Up_Probe_AllDownIsUp' };
  }
  return { state: 'down', reasonCode: member.downCode };
}
