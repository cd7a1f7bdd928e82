/**
 * Lesson checks as the engine judges them (scenario-format.md "Lesson", and the project's
 * extensions in docs/architecture.md "Lesson checks"): traffic checks with `reason` and `closedBy`,
 * and distribution checks over the members of a rule's pool, each with a `detail` that says what
 * was seen. The lab is the ILB hairpin write-up's (on-premises client → ILB 10.2.1.100 → web01), with web02 added.
 */
import { describe, expect, it } from 'vitest';
import type { ReasonCode } from '../engine/trace';
import { createDefaultScenario } from '../scenario/defaultScenario';
import { loadScenarioValue } from '../scenario/index';
import { type LessonCheck, REASON_CODES, type Scenario } from '../scenario/types';
import { runScenario } from './simulate';

function twoMembers(change: (s: Scenario) => void = () => {}): Scenario {
  const s = createDefaultScenario();
  s.virtualMachines?.push({
    name: 'web02',
    os: 'windows',
    networkInterfaces: [
      {
        name: 'web02-nic1',
        ipConfigurations: [{ name: 'ipconfig1', subnet: 'spoke/web', privateIPAddress: '10.2.1.6' }],
      },
    ],
    listeners: [{ name: 'iis', protocol: 'Tcp', address: '0.0.0.0', port: 80, http: { '/': 200 } }],
  });
  const lb = s.loadBalancers?.[0];
  if (lb !== undefined)
    lb.backendAddressPools = [
      {
        name: 'pool',
        loadBalancerBackendAddresses: [
          { networkInterfaceIPConfiguration: 'web01-nic1/ipconfig1' },
          { networkInterfaceIPConfiguration: 'web02-nic1/ipconfig1' },
        ],
      },
    ];
  s.traffic = [
    { name: 'onprem-to-vip', from: 'onprem', to: '10.2.1.100:80', connections: 12, http: '/' },
    { name: 'onprem-to-443', from: 'onprem', to: '10.2.1.100:443' },
  ];
  change(s);
  return s;
}

function judge(s: Scenario, checks: LessonCheck[]) {
  s.lesson = { checks };
  const loaded = loadScenarioValue(s);
  expect(loaded.errors).toEqual([]);
  const lesson = runScenario(s).lesson;
  if (lesson === undefined) throw new Error('no lesson result');
  return lesson.checks;
}

describe('the reason codes a check may name', () => {
  it("are exactly the engine's", () => {
    // A Record over the engine's union: adding a code there fails to compile here until it is listed.
    const engine: Record<ReasonCode, true> = {
      NO_ROUTE: true,
      UDR_NONE: true,
      NO_OUTBOUND_CONNECTIVITY: true,
      SNAT_PORT_EXHAUSTED: true,
      LB_NO_RULE: true,
      LB_PROTOCOL_UNSUPPORTED: true,
      LB_NO_FLOW: true,
      LB_NO_HEALTHY_BACKEND: true,
      NSG_DENY: true,
      NSG_SECURE_BY_DEFAULT: true,
      VM_STOPPED: true,
      GUEST_FIREWALL_BLOCK: true,
      GUEST_DST_NOT_OWNED: true,
      GUEST_STRONG_HOST_RECEIVE: true,
      GUEST_STRONG_HOST_SEND: true,
      GUEST_MARTIAN_SOURCE: true,
      TCP_NO_LISTENER: true,
      TCP_SYNACK_MISMATCH: true,
      TCP_RESET: true,
      TCP_TIMEOUT: true,
      UDP_NO_LISTENER: true,
      HTTP_STATUS: true,
      PROBE_TIMEOUT: true,
      IDLE_TIMEOUT: true,
      NO_ANSWER: true,
      IP_FORWARDING_DISABLED: true,
      GUEST_NO_EPHEMERAL_PORT: true,
      PROBE_TLS_FAILED: true,
    };
    expect([...REASON_CODES].sort()).toEqual(Object.keys(engine).sort());
  });
});

describe('traffic checks with a reason and a close', () => {
  it('match the reason a connection failed with', () => {
    const [noRule, otherReason, wrongOutcome] = judge(twoMembers(), [
      { name: 'no rule', traffic: 'onprem-to-443', expect: 'timeout', reason: 'LB_NO_RULE', all: true },
      { name: 'other reason', traffic: 'onprem-to-443', expect: 'timeout', reason: 'NSG_DENY' },
      { name: 'wrong outcome', traffic: 'onprem-to-443', expect: 'reset', reason: 'LB_NO_RULE' },
    ]);
    expect(noRule).toMatchObject({
      passed: true,
      detail: '1 of 1 connections timeout, LB_NO_RULE (seen: 1 timeout, LB_NO_RULE)',
    });
    expect(otherReason).toMatchObject({
      passed: false,
      detail: expect.stringContaining('0 of 1 connections timeout, NSG_DENY'),
    });
    expect(wrongOutcome?.passed).toBe(false);
  });

  it('match how an established connection closed, and the reason it was closed with', () => {
    const s = twoMembers((x) => {
      x.traffic = [{ name: 'idle', from: 'onprem', to: '10.2.1.100:80', duration: 400 }];
      const rule = x.loadBalancers?.[0]?.loadBalancingRules?.[0];
      if (rule !== undefined) rule.enableTcpReset = true;
    });
    const [byIdle, byClient, reason] = judge(s, [
      { name: 'reset on idle', traffic: 'idle', expect: 'established', closedBy: 'idleTimeout', all: true },
      { name: 'closed by client', traffic: 'idle', expect: 'established', closedBy: 'client' },
      { name: 'idle reason', traffic: 'idle', expect: 'established', reason: 'IDLE_TIMEOUT', all: true },
    ]);
    expect(byIdle?.passed).toBe(true);
    expect(byClient).toMatchObject({ passed: false, detail: expect.stringContaining('closed by idleTimeout') });
    expect(reason?.passed).toBe(true);
  });

  it('match when an established connection closed, with closedBefore (seconds)', () => {
    const s = twoMembers((x) => {
      x.traffic = [{ name: 'idle', from: 'onprem', to: '10.2.1.100:80', duration: 400 }];
      const rule = x.loadBalancers?.[0]?.loadBalancingRules?.[0];
      if (rule !== undefined) rule.enableTcpReset = true;
    });
    // The RST on idle comes at 240 s (idleTimeoutInMinutes 4).
    const [early, late] = judge(s, [
      { name: 'by 200 s', traffic: 'idle', expect: 'established', closedBefore: 200 },
      { name: 'by 250 s', traffic: 'idle', expect: 'established', closedBefore: 250, all: true },
    ]);
    expect(early).toMatchObject({ passed: false, detail: expect.stringContaining('closed by idleTimeout at 240 s') });
    expect(late?.passed).toBe(true);
  });

  it('fail, saying so, when the traffic opened no connection', () => {
    const s = twoMembers();
    s.lesson = { checks: [{ name: 'x', traffic: 'onprem-to-vip', expect: 'established' }] };
    const r = runScenario(s, { until: 0 });
    expect(r.lesson?.checks[0]).toMatchObject({ passed: false });
  });
});

describe('distribution checks', () => {
  const all: LessonCheck = { name: 'all', loadBalancer: 'ilb', rule: 'http', expect: 'allMembers' };
  const even: LessonCheck = { name: 'even', loadBalancer: 'ilb', rule: 'http', expect: 'even' };
  const none02: LessonCheck = {
    name: 'none',
    loadBalancer: 'ilb',
    rule: 'http',
    expect: 'none',
    members: ['web02-nic1'],
  };

  it('pass when the 5-tuple hash spreads the connections over both members', () => {
    const [a, e, n] = judge(twoMembers(), [all, even, none02]);
    expect(a).toMatchObject({
      passed: true,
      detail: expect.stringMatching(/^every member received connections: web01-nic1 \d+, web02-nic1 \d+$/),
    });
    expect(e?.passed).toBe(true);
    expect(n).toMatchObject({ passed: false, detail: expect.stringMatching(/^received: web02-nic1 \d+$/) });
  });

  it('fail on a member the load balancer never picks, naming it (web02 stopped: probed down)', () => {
    const s = twoMembers((x) => {
      const vm = x.virtualMachines?.[1];
      if (vm !== undefined) vm.powerState = 'stopped';
    });
    const [a, e, n] = judge(s, [all, even, none02]);
    expect(a).toMatchObject({ passed: false, detail: 'web02-nic1 received none: web01-nic1 12, web02-nic1 0' });
    expect(e).toMatchObject({ passed: false, detail: expect.stringContaining('web02-nic1 outside it') });
    expect(n).toMatchObject({ passed: true, detail: 'none of web02-nic1 received a connection' });
  });

  it('judge "even" against the fair share with the tolerance given', () => {
    // SourceIP: one client, one member, every time (“Troubleshoot Azure Load Balancer” "uneven distribution", Cause 1).
    const s = twoMembers((x) => {
      const rule = x.loadBalancers?.[0]?.loadBalancingRules?.[0];
      if (rule !== undefined) rule.loadDistribution = 'SourceIP';
    });
    const [tight, loose] = judge(s, [
      { ...even, name: 'tight' },
      { ...even, name: 'loose', tolerance: 1 },
    ]);
    expect(tight).toMatchObject({ passed: false, detail: expect.stringContaining('a fair share is 6 (±50 %: 3–9)') });
    expect(loose?.passed).toBe(true);
  });

  it('count one traffic only when it names one', () => {
    const s = twoMembers((x) => {
      x.traffic?.push({ name: 'later', from: 'onprem', to: '10.2.1.100:80', startAt: 30, connections: 4 });
      x.events = [
        { at: 20, action: 'removePoolMember', loadBalancer: 'ilb', pool: 'pool', networkInterface: 'web02-nic1' },
      ];
    });
    const [later, rule] = judge(s, [
      {
        name: 'later avoids web02',
        loadBalancer: 'ilb',
        rule: 'http',
        traffic: 'later',
        expect: 'none',
        members: ['web02-nic1'],
      },
      { name: 'the rule did use web02', loadBalancer: 'ilb', rule: 'http', expect: 'allMembers' },
    ]);
    expect(later).toMatchObject({ passed: true });
    expect(rule).toMatchObject({ passed: true });
  });
});
