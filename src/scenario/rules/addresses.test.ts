/**
 * Addresses across kinds (rules/addresses.ts), beyond the one-per-rule tests of rules.test.ts: an
 * address that does not parse is reported once, frontends in the messages, and a frontend that is
 * neither internal nor public left out of "mixes public and internal".
 */

import { describe, expect, it } from 'vitest';
import type { FrontendIpConfiguration, LoadBalancer, Scenario, VirtualMachine } from '../types';
import type { validateScenario } from '../validate';
import { rich } from './testing';

const lb = (s: Scenario, i: number) => (s.loadBalancers as LoadBalancer[])[i] as LoadBalancer;
const frontends = (s: Scenario, i: number) => lb(s, i).frontendIPConfigurations as FrontendIpConfiguration[];
/** The errors at `path` exactly. */
const errorsAt = (result: ReturnType<typeof validateScenario>, path: string) =>
  result.errors.filter((e) => e.path === path);
const bad = (text: string) => `"${text}" is not an IPv4 address (expected four numbers such as 10.2.1.4)`;

describe('an address that does not parse is reported once, as such', () => {
  it("a NIC's public IP", () => {
    const path = 'virtualMachines[0].networkInterfaces[0].ipConfigurations[0].publicIPAddress';
    const result = rich((s) => {
      const config = (s.virtualMachines as VirtualMachine[])[0]?.networkInterfaces[0]?.ipConfigurations?.[0];
      if (config !== undefined) config.publicIPAddress = '20.50.1';
    });
    expect(errorsAt(result, path)).toEqual([{ path, message: bad('20.50.1') }]);
  });
  it("an internal frontend's address", () => {
    const path = 'loadBalancers[0].frontendIPConfigurations[0].privateIPAddress';
    const result = rich((s) => Object.assign(frontends(s, 0)[0] as object, { privateIPAddress: '10.2.1' }));
    expect(errorsAt(result, path)).toEqual([{ path, message: bad('10.2.1') }]);
  });
  it("a public frontend's address", () => {
    const path = 'loadBalancers[1].frontendIPConfigurations[0].publicIPAddress';
    const result = rich((s) => Object.assign(frontends(s, 1)[0] as object, { publicIPAddress: '20.50.1' }));
    expect(errorsAt(result, path)).toEqual([{ path, message: bad('20.50.1') }]);
  });
});

describe('frontends in the messages', () => {
  it('an address a frontend already uses names that frontend', () => {
    const path = 'loadBalancers[0].frontendIPConfigurations[1].privateIPAddress';
    const result = rich((s) =>
      frontends(s, 0).push({ name: 'fe2', privateIPAddress: '10.2.1.100', subnet: 'spoke/web' }),
    );
    expect(errorsAt(result, path)).toEqual([
      {
        path,
        message:
          '10.2.1.100 is already used by frontend "fe" of load balancer "ilb" (loadBalancers[0].frontendIPConfigurations[0].privateIPAddress)',
      },
    ]);
  });
  it('an internal frontend outside its subnet quotes its address', () => {
    const path = 'loadBalancers[0].frontendIPConfigurations[0].privateIPAddress';
    const result = rich((s) => Object.assign(frontends(s, 0)[0] as object, { privateIPAddress: '10.2.9.100' }));
    expect(errorsAt(result, path)).toEqual([
      { path, message: '10.2.9.100 is outside subnet "spoke/web" (10.2.1.0/24)' },
    ]);
  });
});

describe('public or internal', () => {
  const mixes = (result: ReturnType<typeof validateScenario>) =>
    result.errors.filter((e) => e.message.includes('mixes public and internal'));
  it('a frontend that is both is its own error, not a mix', () => {
    const result = rich((s) =>
      frontends(s, 0).unshift({ name: 'fe0', privateIPAddress: '10.2.1.101', publicIPAddress: '20.50.1.30' }),
    );
    expect(errorsAt(result, 'loadBalancers[0].frontendIPConfigurations[0]')).toEqual([
      {
        path: 'loadBalancers[0].frontendIPConfigurations[0]',
        message: 'a frontend is internal (privateIPAddress and subnet) or public (publicIPAddress), not both',
      },
    ]);
    expect(mixes(result)).toEqual([]);
  });
  it('the odd one out is the first frontend of another kind than the first valid one', () => {
    const result = rich((s) => {
      frontends(s, 1).unshift({ name: 'fe0' });
      frontends(s, 1).push({ name: 'fe-int', privateIPAddress: '10.2.1.102', subnet: 'spoke/web' });
    });
    expect(mixes(result)).toEqual([
      {
        path: 'loadBalancers[1].frontendIPConfigurations[3]',
        message:
          'load balancer "plb" mixes public and internal frontends: a load balancer is either public or internal',
      },
    ]);
  });
});
