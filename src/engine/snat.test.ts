/**
 * snat.ts: which outbound method a NIC gets, in Azure's order of precedence, and the key a SNAT
 * port is taken under. Sources: "Source Network Address Translation (SNAT) for outbound
 * connections" (articles/load-balancer/load-balancer-outbound-connections.md) and "Outbound rules
 * Azure Load Balancer" (articles/load-balancer/outbound-rules.md).
 */
import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../shared/ipv4';
import type { LbRuleIn, LoadBalancerIn, NicIn, OutboundRuleIn } from './input';
import {
  chooseOutbound,
  DEFAULT_OUTBOUND_BASE,
  defaultOutboundAddress,
  defaultSnatRanges,
  explicitSnatRanges,
  SNAT_PORTS_PER_IP,
  snatDestKey,
} from './snat';

const ip = (t: string) => parseIpv4(t) as number;
const MIN = 60_000_000;

const nic = (n: number, over: Partial<NicIn> = {}): NicIn => ({
  id: `nic:web0${n + 1}-nic1`,
  name: `web0${n + 1}-nic1`,
  vm: n,
  subnet: 0,
  address: ip(`10.2.1.${4 + n}`),
  nsg: null,
  publicIp: null,
  enableIPForwarding: false,
  weakHostSend: false,
  weakHostReceive: false,
  ...over,
});
const NICS = [nic(0), nic(1), nic(2)];

const lbRule = (over: Partial<LbRuleIn> = {}): LbRuleIn => ({
  id: 'rule:lb/http',
  name: 'http',
  frontend: 0,
  pool: 0,
  probe: null,
  protocol: 'Tcp',
  frontendPort: 80,
  backendPort: 80,
  loadDistribution: 'Default',
  enableFloatingIP: false,
  idleTimeoutUs: 4 * MIN,
  enableTcpReset: false,
  disableOutboundSnat: false,
  ...over,
});
const outboundRule = (over: Partial<OutboundRuleIn> = {}): OutboundRuleIn => ({
  id: 'outboundRule:lb/out',
  name: 'out',
  frontends: [1],
  pool: 0,
  protocol: 'All',
  allocatedPorts: 10_000,
  idleTimeoutUs: 10 * MIN,
  enableTcpReset: true,
  ...over,
});
const lb = (over: Partial<LoadBalancerIn> = {}): LoadBalancerIn => ({
  id: 'lb:lb',
  name: 'lb',
  sku: 'Standard',
  frontends: [
    { id: 'frontend:lb/fe', name: 'fe', address: ip('20.1.1.1'), isPublic: true },
    { id: 'frontend:lb/out', name: 'out', address: ip('20.1.1.2'), isPublic: true },
  ],
  pools: [{ id: 'pool:lb/pool', name: 'pool', members: [0, 1], defaultSnatPorts: 1024, adminStates: [] }],
  probes: [],
  rules: [],
  natRules: [],
  outboundRules: [],
  ...over,
});

describe('chooseOutbound: the order of precedence', () => {
  it('an instance-level public IP comes first, for every protocol ICMP included', () => {
    // load-balancer-outbound-connections.md: a public IP on the VM "takes precedence over the others".
    const nics = [nic(0, { publicIp: ip('20.9.9.9') })];
    const lbs = [lb({ outboundRules: [outboundRule()], rules: [lbRule()] })];
    for (const protocol of ['Tcp', 'Udp', 'Icmp'] as const) {
      expect(chooseOutbound(lbs, nics, 0, protocol)).toEqual({ kind: 'publicIp', address: ip('20.9.9.9') });
    }
  });

  it('without one, ICMP has no outbound path: SNAT translates TCP and UDP only', () => {
    const r = chooseOutbound([], NICS, 0, 'Icmp');
    expect(r.kind).toBe('none');
    expect(r.kind === 'none' && r.detail).toMatch(/^web01-nic1 has no instance-level public IP, and SNAT/);
  });

  it("an outbound rule of a Standard load balancer: the member's port block on its frontends in order, its idle timeout and reset", () => {
    // outbound-rules.md: allocatedOutboundPorts per instance; "frontend IPs are consumed one at a time".
    const rule = outboundRule({ frontends: [1, 0] });
    const r = chooseOutbound([lb({ outboundRules: [rule], rules: [lbRule()] })], NICS, 1, 'Udp');
    expect(r).toEqual({
      kind: 'snat',
      method: 'outboundRule',
      ruleId: 'outboundRule:lb/out',
      ruleName: 'out',
      ranges: [{ address: ip('20.1.1.2'), base: 1024 + 10_000, size: 10_000 }],
      size: 10_000,
      idleUs: 10 * MIN,
      resetOnIdle: true,
    });
  });

  it("an allocation spans the rule's frontend IPs, 64,000 ports each, and never leaves the port range", () => {
    // Two frontends, 64,000 ports per member: the second member's ports are the second IP's.
    const big = outboundRule({ frontends: [0, 1], allocatedPorts: 64_000 });
    const second = chooseOutbound([lb({ outboundRules: [big] })], NICS, 1, 'Tcp');
    expect(second).toMatchObject({ ranges: [{ address: ip('20.1.1.2'), base: 1024, size: 64_000 }], size: 64_000 });
    // 40,000 each: the second member's block straddles the two IPs.
    const straddle = chooseOutbound(
      [lb({ outboundRules: [outboundRule({ frontends: [0, 1], allocatedPorts: 40_000 })] })],
      NICS,
      1,
      'Tcp',
    );
    expect(straddle).toMatchObject({
      ranges: [
        { address: ip('20.1.1.1'), base: 1024 + 40_000, size: 24_000 },
        { address: ip('20.1.1.2'), base: 1024, size: 16_000 },
      ],
      size: 40_000,
    });
    for (const range of straddle.kind === 'snat' ? straddle.ranges : []) {
      expect(range.base + range.size - 1).toBeLessThanOrEqual(1024 + SNAT_PORTS_PER_IP - 1);
    }
    expect(explicitSnatRanges([ip('20.1.1.1')], 1, 64_000)).toEqual([]);
  });

  it('allocatedOutboundPorts 0 is the default allocation: the table per frontend IP, up to 1,024', () => {
    // load-balancer-outbound-connections.md: "with 100 VMs in a backend pool and only one frontend
    // IP, each VM will receive 512 ports. If a second frontend IP is added, each VM will receive an
    // additional 512 ports ... a third frontend IP will NOT increase [them] beyond 1024".
    const pool512 = { id: 'pool:lb/pool', name: 'pool', members: [0, 1], defaultSnatPorts: 512, adminStates: [] };
    const three = lb({
      frontends: [
        { id: 'frontend:lb/a', name: 'a', address: ip('20.1.1.1'), isPublic: true },
        { id: 'frontend:lb/b', name: 'b', address: ip('20.1.1.2'), isPublic: true },
        { id: 'frontend:lb/c', name: 'c', address: ip('20.1.1.3'), isPublic: true },
      ],
      pools: [pool512],
      outboundRules: [outboundRule({ frontends: [0, 1, 2], allocatedPorts: 0 })],
    });
    expect(chooseOutbound([three], NICS, 1, 'Tcp')).toMatchObject({
      ranges: [
        { address: ip('20.1.1.1'), base: 1024 + 512, size: 512 },
        { address: ip('20.1.1.2'), base: 1024 + 512, size: 512 },
      ],
      size: 1024,
    });
    const one = lb({ ...three, outboundRules: [outboundRule({ frontends: [0], allocatedPorts: 0 })] });
    expect(chooseOutbound([one], NICS, 0, 'Tcp')).toMatchObject({ size: 512 });
    expect(defaultSnatRanges([ip('20.1.1.1'), ip('20.1.1.2')], 0, 1024)).toEqual([
      { address: ip('20.1.1.1'), base: 1024, size: 1024 },
    ]);
  });

  it('an outbound rule only for its protocol and its pool, and never on a Basic load balancer', () => {
    const tcpOnly = lb({ outboundRules: [outboundRule({ protocol: 'Tcp' })] });
    expect(chooseOutbound([tcpOnly], NICS, 0, 'Tcp')).toMatchObject({ method: 'outboundRule' });
    expect(chooseOutbound([tcpOnly], NICS, 0, 'Udp')).toMatchObject({ kind: 'none' });
    const udpOnly = lb({ outboundRules: [outboundRule({ protocol: 'Udp' })] });
    expect(chooseOutbound([udpOnly], NICS, 0, 'Udp')).toMatchObject({ method: 'outboundRule' });
    // web03 is in no pool of the load balancer: default outbound access.
    expect(chooseOutbound([tcpOnly], NICS, 2, 'Tcp')).toMatchObject({ method: 'defaultOutbound' });
    const basic = lb({ sku: 'Basic', outboundRules: [outboundRule()] });
    expect(chooseOutbound([basic], NICS, 0, 'Tcp')).toMatchObject({ method: 'defaultOutbound' });
  });

  it('an outbound rule whose frontend or pool is missing is skipped', () => {
    const noFrontend = lb({ outboundRules: [outboundRule({ frontends: [] })], rules: [lbRule()] });
    expect(chooseOutbound([noFrontend], NICS, 0, 'Tcp')).toMatchObject({ method: 'loadBalancingRule' });
    const noPool = lb({ outboundRules: [outboundRule({ pool: 4 })], rules: [lbRule()] });
    expect(chooseOutbound([noPool], NICS, 0, 'Tcp')).toMatchObject({ method: 'loadBalancingRule' });
  });

  it("a load-balancing rule on a public frontend SNATs for its protocol: the pool's default port block and the rule's timeout", () => {
    // load-balancer-outbound-connections.md, "Default port allocation table"; outbound SNAT
    // "depends on the transport protocol of the inbound load-balancing rule".
    const rule = lbRule({ idleTimeoutUs: 15 * MIN, enableTcpReset: true });
    const lbs = [lb({ rules: [rule] })];
    expect(chooseOutbound(lbs, NICS, 1, 'Tcp')).toEqual({
      kind: 'snat',
      method: 'loadBalancingRule',
      ruleId: 'rule:lb/http',
      ruleName: 'http',
      ranges: [{ address: ip('20.1.1.1'), base: 1024 + 1024, size: 1024 }],
      size: 1024,
      idleUs: 15 * MIN,
      resetOnIdle: true,
    });
    expect(chooseOutbound(lbs, NICS, 1, 'Udp')).toMatchObject({ kind: 'none' });
    expect(chooseOutbound([lb({ rules: [lbRule({ protocol: 'All' })] })], NICS, 0, 'Udp')).toMatchObject({
      method: 'loadBalancingRule',
    });
  });

  it('load-balancing rules SNAT over the public frontends of the rules that SNAT the pool for the protocol', () => {
    // Two public frontends with TCP rules to a pool of 100 (512 each by the table): 1,024 over both.
    const two = lb({
      pools: [{ id: 'pool:lb/pool', name: 'pool', members: [0, 1], defaultSnatPorts: 512, adminStates: [] }],
      rules: [
        lbRule(),
        lbRule({ id: 'rule:lb/https', name: 'https', frontend: 1, frontendPort: 443 }),
        lbRule({ id: 'rule:lb/dns', name: 'dns', frontend: 1, protocol: 'Udp', frontendPort: 53 }),
        lbRule({ id: 'rule:lb/off', name: 'off', frontend: 1, frontendPort: 8080, disableOutboundSnat: true }),
      ],
    });
    expect(chooseOutbound([two], NICS, 0, 'Tcp')).toMatchObject({
      ruleName: 'http',
      ranges: [
        { address: ip('20.1.1.1'), base: 1024, size: 512 },
        { address: ip('20.1.1.2'), base: 1024, size: 512 },
      ],
      size: 1024,
    });
    // UDP: only the dns rule's frontend SNATs UDP.
    expect(chooseOutbound([two], NICS, 0, 'Udp')).toMatchObject({
      ruleName: 'dns',
      ranges: [{ address: ip('20.1.1.2'), base: 1024, size: 512 }],
    });
  });

  it('no SNAT by a rule with disableOutboundSnat, or on an internal frontend: a Standard member has no outbound path', () => {
    const disabled = lb({ rules: [lbRule({ disableOutboundSnat: true })] });
    const r = chooseOutbound([disabled], NICS, 0, 'Tcp');
    expect(r.kind).toBe('none');
    expect(r.kind === 'none' && r.detail).toMatch(/^web01-nic1 is in the pool of a Standard load balancer/);
    const internal = lb({
      frontends: [{ id: 'frontend:lb/fe', name: 'fe', address: ip('10.2.1.100'), isPublic: false }],
      rules: [lbRule()],
    });
    expect(chooseOutbound([internal], NICS, 0, 'Tcp')).toMatchObject({ kind: 'none' });
  });

  it('a rule of another pool, or with a missing pool or frontend, does not SNAT for this NIC', () => {
    const twoPools = lb({
      pools: [
        { id: 'pool:lb/a', name: 'a', members: [0], defaultSnatPorts: 1024, adminStates: [] },
        { id: 'pool:lb/b', name: 'b', members: [1], defaultSnatPorts: 1024, adminStates: [] },
      ],
      rules: [lbRule({ pool: 1 }), lbRule({ pool: 5 }), lbRule({ frontend: 7 })],
    });
    expect(chooseOutbound([twoPools], NICS, 0, 'Tcp')).toMatchObject({ kind: 'none' });
    expect(chooseOutbound([twoPools], NICS, 1, 'Tcp')).toMatchObject({ method: 'loadBalancingRule' });
  });

  it('default outbound access when no Standard load balancer holds the NIC (a Basic one, or none)', () => {
    // load-balancer-outbound-connections.md: "Default outbound access" and "Use of a basic SKU load balancer".
    const expected = {
      kind: 'snat',
      method: 'defaultOutbound',
      ruleId: null,
      ruleName: null,
      ranges: [{ address: defaultOutboundAddress(2), base: 1024, size: 1024 }],
      size: 1024,
      idleUs: 4 * MIN,
      resetOnIdle: false,
    };
    expect(chooseOutbound([], NICS, 2, 'Tcp')).toEqual(expected);
    expect(chooseOutbound([lb({ sku: 'Basic' })], NICS, 2, 'Udp')).toEqual(expected);
    // A Basic load balancer whose rule is on a public frontend SNATs through that rule first.
    expect(chooseOutbound([lb({ sku: 'Basic', rules: [lbRule()] })], NICS, 0, 'Tcp')).toMatchObject({
      method: 'loadBalancingRule',
    });
  });

  it('a NIC that does not exist has no outbound path', () => {
    expect(chooseOutbound([], NICS, 9, 'Tcp')).toEqual({ kind: 'none', detail: 'no such network interface' });
  });
});

describe('default outbound addresses', () => {
  it('NIC n gets 198.18.0.1 + n, from the benchmarking range (RFC 2544)', () => {
    expect(DEFAULT_OUTBOUND_BASE).toBe(ip('198.18.0.1'));
    expect(defaultOutboundAddress(0)).toBe(ip('198.18.0.1'));
    expect(defaultOutboundAddress(300)).toBe(ip('198.18.1.45'));
  });
});

describe('snatDestKey', () => {
  // load-balancer-outbound-connections.md, "Exhausting ports": TCP takes one SNAT port per
  // destination IP and port; UDP (port-restricted cone NAT) one per destination IP.
  it('TCP: one port per destination address and port', () => {
    expect(snatDestKey('Tcp', 1, 2, 80)).toBe('T|1|2|80');
    expect(snatDestKey('Tcp', 1, 2, 80)).not.toBe(snatDestKey('Tcp', 1, 2, 443));
  });
  it('UDP: one port per destination address, whatever the port', () => {
    expect(snatDestKey('Udp', 1, 2, 53)).toBe('U|1|2');
    expect(snatDestKey('Udp', 1, 2, 53)).toBe(snatDestKey('Udp', 1, 2, 123));
  });
});
