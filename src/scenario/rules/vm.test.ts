/**
 * Virtual machines (rules/vm.ts), beyond the one-per-rule tests of rules.test.ts: which binds
 * clash, a listener address that does not parse, ICMP firewall rules with "any port", a NIC
 * without an IP configuration, a guest route without a next hop, and Linux settings on Linux.
 */

import { describe, expect, it } from 'vitest';
import type { Listener, Scenario, VirtualMachine } from '../types';
import { rich } from './testing';

/** web02 (Linux; NIC 10.2.1.5, loopback 20.50.1.11). */
const web02 = (s: Scenario) => (s.virtualMachines as VirtualMachine[])[1] as VirtualMachine;
const under = (list: { path: string; message: string }[], path: string) =>
  list.filter((d) => d.path === path || d.path.startsWith(`${path}.`) || d.path.startsWith(`${path}[`));

describe('which listeners clash (EADDRINUSE)', () => {
  /** The errors of a listener on port 9000 added after one on `first`, bound to `second`. */
  const second = (first: string, address: string) =>
    under(
      rich((s) =>
        web02(s).listeners?.push({ name: 'a', port: 9000, address: first }, {
          name: 'b',
          port: 9000,
          address,
        } as Listener),
      ).errors,
      'virtualMachines[1].listeners[4]',
    );
  const clash = (first: string, address: string) => ({
    path: 'virtualMachines[1].listeners[4].port',
    message: `Tcp ${address}:9000 is already bound by listener "a" (${first}:9000): the second bind fails (EADDRINUSE)`,
  });
  it('two addresses of the VM on one port do not clash', () => {
    expect(second('10.2.1.5', '20.50.1.11')).toEqual([]);
  });
  it('one address twice clashes', () => {
    expect(second('10.2.1.5', '10.2.1.5')).toEqual([clash('10.2.1.5', '10.2.1.5')]);
  });
  it('0.0.0.0 after an address, or an address after 0.0.0.0, clashes', () => {
    expect(second('10.2.1.5', '0.0.0.0')).toEqual([clash('10.2.1.5', '0.0.0.0')]);
    expect(second('0.0.0.0', '10.2.1.5')).toEqual([clash('0.0.0.0', '10.2.1.5')]);
  });
});

describe('listener addresses', () => {
  it('an address that does not parse is reported as such, once', () => {
    const path = 'virtualMachines[1].listeners[0].address';
    const result = rich((s) => Object.assign(web02(s).listeners?.[0] as object, { address: '10.2.1' }));
    expect(result.errors.filter((e) => e.path === path)).toEqual([
      { path, message: '"10.2.1" is not an IPv4 address (expected four numbers such as 10.2.1.4)' },
    ]);
  });
});

describe('firewall rules', () => {
  it('an ICMP rule may filter "any port", written * or Any', () => {
    const errors = (localPorts: string) =>
      under(
        rich((s) => Object.assign(web02(s).firewall?.rules?.[0] as object, { protocol: 'Icmp', localPorts })).errors,
        'virtualMachines[1].firewall.rules[0]',
      );
    expect(errors('*')).toEqual([]);
    expect(errors('Any')).toEqual([]);
    expect(errors('23')).toEqual([
      {
        path: 'virtualMachines[1].firewall.rules[0].localPorts',
        message: 'ICMP has no ports: a port filter needs protocol Tcp or Udp',
      },
    ]);
  });
});

describe('what a VM may leave out', () => {
  it('a NIC without an IP configuration is not a crash', () => {
    const result = rich((s) => web02(s).networkInterfaces.push({ name: 'web02-nic2', ipConfigurations: [] }));
    expect(result.errors.some((e) => e.path.startsWith('virtualMachines[1].networkInterfaces[1]'))).toBe(true);
  });
  it('a guest route without a next hop is fine', () => {
    const result = rich((s) => {
      const route = web02(s).routes?.[0];
      if (route !== undefined) delete route.nextHop;
    });
    expect(under(result.errors, 'virtualMachines[1].routes[0]')).toEqual([]);
    expect(under(result.warnings, 'virtualMachines[1].routes[0]')).toEqual([]);
  });
  it('Linux settings on a Linux VM are read, not ignored', () => {
    expect(under(rich((s) => (web02(s).linux = { acceptLocal: true })).warnings, 'virtualMachines[1]')).toEqual([]);
  });
});
