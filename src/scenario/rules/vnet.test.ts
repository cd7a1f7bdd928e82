/**
 * Virtual networks (rules/vnet.ts), beyond the one-per-rule tests of rules.test.ts: the edges of
 * "inside the address space" and of the smallest subnet.
 */

import { describe, expect, it } from 'vitest';
import { createDefaultScenario } from '../defaultScenario';
import type { Scenario, Subnet, VirtualNetwork } from '../types';
import { validateScenario } from '../validate';

function validate(change: (s: Scenario) => void) {
  const s = createDefaultScenario();
  change(s);
  return validateScenario(s);
}
const vnet = (s: Scenario) => (s.vnets as VirtualNetwork[])[0] as VirtualNetwork;
const subnet = (s: Scenario) => vnet(s).subnets?.[0] as Subnet;
/** The errors at the first subnet's addressPrefix, after `change`. */
const prefixErrors = (change: (s: Scenario) => void) =>
  validate(change).errors.filter((e) => e.path === 'vnets[0].subnets[0].addressPrefix');

describe('a subnet inside the address space', () => {
  it('a subnet as wide as the space fits; one wider does not, even from the same base', () => {
    expect(prefixErrors((s) => (subnet(s).addressPrefix = '10.2.0.0/16'))).toEqual([]);
    expect(prefixErrors((s) => (subnet(s).addressPrefix = '10.2.0.0/15'))).toEqual([
      {
        path: 'vnets[0].subnets[0].addressPrefix',
        message: '10.2.0.0/15 is outside the address space of virtual network "spoke" (10.2.0.0/16)',
      },
    ]);
  });
  it('any range of the space will do, and the message lists them all', () => {
    const twoRanges = (s: Scenario) => (vnet(s).addressSpace = ['10.2.0.0/16', '10.3.0.0/16']);
    expect(
      prefixErrors((s) => {
        twoRanges(s);
        subnet(s).addressPrefix = '10.3.1.0/24';
      }),
    ).toEqual([]);
    expect(
      prefixErrors((s) => {
        twoRanges(s);
        subnet(s).addressPrefix = '10.4.1.0/24';
      }),
    ).toEqual([
      {
        path: 'vnets[0].subnets[0].addressPrefix',
        message: '10.4.1.0/24 is outside the address space of virtual network "spoke" (10.2.0.0/16, 10.3.0.0/16)',
      },
    ]);
  });
  it('a VNet without a valid range does not report its subnets as outside it', () => {
    const result = validate((s) => {
      vnet(s).addressSpace = ['10.2.0.0'];
      s.loadBalancers = [];
    });
    expect(result.errors.filter((e) => e.path.startsWith('vnets[0].subnets'))).toEqual([]);
  });
});

describe('the smallest subnet', () => {
  it('a /29 is allowed', () => {
    expect(
      prefixErrors((s) => {
        subnet(s).addressPrefix = '10.2.1.0/29';
      }),
    ).toEqual([]);
  });
});
