/**
 * network: the path of engine-model.md between the guest and a transport: a host sends (steps
 * 1–2: guest routing and firewall), its NIC and subnet NSGs (3), outbound SNAT (4, snat.ts
 * chooses the method), user-defined routes and the fabric (5), the on-premises gateway and the
 * internet edges, and on the way in the reverse translation at the member's host (15), the NSGs
 * (10), the NIC and the guest's receive checks (11–13), or a virtual appliance forwarding.
 *
 * Inputs: packets sent by a host or arriving where a hop sent them (a NIC, a host, an edge).
 * Outputs: `Network`, the stage object, which owns the NSG layers and stateful NSG flows per NIC,
 *   the NSG rules as the events left them, the outbound SNAT tables and ports (`snatReturn` is
 *   read by the frontends), the address book and the VirtualNetwork tag. It reaches the shared
 *   state only through `NetworkPath` (core.ts `Core`) and calls no other stage: a packet goes on
 *   scheduled where it arrives next after that hop's latency (fabric.ts `LATENCY_US`), rewritten
 *   where a translation applies; or is dropped with a `Reason`; or, when a host accepts it, that
 *   host is returned to the run, which hands the packet to its transport (transport.ts). The
 *   transport and the applications send through it as `HostSend`, the frontends forward through
 *   it as `FrontendFabric` (frontend.ts).
 * Invariants: NSGs and guest firewalls are stateful per flow, both ways ("a changed rule affects
 *   new flows only"); every flow, translation and SNAT port is owned by the packet's owner and
 *   evicted with it; only a SYN creates SNAT state; replies never pass the load balancer
 *   (engine-model.md step 9: "Azure always returns traffic directly").
 */
import { cidrContains, formatCidr, formatIpv4 } from '../shared/ipv4';
import type { TraceExtra } from './core';
import { AddressBook, LATENCY_US, type Target } from './fabric';
import type { FlowTable } from './flowtable';
import {
  checkGuestReceive,
  chooseSourceAddress,
  evaluateFirewall,
  findOwner,
  type Host,
  ownsAddress,
  routeInGuest,
} from './guest';
import type { EngineInput, LoadBalancerIn, NicIn, RouteIn, SecurityRuleIn } from './input';
import { evaluateNsg, isVirtualNetworkAddress, type TagSpace } from './nsg';
import { PHASE, type Phase } from './sched';
import { chooseOutbound, snatDestKey } from './snat';
import {
  type Arrival,
  EDGE_ARRIVALS,
  idlesOut,
  type Job,
  type KeyedStore,
  type LbFlow,
  type NsgLayer,
  type Owner,
  PLATFORM_ARRIVAL,
  type ReverseNat,
  type SnatEntry,
} from './state';
import type { Decision, Reason, TraceKind } from './trace';
import {
  describePacket,
  formatEndpoint,
  type Header,
  isSyn,
  newHeader,
  type Packet,
  RST,
  reverseTupleKey,
  rewriteAddresses,
  tupleKey,
  tupleKeyOf,
} from './wire';

/**
 * What the network needs from the run's shared state (core.ts `Core`): the clock, queue and
 * trace, packets and where they arrive, ownership of flow state, the hosts, and the platform state
 * it shares with the load balancer (the load balancers as the events left them, their flow tables,
 * the reverse NAT at the members' hosts, which frontend.ts writes and this stage expires).
 */
export interface NetworkPath {
  readonly now: number;
  readonly tracing: boolean;
  readonly lbs: readonly LoadBalancerIn[];
  readonly lbFlows: readonly (readonly FlowTable<LbFlow>[])[];
  readonly reverseNat: readonly Map<string, ReverseNat>[];
  schedule(time: number, phase: Phase, job: Job): Job;
  trace(kind: TraceKind, element: string, packet: Packet | null, extra?: TraceExtra): void;
  drop(packet: Packet<Owner>, reason: Reason, decision?: Decision | null): void;
  noteDoom(owner: Owner, reason: Reason): void;
  own(owner: Owner, store: KeyedStore, key: string): void;
  newPacket(header: Header, owner: Owner): Packet<Owner>;
  arriveLater(delayUs: number, packet: Packet<Owner>, arrival: Arrival): void;
  nicArrival(nic: number): Arrival;
  /** The host a NIC belongs to and its interface there. */
  homeOfNic(nic: number): { readonly host: Host; readonly iface: number } | undefined;
  clientHost(client: number, hostIndex: number): Host;
  lbAt(index: number): LoadBalancerIn;
}

/**
 * What a host's stack sends through: a packet leaves `host` (steps 1–5). The transport
 * (transport.ts) and the applications (connections.ts) reach the network only through this.
 */
export interface HostSend {
  sendFromHost(host: Host, header: Header, owner: Owner, decision?: Decision | null): void;
}

export class Network implements HostSend {
  private readonly tracing: boolean;
  /** Who owns each address (frontends, NICs, public IPs, clients, the platform). */
  private readonly book: AddressBook;
  private readonly tags: TagSpace;
  private readonly frontendArrivals: Arrival[][];
  private readonly nsgLayers: { inbound: NsgLayer[]; outbound: NsgLayer[] }[];
  /** Each NSG's custom rules as the events so far left them (`setNsgRules`). */
  private readonly nsgRules: (readonly SecurityRuleIn[])[];
  /** Per NIC: flows its NSGs allowed (stateful), keyed by tuple key; the value is the owner. */
  private readonly nsgFlows: Map<string, Owner>[];
  /** Per NIC: outbound SNAT entries keyed by the private header's tuple key. */
  private readonly snatOut: Map<string, SnatEntry>[];
  /**
   * SNAT entries keyed by the tuple key of a reply as it comes back to the public address (a
   * frontend reads it to pass such a reply on to the NIC that holds the translation).
   */
  readonly snatReturn = new Map<string, SnatEntry>();
  /** SNAT ports in use: `<snatDestKey>|<port>`. */
  private readonly snatUsed = new Map<string, SnatEntry>();

  constructor(
    private readonly input: EngineInput,
    private readonly core: NetworkPath,
  ) {
    this.tracing = core.tracing;
    this.book = new AddressBook(input);
    this.tags = {
      virtualNetwork: [
        ...input.vnets.flatMap((vnet) => vnet.addressSpace),
        // engine-model.md step 5: on-premises addresses count as VirtualNetwork for NSGs.
        ...input.clients.filter((client) => client.location === 'onPremises').map((client) => client.prefix),
      ],
    };
    this.frontendArrivals = input.loadBalancers.map((lb, lbIndex) =>
      lb.frontends.map((_, frontend): Arrival => ({ kind: 'frontend', lb: lbIndex, frontend })),
    );
    this.nsgRules = input.nsgs.map((nsg) => nsg.rules);
    this.nsgLayers = input.nics.map((nic) => this.layersOf(nic));
    this.nsgFlows = input.nics.map(() => new Map());
    this.snatOut = input.nics.map(() => new Map());
  }

  /** A `setSecurityRule` or `removeSecurityRule` event: the NSG's rules from now on (new flows only). */
  setNsgRules(nsg: number, rules: readonly SecurityRuleIn[]): void {
    this.nsgRules[nsg] = rules;
  }

  private layersOf(nic: NicIn): { inbound: NsgLayer[]; outbound: NsgLayer[] } {
    const subnet = this.input.subnets[nic.subnet];
    const subnetLayer = subnet === undefined || subnet.nsg === null ? null : { nsg: subnet.nsg, on: subnet.id };
    const nicLayer = nic.nsg === null ? null : { nsg: nic.nsg, on: nic.id };
    const keep = (layers: (NsgLayer | null)[]) => layers.filter((layer): layer is NsgLayer => layer !== null);
    // engine-model.md steps 3 and 10: outbound NIC then subnet, inbound subnet then NIC.
    return { inbound: keep([subnetLayer, nicLayer]), outbound: keep([nicLayer, subnetLayer]) };
  }

  private nicAt(index: number): NicIn {
    const nic = this.input.nics[index];
    if (nic === undefined) throw new Error(`no NIC ${index}`);
    return nic;
  }

  // ---------------------------------------------------------------- out of a host (steps 1–5)

  sendFromHost(host: Host, header: Header, owner: Owner, decision: Decision | null = null): void {
    const packet = this.core.newPacket(header, owner);
    if (this.tracing) this.core.trace('send', host.id, packet, { decision });
    this.routeOut(host, packet);
  }

  private routeOut(host: Host, packet: Packet<Owner>): void {
    const h = packet.header;
    const route = routeInGuest(host, h);
    if (route.kind === 'drop') {
      this.core.drop(packet, route.reason);
      return;
    }
    if (route.kind === 'local') {
      if (this.tracing) this.core.trace('hop', host.id, packet, { decision: route.decision });
      this.core.arriveLater(LATENCY_US.guest, packet, localArrival(host));
      return;
    }
    // engine-model.md step 2: the guest firewall, outbound. Assumption: traffic delivered inside
    // the guest is not filtered (Windows Firewall exempts loopback traffic).
    if (host.firewall !== null && !this.passFirewall(host, packet, 'Outbound')) return;
    if (this.tracing) this.core.trace('hop', host.id, packet, { decision: route.decision });
    const iface = host.ifaces[route.iface];
    if (iface?.nic !== null && iface?.nic !== undefined) {
      this.egressNic(iface.nic, packet);
      return;
    }
    this.egressClient(host, packet);
  }

  private passFirewall(host: Host, packet: Packet<Owner>, direction: 'Inbound' | 'Outbound'): boolean {
    const fw = host.firewall;
    if (fw === null) return true;
    const h = packet.header;
    const owner = packet.owner;
    // engine-model.md "Guest firewall": replies of allowed connections pass.
    const flows = host.firewallFlows;
    const key = tupleKey(h);
    const known = flows.has(key) ? key : flows.has(reverseTupleKey(h)) ? reverseTupleKey(h) : null;
    if (known !== null) {
      if (flows.get(known) !== owner) {
        flows.set(known, owner);
        this.core.own(owner, flows, known);
      }
      return true;
    }
    const v = evaluateFirewall(fw, direction, h);
    if (v.action === 'Block') {
      const by = v.rule === null ? `its default inbound action (Block)` : `rule ${v.rule.name}`;
      this.core.drop(
        packet,
        {
          code: 'GUEST_FIREWALL_BLOCK',
          at: host.id,
          rule: v.rule === null ? null : { kind: 'firewallRule', name: v.rule.name, direction },
          detail: `The guest firewall of ${host.name} blocks ${describePacket(h)} (${direction.toLowerCase()}) by ${by}.`,
        },
        { kind: 'firewallRule', rule: v.rule?.name ?? null, direction, action: v.action },
      );
      return false;
    }
    flows.set(key, owner);
    this.core.own(owner, flows, key);
    return true;
  }

  /** NIC, then subnet NSG outbound (step 3); reverse NAT at the host (step 15); the fabric (step 5). */
  private egressNic(nicIndex: number, packet: Packet<Owner>): void {
    const nic = this.nicAt(nicIndex);
    if (!this.passNsgs(nicIndex, 'Outbound', packet)) return;
    const before = packet.header;
    const nat = this.core.reverseNat[nicIndex] as Map<string, ReverseNat>;
    const rev = nat.size === 0 ? undefined : nat.get(tupleKey(before));
    if (rev !== undefined) {
      const flow = rev.flow;
      if (idlesOut(flow) && this.core.now - flow.lastSeen > flow.rule.idleTimeoutUs) {
        // engine-model.md "Idle timeout": the flow was forgotten, and the host with it. Assumption:
        // without its flow state the host does not translate the reply back and drops it.
        nat.delete(tupleKey(before));
        this.core.lbFlows[flow.lb]?.[flow.frontend]?.delete(tupleKey(flow.h));
        this.core.drop(packet, {
          code: 'IDLE_TIMEOUT',
          at: nic.id,
          rule: null,
          detail: `The flow of ${describePacket(before)} was idle longer than rule ${flow.ruleName}'s idle timeout: the load balancer and the host forgot it, so the reply is not translated back.`,
        });
        return;
      }
      flow.lastSeen = this.core.now;
      if (rev.owner !== packet.owner) {
        rev.owner = packet.owner;
        this.core.own(packet.owner, nat, tupleKey(before));
      }
      // engine-model.md step 15: at the host of the sending NIC, the reverse NAT of a DNATed flow
      // puts the frontend address and port back as the source.
      packet.header = rewriteAddresses(before, rev.address, rev.port, before.dst, before.dstPort);
      if (this.tracing)
        this.core.trace('rewrite', nic.id, packet, { before, decision: { kind: 'reverseNat', rule: rev.rule } });
    }
    const out = packet.header;
    const target = this.book.lookup(out.dst);
    const subnet = this.input.subnets[nic.subnet];
    // what-is-ip-address-168-63-129-16: "168.63.129.16 is a virtual IP of the host node and as
    // such it isn't subject to user defined routes" — probe replies never follow a UDR.
    if (subnet !== undefined && subnet.routeTable !== null && target.kind !== 'platform') {
      const verdict = this.applyUdr(subnet.routeTable, packet, target);
      if (verdict !== 'system') return;
    }
    if (isInternet(target, this.input)) {
      if (out.src === nic.address) {
        if (!this.translateOutbound(nicIndex, packet)) return;
      } else if (isVirtualNetworkAddress(this.tags, out.src)) {
        // Assumption: Azure translates only a NIC's own address; an appliance that forwards
        // another VM's packet to the internet must SNAT it itself (guest NAT is not modelled).
        this.core.drop(packet, {
          code: 'NO_OUTBOUND_CONNECTIVITY',
          at: nic.id,
          rule: null,
          detail: `${nic.name} forwards ${describePacket(out)} to the internet with the private source ${formatIpv4(out.src)}, which Azure does not translate: an appliance must source-NAT what it forwards.`,
        });
        return;
      }
    }
    if (this.tracing) this.core.trace('hop', nic.id, packet);
    this.forwardInFabric(packet, subnet?.id ?? nic.id, target);
  }

  /**
   * engine-model.md step 5: the source subnet's user-defined routes. The longest prefix wins, and
   * a UDR wins over a system route of the same length (virtual-networks-udr-overview, "How Azure
   * selects a route": user-defined, then BGP, then system). System prefixes here: the VNets'
   * address spaces (all peered, assumption), on-premises prefixes through the gateway, and
   * 0.0.0.0/0 to the internet. Returns `system` when no UDR decides, `done` when the packet was
   * forwarded to an appliance or dropped.
   */
  private applyUdr(table: number, packet: Packet<Owner>, target: Target): 'system' | 'done' {
    const rt = this.input.routeTables[table];
    if (rt === undefined) return 'system';
    const h = packet.header;
    let best: RouteIn | null = null;
    for (const r of rt.routes) {
      if (!cidrContains(r.prefix, h.dst)) continue;
      if (best === null || r.prefix.prefixLength > best.prefix.prefixLength) best = r;
    }
    if (best === null || best.prefix.prefixLength < this.systemPrefixLength(h.dst)) return 'system';
    const route = best;
    const ruleRef = { kind: 'route' as const, name: route.name, direction: 'Outbound' as const };
    const decision: Decision = {
      kind: 'udr',
      routeTable: rt.name,
      route: route.name,
      prefix: formatCidr(route.prefix),
      nextHopType: route.nextHopType,
      nextHop: route.nextHop === null ? null : formatIpv4(route.nextHop),
    };
    const drop = (code: 'UDR_NONE' | 'NO_ROUTE', detail: string) => {
      this.core.drop(packet, { code, at: rt.id, rule: ruleRef, detail }, decision);
      return 'done' as const;
    };
    switch (route.nextHopType) {
      case 'None':
        return drop(
          'UDR_NONE',
          `Route ${route.name} of ${rt.name} sends ${formatCidr(route.prefix)} to next hop None: ${describePacket(h)} is dropped.`,
        );
      case 'VnetLocal':
        if (
          target.kind === 'nic' ||
          (target.kind === 'frontend' && !target.isPublic) ||
          isVirtualNetworkAddress(this.tags, h.dst)
        ) {
          if (this.tracing) this.core.trace('hop', rt.id, packet, { decision });
          return 'system';
        }
        return drop(
          'NO_ROUTE',
          `Route ${route.name} of ${rt.name} keeps ${formatCidr(route.prefix)} inside the virtual network, where nothing owns ${formatIpv4(h.dst)}.`,
        );
      case 'Internet':
        if (isInternet(target, this.input)) {
          if (this.tracing) this.core.trace('hop', rt.id, packet, { decision });
          return 'system';
        }
        return drop(
          'NO_ROUTE',
          `Route ${route.name} of ${rt.name} sends ${describePacket(h)} to the internet, where the private address ${formatIpv4(h.dst)} is unreachable.`,
        );
      case 'VirtualAppliance': {
        const hop = route.nextHop === null ? null : this.book.lookup(route.nextHop);
        if (hop === null || hop.kind !== 'nic') {
          return drop(
            'NO_ROUTE',
            `Route ${route.name} of ${rt.name} sends ${describePacket(h)} to the appliance ${route.nextHop === null ? '' : formatIpv4(route.nextHop)}, which no network interface has: it is lost.`,
          );
        }
        // Assumption: more than 8 appliance hops is a routing loop.
        if (++packet.udrHops > 8) {
          return drop(
            'NO_ROUTE',
            `${describePacket(h)} went round the virtual appliances more than 8 times: a routing loop.`,
          );
        }
        if (this.tracing) this.core.trace('hop', rt.id, packet, { decision });
        this.core.arriveLater(LATENCY_US.fabric, packet, this.core.nicArrival(hop.nic));
        return 'done';
      }
    }
  }

  /**
   * The prefix length of the system route for `dst` (see applyUdr): a VNet address space, or an
   * on-premises prefix the gateway advertises. Assumption: a single-address on-premises client
   * stands for its /24 (a gateway advertises networks, not hosts), so a UDR for on-premises
   * traffic can override it as it would in Azure.
   */
  private systemPrefixLength(dst: number): number {
    let best = 0;
    for (const v of this.input.vnets) {
      for (const c of v.addressSpace) if (cidrContains(c, dst) && c.prefixLength > best) best = c.prefixLength;
    }
    for (const c of this.input.clients) {
      if (c.location !== 'onPremises' || !cidrContains(c.prefix, dst)) continue;
      best = Math.max(best, Math.min(c.prefix.prefixLength, 24));
    }
    return best;
  }

  /**
   * engine-model.md step 4 at the host of the sending NIC (snat.ts chooses the method): a known
   * translation is reused; a new one takes a free SNAT port of the NIC's allocation toward that
   * destination (TCP: per destination address and port; UDP: per destination address), and only a
   * SYN creates one (assumption, as for the flow table in step 7). An exhausted allocation drops
   * the SYN (SNAT_PORT_EXHAUSTED); "new outbound connections ... will fail when port exhaustion
   * occurs. Connections will succeed when a port becomes available" (load-balancer-outbound-connections).
   */
  private translateOutbound(nicIndex: number, packet: Packet<Owner>): boolean {
    const nic = this.nicAt(nicIndex);
    const h = packet.header;
    const outs = this.snatOut[nicIndex] as Map<string, SnatEntry>;
    const key = tupleKey(h);
    let e = outs.get(key);
    let idled = false;
    if (e !== undefined && this.core.now - e.lastSeen > e.idleUs) {
      // load-balancer-outbound-connections "Constraints": idle SNAT ports are released.
      this.forgetSnat(e);
      e = undefined;
      idled = true;
    }
    if (e === undefined) {
      const choice = chooseOutbound(this.core.lbs, this.input.nics, nicIndex, h.protocol);
      if (choice.kind === 'publicIp') {
        // Stateless 1:1 NAT: the source address becomes the public IP, the port stays.
        this.rewriteSnat(
          packet,
          nic,
          'publicIp',
          null,
          h.srcPort,
          rewriteAddresses(h, choice.address, h.srcPort, h.dst, h.dstPort),
        );
        return true;
      }
      if (choice.kind === 'none') {
        this.core.drop(packet, { code: 'NO_OUTBOUND_CONNECTIVITY', at: nic.id, rule: null, detail: choice.detail });
        return false;
      }
      if (h.protocol === 'Tcp' && !isSyn(h)) {
        this.core.drop(packet, {
          code: idled ? 'IDLE_TIMEOUT' : 'LB_NO_FLOW',
          at: nic.id,
          rule: null,
          detail: idled
            ? `The SNAT translation of ${describePacket(h)} was idle longer than its idle timeout and was released; only a SYN creates a new one.`
            : `No SNAT translation exists for ${describePacket(h)}; only a SYN creates one.`,
        });
        return false;
      }
      // The first free port of the NIC's allocation, its ranges in order (a frontend IP at a time).
      let port = -1;
      let address = choice.ranges[0]?.address ?? 0;
      let destKey = '';
      search: for (const range of choice.ranges) {
        const key = snatDestKey(h.protocol, range.address, h.dst, h.dstPort);
        for (let i = 0; i < range.size; i++) {
          const p = range.base + i;
          const used = this.snatUsed.get(`${key}|${p}`);
          if (used !== undefined && this.core.now - used.lastSeen <= used.idleUs) continue;
          if (used !== undefined) {
            // Released for idleness; its own next packet still finds it, expired (IDLE_TIMEOUT).
            if (this.snatReturn.get(used.retKey) === used) this.snatReturn.delete(used.retKey);
            this.snatUsed.delete(used.usedKey);
          }
          port = p;
          address = range.address;
          destKey = key;
          break search;
        }
      }
      const ruleRef =
        choice.ruleName === null
          ? null
          : {
              kind: choice.method === 'outboundRule' ? ('outboundRule' as const) : ('loadBalancingRule' as const),
              name: choice.ruleName,
              direction: 'Outbound' as const,
            };
      if (port === -1) {
        this.core.drop(packet, {
          code: 'SNAT_PORT_EXHAUSTED',
          at: nic.id,
          rule: ruleRef,
          detail: `${nic.name} has used all ${choice.size} of its SNAT ports on ${choice.ranges.map((r) => formatIpv4(r.address)).join(' and ')} toward ${h.protocol === 'Tcp' ? formatEndpoint(h.dst, h.dstPort) : formatIpv4(h.dst)}, so ${describePacket(h)} is dropped until one is released.`,
        });
        return false;
      }
      const owner = packet.owner;
      const retKey = tupleKeyOf(h.protocol, h.dst, h.dstPort, address, port);
      e = {
        nic: nicIndex,
        privAddr: h.src,
        privPort: h.srcPort,
        pubAddr: address,
        pubPort: port,
        outKey: key,
        retKey,
        usedKey: `${destKey}|${port}`,
        rule: choice.ruleName ?? 'default outbound access',
        idleUs: choice.idleUs,
        h,
        lastSeen: this.core.now,
        owner,
      };
      if (choice.resetOnIdle && h.protocol === 'Tcp') {
        this.core.schedule(this.core.now + choice.idleUs, PHASE.packet, {
          type: 'snatIdle',
          entry: e,
          aux: true,
          cancelled: false,
        });
      }
      outs.set(key, e);
      this.snatReturn.set(retKey, e);
      this.snatUsed.set(e.usedKey, e);
      this.core.own(owner, outs, key);
      this.core.own(owner, this.snatReturn, retKey);
      this.core.own(owner, this.snatUsed, e.usedKey);
    } else {
      e.lastSeen = this.core.now;
      this.takeSnat(e, packet.owner);
    }
    this.rewriteSnat(
      packet,
      nic,
      'snat',
      e.rule,
      e.pubPort,
      rewriteAddresses(h, e.pubAddr, e.pubPort, h.dst, h.dstPort),
    );
    return true;
  }

  /** Writes the translated header into `packet` and traces the rewrite (SNAT, its reverse, or 1:1 NAT). */
  private rewriteSnat(
    packet: Packet<Owner>,
    nic: NicIn,
    method: 'snat' | 'reverse' | 'publicIp',
    rule: string | null,
    port: number,
    after: Header,
  ): void {
    const before = packet.header;
    packet.header = after;
    if (this.tracing) {
      this.core.trace('rewrite', nic.id, packet, { before, decision: { kind: 'snat', method, rule, port } });
    }
  }

  /**
   * engine-model.md "Idle timeout" for an outbound rule with `enableTcpReset` (outbound-rules:
   * "TCP Reset on idle"): at the idle timeout both ends get a RST and the SNAT port is released.
   */
  onSnatIdle(translation: SnatEntry): void {
    if (this.snatReturn.get(translation.retKey) !== translation) return;
    const due = translation.lastSeen + translation.idleUs;
    if (due > this.core.now) {
      this.core.schedule(due, PHASE.packet, { type: 'snatIdle', entry: translation, aux: true, cancelled: false });
      return;
    }
    this.forgetSnat(translation);
    const nic = this.nicAt(translation.nic);
    const reason: Reason = {
      code: 'IDLE_TIMEOUT',
      at: nic.id,
      rule: { kind: 'outboundRule', name: translation.rule, direction: 'Outbound' },
      detail: `The outbound flow was idle for ${translation.idleUs / 60_000_000} minutes, rule ${translation.rule}'s idle timeout: its SNAT port ${translation.pubPort} is released and both ends get a TCP reset (enableTcpReset).`,
    };
    this.core.noteDoom(translation.owner, reason);
    const h = translation.h;
    const toServer = this.core.newPacket(
      newHeader('Tcp', translation.pubAddr, translation.pubPort, h.dst, h.dstPort, RST, null, null),
      translation.owner,
    );
    if (this.tracing) this.core.trace('send', nic.id, toServer, { reason });
    this.forwardInFabric(toServer, nic.id);
    const toVm = this.core.newPacket(
      newHeader('Tcp', h.dst, h.dstPort, h.src, h.srcPort, RST, null, null),
      translation.owner,
    );
    if (this.tracing) this.core.trace('send', nic.id, toVm, { reason });
    this.core.arriveLater(LATENCY_US.guest, toVm, this.core.nicArrival(translation.nic));
  }

  private takeSnat(entry: SnatEntry, owner: Owner): void {
    if (entry.owner === owner) return;
    entry.owner = owner;
    this.core.own(owner, this.snatOut[entry.nic] as Map<string, SnatEntry>, entry.outKey);
    this.core.own(owner, this.snatReturn, entry.retKey);
    this.core.own(owner, this.snatUsed, entry.usedKey);
  }

  private forgetSnat(entry: SnatEntry): void {
    const outs = this.snatOut[entry.nic] as Map<string, SnatEntry>;
    if (outs.get(entry.outKey) === entry) outs.delete(entry.outKey);
    if (this.snatReturn.get(entry.retKey) === entry) this.snatReturn.delete(entry.retKey);
    if (this.snatUsed.get(entry.usedKey) === entry) this.snatUsed.delete(entry.usedKey);
  }

  /**
   * engine-model.md step 15: a reply to a translated address is translated back at the host of the
   * NIC (1:1 for an instance public IP; the SNAT entry otherwise). Returns false when dropped.
   */
  private reverseTranslate(nicIndex: number, packet: Packet<Owner>): boolean {
    const nic = this.nicAt(nicIndex);
    const h = packet.header;
    if (nic.publicIp !== null && h.dst === nic.publicIp) {
      // Standard public IPs are secure by default (engine-model.md step 10): with no NSG on the
      // path, a new inbound connection (a SYN) is refused. Assumption: other packets are replies.
      if ((this.nsgLayers[nicIndex]?.inbound.length ?? 0) === 0 && isSyn(h)) {
        this.core.drop(packet, {
          code: 'NSG_SECURE_BY_DEFAULT',
          at: nic.id,
          rule: null,
          detail: `${describePacket(h)} reached the Standard public IP ${formatIpv4(h.dst)} of ${nic.name}, which is closed to inbound flows unless an NSG on ${nic.name} or its subnet allows them; there is none.`,
        });
        return false;
      }
      this.rewriteSnat(
        packet,
        nic,
        'publicIp',
        null,
        h.dstPort,
        rewriteAddresses(h, h.src, h.srcPort, nic.address, h.dstPort),
      );
      return true;
    }
    const e = this.snatReturn.get(tupleKey(h));
    if (e === undefined || e.nic !== nicIndex) return true;
    if (this.core.now - e.lastSeen > e.idleUs) {
      this.forgetSnat(e);
      this.core.drop(packet, {
        code: 'IDLE_TIMEOUT',
        at: nic.id,
        rule: null,
        detail: `The SNAT translation for ${describePacket(h)} was idle longer than its idle timeout and was released.`,
      });
      return false;
    }
    e.lastSeen = this.core.now;
    this.takeSnat(e, packet.owner);
    this.rewriteSnat(
      packet,
      nic,
      'reverse',
      e.rule,
      e.pubPort,
      rewriteAddresses(h, h.src, h.srcPort, e.privAddr, e.privPort),
    );
    return true;
  }

  /** A client's packet reaches the fabric through the gateway (on-premises) or the internet. */
  private egressClient(host: Host, packet: Packet<Owner>): void {
    const target = this.book.lookup(packet.header.dst);
    const viaInternet =
      host.location === 'internet' ||
      (target.kind === 'frontend' && target.isPublic) ||
      target.kind === 'publicIp' ||
      (target.kind === 'client' && this.input.clients[target.client]?.location === 'internet');
    if (viaInternet) this.core.arriveLater(LATENCY_US.internet, packet, EDGE_ARRIVALS.internetToAzure);
    else this.core.arriveLater(LATENCY_US.gateway, packet, EDGE_ARRIVALS.gatewayToAzure);
  }

  /**
   * engine-model.md step 5: a frontend address goes to its load balancer, a VNet address to the
   * NIC that owns it, an on-premises client through the gateway, anything else to the internet;
   * no owner anywhere: NO_ROUTE. (UDRs: issue 4.)
   */
  forwardInFabric(packet: Packet<Owner>, fromElement: string, known: Target | null = null): void {
    // `known`: the owner of the destination when the caller looked it up already (the header's
    // destination has not changed since: SNAT rewrites only the source).
    const target = known ?? this.book.lookup(packet.header.dst);
    switch (target.kind) {
      case 'frontend':
        this.core.arriveLater(
          LATENCY_US.fabric,
          packet,
          (this.frontendArrivals[target.lb] as Arrival[])[target.frontend] as Arrival,
        );
        return;
      case 'nic':
      case 'publicIp':
        this.core.arriveLater(LATENCY_US.fabric, packet, this.core.nicArrival(target.nic));
        return;
      case 'platform':
        this.core.arriveLater(LATENCY_US.platform, packet, PLATFORM_ARRIVAL);
        return;
      case 'client': {
        const onPrem = this.input.clients[target.client]?.location === 'onPremises';
        this.core.arriveLater(
          LATENCY_US.fabric,
          packet,
          onPrem ? EDGE_ARRIVALS.gatewayToClient : EDGE_ARRIVALS.internetToClient,
        );
        return;
      }
      case 'none':
        if (target.vnet !== null) {
          const vnet = this.input.vnets[target.vnet];
          this.core.drop(packet, {
            code: 'NO_ROUTE',
            at: vnet?.id ?? fromElement,
            rule: null,
            detail: `Nothing in ${vnet?.name ?? 'the virtual network'} owns ${formatIpv4(packet.header.dst)}, the destination of ${describePacket(packet.header)}.`,
          });
          return;
        }
        this.core.arriveLater(LATENCY_US.fabric, packet, EDGE_ARRIVALS.internetToClient);
        return;
    }
  }

  // ---------------------------------------------------------------- arrivals

  arriveAtEdge(edge: 'gateway' | 'internet', toward: 'client' | 'azure', packet: Packet<Owner>): void {
    const id = edge === 'gateway' ? 'gateway:onPremises' : 'internet:internet';
    if (this.tracing) this.core.trace('hop', id, packet);
    const target = this.book.lookup(packet.header.dst);
    if (toward === 'client' && target.kind === 'client') {
      const client = this.input.clients[target.client];
      const here = edge === 'gateway' ? 'onPremises' : 'internet';
      if (client !== undefined && client.location === here) {
        const host = this.core.clientHost(target.client, target.host);
        const delay = edge === 'gateway' ? LATENCY_US.gateway : LATENCY_US.internet;
        this.core.arriveLater(delay, packet, clientArrival(host));
        return;
      }
    }
    if (toward === 'azure') {
      // From on-premises through the gateway: private frontends and NICs (the ILB hairpin write-up §2 lab).
      // From the internet: public frontends only; internal frontends and VNet addresses are never
      // exposed to the internet (“What is Azure Load Balancer?” "Internal Load Balancer").
      if (target.kind === 'frontend' && (edge === 'gateway') !== target.isPublic) {
        this.core.arriveLater(
          LATENCY_US.fabric,
          packet,
          (this.frontendArrivals[target.lb] as Arrival[])[target.frontend] as Arrival,
        );
        return;
      }
      if (target.kind === 'publicIp' && edge === 'internet') {
        this.core.arriveLater(LATENCY_US.fabric, packet, this.core.nicArrival(target.nic));
        return;
      }
      if (target.kind === 'nic' && edge === 'gateway') {
        this.core.arriveLater(LATENCY_US.fabric, packet, this.core.nicArrival(target.nic));
        return;
      }
      if (target.kind === 'client' && this.input.clients[target.client]?.location === 'internet') {
        const host = this.core.clientHost(target.client, target.host);
        this.core.arriveLater(LATENCY_US.internet, packet, clientArrival(host));
        return;
      }
    }
    this.core.drop(packet, {
      code: 'NO_ROUTE',
      at: id,
      rule: null,
      detail: `No route from the ${edge === 'gateway' ? 'on-premises gateway' : 'internet'} to ${formatIpv4(packet.header.dst)} for ${describePacket(packet.header)}.`,
    });
  }

  /**
   * engine-model.md steps 10–11, then the guest's receive checks (12–13). Returns the host that
   * accepted the packet, for its transport (step 14); null when it was dropped or forwarded.
   */
  arriveAtNic(nicIndex: number, packet: Packet<Owner>): Host | null {
    const nic = this.nicAt(nicIndex);
    const home = this.core.homeOfNic(nicIndex);
    if (home === undefined) throw new Error(`NIC ${nic.name} belongs to no VM`);
    if (this.tracing) this.core.trace('hop', nic.id, packet);
    if (packet.header.dst !== nic.address && (this.snatReturn.size > 0 || nic.publicIp !== null)) {
      if (!this.reverseTranslate(nicIndex, packet)) return null;
    }
    const via = packet.viaFrontend;
    if (via !== null && (this.nsgLayers[nicIndex]?.inbound.length ?? 0) === 0) {
      const lb = this.core.lbAt(via.lb);
      const fe = lb.frontends[via.frontend];
      // engine-model.md step 10 (“What is Azure Load Balancer?” SKU table, "Secure by default"): a Standard public
      // frontend passes nothing unless an NSG on the path allows it. Internal frontends pass
      // without an NSG (MicrosoftDocs/azure-docs issue 42780).
      if (lb.sku === 'Standard' && fe?.isPublic === true) {
        this.core.drop(packet, {
          code: 'NSG_SECURE_BY_DEFAULT',
          at: nic.id,
          rule: null,
          detail: `${describePacket(packet.header)} came through the Standard public frontend ${fe.name} of ${lb.name}, which is closed to inbound flows unless an NSG on ${nic.name} or its subnet allows them; there is none.`,
        });
        return null;
      }
    }
    if (!this.passNsgs(nicIndex, 'Inbound', packet)) return null;
    if (!home.host.running) {
      this.core.drop(packet, {
        code: 'VM_STOPPED',
        at: home.host.id,
        rule: null,
        detail: `${home.host.name} is stopped, so ${describePacket(packet.header)} goes nowhere.`,
      });
      return null;
    }
    if (packet.udrHops > 0 && !ownsAddress(home.host, packet.header.dst)) {
      this.forwardByAppliance(nicIndex, home.host, packet);
      return null;
    }
    return this.receiveFromWire(home.host, home.iface, packet) ? home.host : null;
  }

  /**
   * A virtual appliance forwards a packet a UDR sent it (engine-model.md step 5: the next hop
   * "must be a NIC with enableIPForwarding on a VM with ipForwarding"; virtual-networks-udr-overview:
   * IP forwarding must be enabled on the network interface, and the guest must forward). The guest
   * routes it by destination and sends it unchanged out of the chosen NIC. Assumption: the guest
   * firewall filters only the guest's own traffic, not forwarded packets.
   */
  private forwardByAppliance(nicIndex: number, host: Host, packet: Packet<Owner>): void {
    const nic = this.nicAt(nicIndex);
    const h = packet.header;
    if (!nic.enableIPForwarding) {
      this.core.drop(packet, {
        code: 'IP_FORWARDING_DISABLED',
        at: nic.id,
        rule: null,
        detail: `${describePacket(h)} reached ${nic.name} as a virtual appliance next hop, but the NIC does not have enableIPForwarding, so Azure drops a packet for another address.`,
      });
      return;
    }
    const vm = this.input.vms[this.nicAt(nicIndex).vm];
    if (vm === undefined || !vm.ipForwarding) {
      this.core.drop(packet, {
        code: 'IP_FORWARDING_DISABLED',
        at: host.id,
        rule: null,
        detail: `${host.name} received ${describePacket(h)} for another address and does not forward packets (ipForwarding off: ip_forward on Linux, IPEnableRouter on Windows).`,
      });
      return;
    }
    // The outgoing interface by destination, as for a new connection (engine-model.md "Routing").
    const out = host.ifaces[findOwner(host, chooseSourceAddress(host, h.dst))];
    if (this.tracing) this.core.trace('hop', host.id, packet);
    this.egressNic(out?.nic ?? nicIndex, packet);
  }

  /** engine-model.md steps 12–13: true when the host accepts the packet for its transport. */
  receiveFromWire(host: Host, iface: number, packet: Packet<Owner>): boolean {
    const reason = checkGuestReceive(host, iface, packet.header);
    if (reason !== null) {
      this.core.drop(packet, reason);
      return false;
    }
    return host.firewall === null || this.passFirewall(host, packet, 'Inbound');
  }

  /**
   * NSGs (engine-model.md steps 3 and 10): outbound NIC then subnet, inbound subnet then NIC.
   * Stateful per NIC: a packet of a flow already allowed, either way, passes without
   * re-evaluation ("replies of an allowed flow pass both ways, and a changed rule affects new
   * flows only").
   */
  private passNsgs(nicIndex: number, direction: 'Inbound' | 'Outbound', packet: Packet<Owner>): boolean {
    const layerSet = this.nsgLayers[nicIndex];
    const layers = layerSet === undefined ? [] : direction === 'Inbound' ? layerSet.inbound : layerSet.outbound;
    if (layers.length === 0) return true;
    const h = packet.header;
    const owner = packet.owner;
    const flows = this.nsgFlows[nicIndex] as Map<string, Owner>;
    const fwd = tupleKey(h);
    const known = flows.has(fwd) ? fwd : flows.has(reverseTupleKey(h)) ? reverseTupleKey(h) : null;
    if (known !== null) {
      if (flows.get(known) !== owner) {
        flows.set(known, owner);
        this.core.own(owner, flows, known);
      }
      if (this.tracing) {
        const attachedTo = this.nicAt(nicIndex).id;
        this.core.trace('hop', attachedTo, packet, {
          decision: { kind: 'nsgFlow', attachedTo, note: 'packet of a flow the NSGs already allowed' },
        });
      }
      return true;
    }
    for (const layer of layers) {
      const nsg = this.input.nsgs[layer.nsg];
      if (nsg === undefined) continue;
      const v = evaluateNsg(this.tags, this.nsgRules[layer.nsg] ?? nsg.rules, direction, h);
      if (v.access === 'Deny') {
        this.core.drop(
          packet,
          {
            code: 'NSG_DENY',
            at: nsg.id,
            rule: { kind: 'securityRule', name: v.rule.name, direction },
            detail: `${nsg.name} (on ${layer.on}) denies ${describePacket(h)} by ${v.isDefault ? 'default ' : ''}rule ${v.rule.name} (priority ${v.rule.priority}, ${direction.toLowerCase()}).`,
          },
          {
            kind: 'securityRule',
            nsg: nsg.name,
            attachedTo: layer.on,
            direction,
            rule: v.rule.name,
            priority: v.rule.priority,
            access: v.access,
          },
        );
        return false;
      }
      if (this.tracing) {
        this.core.trace('hop', nsg.id, packet, {
          decision: {
            kind: 'securityRule',
            nsg: nsg.name,
            attachedTo: layer.on,
            direction,
            rule: v.rule.name,
            priority: v.rule.priority,
            access: v.access,
          },
        });
      }
    }
    flows.set(fwd, owner);
    this.core.own(owner, flows, fwd);
    return true;
  }
}

function localArrival(host: Host): Arrival {
  host.localArrival ??= { kind: 'local', host } satisfies Arrival;
  return host.localArrival as Arrival;
}

function clientArrival(host: Host): Arrival {
  host.clientArrival ??= { kind: 'client', host } satisfies Arrival;
  return host.clientArrival as Arrival;
}

/** engine-model.md step 4: "a destination on the internet" (public addresses outside the VNets). */
function isInternet(target: Target, input: EngineInput): boolean {
  switch (target.kind) {
    case 'frontend':
      return target.isPublic;
    case 'publicIp':
      return true;
    case 'client':
      return input.clients[target.client]?.location === 'internet';
    case 'none':
      return target.vnet === null;
    default:
      return false;
  }
}
