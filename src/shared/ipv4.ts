/**
 * IPv4 addresses as unsigned 32-bit integers, and CIDR prefixes. Shared by the scenario
 * validator (addresses inside subnets, overlaps) and the engine (routing, NSG matching).
 */

export interface Cidr {
  /** The network address (host bits cleared). */
  readonly base: number;
  readonly prefixLength: number;
}

const OCTET = /^(0|[1-9][0-9]{0,2})$/;

/** Parses dotted-quad IPv4 text; null for anything else (no leading zeros, no shorthand). */
export function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  const v = value >>> 0;
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

export function maskOf(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

/** Parses `a.b.c.d/n` (or a bare address as /32). `strict` refuses host bits set past the prefix. */
export function parseCidr(text: string): { cidr: Cidr; hostBitsSet: boolean } | null {
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const address = parseIpv4(addressText);
  if (address === null) return null;
  let prefixLength = 32;
  if (slash !== -1) {
    const lengthText = text.slice(slash + 1);
    if (!/^(0|[1-9][0-9]?)$/.test(lengthText)) return null;
    prefixLength = Number(lengthText);
    if (prefixLength > 32) return null;
  }
  const base = (address & maskOf(prefixLength)) >>> 0;
  return { cidr: { base, prefixLength }, hostBitsSet: base !== address };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.base)}/${cidr.prefixLength}`;
}

export function cidrContains(cidr: Cidr, address: number): boolean {
  return (address & maskOf(cidr.prefixLength)) >>> 0 === cidr.base;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const shorter = Math.min(a.prefixLength, b.prefixLength);
  const mask = maskOf(shorter);
  return (a.base & mask) >>> 0 === (b.base & mask) >>> 0;
}

/** Number of addresses in the prefix (2^(32-n)). */
export function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefixLength);
}

/**
 * Azure reserves five addresses in every subnet: the network address, .1 (default gateway),
 * .2 and .3 (Azure DNS) and the broadcast address.
 * Source: learn.microsoft.com/azure/virtual-network/virtual-networks-faq
 * ("Are there any restrictions on using IP addresses within these subnets?").
 */
export function isAzureReservedInSubnet(subnet: Cidr, address: number): boolean {
  const offset = address - subnet.base;
  return offset >= 0 && (offset <= 3 || offset === cidrSize(subnet) - 1);
}

/**
 * The fewest prefixes that hold exactly the addresses `first`–`last` (inclusive), in order: a
 * firewall's address range (`10.0.0.1-10.0.0.9`) as the prefixes the engine matches.
 */
export function rangeToCidrs(first: number, last: number): Cidr[] {
  const out: Cidr[] = [];
  let start = first >>> 0;
  const end = last >>> 0;
  while (start <= end) {
    // The largest block aligned at `start` that does not pass `end`.
    let length = 32;
    while (length > 0) {
      const size = 2 ** (32 - (length - 1));
      if (start % size !== 0 || start + size - 1 > end) break;
      length--;
    }
    out.push({ base: start, prefixLength: length });
    const next = start + 2 ** (32 - length);
    if (next > 0xffffffff) break;
    start = next;
  }
  return out;
}
