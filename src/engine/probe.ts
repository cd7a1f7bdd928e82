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
import type { EngineInput, ProbeIn } from './input';
import type { Reason } from './trace';

/**
 * The reason codes of health status (articles/load-balancer/load-balancer-manage-health-status.md,
 * ms.date 10/30/2024) that the model reaches, and `NA`, "shown when the health probe has not
 * probed your backend instance yet". Admin state's codes come with admin state; the platform's
 * and the global load balancer's are not modelled.
 */
export type HealthReasonCode =
  | 'Up_Probe_Success'
  | 'Up_Probe_AllDownIsUp'
  | 'Up_Probe_ApproachingUnhealthyThreshold'
  | 'Down_Probe_ApproachingHealthyThreshold'
  | 'Down_Probe_TcpProbeTimeout'
  | 'Down_Probe_HttpStatusCodeError'
  | 'Down_Probe_HttpEndpointUnreachable'
  | 'Down_Probe_HttpNoResponse'
  | 'Up_Admin'
  | 'Down_Admin'
  | 'NA';

export interface ProbeVerdict {
  readonly ok: boolean;
  readonly reason: Reason | null;
  readonly code: HealthReasonCode;
  /**
   * An HTTP(S) probe got an HTTP status back. "For HTTP probes, explicit responses will
   * immediately mark the probe as up or down for 200 and non-200 responses, and will effectively
   * reset the threshold. This means that the threshold value only applies to HTTP probes if the
   * probe times out due to no response" (load-balancer-custom-probe-overview.md, "Probe threshold").
   */
  readonly explicit?: true;
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
  /** A verdict has been applied since it joined: until then its health status is `NA`. */
  probed: boolean;
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

/**
 * The reason code the portal shows for a failure of this kind (load-balancer-manage-health-status.md,
 * "Failure reason codes"). `established`: the probe's TCP handshake completed.
 * Down_Probe_HttpEndpointUnreachable is for an HTTP probe that "was able to establish a TCP
 * handshake ... but the HTTP session was rejected" (a reset after the handshake). An HTTP probe
 * whose handshake never completes (no answer, or a reset to its SYN) matches no code exactly;
 * assumption: Down_Probe_TcpProbeTimeout, the closest ("no TCP response ... blocked health probe
 * port, or unhealthy application listening on the port").
 */
export function failureCode(
  probe: ProbeIn,
  kind: 'timeout' | 'reset' | 'status' | 'noResponse' | 'stopped',
  established = false,
): HealthReasonCode {
  if (probe.protocol === 'Tcp') return 'Down_Probe_TcpProbeTimeout';
  switch (kind) {
    case 'status':
      return 'Down_Probe_HttpStatusCodeError';
    case 'noResponse':
      return 'Down_Probe_HttpNoResponse';
    case 'reset':
      return established ? 'Down_Probe_HttpEndpointUnreachable' : 'Down_Probe_TcpProbeTimeout';
    default:
      return 'Down_Probe_TcpProbeTimeout';
  }
}

/** Applies one verdict at time `atUs`; returns true when the member changed state. */
export function applyVerdict(probe: ProbeIn, member: MemberHealth, verdict: ProbeVerdict, atUs: number): boolean {
  member.probed = true;
  // An HTTP(S) status marks the member at once, whatever the threshold (ProbeVerdict.explicit).
  const immediate = verdict.explicit === true && probe.protocol !== 'Tcp';
  if (verdict.ok) {
    member.okRun++;
    member.failRun = 0;
    const booting = member.boot;
    member.boot = false;
    if (member.state === 'down' && (member.okRun >= probe.threshold || booting || immediate)) {
      member.state = 'up';
      member.transitions.push({ at: atUs, state: 'up' });
      return true;
    }
  } else {
    member.failRun++;
    member.okRun = 0;
    member.lastFailure = verdict.reason;
    member.downCode = verdict.code;
    if (member.state === 'up' && (member.failRun >= probe.threshold || immediate)) {
      member.state = 'down';
      member.transitions.push({ at: atUs, state: 'down' });
      return true;
    }
  }
  return false;
}

/** The admin state of `nic` in the pool, or null for None. Admin states never change in a run. */
export function adminStateOf(input: EngineInput, lb: number, pool: number, nic: number): 'Up' | 'Down' | null {
  const states = input.loadBalancers[lb]?.pools[pool]?.adminStates;
  if (states === undefined || states.length === 0) return null;
  for (const entry of states) if (entry.nic === nic) return entry.state;
  return null;
}

/** The admin state of `nic` in a pool of a rule that uses the probe (the first such), for its health status. */
export function adminStateForProbe(input: EngineInput, rt: ProbeRuntime, nic: number): 'Up' | 'Down' | null {
  for (const rule of input.loadBalancers[rt.lb]?.rules ?? []) {
    if (rule.probe !== rt.probeIndex) continue;
    const state = adminStateOf(input, rt.lb, rule.pool, nic);
    if (state !== null) return state;
  }
  return null;
}

/** What the portal shows (engine-model.md "Health probes"). */
export function healthStatusOf(
  rt: ProbeRuntime,
  member: MemberHealth,
  admin: 'Up' | 'Down' | null = null,
): { state: 'up' | 'down'; reasonCode: HealthReasonCode } | null {
  // "If the virtual machine instance in the backend pool is turned off, health status returns
  // empty values" (load-balancer-manage-health-status.md, Design considerations): the VM was off
  // at its most recent probe.
  if (member.failRun > 0 && member.lastFailure?.code === 'VM_STOPPED') return null;
  // "Health probe state of the backend instance is ignored because the Admin State is set to ..."
  // (load-balancer-manage-health-status.md).
  if (admin === 'Up') return { state: 'up', reasonCode: 'Up_Admin' };
  if (admin === 'Down') return { state: 'down', reasonCode: 'Down_Admin' };
  if (member.state === 'up') {
    // "The most recent probe has failed to respond but the backend instance remains healthy
    // enough based on earlier responses" (load-balancer-manage-health-status.md).
    return {
      state: 'up',
      reasonCode: member.failRun > 0 ? 'Up_Probe_ApproachingUnhealthyThreshold' : 'Up_Probe_Success',
    };
  }
  const allDown = rt.members.every((each) => !each.active || each.state === 'down');
  if (allDown && rt.probe.noHealthyBackendsBehavior === 'AllProbedUp') {
    return { state: 'up', reasonCode: 'Up_Probe_AllDownIsUp' };
  }
  if (!member.probed) return { state: 'down', reasonCode: 'NA' };
  // "The most recent probe outcome is positive, but it doesn't meet the required number of
  // responses in the healthy threshold, so the backend instance remains unhealthy" (ibid.).
  if (member.okRun > 0) return { state: 'down', reasonCode: 'Down_Probe_ApproachingHealthyThreshold' };
  return { state: 'down', reasonCode: member.downCode };
}
