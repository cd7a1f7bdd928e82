/**
 * Words and colours for the trace (engine/trace.ts): what kind of packet an event carries (the
 * colour it travels in), a one-line label with its addresses and ports, what happened, and what
 * decided. Pure, so the event list, the canvas and the packet inspector say the same thing.
 */
import type { Decision, TraceEvent } from '../../engine/trace';
import type { PacketView } from '../../sim/service';

/** The colours packets travel in (issue 6: SYN, SYN-ACK, ACK, data, RST, probe; FIN apart). */
export type PacketKind = 'syn' | 'synack' | 'ack' | 'data' | 'fin' | 'rst' | 'probe';

export const PACKET_KIND_LABEL: Record<PacketKind, string> = {
  syn: 'SYN',
  synack: 'SYN-ACK',
  ack: 'ACK',
  data: 'Data',
  fin: 'FIN',
  rst: 'RST',
  probe: 'Probe',
};

export const isProbeConnection = (connection: string | null): boolean => connection?.startsWith('probe:') === true;

export function packetKind(packet: PacketView, connection: string | null): PacketKind {
  if (isProbeConnection(connection)) return 'probe';
  const flags = packet.flags;
  if (flags.includes('RST')) return 'rst';
  if (flags.includes('SYN')) return flags.includes('ACK') ? 'synack' : 'syn';
  if (flags.includes('FIN')) return 'fin';
  if (packet.protocol !== 'Tcp' || packet.http !== null || flags.includes('PSH')) return 'data';
  return 'ack';
}

/** `SYN`, `PSH-ACK GET /`, `UDP`, `ICMP echo-request`, `HTTP 200`. */
export function packetName(packet: PacketView): string {
  const http =
    packet.http === null
      ? ''
      : packet.http.kind === 'request'
        ? ` ${packet.http.method} ${packet.http.path}`
        : ` HTTP ${packet.http.status}`;
  if (packet.protocol === 'Udp') return `UDP${http}`;
  if (packet.protocol === 'Icmp') return `ICMP ${packet.icmp ?? ''}`.trim();
  const flags = packet.flags.includes('SYN') && packet.flags.includes('ACK') ? 'SYN-ACK' : packet.flags.join('-');
  return `${flags || 'TCP'}${http}`;
}

/** `SYN 10.2.1.4:53838 → 10.2.1.100:80`. */
export const packetLabel = (packet: PacketView): string => `${packetName(packet)} ${packet.src} → ${packet.dst}`;

/** The name part of an element id (`vm:web01` → `web01`, `frontend:ilb/fe` → `ilb/fe`). */
export const elementName = (id: string): string => id.slice(id.indexOf(':') + 1);

const ELEMENT_KIND: Record<string, string> = {
  vm: 'VM',
  nic: 'NIC',
  loopback: 'loopback',
  lb: 'load balancer',
  frontend: 'frontend',
  pool: 'pool',
  probe: 'probe',
  client: 'client',
  gateway: 'gateway',
  internet: 'internet',
  nsg: 'NSG',
  subnet: 'subnet',
  rule: 'rule',
};
/** `web01 (VM)`. */
export function elementLabel(id: string): string {
  const kind = id.slice(0, id.indexOf(':'));
  const name = elementName(id);
  const word = ELEMENT_KIND[kind];
  if (kind === 'gateway') return 'VNet gateway';
  if (kind === 'internet') return 'Internet';
  return word === undefined ? id : `${name} (${word})`;
}

/** What a decision says, in one line. */
export function describeDecision(d: Decision): string {
  switch (d.kind) {
    case 'securityRule':
      return `NSG ${d.nsg} on ${elementName(d.attachedTo)}: ${d.direction} rule ${d.rule} (priority ${d.priority}) → ${d.access}`;
    case 'nsgFlow':
      return `NSG on ${elementName(d.attachedTo)}: ${d.note}`;
    case 'noNsg':
      return `No NSG on ${elementName(d.attachedTo)}`;
    case 'guestRoute':
      return `Guest route ${d.prefix} (${d.via}) via ${elementName(d.interface)}${d.nextHop === null ? '' : `, next hop ${d.nextHop}`}`;
    case 'firewallRule':
      return `Guest firewall ${d.direction}: ${d.rule ?? 'default'} → ${d.action}`;
    case 'loadBalancingRule':
    case 'inboundNatRule':
      return `${d.kind === 'inboundNatRule' ? 'Inbound NAT rule' : 'LB rule'} ${d.rule} (${d.distribution}${d.floatingIp ? ', floating IP' : ''}) → ${d.chosen}`;
    case 'lbFlow':
      return `LB flow table: rule ${d.rule} → ${d.member}`;
    case 'reverseNat':
      return `Reverse NAT of rule ${d.rule}`;
    case 'socket':
      return `Socket ${d.local} ↔ ${d.remote} (${d.state})`;
    case 'listener':
      return `Listener ${d.listener} on ${d.address}:${d.port}`;
    case 'retransmission':
      return `Retransmission #${d.attempt}`;
    case 'probe':
      return `Probe ${d.probe} of ${d.member}: ${d.result}`;
    case 'event':
      return `Scenario event ${d.action}: ${d.detail}`;
    case 'flowEnd':
      return `Flow ${d.flow} ended: ${d.why}`;
    case 'snat':
      return `SNAT (${d.method}${d.rule === null ? '' : `, rule ${d.rule}`}) port ${d.port}`;
    case 'udr':
      return `Route table ${d.routeTable}: ${d.route} ${d.prefix} → ${d.nextHopType}${d.nextHop === null ? '' : ` ${d.nextHop}`}`;
    default:
      return '';
  }
}

const KIND_VERB: Record<TraceEvent['kind'], string> = {
  send: 'sent',
  hop: 'passes',
  rewrite: 'rewritten',
  deliver: 'delivered',
  drop: 'dropped',
  state: 'state',
  event: 'event',
};

/** What happened, for the event list: `dropped: TCP_SYNACK_MISMATCH`, `SYN-SENT → ESTABLISHED`. */
export function describeEvent(e: TraceEvent): string {
  if (e.kind === 'drop') return `dropped: ${e.reason?.code ?? 'unknown'}`;
  if (e.kind === 'state' && e.state !== null) return `${e.state.from} → ${e.state.to}`;
  if (e.kind === 'rewrite' && e.before !== null && e.packet !== null) {
    const changes = changedFields(e.before, e.packet)
      .map((f) => `${f} ${e.before?.[f]} → ${e.packet?.[f]}`)
      .join(', ');
    return `rewritten: ${changes}`;
  }
  const decision = e.decision === null ? '' : `: ${describeDecision(e.decision)}`;
  return `${KIND_VERB[e.kind]}${decision}`;
}

/** The address fields a NAT changed between two headers of one packet. */
export function changedFields(before: PacketView, after: PacketView): ('src' | 'dst')[] {
  const fields: ('src' | 'dst')[] = [];
  if (before.src !== after.src) fields.push('src');
  if (before.dst !== after.dst) fields.push('dst');
  return fields;
}

/** Seconds as the trace keeps them (six decimals at most), for people: `0.000250 s`, `21 s`. */
export function formatTime(seconds: number): string {
  if (seconds === 0) return '0 s';
  if (seconds < 1) return `${(seconds * 1000).toFixed(3).replace(/\.?0+$/, '')} ms`;
  return `${Number(seconds.toFixed(6))} s`;
}
