/**
 * Security rules (rules/nsg.ts), beyond the one-per-rule tests of rules.test.ts: the plural forms
 * the tests there do not write.
 */

import { describe, expect, it } from 'vitest';
import { createRichScenario } from '../testScenarios';
import type { NetworkSecurityGroup, SecurityRule } from '../types';
import { validateScenario } from '../validate';

/** The errors of the rich fixture's rule "allow-ssh-corp" (nsg-web's second) with `fields` set. */
function ruleErrors(fields: Partial<SecurityRule>) {
  const s = createRichScenario();
  const nsg = (s.networkSecurityGroups as NetworkSecurityGroup[])[0] as NetworkSecurityGroup;
  Object.assign(nsg.securityRules[1] as SecurityRule, fields);
  return validateScenario(s).errors.filter((e) => e.path.startsWith('networkSecurityGroups[0].securityRules[1]'));
}

describe('the plural forms of a security rule', () => {
  it('destinationAddressPrefixes: each item is checked', () => {
    expect(ruleErrors({ destinationAddressPrefixes: ['10.2.1.0/24', '10.2.1.5/24'] })).toEqual([
      {
        path: 'networkSecurityGroups[0].securityRules[1].destinationAddressPrefixes[1]',
        message: '"10.2.1.5/24" is not a valid address prefix: host bits are set past /24 (did you mean 10.2.1.0/24?)',
      },
    ]);
  });
  it('sourcePortRanges: each item is checked', () => {
    expect(ruleErrors({ sourcePortRanges: ['1024-65535', '80-'] })).toEqual([
      {
        path: 'networkSecurityGroups[0].securityRules[1].sourcePortRanges[1]',
        message: '"80-" is not a port range (expected *, a port such as 80, or a range such as 8000-8999)',
      },
    ]);
  });
  it('"*" is no item of a port list', () => {
    expect(ruleErrors({ destinationPortRanges: ['22', '*'] })).toEqual([
      {
        path: 'networkSecurityGroups[0].securityRules[1].destinationPortRanges[1]',
        message: '"*" cannot be one item of destinationPortRanges: use destinationPortRange: "*"',
      },
    ]);
  });
});
