import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../shared/ipv4';
import type { LbRuleIn, LoadBalancerIn } from './input';
import { flowKey, hashOf, hashTuple, matchFrontendRule, pickBackend, pickIndex, rewriteForMember } from './lb';
import { makeHeader, SYN } from './wire';

const ip = (t: string) => parseIpv4(t) as number;
const lbRule = (over: Partial<LbRuleIn>): LbRuleIn => ({
  id: 'rule:lb/r',
  name: 'r',
  frontend: 0,
  pool: 0,
  probe: null,
  protocol: 'Tcp',
  frontendPort: 80,
  backendPort: 80,
  loadDistribution: 'Default',
  enableFloatingIP: false,
  idleTimeoutUs: 240_000_000,
  enableTcpReset: false,
  disableOutboundSnat: false,
  ...over,
});
const lb: LoadBalancerIn = {
  id: 'lb:lb',
  name: 'lb',
  sku: 'Standard',
  frontends: [{ id: 'frontend:lb/fe', name: 'fe', address: ip('10.2.1.100'), isPublic: false }],
  pools: [{ id: 'pool:lb/pool', name: 'pool', members: [0, 1, 2], defaultSnatPorts: 1024, adminStates: [] }],
  probes: [],
  rules: [lbRule({ name: 'http' }), lbRule({ name: 'ha', protocol: 'All', frontendPort: 0, backendPort: 0 })],
  natRules: [
    {
      id: 'natRule:lb/ssh',
      name: 'ssh',
      frontend: 0,
      protocol: 'Tcp',
      frontendPort: 50001,
      backendPort: 22,
      nic: 1,
      enableFloatingIP: false,
      idleTimeoutUs: 240_000_000,
      enableTcpReset: false,
    },
  ],
  outboundRules: [],
};
const tcp = (dport: number, sport = 40000, src = '10.2.1.4') =>
  makeHeader({ protocol: 'Tcp', src: ip(src), srcPort: sport, dst: ip('10.2.1.100'), dstPort: dport, flags: SYN });

describe('matchFrontendRule', () => {
  it('prefers an inbound NAT rule, then a port rule, then HA ports (engine-model.md step 6)', () => {
    expect(matchFrontendRule(lb, 0, tcp(50001))?.rule.name).toBe('ssh');
    expect(matchFrontendRule(lb, 0, tcp(80))?.rule.name).toBe('http');
    expect(matchFrontendRule(lb, 0, tcp(443))?.rule.name).toBe('ha');
    expect(
      matchFrontendRule(lb, 0, makeHeader({ protocol: 'Udp', src: 1, dst: ip('10.2.1.100'), dstPort: 53 }))?.rule.name,
    ).toBe('ha');
  });
  it('never matches ICMP', () => {
    expect(
      matchFrontendRule(lb, 0, makeHeader({ protocol: 'Icmp', src: 1, dst: ip('10.2.1.100'), icmp: 'echo-request' })),
    ).toBeNull();
  });
});

describe('pickBackend', () => {
  it('is deterministic for a seed and a tuple, and depends on the seed', () => {
    const a = pickBackend(1, 'Default', tcp(80), [0, 1, 2]);
    const b = pickBackend(1, 'Default', tcp(80), [0, 1, 2]);
    expect(a).toEqual(b);
    const hashes = new Set([1, 2, 3, 4, 5].map((seed) => hashTuple(seed, 'Default', tcp(80)).hash));
    expect(hashes.size).toBe(5);
  });
  it('spreads the 5-tuple hash evenly over the members (“What is Azure Load Balancer?”: hash-based distribution)', () => {
    const counts = new Map<number, number>();
    for (let port = 10000; port < 40000; port++) {
      const nic = pickBackend(1, 'Default', tcp(80, port), [0, 1, 2])?.nic ?? -1;
      counts.set(nic, (counts.get(nic) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([0, 1, 2]);
    for (const c of counts.values()) expect(Math.abs(c - 10000)).toBeLessThan(400);
  });
  it('keeps one client on one member with SourceIP (2-tuple) whatever its source port', () => {
    const members = new Set<number>();
    for (let port = 10000; port < 10100; port++)
      members.add(pickBackend(9, 'SourceIP', tcp(80, port), [0, 1, 2])?.nic ?? -1);
    expect(members.size).toBe(1);
    expect(hashTuple(9, 'SourceIPProtocol', tcp(80)).inputs).toEqual(['10.2.1.4', '10.2.1.100', 'Tcp']);
  });
  it('returns null when there is no candidate', () => {
    expect(pickBackend(1, 'Default', tcp(80), [])).toBeNull();
  });
  it('maps the hash onto the candidates by multiply-shift', () => {
    expect(pickIndex(0, 3)).toBe(0);
    expect(pickIndex(0xffffffff, 3)).toBe(2);
  });
});

describe('rewriteForMember', () => {
  it('DNATs to the member address without floating IP; keeps the frontend address with it', () => {
    const h = tcp(80);
    expect(rewriteForMember(h, false, ip('10.2.1.4'), 8080)).toEqual({ dst: ip('10.2.1.4'), dstPort: 8080 });
    expect(rewriteForMember(h, true, ip('10.2.1.4'), 80)).toEqual({ dst: ip('10.2.1.100'), dstPort: 80 });
    expect(rewriteForMember(h, false, ip('10.2.1.4'), 0)).toEqual({ dst: ip('10.2.1.4'), dstPort: 80 });
  });
});

describe('hashOf', () => {
  it('equals hashTuple’s hash for every load distribution', () => {
    const h = makeHeader({
      protocol: 'Tcp',
      src: ip('192.168.2.1'),
      srcPort: 50123,
      dst: ip('10.2.1.100'),
      dstPort: 80,
    });
    for (const d of ['Default', 'SourceIPProtocol', 'SourceIP'] as const) {
      for (const seed of [1, 2, 0xdeadbeef]) expect(hashOf(seed, d, h)).toBe(hashTuple(seed, d, h).hash);
    }
  });
});

describe('matchFrontendRule: what a rule covers', () => {
  // articles/load-balancer/load-balancer-ha-ports-overview.md: an HA-ports rule is protocol All on
  // frontend and backend port 0; any other rule covers its own protocol and port only.
  const two: LoadBalancerIn = {
    ...lb,
    frontends: [...lb.frontends, { id: 'frontend:lb/fe2', name: 'fe2', address: ip('10.2.1.101'), isPublic: false }],
    natRules: [{ ...(lb.natRules[0] as LoadBalancerIn['natRules'][number]), frontend: 1 }],
    rules: [
      lbRule({ name: 'ha', protocol: 'All', frontendPort: 0, backendPort: 0 }),
      lbRule({ name: 'dns', protocol: 'All', frontendPort: 53, backendPort: 53 }),
      lbRule({ name: 'tcp0', protocol: 'Tcp', frontendPort: 0, backendPort: 0, frontend: 1 }),
      lbRule({ name: 'http', protocol: 'Tcp', frontendPort: 80 }),
    ],
  };
  const udp = (dport: number) =>
    makeHeader({ protocol: 'Udp', src: ip('10.2.1.4'), srcPort: 40000, dst: ip('10.2.1.100'), dstPort: dport });

  it('a rule for one protocol does not take the other on its port', () => {
    expect(matchFrontendRule(lb, 0, udp(80))).toEqual({ kind: 'rule', index: 1, rule: lb.rules[1] });
  });
  it('a port rule beats HA ports listed before it; protocol All on a port covers that port only', () => {
    expect(matchFrontendRule(two, 0, tcp(80))).toEqual({ kind: 'rule', index: 3, rule: two.rules[3] });
    expect(matchFrontendRule(two, 0, udp(53))?.rule.name).toBe('dns');
    expect(matchFrontendRule(two, 0, tcp(53))?.rule.name).toBe('dns');
    expect(matchFrontendRule(two, 0, tcp(443))).toEqual({ kind: 'rule', index: 0, rule: two.rules[0] });
  });
  it('a TCP rule on port 0 is not HA ports', () => {
    const h = makeHeader({ protocol: 'Tcp', src: ip('10.2.1.4'), srcPort: 40000, dst: ip('10.2.1.101'), dstPort: 443 });
    expect(matchFrontendRule(two, 1, h)).toBeNull();
  });
  it('rules and inbound NAT rules apply at their own frontend only', () => {
    expect(matchFrontendRule(two, 0, tcp(50001))?.rule.name).toBe('ha');
    const toFe2 = makeHeader({
      protocol: 'Tcp',
      src: ip('10.2.1.4'),
      srcPort: 1,
      dst: ip('10.2.1.101'),
      dstPort: 50001,
    });
    expect(matchFrontendRule(two, 1, toFe2)).toMatchObject({ kind: 'nat', index: 0 });
    expect(matchFrontendRule(two, 1, tcp(80))).toBeNull();
  });
});

describe('hashTuple: what the trace shows', () => {
  // “What is Azure Load Balancer?” "Load balancing": the tuple hashed per loadDistribution.
  it('prints the inputs of each distribution', () => {
    expect(hashTuple(1, 'Default', tcp(80, 40001)).inputs).toEqual(['10.2.1.4', '40001', '10.2.1.100', '80', 'Tcp']);
    expect(hashTuple(1, 'SourceIP', tcp(80, 40001)).inputs).toEqual(['10.2.1.4', '10.2.1.100']);
  });
});

describe('flowKey', () => {
  it('is per load balancer and frontend, and the 5-tuple as the client sent it', () => {
    expect(flowKey(0, 1, tcp(80, 40001))).toBe(`0|1|Tcp|${ip('10.2.1.4')}|40001|${ip('10.2.1.100')}|80`);
    expect(flowKey(0, 1, tcp(80, 40001))).not.toBe(flowKey(0, 0, tcp(80, 40001)));
  });
});
