/**
 * simulation: the discrete-event run that moves packets along the path of engine-model.md
 * ("The path, in order"), steps 1–3 and 5–15 (step 4, outbound translation, and UDRs belong to
 * issue 4).
 *
 * Inputs: an `EngineInput`, a seed, an optional stop time, trace on or off.
 * Outputs: a `SimulationResult` (scenario-format.md "Result of a simulation").
 * Invariants: all randomness comes from PRNG states held here and seeded from `seed`; all time from
 *   the event queue (integer microseconds); every packet is delivered, dropped with a `Reason`, or
 *   still in flight when the run stops; replies never pass the load balancer (engine-model.md
 *   step 9: "Azure always returns traffic directly").
 */
import { formatIpv4 } from '../shared/ipv4';
import { createPrng, nextInt, type PrngState } from '../shared/prng';
import { AddressBook, LATENCY_US } from './fabric';
import {
  checkGuestReceive,
  chooseSourceAddress,
  evaluateFirewall,
  type Host,
  type Iface,
  routeInGuest,
  type Socket,
  socketKey,
} from './guest';
import type { EngineInput, LbRuleIn, LoadBalancerIn, NicIn, TrafficIn } from './input';
import { flowKey, matchFrontendRule, pickBackend, rewriteForMember } from './lb';
import { AZURE_LB_ADDRESS, evaluateNsg, type TagSpace } from './nsg';
import {
  applyVerdict,
  failureCode,
  healthStatusOf,
  type MemberHealth,
  type ProbeRuntime,
  type ProbeVerdict,
  probeTimeoutUs,
} from './probe';
import type { ClosedBy, ConnectionResult, Outcome, ProbeResult, SimulationResult } from './result';
import { EventQueue, microsToMillis, microsToSeconds, PHASE, type Phase } from './sched';
import { dataSchedule, ephemeralRange, receiveSegment, replyInClosedState, synSchedule } from './tcp';
import { type Decision, type Reason, type TcpState, type TraceKind, Tracer } from './trace';
import {
  ACK,
  describePacket,
  type Endpoint,
  FIN,
  formatEndpoint,
  type Header,
  hasFlag,
  isSyn,
  isSynAck,
  makeHeader,
  type Packet,
  PSH,
  RST,
  replyHeader,
  reverseTupleKey,
  rewriteHeader,
  SYN,
  tupleKey,
  viewHeader,
} from './wire';

export interface SimulateOptions {
  readonly seed: number;
  /** Stop the simulation at this many seconds. */
  readonly until?: number | undefined;
  readonly trace: boolean;
}

/** Assumption: a UDP or ICMP client waits 4 s for its answer (Windows ping's default timeout). */
const ANSWER_WAIT_US = 4_000_000;

type Stage =
  | { readonly kind: 'nic'; readonly nic: number }
  | { readonly kind: 'local'; readonly host: Host }
  | { readonly kind: 'client'; readonly host: Host }
  | { readonly kind: 'frontend'; readonly lb: number; readonly frontend: number }
  | { readonly kind: 'edge'; readonly edge: 'gateway' | 'internet'; readonly toward: 'client' | 'azure' }
  | { readonly kind: 'platform' };

interface Conn {
  readonly n: number;
  readonly traffic: TrafficIn;
  readonly index: number;
  readonly id: string;
  host: Host | null;
  source: Endpoint | null;
  socket: Socket | null;
  outcome: Outcome;
  backend: string | null;
  doom: Reason | null;
  reason: Reason | null;
  firstSynUs: number | null;
  establishedUs: number | null;
  handshakeUs: number | null;
  http: { path: string; status: number } | null;
  awaitingResponse: boolean;
  closed: { atUs: number; by: ClosedBy; reason: Reason | null } | null;
  done: boolean;
  timers: Job[];
  pendingId: number;
}

interface ProbeAttempt {
  readonly conn: string;
  readonly rt: ProbeRuntime;
  readonly member: MemberHealth;
  readonly port: number;
  readonly memberAddress: number;
  done: boolean;
  established: boolean;
  doom: Reason | null;
  verdict: ProbeVerdict | null;
}

type SimEvent =
  | { readonly type: 'open'; readonly conn: Conn }
  | { readonly type: 'synTimer'; readonly conn: Conn; readonly attempt: number; readonly final: boolean }
  | {
      readonly type: 'dataTimer';
      readonly conn: Conn;
      readonly pendingId: number;
      readonly attempt: number;
      readonly final: boolean;
    }
  | { readonly type: 'close'; readonly conn: Conn }
  | { readonly type: 'answerDeadline'; readonly conn: Conn }
  | { readonly type: 'arrive'; readonly packet: Packet; readonly stage: Stage }
  | { readonly type: 'probeRound'; readonly rt: ProbeRuntime }
  | { readonly type: 'probeDeadline'; readonly attempt: ProbeAttempt };

interface Job {
  readonly event: SimEvent;
  /** Probe traffic: does not keep the simulation alive. */
  readonly aux: boolean;
  cancelled: boolean;
}

interface LbFlow {
  readonly nic: number;
  readonly ruleName: string;
  readonly floatingIp: boolean;
  readonly backendPort: number;
}

type Mode = 'run' | 'steady';

export class Simulation {
  private readonly queue = new EventQueue<Job>();
  private readonly tracer: Tracer;
  private readonly book: AddressBook;
  private readonly tags: TagSpace;
  /** PRNG states live in the simulation state (STYLE.md, after boardgame.io). */
  private readonly prng: PrngState;
  private readonly probePrng: PrngState;
  private readonly vmHosts: Host[];
  private readonly clientHosts = new Map<string, Host>();
  private readonly nicHome: { host: Host; iface: number }[] = [];
  private readonly conns: Conn[] = [];
  private readonly connById = new Map<string, Conn>();
  private readonly nsgFlows = new Set<string>();
  private readonly lbFlows = new Map<string, LbFlow>();
  private readonly reverseNat = new Map<string, { address: number; port: number; rule: string }>();
  private readonly probes: ProbeRuntime[] = [];
  private readonly probeByKey = new Map<string, ProbeRuntime>();
  private readonly attempts: ProbeAttempt[] = [];
  private readonly attemptByPort = new Map<number, ProbeAttempt>();
  private readonly attemptByConn = new Map<string, ProbeAttempt>();
  private readonly distribution = new Map<string, Map<string, number>>();
  private now = 0;
  private packetSeq = 0;
  private pendingMain = 0;
  private openConns = 0;
  private endUs: number | null = null;

  constructor(
    private readonly input: EngineInput,
    private readonly options: SimulateOptions,
    private readonly mode: Mode = 'run',
  ) {
    this.tracer = new Tracer(options.trace && mode === 'run');
    this.book = new AddressBook(input);
    this.prng = createPrng(options.seed);
    // A separate stream for probes, so that adding a probe does not move the traffic's ports.
    this.probePrng = createPrng((options.seed ^ 0x5bd1e995) >>> 0);
    this.tags = {
      virtualNetwork: [
        ...input.vnets.flatMap((v) => v.addressSpace),
        // engine-model.md step 5: on-premises addresses count as VirtualNetwork for NSGs.
        ...input.clients.filter((c) => c.location === 'onPremises').map((c) => c.prefix),
      ],
    };
    this.vmHosts = input.vms.map((vm) => this.buildVmHost(vm.nics, vm));
    this.buildProbes();
  }

  // ---------------------------------------------------------------- set-up

  private buildVmHost(nicIdx: readonly number[], vm: EngineInput['vms'][number]): Host {
    const ifaces: Iface[] = nicIdx.map((n) => {
      const nic = this.nicAt(n);
      const subnet = this.input.subnets[nic.subnet];
      return {
        kind: 'nic',
        id: nic.id,
        name: nic.name,
        address: nic.address,
        weakHostSend: nic.weakHostSend,
        weakHostReceive: nic.weakHostReceive,
        nic: n,
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
      routes: vm.routes.map((r) => ({ prefix: r.prefix, iface: nicIdx.indexOf(r.nic), nextHop: r.nextHop })),
      acceptLocal: vm.acceptLocal,
      tcpSynLinearTimeouts: vm.tcpSynLinearTimeouts,
      firewall: vm.firewall,
      listeners: vm.listeners,
      sockets: new Map(),
      firewallFlows: new Set(),
      usedPorts: new Set(),
      location: null,
    };
    nicIdx.forEach((n, i) => {
      this.nicHome[n] = { host, iface: i };
    });
    return host;
  }

  private clientHost(client: number, hostIndex: number): Host {
    const key = `${client}|${hostIndex}`;
    let host = this.clientHosts.get(key);
    if (host === undefined) {
      const c = this.input.clients[client];
      if (c === undefined) throw new Error(`no client ${client}`);
      const address = (c.firstAddress + hostIndex) >>> 0;
      host = {
        kind: 'client',
        id: c.id,
        name: c.count > 1 ? `${c.name} (${formatIpv4(address)})` : c.name,
        os: c.os,
        running: true,
        ifaces: [
          {
            kind: 'client',
            id: c.id,
            name: c.name,
            address,
            // A client is a single-homed host: the host models do not change its behaviour.
            weakHostSend: c.os === 'linux',
            weakHostReceive: c.os === 'linux',
            nic: null,
            onLink: null,
          },
        ],
        routes: [],
        acceptLocal: c.acceptLocal,
        tcpSynLinearTimeouts: c.tcpSynLinearTimeouts,
        firewall: null,
        listeners: c.listeners,
        sockets: new Map(),
        firewallFlows: new Set(),
        usedPorts: new Set(),
        location: c.location,
      };
      this.clientHosts.set(key, host);
    }
    return host;
  }

  /**
   * engine-model.md "Health probes": every probe probes every member of the pools its rules use.
   * The state at time 0 is the steady state, found by probing before the run.
   */
  private buildProbes(): void {
    this.input.loadBalancers.forEach((lb, l) => {
      lb.probes.forEach((probe, p) => {
        const members: MemberHealth[] = [];
        const byNic = new Map<number, MemberHealth>();
        for (const rule of lb.rules) {
          if (rule.probe !== p) continue;
          for (const nic of lb.pools[rule.pool]?.members ?? []) {
            if (byNic.has(nic)) continue;
            const m: MemberHealth = {
              nic,
              name: this.nicAt(nic).name,
              state: 'up',
              okRun: 0,
              failRun: 0,
              lastFailure: null,
              downCode: failureCode(probe, 'timeout'),
              transitions: [],
            };
            members.push(m);
            byNic.set(nic, m);
          }
        }
        const rt: ProbeRuntime = { lb: l, probeIndex: p, probe, lbName: lb.name, members, byNic };
        this.probes.push(rt);
        this.probeByKey.set(`${l}|${p}`, rt);
      });
    });
  }

  // ---------------------------------------------------------------- running

  /** Runs one round of every probe at time 0 and returns each (lb, probe, nic) verdict. */
  runSteadyState(): Map<string, ProbeVerdict> {
    for (const rt of this.probes) this.schedule(0, PHASE.probe, { type: 'probeRound', rt }, true);
    for (let job = this.queue.pop(); job !== undefined; job = this.queue.pop()) {
      this.now = job.time;
      if (!job.payload.cancelled) this.handle(job.payload.event);
    }
    const out = new Map<string, ProbeVerdict>();
    for (const a of this.attempts) {
      if (a.verdict !== null) out.set(`${a.rt.lb}|${a.rt.probeIndex}|${a.member.nic}`, a.verdict);
    }
    return out;
  }

  run(): SimulationResult {
    // Steady state at time 0 (engine-model.md "Health probes"): probe the scenario as configured.
    // Assumption (milestone (a)): one round settles it, since no proxy makes a probe depend on
    // another load balancer yet; proxies will need the fixpoint the spec describes.
    const steady = new Simulation(this.input, { seed: this.options.seed, trace: false }, 'steady').runSteadyState();
    for (const rt of this.probes) {
      for (const m of rt.members) {
        const v = steady.get(`${rt.lb}|${rt.probeIndex}|${m.nic}`);
        const ok = v?.ok ?? false;
        m.state = ok ? 'up' : 'down';
        m.okRun = ok ? rt.probe.threshold : 0;
        m.failRun = ok ? 0 : rt.probe.threshold;
        if (v !== undefined && !v.ok) {
          m.lastFailure = v.reason;
          m.downCode = v.code;
        }
        m.transitions.push({ at: 0, state: m.state });
      }
      if (rt.members.length > 0) this.schedule(0, PHASE.probe, { type: 'probeRound', rt }, true);
    }
    this.input.traffic.forEach((t) => {
      for (let i = 0; i < t.connections; i++) {
        const conn: Conn = {
          n: this.conns.length,
          traffic: t,
          index: i,
          id: `${t.name}#${i}`,
          host: null,
          source: null,
          socket: null,
          outcome: 'pending',
          backend: null,
          doom: null,
          reason: null,
          firstSynUs: null,
          establishedUs: null,
          handshakeUs: null,
          http: null,
          awaitingResponse: false,
          closed: null,
          done: false,
          timers: [],
          pendingId: 0,
        };
        this.conns.push(conn);
        this.connById.set(conn.id, conn);
        this.openConns++;
        this.schedule(t.startAtUs + i * t.intervalUs, PHASE.traffic, { type: 'open', conn }, false);
      }
    });
    const untilUs = this.options.until === undefined ? null : Math.round(this.options.until * 1_000_000);
    this.checkEnding();
    for (;;) {
      const next = this.queue.peek();
      if (next === undefined) break;
      if (untilUs !== null && next.time > untilUs) break;
      if (this.endUs !== null && next.time > this.endUs) break;
      this.queue.pop();
      this.now = next.time;
      const job = next.payload;
      if (job.cancelled) continue;
      if (!job.aux) this.pendingMain--;
      this.handle(job.event);
      this.checkEnding();
    }
    // `until` caps the run (scenario-format.md "--until"): a run that ends earlier by itself reports
    // its own end; connections still under way at `until` report the outcome `pending`.
    const naturalEnd = this.endUs ?? this.now;
    const endUs = untilUs === null ? naturalEnd : this.endUs === null ? untilUs : Math.min(naturalEnd, untilUs);
    return this.buildResult(endUs);
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

  private schedule(time: number, phase: Phase, event: SimEvent, aux: boolean): Job {
    const job: Job = { event, aux, cancelled: false };
    if (!aux) this.pendingMain++;
    this.queue.push(time, phase, job);
    return job;
  }

  private cancel(job: Job): void {
    if (job.cancelled) return;
    job.cancelled = true;
    if (!job.aux) this.pendingMain--;
  }

  private handle(e: SimEvent): void {
    switch (e.type) {
      case 'open':
        this.openConnection(e.conn);
        return;
      case 'synTimer':
        this.onSynTimer(e.conn, e.attempt, e.final);
        return;
      case 'dataTimer':
        this.onDataTimer(e.conn, e.pendingId, e.final);
        return;
      case 'close':
        this.closeClient(e.conn);
        return;
      case 'answerDeadline':
        this.onAnswerDeadline(e.conn);
        return;
      case 'arrive':
        this.arrive(e.packet, e.stage);
        return;
      case 'probeRound':
        this.runProbeRound(e.rt);
        return;
      case 'probeDeadline':
        this.onProbeDeadline(e.attempt);
        return;
    }
  }

  // ---------------------------------------------------------------- trace and reasons

  private trace(
    kind: TraceKind,
    element: string,
    packet: Packet | null,
    extra: {
      before?: Header;
      reason?: Reason | null;
      decision?: Decision | null;
      state?: { from: TcpState; to: TcpState };
      connection?: string;
    } = {},
  ): void {
    if (!this.tracer.enabled) return;
    this.tracer.record({
      at: microsToSeconds(this.now),
      kind,
      element,
      connection: packet?.conn ?? extra.connection ?? null,
      packet: packet === null ? null : viewHeader(packet.id, packet.header),
      before: extra.before === undefined || packet === null ? null : viewHeader(packet.id, extra.before),
      reason: extra.reason ?? null,
      decision: extra.decision ?? null,
      state: extra.state ?? null,
    });
  }

  private drop(packet: Packet, reason: Reason, decision: Decision | null = null): void {
    this.trace('drop', reason.at, packet, { reason, decision });
    this.noteDoom(packet.conn, reason);
  }

  /** Remembers the first event that doomed a connection (scenario-format.md: `reason`). */
  private noteDoom(connId: string, reason: Reason): void {
    const conn = this.connById.get(connId);
    if (conn !== undefined) {
      if (!conn.done && conn.doom === null) conn.doom = reason;
      return;
    }
    const attempt = this.attemptByConn.get(connId);
    if (attempt !== undefined && !attempt.done && attempt.doom === null) attempt.doom = reason;
  }

  // ---------------------------------------------------------------- helpers

  private nicAt(n: number): NicIn {
    const nic = this.input.nics[n];
    if (nic === undefined) throw new Error(`no NIC ${n}`);
    return nic;
  }

  private lbAt(l: number): LoadBalancerIn {
    const lb = this.input.loadBalancers[l];
    if (lb === undefined) throw new Error(`no load balancer ${l}`);
    return lb;
  }

  private newPacket(header: Header, conn: string, probe: boolean): Packet {
    return { id: this.packetSeq++, conn, probe, header, viaFrontend: null };
  }

  private arriveLater(delayUs: number, packet: Packet, stage: Stage): void {
    this.schedule(this.now + delayUs, PHASE.packet, { type: 'arrive', packet, stage }, packet.probe);
  }

  private allocatePort(host: Host, protocol: string): number {
    const { min, max } = ephemeralRange(host.os);
    for (let i = 0; i < 1000; i++) {
      const port = nextInt(this.prng, min, max);
      if (!host.usedPorts.has(`${protocol}|${port}`)) return port;
    }
    throw new Error(`${host.id}: no free ephemeral port`);
  }

  // ---------------------------------------------------------------- guest send (steps 1–3)

  private sendFromHost(host: Host, header: Header, conn: string, probe: boolean, decision: Decision | null = null) {
    const packet = this.newPacket(header, conn, probe);
    this.trace('send', host.id, packet, { decision });
    this.routeOut(host, packet);
  }

  private routeOut(host: Host, packet: Packet): void {
    const h = packet.header;
    const route = routeInGuest(host, h);
    if (route.kind === 'drop') {
      this.drop(packet, route.reason);
      return;
    }
    if (route.kind === 'local') {
      this.trace('hop', host.id, packet, { decision: route.decision });
      this.arriveLater(LATENCY_US.guest, packet, { kind: 'local', host });
      return;
    }
    // engine-model.md step 2: the guest firewall, outbound. Assumption: traffic delivered inside
    // the guest is not filtered (Windows Firewall exempts loopback traffic).
    if (host.firewall !== null && !this.passFirewall(host, packet, 'Outbound')) return;
    this.trace('hop', host.id, packet, { decision: route.decision });
    const iface = host.ifaces[route.iface];
    if (iface?.nic !== null && iface?.nic !== undefined) {
      this.egressNic(iface.nic, packet);
      return;
    }
    this.egressClient(host, packet);
    return;
  }

  private passFirewall(host: Host, packet: Packet, direction: 'Inbound' | 'Outbound'): boolean {
    const fw = host.firewall;
    if (fw === null) return true;
    const h = packet.header;
    // engine-model.md "Guest firewall": replies of allowed connections pass.
    if (host.firewallFlows.has(tupleKey(h)) || host.firewallFlows.has(reverseTupleKey(h))) return true;
    const v = evaluateFirewall(fw, direction, h);
    const decision: Decision = { kind: 'firewallRule', rule: v.rule?.name ?? null, direction, action: v.action };
    if (v.action === 'Block') {
      const by = v.rule === null ? `its default inbound action (Block)` : `rule ${v.rule.name}`;
      this.drop(
        packet,
        {
          code: 'GUEST_FIREWALL_BLOCK',
          at: host.id,
          rule: v.rule === null ? null : { kind: 'firewallRule', name: v.rule.name, direction },
          detail: `The guest firewall of ${host.name} blocks ${describePacket(h)} (${direction.toLowerCase()}) by ${by}.`,
        },
        decision,
      );
      return false;
    }
    host.firewallFlows.add(tupleKey(h));
    return true;
  }

  /** NIC, then subnet NSG outbound (step 3); reverse NAT at the host (step 15); the fabric (step 5). */
  private egressNic(n: number, packet: Packet): void {
    const nic = this.nicAt(n);
    if (!this.passNsgs(n, 'Outbound', packet)) return;
    const before = packet.header;
    const rev = this.reverseNat.get(`${n}|${tupleKey(before)}`);
    if (rev !== undefined) {
      // engine-model.md step 15: at the host of the sending NIC, the reverse NAT of a DNATed flow
      // puts the frontend address and port back as the source.
      packet.header = rewriteHeader(before, { src: rev.address, srcPort: rev.port });
      this.trace('rewrite', nic.id, packet, { before, decision: { kind: 'reverseNat', rule: rev.rule } });
    }
    this.trace('hop', nic.id, packet);
    this.forwardInFabric(packet, this.input.subnets[nic.subnet]?.id ?? nic.id);
  }

  /** A client's packet reaches the fabric through the gateway (on-premises) or the internet. */
  private egressClient(host: Host, packet: Packet): void {
    const target = this.book.lookup(packet.header.dst);
    const viaInternet =
      host.location === 'internet' ||
      (target.kind === 'frontend' && target.isPublic) ||
      (target.kind === 'client' && this.input.clients[target.client]?.location === 'internet');
    if (viaInternet) {
      this.arriveLater(LATENCY_US.internet, packet, { kind: 'edge', edge: 'internet', toward: 'azure' });
    } else {
      this.arriveLater(LATENCY_US.gateway, packet, { kind: 'edge', edge: 'gateway', toward: 'azure' });
    }
  }

  /**
   * engine-model.md step 5: a frontend address goes to its load balancer, a VNet address to the
   * NIC that owns it, an on-premises client through the gateway, anything else to the internet;
   * no owner anywhere: NO_ROUTE. (UDRs: issue 4.)
   */
  private forwardInFabric(packet: Packet, fromElement: string): void {
    const target = this.book.lookup(packet.header.dst);
    switch (target.kind) {
      case 'frontend':
        this.arriveLater(LATENCY_US.fabric, packet, {
          kind: 'frontend',
          lb: target.lb,
          frontend: target.frontend,
        });
        return;
      case 'nic':
        this.arriveLater(LATENCY_US.fabric, packet, { kind: 'nic', nic: target.nic });
        return;
      case 'platform':
        this.arriveLater(LATENCY_US.platform, packet, { kind: 'platform' });
        return;
      case 'client': {
        const onPrem = this.input.clients[target.client]?.location === 'onPremises';
        this.arriveLater(LATENCY_US.fabric, packet, {
          kind: 'edge',
          edge: onPrem ? 'gateway' : 'internet',
          toward: 'client',
        });
        return;
      }
      case 'none':
        if (target.vnet !== null) {
          const vnet = this.input.vnets[target.vnet];
          this.drop(packet, {
            code: 'NO_ROUTE',
            at: vnet?.id ?? fromElement,
            rule: null,
            detail: `Nothing in ${vnet?.name ?? 'the virtual network'} owns ${formatIpv4(packet.header.dst)}, the destination of ${describePacket(packet.header)}.`,
          });
          return;
        }
        this.arriveLater(LATENCY_US.fabric, packet, { kind: 'edge', edge: 'internet', toward: 'client' });
        return;
    }
  }

  // ---------------------------------------------------------------- arrivals

  private arrive(packet: Packet, stage: Stage): void {
    switch (stage.kind) {
      case 'nic':
        this.arriveAtNic(stage.nic, packet);
        return;
      case 'local':
        this.trace('hop', stage.host.id, packet);
        this.deliverTransport(stage.host, packet);
        return;
      case 'client':
        this.trace('hop', stage.host.id, packet);
        this.receiveFromWire(stage.host, 0, packet);
        return;
      case 'frontend':
        this.arriveAtFrontend(stage.lb, stage.frontend, packet);
        return;
      case 'edge':
        this.arriveAtEdge(stage.edge, stage.toward, packet);
        return;
      case 'platform':
        this.arriveAtPlatform(packet);
        return;
    }
  }

  private arriveAtEdge(edge: 'gateway' | 'internet', toward: 'client' | 'azure', packet: Packet): void {
    const id = edge === 'gateway' ? 'gateway:onPremises' : 'internet:internet';
    this.trace('hop', id, packet);
    const target = this.book.lookup(packet.header.dst);
    if (toward === 'client' && target.kind === 'client') {
      const client = this.input.clients[target.client];
      const here = edge === 'gateway' ? 'onPremises' : 'internet';
      if (client !== undefined && client.location === here) {
        const host = this.clientHost(target.client, target.host);
        const delay = edge === 'gateway' ? LATENCY_US.gateway : LATENCY_US.internet;
        this.arriveLater(delay, packet, { kind: 'client', host });
        return;
      }
    }
    if (toward === 'azure') {
      // From on-premises through the gateway: private frontends and NICs (seeds/003 §2 lab).
      // From the internet: public frontends only; internal frontends and VNet addresses are never
      // exposed to the internet (seeds/002 "Internal Load Balancer").
      if (target.kind === 'frontend' && (edge === 'gateway') !== target.isPublic) {
        this.arriveLater(LATENCY_US.fabric, packet, {
          kind: 'frontend',
          lb: target.lb,
          frontend: target.frontend,
        });
        return;
      }
      if (target.kind === 'nic' && edge === 'gateway') {
        this.arriveLater(LATENCY_US.fabric, packet, { kind: 'nic', nic: target.nic });
        return;
      }
      if (target.kind === 'client' && this.input.clients[target.client]?.location === 'internet') {
        const host = this.clientHost(target.client, target.host);
        this.arriveLater(LATENCY_US.internet, packet, { kind: 'client', host });
        return;
      }
    }
    this.drop(packet, {
      code: 'NO_ROUTE',
      at: id,
      rule: null,
      detail: `No route from the ${edge === 'gateway' ? 'on-premises gateway' : 'internet'} to ${formatIpv4(packet.header.dst)} for ${describePacket(packet.header)}.`,
    });
  }

  /** engine-model.md steps 10–11, then the guest (12–14). */
  private arriveAtNic(n: number, packet: Packet): void {
    const nic = this.nicAt(n);
    const home = this.nicHome[n];
    if (home === undefined) throw new Error(`NIC ${nic.name} belongs to no VM`);
    this.trace('hop', nic.id, packet);
    const subnet = this.input.subnets[nic.subnet];
    const via = packet.viaFrontend;
    if (via !== null && nic.nsg === null && (subnet?.nsg ?? null) === null) {
      const lb = this.lbAt(via.lb);
      const fe = lb.frontends[via.frontend];
      // engine-model.md step 10 (seeds/002 SKU table, "Secure by default"): a Standard public
      // frontend passes nothing unless an NSG on the path allows it. Internal frontends pass
      // without an NSG (MicrosoftDocs/azure-docs issue 42780).
      if (lb.sku === 'Standard' && fe?.isPublic === true) {
        this.drop(packet, {
          code: 'NSG_SECURE_BY_DEFAULT',
          at: nic.id,
          rule: null,
          detail: `${describePacket(packet.header)} came through the Standard public frontend ${fe.name} of ${lb.name}, which is closed to inbound flows unless an NSG on ${nic.name} or its subnet allows them; there is none.`,
        });
        return;
      }
    }
    if (!this.passNsgs(n, 'Inbound', packet)) return;
    if (!home.host.running) {
      this.drop(packet, {
        code: 'VM_STOPPED',
        at: home.host.id,
        rule: null,
        detail: `${home.host.name} is stopped, so ${describePacket(packet.header)} goes nowhere.`,
      });
      return;
    }
    this.receiveFromWire(home.host, home.iface, packet);
  }

  /** engine-model.md steps 12–13. */
  private receiveFromWire(host: Host, iface: number, packet: Packet): void {
    const reason = checkGuestReceive(host, iface, packet.header);
    if (reason !== null) {
      this.drop(packet, reason);
      return;
    }
    if (host.firewall !== null && !this.passFirewall(host, packet, 'Inbound')) return;
    this.deliverTransport(host, packet);
  }

  /**
   * NSGs (engine-model.md steps 3 and 10): outbound NIC then subnet, inbound subnet then NIC.
   * Stateful per NIC: a packet of a flow already allowed, either way, passes without
   * re-evaluation ("replies of an allowed flow pass both ways, and a changed rule affects new
   * flows only").
   */
  private passNsgs(n: number, direction: 'Inbound' | 'Outbound', packet: Packet): boolean {
    const nic = this.nicAt(n);
    const subnet = this.input.subnets[nic.subnet];
    const subnetLayer = subnet === undefined || subnet.nsg === null ? null : { nsg: subnet.nsg, on: subnet.id };
    const nicLayer = nic.nsg === null ? null : { nsg: nic.nsg, on: nic.id };
    const ordered = direction === 'Inbound' ? [subnetLayer, nicLayer] : [nicLayer, subnetLayer];
    const layers = ordered.filter((x): x is { nsg: number; on: string } => x !== null);
    if (layers.length === 0) return true;
    const h = packet.header;
    const fwd = `${n}|${tupleKey(h)}`;
    if (this.nsgFlows.has(fwd) || this.nsgFlows.has(`${n}|${reverseTupleKey(h)}`)) {
      this.trace('hop', nic.id, packet, {
        decision: { kind: 'nsgFlow', attachedTo: nic.id, note: 'packet of a flow the NSGs already allowed' },
      });
      return true;
    }
    for (const layer of layers) {
      const nsg = this.input.nsgs[layer.nsg];
      if (nsg === undefined) continue;
      const v = evaluateNsg(this.tags, nsg.rules, direction, h);
      const decision: Decision = {
        kind: 'securityRule',
        nsg: nsg.name,
        attachedTo: layer.on,
        direction,
        rule: v.rule.name,
        priority: v.rule.priority,
        access: v.access,
      };
      if (v.access === 'Deny') {
        this.drop(
          packet,
          {
            code: 'NSG_DENY',
            at: nsg.id,
            rule: { kind: 'securityRule', name: v.rule.name, direction },
            detail: `${nsg.name} (on ${layer.on}) denies ${describePacket(h)} by ${v.isDefault ? 'default ' : ''}rule ${v.rule.name} (priority ${v.rule.priority}, ${direction.toLowerCase()}).`,
          },
          decision,
        );
        return false;
      }
      this.trace('hop', nsg.id, packet, { decision });
    }
    this.nsgFlows.add(fwd);
    return true;
  }

  // ---------------------------------------------------------------- load balancer (steps 6–9)

  private isMemberUp(l: number, rule: LbRuleIn, nic: number): boolean {
    // Assumption: a rule without a probe treats every member as up.
    if (rule.probe === null) return true;
    const m = this.probeByKey.get(`${l}|${rule.probe}`)?.byNic.get(nic);
    return m === undefined || m.state === 'up';
  }

  private candidatesFor(l: number, rule: LbRuleIn): { members: number[]; allDownIsUp: boolean } {
    const lb = this.lbAt(l);
    const pool = lb.pools[rule.pool]?.members ?? [];
    const up = pool.filter((nic) => this.isMemberUp(l, rule, nic));
    if (up.length > 0 || rule.probe === null) return { members: up, allDownIsUp: false };
    // engine-model.md step 8: `noHealthyBackendsBehavior: AllProbedUp` chooses among all members.
    const probe = lb.probes[rule.probe];
    if (probe?.noHealthyBackendsBehavior === 'AllProbedUp') return { members: [...pool], allDownIsUp: true };
    return { members: [], allDownIsUp: false };
  }

  private countFlow(lb: LoadBalancerIn, ruleName: string, members: readonly number[], chosen: number): void {
    const key = `${lb.name}/${ruleName}`;
    let counts = this.distribution.get(key);
    if (counts === undefined) {
      counts = new Map();
      for (const m of members) counts.set(this.nicAt(m).name, 0);
      this.distribution.set(key, counts);
    }
    const name = this.nicAt(chosen).name;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }

  private arriveAtFrontend(l: number, f: number, packet: Packet): void {
    const lb = this.lbAt(l);
    const fe = lb.frontends[f];
    if (fe === undefined) throw new Error(`no frontend ${f} on ${lb.name}`);
    const h = packet.header;
    this.trace('hop', fe.id, packet);
    if (h.protocol === 'Icmp') {
      this.answerIcmpAtFrontend(l, f, packet);
      return;
    }
    const key = flowKey(l, f, h);
    let flow = this.lbFlows.get(key);
    let decision: Decision | null = null;
    if (flow !== undefined && h.protocol === 'Udp') {
      // engine-model.md step 7: UDP flows move to a healthy member.
      const rule = lb.rules.find((r) => r.name === flow?.ruleName);
      if (rule !== undefined && !this.isMemberUp(l, rule, flow.nic)) flow = undefined;
    }
    if (flow !== undefined) {
      decision = { kind: 'lbFlow', rule: flow.ruleName, member: this.nicAt(flow.nic).name };
    } else {
      // engine-model.md step 7 (assumption): the platform creates flow state only on a SYN.
      if (h.protocol === 'Tcp' && !isSyn(h)) {
        this.drop(packet, {
          code: 'LB_NO_FLOW',
          at: lb.id,
          rule: null,
          detail: `${lb.name} has no flow for ${describePacket(h)}; only a SYN creates one.`,
        });
        return;
      }
      const match = matchFrontendRule(lb, f, h);
      if (match === null) {
        this.drop(packet, {
          code: 'LB_NO_RULE',
          at: fe.id,
          rule: null,
          detail: `No load-balancing or inbound NAT rule of ${lb.name} covers ${h.protocol} port ${h.dstPort} on frontend ${fe.name}, so ${describePacket(h)} is dropped.`,
        });
        return;
      }
      if (match.kind === 'nat') {
        const r = match.rule;
        // engine-model.md step 6: an inbound NAT rule has no probe and always goes to its NIC.
        flow = { nic: r.nic, ruleName: r.name, floatingIp: r.enableFloatingIP, backendPort: r.backendPort };
        decision = {
          kind: 'inboundNatRule',
          rule: r.name,
          distribution: 'none',
          hashInputs: [],
          hash: null,
          candidates: [this.nicAt(r.nic).name],
          chosen: this.nicAt(r.nic).name,
          floatingIp: r.enableFloatingIP,
        };
        this.countFlow(lb, r.name, [r.nic], r.nic);
      } else {
        const r = match.rule;
        const { members } = this.candidatesFor(l, r);
        const choice = pickBackend(this.options.seed, r.loadDistribution, h, members);
        if (choice === null) {
          this.drop(packet, {
            code: 'LB_NO_HEALTHY_BACKEND',
            at: lb.id,
            rule: { kind: 'loadBalancingRule', name: r.name, direction: 'Inbound' },
            detail: `Every member of ${lb.pools[r.pool]?.name ?? 'the pool'} is probed down, so ${lb.name} answers no new ${describePacket(h)} on rule ${r.name}.`,
          });
          return;
        }
        flow = { nic: choice.nic, ruleName: r.name, floatingIp: r.enableFloatingIP, backendPort: r.backendPort };
        decision = {
          kind: 'loadBalancingRule',
          rule: r.name,
          distribution: r.loadDistribution,
          hashInputs: choice.inputs,
          hash: choice.hash,
          candidates: members.map((m) => this.nicAt(m).name),
          chosen: this.nicAt(choice.nic).name,
          floatingIp: r.enableFloatingIP,
        };
        this.countFlow(lb, r.name, lb.pools[r.pool]?.members ?? [], choice.nic);
      }
      this.lbFlows.set(key, flow);
      const conn = this.connById.get(packet.conn);
      if (conn !== undefined && conn.backend === null) conn.backend = this.nicAt(flow.nic).name;
    }
    const member = this.nicAt(flow.nic);
    const before = h;
    const to = rewriteForMember(h, flow.floatingIp, member.address, flow.backendPort);
    packet.header = rewriteHeader(h, to);
    packet.viaFrontend = { lb: l, frontend: f };
    if (to.dst !== before.dst || to.dstPort !== before.dstPort) {
      // The member's host will put the frontend back as the source of replies (step 15).
      this.reverseNat.set(`${flow.nic}|${reverseTupleKey(packet.header)}`, {
        address: before.dst,
        port: before.dstPort,
        rule: flow.ruleName,
      });
      this.trace('rewrite', lb.id, packet, { before, decision });
    } else {
      this.trace('hop', lb.id, packet, { decision });
    }
    this.arriveLater(LATENCY_US.fabric, packet, { kind: 'nic', nic: flow.nic });
  }

  /**
   * engine-model.md step 6: ICMP to a frontend is not forwarded. A Standard public frontend
   * answers a ping itself while a rule on it has a healthy member (Azure's frontend-reachability
   * doc, 2024); internal and Basic frontends never answer (seeds/002 limitations: no ICMP).
   */
  private answerIcmpAtFrontend(l: number, f: number, packet: Packet): void {
    const lb = this.lbAt(l);
    const fe = lb.frontends[f];
    const h = packet.header;
    const healthy = lb.rules.some(
      (r) => r.frontend === f && (lb.pools[r.pool]?.members ?? []).some((nic) => this.isMemberUp(l, r, nic)),
    );
    if (lb.sku === 'Standard' && fe?.isPublic === true && healthy && h.icmp === 'echo-request') {
      this.trace('deliver', fe.id, packet);
      const reply = this.newPacket(replyHeader(h, { icmp: 'echo-reply' }), packet.conn, packet.probe);
      this.trace('send', fe.id, reply);
      this.forwardInFabric(reply, fe.id);
      return;
    }
    this.drop(packet, {
      code: 'LB_PROTOCOL_UNSUPPORTED',
      at: fe?.id ?? lb.id,
      rule: null,
      detail: `${lb.name} forwards only TCP and UDP: ${describePacket(h)} to frontend ${fe?.name ?? ''} is not forwarded${lb.sku === 'Standard' && fe?.isPublic === true ? ' and no rule on it has a healthy member to make the frontend answer' : ', and an internal or Basic frontend never answers a ping'}.`,
    });
  }

  // ---------------------------------------------------------------- transport (step 14)

  private deliverTransport(host: Host, packet: Packet): void {
    switch (packet.header.protocol) {
      case 'Tcp':
        this.deliverTcp(host, packet);
        return;
      case 'Udp':
        this.deliverUdp(host, packet);
        return;
      case 'Icmp':
        this.deliverIcmp(host, packet);
        return;
    }
  }

  private findListener(host: Host, protocol: 'Tcp' | 'Udp', address: number, port: number) {
    let wildcard = null;
    for (const l of host.listeners) {
      if (l.protocol !== protocol || l.port !== port) continue;
      if (l.address === address) return l;
      if (l.address === 0) wildcard ??= l;
    }
    return wildcard;
  }

  private setState(host: Host, sock: Socket, next: TcpState): void {
    if (sock.state === next) return;
    this.trace('state', host.id, null, {
      connection: sock.conn,
      state: { from: sock.state, to: next },
      decision: {
        kind: 'socket',
        local: formatEndpoint(sock.local.address, sock.local.port),
        remote: formatEndpoint(sock.remote.address, sock.remote.port),
        state: next,
      },
    });
    sock.state = next;
  }

  private sendSegment(
    host: Host,
    sock: Socket,
    flags: number,
    http: Header['http'] = null,
    decision: Decision | null = null,
  ) {
    const header = makeHeader({
      protocol: 'Tcp',
      src: sock.local.address,
      srcPort: sock.local.port,
      dst: sock.remote.address,
      dstPort: sock.remote.port,
      flags,
      http,
    });
    this.sendFromHost(host, header, sock.conn, sock.probe, decision);
  }

  private removeSocket(host: Host, sock: Socket): void {
    const key = socketKey(sock.protocol, sock.local.address, sock.local.port, sock.remote.address, sock.remote.port);
    if (host.sockets.get(key) === sock) host.sockets.delete(key);
  }

  private deliverTcp(host: Host, packet: Packet): void {
    const h = packet.header;
    const sock = host.sockets.get(socketKey('Tcp', h.dst, h.dstPort, h.src, h.srcPort));
    if (sock !== undefined) {
      this.trace('deliver', host.id, packet, {
        decision: {
          kind: 'socket',
          local: formatEndpoint(sock.local.address, sock.local.port),
          remote: formatEndpoint(sock.remote.address, sock.remote.port),
          state: sock.state,
        },
      });
      this.onSegment(host, sock, packet);
      return;
    }
    if (isSyn(h)) {
      const listener = this.findListener(host, 'Tcp', h.dst, h.dstPort);
      if (listener !== null) {
        // RFC 9293 §3.10.7.2 (LISTEN): a SYN creates a connection in SYN-RECEIVED, answered SYN-ACK.
        this.trace('deliver', host.id, packet, {
          decision: {
            kind: 'listener',
            listener: listener.name,
            address: formatIpv4(listener.address),
            port: listener.port,
          },
        });
        const child: Socket = {
          protocol: 'Tcp',
          local: { address: h.dst, port: h.dstPort },
          remote: { address: h.src, port: h.srcPort },
          state: 'LISTEN',
          conn: packet.conn,
          probe: packet.probe,
          app: { kind: 'server', listener },
          pending: null,
        };
        host.sockets.set(socketKey('Tcp', h.dst, h.dstPort, h.src, h.srcPort), child);
        this.setState(host, child, 'SYN-RECEIVED');
        this.sendSegment(host, child, SYN | ACK);
        return;
      }
      // engine-model.md step 14: no listener, the guest answers RST (RFC 9293 §3.10.7.1).
      this.drop(packet, {
        code: 'TCP_NO_LISTENER',
        at: host.id,
        rule: null,
        detail: `Nothing on ${host.name} listens on TCP ${formatEndpoint(h.dst, h.dstPort)}, so it answers the SYN from ${formatEndpoint(h.src, h.srcPort)} with a RST.`,
      });
      this.sendReset(host, packet);
      return;
    }
    if (hasFlag(h, RST)) {
      // RFC 9293 §3.10.7.1: a RST for no connection is discarded.
      this.trace('deliver', host.id, packet);
      return;
    }
    if (isSynAck(h)) {
      // engine-model.md step 14: a SYN-ACK that matches no connecting socket is answered with RST
      // (RFC 9293 §3.10.7.1) and the connecting socket keeps waiting. On Windows this is the
      // inferred end of the hairpin (seeds/003 §1.1: the SYN arrives, no SYN-ACK on the wire).
      let expected: string | null = null;
      for (const s of host.sockets.values()) {
        if (s.state === 'SYN-SENT' && s.local.address === h.dst && s.local.port === h.dstPort) {
          expected = formatEndpoint(s.remote.address, s.remote.port);
        }
      }
      // The socket that was waiting, for the UI's mismatch mark: expected 4-tuple beside the arrived one.
      const waiting: Decision | null =
        expected === null
          ? null
          : { kind: 'socket', local: formatEndpoint(h.dst, h.dstPort), remote: expected, state: 'SYN-SENT' };
      this.drop(
        packet,
        {
          code: 'TCP_SYNACK_MISMATCH',
          at: host.id,
          rule: null,
          detail:
            `SYN-ACK from ${formatEndpoint(h.src, h.srcPort)} matches no connecting socket` +
            (expected === null
              ? ` on ${host.name}, which answers it with a RST.`
              : `; ${host.name} expected ${expected}, answers it with a RST and keeps waiting.`),
        },
        waiting,
      );
      this.sendReset(host, packet);
      return;
    }
    // RFC 9293 §3.10.7.1: any other segment for no connection is answered with RST.
    this.drop(packet, {
      code: 'TCP_RESET',
      at: host.id,
      rule: null,
      detail: `${describePacket(h)} matches no connection on ${host.name}, which answers it with a RST.`,
    });
    this.sendReset(host, packet);
  }

  private sendReset(host: Host, packet: Packet): void {
    const flags = replyInClosedState(packet.header.flags);
    if (flags === null) return;
    this.sendFromHost(host, replyHeader(packet.header, { flags }), packet.conn, packet.probe);
  }

  private onSegment(host: Host, sock: Socket, packet: Packet): void {
    const h = packet.header;
    const tr = receiveSegment(sock.state, h.flags, h.http !== null);
    const app = sock.app;
    if (tr.effect === 'finReceived' && app.kind === 'server') {
      // The server application closes at once: one FIN-ACK answers the client's FIN
      // (assumption: CLOSE-WAIT lasts no time), and the socket waits in LAST-ACK.
      this.setState(host, sock, 'CLOSE-WAIT');
      this.setState(host, sock, 'LAST-ACK');
      this.sendSegment(host, sock, FIN | ACK);
      return;
    }
    this.setState(host, sock, tr.next);
    if (tr.reply !== null) this.sendSegment(host, sock, tr.reply);
    switch (tr.effect) {
      case 'established':
        if (app.kind === 'client') this.onClientEstablished(host, sock, app.conn);
        if (app.kind === 'server' && h.http !== null) this.onServerData(host, sock, h);
        return;
      case 'reset':
        this.removeSocket(host, sock);
        if (app.kind === 'client') this.onClientReset(app.conn, host, packet);
        return;
      case 'backToListen':
        this.removeSocket(host, sock);
        return;
      case 'data':
        if (app.kind === 'server') this.onServerData(host, sock, h);
        if (app.kind === 'client') this.onClientData(host, sock, app.conn, h);
        return;
      case 'acked':
        if (app.kind === 'client') this.onClientAcked(app.conn);
        return;
      case 'closed':
        this.removeSocket(host, sock);
        if (app.kind === 'client') this.finish(this.connAt(app.conn));
        return;
      case 'finReceived':
      case 'none':
        return;
    }
  }

  private deliverUdp(host: Host, packet: Packet): void {
    const h = packet.header;
    const sock = host.sockets.get(socketKey('Udp', h.dst, h.dstPort, h.src, h.srcPort));
    if (sock !== undefined && sock.app.kind === 'client') {
      this.trace('deliver', host.id, packet, {
        decision: {
          kind: 'socket',
          local: formatEndpoint(sock.local.address, sock.local.port),
          remote: formatEndpoint(sock.remote.address, sock.remote.port),
          state: 'UDP',
        },
      });
      this.onAnswered(this.connAt(sock.app.conn), host, sock);
      return;
    }
    const listener = this.findListener(host, 'Udp', h.dst, h.dstPort);
    if (listener === null) {
      this.drop(packet, {
        code: 'UDP_NO_LISTENER',
        at: host.id,
        rule: null,
        detail: `Nothing on ${host.name} listens on UDP ${formatEndpoint(h.dst, h.dstPort)}, so the datagram from ${formatEndpoint(h.src, h.srcPort)} goes unanswered.`,
      });
      return;
    }
    this.trace('deliver', host.id, packet, {
      decision: {
        kind: 'listener',
        listener: listener.name,
        address: formatIpv4(listener.address),
        port: listener.port,
      },
    });
    // engine-model.md step 14: a UDP listener answers a datagram with one datagram.
    this.sendFromHost(host, replyHeader(h, {}), packet.conn, packet.probe);
  }

  private deliverIcmp(host: Host, packet: Packet): void {
    const h = packet.header;
    if (h.icmp === 'echo-request') {
      // Assumption: every guest answers an echo request that its firewall lets in.
      this.trace('deliver', host.id, packet);
      this.sendFromHost(host, replyHeader(h, { icmp: 'echo-reply' }), packet.conn, packet.probe);
      return;
    }
    const sock = host.sockets.get(socketKey('Icmp', h.dst, 0, h.src, 0));
    this.trace('deliver', host.id, packet);
    if (sock !== undefined && sock.app.kind === 'client') this.onAnswered(this.connAt(sock.app.conn), host, sock);
  }

  // ---------------------------------------------------------------- traffic (the client side)

  private connAt(n: number): Conn {
    const conn = this.conns[n];
    if (conn === undefined) throw new Error(`no connection ${n}`);
    return conn;
  }

  private hostFor(t: TrafficIn, index: number): Host {
    if (t.source.kind === 'vm') {
      const host = this.vmHosts[t.source.vm];
      if (host === undefined) throw new Error(`no VM ${t.source.vm}`);
      return host;
    }
    const client = this.input.clients[t.source.client];
    const count = client?.count ?? 1;
    // scenario-format.md "Clients": a client with `count` spreads its connections over its hosts.
    return this.clientHost(t.source.client, index % count);
  }

  private openConnection(conn: Conn): void {
    const t = conn.traffic;
    const host = this.hostFor(t, conn.index);
    conn.host = host;
    if (!host.running) {
      conn.outcome = t.protocol === 'Tcp' ? 'timeout' : 'unanswered';
      conn.reason = {
        code: 'VM_STOPPED',
        at: host.id,
        rule: null,
        detail: `${host.name} is stopped and opens no connection.`,
      };
      this.finish(conn);
      return;
    }
    const src = chooseSourceAddress(host, t.destination);
    const port = t.protocol === 'Icmp' ? 0 : (t.sourcePort ?? this.allocatePort(host, t.protocol));
    host.usedPorts.add(`${t.protocol}|${port}`);
    conn.source = { address: src, port };
    const sock: Socket = {
      protocol: t.protocol === 'Icmp' ? 'Tcp' : t.protocol,
      local: { address: src, port },
      remote: { address: t.destination, port: t.destinationPort },
      state: 'CLOSED',
      conn: conn.id,
      probe: false,
      app: { kind: 'client', conn: conn.n },
      pending: null,
    };
    conn.socket = sock;
    host.sockets.set(socketKey(t.protocol, src, port, t.destination, t.destinationPort), sock);
    if (t.protocol === 'Tcp') {
      this.setState(host, sock, 'SYN-SENT');
      conn.firstSynUs = this.now;
      this.sendSegment(host, sock, SYN);
      const sched = synSchedule(host.os, host.tcpSynLinearTimeouts);
      sched.retransmitAtUs.forEach((at, i) => {
        conn.timers.push(
          this.schedule(this.now + at, PHASE.packet, { type: 'synTimer', conn, attempt: i + 1, final: false }, false),
        );
      });
      conn.timers.push(
        this.schedule(
          this.now + sched.failAtUs,
          PHASE.packet,
          { type: 'synTimer', conn, attempt: sched.retransmitAtUs.length + 1, final: true },
          false,
        ),
      );
      return;
    }
    const header =
      t.protocol === 'Udp'
        ? makeHeader({ protocol: 'Udp', src, srcPort: port, dst: t.destination, dstPort: t.destinationPort })
        : makeHeader({ protocol: 'Icmp', src, dst: t.destination, icmp: 'echo-request' });
    this.sendFromHost(host, header, conn.id, false);
    conn.timers.push(this.schedule(this.now + ANSWER_WAIT_US, PHASE.packet, { type: 'answerDeadline', conn }, false));
  }

  private onSynTimer(conn: Conn, attempt: number, final: boolean): void {
    const host = conn.host;
    const sock = conn.socket;
    if (conn.done || host === null || sock === null || sock.state !== 'SYN-SENT') return;
    if (final) {
      this.setState(host, sock, 'CLOSED');
      this.removeSocket(host, sock);
      conn.outcome = 'timeout';
      conn.reason = conn.doom ?? {
        code: 'TCP_TIMEOUT',
        at: host.id,
        rule: null,
        detail: `${host.name} got no answer to ${attempt} SYNs to ${formatEndpoint(sock.remote.address, sock.remote.port)} and gave up.`,
      };
      this.finish(conn);
      return;
    }
    this.sendSegment(host, sock, SYN, null, { kind: 'retransmission', attempt });
  }

  private onClientEstablished(host: Host, sock: Socket, n: number): void {
    const conn = this.connAt(n);
    for (const timer of conn.timers) this.cancel(timer);
    conn.timers = [];
    conn.outcome = 'established';
    conn.doom = null;
    conn.establishedUs = this.now;
    conn.handshakeUs = this.now - (conn.firstSynUs ?? this.now);
    const path = conn.traffic.http;
    if (path !== null) {
      conn.awaitingResponse = true;
      this.sendData(conn, host, sock, PSH | ACK, path);
      return;
    }
    this.scheduleClose(conn);
  }

  /** Sends data (or a FIN) and arms its retransmissions (engine-model.md "Time and TCP"). */
  private sendData(conn: Conn, host: Host, sock: Socket, flags: number, request: string | null): void {
    const id = ++conn.pendingId;
    sock.pending = { flags, request, id };
    this.sendSegment(host, sock, flags, request === null ? null : { kind: 'request', method: 'GET', path: request });
    const sched = dataSchedule(host.os);
    sched.retransmitAtUs.forEach((at, i) => {
      conn.timers.push(
        this.schedule(
          this.now + at,
          PHASE.packet,
          { type: 'dataTimer', conn, pendingId: id, attempt: i + 1, final: false },
          false,
        ),
      );
    });
    conn.timers.push(
      this.schedule(
        this.now + sched.failAtUs,
        PHASE.packet,
        { type: 'dataTimer', conn, pendingId: id, attempt: 0, final: true },
        false,
      ),
    );
  }

  private clearPending(conn: Conn): void {
    if (conn.socket !== null) conn.socket.pending = null;
    for (const timer of conn.timers) this.cancel(timer);
    conn.timers = [];
  }

  private onDataTimer(conn: Conn, pendingId: number, final: boolean): void {
    const host = conn.host;
    const sock = conn.socket;
    if (conn.done || host === null || sock === null || sock.pending?.id !== pendingId) return;
    if (final) {
      this.removeSocket(host, sock);
      conn.closed ??= {
        atUs: this.now,
        by: 'timeout',
        reason: conn.doom ?? {
          code: 'TCP_TIMEOUT',
          at: host.id,
          rule: null,
          detail: `${host.name} retransmitted its data to ${formatEndpoint(sock.remote.address, sock.remote.port)} without an acknowledgment and gave up.`,
        },
      };
      this.finish(conn);
      return;
    }
    const p = sock.pending;
    this.sendSegment(
      host,
      sock,
      p.flags,
      p.request === null ? null : { kind: 'request', method: 'GET', path: p.request },
      { kind: 'retransmission', attempt: 0 },
    );
  }

  private scheduleClose(conn: Conn): void {
    const at = (conn.establishedUs ?? this.now) + conn.traffic.durationUs;
    if (at <= this.now) {
      this.closeClient(conn);
      return;
    }
    conn.timers.push(this.schedule(at, PHASE.traffic, { type: 'close', conn }, false));
  }

  /** The client closes at the end of its `duration` (scenario-format.md "traffic"). */
  private closeClient(conn: Conn): void {
    const host = conn.host;
    const sock = conn.socket;
    if (conn.done || host === null || sock === null || sock.state !== 'ESTABLISHED' || conn.awaitingResponse) return;
    conn.closed = { atUs: this.now, by: 'client', reason: null };
    this.setState(host, sock, 'FIN-WAIT-1');
    this.sendData(conn, host, sock, FIN | ACK, null);
  }

  private onClientData(host: Host, sock: Socket, n: number, h: Header): void {
    const conn = this.connAt(n);
    if (h.http?.kind === 'response' && conn.awaitingResponse) {
      conn.http = { path: conn.traffic.http ?? '/', status: h.http.status };
      conn.awaitingResponse = false;
      this.clearPending(conn);
      this.sendSegment(host, sock, ACK);
      this.scheduleClose(conn);
    }
  }

  private onClientAcked(n: number): void {
    const conn = this.connAt(n);
    const wasAwaiting = conn.awaitingResponse;
    this.clearPending(conn);
    if (wasAwaiting) {
      // scenario-format.md "Defaults": a listener without an `http` map speaks TCP only and a GET
      // gets no HTTP answer. Assumption: the client gives up on HTTP once its request is
      // acknowledged without an answer, and closes as it would after an answer.
      conn.awaitingResponse = false;
      this.scheduleClose(conn);
    }
  }

  private onClientReset(n: number, host: Host, packet: Packet): void {
    const conn = this.connAt(n);
    const reason = conn.doom ?? {
      code: 'TCP_RESET',
      at: host.id,
      rule: null,
      detail: `${host.name} received a RST from ${formatEndpoint(packet.header.src, packet.header.srcPort)}.`,
    };
    if (conn.outcome === 'established') {
      conn.closed ??= { atUs: this.now, by: 'reset', reason };
    } else {
      conn.outcome = 'reset';
      conn.reason = reason;
    }
    this.finish(conn);
  }

  private onServerData(host: Host, sock: Socket, h: Header): void {
    if (sock.app.kind !== 'server' || h.http?.kind !== 'request') return;
    const map = sock.app.listener.http;
    if (map === null) {
      // No `http` map: the listener speaks TCP only (scenario-format.md "Defaults"): ACK, no answer.
      this.sendSegment(host, sock, ACK);
      return;
    }
    const path = h.http.path;
    const status = Object.hasOwn(map, path) ? (map[path] ?? 404) : 404;
    this.sendSegment(host, sock, PSH | ACK, { kind: 'response', status });
  }

  private onAnswered(conn: Conn, host: Host, sock: Socket): void {
    if (conn.done) return;
    conn.outcome = 'answered';
    this.removeSocket(host, sock);
    this.finish(conn);
  }

  private onAnswerDeadline(conn: Conn): void {
    if (conn.done) return;
    const host = conn.host;
    conn.outcome = 'unanswered';
    conn.reason = conn.doom ?? {
      code: 'NO_ANSWER',
      at: host?.id ?? `client:${conn.traffic.from}`,
      rule: null,
      detail: `No answer reached ${host?.name ?? conn.traffic.from} within ${ANSWER_WAIT_US / 1_000_000} s.`,
    };
    if (host !== null && conn.socket !== null) this.removeSocket(host, conn.socket);
    this.finish(conn);
  }

  private finish(conn: Conn): void {
    if (conn.done) return;
    conn.done = true;
    this.openConns--;
    for (const timer of conn.timers) this.cancel(timer);
    conn.timers = [];
    if (conn.host !== null && conn.source !== null) {
      conn.host.usedPorts.delete(`${conn.traffic.protocol}|${conn.source.port}`);
    }
  }

  // ---------------------------------------------------------------- probes

  private runProbeRound(rt: ProbeRuntime): void {
    for (const m of rt.members) this.startProbeAttempt(rt, m);
    // engine-model.md "Time and TCP": every probe fires at 0, interval, 2 × interval ... (assumption).
    if (this.mode === 'run')
      this.schedule(this.now + rt.probe.intervalUs, PHASE.probe, { type: 'probeRound', rt }, true);
  }

  private startProbeAttempt(rt: ProbeRuntime, m: MemberHealth): void {
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
      makeHeader({
        protocol: 'Tcp',
        src: AZURE_LB_ADDRESS,
        srcPort: port,
        dst: nic.address,
        dstPort: rt.probe.port,
        flags: SYN,
      }),
    );
    this.schedule(this.now + probeTimeoutUs(rt.probe), PHASE.probe, { type: 'probeDeadline', attempt }, true);
  }

  private newAttempt(rt: ProbeRuntime, m: MemberHealth, conn: string, port: number, address: number): ProbeAttempt {
    const attempt: ProbeAttempt = {
      conn,
      rt,
      member: m,
      port,
      memberAddress: address,
      done: false,
      established: false,
      doom: null,
      verdict: null,
    };
    this.attempts.push(attempt);
    this.attemptByConn.set(conn, attempt);
    return attempt;
  }

  private sendFromPlatform(attempt: ProbeAttempt, header: Header): void {
    const packet = this.newPacket(header, attempt.conn, true);
    this.trace('send', attempt.rt.probe.id, packet);
    this.arriveLater(LATENCY_US.platform, packet, { kind: 'nic', nic: attempt.member.nic });
  }

  private arriveAtPlatform(packet: Packet): void {
    const h = packet.header;
    const attempt = this.attemptByPort.get(h.dstPort);
    if (attempt === undefined || attempt.done || h.src !== attempt.memberAddress || h.protocol !== 'Tcp') {
      this.trace('deliver', 'probe:platform', packet);
      return;
    }
    const probe = attempt.rt.probe;
    this.trace('deliver', probe.id, packet);
    const reply = (flags: number, http: Header['http'] = null) =>
      this.sendFromPlatform(attempt, replyHeader(h, { flags, http }));
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
      reply(ACK);
      if (probe.protocol === 'Tcp') {
        // seeds/004 "TCP custom probe": success is a completed three-way handshake. Assumption:
        // the probe then closes the connection with a RST.
        reply(RST);
        this.finishAttempt(attempt, { ok: true, reason: null, code: 'Up_Probe_Success' });
        return;
      }
      // Assumption: HTTPS is modelled as HTTP (TLS is not simulated).
      reply(PSH | ACK, { kind: 'request', method: 'GET', path: probe.requestPath });
      return;
    }
    if (h.http?.kind === 'response') {
      reply(RST);
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
      return;
    }
  }

  private onProbeDeadline(attempt: ProbeAttempt): void {
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

  private finishAttempt(attempt: ProbeAttempt, verdict: ProbeVerdict): void {
    attempt.done = true;
    attempt.verdict = verdict;
    if (this.attemptByPort.get(attempt.port) === attempt) this.attemptByPort.delete(attempt.port);
    this.attemptByConn.delete(attempt.conn);
    if (this.mode !== 'run') return;
    const m = attempt.member;
    const changed = applyVerdict(attempt.rt.probe, m, verdict, this.now);
    this.trace('state', attempt.rt.probe.id, null, {
      connection: attempt.conn,
      reason: verdict.reason,
      decision: {
        kind: 'probe',
        probe: attempt.rt.probe.name,
        member: m.name,
        result: `${verdict.ok ? 'success' : 'failure'}${changed ? `; member now ${m.state}` : ''}`,
      },
    });
  }

  // ---------------------------------------------------------------- result

  private buildResult(endUs: number): SimulationResult {
    const connections: ConnectionResult[] = this.conns.map((c) => {
      const t = c.traffic;
      const src = c.source;
      return {
        traffic: t.name,
        index: c.index,
        protocol: t.protocol,
        from: t.from,
        source:
          src === null ? null : t.protocol === 'Icmp' ? formatIpv4(src.address) : formatEndpoint(src.address, src.port),
        destination:
          t.protocol === 'Icmp' ? formatIpv4(t.destination) : formatEndpoint(t.destination, t.destinationPort),
        outcome: c.outcome,
        backend: c.backend,
        reason:
          c.outcome === 'established' || c.outcome === 'answered'
            ? null
            : (c.reason ?? (c.outcome === 'pending' ? null : c.doom)),
        handshakeMs: c.handshakeUs === null ? null : microsToMillis(c.handshakeUs),
        http: c.http,
        closed:
          c.outcome === 'established' && c.closed !== null
            ? { at: microsToSeconds(c.closed.atUs), by: c.closed.by, reason: c.closed.reason }
            : null,
      };
    });
    const probes: ProbeResult[] = [];
    for (const rt of this.probes) {
      for (const m of rt.members) {
        probes.push({
          loadBalancer: rt.lbName,
          probe: rt.probe.name,
          member: m.name,
          state: m.state,
          healthStatus: healthStatusOf(rt, m),
          transitions: m.transitions.map((tr) => ({ at: microsToSeconds(tr.at), state: tr.state })),
          lastFailure: m.lastFailure,
        });
      }
    }
    const distribution: Record<string, Record<string, number>> = {};
    for (const lb of this.input.loadBalancers) {
      for (const r of [...lb.rules, ...lb.natRules]) {
        const counts = this.distribution.get(`${lb.name}/${r.name}`);
        if (counts === undefined) continue;
        const row: Record<string, number> = {};
        for (const [member, count] of counts) row[member] = count;
        distribution[`${lb.name}/${r.name}`] = row;
      }
    }
    const result: SimulationResult = {
      format: 'hairpin-result',
      version: 1,
      seed: this.options.seed,
      simulatedSeconds: microsToSeconds(endUs),
      warnings: [],
      connections,
      probes,
      distribution,
      ...(this.tracer.enabled ? { events: this.tracer.events } : {}),
    };
    return result;
  }
}
