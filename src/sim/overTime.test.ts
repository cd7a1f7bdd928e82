/**
 * Issue 4: the engine over time — scenario events and long-lived connections (duration,
 * dataEvery), for Windows and Linux clients where their TCP stacks differ (engine-model.md "Time
 * and TCP"), in trace mode and bulk mode.
 */

import { describe, expect, it } from 'vitest';
import { aggregateConnections } from '../engine/bulk';
import type { SimulationResult } from '../engine/result';
import { membersOf } from '../scenario/members';
import type { Scenario } from '../scenario/types';
import { validateScenario } from '../scenario/validate';
import { longLived, overTimeLab, VIP, web } from './fixtures/overTime';
import { runScenario, runScenarioBulk } from './simulate';

const row = (r: SimulationResult, traffic = 'long', index = 0) =>
  r.connections.find((c) => c.traffic === traffic && c.index === index);
const probeOf = (r: SimulationResult, member = 'web01-nic1') => r.probes.find((p) => p.member === member);
const later = (startAt: number, name = 'later') => ({ name, from: 'onprem', to: `${VIP}:80`, startAt });

/** Both modes must report the same counts for the same scenario (engine-model.md "Two ways to run"). */
function expectModesAgree(s: Scenario): void {
  const trace = runScenario(s);
  const bulk = runScenarioBulk(s);
  const { connections, outcomes, reasons, backends, http, closed } = bulk;
  expect({ connections, outcomes, reasons, backends, http, closed }).toEqual(aggregateConnections(trace.connections));
  expect(bulk.probes).toEqual(trace.probes);
}

describe('long-lived connections (scenario-format.md traffic: duration, dataEvery)', () => {
  it('ESTABLISHED: data every 5 s both ways, then the client closes with a FIN at the end of its duration', () => {
    const s = overTimeLab({ traffic: [longLived(30, 5)] });
    const r = runScenario(s, { trace: true });
    const c = row(r);
    expect(c?.outcome).toBe('established');
    expect(c?.closed?.by).toBe('client');
    expect(c?.closed?.at).toBeCloseTo(30.02, 1);
    expect(c?.closed?.reason).toBeNull();
    const data = (r.events ?? []).filter((e) => e.kind === 'send' && e.packet?.flags.includes('PSH'));
    // Ticks at 5, 10, 15, 20, 25 s: five segments from the client, five answers from web01.
    expect(data.filter((e) => e.element === 'client:onprem')).toHaveLength(5);
    expect(data.filter((e) => e.element === 'vm:web01')).toHaveLength(5);
    expectModesAgree(s);
  });

  it('dataEvery 0: idle until the FIN', () => {
    const r = runScenario(overTimeLab({ traffic: [longLived(30, 0)] }), { trace: true });
    expect(row(r)?.closed?.by).toBe('client');
    expect((r.events ?? []).filter((e) => e.kind === 'send' && e.packet?.flags.includes('PSH'))).toHaveLength(0);
  });
});

describe("stopVm: the member's flows end and the client dies by its data retransmissions", () => {
  const stopped = (clientOs: 'windows' | 'linux') =>
    overTimeLab({
      clientOs,
      traffic: [longLived(30, 5), later(20)],
      events: [{ at: 12, action: 'stopVm', vm: 'web01' }],
    });
  // The first data segment after the stop leaves at 15.02 s; engine-model.md "Time and TCP":
  // Windows 300 ms doubling, 5 retries, fails 18.9 s later; Linux 200 ms doubling capped at 120 s,
  // 15 retries, 924.6 s later. The FIN at 30 s queues behind the unacknowledged data.
  for (const [os, after] of [
    ['windows', 18.9],
    ['linux', 924.6],
  ] as const) {
    it(`${os} client: closed.by timeout ${after} s after the first lost segment, reason VM_STOPPED`, () => {
      const r = runScenario(stopped(os));
      const c = row(r);
      expect(c?.outcome).toBe('established');
      expect(c?.closed).toMatchObject({ by: 'timeout', reason: { code: 'VM_STOPPED', at: 'vm:web01' } });
      expect((c?.closed?.at ?? 0) - 15.02075).toBeCloseTo(after, 3);
      // engine-model.md "Health probes": a stopped VM counts as down at the next round (15 s), not
      // at once; new connections then get no answer.
      expect(probeOf(r)?.transitions).toEqual([
        { at: 0, state: 'up' },
        { at: 15, state: 'down' },
      ]);
      expect(row(r, 'later')).toMatchObject({ outcome: 'timeout', reason: { code: 'LB_NO_HEALTHY_BACKEND' } });
      expectModesAgree(stopped(os));
    });
  }

  it('startVm: the member goes up on its first successful probe after the boot (“Understand Load Balancer probes”)', () => {
    const s = overTimeLab({
      events: [
        { at: 12, action: 'stopVm', vm: 'web01' },
        { at: 41, action: 'startVm', vm: 'web01' },
      ],
      traffic: [later(50)],
    });
    const r = runScenario(s);
    expect(probeOf(r)?.transitions).toEqual([
      { at: 0, state: 'up' },
      { at: 15, state: 'down' },
      { at: 45.0002, state: 'up' },
    ]);
    expect(row(r, 'later')?.outcome).toBe('established');
  });

  it('a connection of the stopped VM itself ends at the stop', () => {
    const s = overTimeLab({ backends: 2, traffic: [{ name: 'out', from: 'web02', to: '10.2.1.4:80', duration: 30 }] });
    s.events = [{ at: 5, action: 'stopVm', vm: 'web02' }];
    const c = row(runScenario(s), 'out');
    expect(c?.closed).toMatchObject({ at: 5, by: 'timeout', reason: { code: 'VM_STOPPED', at: 'vm:web02' } });
  });

  it('closed.by reset: the peer restarted and answers the next data segment with a RST (RFC 9293 §3.10.7.1)', () => {
    const s = overTimeLab({
      backends: 2,
      traffic: [{ name: 'direct', from: 'web02', to: '10.2.1.4:80', duration: 30, dataEvery: 5 }],
    });
    s.events = [
      { at: 11, action: 'stopVm', vm: 'web01' },
      { at: 12, action: 'startVm', vm: 'web01' },
    ];
    const c = row(runScenario(s), 'direct');
    expect(c?.closed).toMatchObject({ by: 'reset', reason: { code: 'TCP_RESET', at: 'vm:web01' } });
    expect(c?.closed?.at).toBeCloseTo(15, 1);
  });
});

describe('pool membership (“Troubleshoot Azure Load Balancer” last section: removed VMs still receive existing flows)', () => {
  it('removePoolMember: the TCP flow stays on its member; new flows go to the others', () => {
    const s = overTimeLab({
      backends: 2,
      traffic: [longLived(30, 5, { sourcePort: 50001 }), { ...later(20), connections: 6, interval: 0.5 }],
    });
    const first = row(runScenario(s))?.backend as string;
    s.events = [{ at: 10, action: 'removePoolMember', loadBalancer: 'ilb', pool: 'pool', networkInterface: first }];
    const r = runScenario(s, { trace: true });
    expect(row(r)).toMatchObject({ backend: first, closed: { by: 'client' } });
    const others = r.connections.filter((c) => c.traffic === 'later');
    expect(others.every((c) => c.outcome === 'established' && c.backend !== first)).toBe(true);
    // Every packet of the long connection that the load balancer forwarded went to `first`.
    const members = (r.events ?? [])
      .filter((e) => e.connection === 'long#0' && e.decision?.kind === 'lbFlow')
      .map((e) => (e.decision?.kind === 'lbFlow' ? e.decision.member : ''));
    expect(members.length).toBeGreaterThan(5);
    expect(new Set(members)).toEqual(new Set([first]));
    // The removed member is no longer probed; its row keeps its last state.
    expect(probeOf(r, first)?.state).toBe('up');
    expectModesAgree(s);
  });

  it('addPoolMember: the new member starts down and goes up on its first successful probe', () => {
    const s = overTimeLab({ backends: 2, traffic: [] });
    const lb = s.loadBalancers?.[0];
    if (lb?.backendAddressPools[0] !== undefined)
      lb.backendAddressPools[0].loadBalancerBackendAddresses = membersOf(['web01-nic1']);
    s.events = [{ at: 7, action: 'addPoolMember', loadBalancer: 'ilb', pool: 'pool', networkInterface: 'web02-nic1' }];
    const r = runScenario(s);
    // Probes fire at 0, 5, 10 ...: the round at 10 s is web02's first.
    expect(probeOf(r, 'web02-nic1')?.transitions).toEqual([
      { at: 7, state: 'down' },
      { at: 10.0002, state: 'up' },
    ]);
  });
});

describe('every member down (engine-model.md "Health probes"; “What is Azure Load Balancer?” SKU table)', () => {
  const allDown = (sku: 'Standard' | 'Basic') =>
    overTimeLab({
      sku,
      traffic: [longLived(30, 5), later(20)],
      events: [{ at: 10, action: 'removeListener', vm: 'web01', listener: 'iis' }],
    });
  it('Basic ends established TCP flows: closed.by loadBalancer when the last member goes down', () => {
    const r = runScenario(allDown('Basic'));
    expect(probeOf(r)?.transitions.at(-1)).toEqual({ at: 10.0002, state: 'down' });
    expect(row(r)?.closed).toMatchObject({
      at: 10.0002,
      by: 'loadBalancer',
      reason: { code: 'LB_NO_HEALTHY_BACKEND', at: 'lb:ilb', rule: { name: 'http' } },
    });
    expect(row(r, 'later')).toMatchObject({ outcome: 'timeout', reason: { code: 'LB_NO_HEALTHY_BACKEND' } });
    expectModesAgree(allDown('Basic'));
  });
  it('Standard keeps them (the accepted connection outlives its listener); new SYNs get no answer', () => {
    const r = runScenario(allDown('Standard'));
    expect(row(r)?.closed).toMatchObject({ by: 'client', reason: null });
    expect(row(r, 'later')).toMatchObject({ outcome: 'timeout', reason: { code: 'LB_NO_HEALTHY_BACKEND' } });
  });
});

describe('configuration events: probes react at their interval and threshold, NSGs on new flows only', () => {
  it('setProbe to a closed port: down after threshold × interval, counted from the event', () => {
    const s = overTimeLab({
      // A later connection keeps the run going past the second failed round.
      traffic: [later(30)],
      events: [
        {
          at: 10,
          action: 'setProbe',
          loadBalancer: 'ilb',
          probe: { name: 'p80', port: 8080, intervalInSeconds: 5, probeThreshold: 2 },
        },
      ],
    });
    const r = runScenario(s);
    // Events run before probes at one instant: the rounds at 10 s and 15 s both fail.
    expect(probeOf(r)?.transitions).toEqual([
      { at: 0, state: 'up' },
      { at: 15.0002, state: 'down' },
    ]);
    expect(probeOf(r)?.lastFailure?.code).toBe('TCP_NO_LISTENER');
  });

  it('setFirewallRule blocks the probe, removeFirewallRule lets it back (“Troubleshoot Azure Load Balancer health probe status” cause 3)', () => {
    const s = overTimeLab({
      traffic: [],
      events: [
        {
          at: 10,
          action: 'setFirewallRule',
          vm: 'web01',
          rule: {
            name: 'block-probe',
            direction: 'Inbound',
            action: 'Block',
            protocol: 'Tcp',
            remoteAddresses: '168.63.129.16',
          },
        },
        { at: 21, action: 'removeFirewallRule', vm: 'web01', rule: 'block-probe' },
      ],
    });
    const r = runScenario(s, { trace: true });
    expect(probeOf(r)?.transitions).toEqual([
      { at: 0, state: 'up' },
      { at: 15, state: 'down' },
      { at: 25.0002, state: 'up' },
    ]);
    expect(probeOf(r)?.lastFailure?.code).toBe('GUEST_FIREWALL_BLOCK');
    const events = (r.events ?? []).filter((e) => e.kind === 'event');
    expect(events.map((e) => [e.at, e.element, e.decision?.kind === 'event' ? e.decision.action : ''])).toEqual([
      [10, 'vm:web01', 'setFirewallRule'],
      [21, 'vm:web01', 'removeFirewallRule'],
    ]);
  });

  it('setListener: the health page answers 500, the HTTP probe marks the member down', () => {
    const s = overTimeLab({ traffic: [] });
    const lb = s.loadBalancers?.[0];
    if (lb !== undefined)
      lb.probes = [{ name: 'p80', protocol: 'Http', port: 80, requestPath: '/health', intervalInSeconds: 5 }];
    s.events = [{ at: 7, action: 'setListener', vm: 'web01', listener: 'iis', http: { '/': 200, '/health': 500 } }];
    const r = runScenario(s);
    expect(probeOf(r)).toMatchObject({
      state: 'down',
      healthStatus: { reasonCode: 'Down_Probe_HttpStatusCodeError' },
      transitions: [
        { at: 0, state: 'up' },
        { at: 10.0004, state: 'down' },
      ],
    });
  });

  it('setSecurityRule: a new deny affects new flows only (NSGs are stateful)', () => {
    const s = overTimeLab({ traffic: [longLived(30, 5), later(20)] });
    s.networkSecurityGroups = [{ name: 'nsg-web', securityRules: [] }];
    const subnet = s.vnets?.[1]?.subnets[0];
    if (subnet !== undefined) subnet.networkSecurityGroup = 'nsg-web';
    const deny = {
      name: 'deny-onprem',
      priority: 100,
      direction: 'Inbound' as const,
      access: 'Deny' as const,
      protocol: 'Tcp' as const,
      sourceAddressPrefix: '192.168.0.0/16',
      destinationPortRange: '80',
    };
    s.events = [{ at: 10, action: 'setSecurityRule', networkSecurityGroup: 'nsg-web', rule: deny }];
    const r = runScenario(s);
    expect(row(r)?.closed).toMatchObject({ by: 'client' });
    expect(row(r, 'later')).toMatchObject({
      outcome: 'timeout',
      reason: { code: 'NSG_DENY', rule: { name: 'deny-onprem' } },
    });
    s.events.push({ at: 15, action: 'removeSecurityRule', networkSecurityGroup: 'nsg-web', rule: 'deny-onprem' });
    expect(row(runScenario(s), 'later')?.outcome).toBe('established');
  });

  it('setRule: a new backend port where nothing listens resets new connections', () => {
    const s = overTimeLab({ traffic: [later(20)] });
    s.events = [
      {
        at: 10,
        action: 'setRule',
        loadBalancer: 'ilb',
        rule: {
          name: 'http',
          frontendIPConfiguration: 'fe',
          backendAddressPool: 'pool',
          frontendPort: 80,
          backendPort: 8080,
        },
      },
    ];
    expect(row(runScenario(s), 'later')).toMatchObject({ outcome: 'reset', reason: { code: 'TCP_NO_LISTENER' } });
  });
});

// Keep the helper used (web) for fixtures that need a third VM.
void web;

describe('idle timeout (engine-model.md "Idle timeout"; “What is Azure Load Balancer?” SKU table "TCP Reset on Idle")', () => {
  const idle = (clientOs: 'windows' | 'linux', enableTcpReset: boolean, dataEvery: number) =>
    overTimeLab({ clientOs, enableTcpReset, idleTimeoutInMinutes: 4, traffic: [longLived(600, dataEvery)] });

  it('ESTABLISHED, enableTcpReset: both ends get a RST after 4 idle minutes, closed.by idleTimeout', () => {
    const r = runScenario(idle('windows', true, 0), { trace: true });
    expect(row(r)?.closed).toMatchObject({
      by: 'idleTimeout',
      reason: { code: 'IDLE_TIMEOUT', at: 'lb:ilb', rule: { kind: 'loadBalancingRule', name: 'http' } },
    });
    expect(row(r)?.closed?.at).toBeCloseTo(240.04, 2);
    const rsts = (r.events ?? []).filter(
      (e) => e.kind === 'send' && e.element === 'lb:ilb' && e.packet?.flags.includes('RST'),
    );
    expect(rsts.map((e) => e.packet?.dst)).toEqual([`192.168.2.1:${row(r)?.source?.split(':')[1]}`, '10.2.1.4:80']);
    // web01's socket got the RST too: it closed (RFC 9293 §3.10.7.4, ESTABLISHED: RST → CLOSED).
    expect(
      (r.events ?? []).some((e) => e.kind === 'state' && e.element === 'vm:web01' && e.state?.to === 'CLOSED'),
    ).toBe(true);
    expectModesAgree(idle('windows', true, 0));
  });

  it('HA ports with an appliance as the member: no TCP reset, the idle flow is dropped silently', () => {
    // load-balancer-tcp-reset.md (ms.date 07/31/2024), Limitations: "TCP reset isn't supported for
    // ILB HA ports when a network virtual appliance is in the path".
    const appliance = (forwards: boolean) => {
      const s = idle('windows', true, 300);
      const rule = s.loadBalancers?.[0]?.loadBalancingRules?.[0];
      if (rule !== undefined) Object.assign(rule, { protocol: 'All', frontendPort: 0, backendPort: 0 });
      const vm = s.virtualMachines?.[0];
      const nic = vm?.networkInterfaces[0];
      if (forwards && vm !== undefined && nic !== undefined) {
        vm.ipForwarding = true;
        nic.enableIPForwarding = true;
      }
      return s;
    };
    const nva = runScenario(appliance(true), { trace: true });
    const rsts = (nva.events ?? []).filter(
      (e) => e.kind === 'send' && e.element === 'lb:ilb' && e.packet?.flags.includes('RST'),
    );
    expect(rsts).toEqual([]);
    // The next segment after the idle timeout finds no flow: dropped as the default behaviour does.
    expect(row(nva)?.closed).toMatchObject({ by: 'idleTimeout', reason: { code: 'IDLE_TIMEOUT', at: 'lb:ilb' } });
    expect(validateScenario(appliance(true)).warnings.map((w) => w.path)).toContain(
      'loadBalancers[0].loadBalancingRules[0].enableTcpReset',
    );
    // The same HA-ports rule to a member that does not forward still resets both ends.
    const plain = runScenario(appliance(false), { trace: true });
    expect(row(plain)?.closed).toMatchObject({ by: 'idleTimeout', at: expect.closeTo(240.04, 1) });
    expect(
      (plain.events ?? []).filter(
        (e) => e.kind === 'send' && e.element === 'lb:ilb' && e.packet?.flags.includes('RST'),
      ),
    ).toHaveLength(2);
    expectModesAgree(appliance(true));
  });

  it('data more often than the idle timeout keeps the flow: closed.by client', () => {
    expect(row(runScenario(idle('linux', true, 100)))?.closed).toMatchObject({ by: 'client', at: 600.02075 });
    expect(row(runScenario(idle('windows', false, 100)))?.closed).toMatchObject({ by: 'client' });
  });

  // Without TCP reset the flow is forgotten silently; the next segment (data at 300 s) is dropped at
  // the load balancer and the client's data retransmissions give up (engine-model.md "Time and TCP").
  for (const [os, gaveUp] of [
    ['windows', 300.02075 + 18.9],
    ['linux', 300.02075 + 924.6],
  ] as const) {
    it(`${os}: no TCP reset, the next segment is dropped (IDLE_TIMEOUT); when the retransmissions give up it closed by idleTimeout`, () => {
      const r = runScenario(idle(os, false, 300));
      expect(row(r)?.closed).toMatchObject({ by: 'idleTimeout', reason: { code: 'IDLE_TIMEOUT', at: 'lb:ilb' } });
      expect(row(r)?.closed?.at).toBeCloseTo(gaveUp, 3);
      expectModesAgree(idle(os, false, 300));
    });
  }

  it('no data at all: the FIN after the idle timeout is what gets dropped', () => {
    const c = row(runScenario(idle('windows', false, 0)));
    expect(c?.closed).toMatchObject({ by: 'idleTimeout', reason: { code: 'IDLE_TIMEOUT' } });
    expect(c?.closed?.at).toBeCloseTo(600.02075 + 18.9, 3);
  });
});
