/**
 * health: the health probes' runtime (engine-model.md "Health probes"; probe.ts keeps the
 * verdicts, thresholds and reason codes): which members each probe probes, its rounds, and each
 * attempt, sent as real packets from 168.63.129.16 along the path.
 *
 * Inputs: the load balancers' probes and pools (again after each event that changes them), the
 *   probe rounds and deadlines, packets arriving at the platform.
 * Outputs: each member's state and transitions; `onMemberDown` (frontend.ts) when a member goes
 *   down; in a steady-state round, the verdicts (`attempts`).
 * Invariants: probe ports come from their own PRNG stream, so adding a probe does not move the
 *   traffic's ports; a round runs at 0, interval, 2 × interval ... (assumption); a stopped VM is
 *   not probed and counts as down; every change of state bumps the health epoch.
 */
import { nextInt } from '../shared/prng';
import { Connections } from './connections';
import { LATENCY_US } from './fabric';
import { AZURE_LB_ADDRESS } from './nsg';
import {
  applyVerdict,
  failureCode,
  type MemberHealth,
  type ProbeRuntime,
  type ProbeVerdict,
  probeTimeoutUs,
} from './probe';
import { microsToSeconds, PHASE } from './sched';
import { type Arrival, type MemberStates, memberKey, type Owner, type ProbeAttempt } from './state';
import type { Reason } from './trace';
import { ACK, type Header, hasFlag, isSynAck, newHeader, type Packet, PSH, RST, replyHeader, SYN } from './wire';

export abstract class HealthProbes extends Connections {
  /**
   * engine-model.md "Health probes": every probe probes every member of the pools its rules use.
   * Called at the start (`assumed` gives the states a steady-state round starts from, all up when
   * null) and after every event that changes pools, probes or rules: a member that joins starts
   * down and goes up on its first success (assumption, after seeds/004 "the first time the VM
   * boots"); a member that leaves is no longer probed and keeps its row.
   */
  protected syncProbes(assumed: MemberStates | null, atStart: boolean): void {
    this.lbs.forEach((lb, l) => {
      const perLb = this.probeRts[l] ?? [];
      this.probeRts[l] = perLb;
      lb.probes.forEach((probe, p) => {
        let rt = perLb[p];
        if (rt === undefined) {
          rt = { lb: l, probeIndex: p, probe, lbName: lb.name, members: [], byNic: new Map(), scheduled: false };
          perLb[p] = rt;
          this.probes.push(rt);
        }
        rt.probe = probe;
        const wanted = new Set<number>();
        for (const rule of lb.rules) {
          if (rule.probe !== p) continue;
          for (const nic of lb.pools[rule.pool]?.members ?? []) wanted.add(nic);
        }
        for (const m of rt.members) if (!wanted.has(m.nic)) m.active = false;
        for (const nic of wanted) {
          const known = rt.byNic.get(nic);
          if (known?.active === true) continue;
          const up = atStart ? (assumed?.get(memberKey(l, p, nic)) ?? true) : false;
          const m: MemberHealth = known ?? {
            nic,
            name: this.nicAt(nic).name,
            state: up ? 'up' : 'down',
            okRun: 0,
            failRun: 0,
            lastFailure: null,
            downCode: failureCode(probe, 'timeout'),
            transitions: [],
            active: true,
            boot: false,
          };
          if (known === undefined) {
            rt.members.push(m);
            rt.byNic.set(nic, m);
          }
          m.active = true;
          if (!atStart) {
            if (m.state === 'up') m.transitions.push({ at: this.now, state: 'down' });
            m.state = 'down';
            m.okRun = 0;
            m.boot = true;
            if (known === undefined) m.transitions.push({ at: this.now, state: 'down' });
          }
        }
        if (!atStart && !rt.scheduled && rt.members.some((m) => m.active)) {
          rt.scheduled = true;
          this.schedule(this.now, PHASE.probe, { type: 'probeRound', rt, aux: true, cancelled: false });
        }
      });
    });
    this.healthEpoch++;
  }

  // ---------------------------------------------------------------- probes

  protected runProbeRound(rt: ProbeRuntime): void {
    let active = 0;
    for (const m of rt.members) {
      if (!m.active) continue;
      active++;
      this.startProbeAttempt(rt, m);
    }
    rt.scheduled = active > 0 && this.runMode === 'run';
    // engine-model.md "Time and TCP": every probe fires at 0, interval, 2 × interval ... (assumption).
    if (rt.scheduled) this.nextRoundUs.set(rt, this.now + rt.probe.intervalUs);
    else this.nextRoundUs.delete(rt);
    this.earliestRoundUs = null;
    if (rt.scheduled) {
      this.schedule(this.now + rt.probe.intervalUs, PHASE.probe, {
        type: 'probeRound',
        rt,
        aux: true,
        cancelled: false,
      });
    }
  }

  protected startProbeAttempt(rt: ProbeRuntime, m: MemberHealth): void {
    const nic = this.nicAt(m.nic);
    const home = this.nicHome[m.nic];
    const probeId = rt.probe.id;
    const connId = `${probeId}>${m.name}@${microsToSeconds(this.now)}`;
    if (home === undefined || !home.host.running) {
      // engine-model.md "Health probes": a stopped VM is not probed and counts as down.
      const reason: Reason = {
        code: 'VM_STOPPED',
        at: home?.host.id ?? nic.id,
        rule: null,
        detail: `${home?.host.name ?? nic.name} is stopped, so ${rt.probe.name} counts ${m.name} as down.`,
      };
      const attempt = this.newAttempt(rt, m, connId, 0, nic.address);
      this.finishAttempt(attempt, { ok: false, reason, code: failureCode(rt.probe, 'stopped') });
      return;
    }
    let port = 0;
    for (let i = 0; i < 1000 && (port === 0 || this.attemptByPort.has(port)); i++) {
      port = nextInt(this.probePrng, 1024, 65535);
    }
    const attempt = this.newAttempt(rt, m, connId, port, nic.address);
    this.attemptByPort.set(port, attempt);
    // engine-model.md "Health probes": from 168.63.129.16 to the member's primary NIC address and
    // the probe port, never the frontend address (seeds/003 §3.2 call-out 3).
    this.sendFromPlatform(
      attempt,
      newHeader('Tcp', AZURE_LB_ADDRESS, port, nic.address, rt.probe.port, SYN, null, null),
    );
    this.schedule(this.now + probeTimeoutUs(rt.probe), PHASE.probe, {
      type: 'probeDeadline',
      attempt,
      aux: true,
      cancelled: false,
    });
  }

  protected newAttempt(rt: ProbeRuntime, m: MemberHealth, id: string, port: number, address: number): ProbeAttempt {
    const attempt: ProbeAttempt = {
      id,
      probe: true,
      inFlight: 0,
      done: false,
      released: false,
      doom: null,
      owned: [],
      rt,
      member: m,
      port,
      memberAddress: address,
      established: false,
      verdict: null,
    };
    // Only the steady-state rounds read the verdicts back; a run keeps no list of attempts.
    if (this.runMode === 'steady') this.attempts.push(attempt);
    return attempt;
  }

  protected sendFromPlatform(attempt: ProbeAttempt, header: Header): void {
    const packet = this.newPacket(header, attempt);
    if (this.tracing) this.trace('send', attempt.rt.probe.id, packet);
    this.arriveLater(LATENCY_US.platform, packet, this.nicArrivals[attempt.member.nic] as Arrival);
  }

  protected arriveAtPlatform(packet: Packet<Owner>): void {
    const h = packet.header;
    const attempt = this.attemptByPort.get(h.dstPort);
    if (attempt === undefined || attempt.done || h.src !== attempt.memberAddress || h.protocol !== 'Tcp') {
      if (this.tracing) this.trace('deliver', 'probe:platform', packet);
      return;
    }
    const probe = attempt.rt.probe;
    if (this.tracing) this.trace('deliver', probe.id, packet);
    if (hasFlag(h, RST)) {
      // seeds/004: a TCP reset from the instance marks the probe failed.
      const reason = attempt.doom ?? {
        code: 'TCP_RESET',
        at: this.nicHome[attempt.member.nic]?.host.id ?? attempt.member.name,
        rule: null,
        detail: `${attempt.member.name} answered ${probe.name} with a RST.`,
      };
      this.finishAttempt(attempt, { ok: false, reason, code: failureCode(probe, 'reset') });
      return;
    }
    if (isSynAck(h)) {
      attempt.established = true;
      this.sendFromPlatform(attempt, replyHeader(h, { flags: ACK }));
      if (probe.protocol === 'Tcp') {
        // seeds/004 "TCP custom probe": success is a completed three-way handshake. Assumption:
        // the probe then closes the connection with a RST.
        this.sendFromPlatform(attempt, replyHeader(h, { flags: RST }));
        this.finishAttempt(attempt, { ok: true, reason: null, code: 'Up_Probe_Success' });
        return;
      }
      // Assumption: HTTPS is modelled as HTTP (TLS is not simulated).
      this.sendFromPlatform(
        attempt,
        replyHeader(h, { flags: PSH | ACK, http: { kind: 'request', method: 'GET', path: probe.requestPath } }),
      );
      return;
    }
    if (h.http?.kind === 'response') {
      this.sendFromPlatform(attempt, replyHeader(h, { flags: RST }));
      if (h.http.status === 200) {
        this.finishAttempt(attempt, { ok: true, reason: null, code: 'Up_Probe_Success' });
        return;
      }
      // seeds/004 "HTTP custom probe": any status other than 200 marks the instance down.
      const host = this.nicHome[attempt.member.nic]?.host;
      this.finishAttempt(attempt, {
        ok: false,
        reason: {
          code: 'HTTP_STATUS',
          at: host?.id ?? attempt.member.name,
          rule: null,
          detail: `${host?.name ?? attempt.member.name} answered ${probe.name}'s GET ${probe.requestPath} with ${h.http.status}, not 200.`,
        },
        code: failureCode(probe, 'status'),
      });
    }
  }

  protected onProbeDeadline(attempt: ProbeAttempt): void {
    if (attempt.done) return;
    const probe = attempt.rt.probe;
    const reason = attempt.doom ?? {
      code: 'PROBE_TIMEOUT',
      at: probe.id,
      rule: null,
      detail: `${probe.name} got no ${attempt.established ? 'HTTP answer' : 'answer'} from ${attempt.member.name} within ${probeTimeoutUs(probe) / 1_000_000} s.`,
    };
    const kind = probe.protocol !== 'Tcp' && attempt.established ? 'noResponse' : 'timeout';
    this.finishAttempt(attempt, { ok: false, reason, code: failureCode(probe, kind) });
  }

  protected finishAttempt(attempt: ProbeAttempt, verdict: ProbeVerdict): void {
    attempt.done = true;
    attempt.verdict = verdict;
    if (this.attemptByPort.get(attempt.port) === attempt) this.attemptByPort.delete(attempt.port);
    if (attempt.inFlight === 0) this.release(attempt);
    if (this.runMode !== 'run') return;
    const m = attempt.member;
    if (!m.active) return;
    const changed = applyVerdict(attempt.rt.probe, m, verdict, this.now);
    if (changed) this.healthEpoch++;
    if (changed && m.state === 'down') this.onMemberDown(attempt.rt);
    if (this.tracing) {
      this.trace('state', attempt.rt.probe.id, null, {
        connection: attempt.id,
        reason: verdict.reason,
        decision: {
          kind: 'probe',
          probe: attempt.rt.probe.name,
          member: m.name,
          result: `${verdict.ok ? 'success' : 'failure'}${changed ? `; member now ${m.state}` : ''}`,
        },
      });
    }
  }
}
