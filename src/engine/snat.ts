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
      /** This NIC's SNAT ports, on one frontend IP or spread over several, in the order they are taken. */
      readonly ranges: readonly SnatRange[];
      /** How many ports the ranges hold. */
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

/** SNAT ports [base, base + size) on one public address. */
export interface SnatRange {
  readonly address: number;
  readonly base: number;
  readonly size: number;
}

/**
 * "When a public IP address is added as a frontend IP to a load balancer, 64,000 ports are eligible
 * for SNAT" (articles/load-balancer/load-balancer-outbound-connections.md, ms.date 03/06/2023,
 * "What are SNAT ports?").
 */
export const SNAT_PORTS_PER_IP = 64_000;

/** Assumption: the 64,000 ports of a frontend IP are 1024–65023, handed out in pool order. */
const SNAT_FIRST_PORT = 1024;

/** "Backends will receive the number of ports defined by the table, per frontend IP, up to a maximum of 1024 ports" (ibid., "Default port allocation table"). */
export const DEFAULT_SNAT_MAX = 1024;

/**
 * An explicit allocation (an outbound rule's `allocatedOutboundPorts`): the `index`-th member's
 * `size` ports, laid end to end with the other members' over the rule's frontend IPs, 64,000 to
 * each — "Each extra IP address provided by a frontend provides another 64,000 ephemeral ports"
 * (articles/load-balancer/outbound-rules.md, ms.date 05/08/2023); "frontend IPs are consumed one at
 * a time" (load-balancer-outbound-connections.md as of 2022). Validation refuses an allocation
 * beyond the frontends' ports, as Azure does; here the ranges simply stop there.
 */
export function explicitSnatRanges(addresses: readonly number[], index: number, size: number): SnatRange[] {
  const out: SnatRange[] = [];
  let slot = index * size;
  let left = size;
  while (left > 0) {
    const address = addresses[Math.floor(slot / SNAT_PORTS_PER_IP)];
    if (address === undefined) break;
    const offset = slot % SNAT_PORTS_PER_IP;
    const take = Math.min(left, SNAT_PORTS_PER_IP - offset);
    out.push({ address, base: SNAT_FIRST_PORT + offset, size: take });
    slot += take;
    left -= take;
  }
  return out;
}

/**
 * The default allocation: the table's ports for the pool's size on each frontend IP, "up to a
 * maximum of 1024 ports": "with 100 VMs in a backend pool and only one frontend IP, each VM will
 * receive 512 ports. If a second frontend IP is added, each VM will receive an additional 512
 * ports ... adding a third frontend IP will NOT increase the number of allocated SNAT ports beyond
 * 1024", i.e. MIN(table ports × frontend IPs, 1024) (load-balancer-outbound-connections.md, ms.date
 * 03/06/2023). The `index`-th member takes its share at the same place on each frontend IP.
 */
export function defaultSnatRanges(addresses: readonly number[], index: number, perIp: number): SnatRange[] {
  const out: SnatRange[] = [];
  let left = Math.min(perIp * addresses.length, DEFAULT_SNAT_MAX);
  for (const address of addresses) {
    if (left <= 0) break;
    const take = Math.min(perIp, left);
    out.push({ address, base: SNAT_FIRST_PORT + index * perIp, size: take });
    left -= take;
  }
  return out;
}

const sizeOf = (ranges: readonly SnatRange[]) => ranges.reduce((sum, r) => sum + r.size, 0);

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
      const addresses = r.frontends.flatMap((f) => {
        const fe = lb.frontends[f];
        return fe === undefined ? [] : [fe.address];
      });
      if (index === -1 || addresses.length === 0 || !covers(r.protocol, protocol)) continue;
      // allocatedOutboundPorts 0: "Revert to the default port allocation" (outbound-rules.md).
      const ranges =
        r.allocatedPorts === 0
          ? defaultSnatRanges(addresses, index, lb.pools[r.pool]?.defaultSnatPorts ?? DEFAULT_SNAT_MAX)
          : explicitSnatRanges(addresses, index, r.allocatedPorts);
      return {
        kind: 'snat',
        method: 'outboundRule',
        ruleId: r.id,
        ruleName: r.name,
        ranges,
        size: sizeOf(ranges),
        idleUs: r.idleTimeoutUs,
        resetOnIdle: r.enableTcpReset,
      };
    }
  }
  let inStandard = false;
  for (const lb of lbs) {
    if (lb.pools.some((pool) => pool.members.includes(nicIndex)) && lb.sku === 'Standard') inStandard = true;
    const snats = (r: LoadBalancerIn['rules'][number]) =>
      lb.frontends[r.frontend]?.isPublic === true && !r.disableOutboundSnat && covers(r.protocol, protocol);
    for (const r of lb.rules) {
      const pool = lb.pools[r.pool];
      const index = pool?.members.indexOf(nicIndex) ?? -1;
      if (pool === undefined || index === -1 || !snats(r)) continue;
      // The default allocation over the public frontend IPs of the rules that SNAT this pool's
      // flows of this protocol (the first rule's first), each address once. Assumption: the docs
      // speak of "frontend IPs associated with the pool" without saying which rules associate them.
      const addresses: number[] = [];
      for (const other of lb.rules) {
        const fe = lb.frontends[other.frontend];
        if (other.pool !== r.pool || !snats(other) || fe === undefined) continue;
        if (!addresses.includes(fe.address)) addresses.push(fe.address);
      }
      const ranges = defaultSnatRanges(addresses, index, pool.defaultSnatPorts);
      return {
        kind: 'snat',
        method: 'loadBalancingRule',
        ruleId: r.id,
        ruleName: r.name,
        ranges,
        size: sizeOf(ranges),
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
      ranges: [{ address: defaultOutboundAddress(nicIndex), base: SNAT_FIRST_PORT, size: DEFAULT_SNAT_MAX }],
      size: DEFAULT_SNAT_MAX,
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
