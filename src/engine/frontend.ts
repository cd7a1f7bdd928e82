/**
 * frontend: the load balancer (engine-model.md steps 6–9): a packet at a frontend finds its flow
 * or a rule, a new flow hashes its tuple over the members up (probe states, `AllProbedUp`), and the
 * packet is DNATed to the member (or kept, floating IP) with a reverse-NAT entry at the member's
 * host; ICMP is answered or dropped; idle timeouts, the RST of `enableTcpReset`, and the flows a
 * member going down ends (Basic: TCP too).
 *
 * Inputs: packets arriving at a frontend; idle checks; members going down (its `Health`, which
 *   it owns); a VM stopping (`forgetFlowsTo`).
 * Outputs: `Frontend`, the stage object: the packet scheduled at the member's NIC, a flow-table
 *   entry per flow owned by the packet's owner, the `distribution` counts per rule and member
 *   (`flowCounts`), drops with a `Reason`; a reference run's decision to the fast path's
 *   `PathObserver`. It reaches the rest of the run only through `FrontendPath`, and the fast path
 *   asks it through `FastPathBalancer`.
 * Invariants: the flow table is per frontend and keyed by the tuple as the client sent it; only a
 *   SYN creates a TCP flow (assumption); TCP flows stay on a member that left the pool (“Troubleshoot Azure Load Balancer”)
 *   while UDP flows move to a healthy one; the candidates depend on probe states only, so they are
 *   cached per health epoch.
 */
import { LATENCY_US } from './fabric';
import type { FastPathBalancer, PathObserver } from './fastPath';
import type { FlowTable } from './flowtable';
import { Health, type MemberDownListener, type ProbePath } from './health';
import type { EngineInput, LbRuleIn, LoadBalancerIn, NatRuleIn, NicIn } from './input';
import { hashOf, hashTuple, matchFrontendRule, pickIndex } from './lb';
import type { ProbeRuntime } from './probe';
import { PHASE } from './sched';
import {
  type Conn,
  type FlowCount,
  type FrontendRef,
  idlesOut,
  type KeyedStore,
  type LbFlow,
  newLbFlow,
  type Owner,
  type ReverseNat,
  type RunMode,
  type SnatEntry,
} from './state';
import type { Decision, Reason } from './trace';
import {
  describePacket,
  isSyn,
  newHeader,
  type Packet,
  RST,
  replyHeader,
  reverseTupleKey,
  rewriteAddresses,
  tupleKey,
} from './wire';

/**
 * What the load balancer needs from the run's shared state (core.ts `Core`): the clock, queue and
 * trace, drops, ownership of flow state, and the fast path that observes reference runs. Its
 * probes (health.ts) reach the rest through the same object.
 */
export interface FrontendPath extends ProbePath {
  readonly observer: PathObserver;
  drop(packet: Packet<Owner>, reason: Reason, decision?: Decision | null): void;
  noteDoom(owner: Owner, reason: Reason): void;
  own(owner: Owner, store: KeyedStore, key: string): void;
}

/** The fabric (network.ts `Network`): a packet the load balancer sends goes on by its destination. */
export interface FrontendFabric {
  forwardInFabric(packet: Packet<Owner>, fromElement: string): void;
}

/** The applications (connections.ts `Connections`): a connection the load balancer ends. */
export interface ConnectionEnd {
  finish(conn: Conn): void;
}

export class Frontend implements MemberDownListener, FastPathBalancer {
  /** The health probes: members' states, read by the rule choice and changed by probe verdicts. */
  readonly health: Health;
  /** Keyed by the rule's element id (a `setRule` event replaces the rule object, not its row). */
  readonly flowCounts = new Map<string, FlowCount>();
  /** The members a new flow may go to, per rule, for the health epoch they were computed at. */
  private readonly candidateCache = new Map<LbRuleIn, { epoch: number; members: number[] }>();
  /** Per load balancer and frontend: what a packet that went through it records (`viaFrontend`). */
  private readonly frontendRefs: FrontendRef[][];

  /**
   * `lbs`: the load balancers as the events so far left them (the run replaces an entry per
   * event); `lbFlows`: the flow table per load balancer and frontend, which the member's host also
   * expires with its reverse NAT (network.ts `egressNic`); `reverseNat`: per NIC, the reverse NAT
   * at the member's host that this stage writes; `snatReturn`: the SNAT translations (network.ts),
   * whose replies a frontend passes on to the NIC that holds them; `fabric`: the network, which
   * forwards what it sends; `ends`: the applications, whose connections a member going down ends.
   */
  constructor(
    private readonly input: EngineInput,
    private readonly seed: number,
    runMode: RunMode,
    private readonly lbs: readonly LoadBalancerIn[],
    private readonly lbFlows: readonly (readonly FlowTable<LbFlow>[])[],
    private readonly reverseNat: readonly Map<string, ReverseNat>[],
    private readonly snatReturn: ReadonlyMap<string, SnatEntry>,
    private readonly path: FrontendPath,
    private readonly fabric: FrontendFabric,
    private readonly ends: ConnectionEnd,
  ) {
    this.health = new Health(input, seed, runMode, path, this);
    this.frontendRefs = input.loadBalancers.map((lb, lbIndex) =>
      lb.frontends.map((_, frontend) => ({ lb: lbIndex, frontend })),
    );
  }

  // ---------------------------------------------------------------- load balancer (steps 6–9)

  /** The admin states that decide among a probed rule's members, for the trace (none: no field). */
  private adminOf(lbIndex: number, rule: LbRuleIn): { admin?: string[] } {
    const states = this.input.loadBalancers[lbIndex]?.pools[rule.pool]?.adminStates ?? [];
    if (rule.probe === null || states.length === 0) return {};
    return { admin: states.map((entry) => `${this.nicAt(entry.nic).name} ${entry.state}`) };
  }

  private isMemberUp(lbIndex: number, rule: LbRuleIn, nic: number): boolean {
    return this.health.isMemberUp(lbIndex, rule, nic);
  }

  /**
   * The members a new flow may go to (engine-model.md step 8). It depends on probe states only,
   * not on the tuple, so it is cached until a member changes state.
   */
  candidatesFor(lbIndex: number, rule: LbRuleIn): number[] {
    const cached = this.candidateCache.get(rule);
    if (cached !== undefined && cached.epoch === this.health.epoch) return cached.members;
    const lb = this.lbAt(lbIndex);
    const pool = lb.pools[rule.pool]?.members ?? [];
    let members = pool.filter((nic) => this.isMemberUp(lbIndex, rule, nic));
    if (members.length === 0 && rule.probe !== null) {
      // engine-model.md step 8: `noHealthyBackendsBehavior: AllProbedUp` chooses among all members.
      const probe = lb.probes[rule.probe];
      if (probe?.noHealthyBackendsBehavior === 'AllProbedUp') members = [...pool];
    }
    this.candidateCache.set(rule, { epoch: this.health.epoch, members });
    return members;
  }

  /** Counts a new flow of `rule` to `chosen` in the distribution; returns the rule's row. */
  countFlow(lb: LoadBalancerIn, rule: LbRuleIn | NatRuleIn, members: readonly number[], chosen: number): FlowCount {
    let row = this.flowCounts.get(rule.id);
    if (row === undefined) {
      row = { key: `${lb.name}/${rule.name}`, counts: new Map() };
      for (const m of members) row.counts.set(m, 0);
      this.flowCounts.set(rule.id, row);
    }
    row.counts.set(chosen, (row.counts.get(chosen) ?? 0) + 1);
    return row;
  }

  /** The flow table of one frontend. */
  flowTable(lb: number, frontend: number): FlowTable<LbFlow> {
    return (this.lbFlows[lb] as FlowTable<LbFlow>[])[frontend] as FlowTable<LbFlow>;
  }

  arriveAtFrontend(lbIndex: number, feIndex: number, packet: Packet<Owner>): void {
    const lb = this.lbAt(lbIndex);
    const fe = lb.frontends[feIndex];
    if (fe === undefined) throw new Error(`no frontend ${feIndex} on ${lb.name}`);
    const h = packet.header;
    const owner = packet.owner;
    if (this.path.tracing) this.path.trace('hop', fe.id, packet);
    if (this.snatReturn.size > 0) {
      // A reply to a SNAT port of this frontend goes to the NIC that holds the translation, whose
      // host translates it back (engine-model.md step 15).
      const e = this.snatReturn.get(tupleKey(h));
      if (e !== undefined) {
        this.path.arriveLater(LATENCY_US.fabric, packet, this.path.nicArrival(e.nic));
        return;
      }
    }
    if (h.protocol === 'Icmp') {
      this.answerIcmpAtFrontend(lbIndex, feIndex, packet);
      return;
    }
    // The flow table is per frontend, so the packet's 5-tuple as the client sent it is the key
    // (engine-model.md step 7: "a packet of a known flow goes where the flow went before").
    const table = (this.lbFlows[lbIndex] as FlowTable<LbFlow>[])[feIndex] as FlowTable<LbFlow>;
    const key = tupleKey(h);
    let flow = table.get(key);
    let decision: Decision | null = null;
    if (flow !== undefined && h.protocol === 'Udp') {
      // engine-model.md step 7: UDP flows move to a healthy member.
      // A member that left the pool counts as gone (“Troubleshoot Azure Load Balancer” keeps TCP flows only).
      const rule = flow.rule;
      if (
        'pool' in rule &&
        (!this.isMemberUp(lbIndex, rule, flow.nic) || !lb.pools[rule.pool]?.members.includes(flow.nic))
      ) {
        table.delete(key);
        if (this.path.tracing)
          this.traceFlowEnd(flow, 'its member is probed down or left the pool: the UDP flow moves', null);
        flow = undefined;
      }
    }
    let idled = false;
    if (flow !== undefined && idlesOut(flow) && this.path.now - flow.lastSeen > flow.rule.idleTimeoutUs) {
      // engine-model.md "Idle timeout": a flow idle longer than the rule's idleTimeoutInMinutes is
      // forgotten (the RST variant has its own timer: onIdleCheck).
      table.delete(key);
      if (this.path.tracing) this.traceFlowEnd(flow, 'idle timeout', null);
      flow = undefined;
      idled = true;
    }
    if (flow !== undefined) {
      flow.lastSeen = this.path.now;
      if (flow.owner !== owner) {
        const ref = (owner as Partial<Conn>).ref;
        if (ref !== undefined && ref !== null) ref.bad = true;
        flow.owner = owner;
        this.path.own(owner, table, key);
      }
      if (this.path.tracing) decision = { kind: 'lbFlow', rule: flow.ruleName, member: this.nicAt(flow.nic).name };
    } else {
      // engine-model.md step 7 (assumption): the platform creates flow state only on a SYN.
      if (h.protocol === 'Tcp' && !isSyn(h)) {
        this.path.drop(
          packet,
          idled
            ? {
                code: 'IDLE_TIMEOUT',
                at: lb.id,
                rule: null,
                detail: `${lb.name} forgot the flow of ${describePacket(h)}: it was idle longer than the rule's idle timeout, and only a SYN creates a new one.`,
              }
            : {
                code: 'LB_NO_FLOW',
                at: lb.id,
                rule: null,
                detail: `${lb.name} has no flow for ${describePacket(h)}; only a SYN creates one.`,
              },
        );
        return;
      }
      const match = matchFrontendRule(lb, feIndex, h);
      if (match === null) {
        this.path.drop(packet, {
          code: 'LB_NO_RULE',
          at: fe.id,
          rule: null,
          detail: `No load-balancing or inbound NAT rule of ${lb.name} covers ${h.protocol} port ${h.dstPort} on frontend ${fe.name}, so ${describePacket(h)} is dropped.`,
        });
        return;
      }
      if (match.kind === 'nat') {
        const r = match.rule;
        const ref = (owner as Partial<Conn>).ref;
        if (ref !== undefined && ref !== null) ref.bad = true;
        // engine-model.md step 6: an inbound NAT rule has no probe and always goes to its NIC.
        flow = newLbFlow(lbIndex, feIndex, h, r.nic, r, owner, this.path.now);
        if (this.path.tracing) {
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
        }
        this.countFlow(lb, r, [r.nic], r.nic);
      } else {
        const r = match.rule;
        const members = this.candidatesFor(lbIndex, r);
        if (members.length === 0) {
          this.path.drop(packet, {
            code: 'LB_NO_HEALTHY_BACKEND',
            at: lb.id,
            rule: { kind: 'loadBalancingRule', name: r.name, direction: 'Inbound' },
            detail: `Every member of ${lb.pools[r.pool]?.name ?? 'the pool'} is probed down, so ${lb.name} answers no new ${describePacket(h)} on rule ${r.name}.`,
          });
          return;
        }
        // engine-model.md step 8: a seeded hash of the distribution's tuple over the candidates.
        const hash = hashOf(this.seed, r.loadDistribution, h);
        const nic = members[pickIndex(hash, members.length)] as number;
        flow = newLbFlow(lbIndex, feIndex, h, nic, r, owner, this.path.now);
        if (this.path.tracing) {
          decision = {
            kind: 'loadBalancingRule',
            rule: r.name,
            distribution: r.loadDistribution,
            hashInputs: hashTuple(this.seed, r.loadDistribution, h).inputs,
            hash,
            candidates: members.map((member) => this.nicAt(member).name),
            chosen: this.nicAt(nic).name,
            floatingIp: r.enableFloatingIP,
            ...this.adminOf(lbIndex, r),
          };
        }
        this.countFlow(lb, r, lb.pools[r.pool]?.members ?? [], nic);
        const ref = (owner as Partial<Conn>).ref;
        if (ref !== undefined && ref !== null)
          this.path.observer.referenceDecided(owner as Conn, ref, lbIndex, feIndex, r, nic, h);
      }
      table.set(key, flow);
      this.path.own(owner, table, key);
      if (flow.rule.enableTcpReset && h.protocol === 'Tcp' && !this.resetUnsupported(lbIndex, flow)) {
        flow.idleJob = this.path.schedule(this.path.now + flow.rule.idleTimeoutUs, PHASE.packet, {
          type: 'idleCheck',
          flow,
          key,
          aux: true,
          cancelled: false,
        });
      }
      const conn = owner as Partial<Conn>;
      if (!owner.done && conn.backend === null) conn.backend = this.nicAt(flow.nic).name;
    }
    const member = this.nicAt(flow.nic);
    const before = h;
    // engine-model.md step 9 (lb.ts rewriteForMember): DNAT to the member, or floating IP.
    const toDst = flow.floatingIp ? h.dst : member.address;
    const toPort = flow.backendPort === 0 ? h.dstPort : flow.backendPort;
    packet.viaFrontend = (this.frontendRefs[lbIndex] as FrontendRef[])[feIndex] as FrontendRef;
    if (toDst !== before.dst || toPort !== before.dstPort) {
      packet.header = rewriteAddresses(h, h.src, h.srcPort, toDst, toPort);
      // The member's host will put the frontend back as the source of replies (step 15).
      const nat = this.reverseNat[flow.nic] as Map<string, ReverseNat>;
      const natKey = reverseTupleKey(packet.header);
      const existing = nat.get(natKey);
      // A flow made anew for the same tuple (after an idle timeout) is the one replies now follow.
      if (
        existing === undefined ||
        existing.address !== before.dst ||
        existing.port !== before.dstPort ||
        existing.flow !== flow
      ) {
        nat.set(natKey, { address: before.dst, port: before.dstPort, rule: flow.ruleName, flow, owner });
        this.path.own(owner, nat, natKey);
      } else if (existing.owner !== owner) {
        existing.owner = owner;
        this.path.own(owner, nat, natKey);
      }
      if (this.path.tracing) this.path.trace('rewrite', lb.id, packet, { before, decision });
    } else if (this.path.tracing) {
      this.path.trace('hop', lb.id, packet, { decision });
    }
    this.path.arriveLater(LATENCY_US.fabric, packet, this.path.nicArrival(flow.nic));
  }

  /**
   * engine-model.md step 6: ICMP to a frontend is not forwarded; "ICMP ping requests are not sent
   * to the backend instances; they are handled by the Load Balancer". A Standard public frontend
   * answers as the table of expected replies says (articles/load-balancer/
   * load-balancer-test-frontend-reachability.md, ms.date 05/06/2023): "At least 1 backend instance
   * is probed UP": echo replies; "All backend instances are probed DOWN": Destination host
   * unreachable; "All backend instances turned OFF", or "No backend instances behind Load
   * Balancer/No load balancing rules associated": request timed out. Internal and Basic frontends
   * never answer (“What is Azure Load Balancer?” limitations: no ICMP; the doc tests Standard
   * public frontends only). Not modelled: its drop of echo requests larger than 64 bytes (a
   * traffic entry has no payload size).
   */
  private answerIcmpAtFrontend(lbIndex: number, feIndex: number, packet: Packet<Owner>): void {
    const lb = this.lbAt(lbIndex);
    const fe = lb.frontends[feIndex];
    const h = packet.header;
    const rules = lb.rules.filter((rule) => rule.frontend === feIndex);
    const members = rules.flatMap((rule) => (lb.pools[rule.pool]?.members ?? []).map((nic) => ({ rule, nic })));
    const healthy = members.some(({ rule, nic }) => this.isMemberUp(lbIndex, rule, nic));
    const answers = lb.sku === 'Standard' && fe?.isPublic === true && h.icmp === 'echo-request';
    if (answers && healthy) {
      if (this.path.tracing) this.path.trace('deliver', fe.id, packet);
      const reply = this.path.newPacket(replyHeader(h, { icmp: 'echo-reply' }), packet.owner);
      if (this.path.tracing) this.path.trace('send', fe.id, reply);
      this.fabric.forwardInFabric(reply, fe.id);
      return;
    }
    const turnedOff = members.every(({ nic }) => this.path.hostOfNic(nic)?.running !== true);
    if (answers && members.length > 0 && !turnedOff) {
      const reason: Reason = {
        code: 'LB_NO_HEALTHY_BACKEND',
        at: fe.id,
        rule: null,
        detail: `Every backend instance behind frontend ${fe.name} is probed down: ${lb.name} answers the ping with "Destination host unreachable".`,
      };
      this.path.noteDoom(packet.owner, reason);
      if (this.path.tracing) this.path.trace('deliver', fe.id, packet, { reason });
      const reply = this.path.newPacket(replyHeader(h, { icmp: 'dest-unreachable' }), packet.owner);
      if (this.path.tracing) this.path.trace('send', fe.id, reply, { reason });
      this.fabric.forwardInFabric(reply, fe.id);
      return;
    }
    if (answers) {
      this.path.drop(packet, {
        code: 'LB_NO_HEALTHY_BACKEND',
        at: fe.id,
        rule: null,
        detail:
          members.length === 0
            ? `Frontend ${fe.name} has no load-balancing rule with a backend instance behind it: ${lb.name} does not answer the ping (request timed out).`
            : `Every backend instance behind frontend ${fe.name} is turned off: ${lb.name} does not answer the ping (request timed out).`,
      });
      return;
    }
    this.path.drop(packet, {
      code: 'LB_PROTOCOL_UNSUPPORTED',
      at: fe?.id ?? lb.id,
      rule: null,
      detail: `${lb.name} forwards only TCP and UDP: ${describePacket(h)} to frontend ${fe?.name ?? ''} is not forwarded${lb.sku === 'Standard' && fe?.isPublic === true ? ', and the frontend answers echo requests only' : ', and an internal or Basic frontend never answers a ping'}.`,
    });
  }

  private traceFlowEnd(flow: LbFlow, why: string, reason: Reason | null): void {
    this.path.trace('state', this.lbAt(flow.lb).id, null, {
      connection: flow.owner.id,
      reason,
      decision: { kind: 'flowEnd', flow: `${flow.ruleName} → ${this.nicAt(flow.nic).name}`, why },
    });
  }

  /**
   * "TCP reset isn't supported for ILB HA ports when a network virtual appliance is in the path"
   * (articles/load-balancer/load-balancer-tcp-reset.md, ms.date 07/31/2024, Limitations): an
   * HA-ports rule (protocol All, port 0) of an internal load balancer whose member is an appliance
   * — its NIC and its guest both forward (`enableIPForwarding`, `ipForwarding`), as the engine
   * models a forwarding guest — gets the default behaviour: the flow is dropped silently when idle.
   */
  resetUnsupported(lbIndex: number, flow: LbFlow): boolean {
    const rule = flow.rule;
    if (!('pool' in rule) || rule.protocol !== 'All' || rule.frontendPort !== 0) return false;
    if (this.lbAt(lbIndex).frontends[flow.frontend]?.isPublic !== false) return false;
    const nic = this.nicAt(flow.nic);
    return nic.enableIPForwarding && this.input.vms[nic.vm]?.ipForwarding === true;
  }

  /**
   * engine-model.md "Idle timeout" with `enableTcpReset`: when the flow has been idle for the
   * rule's timeout, the load balancer forgets it and sends a RST to both ends at that moment
   * (“What is Azure Load Balancer?” SKU table: "TCP Reset on Idle"). One check per flow, re-armed while it is busy.
   */
  onIdleCheck(flow: LbFlow, key: string): void {
    const table = this.lbFlows[flow.lb]?.[flow.frontend] as FlowTable<LbFlow>;
    if (table.get(key) !== flow) return;
    const due = flow.lastSeen + flow.rule.idleTimeoutUs;
    if (due > this.path.now) {
      flow.idleJob = this.path.schedule(due, PHASE.packet, {
        type: 'idleCheck',
        flow,
        key,
        aux: true,
        cancelled: false,
      });
      return;
    }
    table.delete(key);
    const lb = this.lbAt(flow.lb);
    const minutes = flow.rule.idleTimeoutUs / 60_000_000;
    const reason: Reason = {
      code: 'IDLE_TIMEOUT',
      at: lb.id,
      rule: {
        kind: 'pool' in flow.rule ? 'loadBalancingRule' : 'inboundNatRule',
        name: flow.ruleName,
        direction: 'Inbound',
      },
      detail: `The flow was idle for ${minutes} minutes, rule ${flow.ruleName}'s idle timeout: ${lb.name} forgot it and sent a TCP reset to both ends (enableTcpReset).`,
    };
    if (this.path.tracing) this.traceFlowEnd(flow, 'idle timeout (TCP reset to both ends)', reason);
    this.path.noteDoom(flow.owner, reason);
    const h = flow.h;
    const member = this.nicAt(flow.nic);
    const toClient = this.path.newPacket(
      newHeader('Tcp', h.dst, h.dstPort, h.src, h.srcPort, RST, null, null),
      flow.owner,
    );
    if (this.path.tracing) this.path.trace('send', lb.id, toClient, { reason });
    this.fabric.forwardInFabric(toClient, lb.id);
    const dst = flow.floatingIp ? h.dst : member.address;
    const dstPort = flow.backendPort === 0 ? h.dstPort : flow.backendPort;
    const toMember = this.path.newPacket(newHeader('Tcp', h.src, h.srcPort, dst, dstPort, RST, null, null), flow.owner);
    if (this.path.tracing) this.path.trace('send', lb.id, toMember, { reason });
    this.path.arriveLater(LATENCY_US.fabric, toMember, this.path.nicArrival(flow.nic));
  }

  /**
   * A member went down. When that leaves a rule with no member up (and no AllProbedUp), UDP flows
   * end on both SKUs and TCP flows end on Basic (engine-model.md "Health probes"; “What is Azure Load Balancer?” SKU
   * table: Basic "All TCP connections terminate when all probes are down"; Standard "TCP
   * connections stay alive ... on all probes down"). Assumption: Basic ends them silently at that
   * instant; the connection reports `closed.by: loadBalancer`.
   */
  onMemberDown(runtime: ProbeRuntime): void {
    const rt = runtime;
    const lbIndex = rt.lb;
    const lb = this.lbAt(lbIndex);
    for (const rule of lb.rules) {
      if (rule.probe !== rt.probeIndex) continue;
      if (rt.probe.noHealthyBackendsBehavior === 'AllProbedUp') continue;
      const pool = lb.pools[rule.pool]?.members ?? [];
      if (pool.some((nic) => this.isMemberUp(lbIndex, rule, nic))) continue;
      const table = (this.lbFlows[lbIndex] as FlowTable<LbFlow>[])[rule.frontend] as FlowTable<LbFlow>;
      const reason: Reason = {
        code: 'LB_NO_HEALTHY_BACKEND',
        at: lb.id,
        rule: { kind: 'loadBalancingRule', name: rule.name, direction: 'Inbound' },
        detail:
          lb.sku === 'Basic'
            ? `Every member of ${lb.pools[rule.pool]?.name ?? 'the pool'} is probed down: ${lb.name} (Basic) ends every flow of rule ${rule.name}.`
            : `Every member of ${lb.pools[rule.pool]?.name ?? 'the pool'} is probed down: ${lb.name} ends the UDP flows of rule ${rule.name}.`,
      };
      for (const [key, flow] of table) {
        if (flow.rule.id !== rule.id) continue;
        const tcp = flow.h.protocol === 'Tcp';
        if (tcp && lb.sku !== 'Basic') continue;
        table.delete(key);
        if (this.path.tracing) this.traceFlowEnd(flow, 'every member is probed down', reason);
        const conn = flow.owner as Partial<Conn>;
        if (!tcp || conn.spec === undefined || flow.owner.done) continue;
        const c = flow.owner as Conn;
        if (c.outcome === 'established') {
          c.closed ??= { atUs: this.path.now, by: 'loadBalancer', reason };
          this.ends.finish(c);
        } else this.path.noteDoom(c, reason);
      }
    }
  }

  /**
   * A VM stopped (engine-model.md step 7: "a stopped VM's flows end"): the load balancers forget
   * the flows to its NICs, each owner doomed by `reason`.
   */
  forgetFlowsTo(nics: ReadonlySet<number>, reason: Reason): void {
    for (const tables of this.lbFlows) {
      for (const table of tables) {
        for (const [key, flow] of table) {
          if (!nics.has(flow.nic)) continue;
          table.delete(key);
          this.path.noteDoom(flow.owner, reason);
          if (this.path.tracing) this.traceFlowEnd(flow, "the member's VM stopped", reason);
        }
      }
    }
  }

  lbAt(lb: number): LoadBalancerIn {
    const found = this.lbs[lb];
    if (found === undefined) throw new Error(`no load balancer ${lb}`);
    return found;
  }

  private nicAt(nic: number): NicIn {
    const found = this.input.nics[nic];
    if (found === undefined) throw new Error(`no NIC ${nic}`);
    return found;
  }
}
