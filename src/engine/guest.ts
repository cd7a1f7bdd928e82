/**
 * guest: what runs inside a VM or a client — interfaces, routing, the strong and weak host models,
 * martian-source filtering and the guest firewall (engine-model.md "The guest").
 *
 * Inputs: a `Host` (built from the engine input) and a header.
 * Outputs: routing decisions (`routeInGuest`, `chooseSourceAddress`), receive verdicts
 *   (`checkGuestReceive`) and firewall verdicts (`evaluateFirewall`), each with the `Reason` of a
 *   drop and the `Decision` for the trace.
 * Invariants: they change nothing a verdict depends on, but they do write to the host: caches on
 *   it, its interfaces and its route candidates (`routeCache`, `loopbackDecision`, the trace
 *   decisions of each route and of local delivery), derived from interfaces and routes, which
 *   never change during a run (network.ts caches on a host too: where a packet for it arrives,
 *   `localArrival` and `clientArrival`); the first interface of a VM is its primary NIC;
 *   127.0.0.0/8 belongs to every guest.
 */
import { type Cidr, cidrContains, formatCidr, formatIpv4, maskOf } from '../shared/ipv4';
import type { FirewallIn, FirewallRuleIn, ListenerIn, Os } from './input';
import { matchPorts } from './nsg';
import type { Decision, Reason, TcpState } from './trace';
import { describePacket, type Endpoint, type Header, tupleKeyOf } from './wire';

export interface Iface {
  readonly kind: 'nic' | 'loopback' | 'client';
  /** Element id: `nic:web01-nic1`, `loopback:web01/lo-vip`, `client:onprem`. */
  readonly id: string;
  readonly name: string;
  readonly address: number;
  readonly weakHostSend: boolean;
  readonly weakHostReceive: boolean;
  /** Index into `EngineInput.nics` for a NIC. */
  readonly nic: number | null;
  /** The NIC's subnet, on-link for the guest. */
  readonly onLink: Cidr | null;
  /** Cache: the trace decision of local delivery to this interface's address (built once). */
  localDecision?: Decision | undefined;
}

export interface GuestRoute {
  readonly prefix: Cidr;
  readonly iface: number;
  readonly nextHop: number | null;
}

/** The simulation's connection or probe attempt a socket (and every packet) belongs to. */
export interface SocketOwner {
  /** The connection id the trace prints (`web01-to-vip#0`). */
  readonly id: string;
  /** Health-probe traffic. */
  readonly probe: boolean;
}

/** A client socket's owner is its connection; a server socket answers for its listener. */
export type SocketApp = { readonly kind: 'client' } | { readonly kind: 'server'; readonly listener: ListenerIn };

export interface Socket {
  readonly protocol: 'Tcp' | 'Udp';
  readonly local: Endpoint;
  readonly remote: Endpoint;
  state: TcpState;
  readonly owner: SocketOwner;
  readonly app: SocketApp;
  /** Unacknowledged data or FIN waiting for its retransmission timer, or null. */
  pending: { readonly flags: number; readonly request: string | null; readonly id: number } | null;
  /** A server socket whose answer is under way (a reverse proxy waiting for its upstream). */
  busy: boolean;
}

export interface Host {
  readonly kind: 'vm' | 'client';
  /** Element id: `vm:web01` or `client:onprem`. */
  readonly id: string;
  readonly name: string;
  readonly os: Os;
  running: boolean;
  /** NICs first (the primary NIC at 0), then loopback interfaces; a client has one interface. */
  readonly ifaces: readonly Iface[];
  readonly routes: readonly GuestRoute[];
  readonly acceptLocal: boolean;
  readonly tcpSynLinearTimeouts: number;
  /** Replaced by `setFirewallRule` / `removeFirewallRule` events. */
  firewall: FirewallIn | null;
  /** Replaced by `setListener` / `removeListener` events. */
  listeners: readonly ListenerIn[];
  /** Keyed by `socketKey`: the tuple key of the segments the socket receives. */
  readonly sockets: Map<string, Socket>;
  /**
   * Flows the guest firewall let through, for "replies of allowed connections pass", keyed by
   * tuple key; the value is the owner that created the entry (evicted when that owner ends).
   */
  readonly firewallFlows: Map<string, unknown>;
  /** Local ports in use: `portKey(protocol, port)`. */
  readonly usedPorts: Set<number>;
  /** Location of a client host (for the fabric). */
  readonly location: 'internet' | 'onPremises' | null;
  /** Cache: the route candidates (interfaces and routes never change during a run). */
  routeCache?: RouteCandidate[] | undefined;
  /** Cache: the trace decision of delivery to 127.0.0.0/8. */
  loopbackDecision?: Decision | undefined;
  /** Caches for the simulation: where a packet delivered inside this host, or to it, arrives. */
  localArrival?: unknown;
  clientArrival?: unknown;
}

const LOOPBACK_NET: Cidr = { base: 0x7f000000, prefixLength: 8 };
export const LOCALHOST = 0x7f000001;

/**
 * A socket's key: the tuple key (`wire.tupleKey`) of the segments it receives, so that an
 * arriving header finds its socket by its own key (exact 4-tuple, engine-model.md step 14).
 */
export const socketKey = (
  protocol: string,
  localAddr: number,
  localPort: number,
  remoteAddr: number,
  remotePort: number,
) => tupleKeyOf(protocol, remoteAddr, remotePort, localAddr, localPort);

/** The key of a local port in `Host.usedPorts`. */
export const portKey = (protocol: string, port: number): number =>
  (protocol === 'Tcp' ? 0 : protocol === 'Udp' ? 1 : 2) * 65536 + port;

export const isLoopbackNet = (address: number): boolean => cidrContains(LOOPBACK_NET, address);

/** The interface that owns `address`, or -1; 127.0.0.0/8 is not an interface address here. */
export function findOwner(host: Host, address: number): number {
  for (let i = 0; i < host.ifaces.length; i++) if (host.ifaces[i]?.address === address) return i;
  return -1;
}

export function ownsAddress(host: Host, address: number): boolean {
  return isLoopbackNet(address) || findOwner(host, address) !== -1;
}

function ifaceAt(host: Host, i: number): Iface {
  const iface = host.ifaces[i];
  if (iface === undefined) throw new Error(`${host.id} has no interface ${i}`);
  return iface;
}

export interface RouteCandidate {
  readonly via: 'route' | 'onLink' | 'default';
  readonly prefix: Cidr;
  readonly iface: number;
  readonly nextHop: number | null;
  /** Cache: the trace decisions of this route (to the wire, or local delivery by it). */
  decision?: Decision | undefined;
  localDecision?: Decision | undefined;
}

/**
 * Route candidates in preference order: guest routes, on-link subnets of the NICs, the default
 * route via the primary NIC (engine-model.md "Routing"). Equal prefix lengths keep this order
 * (assumption: explicit routes, then NIC order, stand for Windows' and Linux' metrics).
 */
function routeCandidates(host: Host): RouteCandidate[] {
  if (host.routeCache !== undefined) return host.routeCache;
  const out: RouteCandidate[] = [];
  for (const r of host.routes) out.push({ via: 'route', prefix: r.prefix, iface: r.iface, nextHop: r.nextHop });
  host.ifaces.forEach((iface, i) => {
    if (iface.onLink !== null) out.push({ via: 'onLink', prefix: iface.onLink, iface: i, nextHop: null });
  });
  const primary = host.ifaces[0];
  if (primary !== undefined) {
    // Azure's default gateway is the subnet's first host address (.1); a client has no subnet.
    const gw = primary.onLink === null ? null : (primary.onLink.base + 1) >>> 0;
    out.push({ via: 'default', prefix: { base: 0, prefixLength: 0 }, iface: 0, nextHop: gw });
  }
  host.routeCache = out;
  return out;
}

/**
 * The longest-prefix match over `cands`. With `src` given, only interfaces allowed to send that
 * source under the host model (engine-model.md "Strong host send") are considered.
 */
function longestMatch(host: Host, cands: readonly RouteCandidate[], dst: number, src: number | null) {
  let srcOwnerWeak = false;
  if (src !== null) {
    const srcOwner = findOwner(host, src);
    srcOwnerWeak = (srcOwner !== -1 && host.ifaces[srcOwner]?.weakHostSend === true) || isLoopbackNet(src);
  }
  let best: RouteCandidate | null = null;
  for (const c of cands) {
    if (!cidrContains(c.prefix, dst)) continue;
    if (src !== null && !srcOwnerWeak) {
      // A fixed source may leave only by an interface that owns it, unless weakHostSend is set on
      // that interface or on the interface owning the source (engine-model.md "Strong host send").
      const iface = ifaceAt(host, c.iface);
      if (iface.address !== src && !iface.weakHostSend) continue;
    }
    if (best === null || c.prefix.prefixLength > best.prefix.prefixLength) best = c;
  }
  return best;
}

export type RouteVerdict =
  | { readonly kind: 'local'; readonly decision: Decision }
  | { readonly kind: 'wire'; readonly iface: number; readonly decision: Decision }
  | { readonly kind: 'drop'; readonly reason: Reason };

function routeDecision(host: Host, candidate: RouteCandidate): Decision {
  if (candidate.decision !== undefined) return candidate.decision;
  candidate.decision = {
    kind: 'guestRoute',
    via: candidate.via,
    prefix: formatCidr(candidate.prefix),
    interface: ifaceAt(host, candidate.iface).id,
    nextHop: candidate.nextHop === null ? null : formatIpv4(candidate.nextHop),
  };
  return candidate.decision;
}

function localDecision(prefix: string, iface: string): Decision {
  return { kind: 'guestRoute', via: 'local', prefix, interface: iface, nextHop: null };
}

/**
 * The source address a new connection takes (engine-model.md "Routing": "the connecting socket
 * takes the address of the outgoing interface as its source").
 */
export function chooseSourceAddress(host: Host, dst: number): number {
  if (isLoopbackNet(dst)) return LOCALHOST;
  const owner = findOwner(host, dst);
  // the ILB hairpin write-up §3.2: a loopback address is on-link, via the loopback interface itself.
  if (owner !== -1 && ifaceAt(host, owner).kind === 'loopback') return dst;
  const best = longestMatch(host, routeCandidates(host), dst, null);
  return best === null ? ifaceAt(host, 0).address : ifaceAt(host, best.iface).address;
}

/**
 * Where a packet with a fixed source leaves the guest (engine-model.md "The guest"): delivered
 * inside the guest, put on the wire by one interface, or dropped by strong host send.
 */
export function routeInGuest(host: Host, header: Header): RouteVerdict {
  const dst = header.dst;
  // engine-model.md "Local delivery": 127.0.0.0/8 and loopback-interface addresses never leave.
  if (isLoopbackNet(dst)) {
    host.loopbackDecision ??= localDecision('127.0.0.0/8', `${host.id}/lo`);
    return { kind: 'local', decision: host.loopbackDecision };
  }
  const dstOwner = findOwner(host, dst);
  if (dstOwner !== -1 && ifaceAt(host, dstOwner).kind === 'loopback') {
    // the ILB hairpin write-up §3.2: `route print 10.2.1.100` shows the VIP "On-link" on the loopback.
    const lo = ifaceAt(host, dstOwner);
    lo.localDecision ??= localDecision(`${formatIpv4(dst)}/32`, lo.id);
    return { kind: 'local', decision: lo.localDecision };
  }
  const cands = routeCandidates(host);
  const srcOwner = findOwner(host, header.src);
  const best = longestMatch(host, cands, dst, header.src);
  if (best === null) {
    const unconstrained = longestMatch(host, cands, dst, null);
    const via = unconstrained === null ? 'any interface' : ifaceAt(host, unconstrained.iface).name;
    const owner = srcOwner === -1 ? null : ifaceAt(host, srcOwner);
    return {
      kind: 'drop',
      reason: {
        code: 'GUEST_STRONG_HOST_SEND',
        at: host.id,
        rule: null,
        detail:
          `${host.name} may not send ${describePacket(header)} out of ${via}: under the strong host model a packet ` +
          `from ${formatIpv4(header.src)} leaves only by the interface that owns it` +
          (owner === null ? '' : ` (${owner.name})`) +
          `, unless weakHostSend is set on ${via}${owner === null ? '' : ` or on ${owner.name}`}.`,
      },
    };
  }
  const out = ifaceAt(host, best.iface);
  // engine-model.md "Local delivery": an address of the interface the packet would leave by.
  if (out.address === dst) {
    best.localDecision ??= localDecision(formatCidr(best.prefix), out.id);
    return { kind: 'local', decision: best.localDecision };
  }
  if (dstOwner !== -1) {
    const owner = ifaceAt(host, dstOwner);
    // engine-model.md "Weak host": local addresses are all local. Under the strong host model an
    // address of another NIC is not local to the sending NIC and the packet goes on the wire
    // (inference from the ILB hairpin write-up §3.1). Assumption for mixed settings: the packet stays inside
    // the guest only when the sending interface is weak-host send and the owner weak-host receive.
    if (out.weakHostSend && owner.weakHostReceive) {
      owner.localDecision ??= localDecision(`${formatIpv4(dst)}/32`, owner.id);
      return { kind: 'local', decision: owner.localDecision };
    }
  }
  return { kind: 'wire', iface: best.iface, decision: routeDecision(host, best) };
}

/**
 * engine-model.md step 12: the destination must be owned, then strong host receive, then martian
 * source. `arrivedOn` is the interface the packet came in by.
 */
export function checkGuestReceive(host: Host, arrivedOn: number, header: Header): Reason | null {
  const inIface = ifaceAt(host, arrivedOn);
  const owner = findOwner(host, header.dst);
  if (owner === -1) {
    return {
      code: 'GUEST_DST_NOT_OWNED',
      at: host.id,
      rule: null,
      detail: `${host.name} does not own ${formatIpv4(header.dst)}, the destination of ${describePacket(header)}, so it drops it (with floating IP the guest must own the frontend address, on a loopback interface).`,
    };
  }
  if (owner !== arrivedOn && !inIface.weakHostReceive) {
    const ownerIface = ifaceAt(host, owner);
    return {
      code: 'GUEST_STRONG_HOST_RECEIVE',
      at: host.id,
      rule: null,
      detail: `${inIface.name} received ${describePacket(header)} for ${formatIpv4(header.dst)}, an address of ${ownerIface.name}; under the strong host model it is accepted only if ${inIface.name} has weakHostReceive.`,
    };
  }
  // engine-model.md "Martian source": Linux drops a packet from outside whose source is one of
  // its own addresses unless accept_local is set (the kernel lab measured it for the hairpin and
  // the second-NIC set-up). Windows has no such check (assumption, the ILB hairpin write-up §1.1).
  if (host.os === 'linux' && !host.acceptLocal && ownsAddress(host, header.src)) {
    return {
      code: 'GUEST_MARTIAN_SOURCE',
      at: host.id,
      rule: null,
      detail: `${host.name} (Linux) dropped ${describePacket(header)} arriving on ${inIface.name} as a martian: its source ${formatIpv4(header.src)} is one of its own addresses and accept_local is off.`,
    };
  }
  return null;
}

function matchCidrs(list: readonly Cidr[] | null, address: number): boolean {
  if (list === null) return true;
  for (const c of list) if ((address & maskOf(c.prefixLength)) >>> 0 === c.base) return true;
  return false;
}

function matchFirewallRule(rule: FirewallRuleIn, header: Header, inbound: boolean): boolean {
  if (rule.protocol !== 'Any' && rule.protocol !== header.protocol) return false;
  const local = inbound ? { a: header.dst, p: header.dstPort } : { a: header.src, p: header.srcPort };
  const remote = inbound ? { a: header.src, p: header.srcPort } : { a: header.dst, p: header.dstPort };
  if (
    header.protocol !== 'Icmp' &&
    (!matchPorts(rule.localPorts, local.p) || !matchPorts(rule.remotePorts, remote.p))
  ) {
    return false;
  }
  return matchCidrs(rule.localAddresses, local.a) && matchCidrs(rule.remoteAddresses, remote.a);
}

export interface FirewallVerdict {
  readonly action: 'Allow' | 'Block';
  readonly rule: FirewallRuleIn | null;
}

/**
 * engine-model.md "Guest firewall": Block rules beat Allow rules; unmatched inbound traffic
 * follows `defaultInboundAction`; unmatched outbound traffic is allowed.
 */
export function evaluateFirewall(fw: FirewallIn, direction: 'Inbound' | 'Outbound', header: Header): FirewallVerdict {
  let allow: FirewallRuleIn | null = null;
  for (const r of fw.rules) {
    if (r.direction !== direction || !matchFirewallRule(r, header, direction === 'Inbound')) continue;
    if (r.action === 'Block') return { action: 'Block', rule: r };
    allow ??= r;
  }
  if (allow !== null) return { action: 'Allow', rule: allow };
  return { action: direction === 'Inbound' ? fw.defaultInboundAction : 'Allow', rule: null };
}
