/**
 * Seeded property tests over generated scenarios (the project's style: "Tests that mean something"; issue 3
 * "Tests"): every packet is delivered, dropped with a reason, or in flight at the end; one flow
 * goes to one backend; no new flow goes to a member that is down; bulk and trace agree; the same
 * seed gives the same JSON.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateConnections } from '../engine/bulk';
import type { SimulationResult } from '../engine/result';
import type { TraceEvent } from '../engine/trace';
import {
  type FirewallRule,
  type Listener,
  type LoadBalancer,
  loadScenarioValue,
  type Scenario,
  type ScenarioEvent,
  type SecurityRule,
  type Traffic,
  type VirtualMachine,
} from '../scenario/index';
import { membersOf, poolMemberNics } from '../scenario/members';
import { runScenario, runScenarioBulk } from './simulate';

/**
 * The generator (kept in this test file: fast-check is a test dependency, not one of the sim
 * layer's packages). A fast-check generator of small valid scenarios for the property tests (the project's style: "Seeded
 * property tests (fast-check) over generated scenarios"): one VNet with a subnet (and maybe an
 * NSG with random allow/deny rules), 1–4 Windows or Linux VMs with or without listeners (HTTP,
 * TCP-only, or a reverse proxy), a loopback copy of the frontend on some, an internal or public
 * load balancer of either SKU with a TCP or HTTP probe, floating IP and a load distribution, an
 * on-premises client and a block of internet clients, and a few traffic entries toward the
 * frontend or a VM.
 */

const VIP_INTERNAL = '10.2.1.100';
const VIP_PUBLIC = '20.50.1.10';

const listenerArb: fc.Arbitrary<Listener[]> = fc.constantFrom<Listener[]>(
  [],
  [{ name: 'web', port: 80, http: { '/': 200 } }],
  [{ name: 'web', port: 80 }],
  [{ name: 'web', port: 80, http: { '/': 500 } }],
  [
    { name: 'web', port: 80, http: { '/': 200 } },
    { name: 'alt', port: 8080, http: { '/': 200 } },
  ],
  [{ name: 'proxy', port: 80, proxyTo: ['10.2.1.4:8080'] }],
);

const securityRuleArb = (i: number): fc.Arbitrary<SecurityRule> =>
  fc.record({
    name: fc.constant(`r${i}`),
    priority: fc.constant(100 + i * 10),
    direction: fc.constant('Inbound' as const),
    access: fc.constantFrom('Allow' as const, 'Deny' as const),
    protocol: fc.constantFrom('Tcp' as const, '*' as const),
    sourceAddressPrefix: fc.constantFrom('*', 'VirtualNetwork', 'Internet', '192.168.0.0/16', '10.2.1.0/24'),
    sourcePortRange: fc.constant('*'),
    destinationAddressPrefix: fc.constant('*'),
    destinationPortRange: fc.constantFrom('*', '80', '8080'),
  });

const scenarioArb: fc.Arbitrary<Scenario> = fc.integer({ min: 1, max: 4 }).chain((vmCount) =>
  fc
    .record({
      seed: fc.integer({ min: 1, max: 1000 }),
      vms: fc.array(
        fc.record({
          os: fc.constantFrom('windows' as const, 'linux' as const),
          listeners: listenerArb,
          loopbackVip: fc.boolean(),
        }),
        { minLength: vmCount, maxLength: vmCount },
      ),
      nsg: fc.option(
        fc
          .integer({ min: 1, max: 3 })
          .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => securityRuleArb(i)))),
        { nil: null },
      ),
      isPublic: fc.boolean(),
      sku: fc.constantFrom('Standard' as const, 'Basic' as const),
      pool: fc.subarray(
        Array.from({ length: vmCount }, (_, i) => i),
        { minLength: 1 },
      ),
      probe: fc.record({
        protocol: fc.constantFrom('Tcp' as const, 'Http' as const),
        port: fc.constantFrom(80, 8080),
        intervalInSeconds: fc.constantFrom(5, 15),
        allProbedUp: fc.boolean(),
      }),
      floatingIp: fc.boolean(),
      loadDistribution: fc.constantFrom('Default' as const, 'SourceIPProtocol' as const, 'SourceIP' as const),
      onpremOs: fc.constantFrom('windows' as const, 'linux' as const),
      internetCount: fc.integer({ min: 1, max: 4 }),
      traffic: fc.array(
        fc.record({
          from: fc.oneof(
            fc.constantFrom('onprem', 'users'),
            fc.integer({ min: 0, max: vmCount - 1 }).map((i) => `vm${i}`),
          ),
          to: fc.oneof(
            fc.constant('vip'),
            fc.integer({ min: 0, max: vmCount - 1 }).map((i) => `vm${i}`),
          ),
          protocol: fc.constantFrom('Tcp' as const, 'Tcp' as const, 'Tcp' as const, 'Udp' as const, 'Icmp' as const),
          connections: fc.integer({ min: 1, max: 5 }),
          interval: fc.constantFrom(0, 0.5, 1),
          http: fc.boolean(),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    })
    .map((g): Scenario => {
      const vip = g.isPublic ? VIP_PUBLIC : VIP_INTERNAL;
      const vms: VirtualMachine[] = g.vms.map((v, i) => ({
        name: `vm${i}`,
        os: v.os,
        networkInterfaces: [
          {
            name: `vm${i}-nic`,
            ipConfigurations: [{ name: 'ipconfig1', subnet: 'spoke/web', privateIPAddress: `10.2.1.${4 + i}` }],
          },
        ],
        ...(v.loopbackVip && !g.isPublic ? { loopbackInterfaces: [{ name: 'lo', ipAddress: VIP_INTERNAL }] } : {}),
        listeners: v.listeners,
      }));
      const lb: LoadBalancer = {
        name: 'lb',
        sku: g.sku,
        frontendIPConfigurations: [
          g.isPublic
            ? { name: 'fe', publicIPAddress: VIP_PUBLIC }
            : { name: 'fe', privateIPAddress: VIP_INTERNAL, subnet: 'spoke/web' },
        ],
        backendAddressPools: [
          { name: 'pool', loadBalancerBackendAddresses: membersOf(g.pool.map((i) => `vm${i}-nic`)) },
        ],
        probes: [
          {
            name: 'probe',
            protocol: g.probe.protocol,
            port: g.probe.port,
            intervalInSeconds: g.probe.intervalInSeconds,
            ...(g.probe.allProbedUp && g.sku === 'Standard'
              ? { noHealthyBackendsBehavior: 'AllProbedUp' as const }
              : {}),
          },
        ],
        loadBalancingRules: [
          {
            name: 'rule',
            frontendIPConfiguration: 'fe',
            backendAddressPool: 'pool',
            probe: 'probe',
            protocol: 'Tcp',
            frontendPort: 80,
            backendPort: 80,
            enableFloatingIP: g.floatingIp,
            loadDistribution: g.loadDistribution,
          },
        ],
      };
      const traffic: Traffic[] = g.traffic.map((t, i) => {
        const address = t.to === 'vip' ? vip : `10.2.1.${4 + Number(t.to.slice(2))}`;
        return {
          name: `t${i}`,
          from: t.from,
          to: t.protocol === 'Icmp' ? address : `${address}:80`,
          protocol: t.protocol,
          connections: t.connections,
          interval: t.interval,
          ...(t.http && t.protocol === 'Tcp' ? { http: '/' } : {}),
        };
      });
      return {
        format: 'hairpin-scenario',
        version: 2,
        seed: g.seed,
        vnets: [
          {
            name: 'spoke',
            addressSpace: ['10.2.0.0/16'],
            subnets: [
              { name: 'web', addressPrefix: '10.2.1.0/24', ...(g.nsg === null ? {} : { networkSecurityGroup: 'nsg' }) },
            ],
          },
        ],
        networkSecurityGroups: g.nsg === null ? [] : [{ name: 'nsg', securityRules: [...g.nsg] }],
        virtualMachines: vms,
        loadBalancers: [lb],
        clients: [
          { name: 'onprem', os: g.onpremOs, ipAddress: '192.168.2.1', location: 'onPremises' },
          { name: 'users', ipAddress: '203.0.113.0/24', count: g.internetCount, location: 'internet' },
        ],
        traffic,
      };
    }),
);

/**
 * Issue 4: the same scenarios over time — 1 to 3 random events between 1 and 30 s (a VM stopped or
 * started, a pool member removed or added, a listener's HTTP answer changed, an NSG rule set, the
 * probe changed, the guest firewall blocking the probe), long-lived connections with data, and a
 * late connection at 90 s that keeps the run going long enough for probes to settle.
 */
const eventArb = (vmCount: number): fc.Arbitrary<ScenarioEvent> => {
  const vm = fc.integer({ min: 0, max: vmCount - 1 });
  const at = fc.integer({ min: 1, max: 30 });
  return fc.oneof(
    fc.record({ at, action: fc.constant('stopVm' as const), vm: vm.map((i) => `vm${i}`) }),
    fc.record({ at, action: fc.constant('startVm' as const), vm: vm.map((i) => `vm${i}`) }),
    fc.record({
      at,
      action: fc.constantFrom('removePoolMember' as const, 'addPoolMember' as const),
      loadBalancer: fc.constant('lb'),
      pool: fc.constant('pool'),
      networkInterface: vm.map((i) => `vm${i}-nic`),
    }),
    fc.record({
      at,
      action: fc.constant('setListener' as const),
      vm: vm.map((i) => `vm${i}`),
      listener: fc.constant('web'),
      port: fc.constant(80),
      http: fc.constantFrom({ '/': 200 }, { '/': 500 }),
    }),
    fc.record({
      at,
      action: fc.constant('setSecurityRule' as const),
      networkSecurityGroup: fc.constant('nsg'),
      rule: securityRuleArb(7),
    }),
    fc.record({
      at,
      action: fc.constant('setProbe' as const),
      loadBalancer: fc.constant('lb'),
      probe: fc.record({
        name: fc.constant('probe'),
        protocol: fc.constantFrom('Tcp' as const, 'Http' as const),
        port: fc.constantFrom(80, 8080),
        intervalInSeconds: fc.constantFrom(5, 15),
        probeThreshold: fc.constantFrom(1, 2),
      }),
    }),
    fc.record({
      at,
      action: fc.constant('setFirewallRule' as const),
      vm: vm.map((i) => `vm${i}`),
      rule: fc.constant<FirewallRule>({
        name: 'block-probe',
        direction: 'Inbound',
        action: 'Block',
        remoteAddresses: '168.63.129.16',
      }),
    }),
  );
};

const timedScenarioArb: fc.Arbitrary<Scenario> = scenarioArb.chain((s) => {
  const vmCount = s.virtualMachines?.length ?? 1;
  return fc
    .record({
      events: fc.array(eventArb(vmCount), { minLength: 1, maxLength: 3 }),
      duration: fc.constantFrom(0, 20, 60),
      dataEvery: fc.constantFrom(0, 3, 10),
    })
    .map(({ events, duration, dataEvery }): Scenario => {
      const traffic = (s.traffic ?? []).map((t) =>
        t.protocol === 'Tcp' && t.http === undefined ? { ...t, duration, dataEvery } : t,
      );
      traffic.push({ name: 'late', from: 'onprem', to: '192.168.2.1:1', startAt: 90 });
      return { ...s, traffic, events: [...events].sort((a, b) => a.at - b.at) };
    });
});

/** Both generators: the properties hold for still scenarios and for scenarios with events. */
const anyScenarioArb = fc.oneof(scenarioArb, timedScenarioArb);

const RUNS = { numRuns: 60, seed: 20261124 };
/** The longest one-way hop (engine-model.md "Time and TCP": to the internet, 15 ms here). */
const LONGEST_HOP_S = 0.015;

function valid(s: Scenario): boolean {
  return loadScenarioValue(s).errors.length === 0;
}

/** The state of a member at `at` seconds, from its transitions. */
function stateAt(r: SimulationResult, member: string, at: number): 'up' | 'down' {
  const p = r.probes.find((x) => x.member === member);
  let state: 'up' | 'down' = 'up';
  for (const t of p?.transitions ?? []) if (t.at <= at) state = t.state;
  return state;
}

describe('generated scenarios', () => {
  it('every packet is delivered, dropped with a reason, or in flight at the end', () => {
    fc.assert(
      fc.property(anyScenarioArb, (s) => {
        fc.pre(valid(s));
        const r = runScenario(s, { trace: true });
        const last = new Map<number, TraceEvent>();
        for (const e of r.events ?? []) {
          if (e.packet === null) continue;
          if (e.kind === 'drop') expect(e.reason).not.toBeNull();
          last.set(e.packet.id, e);
        }
        for (const e of last.values()) {
          if (e.kind === 'deliver' || e.kind === 'drop') continue;
          // Still travelling: it left its last element less than one hop before the end.
          expect(e.at).toBeGreaterThanOrEqual(r.simulatedSeconds - LONGEST_HOP_S);
        }
      }),
      RUNS,
    );
  });

  it('sends the packets of one TCP flow to one backend, the one its row names', () => {
    fc.assert(
      fc.property(anyScenarioArb, (s) => {
        fc.pre(valid(s));
        const r = runScenario(s, { trace: true });
        const members = new Map<string, Set<string>>();
        for (const e of r.events ?? []) {
          const d = e.decision;
          if (e.connection === null || d === null || e.packet?.protocol !== 'Tcp') continue;
          const member = d.kind === 'loadBalancingRule' ? d.chosen : d.kind === 'lbFlow' ? d.member : null;
          if (member === null) continue;
          const set = members.get(e.connection) ?? new Set();
          set.add(member);
          members.set(e.connection, set);
        }
        for (const [conn, set] of members) expect(set.size, conn).toBe(1);
        for (const c of r.connections) {
          const set = members.get(`${c.traffic}#${c.index}`);
          if (set !== undefined) expect(c.backend).toBe([...set][0]);
        }
      }),
      RUNS,
    );
  });

  it('never sends a new flow to a member that is down (unless every member is down and AllProbedUp)', () => {
    fc.assert(
      fc.property(anyScenarioArb, (s) => {
        fc.pre(valid(s));
        const r = runScenario(s, { trace: true });
        const allProbedUp = s.loadBalancers?.[0]?.probes?.[0]?.noHealthyBackendsBehavior === 'AllProbedUp';
        for (const e of r.events ?? []) {
          const d = e.decision;
          if (d?.kind !== 'loadBalancingRule') continue;
          expect(d.candidates).toContain(d.chosen);
          const allDown = d.candidates.every((m) => stateAt(r, m, e.at) === 'down');
          if (allDown) expect(allProbedUp).toBe(true);
          else expect(stateAt(r, d.chosen, e.at)).toBe('up');
        }
      }),
      RUNS,
    );
  });

  it('bulk mode counts what trace mode reports, connection for connection', () => {
    fc.assert(
      fc.property(anyScenarioArb, (s) => {
        fc.pre(valid(s));
        const trace = runScenario(s);
        const bulk = runScenarioBulk(s);
        const { connections, outcomes, reasons, backends, http, closed } = bulk;
        expect({ connections, outcomes, reasons, backends, http, closed }).toEqual(
          aggregateConnections(trace.connections),
        );
        expect(bulk.distribution).toEqual(trace.distribution);
        expect(bulk.probes).toEqual(trace.probes);
        expect(bulk.simulatedSeconds).toBe(trace.simulatedSeconds);
      }),
      RUNS,
    );
  });

  it('gives the same JSON for the same scenario and seed', () => {
    fc.assert(
      fc.property(anyScenarioArb, (s) => {
        fc.pre(valid(s));
        expect(JSON.stringify(runScenario(s, { trace: true }))).toBe(JSON.stringify(runScenario(s, { trace: true })));
        expect(JSON.stringify(runScenarioBulk(s))).toBe(JSON.stringify(runScenarioBulk(s)));
      }),
      { ...RUNS, numRuns: 30 },
    );
  });
});

/** The document as the events leave it, with no traffic and no events (what the probes settle on). */
function settled(s: Scenario): Scenario {
  const doc = structuredClone(s);
  const upsert = <T extends { name: string }>(list: T[], item: T): T[] => [
    ...list.filter((x) => x.name !== item.name),
    item,
  ];
  for (const e of doc.events ?? []) {
    const vm = 'vm' in e ? doc.virtualMachines?.find((v) => v.name === e.vm) : undefined;
    const lb = doc.loadBalancers?.[0];
    switch (e.action) {
      case 'stopVm':
      case 'startVm':
        if (vm !== undefined) vm.powerState = e.action === 'stopVm' ? 'stopped' : 'running';
        break;
      case 'removePoolMember':
      case 'addPoolMember': {
        const pool = lb?.backendAddressPools[0];
        if (pool === undefined) break;
        const kept = poolMemberNics(pool).filter((n) => n !== e.networkInterface);
        pool.loadBalancerBackendAddresses = membersOf(
          e.action === 'addPoolMember' ? [...kept, e.networkInterface] : kept,
        );
        break;
      }
      case 'setListener': {
        if (vm === undefined) break;
        const old = vm.listeners?.find((l) => l.name === e.listener);
        vm.listeners = upsert(vm.listeners ?? [], {
          ...old,
          port: (e.port as number | undefined) ?? old?.port ?? 80,
          http: e.http as Listener['http'],
          name: e.listener,
        });
        break;
      }
      case 'setSecurityRule': {
        const nsg = doc.networkSecurityGroups?.find((n) => n.name === e.networkSecurityGroup);
        if (nsg !== undefined) nsg.securityRules = upsert(nsg.securityRules, e.rule);
        break;
      }
      case 'setProbe':
        if (lb !== undefined) lb.probes = upsert(lb.probes ?? [], e.probe);
        break;
      case 'setFirewallRule':
        if (vm !== undefined) vm.firewall = { ...(vm.firewall ?? {}), rules: upsert(vm.firewall?.rules ?? [], e.rule) };
        break;
      default:
        break;
    }
  }
  return { ...doc, traffic: [], events: [] };
}

describe('generated scenarios with events (issue 4)', () => {
  it('after the last event, every member settles where probing the changed configuration settles (within interval × threshold)', () => {
    fc.assert(
      fc.property(timedScenarioArb, (s) => {
        fc.pre(valid(s));
        const r = runScenario(s);
        const last = Math.max(...(s.events ?? []).map((e) => e.at));
        // Probes settle within interval × threshold of the last event (15 s × 2 at most here).
        expect(r.simulatedSeconds).toBeGreaterThanOrEqual(last + 15 * 3);
        const target = runScenario(settled(s));
        for (const p of target.probes) {
          const got = r.probes.find((x) => x.probe === p.probe && x.member === p.member);
          expect(got?.state, `${p.member}`).toBe(p.state);
        }
      }),
      { ...RUNS, numRuns: 40 },
    );
  });

  it('a member never changes state between probe rounds: every transition is a probe verdict, not the event itself', () => {
    fc.assert(
      fc.property(timedScenarioArb, (s) => {
        fc.pre(valid(s));
        const r = runScenario(s, { trace: true });
        const eventTimes = new Set((s.events ?? []).map((e) => e.at));
        const verdicts = new Set(
          (r.events ?? [])
            .filter((e) => e.decision?.kind === 'probe')
            .map((e) => `${e.at}|${e.decision?.kind === 'probe' ? e.decision.member : ''}`),
        );
        for (const p of r.probes) {
          for (const t of p.transitions) {
            if (t.at === 0) continue;
            // A member that joins the pool is recorded down at the event; every other transition
            // is the verdict of a probe attempt at that instant.
            if (t.state === 'down' && eventTimes.has(t.at)) continue;
            expect(verdicts.has(`${t.at}|${p.member}`), `${p.member} ${t.state} at ${t.at}`).toBe(true);
          }
        }
      }),
      { ...RUNS, numRuns: 40 },
    );
  });
});
