/**
 * The syntax and matching of NSG port ranges and address prefixes, once for the three layers that
 * read them: the scenario's rules (with a message for each refusal), the compiler (which turns
 * them into engine input) and the engine's NSG evaluation.
 */
import { type Cidr, cidrContains, parseCidr, parseIpv4 } from './ipv4';

/** An inclusive port range. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export const ANY_PORT_RANGE: PortRange = { from: 0, to: 65535 };

/**
 * `*`, `80` or `8000-8999` (spaces around the numbers allowed), or null when the text is none of
 * these. Bounds are not checked here: the rules report a port past 65535 or a range that starts
 * above its end, and compile only validated documents.
 */
export function parsePortRange(text: string): PortRange | null {
  if (text === '*') return ANY_PORT_RANGE;
  const m = /^\s*([0-9]+)\s*(?:-\s*([0-9]+)\s*)?$/.exec(text);
  if (m === null) return null;
  const from = Number(m[1]);
  return { from, to: m[2] === undefined ? from : Number(m[2]) };
}

/** Whether `port` is in one of `ranges`; null is any port. */
export function portInRanges(ranges: readonly PortRange[] | null, port: number): boolean {
  if (ranges === null) return true;
  for (const r of ranges) if (port >= r.from && port <= r.to) return true;
  return false;
}

/** The service tags Hairpin knows, written exactly so in a file (as in ARM templates). */
export const SERVICE_TAGS = ['VirtualNetwork', 'AzureLoadBalancer', 'Internet'] as const;
export type ServiceTag = (typeof SERVICE_TAGS)[number];

export type AddressMatch =
  | { readonly kind: 'any' }
  | { readonly kind: 'cidr'; readonly cidr: Cidr }
  | { readonly kind: 'tag'; readonly tag: ServiceTag };

/**
 * An NSG address prefix: `*`, a service tag, a CIDR or an address (its host bits ignored here;
 * the rules refuse them), or null when it is none of these.
 */
export function parseAddressMatch(text: string): AddressMatch | null {
  if (text === '*') return { kind: 'any' };
  const tag = SERVICE_TAGS.find((t) => t === text);
  if (tag !== undefined) return { kind: 'tag', tag };
  const parsed = parseCidr(text);
  return parsed === null ? null : { kind: 'cidr', cidr: parsed.cidr };
}

/** Azure's platform address for health probes: what the AzureLoadBalancer tag stands for. */
export const AZURE_PLATFORM_ADDRESS = parseIpv4('168.63.129.16') as number;

/**
 * Whether `address` matches; `inVirtualNetwork` says what the VirtualNetwork tag covers (the
 * VNets' address spaces, and on-premises prefixes where the caller counts them).
 */
export function addressMatches(
  match: AddressMatch,
  address: number,
  inVirtualNetwork: (address: number) => boolean,
): boolean {
  switch (match.kind) {
    case 'any':
      return true;
    case 'cidr':
      return cidrContains(match.cidr, address);
    case 'tag':
      switch (match.tag) {
        case 'VirtualNetwork':
          return inVirtualNetwork(address);
        case 'AzureLoadBalancer':
          return address === AZURE_PLATFORM_ADDRESS;
        case 'Internet':
          // Assumption: the Internet tag is everything outside the VirtualNetwork tag and the
          // platform address (service-tags overview: "the IP address space that's outside the
          // virtual network and reachable by the public internet").
          return address !== AZURE_PLATFORM_ADDRESS && !inVirtualNetwork(address);
      }
  }
}
