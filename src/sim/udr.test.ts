/**
 * User-defined routes (engine-model.md step 5; virtual-networks-udr-overview) and “Troubleshoot Azure Load Balancer health probe status”
 * cause 4 ("Verify if the probe packets are being forced to another destination (possibly via UDR
 * settings)"). Assumption stated in network.ts applyUdr and tested here: 168.63.129.16 "is a
 * virtual IP of the host node and as such it isn't subject to user defined routes"
 * (learn.microsoft.com/azure/virtual-network/what-is-ip-address-168-63-129-16), so a UDR never
 * diverts a probe or its reply; what it does divert is the traffic the probe vouches for, and a
 * guest's own routes can still send a probe reply the wrong way.
 */
import { describe, expect, it } from 'vitest';
import { aggregateConnections } from '../engine/bulk';
import type { SimulationResult } from '../engine/result';
import { loadScenarioValue, type Scenario } from '../scenario/index';
import { toNva, udrLab } from './fixtures/udr';
import { runScenario, runScenarioBulk } from './simulate';

const one = (r: SimulationResult, traffic: string) => r.connections.find((c) => c.traffic === traffic);

function run(s: Scenario, trace = false): SimulationResult {
  expect(loadScenarioValue(s).errors).toEqual([]);
  const r = runScenario(s, { trace });
  const { connections, outcomes, reasons, backends, http, closed } = runScenarioBulk(s);
  expect({ connections, outcomes, reasons, backends, http, closed }).toEqual(aggregateConnections(r.connections));
  return r;
}

const appToWeb = { name: 'app-to-web', from: 'app01', to: '10.2.1.4:80', http: '/' };

describe('next hop VirtualAppliance', () => {
  it('the appliance forwards the packet on (NIC enableIPForwarding, VM ipForwarding)', () => {
    const r = run(udrLab({ routes: [toNva('10.2.1.0/24')], on: ['app'], traffic: [appToWeb] }), true);
    expect(one(r, 'app-to-web')).toMatchObject({ outcome: 'established', http: { status: 200 } });
    const events = r.events ?? [];
    const udr = events.find((e) => e.decision?.kind === 'udr');
    expect(udr).toMatchObject({
      element: 'routeTable:rt',
      decision: { route: 'to-nva', nextHopType: 'VirtualAppliance', nextHop: '10.2.9.4' },
    });
    // The SYN passed nva01 unchanged on its way to web01.
    expect(
      events.some(
        (e) => e.element === 'nic:nva01-nic1' && e.packet?.flags.join() === 'SYN' && e.packet.dst === '10.2.1.4:80',
      ),
    ).toBe(true);
  });
  for (const [what, opts, at] of [
    ['the NIC lacks enableIPForwarding', { nicForwarding: false }, 'nic:nva01-nic1'],
    ['the guest does not forward', { vmForwarding: false }, 'vm:nva01'],
  ] as const) {
    it(`${what}: IP_FORWARDING_DISABLED at ${at}`, () => {
      const r = run(udrLab({ routes: [toNva('10.2.1.0/24')], on: ['app'], traffic: [appToWeb], ...opts }));
      expect(one(r, 'app-to-web')).toMatchObject({
        outcome: 'timeout',
        reason: { code: 'IP_FORWARDING_DISABLED', at },
      });
    });
  }
  it('an appliance address no NIC has: NO_ROUTE at the route table', () => {
    const r = run(
      udrLab({
        routes: [
          {
            name: 'lost',
            addressPrefix: '10.2.1.0/24',
            nextHopType: 'VirtualAppliance',
            nextHopIpAddress: '10.2.9.99',
          },
        ],
        on: ['app'],
        traffic: [appToWeb],
      }),
    );
    expect(one(r, 'app-to-web')).toMatchObject({
      reason: { code: 'NO_ROUTE', at: 'routeTable:rt', rule: { kind: 'route', name: 'lost' } },
    });
  });
  it('an appliance forwarding to the internet with a private source is not translated', () => {
    const r = run(
      udrLab({
        routes: [toNva('0.0.0.0/0')],
        on: ['app'],
        traffic: [{ name: 'out', from: 'app01', to: '203.0.113.50:443' }],
      }),
    );
    expect(one(r, 'out')).toMatchObject({
      outcome: 'timeout',
      reason: { code: 'NO_OUTBOUND_CONNECTIVITY', at: 'nic:nva01-nic1' },
    });
  });
});

describe('next hop None, VnetLocal, Internet', () => {
  it('None drops: UDR_NONE with the route', () => {
    const r = run(
      udrLab({
        routes: [{ name: 'blackhole', addressPrefix: '10.2.1.0/24', nextHopType: 'None' }],
        on: ['app'],
        traffic: [appToWeb],
      }),
    );
    expect(one(r, 'app-to-web')).toMatchObject({
      outcome: 'timeout',
      reason: {
        code: 'UDR_NONE',
        at: 'routeTable:rt',
        rule: { kind: 'route', name: 'blackhole', direction: 'Outbound' },
      },
    });
  });
  it('a longer system route wins over a shorter UDR: 0.0.0.0/0 None leaves VNet traffic alone', () => {
    const r = run(
      udrLab({
        routes: [{ name: 'default-none', addressPrefix: '0.0.0.0/0', nextHopType: 'None' }],
        on: ['app'],
        traffic: [appToWeb, { name: 'out', from: 'app01', to: '203.0.113.50:443' }],
      }),
    );
    expect(one(r, 'app-to-web')?.outcome).toBe('established');
    expect(one(r, 'out')).toMatchObject({ reason: { code: 'UDR_NONE' } });
  });
  it('VnetLocal keeps VNet traffic local and drops internet traffic (NO_ROUTE)', () => {
    const r = run(
      udrLab({
        routes: [{ name: 'local', addressPrefix: '0.0.0.0/0', nextHopType: 'VnetLocal' }],
        on: ['app'],
        traffic: [{ name: 'out', from: 'app01', to: '203.0.113.50:443' }],
      }),
    );
    expect(one(r, 'out')).toMatchObject({ outcome: 'timeout', reason: { code: 'NO_ROUTE', at: 'routeTable:rt' } });
  });
  it('Internet: to an internet server it works (the instance public IP translates); to a VNet address, NO_ROUTE', () => {
    const r = run(
      udrLab({
        routes: [
          { name: 'inet', addressPrefix: '203.0.113.0/24', nextHopType: 'Internet' },
          { name: 'web-via-internet', addressPrefix: '10.2.1.0/24', nextHopType: 'Internet' },
        ],
        on: ['app'],
        traffic: [{ name: 'out', from: 'app01', to: '203.0.113.50:443' }, appToWeb],
      }),
    );
    expect(one(r, 'out')?.outcome).toBe('established');
    expect(one(r, 'app-to-web')).toMatchObject({ reason: { code: 'NO_ROUTE', rule: { name: 'web-via-internet' } } });
  });
});

describe('“Troubleshoot Azure Load Balancer health probe status” cause 4: probe traffic and its replies forced elsewhere', () => {
  const onpremToVip = { name: 'onprem-to-vip', from: 'onprem', to: '10.2.1.100:80', connections: 2 };
  it('a UDR does not divert the probe reply (168.63.129.16 is not subject to UDRs): the member stays up', () => {
    const r = run(
      udrLab({
        routes: [
          { name: 'default-none', addressPrefix: '0.0.0.0/0', nextHopType: 'None' },
          { name: 'probe-none', addressPrefix: '168.63.129.16/32', nextHopType: 'None' },
        ],
        on: ['web'],
        traffic: [],
      }),
    );
    expect(r.probes[0]).toMatchObject({ state: 'up', transitions: [{ at: 0, state: 'up' }] });
  });
  it('but it does divert the traffic the probe vouches for: healthy, yet clients time out', () => {
    const r = run(
      udrLab({
        routes: [toNva('192.168.2.0/24', 'onprem-via-nva')],
        on: ['web'],
        nicForwarding: false,
        traffic: [onpremToVip],
      }),
    );
    expect(r.probes[0]?.state).toBe('up');
    expect(one(r, 'onprem-to-vip')).toMatchObject({
      outcome: 'timeout',
      backend: 'web01-nic1',
      reason: { code: 'IP_FORWARDING_DISABLED' },
    });
  });
  it('through a forwarding appliance the reply (asymmetric) still reaches on-premises', () => {
    const r = run(udrLab({ routes: [toNva('192.168.2.0/24', 'onprem-via-nva')], on: ['web'], traffic: [onpremToVip] }));
    expect(one(r, 'onprem-to-vip')?.outcome).toBe('established');
  });
});
