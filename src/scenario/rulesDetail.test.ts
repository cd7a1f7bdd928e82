/**
 * The edges of the scenario rules (rules.ts): the bounds of each range a rule tests and the whole
 * message it gives, where rules.test.ts checks one case and a fragment. Like rules.test.ts, each
 * test starts from a valid fixture, changes one thing and reads `validateScenario`.
 */
import { describe, expect, it } from 'vitest';
import { createDefaultScenario } from './defaultScenario';
import { createRichScenario } from './testScenarios';
import type { LoadBalancer, Scenario } from './types';
import { validateScenario } from './validate';

type Change = (s: Scenario) => void;
const validate = (change: Change, base: () => Scenario = createDefaultScenario) => {
  const s = base();
  change(s);
  return validateScenario(s);
};
const rich = (change: Change) => validate(change, createRichScenario);
const messagesAt = (result: ReturnType<typeof validateScenario>, path: string) =>
  [...result.errors, ...result.warnings].filter((d) => d.path === path).map((d) => d.message);
const lb = (s: Scenario, i = 0) => (s.loadBalancers as LoadBalancer[])[i] as LoadBalancer;

describe('what cannot be a public IP', () => {
  // The special-purpose ranges of RFC 6890: "this network" 0.0.0.0/8, loopback 127.0.0.0/8,
  // link-local 169.254.0.0/16, multicast 224.0.0.0/4 and the reserved 240.0.0.0/4 above it, and
  // the private ranges of RFC 1918.
  const path = 'loadBalancers[1].frontendIPConfigurations[0].publicIPAddress';
  const publicIp = (address: string) =>
    messagesAt(
      rich((s) => {
        const fe = lb(s, 1).frontendIPConfigurations[0];
        if (fe !== undefined) fe.publicIPAddress = address;
      }),
      path,
    );
  it.each([
    ['0.1.2.3', 'in 0.0.0.0/8 ("this network")'],
    ['127.0.0.5', 'a loopback address'],
    ['169.254.1.1', 'a link-local address'],
    ['224.0.0.1', 'a multicast or reserved address'],
    ['255.255.255.255', 'a multicast or reserved address'],
    ['10.200.0.1', 'a private address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)'],
    ['172.31.255.254', 'a private address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)'],
  ])('%s: it is %s', (address, why) => {
    expect(publicIp(address)).toEqual([`${address} cannot be a public IP: it is ${why}`]);
  });
  it.each([
    '1.0.0.1',
    '126.255.255.254',
    '128.0.0.1',
    '169.253.255.254',
    '169.255.0.1',
    '172.32.0.1',
    '223.255.255.254',
  ])('%s next to those ranges is public', (address) => {
    expect(publicIp(address)).toEqual([]);
  });
});
