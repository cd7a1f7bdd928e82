import { describe, expect, it } from 'vitest';
import {
  deriveExperiment,
  type ExperimentSpec,
  experimentInterval,
  experimentRules,
  suggestedPopulation,
} from './experiment';
import type { Scenario } from './types';
import { validateScenario } from './validate';

/** “Troubleshoot Azure Load Balancer” uneven distribution: two members, two SourceIP rules, a lesson and an event. */
const scenario = (): Scenario => ({
  format: 'hairpin-scenario',
  version: 2,
  seed: 7,
  vnets: [
    { name: 'hub', addressSpace: ['10.1.0.0/16'], subnets: [{ name: 'GatewaySubnet', addressPrefix: '10.1.0.0/27' }] },
    { name: 'spoke', addressSpace: ['10.2.0.0/16'], subnets: [{ name: 'web', addressPrefix: '10.2.1.0/24' }] },
  ],
  virtualMachines: ['web01', 'web02'].map((name, i) => ({
    name,
    networkInterfaces: [
      {
        name: `${name}-nic1`,
        ipConfigurations: [{ name: 'ipconfig1', subnet: 'spoke/web', privateIPAddress: `10.2.1.${4 + i}` }],
      },
    ],
    listeners: [{ name: 'iis', protocol: 'Tcp', address: '0.0.0.0', port: 80 }],
  })),
  loadBalancers: [
    {
      name: 'ilb',
      frontendIPConfigurations: [{ name: 'fe', privateIPAddress: '10.2.1.100', subnet: 'spoke/web' }],
      backendAddressPools: [
        {
          name: 'pool',
          loadBalancerBackendAddresses: [
            { networkInterfaceIPConfiguration: 'web01-nic1/ipconfig1' },
            { networkInterfaceIPConfiguration: 'web02-nic1/ipconfig1' },
          ],
        },
      ],
      probes: [{ name: 'p80', port: 80, intervalInSeconds: 5 }],
      loadBalancingRules: [
        {
          name: 'http',
          frontendIPConfiguration: 'fe',
          backendAddressPool: 'pool',
          probe: 'p80',
          frontendPort: 80,
          enableFloatingIP: true,
        },
        {
          name: 'ha',
          frontendIPConfiguration: 'fe',
          backendAddressPool: 'pool',
          probe: 'p80',
          protocol: 'All',
          frontendPort: 0,
          backendPort: 0,
          loadDistribution: 'SourceIP',
          enableFloatingIP: true,
        },
      ],
    },
  ],
  clients: [{ name: 'onprem', os: 'windows', ipAddress: '192.168.2.1', location: 'onPremises' }],
  traffic: [{ name: 'onprem-web', from: 'onprem', to: '10.2.1.100:80', connections: 8 }],
  events: [{ at: 5, action: 'stopVm', vm: 'web02' }],
  lesson: { goal: 'even', checks: [{ name: 'web', traffic: 'onprem-web', expect: 'established' }] },
});

const spec = (over: Partial<ExperimentSpec> = {}): ExperimentSpec => ({
  rule: 'ilb/http',
  population: { kind: 'single', address: '192.168.3.1' },
  connections: 1000,
  ...over,
});

describe('experimentRules', () => {
  it('lists each load-balancing rule with its frontend, port, protocol and members in pool order', () => {
    const rules = experimentRules(scenario());
    expect(rules.map((r) => r.key)).toEqual(['ilb/http', 'ilb/ha']);
    expect(rules[0]).toMatchObject({
      frontendAddress: '10.2.1.100',
      isPublic: false,
      protocol: 'Tcp',
      port: 80,
      members: ['web01-nic1', 'web02-nic1'],
      probe: 'p80',
      loadDistribution: 'Default',
      sku: 'Standard',
    });
    // An HA-ports rule is studied with TCP to port 80.
    expect(rules[1]).toMatchObject({ protocol: 'Tcp', port: 80, loadDistribution: 'SourceIP' });
  });
});

describe('deriveExperiment', () => {
  it('replaces the traffic with the population and sets the rule mode, leaving the input untouched', () => {
    const input = scenario();
    const before = JSON.stringify(input);
    const derived = deriveExperiment(input, spec(), 'SourceIP');
    expect(JSON.stringify(input)).toBe(before);
    if (!derived.ok) throw new Error(derived.error);
    const v = derived.value;
    expect(v.traffic).toEqual([
      {
        name: 'experiment',
        from: 'experiment-clients',
        to: '10.2.1.100:80',
        protocol: 'Tcp',
        connections: 1000,
        // One host: its connections one after another (EXPERIMENT_HOST_SPACING_S).
        interval: 0.1,
      },
    ]);
    expect(v.clients?.at(-1)).toEqual({
      name: 'experiment-clients',
      os: 'linux',
      ipAddress: '192.168.3.1',
      location: 'onPremises',
    });
    const rules = v.loadBalancers?.[0]?.loadBalancingRules ?? [];
    expect(rules.map((r) => r.loadDistribution)).toEqual(['SourceIP', 'SourceIP']);
    expect(deriveExperiment(input, spec(), 'Default').ok && rules[1]?.loadDistribution).toBe('SourceIP');
    // Events would change the pool mid-run, and the lesson names traffic that is gone.
    expect(v.events).toBeUndefined();
    expect(v.lesson).toBeUndefined();
    expect(v.seed).toBe(7);
    expect(validateScenario(v).errors).toEqual([]);
  });

  it('makes a client with count for a prefix, and a proxy from one address, on the internet for a public frontend', () => {
    const prefix = deriveExperiment(
      scenario(),
      spec({ population: { kind: 'prefix', prefix: '172.16.0.0/16', count: 500 } }),
      'Default',
    );
    expect(prefix.ok && prefix.value.clients?.at(-1)).toMatchObject({ ipAddress: '172.16.0.0/16', count: 500 });
    expect(prefix.ok && prefix.value.traffic?.[0]?.interval).toBe(0.0002);
    const pub = scenario();
    const lb = pub.loadBalancers?.[0];
    if (lb === undefined) throw new Error('no lb');
    lb.frontendIPConfigurations = [{ name: 'fe', publicIPAddress: '20.50.1.10' }];
    const proxy = deriveExperiment(pub, spec({ population: { kind: 'proxy', address: '198.51.100.7' } }), 'Default');
    if (!proxy.ok) throw new Error(proxy.error);
    expect(proxy.value.clients?.at(-1)).toEqual({
      name: 'experiment-proxy',
      os: 'linux',
      ipAddress: '198.51.100.7',
      location: 'internet',
    });
    expect(proxy.value.traffic?.[0]?.to).toBe('20.50.1.10:80');
  });

  it("takes a client of the document with exactly the population's addresses, and refuses overlapping ones", () => {
    const same = deriveExperiment(
      scenario(),
      spec({ population: { kind: 'single', address: '192.168.2.1' } }),
      'Default',
    );
    if (!same.ok) throw new Error(same.error);
    expect(same.value.traffic?.[0]?.from).toBe('onprem');
    expect(same.value.clients).toEqual(scenario().clients);
    const over = deriveExperiment(
      scenario(),
      spec({ population: { kind: 'prefix', prefix: '192.168.2.0/24', count: 10 } }),
      'Default',
    );
    expect(over.ok ? '' : over.error).toBe(
      'population.prefix: it overlaps client "onprem" (192.168.2.1); choose other addresses, or exactly that client\'s',
    );
    const nic = deriveExperiment(scenario(), spec({ population: { kind: 'proxy', address: '10.2.1.5' } }), 'Default');
    expect(nic.ok ? '' : nic.error).toMatch(/^population.address: 10.2.1.5 is the address of web02-nic1/);
  });

  it('never takes a name the document uses', () => {
    const s = scenario();
    s.clients?.push({ name: 'experiment-clients', ipAddress: '192.168.9.9' });
    const derived = deriveExperiment(s, spec({ population: { kind: 'single', address: '192.168.4.4' } }), 'Default');
    expect(derived.ok && derived.value.traffic?.[0]?.from).toBe('experiment-clients-2');
  });

  it.each([
    [{ rule: 'ilb/nope' }, /^rule: no load-balancing rule "ilb\/nope"/],
    [{ connections: 0 }, /^connections: must be a whole number 1–1,000,000, got 0/],
    [{ connections: 1_000_001 }, /^connections: .* got 1000001/],
    [{ connections: 2.5 }, /^connections: .* got 2.5/],
    [{ population: { kind: 'single', address: '300.1.1.1' } }, /^population.address: must be an IPv4 address/],
    [{ population: { kind: 'prefix', prefix: '10.0.0.0', count: 2 } }, /^population.prefix: must be an address prefix/],
    [{ population: { kind: 'prefix', prefix: '10.0.0.1/24', count: 2 } }, /did you mean 10.0.0.0\/24\?/],
    [
      { population: { kind: 'prefix', prefix: '10.0.0.0/24', count: 300 } },
      /^population.count: 300 addresses do not fit/,
    ],
    [{ population: { kind: 'prefix', prefix: '10.0.0.0/8', count: 0 } }, /^population.count: must be a whole number/],
  ] as const)('refuses %j with a sentence naming the field', (over, message) => {
    const derived = deriveExperiment(scenario(), spec(over as Partial<ExperimentSpec>), 'Default');
    expect(derived.ok).toBe(false);
    if (!derived.ok) expect(derived.error).toMatch(message);
  });
});

describe('experimentInterval', () => {
  it('gives each host 0.1 s between its connections, and never less than 100 µs between two', () => {
    expect(experimentInterval(1, 1_000_000)).toBe(0.1);
    expect(experimentInterval(200, 1_000_000)).toBe(0.0005);
    expect(experimentInterval(300, 1_000_000)).toBe(0.000334);
    expect(experimentInterval(65_536, 1_000_000)).toBe(0.0001);
    // Only the hosts that get a connection count.
    expect(experimentInterval(65_536, 10)).toBe(0.01);
  });
});

describe('suggestedPopulation', () => {
  it('starts from a client that already calls the frontend, else a documentation address', () => {
    const s = scenario();
    const rule = experimentRules(s)[0];
    if (rule === undefined) throw new Error('no rule');
    expect(suggestedPopulation(s, rule, 'single')).toEqual({ kind: 'single', address: '192.168.2.1' });
    // 192.168.2.0/24 would hold onprem's address: the next free range.
    expect(suggestedPopulation(s, rule, 'prefix')).toEqual({ kind: 'prefix', prefix: '192.168.200.0/24', count: 200 });
    s.traffic = [];
    expect(suggestedPopulation(s, { ...rule, isPublic: true }, 'proxy')).toEqual({
      kind: 'proxy',
      address: '198.51.100.7',
    });
  });
});
