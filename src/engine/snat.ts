/**
 * snat: outbound translation for a destination on the internet (engine-model.md step 4).
 *
 * Inputs: the load balancers as the events left them, the NIC that sends, the protocol.
 * Outputs: `chooseOutbound`, the method Azure uses for that NIC, in Azure's order of precedence,
 *   with the public address, the NIC's SNAT port range and the idle timeout; `snatDestKey`, the
 *   key under which a SNAT port is taken toward one destination.
 * Invariants: pure. Sources: learn.microsoft.com/azure/load-balancer/load-balancer-outbound-connections
 *   ("Azure's outbound connectivity methods", "Default port allocation table", "Exhausting ports",
 *   "Constraints") and learn.microsoft.com/azure/load-balancer/outbound-rules; “What is Azure Load Balancer?” SKU table
 *   ("Outbound connections", "Outbound Rules") and its limitations (no ICMP through SNAT).
 */
import { parseIpv4 } from '../shared/ipv4';
import type { LoadBalancerIn, NicIn } from './input';
import type { Protocol } from './wire';

export type OutboundMethod = 'publicIp' | 'outboundRule' | 'loadBalancingRule' | 'defaultOutbound';

export type OutboundChoice =
  | { readonly kind: 'publicIp'; readonly address: number }
  | {
      readonly kind: 'snat';
      readonly method: Exclude<OutboundMethod, 'publicIp'>;
      /** The element id and name of the rule that translates (null for default outbound access). */
      readonly ruleId: string | null;
      readonly ruleName: string | null;
      readonly address: number;
      /** This NIC's SNAT ports: [base, base + size). */
      readonly base: number;
      readonly size: number;
      readonly idleUs: number;
      /** `enableTcpReset` of the rule: both ends get a RST when the translation idles out. */
      readonly resetOnIdle: boolean;
    }
  | { readonly kind: 'none'; readonly detail: string };

/** Azure's default idle timeout, 4 minutes (engine-model.md "Idle timeout"). */
const DEFAULT_IDLE_US = 240_000_000;

/**
 * Assumption: Azure's default outbound access uses "a dynamic IP assigned by Azure that you can't
 * control" (load-balancer-outbound-connections, "Default outbound access"); the engine gives NIC
 * `n` the address 198.18.0.1 + n from the benchmarking range (RFC 2544), which no scenario uses,
 * and 1,024 ports, the default table's figure for one instance.
 */
export const DEFAULT_OUTBOUND_BASE = parseIpv4('198.18.0.1') as number;
export const defaultOutboundAddress = (nic: number): number => (DEFAULT_OUTBOUND_BASE + nic) >>> 0;

/** Assumption: each member's SNAT ports are a contiguous range from 1024, in pool order. */
const SNAT_FIRST_PORT = 1024;

const covers = (ruleProtocol: 'Tcp' | 'Udp' | 'All', wanted: Protocol) =>
  ruleProtocol === 'All' || ruleProtocol === wanted;

/**
 * engine-model.md step 4, in Azure's order: an instance-level public IP ("This scenario takes
 * precedence over the others"; stateless 1:1 NAT, every protocol); else an outbound rule of a
 * Standard load balancer whose pool holds the NIC; else SNAT through a load-balancing rule on a
 * public frontend unless `disableOutboundSnat` ("Outbound SNAT programming depends on the transport
 * protocol of the inbound load-balancing rule", “What is Azure Load Balancer?”); else default outbound access when no
 * Standard load balancer holds the NIC (a Basic one, or none: "Use of a basic SKU load balancer",
 * "A virtual machine in Azure (without the associations mentioned above)"); else none: a member of
 * a Standard internal load balancer only has no outbound connectivity (“What is Azure Load Balancer?”: "an outbound
 * scenario must be explicitly created"). SNAT translates TCP and UDP only (“What is Azure Load Balancer?” limitations:
 * "port masquerade SNAT is only supported for TCP and UDP ... ICMP fail").
 */
export function chooseOutbound(
  lbs: readonly LoadBalancerIn[],
  nics: readonly NicIn[],
  nicIndex: number,
  protocol: Protocol,
): OutboundChoice {
  const nic = nics[nicIndex];
  if (nic === undefined) return { kind: 'none', detail: 'no such network interface' };
  if (nic.publicIp !== null) return { kind: 'publicIp', address: nic.publicIp };
  if (protocol === 'Icmp') {
    return {
      kind: 'none',
      detail: `${nic.name} has no instance-level public IP, and SNAT translates only TCP and UDP (ICMP fails; “What is Azure Load Balancer?” limitations).`,
    };
  }
  for (const lb of lbs) {
    if (lb.sku !== 'Standard') continue;
    for (const r of lb.outboundRules) {
      const members = lb.pools[r.pool]?.members ?? [];
      const index = members.indexOf(nicIndex);
      const fe = lb.frontends[r.frontends[0] ?? -1];
      if (index === -1 || fe === undefined || !covers(r.protocol, protocol)) continue;
      return {
        kind: 'snat',
        method: 'outboundRule',
        ruleId: r.id,
        ruleName: r.name,
        // load-balancer-outbound-connections: "frontend IPs are consumed one at a time".
        address: fe.address,
        base: SNAT_FIRST_PORT + index * r.allocatedPorts,
        size: r.allocatedPorts,
        idleUs: r.idleTimeoutUs,
        resetOnIdle: r.enableTcpReset,
      };
    }
  }
  let inStandard = false;
  for (const lb of lbs) {
    if (lb.pools.some((pool) => pool.members.includes(nicIndex)) && lb.sku === 'Standard') inStandard = true;
    for (const r of lb.rules) {
      const pool = lb.pools[r.pool];
      const index = pool?.members.indexOf(nicIndex) ?? -1;
      const fe = lb.frontends[r.frontend];
      if (pool === undefined || index === -1 || fe === undefined || !fe.isPublic) continue;
      if (r.disableOutboundSnat || !covers(r.protocol, protocol)) continue;
      return {
        kind: 'snat',
        method: 'loadBalancingRule',
        ruleId: r.id,
        ruleName: r.name,
        address: fe.address,
        base: SNAT_FIRST_PORT + index * pool.defaultSnatPorts,
        size: pool.defaultSnatPorts,
        // Assumption: the load-balancing rule's idle timeout applies to its SNAT flows too.
        idleUs: r.idleTimeoutUs,
        resetOnIdle: r.enableTcpReset,
      };
    }
  }
  if (!inStandard) {
    return {
      kind: 'snat',
      method: 'defaultOutbound',
      ruleId: null,
      ruleName: null,
      address: defaultOutboundAddress(nicIndex),
      base: SNAT_FIRST_PORT,
      size: 1024,
      idleUs: DEFAULT_IDLE_US,
      resetOnIdle: false,
    };
  }
  return {
    kind: 'none',
    detail: `${nic.name} is in the pool of a Standard load balancer with no outbound rule and no load-balancing rule on a public frontend that SNATs, so it has no outbound connectivity (“What is Azure Load Balancer?”: an outbound scenario must be explicitly created; an internal Standard load balancer gives none).`,
  };
}

/**
 * The key under which a SNAT port is taken toward one destination (load-balancer-outbound-connections,
 * "Exhausting ports"): TCP "a single SNAT port for every destination IP and port", so a port is
 * reused toward a different destination address or port; UDP "port-restricted cone NAT ... one
 * SNAT port per destination IP whatever the destination port".
 */
export function snatDestKey(protocol: Protocol, address: number, dst: number, dstPort: number): string {
  return protocol === 'Tcp' ? `T|${address}|${dst}|${dstPort}` : `U|${address}|${dst}`;
}
