/**
 * Traffic (rules/traffic.ts), beyond the one-per-rule tests of rules.test.ts: the source's message,
 * the edges of the source-port and dataEvery warnings, which frontend rule or NAT rule serves a
 * destination, and which guest route the hairpin warning follows.
 */

import { describe, expect, it } from 'vitest';
import { createDefaultScenario } from '../defaultScenario';
import { nicWithAddress } from '../members';
import { createRichScenario } from '../testScenarios';
import type { Client, LoadBalancer, Scenario, Traffic, VirtualMachine } from '../types';
import { validateScenario } from '../validate';

type Change = (s: Scenario) => void;

function validate(change: Change, base: () => Scenario = createDefaultScenario) {
  const s = base();
  change(s);
  return validateScenario(s);
}
const rich = (change: Change) => validate(change, createRichScenario);
const at = (path: string, fragment: string) => ({ path, message: expect.stringContaining(fragment) });
function expectError(result: ReturnType<typeof validateScenario>, path: string, fragment: string): void {
  expect(result.errors).toContainEqual(at(path, fragment));
}
/** The diagnostics at `path` exactly. */
const atPath = (list: { path: string; message: string }[], path: string) => list.filter((d) => d.path === path);

const vm = (s: Scenario, i = 0) => (s.virtualMachines as VirtualMachine[])[i] as VirtualMachine;
const lb = (s: Scenario, i = 0) => (s.loadBalancers as LoadBalancer[])[i] as LoadBalancer;
const traffic = (s: Scenario, i = 0) => (s.traffic as Traffic[])[i] as Traffic;
const clients = (s: Scenario) => s.clients as Client[];

describe('the source', () => {
  it('an unknown source: a near name, and "none" for a kind the scenario has none of', () => {
    expect(
      atPath(
        validate((s) => {
          traffic(s).from = 'Web01';
          s.clients = [];
        }).errors,
        'traffic[0].from',
      ),
    ).toEqual([
      {
        path: 'traffic[0].from',
        message: 'no virtual machine or client named "Web01" (did you mean "web01"?) (VMs: web01; clients: none)',
      },
    ]);
    expect(
      atPath(
        validate((s) => {
          traffic(s).from = 'x';
          s.virtualMachines = [];
        }).errors,
        'traffic[0].from',
      ),
    ).toEqual([
      { path: 'traffic[0].from', message: 'no virtual machine or client named "x" (VMs: none; clients: onprem)' },
    ]);
  });
  it('a VM that is broken is still a source: shape reports the VM, not the traffic', () => {
    const result = rich((s) => {
      (vm(s, 1) as { os: unknown }).os = 5;
    });
    expect(atPath(result.errors, 'traffic[2].from')).toEqual([]);
    expect(atPath(result.errors, 'traffic[3].from')).toEqual([]);
  });
  it('a source that is both a VM and an internet client is reported once, not also as a client', () => {
    const result = validate((s) => {
      clients(s).push({ name: 'web01', ipAddress: '203.0.113.9', location: 'internet' });
      traffic(s).from = 'web01';
    });
    expectError(result, 'traffic[0].from', '"web01" is both a virtual machine and a client');
    expect(atPath(result.warnings, 'traffic[0].to').filter((w) => w.message.includes('VNet address'))).toEqual([]);
  });
});

describe('the destination', () => {
  it('ICMP to something that is not an address is a bad address, not a port', () => {
    expectError(
      rich((s) => (traffic(s, 2).to = '10.2.1')),
      'traffic[2].to',
      '"10.2.1" is not an IPv4 address',
    );
  });
  it('a destination that does not parse is not looked for', () => {
    const result = validate((s) => (traffic(s).to = 'vip:80'));
    expectError(result, 'traffic[0].to', '"vip" is not an IPv4 address');
    expect(result.warnings).toEqual([]);
  });
  it('an HTTP path is checked at its start only', () => {
    expect(validate((s) => (traffic(s).http = '/index.html')).errors).toEqual([]);
    expectError(
      validate((s) => (traffic(s).http = 'index/')),
      'traffic[0].http',
      'starts with "/", got "index/"',
    );
  });
});

describe('source port and data warnings, at their edges', () => {
  it('a fixed source port warns only for more than one connection at once', () => {
    const warned = (t: Partial<Traffic>) =>
      atPath(validate((s) => Object.assign(traffic(s), t)).warnings, 'traffic[0].sourcePort');
    expect(warned({ sourcePort: 50000, interval: 0, connections: 1 })).toEqual([]);
    expect(warned({ sourcePort: 50000, connections: 3 })).toEqual([]);
    expect(warned({ interval: 0, connections: 3 })).toEqual([]);
    expect(warned({ sourcePort: 50000, interval: 0, connections: 2 })).toHaveLength(1);
  });
  it('data every as long as the connection lasts is sent', () => {
    expect(atPath(rich((s) => (traffic(s, 3).dataEvery = 30)).warnings, 'traffic[3].dataEvery')).toEqual([]);
    expect(atPath(rich((s) => (traffic(s, 3).dataEvery = 31)).warnings, 'traffic[3].dataEvery')).toHaveLength(1);
  });
});

describe('which rule serves a frontend', () => {
  const toPlb = (to: string, protocol: Traffic['protocol'] = 'Tcp') =>
    atPath(rich((s) => Object.assign(traffic(s, 1), { to, protocol, http: undefined })).warnings, 'traffic[1].to');
  it('a rule serves its own frontend only', () => {
    expect(toPlb('20.50.1.11:80')).toEqual([
      {
        path: 'traffic[1].to',
        message:
          'frontend "fe-dns" of load balancer "plb" has no rule for Tcp port 80: the load balancer drops it (LB_NO_RULE)',
      },
    ]);
  });
  it('an inbound NAT rule serves its frontend, port and protocol', () => {
    expect(toPlb('20.50.1.10:50001')).toEqual([]);
    expect(toPlb('20.50.1.10:50001', 'Udp')).toEqual([at('traffic[1].to', 'has no rule for Udp port 50001')]);
    expect(toPlb('20.50.1.11:50001')).toEqual([at('traffic[1].to', 'has no rule for Tcp port 50001')]);
    expect(toPlb('20.50.1.10:8080')).toEqual([at('traffic[1].to', 'has no rule for Tcp port 8080')]);
  });
});

describe('the hairpin warning', () => {
  const hairpin = (result: ReturnType<typeof validateScenario>, path = 'traffic[0].to') =>
    atPath(result.warnings, path).filter((w) => /hairpin|second-NIC/.test(w.message));
  it('a member calling a public frontend of its own pool is not an internal hairpin', () => {
    expect(
      hairpin(
        rich((s) => (traffic(s, 3).to = '20.50.1.10:80')),
        'traffic[3].to',
      ),
    ).toEqual([]);
  });
  it('a rule whose pool is missing is skipped (the rule has the error)', () => {
    const result = validate((s) => {
      traffic(s).from = 'web01';
      const rule = lb(s).loadBalancingRules?.[0];
      if (rule !== undefined) rule.backendAddressPool = 'pool9';
    });
    expectError(result, 'loadBalancers[0].loadBalancingRules[0].backendAddressPool', 'no backend pool named "pool9"');
    expect(hairpin(result)).toEqual([]);
  });

  /** web01 (Windows) calls its own frontend, with a second NIC web01-nic2 and these guest routes. */
  const withRoutes = (routes: { addressPrefix: string; interface: string }[], change: Change = () => {}) =>
    validate((s) => {
      traffic(s).from = 'web01';
      vm(s).networkInterfaces.push(nicWithAddress('web01-nic2', 'spoke/web', '10.2.1.5'));
      vm(s).routes = routes.map((r) => ({ ...r, nextHop: '10.2.1.1' }));
      change(s);
    });
  it('a guest route out of a NIC that is in the pool is no workaround', () => {
    const secondMember: Change = (s) =>
      lb(s).backendAddressPools?.[0]?.loadBalancerBackendAddresses?.push({
        networkInterfaceIPConfiguration: 'web01-nic2/ipconfig1',
      });
    expect(hairpin(withRoutes([{ addressPrefix: '10.2.1.100/32', interface: 'web01-nic1' }], secondMember))).toEqual([
      at('traffic[0].to', 'hairpin: connections mapped back to this VM will fail'),
    ]);
    expect(hairpin(withRoutes([{ addressPrefix: '10.2.1.100/32', interface: 'web01-nic1' }]))).toEqual([
      at('traffic[0].to', 'hairpin: connections mapped back to this VM will fail'),
    ]);
  });
  it('a guest route for another prefix, or one that does not parse, changes nothing', () => {
    expect(hairpin(withRoutes([{ addressPrefix: '10.9.0.0/16', interface: 'web01-nic2' }]))).toEqual([
      at('traffic[0].to', 'hairpin: connections mapped back to this VM will fail'),
    ]);
    expect(hairpin(withRoutes([{ addressPrefix: '10.2.1.100/33', interface: 'web01-nic2' }]))).toEqual([
      at('traffic[0].to', 'hairpin: connections mapped back to this VM will fail'),
    ]);
  });
  it('the longest guest route wins, whatever its place; of two equal ones, the first', () => {
    const viaNic2 = { addressPrefix: '10.2.1.100/32', interface: 'web01-nic2' };
    const wideViaNic1 = { addressPrefix: '10.2.1.0/24', interface: 'web01-nic1' };
    expect(hairpin(withRoutes([wideViaNic1, viaNic2]))).toEqual([]);
    expect(hairpin(withRoutes([viaNic2, wideViaNic1]))).toEqual([]);
    expect(hairpin(withRoutes([viaNic2, { ...viaNic2, interface: 'web01-nic1' }]))).toEqual([]);
    expect(hairpin(withRoutes([{ ...viaNic2, interface: 'web01-nic1' }, viaNic2]))).toHaveLength(1);
  });
});
