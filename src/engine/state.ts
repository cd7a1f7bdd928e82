/**
 * state: the shapes the stages of the packet path share — owners of flow state (connections,
 * probe attempts), the jobs of the event queue, flow-table, NAT and SNAT entries, the bulk fast
 * path's records — where a packet arrives (`Arrival`), the run's options, and the client host.
 *
 * Inputs: none (types, constants and the `ClientHost` model).
 * Outputs: the types core.ts and the stage modules hold their state in.
 * Invariants: an `Owner` lists every piece of flow state it created in `owned` (store, key, ...)
 *   and lets go of it once done with nothing in flight (core.ts `release`); a `Job` is one object
 *   per queued event, cancelled in place, never removed from the heap by hand (sched.ts compacts).
 */
import { formatIpv4 } from '../shared/ipv4';
import type { ClassKey } from './decisionClass';
import type { FlowTable } from './flowtable';
import type { Host, Iface, Socket } from './guest';
import type { ClientIn, EventIn, LbRuleIn, ListenerIn, NatRuleIn, TrafficIn } from './input';
import type { MemberHealth, ProbeRuntime, ProbeVerdict } from './probe';
import type { ClosedBy, Outcome } from './result';
import type { Reason } from './trace';
import type { Endpoint, Header, Packet } from './wire';

export type SimulationMode = 'trace' | 'bulk';

export interface SimulateOptions {
  readonly seed: number;
  /** Stop the simulation at this many seconds. */
  readonly until?: number | undefined;
  /** Trace mode only: record every packet event (`events`). */
  readonly trace?: boolean | undefined;
  /**
   * `trace` (default): one result row per connection. `bulk`: the same decisions with only
   * aggregates kept (engine-model.md "Two ways to run"), for up to millions of connections.
   */
  readonly mode?: SimulationMode | undefined;
  /**
   * How far the run is, every `progressEvery` handled queue events (default
   * `PROGRESS_EVERY_EVENTS`) and once when it ends. Counted in events, never by a clock, and
   * read-only: the same result, byte for byte, with or without it. Not called in the steady-state
   * rounds before the run.
   */
  readonly onProgress?: ((progress: EngineProgress) => void) | undefined;
  readonly progressEvery?: number | undefined;
  /**
   * How much a run may do before it stops with `stopped` in its result (defaults
   * `DEFAULT_BUDGET`): handled queue events and simulated seconds, both counted by the run,
   * never by a clock, so a stop is as deterministic as the rest of the result. Tests inject small
   * ones.
   */
  readonly budget?: Partial<RunBudget> | undefined;
}

export interface RunBudget {
  /** Queue events handled (cancelled ones skipped are not counted). */
  readonly events: number;
  /** Simulated seconds: the run never goes past this, whatever `until` says. */
  readonly seconds: number;
  /** Connections under way at once (opened, not ended): what the run's memory grows with. */
  readonly connections: number;
}

/**
 * Every run ends, and within memory. Valid documents bound each time to a day (scenario schema), but not how many
 * connections open one after another (up to 10,000,000 per traffic, each `interval` apart) nor how
 * much each one does, so a run could go on for simulated years or handle billions of events.
 * - 50,000,000 events: bulk mode's 1,000,000-connection lab handles about one event per connection
 *   on its fast path (10,000,000 connections, the most one traffic opens, about as many), and the
 *   largest library lab in trace mode a few thousand; this is some ten seconds of engine time in
 *   Node, not minutes.
 * - 7 days: an event, a traffic's start and a connection's duration are each at most a day, idle
 *   timeouts at most two hours; a week leaves room for connections spread over days while keeping
 *   the integer-microsecond clock (6.048e11 µs) far inside safe integers (9.007e15).
 * - 500,000 connections under way at once: a connection on the full packet path holds about
 *   2.4 KB while open (measured: 200,000 long-lived connections, 461 MiB of heap), so this is about
 *   1.2 GB, what a browser's worker can hold; 10,000,000 connections opened together with a long
 *   `duration` would need tens of GB and end in an out-of-memory crash, not a result. Short
 *   connections spaced by `interval` (the 1,000,000-connection lab) have a handful open at once.
 */
export const DEFAULT_BUDGET: RunBudget = { events: 50_000_000, seconds: 7 * 24 * 3600, connections: 500_000 };
/**
 * The event budget of a run that records its packet events (a kept trace): every event is a
 * trace record of about 500 bytes (measured in Node: 1,000,000 recorded events took 0.5 GB), so
 * 50,000,000 of them would end in an out-of-memory crash, in the page's worker as in Node, instead
 * of a result. 2,000,000 is some 1 GB, and thousands of times what a library lab records.
 */
export const TRACE_EVENT_BUDGET = 2_000_000;

/** Why a run stopped before its end, in the engine's units (result.ts `RunStopped` prints it). */
export interface StopState {
  readonly reason: 'eventBudget' | 'timeBudget' | 'connectionBudget';
  /** The budget reached: events, seconds or connections. */
  readonly limit: number;
  readonly atUs: number;
  readonly events: number;
}

/** What `onProgress` gets (times in simulated microseconds). */
export interface EngineProgress {
  /** Simulated time of the event just handled. */
  readonly simulatedUs: number;
  /** The `until` cap, or null when the run ends by itself. */
  readonly untilUs: number | null;
  /** When the last connection of the traffic opens (no cap applied). */
  readonly lastOpenUs: number;
  readonly connectionsOpened: number;
  /** Connections that ended (established and closed, failed, or reset). */
  readonly connectionsDone: number;
  readonly connectionsTotal: number;
  /** Queue events handled so far. */
  readonly events: number;
  /** The run's event budget: it stops after this many events (`SimulateOptions.budget`). */
  readonly eventBudget: number;
  /** The run's time budget in simulated microseconds: it never goes past it. */
  readonly timeBudgetUs: number;
  /** True on the last call, when the run has ended. */
  readonly done: boolean;
}

/** Where a packet arrives after a hop's latency (the `arrive` job dispatches on it). */
export type Arrival =
  | { readonly kind: 'nic'; readonly nic: number }
  | { readonly kind: 'local'; readonly host: Host }
  | { readonly kind: 'client'; readonly host: Host }
  | { readonly kind: 'frontend'; readonly lb: number; readonly frontend: number }
  | { readonly kind: 'edge'; readonly edge: 'gateway' | 'internet'; readonly toward: 'client' | 'azure' }
  | { readonly kind: 'platform' };

export const EDGE_ARRIVALS = {
  gatewayToAzure: { kind: 'edge', edge: 'gateway', toward: 'azure' },
  gatewayToClient: { kind: 'edge', edge: 'gateway', toward: 'client' },
  internetToAzure: { kind: 'edge', edge: 'internet', toward: 'azure' },
  internetToClient: { kind: 'edge', edge: 'internet', toward: 'client' },
} as const satisfies Record<string, Arrival>;
export const PLATFORM_ARRIVAL: Arrival = { kind: 'platform' };

/** The flow tables' code of TCP (the first character of its name, as wire.ts `tupleKeyOf`). */
export const TCP_CODE = 'T'.charCodeAt(0);

/**
 * A connection or a probe attempt: what sends packets and creates flow state. The state it created
 * is listed in `owned` and evicted when it has ended and none of its packets is in flight.
 */
export interface Owner {
  readonly id: string;
  readonly probe: boolean;
  inFlight: number;
  done: boolean;
  released: boolean;
  doom: Reason | null;
  /** Flow state this owner holds: store, key, store, key ... */
  readonly owned: (KeyedStore | string)[];
}

/** Where an owner's flow state lives: a `Map` by tuple key, or a load balancer's `FlowTable`. */
export interface KeyedStore {
  get(key: string): unknown;
  delete(key: string): boolean;
}

/** What a connection opens (a traffic entry, or a reverse proxy's upstream request). */
export interface ConnSpec {
  readonly name: string;
  readonly from: string;
  readonly protocol: TrafficIn['protocol'];
  readonly destination: number;
  readonly destinationPort: number;
  readonly sourcePort: number | null;
  readonly http: string | null;
  readonly durationUs: number;
  readonly dataEveryUs: number;
}

/** A GET a reverse proxy is serving: its client side and the upstreams it has tried. */
export interface ProxyRequest {
  readonly host: Host;
  /** The proxy's server socket toward its client. */
  readonly sock: Socket;
  readonly listener: ListenerIn;
  readonly path: string;
  /** The first upstream (round robin) and how many have been tried. */
  readonly first: number;
  tries: number;
  answered: boolean;
}

export interface Conn extends Owner {
  readonly spec: ConnSpec;
  /** Index into `EngineInput.traffic`, or -1 for a proxy's upstream connection. */
  readonly traffic: number;
  readonly index: number;
  host: Host | null;
  source: Endpoint | null;
  socket: Socket | null;
  outcome: Outcome;
  backend: string | null;
  reason: Reason | null;
  firstSynUs: number;
  establishedUs: number | null;
  handshakeUs: number | null;
  http: { path: string; status: number } | null;
  awaitingResponse: boolean;
  closed: { atUs: number; by: ClosedBy; reason: Reason | null } | null;
  /** The retransmission timer of the SYN or of the pending data (one at a time). */
  timer: Job | null;
  /** When the pending data was first sent (its retransmissions count from there). */
  dataSentUs: number;
  /** The close at the end of `duration`, or a wait for an answer. */
  deadline: Job | null;
  /** The next data segment of a long-lived connection (`dataEvery`). */
  tick: Job | null;
  /** When the client closes (`duration` after it was established), once known. */
  closeAtUs: number;
  pendingId: number;
  /** Set on a reverse proxy's upstream connection. */
  readonly proxy: ProxyRequest | null;
  /** Upstream only: how it failed (`timeout`: nginx's own timer; `error`: anything else). */
  failure: 'error' | 'timeout' | null;
  /** Upstream only: its outcome has been reported to the proxy. */
  reported: boolean;
  /** Client hosts: where the host is cached, so that it can be forgotten when idle. */
  readonly clientSlot: { readonly client: number; readonly host: number } | null;
  /** Bulk mode: this connection is the reference run of its decision class (fastPath.ts `tryFast`). */
  ref: RefRecord | null;
}

/** What a reference run of a decision class records on its way (bulk fast path). */
export interface RefRecord {
  readonly traffic: number;
  readonly key: ClassKey;
  readonly openUs: number;
  readonly healthEpoch: number;
  readonly eventEpoch: number;
  bad: boolean;
  /** Load-balancer decisions on the client's own tuple: lb, frontend, rule, member. */
  decisions: number;
  lb: number;
  frontend: number;
  rule: LbRuleIn | null;
  nic: number;
  finishUs: number;
}

/** The memoised outcome of one decision class and member, from its reference run. */
export interface MemoOutcome {
  readonly outcome: Outcome;
  readonly reasonCode: string | null;
  readonly backend: string | null;
  readonly http: number | null;
  readonly closedBy: ClosedBy | null;
  /** Fast-path connections finished with this outcome, not yet counted by the aggregator. */
  finished: number;
  /** In `memoOutcomes` (whose counts are folded into the aggregator when they are dropped). */
  listed: boolean;
  /** From the open to the finish (the port is freed) and to the release (flow state evicted). */
  readonly finishAfterUs: number;
  readonly releaseAfterUs: number;
  /** The delay lines of those two steps, and of both in one step, once looked up. */
  finishLine: DelayLine | null;
  releaseLine: DelayLine | null;
  oneStepLine: DelayLine | null;
}

/** One decision class: where its SYN meets a load balancer (if it does) and outcomes by member. */
export interface MemoClass {
  readonly lb: number;
  readonly frontend: number;
  readonly rule: LbRuleIn | null;
  /** The rule's `distribution` row (engine-model.md step 8 counts), once the first flow made it. */
  row: FlowCount | null;
  /** By chosen member NIC (-1: no load-balancer decision). */
  readonly outcomes: Map<number, MemoOutcome>;
}

/**
 * A connection run by the fast path: what its two queue jobs need. Pooled (`fastFree`): a
 * released one is reused, with its flow entry and header, for a later connection.
 */
export interface FastConn {
  /** Its index in `FastPath.connections`. */
  readonly id: number;
  /**
   * Its client host, or null while no other code has asked for that host (core.ts `clientHost` builds it
   * then, holding this connection's port and pending count, as if it had been built at the open).
   */
  host: ClientHost | null;
  client: number;
  hostIndex: number;
  port: number;
  memo: MemoOutcome;
  table: FlowTable<LbFlow> | null;
  /** Its flow entry when a load balancer chose a member; `flowObject` is the pooled object. */
  flow: LbFlow | null;
  flowObject: LbFlow | null;
  /** Finished (port freed, counted); next its release. */
  finished: boolean;
  /**
   * Finished and released in one step at its release time: its host is not built, so nothing can
   * read its finish before then unless core.ts `clientHost` builds the host (which then finishes it at
   * `finishUs` on its own). Saves a queue event per connection.
   */
  oneStep: boolean;
  finishUs: number;
  /** When it is next due (finish, then release; or both at once). */
  dueUs: number;
}

export type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Fast-path connections waiting for one fixed delay, in due order (they enter at the current
 * time plus the same delay, and time never goes backwards): one queue job for the head only.
 */
export interface DelayLine {
  /** A line is its own queue job, queued again each time (at most once at a time). */
  readonly type: 'fastLine';
  readonly aux: true;
  cancelled: boolean;
  readonly delayUs: number;
  readonly items: FastConn[];
  head: number;
  scheduled: boolean;
}

export interface ProbeAttempt extends Owner {
  readonly rt: ProbeRuntime;
  readonly member: MemberHealth;
  readonly port: number;
  readonly memberAddress: number;
  established: boolean;
  verdict: ProbeVerdict | null;
}

export type SimEvent =
  // `index` moves on: a traffic's one open job is queued again for its next connection.
  | { readonly type: 'open'; readonly traffic: number; index: number; readonly seqBase: number }
  | { readonly type: 'synTimer'; readonly conn: Conn; readonly attempt: number; readonly final: boolean }
  | {
      readonly type: 'dataTimer';
      readonly conn: Conn;
      readonly pendingId: number;
      readonly attempt: number;
      readonly final: boolean;
    }
  | { readonly type: 'close'; readonly conn: Conn }
  | { readonly type: 'dataTick'; readonly conn: Conn }
  | { readonly type: 'answerDeadline'; readonly conn: Conn }
  | { readonly type: 'udpEnd'; readonly conn: Conn }
  | { readonly type: 'responseDeadline'; readonly conn: Conn }
  | { readonly type: 'connectTimeout'; readonly conn: Conn }
  | { readonly type: 'arrive'; readonly packet: Packet<Owner>; readonly arrival: Arrival }
  | { readonly type: 'probeRound'; readonly rt: ProbeRuntime }
  | { readonly type: 'event'; readonly event: EventIn }
  | { readonly type: 'idleCheck'; readonly flow: LbFlow; readonly key: string }
  | { readonly type: 'snatIdle'; readonly entry: SnatEntry }
  | { readonly type: 'probeDeadline'; readonly attempt: ProbeAttempt }
  | { readonly type: 'fastFinish'; readonly fast: FastConn }
  | DelayLine;

/** A scheduled event (one object per event: the event and its bookkeeping). */
export type Job = SimEvent & {
  /** Probe traffic: does not keep the simulation alive. */
  readonly aux: boolean;
  cancelled: boolean;
};

export interface LbFlow {
  readonly lb: number;
  readonly frontend: number;
  readonly nic: number;
  /** The first packet's header as the client sent it (for the load balancer's RST on idle). */
  readonly h: Header;
  /** Last packet either way (the client's through the frontend, the member's reply at its host). */
  lastSeen: number;
  readonly ruleName: string;
  readonly rule: LbRuleIn | NatRuleIn;
  readonly floatingIp: boolean;
  readonly backendPort: number;
  owner: Owner;
  /** The pending idle check (rules with `enableTcpReset`), cancelled when the flow is evicted. */
  idleJob: Job | null;
}

/** A new flow-table entry: `owner`'s flow through `rule` to `nic`, first seen at `now`. */
/**
 * Whether the rule's idle timeout forgets the flow. "TCP idle timeout doesn't affect load
 * balancing rules on UDP protocol" (articles/load-balancer/load-balancer-tcp-reset.md, ms.date
 * 07/31/2024, Limitations): a UDP flow stays, with its member, however long it is quiet. The
 * docs give UDP flows no idle timeout of their own; assumption: none, the flow lasting as long as
 * the traffic that made it (and inbound NAT rules alike).
 */
export const idlesOut = (flow: LbFlow): boolean => flow.h.protocol === 'Tcp';

export function newLbFlow(
  lb: number,
  frontend: number,
  header: Header,
  nic: number,
  rule: LbRuleIn | NatRuleIn,
  owner: Owner,
  now: number,
): LbFlow {
  return {
    lb,
    frontend,
    h: header,
    lastSeen: now,
    nic,
    ruleName: rule.name,
    rule,
    floatingIp: rule.enableFloatingIP,
    backendPort: rule.backendPort,
    owner,
    idleJob: null,
  };
}

/** One outbound SNAT translation (engine-model.md step 4), held in three maps, evicted with its owner. */
export interface SnatEntry {
  readonly nic: number;
  readonly privAddr: number;
  readonly privPort: number;
  readonly pubAddr: number;
  readonly pubPort: number;
  /** Keys in `snatOut[nic]`, `snatReturn` and `snatUsed`. */
  readonly outKey: string;
  readonly retKey: string;
  readonly usedKey: string;
  readonly rule: string;
  readonly idleUs: number;
  /** The private header of the first packet (for the RSTs of an outbound rule with enableTcpReset). */
  readonly h: Header;
  lastSeen: number;
  owner: Owner;
}

export interface ReverseNat {
  readonly address: number;
  readonly port: number;
  readonly rule: string;
  /** The load-balancer flow the reply belongs to (its idle timer counts the replies too). */
  readonly flow: LbFlow;
  owner: Owner;
}

/** Flows per rule and member (`distribution`), with the row's key and its member order. */
export interface FlowCount {
  readonly key: string;
  readonly counts: Map<number, number>;
}

export interface FrontendRef {
  readonly lb: number;
  readonly frontend: number;
}

export interface NsgLayer {
  readonly nsg: number;
  readonly on: string;
}

export type RunMode = 'run' | 'steady';

/** Key of one member of one probe: `lb|probe|nic`. */
export const memberKey = (lb: number, probe: number, nic: number) => `${lb}|${probe}|${nic}`;

/** Assumed member states (up = true) handed to a steady-state round. */
export type MemberStates = ReadonlyMap<string, boolean>;

const NO_FIREWALL_FLOWS: Map<string, unknown> = new Map();

/** A host behind one address of a client (its name, with the address, is built only when read). */
export class ClientHost implements Host {
  readonly kind = 'client' as const;
  readonly id: string;
  readonly os: ClientIn['os'];
  running = true;
  readonly ifaces: readonly Iface[];
  readonly routes = [] as const;
  readonly acceptLocal: boolean;
  readonly tcpSynLinearTimeouts: number;
  readonly firewall = null;
  readonly listeners: readonly ListenerIn[];
  readonly sockets = new Map<string, Socket>();
  /** A client has no guest firewall (`firewall` is null), so this map is never written: shared. */
  readonly firewallFlows = NO_FIREWALL_FLOWS;
  readonly usedPorts = new Set<number>();
  readonly location: ClientIn['location'];
  routeCache: Host['routeCache'];
  loopbackDecision: Host['loopbackDecision'];
  localArrival: unknown;
  clientArrival: unknown;
  /** Bulk fast-path connections of this host not yet released (fastPath.ts `tryFast`). */
  fastPending = 0;

  constructor(
    private readonly client: ClientIn,
    private readonly address: number,
  ) {
    this.id = client.id;
    this.os = client.os;
    this.acceptLocal = client.acceptLocal;
    this.tcpSynLinearTimeouts = client.tcpSynLinearTimeouts;
    this.listeners = client.listeners;
    this.location = client.location;
    this.ifaces = [
      {
        kind: 'client',
        id: client.id,
        name: client.name,
        address,
        // A client is a single-homed host: the host models do not change its behaviour.
        weakHostSend: client.os === 'linux',
        weakHostReceive: client.os === 'linux',
        nic: null,
        onLink: null,
      },
    ];
  }

  get name(): string {
    return this.client.count > 1 ? `${this.client.name} (${formatIpv4(this.address)})` : this.client.name;
  }
}
