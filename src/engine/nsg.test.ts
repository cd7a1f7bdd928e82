import { describe, expect, it } from 'vitest';
import { parseCidr, parseIpv4 } from '../shared/ipv4';
import type { SecurityRuleIn } from './input';
import { AZURE_LB_ADDRESS, DEFAULT_SECURITY_RULES, evaluateNsg, type TagSpace } from './nsg';
import { makeHeader, SYN } from './wire';

const ip = (t: string) => parseIpv4(t) as number;
const space: TagSpace = {
  virtualNetwork: [
    parseCidr('10.2.0.0/16')?.cidr ?? { base: 0, prefixLength: 32 },
    parseCidr('192.168.2.1/32')?.cidr ?? { base: 0, prefixLength: 32 },
  ],
};
const syn = (src: string, dst: string, dport = 80) =>
  makeHeader({ protocol: 'Tcp', src: ip(src), srcPort: 50000, dst: ip(dst), dstPort: dport, flags: SYN });

const rule = (over: Partial<SecurityRuleIn>): SecurityRuleIn => ({
  name: 'r',
  priority: 100,
  direction: 'Inbound',
  access: 'Deny',
  protocol: '*',
  sources: [{ kind: 'any' }],
  sourcePorts: null,
  destinations: [{ kind: 'any' }],
  destinationPorts: null,
  ...over,
});

describe('evaluateNsg with Azure default rules', () => {
  it('allows VNet to VNet inbound by AllowVnetInBound (65000), on-premises counting as VirtualNetwork', () => {
    const v = evaluateNsg(space, [], 'Inbound', syn('192.168.2.1', '10.2.1.4'));
    expect([v.rule.name, v.rule.priority, v.access]).toEqual(['AllowVnetInBound', 65000, 'Allow']);
  });
  it('allows the probe source by AllowAzureLoadBalancerInBound (65001)', () => {
    const v = evaluateNsg(
      space,
      [],
      'Inbound',
      makeHeader({ protocol: 'Tcp', src: AZURE_LB_ADDRESS, dst: ip('10.2.1.4'), dstPort: 80 }),
    );
    expect(v.rule.name).toBe('AllowAzureLoadBalancerInBound');
  });
  it('denies the internet inbound by DenyAllInBound (65500)', () => {
    const v = evaluateNsg(space, [], 'Inbound', syn('203.0.113.7', '10.2.1.4'));
    expect([v.rule.name, v.access]).toEqual(['DenyAllInBound', 'Deny']);
  });
  it('allows outbound to the VNet and to the internet by the outbound defaults', () => {
    expect(evaluateNsg(space, [], 'Outbound', syn('10.2.1.4', '10.2.1.100')).rule.name).toBe('AllowVnetOutBound');
    expect(evaluateNsg(space, [], 'Outbound', syn('10.2.1.4', '8.8.8.8')).rule.name).toBe('AllowInternetOutBound');
  });
});

describe('evaluateNsg with custom rules', () => {
  it('lets the lowest priority number win', () => {
    const rules = [
      rule({ name: 'allow-80', priority: 300, access: 'Allow', destinationPorts: [{ from: 80, to: 80 }] }),
      rule({ name: 'deny-all', priority: 200 }),
    ];
    expect(evaluateNsg(space, rules, 'Inbound', syn('10.2.1.5', '10.2.1.4')).rule.name).toBe('deny-all');
  });
  it('matches ports, protocols, prefixes and tags', () => {
    const rules = [
      rule({ name: 'deny-udp', priority: 100, protocol: 'Udp' }),
      rule({ name: 'deny-8080', priority: 110, destinationPorts: [{ from: 8000, to: 8999 }] }),
      rule({
        name: 'deny-onprem',
        priority: 120,
        sources: [{ kind: 'cidr', cidr: { base: ip('192.168.0.0'), prefixLength: 16 } }],
      }),
      rule({ name: 'allow-internet', priority: 130, access: 'Allow', sources: [{ kind: 'tag', tag: 'Internet' }] }),
    ];
    expect(evaluateNsg(space, rules, 'Inbound', syn('10.2.1.5', '10.2.1.4', 8080)).rule.name).toBe('deny-8080');
    expect(evaluateNsg(space, rules, 'Inbound', syn('192.168.2.1', '10.2.1.4')).rule.name).toBe('deny-onprem');
    expect(evaluateNsg(space, rules, 'Inbound', syn('203.0.113.7', '10.2.1.4')).rule.name).toBe('allow-internet');
    expect(evaluateNsg(space, rules, 'Inbound', syn('10.2.1.5', '10.2.1.4')).rule.name).toBe('AllowVnetInBound');
  });
  it('ignores rules of the other direction', () => {
    const rules = [rule({ name: 'deny-out', direction: 'Outbound' })];
    expect(evaluateNsg(space, rules, 'Inbound', syn('10.2.1.5', '10.2.1.4')).access).toBe('Allow');
  });
});

describe("Azure's default rules", () => {
  // articles/virtual-network/network-security-groups-overview.md, "Default security rules".
  it('are the six of every NSG, each matching any protocol and port', () => {
    expect(
      DEFAULT_SECURITY_RULES.map((r) => [
        r.name,
        r.priority,
        r.direction,
        r.access,
        r.protocol,
        r.sourcePorts,
        r.destinationPorts,
      ]),
    ).toEqual([
      ['AllowVnetInBound', 65000, 'Inbound', 'Allow', '*', null, null],
      ['AllowAzureLoadBalancerInBound', 65001, 'Inbound', 'Allow', '*', null, null],
      ['DenyAllInBound', 65500, 'Inbound', 'Deny', '*', null, null],
      ['AllowVnetOutBound', 65000, 'Outbound', 'Allow', '*', null, null],
      ['AllowInternetOutBound', 65001, 'Outbound', 'Allow', '*', null, null],
      ['DenyAllOutBound', 65500, 'Outbound', 'Deny', '*', null, null],
    ]);
  });
  it('deny outbound to the platform address by DenyAllOutBound, which no other default covers', () => {
    // 168.63.129.16 is neither VirtualNetwork nor Internet (service tags overview).
    const v = evaluateNsg(space, [], 'Outbound', syn('10.2.1.4', '168.63.129.16'));
    expect(v).toEqual({ rule: DEFAULT_SECURITY_RULES[5], isDefault: true, access: 'Deny' });
  });
  it('a custom rule that decides says it is not a default', () => {
    const r = rule({ access: 'Allow' });
    expect(evaluateNsg(space, [r], 'Inbound', syn('203.0.113.7', '10.2.1.4'))).toEqual({
      rule: r,
      isDefault: false,
      access: 'Allow',
    });
  });
});

describe('matching', () => {
  it('the Internet tag is outside the VNets, and is not the platform address', () => {
    const internet = [rule({ sources: [{ kind: 'tag', tag: 'Internet' }] })];
    expect(evaluateNsg(space, internet, 'Inbound', syn('203.0.113.7', '10.2.1.4')).rule.name).toBe('r');
    expect(evaluateNsg(space, internet, 'Inbound', syn('168.63.129.16', '10.2.1.4')).rule.name).toBe(
      'AllowAzureLoadBalancerInBound',
    );
    expect(evaluateNsg(space, internet, 'Inbound', syn('10.2.1.5', '10.2.1.4')).rule.name).toBe('AllowVnetInBound');
  });
  it('a prefix that does not hold the address does not match', () => {
    const cidr = [rule({ sources: [{ kind: 'cidr', cidr: { base: ip('192.168.0.0'), prefixLength: 16 } }] })];
    expect(evaluateNsg(space, cidr, 'Inbound', syn('203.0.113.7', '10.2.1.4')).rule.name).toBe('DenyAllInBound');
  });
  it('a port range holds its ends and nothing past them', () => {
    const range = [rule({ destinationPorts: [{ from: 8000, to: 8999 }] })];
    const at = (port: number) => evaluateNsg(space, range, 'Inbound', syn('10.2.1.5', '10.2.1.4', port)).rule.name;
    expect([at(7999), at(8000), at(8999), at(9000)]).toEqual(['AllowVnetInBound', 'r', 'r', 'AllowVnetInBound']);
  });
  it('ICMP: a rule naming ports never matches it (assumption: ICMP has no ports); one with any port does', () => {
    const ping = makeHeader({ protocol: 'Icmp', src: ip('10.2.1.5'), dst: ip('10.2.1.4'), icmp: 'echo-request' });
    const withPorts = [rule({ name: 'ports', destinationPorts: [{ from: 0, to: 65535 }] })];
    expect(evaluateNsg(space, withPorts, 'Inbound', ping).rule.name).toBe('AllowVnetInBound');
    const withSourcePorts = [rule({ name: 'ports', sourcePorts: [{ from: 0, to: 65535 }] })];
    expect(evaluateNsg(space, withSourcePorts, 'Inbound', ping).rule.name).toBe('AllowVnetInBound');
    expect(evaluateNsg(space, [rule({ protocol: 'Icmp' })], 'Inbound', ping).rule.name).toBe('r');
  });
});
