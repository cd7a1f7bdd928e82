/**
 * simulation: the discrete-event run that moves packets along the path of engine-model.md
 * ("The path, in order", steps 1–15), the health probes with their steady state, reverse proxies
 * (`proxyTo`), and the run over time: scenario events, long-lived connections (`duration`,
 * `dataEvery`) and idle timeouts. This module holds the run itself: the steady state found before
 * it, the loop over the event queue and its end, the dispatch of each job to its stage, scenario
 * events, and the traffic's opens. The stages are the classes it extends (core.ts lists them).
 *
 * Inputs: an `EngineInput`, a seed, an optional stop time, the mode (trace: one row per connection,
 *   with the packet events when `trace` is set; bulk: aggregates only) .
 * Outputs: a `SimulationResult` (scenario-format.md "Result of a simulation") or a `BulkResult`.
 * Invariants: all randomness comes from PRNG states held in the state and seeded from `seed`; all
 *   time from the event queue (integer microseconds); every packet is delivered, dropped with a
 *   `Reason`, or still in flight when the run stops; replies never pass the load balancer
 *   (engine-model.md step 9: "Azure always returns traffic directly"). Both modes run the same
 *   code: bulk mode skips the rows and the trace, and its fast path (fastRun.ts `tryFast`) reuses,
 *   per decision class, the outcome of a reference connection that ran this same code, while each
 *   connection still draws its own port, hashes its own tuple and holds its own flow entry; so it
 *   makes the same decisions for the same connection.
 *   Memory is flat in the number of connections: connections are opened one at a time, and the
 *   flow state a connection created (NSG and firewall flows, load-balancer flow, reverse NAT, SNAT
 *   entries and ports, half-open server sockets) is evicted once it has ended and none of its
 *   packets is in flight. A rule with `enableTcpReset` arms one idle-check job per TCP flow; it is
 *   cancelled when the flow is evicted, and cancelled jobs are compacted out of the queue once they
 *   are most of it.
 *   Events replace configuration (`lbs`, `nsgRules`, a host's listeners and firewall) with new
 *   objects; they never mutate the input.
 */
import { nextInt } from '../shared/prng';
import type { BulkResult } from './bulk';
import { type ClassKey, type ClassSpace, classOf, fastEligible, HostSlots } from './fastpath';
import type { FlowTable } from './flowtable';
import { chooseSourceAddress, type Host, isLoopbackNet, portKey } from './guest';
import { HealthProbes } from './health';
import type { ClientIn, EngineInput, EventIn, LbRuleIn, TrafficIn } from './input';
import { hashOf, pickIndex } from './lb';
import type { ProbeVerdict } from './probe';
import { buildBulkResult, buildResult, rowReason } from './report';
import type { SimulationResult } from './result';
import { PHASE } from './sched';
import {
  ClientHost,
  type Conn,
  type DelayLine,
  type EngineProgress,
  type FastConn,
  type Job,
  type LbFlow,
  type MemberStates,
  type MemoClass,
  type MemoOutcome,
  memberKey,
  type RefRecord,
  type RunMode,
  type SimEvent,
  type SimulateOptions,
  TCP_CODE,
  type Writable,
} from './state';
import { ephemeralRange } from './tcp';
import type { Reason } from './trace';
import { type Header, newHeader, SYN } from './wire';

export type { EngineProgress, SimulateOptions, SimulationMode } from './state';

export const PROGRESS_EVERY_EVENTS = 4096;

export class Simulation extends HealthProbes {
  constructor(
    input: EngineInput,
    options: SimulateOptions,
    runMode: RunMode = 'run',
    assumed: MemberStates | null = null,
  ) {
    super(input, options, runMode);
    this.syncProbes(assumed, true);
  }

  /** Runs one round of every probe at time 0 and returns each member's verdict. */
  runSteadyState(): Map<string, ProbeVerdict> {
    for (const rt of this.probes)
      this.schedule(0, PHASE.probe, { type: 'probeRound', rt, aux: true, cancelled: false });
    for (let job = this.queue.pop(); job !== undefined; job = this.queue.pop()) {
      this.now = job.time;
      if (!job.payload.cancelled) this.handle(job.payload);
    }
    const out = new Map<string, ProbeVerdict>();
    for (const a of this.attempts) {
      if (a.verdict !== null) out.set(memberKey(a.rt.lb, a.rt.probeIndex, a.member.nic), a.verdict);
    }
    return out;
  }

  /**
   * engine-model.md "Health probes": the simulation starts from the state probing settles on,
   * found by running the real probe path. A probe whose answer depends on other members (an HTTP
   * probe of a reverse proxy whose upstream is a load-balancer frontend) needs a fixpoint: start
   * from every member up, probe once with those states, take the verdicts as the new states, and
   * repeat until nothing changes. Assumption: when the rounds do not settle (a cycle of proxies
   * whose health feeds back with a flip), the state after the last round is taken; the bound is one
   * round per member plus one.
   */
  private findSteadyState(): { states: Map<string, boolean>; verdicts: Map<string, ProbeVerdict> } {
    let states = new Map<string, boolean>();
    for (const rt of this.probes) for (const m of rt.members) states.set(memberKey(rt.lb, rt.probeIndex, m.nic), true);
    const bound = states.size + 1;
    let verdicts = new Map<string, ProbeVerdict>();
    for (let round = 0; round < bound; round++) {
      verdicts = new Simulation(this.input, { seed: this.options.seed }, 'steady', states).runSteadyState();
      const next = new Map<string, boolean>();
      let changed = false;
      for (const [key, up] of states) {
        const ok = verdicts.get(key)?.ok ?? false;
        next.set(key, ok);
        if (ok !== up) changed = true;
      }
      states = next;
      if (!changed) break;
    }
    return { states, verdicts };
  }

  run(): SimulationResult {
    this.execute();
    return this.buildResult(this.finalEnd());
  }

  runBulk(): BulkResult {
    this.execute();
    return this.buildBulkResult(this.finalEnd());
  }

  /**
   * `until` caps the run (scenario-format.md "--until"): a run that ends earlier by itself reports
   * its own end; connections still under way at `until` report the outcome `pending`.
   */
  private finalEnd(): number {
    const untilUs = this.untilUs();
    const naturalEnd = this.endUs ?? this.now;
    return untilUs === null ? naturalEnd : this.endUs === null ? untilUs : Math.min(naturalEnd, untilUs);
  }

  private execute(): void {
    const { states, verdicts } = this.findSteadyState();
    for (const rt of this.probes) {
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
        this.earliestRoundUs = null;
        this.schedule(0, PHASE.probe, { type: 'probeRound', rt, aux: true, cancelled: false });
      }
    }
    this.healthEpoch++;
    // scenario-format.md "events": at their times, before probes and traffic of the same instant.
    for (const event of this.input.events) {
      this.schedule(event.atUs, PHASE.scenario, { type: 'event', event, aux: false, cancelled: false });
    }
    // Each traffic's connections open one after the other, but order as if all had been scheduled
    // now, traffic by traffic (their sequence numbers are reserved here).
    this.input.traffic.forEach((t, ti) => {
      this.openConns += t.connections;
      if (t.connections === 0) return;
      const seqBase = this.queue.reserve(t.connections);
      this.scheduleOpen(ti, 0, seqBase);
    });
    const untilUs = this.untilUs();
    this.checkEnding();
    const onProgress = this.options.onProgress;
    const every = Math.max(1, Math.floor(this.options.progressEvery ?? PROGRESS_EVERY_EVENTS));
    let handled = 0;
    let reportAt = every;
    for (;;) {
      const next = this.queue.peek();
      if (next === undefined) break;
      if (untilUs !== null && next.time > untilUs) break;
      if (this.endUs !== null && next.time > this.endUs) break;
      this.queue.pop();
      this.now = next.time;
      const job = next.payload;
      this.queue.recycle(next);
      if (job.cancelled) continue;
      if (!job.aux) this.pendingMain--;
      this.handle(job);
      this.checkEnding();
      if (onProgress !== undefined && ++handled >= reportAt) {
        reportAt += every;
        onProgress(this.progress(handled, untilUs, false));
      }
    }
    onProgress?.(this.progress(handled, untilUs, true));
  }

  /** Reads the run's counters for `onProgress` (changes nothing). */
  private progress(events: number, untilUs: number | null, done: boolean): EngineProgress {
    let total = 0;
    let opened = 0;
    let lastOpenUs = 0;
    this.input.traffic.forEach((t, ti) => {
      total += t.connections;
      opened += this.opened[ti] ?? 0;
      if (t.connections > 0) lastOpenUs = Math.max(lastOpenUs, t.startAtUs + (t.connections - 1) * t.intervalUs);
    });
    return {
      simulatedUs: this.now,
      untilUs,
      lastOpenUs,
      connectionsOpened: opened,
      connectionsDone: total - this.openConns,
      connectionsTotal: total,
      events,
      done,
    };
  }

  private scheduleOpen(traffic: number, index: number, seqBase: number, reuse: Job | null = null): void {
    const t = this.input.traffic[traffic] as TrafficIn;
    let job: Job;
    if (reuse !== null && reuse.type === 'open') {
      reuse.index = index;
      job = reuse;
    } else job = { type: 'open', traffic, index, seqBase, aux: false, cancelled: false };
    this.pendingMain++;
    this.queue.pushReserved(t.startAtUs + index * t.intervalUs, PHASE.traffic, seqBase + index, job);
  }

  /**
   * engine-model.md "Time and TCP": the simulation ends when every connection has ended or failed
   * and every event has happened, plus one interval of the slowest probe.
   */
  private checkEnding(): void {
    if (this.endUs !== null || this.openConns > 0 || this.pendingMain > 0) return;
    let slowest = 0;
    for (const rt of this.probes) if (rt.members.length > 0) slowest = Math.max(slowest, rt.probe.intervalUs);
    this.endUs = this.now + slowest;
  }

  private handle(e: SimEvent): void {
    switch (e.type) {
      case 'open':
        this.onOpen(e);
        return;
      case 'synTimer':
        this.onSynTimer(e.conn, e.attempt, e.final);
        return;
      case 'dataTimer':
        this.onDataTimer(e.conn, e.pendingId, e.attempt, e.final);
        return;
      case 'close':
        e.conn.deadline = null;
        this.closeClient(e.conn);
        return;
      case 'dataTick':
        e.conn.tick = null;
        this.onDataTick(e.conn);
        return;
      case 'answerDeadline':
        e.conn.deadline = null;
        this.onAnswerDeadline(e.conn);
        return;
      case 'udpEnd':
        e.conn.timer = null;
        this.onUdpEnd(e.conn);
        return;
      case 'responseDeadline':
        e.conn.deadline = null;
        this.onResponseDeadline(e.conn);
        return;
      case 'connectTimeout':
        e.conn.deadline = null;
        this.onConnectTimeout(e.conn);
        return;
      case 'arrive': {
        const owner = e.packet.owner;
        this.arrive(e.packet, e.stage);
        owner.inFlight--;
        if (owner.done && owner.inFlight === 0) this.release(owner);
        return;
      }
      case 'probeRound':
        this.runProbeRound(e.rt);
        return;
      case 'event':
        this.applyEvent(e.event);
        return;
      case 'idleCheck':
        this.onIdleCheck(e.flow, e.key);
        return;
      case 'snatIdle':
        this.onSnatIdle(e.entry);
        return;
      case 'probeDeadline':
        this.onProbeDeadline(e.attempt);
        return;
      case 'fastLine':
        this.onDelayLine(e);
        return;
      case 'fastFinish':
        if (!e.fast.finished) this.finishFast(e.fast);
        return;
    }
  }

  /**
   * scenario-format.md "events". Each replaces one piece of configuration; nothing reacts at once
   * but what Azure does at once: probes see a change at their next round and count it against
   * their threshold (engine-model.md "Health probes"); NSG flows already allowed keep passing
   * (engine-model.md step 3: "a changed rule affects new flows only"); accepted connections
   * survive a listener's removal (a closed listening socket does not close accepted ones).
   */
  private applyEvent(e: EventIn): void {
    this.eventEpoch++;
    if (this.tracing) {
      this.trace('event', e.element, null, { decision: { kind: 'event', action: e.action, detail: e.detail } });
    }
    switch (e.action) {
      case 'stopVm':
        this.stopVm(e.vm);
        return;
      case 'startVm': {
        const host = this.vmHosts[e.vm] as Host;
        host.running = true;
        // seeds/004: a member goes up on its first positive probe after the VM boots.
        for (const rt of this.probes) {
          for (const n of this.input.vms[e.vm]?.nics ?? []) {
            const m = rt.byNic.get(n);
            if (m !== undefined) m.boot = true;
          }
        }
        return;
      }
      case 'removePoolMember':
      case 'addPoolMember': {
        const lb = this.lbAt(e.lb);
        const pools = lb.pools.map((pool, i) => {
          if (i !== e.pool) return pool;
          const members = pool.members.filter((n) => n !== e.nic);
          if (e.action === 'addPoolMember') members.push(e.nic);
          return { ...pool, members };
        });
        // seeds/000 last section: TCP flows stay on a removed member; the flow table is untouched.
        this.lbs[e.lb] = { ...lb, pools };
        this.syncProbes(null, false);
        return;
      }
      case 'setListener':
      case 'removeListener':
        (this.vmHosts[e.vm] as Host).listeners = e.listeners;
        return;
      case 'setSecurityRule':
      case 'removeSecurityRule':
        this.nsgRules[e.nsg] = e.rules;
        return;
      case 'setProbe': {
        const lb = this.lbAt(e.lb);
        const probes = [...lb.probes];
        probes[e.index] = e.probe;
        this.lbs[e.lb] = { ...lb, probes };
        this.syncProbes(null, false);
        return;
      }
      case 'setRule': {
        const lb = this.lbAt(e.lb);
        const rules = [...lb.rules];
        rules[e.index] = e.rule;
        this.lbs[e.lb] = { ...lb, rules };
        this.syncProbes(null, false);
        return;
      }
      case 'setFirewallRule':
      case 'removeFirewallRule':
        (this.vmHosts[e.vm] as Host).firewall = e.firewall;
        return;
    }
  }

  /**
   * A VM stops (engine-model.md step 7: "a stopped VM's flows end"): the load balancers forget the
   * flows to its NICs, its sockets are gone, and its own connections end. A peer's connection to it
   * dies by its own retransmissions (engine-model.md "Time and TCP"), its reason naming the stop.
   */
  private stopVm(vm: number): void {
    const host = this.vmHosts[vm] as Host;
    host.running = false;
    const nics = new Set(this.input.vms[vm]?.nics ?? []);
    const reason: Reason = {
      code: 'VM_STOPPED',
      at: host.id,
      rule: null,
      detail: `${host.name} was stopped while the connection was open; the load balancer forgot its flows.`,
    };
    for (const tables of this.lbFlows) {
      for (const table of tables) {
        for (const [key, flow] of table) {
          if (!nics.has(flow.nic)) continue;
          table.delete(key);
          this.noteDoom(flow.owner, reason);
          if (this.tracing) this.traceFlowEnd(flow, "the member's VM stopped", reason);
        }
      }
    }
    for (const sock of [...host.sockets.values()]) {
      this.removeSocket(host, sock);
      if (sock.app.kind !== 'client') continue;
      // Assumption: a connection of the stopped VM itself ends at the stop, as a timeout.
      const conn = sock.owner as Conn;
      if (conn.done) continue;
      const own: Reason = { ...reason, detail: `${host.name} was stopped with the connection open.` };
      if (conn.outcome === 'established') conn.closed ??= { atUs: this.now, by: 'timeout', reason: own };
      else if (conn.outcome !== 'answered') {
        // (A long-lived UDP flow whose first datagram was answered keeps `answered`: see `isLongUdp`.)
        conn.outcome = conn.spec.protocol === 'Tcp' ? 'timeout' : 'unanswered';
        conn.reason = own;
      }
      this.finish(conn);
    }
  }

  private onOpen(job: SimEvent & { readonly type: 'open' }): void {
    const { traffic, index, seqBase } = job;
    const t = this.input.traffic[traffic] as TrafficIn;
    // The popped job is reused for the next connection (one open job per traffic at a time).
    if (index + 1 < t.connections) this.scheduleOpen(traffic, index + 1, seqBase, job as Job);
    this.opened[traffic] = index + 1;
    let host: Host;
    let slot: Conn['clientSlot'] = null;
    let port: number | null = null;
    let ref: RefRecord | null = null;
    if (t.source.kind === 'vm') {
      const vmHost = this.vmHosts[t.source.vm];
      if (vmHost === undefined) throw new Error(`no VM ${t.source.vm}`);
      host = vmHost;
    } else {
      const c = t.source.client;
      const client = this.input.clients[c] as ClientIn;
      // scenario-format.md "Clients": a client with `count` spreads its connections over its hosts.
      const h = index % client.count;
      const cache = this.clientHosts[c] as Map<number, Host>;
      const cached = cache.size === 0 ? undefined : cache.get(h);
      if (
        cached === undefined &&
        this.fastSpace !== null &&
        fastEligible(t) &&
        this.fastSlots(c).get(h) < 0 &&
        !isLoopbackNet(t.destination)
      ) {
        // A host not built has nothing open: what `allocatePort` and `chooseSourceAddress` give
        // for it are the first draw of its ephemeral range and its own address (a client has one
        // interface and no routes), so the fast path needs no host unless it declines.
        const range = ephemeralRange(client.os);
        port = nextInt(this.prng, range.min, range.max);
        const fast = this.tryFast(t, traffic, null, c, h, (client.firstAddress + h) >>> 0, port);
        if (fast === true) return;
        ref = fast;
        host = this.clientHost(c, h);
      } else {
        host = cached ?? this.clientHost(c, h);
        if (
          this.fastSpace !== null &&
          host instanceof ClientHost &&
          fastEligible(t) &&
          host.running &&
          this.hostIdle(host)
        ) {
          // The port is drawn here, once: a connection the fast path cannot take uses it below.
          // An idle host holds no port, so a draw always finds one.
          port = this.allocatePort(host, 'Tcp') as number;
          const fast = this.tryFast(t, traffic, host, c, h, chooseSourceAddress(host, t.destination), port);
          if (fast === true) return;
          ref = fast;
        }
      }
      slot = { client: c, host: h };
    }
    const conn = this.newConn(t, traffic, index, `${t.name}#${index}`, host, null, slot);
    conn.ref = ref;
    if (this.bulk) this.live.add(conn);
    else (this.rows[traffic] as Conn[])[index] = conn;
    this.openConnection(conn, port);
  }

  /**
   * Bulk fast path (engine-model.md "Two ways to run"). Covered: TCP connections of a traffic from
   * a client (not a VM), with no fixed `sourcePort`, no `http`, no `duration` or `dataEvery`, in a
   * scenario with no traffic from a VM and no reverse proxy (so no SNAT state ever exists), opened
   * on a client host that has nothing open (so the tuple is fresh in every flow table). Such a
   * connection's path depends on the tuple only through (a) which prefixes and port ranges of the
   * input contain its source address and port (its class, fastpath.ts), (b) the configuration
   * (scenario events applied, probe states) and (c) the load balancer's tuple hash. The first
   * connection of each (traffic, class, configuration, chosen member) runs the full packet-level
   * simulation as the reference and records its outcome and the times of its finish and release;
   * later ones of the class do the tuple-dependent work for real — seeded ephemeral port, hash over
   * the current candidates, a flow-table entry under their own tuple, evicted at their release
   * time, the distribution count — and take the reference's outcome at its finish (the port is
   * freed and the connection counted) and release (the flow entry is evicted) times; both in one
   * step at the release time when its host is not built (`FastConn.oneStep`). Only when
   * nothing can change the configuration before that release: no scenario event, no probe round
   * and no probe attempt in flight, before `until`, and released before the shortest idle timeout
   * of the input could fire. Everything else runs the full simulation.
   * Returns true when the fast path took the connection, else the reference record to keep (or
   * null).
   */
  private tryFast(
    t: TrafficIn,
    traffic: number,
    host: ClientHost | null,
    client: number,
    hostIndex: number,
    src: number,
    port: number,
  ): true | RefRecord | null {
    const key = classOf(this.fastSpace as ClassSpace, src, port);
    const cls = this.memoFor(traffic).get(key);
    if (cls === undefined) return this.newReference(traffic, key);
    let nic = -1;
    const rule = cls.rule;
    if (rule !== null) {
      const members = this.candidatesFor(cls.lb, rule);
      if (members.length === 0) return null;
      // The SYN's header, written into one scratch header for the hash (the flow gets its own below).
      const h = this.fastHeader;
      h.src = src >>> 0;
      h.srcPort = port;
      h.dst = t.destination >>> 0;
      h.dstPort = t.destinationPort;
      nic = members[pickIndex(hashOf(this.options.seed, rule.loadDistribution, h), members.length)] as number;
    }
    const memo = cls.outcomes.get(nic);
    if (memo === undefined) return this.newReference(traffic, key);
    if (memo.releaseAfterUs >= this.fastIdleUs || !this.quietUntil(this.now + memo.releaseAfterUs)) return null;
    let fast = this.fastFree.pop();
    if (fast === undefined) {
      fast = newFastConn(this.fastConns.length);
      this.fastConns.push(fast);
    }
    fast.host = host;
    fast.client = client;
    fast.hostIndex = hostIndex;
    fast.port = port;
    fast.memo = memo;
    fast.finished = false;
    if (host !== null) {
      host.usedPorts.add(portKey('Tcp', port));
      host.fastPending++;
    } else this.fastSlots(client).set(hostIndex, fast.id);
    fast.table = null;
    fast.flow = null;
    if (rule !== null) {
      const lb = this.lbAt(cls.lb);
      const table = (this.lbFlows[cls.lb] as FlowTable<LbFlow>[])[cls.frontend] as FlowTable<LbFlow>;
      let flow = fast.flowObject as Writable<LbFlow> | null;
      let h: Writable<Header>;
      if (flow === null) h = newHeader('Tcp', src, port, t.destination, t.destinationPort, SYN, null, null);
      else {
        h = flow.h as Writable<Header>;
        h.src = src >>> 0;
        h.srcPort = port;
        h.dst = t.destination >>> 0;
        h.dstPort = t.destinationPort;
        h.key = undefined;
        h.rkey = undefined;
      }
      if (flow === null) {
        flow = {
          lb: cls.lb,
          frontend: cls.frontend,
          h,
          lastSeen: this.now,
          nic,
          ruleName: rule.name,
          rule,
          floatingIp: rule.enableFloatingIP,
          backendPort: rule.backendPort,
          owner: this.fastOwner,
          idleJob: null,
        };
        fast.flowObject = flow;
      } else {
        flow.lb = cls.lb;
        flow.frontend = cls.frontend;
        flow.h = h;
        flow.lastSeen = this.now;
        flow.nic = nic;
        flow.ruleName = rule.name;
        flow.rule = rule;
        flow.floatingIp = rule.enableFloatingIP;
        flow.backendPort = rule.backendPort;
        flow.owner = this.fastOwner;
        flow.idleJob = null;
      }
      // Numbers, not a tuple key: no string per connection (flowtable.ts).
      table.setTuple(TCP_CODE, h.src, port, h.dst, h.dstPort, flow);
      fast.table = table;
      fast.flow = flow;
      const row = cls.row;
      if (row === null) {
        this.countFlow(lb, rule, lb.pools[rule.pool]?.members ?? [], nic);
        cls.row = this.flowCounts.get(rule.id) ?? null;
      } else row.counts.set(nic, (row.counts.get(nic) ?? 0) + 1);
    }
    if (host === null && memo.releaseAfterUs > memo.finishAfterUs) {
      fast.oneStep = true;
      fast.finishUs = this.now + memo.finishAfterUs;
      memo.oneStepLine ??= this.delayLine(memo.releaseAfterUs);
      this.enterLine(fast, memo.oneStepLine);
    } else {
      fast.oneStep = false;
      memo.finishLine ??= this.delayLine(memo.finishAfterUs);
      this.enterLine(fast, memo.finishLine);
    }
    return true;
  }

  /** Which fast-path connection is under way on each host of `client` not built. */
  private fastSlots(client: number): HostSlots {
    let slots = this.fastHosts[client];
    if (slots === undefined || slots === null) {
      slots = new HostSlots((this.input.clients[client] as ClientIn).count);
      this.fastHosts[client] = slots;
    }
    return slots;
  }

  /** A client host with nothing open and no fast-path connection under way. */
  private hostIdle(host: ClientHost): boolean {
    return host.sockets.size === 0 && host.usedPorts.size === 0 && host.fastPending === 0;
  }

  /** The decision classes of `traffic` at the current configuration (older ones are dropped). */
  private memoFor(traffic: number): Map<ClassKey, MemoClass> {
    const epochs = this.memoEpochs;
    if (epochs[0] !== this.healthEpoch || epochs[1] !== this.eventEpoch) {
      for (const m of this.memo) m.clear();
      this.flushMemoCounts();
      epochs[0] = this.healthEpoch;
      epochs[1] = this.eventEpoch;
    }
    return this.memo[traffic] as Map<ClassKey, MemoClass>;
  }

  /** Counts the fast-path connections finished so far (memory stays bounded across epochs). */
  private flushMemoCounts(): void {
    for (const m of this.memoOutcomes) {
      if (m.finished > 0) this.aggregator.add(m.outcome, m.reasonCode, m.backend, m.http, m.closedBy, m.finished);
      m.finished = 0;
      m.listed = false;
    }
    this.memoOutcomes.length = 0;
  }

  private newReference(traffic: number, key: ClassKey): RefRecord {
    return {
      traffic,
      key,
      openUs: this.now,
      healthEpoch: this.healthEpoch,
      eventEpoch: this.eventEpoch,
      bad: false,
      decisions: 0,
      lb: -1,
      frontend: -1,
      rule: null,
      nic: -1,
      finishUs: -1,
    };
  }

  /** Nothing can change the configuration from now until `untilUs` (inclusive). */
  private quietUntil(untilUs: number): boolean {
    if (this.attemptByPort.size > 0) return false;
    const stop = this.untilUs();
    if (stop !== null && untilUs >= stop) return false;
    const times = this.eventTimes;
    while (this.nextEvent < times.length && (times[this.nextEvent] as number) <= this.now) this.nextEvent++;
    if (this.nextEvent < times.length && (times[this.nextEvent] as number) <= untilUs) return false;
    if (this.earliestRoundUs === null) {
      this.earliestRoundUs = Number.POSITIVE_INFINITY;
      for (const at of this.nextRoundUs.values()) this.earliestRoundUs = Math.min(this.earliestRoundUs, at);
    }
    return this.earliestRoundUs > untilUs;
  }

  /** The line of fast-path steps `delayUs` after they enter it. */
  private delayLine(delayUs: number): DelayLine {
    let line = this.delayLines.get(delayUs);
    if (line === undefined) {
      line = { type: 'fastLine', aux: true, cancelled: false, delayUs, items: [], head: 0, scheduled: false };
      this.delayLines.set(delayUs, line);
    }
    return line;
  }

  /** Queues `fast` in `line`, due its delay from now (it keeps the run alive like its packets would). */
  private enterLine(fast: FastConn, line: DelayLine): void {
    fast.dueUs = this.now + line.delayUs;
    line.items.push(fast);
    this.pendingMain++;
    if (!line.scheduled) this.scheduleLine(line, fast.dueUs);
  }

  private scheduleLine(line: DelayLine, atUs: number): void {
    line.scheduled = true;
    // Not counted in `pendingMain`: each waiting connection is.
    this.queue.push(atUs, PHASE.packet, line);
  }

  /**
   * The fast-path connections due now: each finishes (the port is freed, the connection counted),
   * then, after its own delay, is released (its flow entry evicted). Nothing else reads what these
   * change at the same instant: ports are drawn and hosts looked up only when a connection opens,
   * in the traffic phase, before any packet-phase job of that instant; the flow entries are under
   * tuples no other connection can hold (see `tryFast`).
   */
  private onDelayLine(line: DelayLine): void {
    line.scheduled = false;
    const items = line.items;
    while (line.head < items.length) {
      const fast = items[line.head] as FastConn;
      if (fast.dueUs > this.now) break;
      line.head++;
      this.pendingMain--;
      if (!fast.finished) {
        this.finishFast(fast);
        const memo = fast.memo;
        const more = memo.releaseAfterUs - memo.finishAfterUs;
        if (more > 0 && !fast.oneStep) {
          memo.releaseLine ??= this.delayLine(more);
          this.enterLine(fast, memo.releaseLine);
          continue;
        }
      }
      this.onFastRelease(fast);
    }
    if (line.head === items.length) {
      items.length = 0;
      line.head = 0;
    } else {
      if (line.head > 1024 && line.head * 2 > items.length) {
        items.copyWithin(0, line.head);
        items.length -= line.head;
        line.head = 0;
      }
      this.scheduleLine(line, (items[line.head] as FastConn).dueUs);
    }
  }

  /** A fast-path connection finishes: its port is freed and it is counted. */
  protected finishFast(fast: FastConn): void {
    fast.finished = true;
    fast.host?.usedPorts.delete(portKey('Tcp', fast.port));
    this.openConns--;
    const memo = fast.memo;
    if (!memo.listed) {
      memo.listed = true;
      this.memoOutcomes.push(memo);
    }
    memo.finished++;
  }

  private onFastRelease(fast: FastConn): void {
    const flow = fast.flow;
    if (fast.table !== null && flow !== null) {
      const h = flow.h;
      fast.table.deleteTuple(TCP_CODE, h.src, h.srcPort, h.dst, h.dstPort, flow);
    }
    const host = fast.host;
    if (host === null) this.fastSlots(fast.client).clear(fast.hostIndex);
    else if (--host.fastPending === 0 && host.sockets.size === 0 && host.usedPorts.size === 0) {
      const cache = this.clientHosts[fast.client];
      if (cache?.get(fast.hostIndex) === host) cache.delete(fast.hostIndex);
    }
    fast.host = null;
    // Reused only when no other connection took its flow entry over (which keeps the object).
    if (flow === null || (flow.owner === this.fastOwner && flow.idleJob === null)) this.fastFree.push(fast);
  }

  /** A reference run has been released: memoise its outcome if it stayed within the fast path's cover. */
  protected recordReference(conn: Conn, ref: RefRecord): void {
    conn.ref = null;
    if (ref.bad || ref.decisions > 1 || ref.finishUs < 0) return;
    if (ref.healthEpoch !== this.healthEpoch || ref.eventEpoch !== this.eventEpoch) return;
    const memo = this.memoFor(ref.traffic);
    let cls = memo.get(ref.key);
    if (cls === undefined) {
      cls = { lb: ref.lb, frontend: ref.frontend, rule: ref.rule, row: null, outcomes: new Map() };
      memo.set(ref.key, cls);
    } else if (cls.lb !== ref.lb || cls.frontend !== ref.frontend || cls.rule !== ref.rule) return;
    const reason = rowReason(conn);
    const outcome: MemoOutcome = {
      outcome: conn.outcome,
      reasonCode: reason === null ? null : reason.code,
      backend: conn.backend,
      http: conn.http === null ? null : conn.http.status,
      closedBy: conn.outcome === 'established' && conn.closed !== null ? conn.closed.by : null,
      finished: 0,
      listed: false,
      finishAfterUs: ref.finishUs - ref.openUs,
      releaseAfterUs: this.now - ref.openUs,
      finishLine: null,
      releaseLine: null,
      oneStepLine: null,
    };
    // The first reference of a class and member stands (later ones ran the same decisions).
    if (!cls.outcomes.has(ref.nic)) cls.outcomes.set(ref.nic, outcome);
  }

  /** A reference run's load-balancer decision: memoisable only on the client's own tuple. */
  protected noteReferenceDecision(
    conn: Conn,
    ref: RefRecord,
    l: number,
    f: number,
    rule: LbRuleIn,
    nic: number,
    h: Header,
  ) {
    const src = conn.source;
    const spec = conn.spec;
    ref.decisions++;
    if (
      src === null ||
      h.protocol !== 'Tcp' ||
      h.src !== src.address ||
      h.srcPort !== src.port ||
      h.dst !== spec.destination ||
      h.dstPort !== spec.destinationPort
    ) {
      ref.bad = true;
    }
    ref.lb = l;
    ref.frontend = f;
    ref.rule = rule;
    ref.nic = nic;
  }

  private buildResult(endUs: number): SimulationResult {
    return buildResult(
      this.input,
      this.options.seed,
      endUs,
      this.rows,
      this.probes,
      this.lbs,
      this.flowCounts,
      this.tracer,
    );
  }

  private buildBulkResult(endUs: number): BulkResult {
    // Connections still under way when the run stopped, and those never opened, are pending.
    for (const conn of this.live) this.aggregate(conn);
    this.flushMemoCounts();
    this.input.traffic.forEach((t, ti) => {
      for (let i = this.opened[ti] ?? 0; i < t.connections; i++) this.aggregator.add('pending', null, null, null, null);
    });
    return buildBulkResult(
      this.input,
      this.options.seed,
      endUs,
      this.aggregator,
      this.probes,
      this.lbs,
      this.flowCounts,
    );
  }
}

function newFastConn(id: number): FastConn {
  return {
    id,
    host: null,
    client: 0,
    hostIndex: 0,
    port: 0,
    memo: null as unknown as MemoOutcome,
    table: null,
    flow: null,
    flowObject: null,
    finished: false,
    oneStep: false,
    finishUs: 0,
    dueUs: 0,
  };
}
