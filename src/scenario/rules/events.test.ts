/**
 * Events (rules/events.ts), beyond the one-per-rule tests of rules.test.ts: which actions check
 * which names, what an earlier event creates for a later one, and the events the rules skip.
 * Each test starts from the rich fixture, changes its events, and asserts the exact path.
 */

import { describe, expect, it } from 'vitest';
import type { LoadBalancer, Scenario } from '../types';
import type { validateScenario } from '../validate';
import { rich } from './testing';

type Change = (s: Scenario) => void;
type Event = Record<string, unknown>;

const at = (path: string, fragment: string) => ({ path, message: expect.stringContaining(fragment) });
function expectError(result: ReturnType<typeof validateScenario>, path: string, fragment: string): void {
  expect(result.errors).toContainEqual(at(path, fragment));
}
/** The errors at `path` or below it. */
const errorsAt = (result: ReturnType<typeof validateScenario>, path: string) =>
  result.errors.filter((e) => e.path === path || e.path.startsWith(`${path}.`));

/** The rich fixture with its events replaced by `list` (the fixture's events all pass). */
const withEvents = (...list: Event[]) => rich((s) => (s.events = list as never));
const ilb = (s: Scenario) => (s.loadBalancers as LoadBalancer[])[0] as LoadBalancer;

describe('which events name a virtual machine', () => {
  it('startVm names an existing VM, like stopVm', () => {
    expectError(
      withEvents({ at: 10, action: 'startVm', vm: 'web09' }),
      'events[0].vm',
      'no virtual machine named "web09" (it has: web01, web02, nva01)',
    );
  });
});

describe('events the rules skip: shape reports them', () => {
  it('an event that is not an object, or has an unknown or missing action, is skipped, not a crash', () => {
    const result = withEvents(
      42 as never,
      { at: 5, action: 'reboot', vm: 'web09' },
      { at: 6, vm: 'web09' },
      { at: 7, action: 'stopVm', vm: 'web09' },
      { at: 8, action: 'startVm', vm: 5 },
    );
    // Only the well-formed stopVm is checked for its name; the startVm whose vm is a number is shape's.
    expectError(result, 'events[3].vm', 'no virtual machine named "web09"');
    expect(result.errors.filter((e) => e.message.includes('no virtual machine named'))).toHaveLength(1);
  });
});

describe('listeners', () => {
  it('a listener setListener creates (with a port) may be removed by a later event', () => {
    const result = withEvents(
      { at: 10, action: 'setListener', vm: 'web02', listener: 'alt', port: 8081 },
      { at: 20, action: 'removeListener', vm: 'web02', listener: 'alt' },
    );
    expect(result.errors).toEqual([]);
  });
  it('one created later does not count: the events are taken in time order', () => {
    expectError(
      withEvents(
        { at: 20, action: 'removeListener', vm: 'web02', listener: 'alt' },
        { at: 10, action: 'removeListener', vm: 'web02', listener: 'other' },
        { at: 30, action: 'setListener', vm: 'web02', listener: 'alt', port: 8081 },
      ),
      'events[0].listener',
      'no listener named "alt" on virtual machine "web02" (it has: nginx, app, proxy)',
    );
  });
  it('a listener created on one VM is not one of another VM', () => {
    expectError(
      withEvents(
        { at: 10, action: 'setListener', vm: 'web02', listener: 'alt', port: 8081 },
        { at: 20, action: 'removeListener', vm: 'web01', listener: 'alt' },
      ),
      'events[1].listener',
      'no listener named "alt" on virtual machine "web01" (it has: iis)',
    );
  });
  it('removing a missing listener is an error each time: a removal creates nothing', () => {
    const result = withEvents(
      { at: 10, action: 'removeListener', vm: 'web02', listener: 'ftp' },
      { at: 20, action: 'removeListener', vm: 'web02', listener: 'ftp' },
    );
    expectError(result, 'events[0].listener', 'no listener named "ftp"');
    expectError(result, 'events[1].listener', 'no listener named "ftp"');
  });
  it('removeListener names an existing listener even when it carries a stray port', () => {
    expectError(
      withEvents({ at: 10, action: 'removeListener', vm: 'web02', listener: 'ftp', port: 21 }),
      'events[0].listener',
      'no listener named "ftp"',
    );
  });
  it("setListener's address is an IPv4 address", () => {
    const result = withEvents({ at: 10, action: 'setListener', vm: 'web02', listener: 'nginx', address: '10.2.1' });
    expectError(result, 'events[0].address', '"10.2.1" is not an IPv4 address');
    expect(
      withEvents({ at: 10, action: 'setListener', vm: 'web02', listener: 'nginx', address: '10.2.1.5' }).errors,
    ).toEqual([]);
  });
  it("setListener's body is checked like a listener's", () => {
    expectError(
      withEvents({ at: 10, action: 'setListener', vm: 'web02', listener: 'nginx', http: { index: 200 } }),
      'events[0].http.index',
      'a request path starts with "/", got "index"',
    );
  });
});

describe('security rules', () => {
  const rule = (extra: Event) => ({
    at: 10,
    action: 'setSecurityRule',
    networkSecurityGroup: 'nsg-web',
    rule: { name: 'new', priority: 110, direction: 'Outbound', access: 'Deny', ...extra },
  });
  it('an outbound rule may take the priority of an inbound one', () => {
    expect(withEvents(rule({})).errors).toEqual([]);
    expectError(
      withEvents(rule({ direction: 'Inbound' })),
      'events[0].rule.priority',
      'priority 110 is already used by inbound rule "allow-ssh-corp" of network security group "nsg-web"',
    );
  });
  it('a rule that replaces itself keeps its priority', () => {
    expect(withEvents(rule({ name: 'allow-ssh-corp', direction: 'Inbound' })).errors).toEqual([]);
  });
  it('removeSecurityRule may name a rule of the NSG itself', () => {
    expect(
      withEvents({ at: 10, action: 'removeSecurityRule', networkSecurityGroup: 'nsg-web', rule: 'allow-dns' }).errors,
    ).toEqual([]);
  });
  it('a rule set by an event on a missing NSG creates nothing', () => {
    const result = withEvents(
      { ...rule({ name: 'deny-all', priority: 4000 }), networkSecurityGroup: 'nsg-x' },
      { at: 20, action: 'removeSecurityRule', networkSecurityGroup: 'nsg-web', rule: 'deny-all' },
    );
    expectError(result, 'events[0].networkSecurityGroup', 'no network security group named "nsg-x"');
    expectError(
      result,
      'events[1].rule',
      'no security rule named "deny-all" in network security group "nsg-web" (it has: allow-http-internet, allow-ssh-corp, allow-dns)',
    );
  });
});

describe('probes and rules', () => {
  const https = { name: 'p443', protocol: 'Https', port: 443, requestPath: '/' };
  it("a probe set by an event is checked against its load balancer's SKU", () => {
    expectError(
      rich((s) => {
        ilb(s).sku = 'Basic';
        s.events = [{ at: 10, action: 'setProbe', loadBalancer: 'ilb', probe: https }] as never;
      }),
      'events[0].probe.protocol',
      'HTTPS probes need a Standard load balancer',
    );
    expect(withEvents({ at: 10, action: 'setProbe', loadBalancer: 'ilb', probe: https }).errors).toEqual([]);
  });
  it('a probe set on a missing load balancer is checked as Standard: only the name is wrong', () => {
    const result = withEvents({ at: 10, action: 'setProbe', loadBalancer: 'elb', probe: https });
    expect(result.errors).toEqual([at('events[0].loadBalancer', 'no load balancer named "elb"')]);
  });
  it('a rule set by an event names an existing probe, and may have none', () => {
    const rule = { name: 'http', frontendIPConfiguration: 'fe', backendAddressPool: 'pool', frontendPort: 80 };
    expectError(
      withEvents({ at: 10, action: 'setRule', loadBalancer: 'ilb', rule: { ...rule, probe: 'p99' } }),
      'events[0].rule.probe',
      'no health probe named "p99" in load balancer "ilb" (it has: p80)',
    );
    expect(withEvents({ at: 10, action: 'setRule', loadBalancer: 'ilb', rule }).errors).toEqual([]);
  });
  it('a rule set on a missing load balancer reports the load balancer only', () => {
    const rule = { name: 'http', frontendIPConfiguration: 'fe9', backendAddressPool: 'pool9', frontendPort: 80 };
    expect(errorsAt(withEvents({ at: 10, action: 'setRule', loadBalancer: 'elb', rule }), 'events[0]')).toEqual([
      at('events[0].loadBalancer', 'no load balancer named "elb"'),
    ]);
  });
});
