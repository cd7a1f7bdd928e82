/**
 * health: the health probes' runtime (engine-model.md "Health probes"; probe.ts keeps the
 * verdicts, thresholds and reason codes): which members each probe probes, its rounds, and each
 * attempt, sent as real packets from 168.63.129.16 along the path.
 *
 * Inputs: the load balancers' probes and pools (again after each event that changes them), the
 *   probe rounds and deadlines, packets arriving at the platform.
 * Outputs: each member's state and transitions (read by the load balancer through `isMemberUp`
 *   and `epoch`); `MemberDownListener.onMemberDown` (the load balancer) when a member goes down;
 *   in a steady-state round, the verdicts (`steadyVerdicts`).
 * Invariants: probe ports come from their own PRNG stream, so adding a probe does not move the
 *   traffic's ports; a round runs at 0, interval, 2 × interval ... (assumption); a stopped VM is
 *   not probed and counts as down; every change of state bumps the health epoch. This stage alone
 *   writes the probe state, the epoch and the probe rounds' schedule (`earliestRoundUs`).
 */

import { createPrng, nextInt, type PrngState } from '../shared/prng';
import { HTTP_PROBE_UNSUPPORTED_PORTS } from '../shared/probePorts';
import type { TraceExtra } from './core';
import { LATENCY_US } from './fabric';
import type { Host } from './guest';
import type { EngineInput, LbRuleIn, ListenerIn, LoadBalancerIn } from './input';
import { AZURE_LB_ADDRESS } from './nsg';
import {
  adminStateOf,
  applyVerdict,
  failureCode,
  type MemberHealth,
  type ProbeRuntime,
  type ProbeVerdict,
  probeTimeoutUs,
} from './probe';
import { microsToSeconds, PHASE, type Phase } from './sched';
import {
  type Arrival,
  type Job,
  type MemberStates,
  memberKey,
  type Owner,
  type ProbeAttempt,
  type RunMode,
} from './state';
import type { Reason, TraceKind } from './trace';
import { ACK, FIN, type Header, hasFlag, isSynAck, newHeader, type Packet, PSH, RST, replyHeader, SYN } from './wire';

/**
 * What the probes need from the run's shared state (core.ts `Core`): its clock, queue and trace, the packet path to a
 * member's NIC, and the eviction of an attempt's flow state.
 */
export interface ProbePath {
  readonly now: number;
  readonly tracing: boolean;
  schedule(time: number, phase: Phase, job: Job): Job;
  trace(kind: TraceKind, element: string, packet: Packet | null, extra?: TraceExtra): void;
  newPacket(header: Header, owner: Owner): Packet<Owner>;
  arriveLater(delayUs: number, packet: Packet<Owner>, arrival: Arrival): void;
  release(owner: Owner): void;
  /** The host a NIC belongs to (every NIC belongs to a VM). */
  hostOfNic(nic: number): Host | undefined;
  nicArrival(nic: number): Arrival;
}

/** Who reacts at once when a member goes down: the load balancer (frontend.ts `onMemberDown`). */
export interface MemberDownListener {
  onMemberDown(runtime: ProbeRuntime): void;
}

export class Health {
  /** Every probe's runtime, in the order they were first seen (the report lists them so). */
  readonly runtimes: ProbeRuntime[] = [];
  /** Per load balancer, per probe index. */
  private readonly byLb: ProbeRuntime[][] = [];
  /** A separate stream for probes, so that adding a probe does not move the traffic's ports. */
  private readonly prng: PrngState;
  /** Steady-state rounds only: every attempt, whose verdicts `steadyVerdicts` reads back. */
  private readonly attempts: ProbeAttempt[] = [];
  private readonly attemptByPort = new Map<number, ProbeAttempt>();
  /** When each scheduled probe's next round runs. */
  private readonly nextRoundUs = new Map<ProbeRuntime, number>();
  /** The earliest of `nextRoundUs` (read per fast-path connection), or null when it changed since. */
  private earliestRound: number | null = null;
  /** Bumped whenever a member changes state: invalidates the load balancer's candidate cache. */
  private healthEpoch = 0;

  constructor(
    private readonly input: EngineInput,
    seed: number,
    private readonly runMode: RunMode,
    private readonly path: ProbePath,
    private readonly listener: MemberDownListener,
  ) {
    this.prng = createPrng((seed ^ 0x5bd1e995) >>> 0);
  }

  /** Changes whenever a member changes state (frontend.ts caches its candidates per epoch). */
  get epoch(): number {
    return this.healthEpoch;
  }

  /**
   * Assumption: a rule without a probe treats every member as up. With a probe, a member's admin
   * state overrides it — Up: "always considers the backend instance as eligible for new
   * connections"; Down: "doesn't allow new connections" — and it "will only take effect when
   * there's a health probe configured on the load balancing rules" (articles/load-balancer/
   * admin-state-overview.md, ms.date 05/29/2024).
   */
  isMemberUp(lb: number, rule: LbRuleIn, nic: number): boolean {
    if (rule.probe === null) return true;
    const admin = adminStateOf(this.input, lb, rule.pool, nic);
    if (admin !== null) return admin === 'Up';
    const member = this.byLb[lb]?.[rule.probe]?.byNic.get(nic);
    return member === undefined || member.state === 'up';
  }

  /** A probe attempt is under way (its verdict could change a member's state). */
  get attemptInFlight(): boolean {
    return this.attemptByPort.size > 0;
  }

  /** When the next probe round runs (infinity when none is scheduled). */
  earliestRoundUs(): number {
    if (this.earliestRound === null) {
      this.earliestRound = Number.POSITIVE_INFINITY;
      for (const at of this.nextRoundUs.values()) this.earliestRound = Math.min(this.earliestRound, at);
    }
    return this.earliestRound;
  }

  /** The interval of the slowest probe that probes anything (the run ends one such interval late). */
  slowestIntervalUs(): number {
    let slowest = 0;
    for (const rt of this.runtimes) if (rt.members.length > 0) slowest = Math.max(slowest, rt.probe.intervalUs);
    return slowest;
  }

  /** “Understand Load Balancer probes”: a member goes up on its first positive probe after the VM boots. */
  noteBoot(nics: readonly number[]): void {
    for (const rt of this.runtimes) {
      for (const nic of nics) {
        const member = rt.byNic.get(nic);
        if (member !== undefined) member.boot = true;
      }
    }
  }

  /** A steady-state run: one round of every probe at time 0. */
  scheduleSteadyRounds(): void {
    for (const rt of this.runtimes)
      this.path.schedule(0, PHASE.probe, { type: 'probeRound', rt, aux: true, cancelled: false });
  }

  /** Each member's verdict in a steady-state round. */
  steadyVerdicts(): Map<string, ProbeVerdict> {
    const out = new Map<string, ProbeVerdict>();
    for (const a of this.attempts) {
      if (a.verdict !== null) out.set(memberKey(a.rt.lb, a.rt.probeIndex, a.member.nic), a.verdict);
    }
    return out;
  }

  /**
   * The run starts from the steady state (`states`, and the `verdicts` that gave it: the reason a
   * member is down) and every probe that probes anything runs its first round at 0.
   */
  start(states: Map<string, boolean>, verdicts: Map<string, ProbeVerdict>): void {
    for (const rt of this.runtimes) {
      for (const m of rt.members) {
        const key = memberKey(rt.lb, rt.probeIndex, m.nic);
        const ok = states.get(key) ?? false;
        const v = verdicts.get(key);
        m.state = ok ? 'up' : 'down';
        m.okRun = ok ? rt.probe.threshold : 0;
        m.failRun = ok ? 0 : rt.probe.threshold;
        if (v !== undefined && !v.ok) {
          m.lastFailure = v.reason;
          m.downCode = v.code;
        }
        m.transitions.push({ at: 0, state: m.state });
      }
      if (rt.members.length > 0) {
        rt.scheduled = true;
        this.nextRoundUs.set(rt, 0);
        this.earliestRound = null;
        this.path.schedule(0, PHASE.probe, { type: 'probeRound', rt, aux: true, cancelled: false });
      }
    }
    this.healthEpoch++;
  }
  /**
   * engine-model.md "Health probes": every probe probes every member of the pools its rules use.
   * Called at the start (`assumed` gives the states a steady-state round starts from, all up when
   * null) and after every event that changes pools, probes or rules: a member that joins starts
   * down and goes up on its first success (assumption, after “Understand Load Balancer probes” "the first time the VM
   * boots"); a member that leaves is no longer probed and keeps its row.
   */
  sync(lbs: readonly LoadBalancerIn[], assumed: MemberStates | null, atStart: boolean): void {
    const now = this.path.now;
    lbs.forEach((lb, lbIndex) => {
      const perLb = this.byLb[lbIndex] ?? [];
      this.byLb[lbIndex] = perLb;
      lb.probes.forEach((probe, probeIndex) => {
        let rt = perLb[probeIndex];
        if (rt === undefined) {
          rt = {
            lb: lbIndex,
            probeIndex: probeIndex,
            probe,
            lbName: lb.name,
            members: [],
            byNic: new Map(),
            scheduled: false,
          };
          perLb[probeIndex] = rt;
          this.runtimes.push(rt);
        }
        rt.probe = probe;
        const wanted = new Set<number>();
        for (const rule of lb.rules) {
          if (rule.probe !== probeIndex) continue;
          for (const nic of lb.pools[rule.pool]?.members ?? []) wanted.add(nic);
        }
        for (const m of rt.members) if (!wanted.has(m.nic)) m.active = false;
        for (const nic of wanted) {
          const known = rt.byNic.get(nic);
          if (known?.active === true) continue;
          const up = atStart ? (assumed?.get(memberKey(lbIndex, probeIndex, nic)) ?? true) : false;
          const m: MemberHealth = known ?? {
            nic,
            name: this.nicName(nic),
            state: up ? 'up' : 'down',
            okRun: 0,
            failRun: 0,
            lastFailure: null,
            downCode: failureCode(probe, 'timeout'),
            transitions: [],
            active: true,
            boot: false,
            // Members of the steady state were probed before the run; one that joins later was not.
            probed: atStart,
          };
          if (known === undefined) {
            rt.members.push(m);
            rt.byNic.set(nic, m);
          }
          m.active = true;
          if (!atStart) {
            if (m.state === 'up') m.transitions.push({ at: now, state: 'down' });
            m.state = 'down';
            m.okRun = 0;
            m.boot = true;
            m.probed = false;
            if (known === undefined) m.transitions.push({ at: now, state: 'down' });
          }
        }
        if (!atStart && !rt.scheduled && rt.members.some((member) => member.active)) {
          rt.scheduled = true;
          this.path.schedule(now, PHASE.probe, { type: 'probeRound', rt, aux: true, cancelled: false });
        }
      });
    });
    this.healthEpoch++;
  }

  // ---------------------------------------------------------------- probes

  runRound(rt: ProbeRuntime): void {
    const now = this.path.now;
    let active = 0;
    for (const m of rt.members) {
      if (!m.active) continue;
      active++;
      this.startAttempt(rt, m);
    }
    rt.scheduled = active > 0 && this.runMode === 'run';
    // engine-model.md "Time and TCP": every probe fires at 0, interval, 2 × interval ... (assumption).
    if (rt.scheduled) this.nextRoundUs.set(rt, now + rt.probe.intervalUs);
    else this.nextRoundUs.delete(rt);
    this.earliestRound = null;
    if (rt.scheduled) {
      this.path.schedule(now + rt.probe.intervalUs, PHASE.probe, {
        type: 'probeRound',
        rt,
        aux: true,
        cancelled: false,
      });
    }
  }

  private startAttempt(rt: ProbeRuntime, memberHealth: MemberHealth): void {
    const nic = this.input.nics[memberHealth.nic];
    if (nic === undefined) throw new Error(`no NIC ${memberHealth.nic}`);
    const host = this.path.hostOfNic(memberHealth.nic);
    const probeId = rt.probe.id;
    const connId = `${probeId}>${memberHealth.name}@${microsToSeconds(this.path.now)}`;
    if (host === undefined || !host.running) {
      // engine-model.md "Health probes": a stopped VM is not probed and counts as down.
      const reason: Reason = {
        code: 'VM_STOPPED',
        at: host?.id ?? nic.id,
        rule: null,
        detail: `${host?.name ?? nic.name} is stopped, so ${rt.probe.name} counts ${memberHealth.name} as down.`,
      };
      const attempt = this.newAttempt(rt, memberHealth, connId, 0, nic.address);
      this.finishAttempt(attempt, { ok: false, reason, code: failureCode(rt.probe, 'stopped') });
      return;
    }
    if (rt.probe.protocol !== 'Tcp' && HTTP_PROBE_UNSUPPORTED_PORTS.includes(rt.probe.port)) {
      // "HTTP probes don't support probing on the following ports due to security concerns: 19,
      // 21, 25, 70, 110, 119, 143, 220, 993" (load-balancer-custom-probe-overview.md, Limitations).
      // Assumption: no probe is sent, so the member is never probed up; the portal code is the
      // closest, TcpProbeTimeout (failureCode).
      const reason: Reason = {
        code: 'PROBE_TIMEOUT',
        at: rt.probe.id,
        rule: null,
        detail: `HTTP probes don't support probing on port ${rt.probe.port} (Azure's probe documentation, for security concerns): ${rt.probe.name} sends nothing, so ${memberHealth.name} is never probed up.`,
      };
      const attempt = this.newAttempt(rt, memberHealth, connId, 0, nic.address);
      this.finishAttempt(attempt, { ok: false, reason, code: failureCode(rt.probe, 'timeout') });
      return;
    }
    let port = 0;
    for (let i = 0; i < 1000 && (port === 0 || this.attemptByPort.has(port)); i++) {
      port = nextInt(this.prng, 1024, 65535);
    }
    const attempt = this.newAttempt(rt, memberHealth, connId, port, nic.address);
    this.attemptByPort.set(port, attempt);
    // engine-model.md "Health probes": from 168.63.129.16 to the member's primary NIC address and
    // the probe port, never the frontend address (the ILB hairpin write-up §3.2 call-out 3).
    this.sendFromPlatform(
      attempt,
      newHeader('Tcp', AZURE_LB_ADDRESS, port, nic.address, rt.probe.port, SYN, null, null),
    );
    this.path.schedule(this.path.now + probeTimeoutUs(rt.probe), PHASE.probe, {
      type: 'probeDeadline',
      attempt,
      aux: true,
      cancelled: false,
    });
  }

  private newAttempt(
    rt: ProbeRuntime,
    memberHealth: MemberHealth,
    id: string,
    port: number,
    address: number,
  ): ProbeAttempt {
    const attempt: ProbeAttempt = {
      id,
      probe: true,
      inFlight: 0,
      done: false,
      released: false,
      doom: null,
      owned: [],
      rt,
      member: memberHealth,
      port,
      memberAddress: address,
      established: false,
      verdict: null,
    };
    // Only the steady-state rounds read the verdicts back; a run keeps no list of attempts.
    if (this.runMode === 'steady') this.attempts.push(attempt);
    return attempt;
  }

  private sendFromPlatform(attempt: ProbeAttempt, header: Header): void {
    const path = this.path;
    const packet = path.newPacket(header, attempt);
    if (path.tracing) path.trace('send', attempt.rt.probe.id, packet);
    path.arriveLater(LATENCY_US.platform, packet, path.nicArrival(attempt.member.nic));
  }

  /** A packet reaches 168.63.129.16: an answer to an attempt under way, or nothing. */
  arriveAtPlatform(packet: Packet<Owner>): void {
    const h = packet.header;
    const attempt = this.attemptByPort.get(h.dstPort);
    if (attempt === undefined || h.src !== attempt.memberAddress || h.protocol !== 'Tcp') {
      if (this.path.tracing) this.path.trace('deliver', 'probe:platform', packet);
      return;
    }
    if (attempt.done) {
      // The member's FIN that ends a TCP probe's four-way close: acknowledged, and the close is over.
      if (this.path.tracing) this.path.trace('deliver', attempt.rt.probe.id, packet);
      if (hasFlag(h, FIN)) this.sendFromPlatform(attempt, replyHeader(h, { flags: ACK }));
      this.attemptByPort.delete(attempt.port);
      return;
    }
    const probe = attempt.rt.probe;
    if (this.path.tracing) this.path.trace('deliver', probe.id, packet);
    if (hasFlag(h, RST)) {
      // “Understand Load Balancer probes”: a TCP reset from the instance marks the probe failed.
      const reason = attempt.doom ?? {
        code: 'TCP_RESET',
        at: this.path.hostOfNic(attempt.member.nic)?.id ?? attempt.member.name,
        rule: null,
        detail: `${attempt.member.name} answered ${probe.name} with a RST.`,
      };
      this.finishAttempt(attempt, { ok: false, reason, code: failureCode(probe, 'reset', attempt.established) });
      return;
    }
    if (isSynAck(h)) {
      attempt.established = true;
      this.sendFromPlatform(attempt, replyHeader(h, { flags: ACK }));
      if (probe.protocol === 'Tcp') {
        // Success is a completed three-way handshake, and "TCP probes terminate a connection with a
        // four-way close TCP handshake" (load-balancer-custom-probe-overview.md, "Probe protocol"):
        // the platform sends its FIN at once; the member's FIN is acknowledged when it comes.
        this.sendFromPlatform(attempt, replyHeader(h, { flags: FIN | ACK }));
        this.finishAttempt(attempt, { ok: true, reason: null, code: 'Up_Probe_Success' }, true);
        return;
      }
      if (probe.protocol === 'Https') {
        // "HTTPS probes are the same as HTTP probes with the addition of a Transport Layer Security
        // (TLS)", and "require the use of certificates ... that have a minimum signature hash of
        // SHA256 in the entire chain" (load-balancer-custom-probe-overview.md). The TLS exchange is
        // not sent as packets: the listener either serves TLS with such a chain, or the handshake
        // fails. Assumption: a failed TLS handshake after a completed TCP one shows as
        // Down_Probe_HttpEndpointUnreachable ("the HTTP session was rejected"), the closest code.
        const tlsProblem = this.tlsProblem(attempt);
        if (tlsProblem !== null) {
          const host = this.path.hostOfNic(attempt.member.nic);
          this.sendFromPlatform(attempt, replyHeader(h, { flags: RST }));
          this.finishAttempt(attempt, {
            ok: false,
            reason: { code: 'PROBE_TLS_FAILED', at: host?.id ?? attempt.member.name, rule: null, detail: tlsProblem },
            code: failureCode(probe, 'reset', true),
          });
          return;
        }
      }
      this.sendFromPlatform(
        attempt,
        replyHeader(h, { flags: PSH | ACK, http: { kind: 'request', method: 'GET', path: probe.requestPath } }),
      );
      return;
    }
    if (h.http?.kind === 'response') {
      // Assumption: an HTTP(S) probe ends its connection with a RST once it has the status (the
      // docs describe a four-way close for TCP probes only).
      this.sendFromPlatform(attempt, replyHeader(h, { flags: RST }));
      if (h.http.status === 200) {
        this.finishAttempt(attempt, { ok: true, reason: null, code: 'Up_Probe_Success', explicit: true });
        return;
      }
      // “Understand Load Balancer probes” "HTTP custom probe": any status other than 200 marks the instance down.
      const host = this.path.hostOfNic(attempt.member.nic);
      this.finishAttempt(attempt, {
        ok: false,
        reason: {
          code: 'HTTP_STATUS',
          at: host?.id ?? attempt.member.name,
          rule: null,
          detail: `${host?.name ?? attempt.member.name} answered ${probe.name}'s GET ${probe.requestPath} with ${h.http.status}, not 200.`,
        },
        code: failureCode(probe, 'status'),
        explicit: true,
      });
    }
  }

  /** Why an HTTPS probe's TLS handshake with the member fails, or null when it succeeds. */
  private tlsProblem(attempt: ProbeAttempt): string | null {
    const host = this.path.hostOfNic(attempt.member.nic);
    const probe = attempt.rt.probe;
    let listener: ListenerIn | null = null;
    for (const l of host?.listeners ?? []) {
      if (l.protocol !== 'Tcp' || l.port !== probe.port) continue;
      if (l.address === attempt.memberAddress) listener = l;
      else if (l.address === 0) listener ??= l;
    }
    const where = `${host?.name ?? attempt.member.name}'s listener ${listener?.name ?? ''} on port ${probe.port}`;
    if (listener === null || listener.tls === null) {
      return `${where} serves no TLS, so ${probe.name}'s TLS handshake fails (an HTTPS probe needs a TLS listener).`;
    }
    if (!listener.tls.sha256) {
      return `${where} presents a certificate chain that is not SHA-256 throughout, so ${probe.name}'s TLS handshake fails (HTTPS probes require SHA-256 in the entire chain).`;
    }
    return null;
  }

  onDeadline(attempt: ProbeAttempt): void {
    if (attempt.done) {
      // A close the member never finished: stop waiting for its FIN.
      if (this.attemptByPort.get(attempt.port) === attempt) this.attemptByPort.delete(attempt.port);
      return;
    }
    const probe = attempt.rt.probe;
    const reason = attempt.doom ?? {
      code: 'PROBE_TIMEOUT',
      at: probe.id,
      rule: null,
      detail: `${probe.name} got no ${attempt.established ? 'HTTP answer' : 'answer'} from ${attempt.member.name} within ${probeTimeoutUs(probe) / 1_000_000} s.`,
    };
    const kind = probe.protocol !== 'Tcp' && attempt.established ? 'noResponse' : 'timeout';
    this.finishAttempt(attempt, { ok: false, reason, code: failureCode(probe, kind, attempt.established) });
  }

  /** `closing`: a TCP probe waits on for the member's FIN (its port stays mapped until then). */
  private finishAttempt(attempt: ProbeAttempt, verdict: ProbeVerdict, closing = false): void {
    attempt.done = true;
    attempt.verdict = verdict;
    if (!closing && this.attemptByPort.get(attempt.port) === attempt) this.attemptByPort.delete(attempt.port);
    if (attempt.inFlight === 0) this.path.release(attempt);
    if (this.runMode !== 'run') return;
    const m = attempt.member;
    if (!m.active) return;
    const changed = applyVerdict(attempt.rt.probe, m, verdict, this.path.now);
    if (changed) this.healthEpoch++;
    if (changed && m.state === 'down') this.listener.onMemberDown(attempt.rt);
    if (this.path.tracing) {
      this.path.trace('state', attempt.rt.probe.id, null, {
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

  private nicName(nic: number): string {
    const found = this.input.nics[nic];
    if (found === undefined) throw new Error(`no NIC ${nic}`);
    return found.name;
  }
}
