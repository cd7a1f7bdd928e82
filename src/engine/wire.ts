/**
 * wire: the packets that travel through the simulation (engine-model.md "What travels").
 *
 * Inputs: none (pure data and helpers).
 * Outputs: `Header` (one IPv4 + transport header as it is on the wire at one point of the path),
 *   `Packet` (one packet: an id, its connection and its current header), flag helpers, formatting.
 * Invariants: a `Header` is never mutated; a rewrite (DNAT, reverse NAT) builds a new header with
 *   `rewriteHeader` and the trace records the old one beside the new one. Addresses are uint32.
 *   ICMP has no ports: its ports are 0.
 */
import { formatIpv4 } from '../shared/ipv4';

export type Protocol = 'Tcp' | 'Udp' | 'Icmp';

/** IANA protocol numbers, used in the load balancer's tuple hash. */
export const PROTOCOL_NUMBER: Readonly<Record<Protocol, number>> = { Icmp: 1, Tcp: 6, Udp: 17 };

/** TCP flag bits in the order of the TCP header (RFC 9293 §3.1). */
export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

const FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [SYN, 'SYN'],
  [FIN, 'FIN'],
  [RST, 'RST'],
  [PSH, 'PSH'],
  [ACK, 'ACK'],
];

export type HttpPayload =
  | { readonly kind: 'request'; readonly method: 'GET'; readonly path: string }
  | { readonly kind: 'response'; readonly status: number };

/** `dest-unreachable`: ping's "Destination host unreachable" (a Standard public frontend with every member probed down). */
export type IcmpType = 'echo-request' | 'echo-reply' | 'dest-unreachable';

export interface Header {
  readonly protocol: Protocol;
  readonly src: number;
  readonly srcPort: number;
  readonly dst: number;
  readonly dstPort: number;
  /** TCP flags as a bit set (0 for UDP and ICMP). */
  readonly flags: number;
  readonly icmp: IcmpType | null;
  readonly http: HttpPayload | null;
  /** Cache of `tupleKey` (the header never changes, so its key is built at most once). */
  key?: string | undefined;
  /** Cache of `reverseTupleKey`. */
  rkey?: string | undefined;
}

/** Whom a packet belongs to: a connection or a probe attempt (see state.ts `Owner`). */
export interface PacketOwner {
  /** The connection id the trace prints. */
  readonly id: string;
  /** True for health-probe traffic (kept apart when deciding that the simulation may end). */
  readonly probe: boolean;
}

export interface Packet<O extends PacketOwner = PacketOwner> {
  /** Unique per simulation, kept across rewrites so the trace can follow one packet. */
  readonly id: number;
  /** The connection (or probe attempt) the packet belongs to. */
  readonly owner: O;
  header: Header;
  /** Set by the load balancer: the packet came through this frontend (for secure by default). */
  viaFrontend: { readonly lb: number; readonly frontend: number } | null;
  /** How many times a user-defined route sent it to a virtual appliance (0: never; loop guard). */
  udrHops: number;
}

export interface Endpoint {
  readonly address: number;
  readonly port: number;
}

/** Every header is built here, with one shape (the hot path of bulk mode allocates many). */
export function newHeader(
  protocol: Protocol,
  src: number,
  srcPort: number,
  dst: number,
  dstPort: number,
  flags: number,
  icmp: IcmpType | null,
  http: HttpPayload | null,
): Header {
  return {
    protocol,
    src: src >>> 0,
    srcPort,
    dst: dst >>> 0,
    dstPort,
    flags,
    icmp,
    http,
    key: undefined,
    rkey: undefined,
  };
}

export function makeHeader(fields: Partial<Header> & Pick<Header, 'protocol' | 'src' | 'dst'>): Header {
  return newHeader(
    fields.protocol,
    fields.src,
    fields.srcPort ?? 0,
    fields.dst,
    fields.dstPort ?? 0,
    fields.flags ?? 0,
    fields.icmp ?? null,
    fields.http ?? null,
  );
}

/** A new header with new addresses and ports: every rewrite (DNAT, reverse NAT) goes through here. */
export function rewriteAddresses(header: Header, src: number, srcPort: number, dst: number, dstPort: number): Header {
  return newHeader(header.protocol, src, srcPort, dst, dstPort, header.flags, header.icmp, header.http);
}

/** A new header with some fields replaced. */
export function rewriteHeader(header: Header, change: Partial<Pick<Header, 'src' | 'srcPort' | 'dst' | 'dstPort'>>) {
  return rewriteAddresses(
    header,
    change.src ?? header.src,
    change.srcPort ?? header.srcPort,
    change.dst ?? header.dst,
    change.dstPort ?? header.dstPort,
  );
}

/** The header of a reply: source and destination swapped. */
export function replyHeader(header: Header, fields: Partial<Header>): Header {
  return newHeader(
    header.protocol,
    fields.src ?? header.dst,
    fields.srcPort ?? header.dstPort,
    fields.dst ?? header.src,
    fields.dstPort ?? header.srcPort,
    fields.flags ?? 0,
    fields.icmp ?? null,
    fields.http ?? null,
  );
}

export const hasFlag = (header: Header, flag: number): boolean => (header.flags & flag) !== 0;
export const isSyn = (header: Header): boolean => header.protocol === 'Tcp' && (header.flags & (SYN | ACK)) === SYN;
export const isSynAck = (header: Header): boolean =>
  header.protocol === 'Tcp' && (header.flags & (SYN | ACK)) === (SYN | ACK);

export function flagNames(flags: number): string[] {
  const names: string[] = [];
  for (const [bit, name] of FLAG_NAMES) if ((flags & bit) !== 0) names.push(name);
  return names;
}

/** `SYN`, `SYN-ACK`, `RST-ACK`, `PSH-ACK` ... as packet captures print them. */
export function describeFlags(flags: number): string {
  return flagNames(flags).join('-');
}

export function formatEndpoint(address: number, port: number): string {
  return `${formatIpv4(address)}:${port}`;
}

export const formatSource = (header: Header): string =>
  header.protocol === 'Icmp' ? formatIpv4(header.src) : formatEndpoint(header.src, header.srcPort);
export const formatDestination = (header: Header): string =>
  header.protocol === 'Icmp' ? formatIpv4(header.dst) : formatEndpoint(header.dst, header.dstPort);

/**
 * The one encoding of a direction-sensitive 5-tuple key: seven UTF-16 code units (the protocol's
 * initial, each address as two 16-bit halves, each port as one), cheaper to build and to hash
 * than decimal text. Every flow table keyed by tuple builds its keys here.
 */
export function tupleKeyOf(protocol: string, src: number, srcPort: number, dst: number, dstPort: number): string {
  return String.fromCharCode(
    protocol.charCodeAt(0),
    src >>> 16,
    src & 0xffff,
    srcPort,
    dst >>> 16,
    dst & 0xffff,
    dstPort,
  );
}

/** A direction-sensitive key of the 5-tuple (built once per header). */
export function tupleKey(header: Header): string {
  if (header.key === undefined)
    header.key = tupleKeyOf(header.protocol, header.src, header.srcPort, header.dst, header.dstPort);
  return header.key;
}

/** The key of the reply direction of `header`'s flow (built once per header). */
export function reverseTupleKey(header: Header): string {
  if (header.rkey === undefined)
    header.rkey = tupleKeyOf(header.protocol, header.dst, header.dstPort, header.src, header.srcPort);
  return header.rkey;
}

/** What a packet looks like in the trace and in the UI: plain, serialisable, readable. */
export interface PacketView {
  readonly id: number;
  readonly protocol: Protocol;
  readonly src: string;
  readonly dst: string;
  readonly flags: string[];
  readonly icmp: IcmpType | null;
  readonly http: HttpPayload | null;
}

export function viewHeader(id: number, header: Header): PacketView {
  return {
    id,
    protocol: header.protocol,
    src: formatSource(header),
    dst: formatDestination(header),
    flags: flagNames(header.flags),
    icmp: header.icmp,
    http: header.http,
  };
}

/** A short label for sentences: `SYN-ACK 10.2.1.4:80 → 10.2.1.4:49152`. */
export function describePacket(header: Header): string {
  const kind =
    header.protocol === 'Tcp'
      ? describeFlags(header.flags) || 'segment'
      : header.protocol === 'Udp'
        ? 'UDP datagram'
        : `ICMP ${header.icmp ?? 'packet'}`;
  return `${kind} ${formatSource(header)} → ${formatDestination(header)}`;
}
