/**
 * nsg: network security group evaluation (engine-model.md steps 3 and 10).
 *
 * Inputs: an NSG's custom rules, a direction, a header, the service-tag address space.
 * Outputs: the first matching rule by priority (custom rules, then Azure's default rules) and its
 *   access.
 * Invariants: pure; rules are matched in ascending priority and the first match decides
 *   (learn.microsoft.com/azure/virtual-network/network-security-groups-overview, "Security rules":
 *   "Once traffic matches a rule, processing stops"). Statefulness (replies of an allowed flow
 *   pass) is kept by the caller per NIC, not here.
 */
import { type Cidr, cidrContains } from '../shared/ipv4';
import { AZURE_PLATFORM_ADDRESS, addressMatches, portInRanges } from '../shared/nsgMatch';
import type { AddressMatch, PortRange, SecurityRuleIn, ServiceTag } from './input';
import type { Header } from './wire';

/** Azure's platform address for health probes: the AzureLoadBalancer tag (“Understand Load Balancer probes”; “Troubleshoot Azure Load Balancer health probe status”). */
export const AZURE_LB_ADDRESS = AZURE_PLATFORM_ADDRESS;

const ANY: readonly AddressMatch[] = [{ kind: 'any' }];
const tag = (traffic: ServiceTag): readonly AddressMatch[] => [{ kind: 'tag', tag: traffic }];

/**
 * Azure's default security rules, present in every NSG and not written in the file
 * (scenario-format.md "Network"; network-security-groups-overview, "Default security rules").
 */
export const DEFAULT_SECURITY_RULES: readonly SecurityRuleIn[] = [
  rule('AllowVnetInBound', 65000, 'Inbound', 'Allow', tag('VirtualNetwork'), tag('VirtualNetwork')),
  rule('AllowAzureLoadBalancerInBound', 65001, 'Inbound', 'Allow', tag('AzureLoadBalancer'), ANY),
  rule('DenyAllInBound', 65500, 'Inbound', 'Deny', ANY, ANY),
  rule('AllowVnetOutBound', 65000, 'Outbound', 'Allow', tag('VirtualNetwork'), tag('VirtualNetwork')),
  rule('AllowInternetOutBound', 65001, 'Outbound', 'Allow', ANY, tag('Internet')),
  rule('DenyAllOutBound', 65500, 'Outbound', 'Deny', ANY, ANY),
];

function rule(
  name: string,
  priority: number,
  direction: 'Inbound' | 'Outbound',
  access: 'Allow' | 'Deny',
  sources: readonly AddressMatch[],
  destinations: readonly AddressMatch[],
): SecurityRuleIn {
  return {
    name,
    priority,
    direction,
    access,
    protocol: '*',
    sources,
    sourcePorts: null,
    destinations,
    destinationPorts: null,
  };
}

/**
 * The address space behind the service tags. `VirtualNetwork` is the VNet address spaces (all
 * VNets of a scenario count as peered: assumption, as in the the ILB hairpin write-up hub-and-spoke lab) plus
 * on-premises prefixes reached through the gateway (engine-model.md step 5).
 */
export interface TagSpace {
  readonly virtualNetwork: readonly Cidr[];
}

export function isVirtualNetworkAddress(space: TagSpace, address: number): boolean {
  for (const c of space.virtualNetwork) if (cidrContains(c, address)) return true;
  return false;
}

export function matchAddress(space: TagSpace, matches: readonly AddressMatch[], address: number): boolean {
  const inVirtualNetwork = (address: number) => isVirtualNetworkAddress(space, address);
  for (const m of matches) if (addressMatches(m, address, inVirtualNetwork)) return true;
  return false;
}

export function matchPorts(ranges: readonly PortRange[] | null, port: number): boolean {
  return portInRanges(ranges, port);
}

function matchRule(space: TagSpace, rule: SecurityRuleIn, header: Header): boolean {
  if (rule.protocol !== '*' && rule.protocol !== header.protocol) return false;
  if (header.protocol === 'Icmp') {
    // Assumption: ICMP has no ports, so a rule naming specific ports never matches it.
    if (rule.sourcePorts !== null || rule.destinationPorts !== null) return false;
  } else if (!matchPorts(rule.sourcePorts, header.srcPort) || !matchPorts(rule.destinationPorts, header.dstPort)) {
    return false;
  }
  return matchAddress(space, rule.sources, header.src) && matchAddress(space, rule.destinations, header.dst);
}

export interface NsgVerdict {
  readonly rule: SecurityRuleIn;
  readonly isDefault: boolean;
  readonly access: 'Allow' | 'Deny';
}

/** The rule that decides `header` in `direction`: the lowest priority number that matches. */
export function evaluateNsg(
  space: TagSpace,
  customRules: readonly SecurityRuleIn[],
  direction: 'Inbound' | 'Outbound',
  header: Header,
): NsgVerdict {
  let best: SecurityRuleIn | null = null;
  for (const r of customRules) {
    if (r.direction !== direction || (best !== null && r.priority >= best.priority)) continue;
    if (matchRule(space, r, header)) best = r;
  }
  if (best !== null) return { rule: best, isDefault: false, access: best.access };
  for (const r of DEFAULT_SECURITY_RULES) {
    if (r.direction === direction && matchRule(space, r, header)) return { rule: r, isDefault: true, access: r.access };
  }
  // DenyAllInBound / DenyAllOutBound match everything, so this is unreachable.
  throw new Error('no default security rule matched');
}
