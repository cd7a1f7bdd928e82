/**
 * Lesson checks (rules/lesson.ts), beyond the one-per-rule tests of rules.test.ts: which solution
 * is applied, what a probe check counts as probed, and when a distribution check's traffic, tolerance
 * and member count are worth a warning — and when they are not.
 */

import { describe, expect, it } from 'vitest';
import type { LoadBalancer, Scenario } from '../types';
import type { validateScenario } from '../validate';
import { rich } from './testing';

type Change = (s: Scenario) => void;
type Check = Record<string, unknown>;

const at = (path: string, fragment: string) => ({ path, message: expect.stringContaining(fragment) });
function expectError(result: ReturnType<typeof validateScenario>, path: string, fragment: string): void {
  expect(result.errors).toContainEqual(at(path, fragment));
}
function expectWarning(result: ReturnType<typeof validateScenario>, path: string, fragment: string): void {
  expect(result.warnings).toContainEqual(at(path, fragment));
}
/** The diagnostics at `path` or below it. */
const under = (list: { path: string; message: string }[], path: string) =>
  list.filter((d) => d.path === path || d.path.startsWith(`${path}.`) || d.path.startsWith(`${path}[`));

const ilb = (s: Scenario) => (s.loadBalancers as LoadBalancer[])[0] as LoadBalancer;
/** The rich fixture with one more check (lesson.checks[3]) after `change`. */
const withCheck = (check: Check, change: Change = () => {}) =>
  rich((s) => {
    change(s);
    s.lesson?.checks?.push(check as never);
  });
const CHECK = 'lesson.checks[3]';

describe('which document the checks are looked up in', () => {
  it('a solution that does not make a well-typed scenario is not applied: the shipped names count', () => {
    // A title that is not a string: the solved document is not a scenario (shape reports it).
    const result = withCheck({ name: 'x', traffic: 'nope', expect: 'established' }, (s) => {
      (s.lesson as { solution?: unknown }).solution = { title: 5, traffic: [] };
    });
    expect(under(result.errors, `${CHECK}.traffic`)).toEqual([
      {
        path: `${CHECK}.traffic`,
        message: 'no traffic named "nope" (it has: onprem-to-vip, users-to-web, ping-web01, web02-out)',
      },
    ]);
    expect(under(result.errors, 'lesson.checks[0]')).toEqual([]);
  });
});

describe('probe checks', () => {
  const probeCheck = { name: 'up', loadBalancer: 'ilb', probe: 'p80', member: 'web01-nic1', expect: 'up' };
  it('a missing probe is the only error: its members are not judged', () => {
    expect(under(withCheck({ ...probeCheck, probe: 'p81' }).errors, CHECK)).toEqual([
      at(`${CHECK}.probe`, 'no health probe named "p81" in load balancer "ilb" (it has: p80)'),
    ]);
  });
  it('a member is probed only through a rule that uses the probe', () => {
    const result = withCheck({ ...probeCheck, probe: 'p81' }, (s) => {
      ilb(s).probes?.push({ name: 'p81', protocol: 'Tcp', port: 80 });
    });
    expect(under(result.errors, CHECK)).toEqual([
      {
        path: `${CHECK}.member`,
        message:
          '"web01-nic1" is not probed by "p81": a member is a network interface in a pool of a rule that uses the probe (it probes none)',
      },
    ]);
  });
  it('the message lists the members the probe does watch', () => {
    expect(under(withCheck({ ...probeCheck, member: 'web02-nic1' }).errors, CHECK)).toEqual([
      {
        path: `${CHECK}.member`,
        message:
          '"web02-nic1" is not probed by "p80": a member is a network interface in a pool of a rule that uses the probe (members: web01-nic1)',
      },
    ]);
  });
});

describe('distribution checks', () => {
  const spread = { name: 'spread', loadBalancer: 'ilb', rule: 'http', expect: 'allMembers' };
  it('tolerance is fine with "expect": "even"', () => {
    const result = withCheck({ ...spread, expect: 'even', tolerance: 0.2 }, (s) => {
      ilb(s).backendAddressPools?.[0]?.loadBalancerBackendAddresses?.push({
        networkInterfaceIPConfiguration: 'web02-nic1/ipconfig1',
      });
    });
    expect(under(result.warnings, CHECK)).toEqual([]);
    expect(under(result.errors, CHECK)).toEqual([]);
  });
  it('an even distribution over two members is fine; one member is too few, whether listed or in the pool', () => {
    const twoInPool: Change = (s) => {
      ilb(s).backendAddressPools?.[0]?.loadBalancerBackendAddresses?.push({
        networkInterfaceIPConfiguration: 'web02-nic1/ipconfig1',
      });
    };
    expect(under(withCheck({ ...spread, expect: 'even' }, twoInPool).warnings, CHECK)).toEqual([]);
    expect(
      under(withCheck({ ...spread, expect: 'even', members: ['web01-nic1', 'web02-nic1'] }, twoInPool).warnings, CHECK),
    ).toEqual([]);
    expect(under(withCheck({ ...spread, expect: 'even', members: ['web01-nic1'] }, twoInPool).warnings, CHECK)).toEqual(
      [
        {
          path: `${CHECK}.members`,
          message: 'an even distribution needs at least two members to compare; this check looks at 1',
        },
      ],
    );
    expectWarning(withCheck({ ...spread, expect: 'even' }), `${CHECK}.expect`, 'this check looks at 1');
  });
  it('a member of an empty pool: the message says the pool is empty', () => {
    const result = withCheck({ ...spread, members: ['web01-nic1'] }, (s) => {
      const pool = ilb(s).backendAddressPools?.[0];
      if (pool !== undefined) pool.loadBalancerBackendAddresses = [];
    });
    expectError(
      result,
      `${CHECK}.members[0]`,
      '"web01-nic1" is not a member of the pool of rule "http" (its pool is empty)',
    );
  });
  describe("the check's traffic and the rule's frontend", () => {
    it('traffic to the frontend on another port: warning', () => {
      expect(
        under(
          withCheck({ ...spread, traffic: 'onprem-to-vip' }, (s) => {
            const t = s.traffic?.[0];
            if (t !== undefined) t.to = '10.2.1.100:81';
          }).warnings,
          `${CHECK}.traffic`,
        ),
      ).toEqual([
        at(
          `${CHECK}.traffic`,
          'traffic "onprem-to-vip" goes to 10.2.1.100:81, not to the frontend of rule "http" (10.2.1.100:80)',
        ),
      ]);
    });
    const haPorts: Change = (s) => {
      const rule = ilb(s).loadBalancingRules?.[0];
      if (rule !== undefined) Object.assign(rule, { protocol: 'All', frontendPort: 0, backendPort: 0 });
    };
    it('an HA ports rule places traffic to any port of its frontend', () => {
      const result = withCheck({ ...spread, traffic: 'onprem-to-vip' }, (s) => {
        haPorts(s);
        const t = s.traffic?.[0];
        if (t !== undefined) t.to = '10.2.1.100:8443';
      });
      expect(under(result.warnings, CHECK)).toEqual([]);
    });
    it('an HA ports rule places no ICMP, and the message says "any port"', () => {
      const result = withCheck({ ...spread, traffic: 'ping-web01' }, (s) => {
        haPorts(s);
        const t = s.traffic?.[2];
        if (t !== undefined) t.to = '10.2.1.100';
      });
      expect(under(result.warnings, CHECK)).toEqual([
        at(
          `${CHECK}.traffic`,
          'traffic "ping-web01" goes to 10.2.1.100, not to the frontend of rule "http" (10.2.1.100:any port)',
        ),
      ]);
    });
    it('traffic whose destination does not parse is not compared (the traffic has its own error)', () => {
      const result = withCheck({ ...spread, traffic: 'onprem-to-vip' }, (s) => {
        const t = s.traffic?.[0];
        if (t !== undefined) t.to = 'vip:80';
      });
      expectError(result, 'traffic[0].to', '"vip" is not an IPv4 address');
      expect(under(result.warnings, CHECK)).toEqual([]);
    });
    it('a frontend without a valid address is not compared', () => {
      const result = withCheck({ ...spread, traffic: 'onprem-to-vip' }, (s) => {
        const fe = ilb(s).frontendIPConfigurations?.[0];
        if (fe !== undefined) fe.privateIPAddress = '10.2.1';
      });
      expect(under(result.warnings, CHECK)).toEqual([]);
    });
    it('a rule whose frontend is missing is not compared (the rule has the error)', () => {
      const result = withCheck({ ...spread, traffic: 'onprem-to-vip' }, (s) => {
        const rule = ilb(s).loadBalancingRules?.[0];
        if (rule !== undefined) rule.frontendIPConfiguration = 'fe9';
      });
      expectError(
        result,
        'loadBalancers[0].loadBalancingRules[0].frontendIPConfiguration',
        'no frontend IP configuration named "fe9"',
      );
      expect(under(result.warnings, CHECK)).toEqual([]);
      expect(under(result.errors, CHECK)).toEqual([]);
    });
  });
});
