import { describe, expect, it } from 'vitest';
import { createRichScenario } from '../scenario/testScenarios';
import { parseIpv4 } from '../shared/ipv4';
import { compileScenario, parsePortRanges } from './compile';
import { labBaseline, labLoopbackDsr, labSecondNic } from './fixtures/seed003';

const ip = (t: string) => parseIpv4(t) as number;

describe('compileScenario', () => {
  it('fills every default from src/scenario/defaults.ts', () => {
    const input = compileScenario(labBaseline('windows'));
    expect(input.seed).toBe(1);
    const lb = input.loadBalancers[0];
    expect(lb?.sku).toBe('Standard');
    expect(lb?.probes[0]).toMatchObject({
      intervalUs: 15_000_000,
      threshold: 1,
      noHealthyBackendsBehavior: 'AllProbedDown',
    });
    expect(lb?.rules[0]).toMatchObject({
      loadDistribution: 'Default',
      enableFloatingIP: false,
      idleTimeoutUs: 240_000_000,
      backendPort: 80,
      probe: 0,
    });
    expect(input.traffic[0]).toMatchObject({ protocol: 'Tcp', startAtUs: 0, intervalUs: 1_000_000, sourcePort: null });
    expect(input.clients[0]).toMatchObject({
      os: 'windows',
      location: 'onPremises',
      count: 1,
      firstAddress: ip('192.168.2.1'),
    });
  });
  it('sets the host model per OS unless the interface says otherwise (engine-model.md "The guest")', () => {
    expect(compileScenario(labBaseline('windows')).nics[0]).toMatchObject({
      weakHostSend: false,
      weakHostReceive: false,
    });
    expect(compileScenario(labBaseline('linux')).nics[0]).toMatchObject({ weakHostSend: true, weakHostReceive: true });
    const dsr = compileScenario(labLoopbackDsr('windows'));
    expect(dsr.nics[0]).toMatchObject({ weakHostSend: false, weakHostReceive: true });
    expect(dsr.vms[0]?.loopbacks[0]).toMatchObject({
      id: 'loopback:web01/lo-vip',
      address: ip('10.2.1.100'),
      weakHostSend: true,
    });
  });
  it('resolves names to indices and builds element ids', () => {
    const input = compileScenario(labSecondNic('windows'));
    expect(input.vms[0]?.nics).toEqual([0, 1]);
    expect(input.vms[0]?.routes[0]).toEqual({
      prefix: { base: ip('10.2.1.100'), prefixLength: 32 },
      nic: 1,
      nextHop: ip('10.2.1.1'),
    });
    expect(input.nics.map((n) => n.id)).toEqual(['nic:web01-nic1', 'nic:web01-nic2']);
    expect(input.subnets.map((s) => s.id)).toEqual(['subnet:hub/GatewaySubnet', 'subnet:spoke/web']);
    expect(input.loadBalancers[0]?.frontends[0]).toEqual({
      id: 'frontend:ilb/fe',
      name: 'fe',
      address: ip('10.2.1.100'),
      isPublic: false,
    });
  });
  it('parses port ranges and lists', () => {
    expect(parsePortRanges(['*'], 'x')).toBeNull();
    expect(parsePortRanges(['80', '8000-8999'], 'x')).toEqual([
      { from: 80, to: 80 },
      { from: 8000, to: 8999 },
    ]);
    expect(parsePortRanges(['80,443'], 'x')).toEqual([
      { from: 80, to: 80 },
      { from: 443, to: 443 },
    ]);
  });
});

describe('compileScenario: issue 4 inputs', () => {
  it('compiles events in time order, each against the document the earlier events left', () => {
    const s = labBaseline('windows');
    s.events = [
      {
        at: 20,
        action: 'setRule',
        loadBalancer: 'ilb',
        rule: {
          name: 'http',
          frontendIPConfiguration: 'fe',
          backendAddressPool: 'pool',
          probe: 'p8080',
          frontendPort: 80,
        },
      },
      { at: 10, action: 'setProbe', loadBalancer: 'ilb', probe: { name: 'p8080', port: 8080, intervalInSeconds: 5 } },
      { at: 10, action: 'setListener', vm: 'web01', listener: 'iis', http: { '/': 500 } },
      { at: 30, action: 'stopVm', vm: 'web01' },
    ];
    const events = compileScenario(s).events;
    expect(events.map((e) => [e.atUs, e.action])).toEqual([
      [10_000_000, 'setProbe'],
      [10_000_000, 'setListener'],
      [20_000_000, 'setRule'],
      [30_000_000, 'stopVm'],
    ]);
    expect(events[0]).toMatchObject({
      index: 1,
      probe: { port: 8080, intervalUs: 5_000_000 },
      element: 'probe:ilb/p8080',
    });
    // The listener keeps its port and address; only the http map changes.
    expect(events[1]).toMatchObject({ listeners: [{ name: 'iis', port: 80, http: { '/': 500 } }] });
    expect(events[2]).toMatchObject({ index: 0, rule: { probe: 1, backendPort: 80 } });
  });

  it('compiles route tables on subnets, and outbound rules with 0 ports left to the default allocation', () => {
    const s = labBaseline('windows');
    s.routeTables = [
      {
        name: 'rt',
        routes: [
          { name: 'nva', addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.2.1.9' },
        ],
      },
    ];
    const spoke = s.vnets?.[1]?.subnets[0];
    if (spoke !== undefined) spoke.routeTable = 'rt';
    const lb = s.loadBalancers?.[0];
    if (lb !== undefined) {
      lb.frontendIPConfigurations.push({ name: 'pub', publicIPAddress: '20.50.1.10' });
      lb.outboundRules = [{ name: 'out', frontendIPConfigurations: ['pub'], backendAddressPool: 'pool' }];
    }
    const input = compileScenario(s);
    expect(input.subnets[1]?.routeTable).toBe(0);
    expect(input.routeTables[0]?.routes[0]).toMatchObject({ nextHopType: 'VirtualAppliance', nextHop: ip('10.2.1.9') });
    expect(input.loadBalancers[0]?.outboundRules[0]).toMatchObject({
      frontends: [1],
      protocol: 'All',
      // 0 stays 0: the engine applies the default allocation over the rule's frontend IPs.
      allocatedPorts: 0,
      idleTimeoutUs: 240_000_000,
      enableTcpReset: false,
    });
    expect(input.loadBalancers[0]?.pools[0]?.defaultSnatPorts).toBe(1024);
  });

  it('compiles the rich lab, a firewall address range included (as the prefixes that hold it)', () => {
    // Validation accepts 10.0.0.1-10.0.0.9 in a firewall rule; compiling it used to throw.
    const input = compileScenario(createRichScenario());
    const rule = input.vms[1]?.firewall?.rules[0];
    expect(rule?.remoteAddresses?.map((c) => `${c.base}/${c.prefixLength}`)).toHaveLength(5);
  });
});
