/**
 * lb: the load balancer's decisions at a frontend (engine-model.md steps 6–9).
 *
 * Inputs: a load balancer of the engine input, the frontend a packet reached, the header, the
 *   simulation seed, and which members are probed up.
 * Outputs: the matching rule (`matchFrontendRule`), the backend choice (`pickBackend`, with the
 *   hash inputs the trace shows), the flow-table key (`flowKey`) and the rewritten destination
 *   (`rewriteForMember`).
 * Invariants: pure. The hash is `hashWords(seed, tuple)` from src/shared/hash.ts (murmur3-style,
 *   seeded by the scenario's `seed`), and the member is `floor(hash × n / 2³²)` over the candidate
 *   list in pool order: uniform over members, reproducible in Node and the browser. Azure's own
 *   hash is not public; which member one tuple lands on is not a fidelity target, the shape of the
 *   distribution is (engine-model.md step 8).
 */
import { hashWords } from '../shared/hash';
import { formatIpv4 } from '../shared/ipv4';
import { mix32 } from '../shared/prng';
import type { LbRuleIn, LoadBalancerIn, LoadDistribution, NatRuleIn } from './input';
import { type Header, PROTOCOL_NUMBER } from './wire';

export type RuleMatch =
  | { readonly kind: 'rule'; readonly index: number; readonly rule: LbRuleIn }
  | { readonly kind: 'nat'; readonly index: number; readonly rule: NatRuleIn };

function ruleCovers(protocol: 'Tcp' | 'Udp' | 'All', port: number, header: Header): boolean {
  if (header.protocol === 'Icmp') return false;
  if (protocol !== 'All' && protocol !== header.protocol) return false;
  // engine-model.md step 6: protocol All with ports 0 is an HA-ports rule (TCP and UDP on every port).
  if (protocol === 'All' && port === 0) return true;
  return port === header.dstPort;
}

/**
 * The rule a packet to frontend `frontend` matches: an inbound NAT rule, then a load-balancing
 * rule on that port, then an HA-ports rule (assumption: the most specific wins; Azure refuses
 * overlapping rules on deployment, so the order matters only with HA ports).
 */
export function matchFrontendRule(lb: LoadBalancerIn, frontend: number, header: Header): RuleMatch | null {
  for (let i = 0; i < lb.natRules.length; i++) {
    const r = lb.natRules[i] as NatRuleIn;
    if (r.frontend === frontend && ruleCovers(r.protocol, r.frontendPort, header))
      return { kind: 'nat', index: i, rule: r };
  }
  let haPorts: RuleMatch | null = null;
  for (let i = 0; i < lb.rules.length; i++) {
    const r = lb.rules[i] as LbRuleIn;
    if (r.frontend !== frontend || !ruleCovers(r.protocol, r.frontendPort, header)) continue;
    if (r.protocol === 'All' && r.frontendPort === 0) haPorts ??= { kind: 'rule', index: i, rule: r };
    else return { kind: 'rule', index: i, rule: r };
  }
  return haPorts;
}

/**
 * The tuple hashed for `loadDistribution` (“What is Azure Load Balancer?” "Load balancing"; engine-model.md step 8):
 * Default = source IP, source port, destination IP, destination port, protocol;
 * SourceIPProtocol = source IP, destination IP, protocol; SourceIP = source IP, destination IP.
 */
export function hashTuple(seed: number, distribution: LoadDistribution, header: Header) {
  const proto = PROTOCOL_NUMBER[header.protocol];
  let words: number[];
  let inputs: string[];
  switch (distribution) {
    case 'Default':
      words = [header.src, header.srcPort, header.dst, header.dstPort, proto];
      inputs = [
        formatIpv4(header.src),
        String(header.srcPort),
        formatIpv4(header.dst),
        String(header.dstPort),
        header.protocol,
      ];
      break;
    case 'SourceIPProtocol':
      words = [header.src, header.dst, proto];
      inputs = [formatIpv4(header.src), formatIpv4(header.dst), header.protocol];
      break;
    case 'SourceIP':
      words = [header.src, header.dst];
      inputs = [formatIpv4(header.src), formatIpv4(header.dst)];
      break;
  }
  return { hash: hashWords(seed, words), inputs };
}

/**
 * The same hash as `hashTuple` without the printable inputs (the bulk-mode hot path): the words
 * are hashed in the same order, so `hashOf(...) === hashTuple(...).hash`.
 */
export function hashOf(seed: number, distribution: LoadDistribution, header: Header): number {
  const proto = PROTOCOL_NUMBER[header.protocol];
  // Word by word as `hashWords` does (murmur3 block mixing), without building the word list.
  let x = mixWord(seed >>> 0, header.src);
  switch (distribution) {
    case 'Default':
      x = mixWord(mixWord(mixWord(mixWord(x, header.srcPort), header.dst), header.dstPort), proto);
      return mix32((x ^ 20) >>> 0);
    case 'SourceIPProtocol':
      x = mixWord(mixWord(x, header.dst), proto);
      return mix32((x ^ 12) >>> 0);
    case 'SourceIP':
      return mix32((mixWord(x, header.dst) ^ 8) >>> 0);
  }
}

/** One block of `hashWords` (src/shared/hash.ts). */
function mixWord(hash: number, word: number): number {
  let k = Math.imul(word >>> 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let x = hash ^ k;
  x = (x << 13) | (x >>> 19);
  return (Math.imul(x, 5) + 0xe6546b64) | 0;
}

/** Index of the chosen member among `count` candidates: `floor(hash × count / 2³²)`. */
export function pickIndex(hash: number, count: number): number {
  return Math.floor(((hash >>> 0) / 4294967296) * count);
}

export interface BackendChoice {
  /** Index into `EngineInput.nics`. */
  readonly nic: number;
  readonly hash: number;
  readonly inputs: string[];
}

/** engine-model.md step 8: a seeded hash of the distribution's tuple over the candidates. */
export function pickBackend(
  seed: number,
  distribution: LoadDistribution,
  header: Header,
  candidates: readonly number[],
): BackendChoice | null {
  if (candidates.length === 0) return null;
  const { hash, inputs } = hashTuple(seed, distribution, header);
  const nic = candidates[pickIndex(hash, candidates.length)] as number;
  return { nic, hash, inputs };
}

/**
 * The flow-table key at a frontend: the packet's 5-tuple as the client sent it (engine-model.md
 * step 7: "a packet of a known flow goes where the flow went before").
 */
export function flowKey(lb: number, frontend: number, header: Header): string {
  return `${lb}|${frontend}|${header.protocol}|${header.src}|${header.srcPort}|${header.dst}|${header.dstPort}`;
}

/**
 * engine-model.md step 9: without floating IP the destination becomes the member's primary
 * address and the backend port (port 0 keeps the port); with floating IP the destination address
 * stays the frontend address with the backend port. The source never changes (“What is Azure Load Balancer?”
 * "Application independence and transparency"; “Troubleshoot Azure Load Balancer” cause 4: no SNAT on an internal LB).
 */
export function rewriteForMember(
  header: Header,
  floatingIp: boolean,
  memberAddress: number,
  backendPort: number,
): { dst: number; dstPort: number } {
  return {
    dst: floatingIp ? header.dst : memberAddress,
    dstPort: backendPort === 0 ? header.dstPort : backendPort,
  };
}
