/**
 * core: the state the stages of the packet path share, as one small object the run builds and
 * hands to each stage through the narrow interface that stage declares (network.ts
 * `NetworkPath`, transport.ts `TransportPath`, connections.ts `ConnectionsPath`, frontend.ts
 * `FrontendPath`, health.ts `ProbePath`, fastPath.ts `FastPathRun`): the clock and the event
 * queue (schedule, cancel, compaction, and the counts that decide when the run ends), the trace
 * and drop reasons, the PRNG of the traffic's port draws, the hosts (VMs built at the start,
 * client hosts built when first used), ownership and eviction of flow state, and the platform
 * state two stages share: the load balancers as the events left them, their flow tables and the
 * reverse NAT at the members' hosts (both written by frontend.ts and expired by network.ts).
 *
 * Inputs: an `EngineInput`, the options (seed, mode, trace), the run mode (the run, or one of the
 *   steady-state probe rounds before it).
 * Outputs: `Core`. It calls no stage: what it sees (a client host built, a reference run released)
 *   it tells the bulk fast path through `PathObserver` (`observer`, set by the run once the fast
 *   path is built). State one stage alone uses lives in that stage, not here.
 * Invariants: all randomness comes from the PRNG state held here and seeded from `seed` (the
 *   probes draw from their own stream, health.ts); all time from the event queue (integer
 *   microseconds); no clock.
 *   An owner lets go of its flow state once it has ended and none of its packets is in flight
 *   (`release`). Events replace configuration (`lbs`, a host's listeners and firewall) with new
 *   objects; they never mutate the input.
 */
import { createPrng, nextInt, type PrngState } from '../shared/prng';
import type { PathObserver } from './fastPath';
import { FlowTable } from './flowtable';
import { type Host, type Iface, portKey } from './guest';
import type { ClientIn, EngineInput, LoadBalancerIn, NicIn, Os } from './input';
import { EventQueue, microsToSeconds, PHASE, type Phase } from './sched';
import {
  type Arrival,
  ClientHost,
  type Conn,
  type Job,
  type KeyedStore,
  type LbFlow,
  type Owner,
  type ReverseNat,
  type RunMode,
  type SimulateOptions,
} from './state';
import { ephemeralRange } from './tcp';
import type { Decision, Reason, TcpState, TraceKind } from './trace';
import { Tracer } from './trace';
import { type Header, type Packet, viewHeader } from './wire';

/** What a trace record carries beside its kind, element and packet. */
export interface TraceExtra {
  readonly before?: Header;
  readonly reason?: Reason | null;
  readonly decision?: Decision | null;
  readonly state?: { from: TcpState; to: TcpState };
  readonly connection?: string;
}

/** Observes nothing: the observer until the run sets its fast path (never called before). */
const IGNORE_PATH: PathObserver = {
  hostBuilt() {},
  referenceDecided() {},
  referenceReleased() {},
};

export class Core {
  readonly queue = new EventQueue<Job>();
  readonly tracer: Tracer;
  readonly tracing: boolean;
  readonly bulk: boolean;
  /** PRNG states live in the simulation state (after boardgame.io). */
  private readonly prng: PrngState;
  readonly vmHosts: Host[];
  /** Per client: the hosts built so far, by host index (tests that watch the run read it). */
  readonly clientHosts: Map<number, Host>[];
  private readonly nicHome: { host: Host; iface: number }[] = [];
  private readonly nicArrivals: Arrival[];
  /** The load balancers as the events so far left them (each event replaces one object). */
  readonly lbs: LoadBalancerIn[];
  /**
   * Per load balancer and frontend: the flow table. Frontend (frontend.ts) writes it; the member's
   * host expires an entry with its reverse NAT (network.ts `egressNic`).
   */
  readonly lbFlows: FlowTable<LbFlow>[][];
  /**
   * Per NIC: reverse NAT of DNATed flows at the member's host, keyed by the reply's tuple key
   * (written by frontend.ts, read and expired by network.ts).
   */
  readonly reverseNat: Map<string, ReverseNat>[];
  now = 0;
  private packetSeq = 0;
  /** Queued jobs, and other work, that keep the run from ending (not the aux ones). */
  pendingMain = 0;
  /** Connections not ended yet (the run adds each traffic's count when it starts). */
  openConns = 0;
  /** Jobs cancelled since the queue was last compacted (an upper bound of those still queued). */
  private cancelledQueued = 0;
  /** Bumped by each scenario event (the configuration changed). */
  eventEpoch = 0;

  /** The bulk fast path, which observes host builds and reference runs (set by simulation.ts). */
  observer: PathObserver = IGNORE_PATH;

  constructor(
    private readonly input: EngineInput,
    options: SimulateOptions,
    runMode: RunMode,
  ) {
    this.bulk = options.mode === 'bulk';
    this.tracer = new Tracer(options.trace === true && !this.bulk && runMode === 'run');
    this.tracing = this.tracer.enabled;
    this.lbs = [...input.loadBalancers];
    this.prng = createPrng(options.seed);
    this.vmHosts = input.vms.map((vm) => this.buildVmHost(vm.nics, vm));
    this.clientHosts = input.clients.map(() => new Map());
    this.nicArrivals = input.nics.map((_, nic) => ({ kind: 'nic', nic }));
    this.reverseNat = input.nics.map(() => new Map());
    this.lbFlows = input.loadBalancers.map((lb) => lb.frontends.map(() => new FlowTable<LbFlow>()));
  }

  // ---------------------------------------------------------------- set-up

  private buildVmHost(nicIdx: readonly number[], vm: EngineInput['vms'][number]): Host {
    const ifaces: Iface[] = nicIdx.map((nicIndex) => {
      const nic = this.nicAt(nicIndex);
      const subnet = this.input.subnets[nic.subnet];
      return {
        kind: 'nic',
        id: nic.id,
        name: nic.name,
        address: nic.address,
        weakHostSend: nic.weakHostSend,
        weakHostReceive: nic.weakHostReceive,
        nic: nicIndex,
        onLink: subnet === undefined ? null : subnet.prefix,
      };
    });
    for (const lo of vm.loopbacks) {
      ifaces.push({
        kind: 'loopback',
        id: lo.id,
        name: lo.name,
        address: lo.address,
        weakHostSend: lo.weakHostSend,
        weakHostReceive: lo.weakHostReceive,
        nic: null,
        onLink: null,
      });
    }
    const host: Host = {
      kind: 'vm',
      id: vm.id,
      name: vm.name,
      os: vm.os,
      running: vm.running,
      ifaces,
      routes: vm.routes.map((route) => ({
        prefix: route.prefix,
        iface: nicIdx.indexOf(route.nic),
        nextHop: route.nextHop,
      })),
      acceptLocal: vm.acceptLocal,
      tcpSynLinearTimeouts: vm.tcpSynLinearTimeouts,
      firewall: vm.firewall,
      listeners: vm.listeners,
      sockets: new Map(),
      firewallFlows: new Map(),
      usedPorts: new Set(),
      location: null,
    };
    nicIdx.forEach((nicIndex, i) => {
      this.nicHome[nicIndex] = { host, iface: i };
    });
    return host;
  }

  /**
   * The host behind one address of a client. A client with `count` stands for that many hosts
   * (scenario-format.md "Clients"); a host is built when first used and forgotten when it holds
   * no socket (it has no other state), so a client of a million addresses costs nothing idle.
   */
  clientHost(client: number, hostIndex: number): Host {
    const cache = this.clientHosts[client] as Map<number, Host>;
    let host = cache.get(hostIndex);
    if (host === undefined) {
      const c = this.input.clients[client] as ClientIn;
      const built = new ClientHost(c, (c.firstAddress + hostIndex) >>> 0);
      host = built;
      cache.set(hostIndex, host);
      this.observer.hostBuilt(client, hostIndex, built);
    }
    return host;
  }

  schedule(time: number, phase: Phase, job: Job): Job {
    if (!job.aux) this.pendingMain++;
    this.queue.push(time, phase, job);
    return job;
  }

  cancel(job: Job | null): void {
    if (job === null || job.cancelled) return;
    job.cancelled = true;
    if (!job.aux) this.pendingMain--;
    this.noteCancelled();
  }

  /** Cancels an aux job that is still queued. */
  private dropAuxJob(job: Job): void {
    if (job.cancelled) return;
    job.cancelled = true;
    this.noteCancelled();
  }

  /**
   * Cancelled jobs stay in the heap until their time; once they are most of it, the queue drops
   * them (the others keep their order: sched.ts `compact`), so memory follows live state only.
   */
  private noteCancelled(): void {
    if (++this.cancelledQueued > 4096 && this.cancelledQueued * 2 > this.queue.size) {
      this.queue.compact((job) => !job.cancelled);
      this.cancelledQueued = 0;
    }
  }

  // ---------------------------------------------------------------- owners and eviction

  /** Records that `owner` holds `store[key]` (evicted when the owner is released). */
  own(owner: Owner, store: KeyedStore, key: string): void {
    owner.owned.push(store, key);
  }

  /**
   * An owner that has ended and has no packet in flight lets go of its flow state: the platform's
   * flow-table entries (engine-model.md step 7) and NSG and firewall flows end with the connection,
   * and a half-open server socket whose client gave up is dropped (assumption: it stands for the
   * server's own SYN-ACK retransmission limit, which is not modelled). An entry another owner has
   * taken over since is kept.
   */
  release(owner: Owner): void {
    if (owner.released) return;
    owner.released = true;
    const owned = owner.owned;
    for (let i = 0; i < owned.length; i += 2) {
      const store = owned[i] as KeyedStore;
      const key = owned[i + 1] as string;
      const value = store.get(key);
      if (value === owner || (value as { owner?: unknown } | undefined)?.owner === owner) {
        store.delete(key);
        // An evicted flow's idle check would find nothing: drop it, so that a million short flows
        // do not each leave a job in the queue for the whole idle timeout.
        const idle = (value as Partial<LbFlow>).idleJob;
        if (idle !== undefined && idle !== null) this.dropAuxJob(idle);
      }
    }
    owned.length = 0;
    const conn = owner as Partial<Conn>;
    if (conn.ref !== undefined && conn.ref !== null) this.observer.referenceReleased(owner as Conn, conn.ref);
    const slot = conn.clientSlot;
    if (slot !== undefined && slot !== null) {
      const host = conn.host;
      if (host !== undefined && host !== null && host.sockets.size === 0 && host.usedPorts.size === 0) {
        this.forgetClientHost(slot.client, slot.host, host);
      }
    }
  }

  /** Forgets `host` as the host of that client address, when it still is (it holds nothing). */
  forgetClientHost(client: number, hostIndex: number, host: Host): void {
    const cache = this.clientHosts[client];
    if (cache?.get(hostIndex) === host) cache.delete(hostIndex);
  }

  /** One more piece of work that keeps the run from ending (`checkEnding`), without a job of its own. */
  holdRun(): void {
    this.pendingMain++;
  }

  unholdRun(): void {
    this.pendingMain--;
  }

  /** A connection ended: one fewer not ended yet. */
  endConnection(): void {
    this.openConns--;
  }

  // ---------------------------------------------------------------- trace and reasons

  trace(kind: TraceKind, element: string, packet: Packet | null, extra: TraceExtra = {}): void {
    this.tracer.record({
      at: microsToSeconds(this.now),
      kind,
      element,
      connection: packet?.owner.id ?? extra.connection ?? null,
      packet: packet === null ? null : viewHeader(packet.id, packet.header),
      before: extra.before === undefined || packet === null ? null : viewHeader(packet.id, extra.before),
      reason: extra.reason ?? null,
      decision: extra.decision ?? null,
      state: extra.state ?? null,
    });
  }

  drop(packet: Packet<Owner>, reason: Reason, decision: Decision | null = null): void {
    if (this.tracing) this.trace('drop', reason.at, packet, { reason, decision });
    this.noteDoom(packet.owner, reason);
  }

  /** Remembers the first event that doomed a connection (scenario-format.md: `reason`). */
  noteDoom(owner: Owner, reason: Reason): void {
    if (!owner.done && owner.doom === null) owner.doom = reason;
  }

  // ---------------------------------------------------------------- helpers

  /** The host a NIC belongs to. */
  hostOfNic(nic: number): Host | undefined {
    return this.nicHome[nic]?.host;
  }

  /** The host a NIC belongs to and its interface there. */
  homeOfNic(nic: number): { readonly host: Host; readonly iface: number } | undefined {
    return this.nicHome[nic];
  }

  /** A packet's arrival at a NIC. */
  nicArrival(nic: number): Arrival {
    return this.nicArrivals[nic] as Arrival;
  }

  private nicAt(index: number): NicIn {
    const nic = this.input.nics[index];
    if (nic === undefined) throw new Error(`no NIC ${index}`);
    return nic;
  }

  lbAt(index: number): LoadBalancerIn {
    const lb = this.lbs[index];
    if (lb === undefined) throw new Error(`no load balancer ${index}`);
    return lb;
  }

  newPacket(header: Header, owner: Owner): Packet<Owner> {
    return { id: this.packetSeq++, owner, header, viaFrontend: null, udrHops: 0 };
  }

  arriveLater(delayUs: number, packet: Packet<Owner>, arrival: Arrival): void {
    packet.owner.inFlight++;
    this.schedule(this.now + delayUs, PHASE.packet, {
      type: 'arrive',
      packet,
      arrival,
      aux: packet.owner.probe,
      cancelled: false,
    });
  }

  /**
   * The port `allocatePort` gives a host with nothing open: the first draw of its OS's ephemeral
   * range (the fast path takes it without building the host: simulation.ts `onOpen`).
   */
  firstPortDraw(os: Os): number {
    const { min, max } = ephemeralRange(os);
    return nextInt(this.prng, min, max);
  }

  /**
   * A free ephemeral port of the host's range: seeded draws, as a guest's randomised port choice;
   * when a nearly full range makes the draws miss, a scan from one more draw, so a free port is
   * always found; null when every port of the range is held (the connection then fails with
   * GUEST_NO_EPHEMERAL_PORT, as connect() does).
   */
  allocatePort(host: Host, protocol: string): number | null {
    const { min, max } = ephemeralRange(host.os);
    for (let i = 0; i < 1000; i++) {
      const port = nextInt(this.prng, min, max);
      if (!host.usedPorts.has(portKey(protocol, port))) return port;
    }
    const span = max - min + 1;
    const start = nextInt(this.prng, min, max) - min;
    for (let k = 0; k < span; k++) {
      const port = min + ((start + k) % span);
      if (!host.usedPorts.has(portKey(protocol, port))) return port;
    }
    return null;
  }
}
