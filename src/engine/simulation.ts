/**
 * simulation: the discrete-event run that moves packets along the path of engine-model.md
 * ("The path, in order", steps 1–15), the health probes with their steady state, reverse proxies
 * (`proxyTo`), and the run over time: scenario events, long-lived connections (`duration`,
 * `dataEvery`) and idle timeouts. This module holds the run itself: it builds the shared state
 * (core.ts `Core`) and the stages, each an object that owns its state — network.ts `Network`,
 * connections.ts `Connections` (which builds transport.ts `Transport` under it), frontend.ts
 * `Frontend` (with its health.ts `Health`) and fastPath.ts `FastPath` — handing each the others
 * it calls through the narrow interfaces that stage declares, in an order with no cycle (the
 * network first; the applications, given the network; the load balancer, given the network and
 * the applications; the fast path last, which then observes the core through `PathObserver`).
 * Then it finds the steady state, runs the loop over the event queue and its end, dispatches each
 * job and each packet arrival to the stage that takes it, applies scenario events, and opens the
 * traffic's connections. No stage calls the run, and there are no abstract methods and no class
 * chain to call back up: a stage calls another only through an interface it was handed when it
 * was built. The one pair that calls both ways, the transport and the applications, does so
 * through `SocketEvents`, the listener the applications hand the transport they build. Each
 * interface has one class behind it at run time, so calls stay monomorphic.
 *
 * Inputs: an `EngineInput`, a seed, an optional stop time, the mode (trace: one row per connection,
 *   with the packet events when `trace` is set; bulk: aggregates only) .
 * Outputs: a `SimulationResult` (scenario-format.md "Result of a simulation") or a `BulkResult`.
 * Invariants: all randomness comes from PRNG states held in the state and seeded from `seed`; all
 *   time from the event queue (integer microseconds); every packet is delivered, dropped with a
 *   `Reason`, or still in flight when the run stops; replies never pass the load balancer
 *   (engine-model.md step 9: "Azure always returns traffic directly"). Both modes run the same
 *   code: bulk mode skips the rows and the trace, and its fast path (fastPath.ts `tryFast`) reuses,
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
import type { BulkResult } from './bulk';
import { Connections } from './connections';
import { Core } from './core';
import { fastEligible } from './decisionClass';
import { FastPath } from './fastPath';
import { Frontend } from './frontend';
import { chooseSourceAddress, type Host, isLoopbackNet } from './guest';
import type { Health } from './health';
import type { ClientIn, EngineInput, EventIn, TrafficIn } from './input';
import { Network } from './network';
import type { ProbeVerdict } from './probe';
import { buildBulkResult, buildResult } from './report';
import type { SimulationResult } from './result';
import { PHASE } from './sched';
import {
  type Arrival,
  ClientHost,
  type Conn,
  DEFAULT_BUDGET,
  type EngineProgress,
  type FastConn,
  type Job,
  type MemberStates,
  memberKey,
  type Owner,
  type RefRecord,
  type RunMode,
  type SimEvent,
  type SimulateOptions,
  type StopState,
  TRACE_EVENT_BUDGET,
} from './state';
import type { Reason } from './trace';
import type { Transport } from './transport';
import type { Packet } from './wire';

export type { EngineProgress, RunBudget, SimulateOptions, SimulationMode } from './state';
export { DEFAULT_BUDGET, TRACE_EVENT_BUDGET } from './state';

export const PROGRESS_EVERY_EVENTS = 4096;

export class Simulation {
  /** The state the stages share (core.ts): the clock and queue, trace, PRNG, hosts, ownership. */
  private readonly core: Core;
  /** The stages, each an object that owns its state, built here in the order they depend on. */
  private readonly network: Network;
  private readonly connections: Connections;
  private readonly transport: Transport;
  /** The load balancers' frontends (frontend.ts), with their health probes. */
  private readonly frontend: Frontend;
  private readonly health: Health;
  /** Bulk mode's fast path (fastPath.ts), which observes the full path's reference runs. */
  private readonly fast: FastPath;
  private readonly bulk: boolean;
  private readonly tracing: boolean;
  /** `SimulateOptions.budget` over `DEFAULT_BUDGET`: handled events, and simulated time in µs. */
  private readonly budget: {
    readonly events: number;
    readonly seconds: number;
    readonly timeUs: number;
    readonly connections: number;
  };
  /** Trace mode: the connections of each traffic entry, by index. */
  private readonly rows: Conn[][];
  /** How many connections of each traffic entry have opened. */
  private readonly opened: number[];
  /** When the run ends by itself (`checkEnding`), once known. */
  private endUs: number | null = null;
  /** Set when the budget stopped the run (state.ts `DEFAULT_BUDGET`); null when it ended by itself. */
  private stop: StopState | null = null;

  constructor(
    private readonly input: EngineInput,
    private readonly options: SimulateOptions,
    runMode: RunMode = 'run',
    assumed: MemberStates | null = null,
  ) {
    const core = new Core(input, options, runMode);
    this.core = core;
    this.bulk = core.bulk;
    this.tracing = core.tracing;
    const seconds = options.budget?.seconds ?? DEFAULT_BUDGET.seconds;
    this.budget = {
      events: options.budget?.events ?? (core.tracing ? TRACE_EVENT_BUDGET : DEFAULT_BUDGET.events),
      seconds,
      timeUs: Math.round(seconds * 1_000_000),
      connections: options.budget?.connections ?? DEFAULT_BUDGET.connections,
    };
    this.rows = input.traffic.map(() => []);
    this.opened = input.traffic.map(() => 0);
    this.network = new Network(input, core);
    this.connections = new Connections(core, this.network);
    this.transport = this.connections.transport;
    this.frontend = new Frontend(
      input,
      options.seed,
      runMode,
      core.lbs,
      core.lbFlows,
      core.reverseNat,
      this.network.snatReturn,
      core,
      this.network,
      this.connections,
    );
    this.health = this.frontend.health;
    const untilUs = this.untilUs();
    this.fast = new FastPath(
      input,
      options.seed,
      this.bulk && runMode === 'run',
      untilUs === null ? this.budget.timeUs : Math.min(untilUs, this.budget.timeUs),
      this.connections.aggregator,
      core,
      this.frontend,
      this.health,
    );
    core.observer = this.fast;
    this.health.sync(core.lbs, assumed, true);
  }

  /**
   * What tests that watch the run read (src/sim/bulkFast.test.ts): the fast path's connection
   * objects (it looks for one-step connections), the client hosts built, and the queue.
   */
  protected get fastConns(): readonly FastConn[] {
    return this.fast.connections;
  }

  protected get clientHosts(): readonly Map<number, Host>[] {
    return this.core.clientHosts;
  }

  protected get queue(): { readonly size: number } {
    return this.core.queue;
  }

  private untilUs(): number | null {
    return this.options.until === undefined ? null : Math.round(this.options.until * 1_000_000);
  }

  // ---------------------------------------------------------------- running

  /** Runs one round of every probe at time 0 and returns each member's verdict. */
  runSteadyState(): Map<string, ProbeVerdict> {
    this.health.scheduleSteadyRounds();
    for (let job = this.core.queue.pop(); job !== undefined; job = this.core.queue.pop()) {
      this.core.now = job.time;
      if (!job.payload.cancelled) this.handle(job.payload);
    }
    return this.health.steadyVerdicts();
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
    for (const rt of this.health.runtimes)
      for (const m of rt.members) states.set(memberKey(rt.lb, rt.probeIndex, m.nic), true);
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
    if (this.stop !== null) return this.stop.atUs;
    const untilUs = this.untilUs();
    const naturalEnd = this.endUs ?? this.core.now;
    return untilUs === null ? naturalEnd : this.endUs === null ? untilUs : Math.min(naturalEnd, untilUs);
  }

  private execute(): void {
    const { states, verdicts } = this.findSteadyState();
    this.health.start(states, verdicts);
    // scenario-format.md "events": at their times, before probes and traffic of the same instant.
    for (const event of this.input.events) {
      this.core.schedule(event.atUs, PHASE.scenario, { type: 'event', event, aux: false, cancelled: false });
    }
    // Each traffic's connections open one after the other, but order as if all had been scheduled
    // now, traffic by traffic (their sequence numbers are reserved here).
    this.input.traffic.forEach((traffic, ti) => {
      this.core.openConns += traffic.connections;
      if (traffic.connections === 0) return;
      const seqBase = this.core.queue.reserve(traffic.connections);
      this.scheduleOpen(ti, 0, seqBase);
    });
    const untilUs = this.untilUs();
    const core = this.core;
    const queue = core.queue;
    this.checkEnding();
    const onProgress = this.options.onProgress;
    const every = Math.max(1, Math.floor(this.options.progressEvery ?? PROGRESS_EVERY_EVENTS));
    const maxEvents = this.budget.events;
    const maxUs = this.budget.timeUs;
    const maxUnderWay = this.budget.connections;
    let total = 0;
    for (const t of this.input.traffic) total += t.connections;
    let opened = 0;
    let handled = 0;
    let reportAt = every;
    for (;;) {
      const next = queue.peek();
      if (next === undefined) break;
      if (untilUs !== null && next.time > untilUs) break;
      if (this.endUs !== null && next.time > this.endUs) break;
      // The run would go on: past the budget it stops instead, saying so in its result. The time
      // budget is met first when both are, so a stop's `at` never exceeds it.
      if (next.time > maxUs) {
        this.stop = { reason: 'timeBudget', limit: this.budget.seconds, atUs: maxUs, events: handled };
        break;
      }
      if (!next.payload.cancelled) {
        if (handled >= maxEvents) {
          this.stop = { reason: 'eventBudget', limit: maxEvents, atUs: core.now, events: handled };
          break;
        }
        // Under way: opened and not ended (`openConns` counts every connection not ended yet).
        if (next.payload.type === 'open' && opened++ - (total - core.openConns) >= maxUnderWay) {
          this.stop = { reason: 'connectionBudget', limit: maxUnderWay, atUs: core.now, events: handled };
          break;
        }
      }
      queue.pop();
      core.now = next.time;
      const job = next.payload;
      queue.recycle(next);
      if (job.cancelled) continue;
      if (!job.aux) core.pendingMain--;
      this.handle(job);
      this.checkEnding();
      handled++;
      if (onProgress !== undefined && handled >= reportAt) {
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
    this.input.traffic.forEach((traffic, ti) => {
      total += traffic.connections;
      opened += this.opened[ti] ?? 0;
      if (traffic.connections > 0)
        lastOpenUs = Math.max(lastOpenUs, traffic.startAtUs + (traffic.connections - 1) * traffic.intervalUs);
    });
    return {
      simulatedUs: this.core.now,
      untilUs,
      lastOpenUs,
      connectionsOpened: opened,
      connectionsDone: total - this.core.openConns,
      connectionsTotal: total,
      events,
      eventBudget: this.budget.events,
      timeBudgetUs: this.budget.timeUs,
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
    this.core.pendingMain++;
    this.core.queue.pushReserved(t.startAtUs + index * t.intervalUs, PHASE.traffic, seqBase + index, job);
  }

  /**
   * engine-model.md "Time and TCP": the simulation ends when every connection has ended or failed
   * and every event has happened, plus one interval of the slowest probe.
   */
  private checkEnding(): void {
    if (this.endUs !== null || this.core.openConns > 0 || this.core.pendingMain > 0) return;
    this.endUs = this.core.now + this.health.slowestIntervalUs();
  }

  private handle(job: SimEvent): void {
    switch (job.type) {
      case 'open':
        this.onOpen(job);
        return;
      case 'synTimer':
        this.connections.onSynTimer(job.conn, job.attempt, job.final);
        return;
      case 'dataTimer':
        this.connections.onDataTimer(job.conn, job.pendingId, job.attempt, job.final);
        return;
      case 'close':
        job.conn.deadline = null;
        this.connections.closeClient(job.conn);
        return;
      case 'dataTick':
        job.conn.tick = null;
        this.connections.onDataTick(job.conn);
        return;
      case 'answerDeadline':
        job.conn.deadline = null;
        this.connections.onAnswerDeadline(job.conn);
        return;
      case 'udpEnd':
        job.conn.timer = null;
        this.connections.onUdpEnd(job.conn);
        return;
      case 'responseDeadline':
        job.conn.deadline = null;
        this.connections.onResponseDeadline(job.conn);
        return;
      case 'connectTimeout':
        job.conn.deadline = null;
        this.connections.onConnectTimeout(job.conn);
        return;
      case 'arrive': {
        const owner = job.packet.owner;
        this.arrive(job.packet, job.arrival);
        owner.inFlight--;
        if (owner.done && owner.inFlight === 0) this.core.release(owner);
        return;
      }
      case 'probeRound':
        this.health.runRound(job.rt);
        return;
      case 'event':
        this.applyEvent(job.event);
        return;
      case 'idleCheck':
        this.frontend.onIdleCheck(job.flow, job.key);
        return;
      case 'snatIdle':
        this.network.onSnatIdle(job.entry);
        return;
      case 'probeDeadline':
        this.health.onDeadline(job.attempt);
        return;
      case 'fastLine':
        this.fast.onDelayLine(job);
        return;
      case 'fastFinish':
        if (!job.fast.finished) this.fast.finishFast(job.fast);
        return;
    }
  }

  /** A packet arrives where its last hop sent it: the stage that owns that place takes it. */
  private arrive(packet: Packet<Owner>, arrival: Arrival): void {
    switch (arrival.kind) {
      case 'nic': {
        const host = this.network.arriveAtNic(arrival.nic, packet);
        if (host !== null) this.transport.deliver(host, packet);
        return;
      }
      case 'local':
        if (this.tracing) this.core.trace('hop', arrival.host.id, packet);
        this.transport.deliver(arrival.host, packet);
        return;
      case 'client':
        if (this.tracing) this.core.trace('hop', arrival.host.id, packet);
        if (this.network.receiveFromWire(arrival.host, 0, packet)) this.transport.deliver(arrival.host, packet);
        return;
      case 'frontend':
        this.frontend.arriveAtFrontend(arrival.lb, arrival.frontend, packet);
        return;
      case 'edge':
        this.network.arriveAtEdge(arrival.edge, arrival.toward, packet);
        return;
      case 'platform':
        this.health.arriveAtPlatform(packet);
        return;
    }
  }

  // ---------------------------------------------------------------- scenario events

  /**
   * scenario-format.md "events". Each replaces one piece of configuration; nothing reacts at once
   * but what Azure does at once: probes see a change at their next round and count it against
   * their threshold (engine-model.md "Health probes"); NSG flows already allowed keep passing
   * (engine-model.md step 3: "a changed rule affects new flows only"); accepted connections
   * survive a listener's removal (a closed listening socket does not close accepted ones).
   */
  private applyEvent(scenarioEvent: EventIn): void {
    this.core.eventEpoch++;
    if (this.tracing) {
      this.core.trace('event', scenarioEvent.element, null, {
        decision: { kind: 'event', action: scenarioEvent.action, detail: scenarioEvent.detail },
      });
    }
    switch (scenarioEvent.action) {
      case 'stopVm':
        this.stopVm(scenarioEvent.vm);
        return;
      case 'startVm': {
        const host = this.core.vmHosts[scenarioEvent.vm] as Host;
        host.running = true;
        this.health.noteBoot(this.input.vms[scenarioEvent.vm]?.nics ?? []);
        return;
      }
      case 'removePoolMember':
      case 'addPoolMember': {
        const lb = this.core.lbAt(scenarioEvent.lb);
        const pools = lb.pools.map((pool, i) => {
          if (i !== scenarioEvent.pool) return pool;
          const members = pool.members.filter((nic) => nic !== scenarioEvent.nic);
          if (scenarioEvent.action === 'addPoolMember') members.push(scenarioEvent.nic);
          return { ...pool, members };
        });
        // “Troubleshoot Azure Load Balancer” last section: TCP flows stay on a removed member; the flow table is untouched.
        this.core.lbs[scenarioEvent.lb] = { ...lb, pools };
        this.health.sync(this.core.lbs, null, false);
        return;
      }
      case 'setListener':
      case 'removeListener':
        (this.core.vmHosts[scenarioEvent.vm] as Host).listeners = scenarioEvent.listeners;
        return;
      case 'setSecurityRule':
      case 'removeSecurityRule':
        this.network.setNsgRules(scenarioEvent.nsg, scenarioEvent.rules);
        return;
      case 'setProbe': {
        const lb = this.core.lbAt(scenarioEvent.lb);
        const probes = [...lb.probes];
        probes[scenarioEvent.index] = scenarioEvent.probe;
        this.core.lbs[scenarioEvent.lb] = { ...lb, probes };
        this.health.sync(this.core.lbs, null, false);
        return;
      }
      case 'setRule': {
        const lb = this.core.lbAt(scenarioEvent.lb);
        const rules = [...lb.rules];
        rules[scenarioEvent.index] = scenarioEvent.rule;
        this.core.lbs[scenarioEvent.lb] = { ...lb, rules };
        this.health.sync(this.core.lbs, null, false);
        return;
      }
      case 'setFirewallRule':
      case 'removeFirewallRule':
        (this.core.vmHosts[scenarioEvent.vm] as Host).firewall = scenarioEvent.firewall;
        return;
    }
  }

  /**
   * A VM stops (engine-model.md step 7: "a stopped VM's flows end"): the load balancers forget the
   * flows to its NICs, its sockets are gone, and its own connections end. A peer's connection to it
   * dies by its own retransmissions (engine-model.md "Time and TCP"), its reason naming the stop.
   */
  private stopVm(vm: number): void {
    const host = this.core.vmHosts[vm] as Host;
    host.running = false;
    const nics = new Set(this.input.vms[vm]?.nics ?? []);
    const reason: Reason = {
      code: 'VM_STOPPED',
      at: host.id,
      rule: null,
      detail: `${host.name} was stopped while the connection was open; the load balancer forgot its flows.`,
    };
    this.frontend.forgetFlowsTo(nics, reason);
    for (const sock of [...host.sockets.values()]) {
      this.transport.removeSocket(host, sock);
      if (sock.app.kind !== 'client') continue;
      // Assumption: a connection of the stopped VM itself ends at the stop, as a timeout.
      const conn = sock.owner as Conn;
      if (conn.done) continue;
      const own: Reason = { ...reason, detail: `${host.name} was stopped with the connection open.` };
      if (conn.outcome === 'established') conn.closed ??= { atUs: this.core.now, by: 'timeout', reason: own };
      else if (conn.outcome !== 'answered') {
        // (A long-lived UDP flow whose first datagram was answered keeps `answered`: see connections.ts `isLongUdp`.)
        conn.outcome = conn.spec.protocol === 'Tcp' ? 'timeout' : 'unanswered';
        conn.reason = own;
      }
      this.connections.finish(conn);
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
      const vmHost = this.core.vmHosts[t.source.vm];
      if (vmHost === undefined) throw new Error(`no VM ${t.source.vm}`);
      host = vmHost;
    } else {
      const c = t.source.client;
      const client = this.input.clients[c] as ClientIn;
      // scenario-format.md "Clients": a client with `count` spreads its connections over its hosts.
      const h = index % client.count;
      const cache = this.core.clientHosts[c] as Map<number, Host>;
      const cached = cache.size === 0 ? undefined : cache.get(h);
      if (
        cached === undefined &&
        this.fast.space !== null &&
        fastEligible(t) &&
        this.fast.slots(c).get(h) < 0 &&
        !isLoopbackNet(t.destination)
      ) {
        // A host not built has nothing open: what core.ts `allocatePort` and `chooseSourceAddress` give
        // for it are the first draw of its ephemeral range and its own address (a client has one
        // interface and no routes), so the fast path needs no host unless it declines.
        port = this.core.firstPortDraw(client.os);
        const fast = this.fast.tryFast(t, traffic, null, c, h, (client.firstAddress + h) >>> 0, port);
        if (fast === true) return;
        ref = fast;
        host = this.core.clientHost(c, h);
      } else {
        host = cached ?? this.core.clientHost(c, h);
        if (
          this.fast.space !== null &&
          host instanceof ClientHost &&
          fastEligible(t) &&
          host.running &&
          this.fast.hostIdle(host)
        ) {
          // The port is drawn here, once: a connection the fast path cannot take uses it below.
          // An idle host holds no port, so a draw always finds one.
          port = this.core.allocatePort(host, 'Tcp') as number;
          const fast = this.fast.tryFast(t, traffic, host, c, h, chooseSourceAddress(host, t.destination), port);
          if (fast === true) return;
          ref = fast;
        }
      }
      slot = { client: c, host: h };
    }
    const conn = this.connections.newConn(t, traffic, index, `${t.name}#${index}`, host, null, slot);
    conn.ref = ref;
    if (this.bulk) this.connections.live.add(conn);
    else (this.rows[traffic] as Conn[])[index] = conn;
    this.connections.openConnection(conn, port);
  }

  private buildResult(endUs: number): SimulationResult {
    return buildResult(
      this.input,
      this.options.seed,
      endUs,
      this.rows,
      this.health.runtimes,
      this.core.lbs,
      this.frontend.flowCounts,
      this.core.tracer,
      this.stop,
    );
  }

  private buildBulkResult(endUs: number): BulkResult {
    // Connections still under way when the run stopped, and those never opened, are pending.
    for (const conn of this.connections.live) this.connections.aggregate(conn);
    this.fast.flushMemoCounts();
    // The fast path keeps a connection out of its cover when its lifetime would cross `until` or
    // the time budget, but the event budget can stop a run at any event: those of its connections
    // not finished yet were under way.
    if (this.stop !== null) this.fast.countUnderWay();
    this.input.traffic.forEach((traffic, ti) => {
      const unopened = traffic.connections - (this.opened[ti] ?? 0);
      if (unopened > 0) this.connections.aggregator.add('pending', null, null, null, null, unopened);
    });
    return buildBulkResult(
      this.input,
      this.options.seed,
      endUs,
      this.connections.aggregator,
      this.health.runtimes,
      this.core.lbs,
      this.frontend.flowCounts,
      this.stop,
    );
  }
}
