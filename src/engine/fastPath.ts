/**
 * fastPath: bulk mode's fast path (engine-model.md "Two ways to run"; decisionClass.ts defines the
 * decision classes): the reference runs it memoises, the connections it takes (`tryFast`), and
 * the delay lines that finish and release them.
 *
 * Inputs: a connection about to open (its traffic, client host, source address and drawn port);
 *   reference runs as they decide and are released.
 * Outputs: for a connection it takes, the same effects as its packet-level run: its port held
 *   until its finish, its own flow entry until its release, its distribution count, and the
 *   reference's outcome counted at its finish time.
 * Invariants: taken only while nothing can change the configuration before its release (no
 *   event, probe round or probe attempt, before `until` and the shortest idle timeout); a class's
 *   memo is dropped when the configuration changes (health and event epochs); nothing per
 *   connection is allocated once the pools are warm (no key string, no queue job of its own).
 */

import type { Aggregator } from './bulk';
import {
  type ClassKey,
  type ClassSpace,
  classOf,
  classSpace,
  fastPathCovers,
  HostSlots,
  shortestIdleTimeoutUs,
} from './decisionClass';
import type { FlowTable } from './flowtable';
import { portKey } from './guest';
import type { Health } from './health';
import type { ClientIn, EngineInput, LbRuleIn, LoadBalancerIn, NatRuleIn, TrafficIn } from './input';
import { hashOf, pickIndex } from './lb';
import { rowReason } from './report';
import { PHASE, type Phase } from './sched';
import {
  type ClientHost,
  type Conn,
  type DelayLine,
  type FastConn,
  type FlowCount,
  type Job,
  type LbFlow,
  type MemoClass,
  type MemoOutcome,
  newLbFlow,
  type Owner,
  type RefRecord,
  TCP_CODE,
  type Writable,
} from './state';
import { type Header, newHeader, SYN } from './wire';

/**
 * What the full path reports to the fast path as it runs (the one interface through which the
 * fast path observes it): a client host being built, and a reference run's load-balancer decision
 * and release.
 */
export interface PathObserver {
  /** core.ts `clientHost` built `host`. */
  hostBuilt(client: number, hostIndex: number, host: ClientHost): void;
  /** A reference run's load balancer chose `nic` by `rule` for `header` (frontend.ts). */
  referenceDecided(
    conn: Conn,
    ref: RefRecord,
    lb: number,
    frontend: number,
    rule: LbRuleIn,
    nic: number,
    header: Header,
  ): void;
  /** A reference run was released (core.ts `release`). */
  referenceReleased(conn: Conn, ref: RefRecord): void;
}

/** What the fast path does through the run's shared state (core.ts `Core`): its clock, queue, live counts and client hosts. */
export interface FastPathRun {
  readonly now: number;
  /** Bumped by each scenario event (the configuration changed). */
  readonly eventEpoch: number;
  schedule(time: number, phase: Phase, job: Job): Job;
  /** One more, or one fewer, piece of work keeps the run from ending (a waiting connection). */
  holdRun(): void;
  unholdRun(): void;
  /** A connection ended (the count of those not ended yet goes down). */
  endConnection(): void;
  /** Forgets `host` as the host of that client address, when it still is. */
  forgetClientHost(client: number, hostIndex: number, host: ClientHost): void;
}

/** What the fast path asks the load balancer (frontend.ts): its choice, flow tables and counts. */
export interface FastPathBalancer {
  lbAt(lb: number): LoadBalancerIn;
  candidatesFor(lb: number, rule: LbRuleIn): number[];
  flowTable(lb: number, frontend: number): FlowTable<LbFlow>;
  countFlow(lb: LoadBalancerIn, rule: LbRuleIn | NatRuleIn, members: readonly number[], chosen: number): FlowCount;
}

export class FastPath implements PathObserver {
  /** The decision classes (see `tryFast`): null when the scenario is outside what it covers. */
  readonly space: ClassSpace | null;
  /** A fast-path connection is released before any idle timeout could fire (decisionClass.ts). */
  private readonly idleUs: number;
  /** Decision classes by traffic, for the configuration of `memoEpochs` only. */
  private readonly memo: Map<ClassKey, MemoClass>[];
  private readonly memoEpochs = [-1, -1];
  private readonly delayLines = new Map<number, DelayLine>();
  /** Every outcome memoised so far (their `finished` counts are folded in at the end). */
  private readonly memoOutcomes: MemoOutcome[] = [];
  /** Per client: fast-path connections under way on a host not built (see `FastConn.host`). */
  private readonly hostSlots: (HostSlots | null)[];
  /** Every fast-path connection object by its `id` (the pool's objects; `hostSlots` holds ids). */
  private readonly conns: FastConn[] = [];
  /** Released fast-path connections, for reuse. */
  private readonly free: FastConn[] = [];
  /** The SYN header a fast-path connection hashes (scratch: written for each one). */
  private readonly scratchHeader: Writable<Header> = newHeader('Tcp', 0, 0, 0, 0, SYN, null, null);
  /** Scenario event times, in order, and the first not yet past (see `quietUntil`). */
  private readonly eventTimes: number[];
  private nextEvent = 0;
  /** Shared owner of the flow-table entries of fast-path connections (never a `Conn`). */
  private readonly owner: Owner = {
    id: 'fast',
    probe: false,
    inFlight: 0,
    done: false,
    released: false,
    doom: null,
    owned: [],
  };

  /**
   * `covered`: bulk mode's run (not a steady-state round); `stopUs`: where the run stops at the
   * latest (`until` or the time budget); `aggregator`: the bulk counts the finished connections go to.
   */
  constructor(
    private readonly input: EngineInput,
    private readonly seed: number,
    covered: boolean,
    private readonly stopUs: number,
    private readonly aggregator: Aggregator,
    private readonly run: FastPathRun,
    private readonly balancer: FastPathBalancer,
    private readonly health: Health,
  ) {
    this.space = covered && fastPathCovers(input) ? classSpace(input) : null;
    this.idleUs = this.space === null ? 0 : shortestIdleTimeoutUs(input);
    this.memo = input.traffic.map(() => new Map());
    this.hostSlots = input.clients.map(() => null);
    this.eventTimes = input.events.map((event) => event.atUs).sort((earlier, later) => earlier - later);
  }

  /** Every fast-path connection object, finished or not (the pool). */
  get connections(): readonly FastConn[] {
    return this.conns;
  }

  /**
   * Bulk fast path (engine-model.md "Two ways to run"). Covered: TCP connections of a traffic from
   * a client (not a VM), with no fixed `sourcePort`, no `duration` or `dataEvery` (an `http`
   * request is covered: the member's answer is part of the reference's outcome), in a
   * scenario with no traffic from a VM and no reverse proxy (so no SNAT state ever exists), opened
   * on a client host that has nothing open (so the tuple is fresh in every flow table). Such a
   * connection's path depends on the tuple only through (a) which prefixes and port ranges of the
   * input contain its source address and port (its class, decisionClass.ts), (b) the configuration
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
  tryFast(
    spec: TrafficIn,
    traffic: number,
    host: ClientHost | null,
    client: number,
    hostIndex: number,
    src: number,
    port: number,
  ): true | RefRecord | null {
    const key = classOf(this.space as ClassSpace, src, port);
    const cls = this.memoFor(traffic).get(key);
    if (cls === undefined) return this.newReference(traffic, key);
    let nic = -1;
    const rule = cls.rule;
    if (rule !== null) {
      const members = this.balancer.candidatesFor(cls.lb, rule);
      if (members.length === 0) return null;
      // The SYN's header, written into one scratch header for the hash (the flow gets its own below).
      const h = this.scratchHeader;
      h.src = src >>> 0;
      h.srcPort = port;
      h.dst = spec.destination >>> 0;
      h.dstPort = spec.destinationPort;
      nic = members[pickIndex(hashOf(this.seed, rule.loadDistribution, h), members.length)] as number;
    }
    const memo = cls.outcomes.get(nic);
    if (memo === undefined) return this.newReference(traffic, key);
    const now = this.run.now;
    if (memo.releaseAfterUs >= this.idleUs || !this.quietUntil(now + memo.releaseAfterUs)) return null;
    let fast = this.free.pop();
    if (fast === undefined) {
      fast = newFastConn(this.conns.length);
      this.conns.push(fast);
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
    } else this.slots(client).set(hostIndex, fast.id);
    fast.table = null;
    fast.flow = null;
    if (rule !== null) {
      const lb = this.balancer.lbAt(cls.lb);
      const table = this.balancer.flowTable(cls.lb, cls.frontend);
      let flow = fast.flowObject as Writable<LbFlow> | null;
      let h: Writable<Header>;
      if (flow === null) h = newHeader('Tcp', src, port, spec.destination, spec.destinationPort, SYN, null, null);
      else {
        h = flow.h as Writable<Header>;
        h.src = src >>> 0;
        h.srcPort = port;
        h.dst = spec.destination >>> 0;
        h.dstPort = spec.destinationPort;
        h.key = undefined;
        h.rkey = undefined;
      }
      if (flow === null) {
        flow = newLbFlow(cls.lb, cls.frontend, h, nic, rule, this.owner, now);
        fast.flowObject = flow;
      } else {
        flow.lb = cls.lb;
        flow.frontend = cls.frontend;
        flow.h = h;
        flow.lastSeen = now;
        flow.nic = nic;
        flow.ruleName = rule.name;
        flow.rule = rule;
        flow.floatingIp = rule.enableFloatingIP;
        flow.backendPort = rule.backendPort;
        flow.owner = this.owner;
        flow.idleJob = null;
      }
      // Numbers, not a tuple key: no string per connection (flowtable.ts).
      table.setTuple(TCP_CODE, h.src, port, h.dst, h.dstPort, flow);
      fast.table = table;
      fast.flow = flow;
      const row = cls.row;
      if (row === null) cls.row = this.balancer.countFlow(lb, rule, lb.pools[rule.pool]?.members ?? [], nic);
      else row.counts.set(nic, (row.counts.get(nic) ?? 0) + 1);
    }
    if (host === null && memo.releaseAfterUs > memo.finishAfterUs) {
      fast.oneStep = true;
      fast.finishUs = now + memo.finishAfterUs;
      memo.oneStepLine ??= this.delayLine(memo.releaseAfterUs);
      this.enterLine(fast, memo.oneStepLine);
    } else {
      fast.oneStep = false;
      memo.finishLine ??= this.delayLine(memo.finishAfterUs);
      this.enterLine(fast, memo.finishLine);
    }
    return true;
  }

  /**
   * core.ts `clientHost` built `host`: a fast-path connection under way on it (`FastConn.host`) is
   * now held by the host, which holds its port and counts it.
   */
  hostBuilt(client: number, hostIndex: number, host: ClientHost): void {
    const slots = this.hostSlots[client] ?? null;
    const id = slots === null ? -1 : slots.get(hostIndex);
    if (id >= 0) {
      (slots as HostSlots).clear(hostIndex);
      const fast = this.conns[id] as FastConn;
      fast.host = host;
      host.fastPending = 1;
      if (fast.oneStep && !fast.finished && this.run.now > fast.finishUs) this.finishFast(fast);
      else if (!fast.finished) {
        host.usedPorts.add(portKey('Tcp', fast.port));
        // Its finish frees the port at its own time (at this instant: after the traffic phase,
        // whose opens are the only port draws, as the finish of a packet-level run would).
        if (fast.oneStep)
          this.run.schedule(fast.finishUs, PHASE.packet, { type: 'fastFinish', fast, aux: true, cancelled: false });
      }
    }
  }

  /** Which fast-path connection is under way on each host of `client` not built. */
  slots(client: number): HostSlots {
    let slots = this.hostSlots[client];
    if (slots === undefined || slots === null) {
      slots = new HostSlots((this.input.clients[client] as ClientIn).count);
      this.hostSlots[client] = slots;
    }
    return slots;
  }

  /** A client host with nothing open and no fast-path connection under way. */
  hostIdle(host: ClientHost): boolean {
    return host.sockets.size === 0 && host.usedPorts.size === 0 && host.fastPending === 0;
  }

  /** The decision classes of `traffic` at the current configuration (older ones are dropped). */
  private memoFor(traffic: number): Map<ClassKey, MemoClass> {
    const epochs = this.memoEpochs;
    const healthEpoch = this.health.epoch;
    const eventEpoch = this.run.eventEpoch;
    if (epochs[0] !== healthEpoch || epochs[1] !== eventEpoch) {
      for (const m of this.memo) m.clear();
      this.flushMemoCounts();
      epochs[0] = healthEpoch;
      epochs[1] = eventEpoch;
    }
    return this.memo[traffic] as Map<ClassKey, MemoClass>;
  }

  /** Counts the fast-path connections finished so far (memory stays bounded across epochs). */
  flushMemoCounts(): void {
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
      openUs: this.run.now,
      healthEpoch: this.health.epoch,
      eventEpoch: this.run.eventEpoch,
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
    if (this.health.attemptInFlight) return false;
    // `until`, or the time budget, which ends a run as `until` does (state.ts `DEFAULT_BUDGET`).
    if (untilUs >= this.stopUs) return false;
    const times = this.eventTimes;
    const now = this.run.now;
    while (this.nextEvent < times.length && (times[this.nextEvent] as number) <= now) this.nextEvent++;
    if (this.nextEvent < times.length && (times[this.nextEvent] as number) <= untilUs) return false;
    return this.health.earliestRoundUs() > untilUs;
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
    fast.dueUs = this.run.now + line.delayUs;
    line.items.push(fast);
    this.run.holdRun();
    if (!line.scheduled) this.scheduleLine(line, fast.dueUs);
  }

  private scheduleLine(line: DelayLine, atUs: number): void {
    line.scheduled = true;
    // An aux job, which does not hold the run: each waiting connection does (`enterLine`).
    this.run.schedule(atUs, PHASE.packet, line);
  }

  /**
   * The fast-path connections due now: each finishes (the port is freed, the connection counted),
   * then, after its own delay, is released (its flow entry evicted). Nothing else reads what these
   * change at the same instant: ports are drawn and hosts looked up only when a connection opens,
   * in the traffic phase, before any packet-phase job of that instant; the flow entries are under
   * tuples no other connection can hold (see `tryFast`).
   */
  onDelayLine(line: DelayLine): void {
    line.scheduled = false;
    const items = line.items;
    const now = this.run.now;
    while (line.head < items.length) {
      const fast = items[line.head] as FastConn;
      if (fast.dueUs > now) break;
      line.head++;
      this.run.unholdRun();
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

  /** Counts the fast-path connections not finished as pending (a run its event budget stopped). */
  countUnderWay(): void {
    let underWay = 0;
    for (const fast of this.conns) if (!fast.finished) underWay++;
    if (underWay > 0) this.aggregator.add('pending', null, null, null, null, underWay);
  }

  /** A fast-path connection finishes: its port is freed and it is counted. */
  finishFast(fast: FastConn): void {
    fast.finished = true;
    fast.host?.usedPorts.delete(portKey('Tcp', fast.port));
    this.run.endConnection();
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
    if (host === null) this.slots(fast.client).clear(fast.hostIndex);
    else if (--host.fastPending === 0 && host.sockets.size === 0 && host.usedPorts.size === 0) {
      this.run.forgetClientHost(fast.client, fast.hostIndex, host);
    }
    fast.host = null;
    // Reused only when no other connection took its flow entry over (which keeps the object).
    if (flow === null || (flow.owner === this.owner && flow.idleJob === null)) this.free.push(fast);
  }

  /** A reference run has been released: memoise its outcome if it stayed within the fast path's cover. */
  referenceReleased(conn: Conn, ref: RefRecord): void {
    conn.ref = null;
    if (ref.bad || ref.decisions > 1 || ref.finishUs < 0) return;
    if (ref.healthEpoch !== this.health.epoch || ref.eventEpoch !== this.run.eventEpoch) return;
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
      releaseAfterUs: this.run.now - ref.openUs,
      finishLine: null,
      releaseLine: null,
      oneStepLine: null,
    };
    // The first reference of a class and member stands (later ones ran the same decisions).
    if (!cls.outcomes.has(ref.nic)) cls.outcomes.set(ref.nic, outcome);
  }

  /** A reference run's load-balancer decision: memoisable only on the client's own tuple. */
  referenceDecided(
    conn: Conn,
    ref: RefRecord,
    lb: number,
    frontend: number,
    rule: LbRuleIn,
    nic: number,
    header: Header,
  ): void {
    const h = header;
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
    ref.lb = lb;
    ref.frontend = frontend;
    ref.rule = rule;
    ref.nic = nic;
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
