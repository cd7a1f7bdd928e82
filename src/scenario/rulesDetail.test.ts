/**
 * The edges of the scenario rules (rules.ts): the bounds of each range a rule tests and the whole
 * message it gives, where rules.test.ts checks one case and a fragment. Like rules.test.ts, each
 * test starts from a valid fixture, changes one thing and reads `validateScenario`.
 */
import { describe, expect, it } from 'vitest';
import { createDefaultScenario } from './defaultScenario';
import { createRichScenario } from './testScenarios';
import type { LoadBalancer, Scenario } from './types';
import { validateScenario } from './validate';

type Change = (s: Scenario) => void;
const validate = (change: Change, base: () => Scenario = createDefaultScenario) => {
  const s = base();
  change(s);
  return validateScenario(s);
};
const rich = (change: Change) => validate(change, createRichScenario);
const messagesAt = (result: ReturnType<typeof validateScenario>, path: string) =>
  [...result.errors, ...result.warnings].filter((d) => d.path === path).map((d) => d.message);
const lb = (s: Scenario, i = 0) => (s.loadBalancers as LoadBalancer[])[i] as LoadBalancer;

describe('what cannot be a public IP', () => {
  // The special-purpose ranges of RFC 6890: "this network" 0.0.0.0/8, loopback 127.0.0.0/8,
  // link-local 169.254.0.0/16, multicast 224.0.0.0/4 and the reserved 240.0.0.0/4 above it, and
  // the private ranges of RFC 1918.
  const path = 'loadBalancers[1].frontendIPConfigurations[0].publicIPAddress';
  const publicIp = (address: string) =>
    messagesAt(
      rich((s) => {
        const fe = lb(s, 1).frontendIPConfigurations[0];
        if (fe !== undefined) fe.publicIPAddress = address;
      }),
      path,
    );
  it.each([
    ['0.1.2.3', 'in 0.0.0.0/8 ("this network")'],
    ['127.0.0.5', 'a loopback address'],
    ['169.254.1.1', 'a link-local address'],
    ['224.0.0.1', 'a multicast or reserved address'],
    ['255.255.255.255', 'a multicast or reserved address'],
    ['10.200.0.1', 'a private address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)'],
    ['172.31.255.254', 'a private address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)'],
  ])('%s: it is %s', (address, why) => {
    expect(publicIp(address)).toEqual([`${address} cannot be a public IP: it is ${why}`]);
  });
  it.each([
    '1.0.0.1',
    '126.255.255.254',
    '128.0.0.1',
    '169.253.255.254',
    '169.255.0.1',
    '172.32.0.1',
    '223.255.255.254',
  ])('%s next to those ranges is public', (address) => {
    expect(publicIp(address)).toEqual([]);
  });
});

describe('Windows Firewall values', () => {
  const fwRule = (s: Scenario) => {
    const rule = s.virtualMachines?.[1]?.firewall?.rules?.[0];
    if (rule === undefined) throw new Error('the rich fixture has a firewall rule on web02');
    return rule;
  };
  const at = (key: string) => `virtualMachines[1].firewall.rules[0].${key}`;
  const ports = (value: string) =>
    messagesAt(
      rich((s) => (fwRule(s).localPorts = value)),
      at('localPorts'),
    );
  const addresses = (value: string) =>
    messagesAt(
      rich((s) => (fwRule(s).remoteAddresses = value)),
      at('remoteAddresses'),
    );

  it('ports: Any, *, a port, a range, or a comma list of them with spaces', () => {
    for (const ok of ['Any', '*', '80', '8000-8999', '23, 2323 ,8000-8999', ' 80']) expect(ports(ok), ok).toEqual([]);
  });
  it('ports: a * inside a list, or a part that is no port, names the part', () => {
    expect(ports('80,*')).toEqual([
      '"80,*": "*" is not a port or range (expected Any, 80, 8000-8999, or a comma list of them)',
    ]);
    expect(ports('80, x ')).toEqual([
      '"80, x ": "x" is not a port or range (expected Any, 80, 8000-8999, or a comma list of them)',
    ]);
    expect(ports('70000')).toHaveLength(1);
  });
  it('addresses: Any, *, an address, a prefix, a range low-high, or a comma list of them', () => {
    for (const ok of [
      'Any',
      '*',
      '10.0.0.4',
      '10.0.0.0/24',
      '10.0.0.1-10.0.0.9',
      '10.0.0.5-10.0.0.5',
      '10.0.0.4, 10.1.0.0/16',
    ]) {
      expect(addresses(ok), ok).toEqual([]);
    }
  });
  it('addresses: a range must run upward between two addresses', () => {
    const expected = (text: string, part: string) => [
      `"${text}": "${part}" is not an address, prefix or range (expected Any, 10.0.0.4, 10.0.0.0/24, 10.0.0.1-10.0.0.9, or a comma list of them)`,
    ];
    expect(addresses('10.0.0.9-10.0.0.1')).toEqual(expected('10.0.0.9-10.0.0.1', '10.0.0.9-10.0.0.1'));
    expect(addresses('x-10.0.0.1')).toEqual(expected('x-10.0.0.1', 'x-10.0.0.1'));
    expect(addresses('10.0.0.1-x')).toEqual(expected('10.0.0.1-x', '10.0.0.1-x'));
    expect(addresses('10.0.0.0/33')).toEqual(expected('10.0.0.0/33', '10.0.0.0/33'));
  });
});

describe('address and port syntax', () => {
  const proxyTo = (target: string) =>
    messagesAt(
      rich((s) => {
        const l = s.virtualMachines?.[1]?.listeners?.[2];
        if (l !== undefined) l.proxyTo = [target];
      }),
      'virtualMachines[1].listeners[2].proxyTo[0]',
    );
  it('address:port: the port is a whole number 1–65535 with no sign or leading zero', () => {
    expect(proxyTo('10.2.1.4:65535')).toEqual([]);
    for (const port of ['65536', '0', '080', '8a', 'a8', '']) {
      expect(proxyTo(`10.2.1.4:${port}`), port).toEqual([
        `"10.2.1.4:${port}": the port must be a whole number 1–65535, got "${port}"`,
      ]);
    }
  });
  it('address:port: names the part that is not an address', () => {
    expect(proxyTo('10.2.1:80')).toEqual(['"10.2.1:80": "10.2.1" is not an IPv4 address']);
    expect(proxyTo('web01')).toEqual(['"web01" is not address:port (expected something like 10.2.1.100:80)']);
  });

  const nsgRule = (
    change: (r: NonNullable<Scenario['networkSecurityGroups']>[number]['securityRules'][number]) => void,
  ) =>
    rich((s) => {
      const r = s.networkSecurityGroups?.[0]?.securityRules?.[0];
      if (r === undefined) throw new Error('the rich fixture has an NSG rule');
      change(r);
    });
  it('NSG port ranges: 0–65535 at both ends, spaces allowed around the dash', () => {
    const port = (value: string) =>
      messagesAt(
        nsgRule((r) => {
          r.destinationPortRange = value;
          delete r.destinationPortRanges;
        }),
        'networkSecurityGroups[0].securityRules[0].destinationPortRange',
      );
    expect(port('0-65535')).toEqual([]);
    expect(port('8000 - 8999 ')).toEqual([]);
    expect(port('65536')).toEqual(['"65536": ports go from 0 to 65535']);
    expect(port('1-65536')).toEqual(['"1-65536": ports go from 0 to 65535']);
    expect(port('8000-8999x')).toHaveLength(1);
  });
  it('NSG addresses: a name that is no service tag is refused, listing the tags', () => {
    const source = (value: string) =>
      messagesAt(
        nsgRule((r) => {
          r.sourceAddressPrefix = value;
          delete r.sourceAddressPrefixes;
        }),
        'networkSecurityGroups[0].securityRules[0].sourceAddressPrefix',
      );
    expect(source('Storage')).toEqual([
      '"Storage" is not an address prefix or a service tag Hairpin knows (*, VirtualNetwork, AzureLoadBalancer, Internet, a CIDR or an address)',
    ]);
    expect(source('10.0.0.0/8x')).toHaveLength(1);
    expect(source('*')).toEqual([]);
  });
});

describe('names in messages', () => {
  it('a list of more than 12 names is cut, with the count; 12 are shown whole', () => {
    const withPools = (n: number) =>
      validate((s) => {
        const balancer = lb(s);
        balancer.backendAddressPools = Array.from({ length: n }, (_, i) => ({
          name: `pool${i + 1}`,
          loadBalancerBackendAddresses: [],
        }));
        const rule = balancer.loadBalancingRules?.[0];
        if (rule !== undefined) rule.backendAddressPool = 'nothing';
      });
    const message = (n: number) =>
      withPools(n).errors.find((e) => e.message.startsWith('no backend pool named "nothing"'))?.message ?? '';
    const twelve = Array.from({ length: 12 }, (_, i) => `pool${i + 1}`).join(', ');
    expect(message(12)).toContain(`(it has: ${twelve})`);
    expect(message(13)).toContain(`(it has: ${twelve}, … (13 in all))`);
  });
  it('"did you mean" offers a name that differs in case only, never the name itself', () => {
    const r = validate((s) => {
      const rule = lb(s).loadBalancingRules?.[0];
      if (rule !== undefined) rule.backendAddressPool = 'POOL';
    });
    const message = r.errors.find((e) => e.message.startsWith('no backend pool named "POOL"'))?.message ?? '';
    expect(message).toMatch(/\(did you mean "[a-z0-9-]+"\?\)/);
  });
});
