/**
 * Bulk mode's fast path (fastPath.ts `tryFast`) makes the engine's decisions: on the benchmark
 * scenario and on scenarios with events, NSG denies by address and by source port, hairpins, SNAT
 * exhaustion and idle timeouts, bulk aggregates equal the counts of trace mode's rows, connection
 * for connection, with thousands of connections so that most of them take the fast path.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { benchLab } from '../../bench/engine.bench';
import { aggregateConnections } from '../engine/bulk';
import { Simulation } from '../engine/simulation';
import { loadScenarioValue, type Scenario } from '../scenario/index';
import { compileScenario } from './compile';
import { type SecurityRule, withDenies, withRules } from './fixtures/denies';
import { outboundLab, toApi } from './fixtures/outbound';
import { runScenario, runScenarioBulk } from './simulate';

function expectBulkEqualsTrace(s: Scenario): void {
  expect(loadScenarioValue(s).errors).toEqual([]);
  const trace = runScenario(s);
  const bulk = runScenarioBulk(s);
  const { connections, outcomes, reasons, backends, http, closed } = bulk;
  expect({ connections, outcomes, reasons, backends, http, closed }).toEqual(aggregateConnections(trace.connections));
  expect(bulk.distribution).toEqual(trace.distribution);
  expect(bulk.probes).toEqual(trace.probes);
  expect(bulk.simulatedSeconds).toBe(trace.simulatedSeconds);
}

describe('bulk fast path: the same decisions as trace mode', () => {
  it('on the benchmark scenario (the ILB hairpin write-up lab, three backends)', () => {
    expectBulkEqualsTrace(benchLab(4_000));
    expectBulkEqualsTrace({ ...benchLab(3_000, 0), seed: 7 });
  });

  it('with scenario events under way: a VM stopped and started, a member removed, a listener replaced', () => {
    const s = benchLab(3_000, 0.01);
    expectBulkEqualsTrace({
      ...s,
      events: [
        { at: 3, action: 'stopVm', vm: 'web02' },
        { at: 9.5, action: 'removePoolMember', loadBalancer: 'ilb', pool: 'pool', networkInterface: 'web03-nic1' },
        { at: 14, action: 'startVm', vm: 'web02' },
        { at: 17, action: 'setListener', vm: 'web01', listener: 'iis', port: 8080 },
        { at: 22, action: 'addPoolMember', loadBalancer: 'ilb', pool: 'pool', networkInterface: 'web03-nic1' },
      ],
    });
  });

  it('with NSG denies by source prefix and by source port range', () => {
    expectBulkEqualsTrace(withDenies(benchLab(4_000)));
  });

  it('with a member probed down from the start (Basic and Standard)', () => {
    const s = benchLab(3_000);
    const vms = (s.virtualMachines ?? []).map((vm, i) => (i === 1 ? { ...vm, listeners: [] } : vm));
    expectBulkEqualsTrace({ ...s, virtualMachines: vms });
    const basic = (s.loadBalancers ?? []).map((lb) => ({ ...lb, sku: 'Basic' as const }));
    expectBulkEqualsTrace({ ...s, virtualMachines: vms, loadBalancers: basic });
  });

  it('without probes, with few client hosts shared by fast and full connections, some timing out', () => {
    const s = benchLab(2_000, 0.01);
    const lbs = (s.loadBalancers ?? []).map((lb) => ({
      ...lb,
      probes: [],
      loadBalancingRules: lb.loadBalancingRules?.map(({ probe: _probe, ...r }) => r),
    }));
    const clients = (s.clients ?? []).map((c) => ({ ...c, ipAddress: '172.16.0.0/27', count: 16 }));
    const deny: SecurityRule = {
      name: 'deny-some',
      priority: 100,
      direction: 'Inbound',
      access: 'Deny',
      protocol: 'Tcp',
      sourceAddressPrefix: '172.16.0.8/29',
      destinationPortRange: '80',
    };
    expectBulkEqualsTrace(withRules({ ...s, loadBalancers: lbs, clients }, [deny]));
  });

  it('with a host reused while its fast-path connection is under way (the host is built holding its port)', () => {
    // 16 hosts: traffic `bulk` opens on each host every 80 ms, so its connections (about 50 ms from
    // open to release) take the fast path without building their host; traffic `late` opens on
    // the same hosts at other times, some while a `bulk` connection is under way (the host is
    // then built holding that connection's port, or not once it has finished) and some not.
    const s = benchLab(1_500, 0.005);
    const clients = (s.clients ?? []).map((c) => ({ ...c, ipAddress: '172.16.0.0/27', count: 16 }));
    const late = { name: 'late', from: 'onprem', to: '10.2.1.100:80', connections: 120, startAt: 1, interval: 0.043 };
    expectBulkEqualsTrace({ ...s, clients, traffic: [...(s.traffic ?? []), late] });
  });

  it('a host built while its one-step fast connection is under way holds that port until the connection finishes', () => {
    // One client host. Connection 0 runs packet by packet (the reference), then the host, idle,
    // is dropped; connection 1 (at 0.5 s) takes the fast path without building the host, to be
    // finished and released in one step; `late` opens on the same host at 0.51 s, while
    // connection 1 is under way, and builds it: the host must hold connection 1's port until the
    // moment trace mode frees it, not until the fast path's one step.
    const s = benchLab(2, 0.5);
    const clients = (s.clients ?? []).map((c) => ({ ...c, ipAddress: '172.16.0.1/32', count: 1 }));
    const late = { name: 'late', from: 'onprem', to: '10.2.1.100:80', connections: 1, startAt: 0.51, interval: 1 };
    const scenario: Scenario = { ...s, clients, traffic: [...(s.traffic ?? []), late] };
    expectBulkEqualsTrace(scenario);
    const port = Number(runScenario(scenario).connections[1]?.source?.split(':')[1]);
    /** After each event from 0.51 s on: whether the built host holds the port; and if a one-step fast connection ran. */
    const observe = (mode: 'trace' | 'bulk') => {
      const held: { now: number; held: boolean }[] = [];
      let oneStep = false;
      const sim: Simulation = new Simulation(compileScenario(scenario), {
        seed: 1,
        mode,
        progressEvery: 1,
        onProgress: ({ simulatedUs }) => {
          const internals = sim as unknown as {
            clientHosts: Map<number, { usedPorts: Set<number> }>[];
            fastConns: { oneStep: boolean }[];
          };
          const host = internals.clientHosts[0]?.get(0);
          if (host !== undefined && simulatedUs >= 510_000)
            held.push({ now: simulatedUs, held: host.usedPorts.has(port) });
          if (internals.fastConns.some((f) => f.oneStep)) oneStep = true;
        },
      });
      if (mode === 'bulk') sim.runBulk();
      else sim.run();
      const freedAt = held.find((o) => !o.held)?.now ?? Number.NaN;
      return { held: held.filter((o) => o.now < freedAt), freedAt, oneStep };
    };
    const trace = observe('trace');
    const bulk = observe('bulk');
    expect(bulk.oneStep).toBe(true);
    expect(trace.freedAt).toBeGreaterThan(510_000);
    expect(bulk.freedAt).toBe(trace.freedAt);
    expect(bulk.held.length).toBeGreaterThan(0);
    expect(bulk.held.every((o) => o.held)).toBe(true);
  });

  it('with HTTP: every library lab whose clients fetch a page, scaled to a thousand connections', () => {
    // The labs teach with three connections; scaled up, most take the fast path (its HTTP status
    // is part of each reference's outcome), and bulk still counts exactly what trace mode rows say.
    const dir = join(dirname(fileURLToPath(import.meta.url)), '../../public/library');
    let labs = 0;
    const fastLabs: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json')) {
      const lab = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Scenario;
      const clients = new Set((lab.clients ?? []).map((c) => c.name));
      const http = (lab.traffic ?? []).filter((t) => t.http !== undefined && clients.has(t.from));
      if (http.length === 0) continue;
      labs++;
      const traffic = (lab.traffic ?? []).map((t) =>
        http.includes(t) ? { ...t, connections: 1_000, interval: 0.5 } : t,
      );
      const scaled: Scenario = { ...lab, traffic };
      expectBulkEqualsTrace(scaled);
      const sim = new Simulation(compileScenario(scaled), { seed: scaled.seed ?? 1, mode: 'bulk' });
      sim.runBulk();
      if ((sim as unknown as { fastConns: unknown[] }).fastConns.length > 0) fastLabs.push(file);
    }
    expect(labs).toBeGreaterThan(10);
    // Labs with traffic from a VM (hairpins), or whose connections fail over seconds of SYN
    // retries across probe rounds, stay on the full path; the others take the fast path.
    expect(fastLabs).toContain('lab-baseline.json');
    expect(fastLabs.length, fastLabs.join(', ')).toBeGreaterThanOrEqual(6);
  });

  it('with a hairpin from a backend beside client traffic (the fast path stands aside)', () => {
    const s = benchLab(2_000);
    expectBulkEqualsTrace({
      ...s,
      traffic: [...(s.traffic ?? []), { name: 'hairpin', from: 'web01', to: '10.2.1.100:80', connections: 20 }],
    });
  });

  it('with SNAT exhaustion', () => {
    expectBulkEqualsTrace(
      outboundLab({ outboundPorts: 8, traffic: [toApi('same', { connections: 12, interval: 0.1, duration: 200 })] }),
    );
  });

  it('with idle timeouts (TCP reset) on long-lived connections beside short ones', () => {
    const s = benchLab(3_000, 0.05);
    const lbs = (s.loadBalancers ?? []).map((lb) => ({
      ...lb,
      loadBalancingRules: lb.loadBalancingRules?.map((r) => ({ ...r, idleTimeoutInMinutes: 4, enableTcpReset: true })),
    }));
    expectBulkEqualsTrace({
      ...s,
      loadBalancers: lbs,
      traffic: [
        ...(s.traffic ?? []),
        { name: 'idle', from: 'onprem', to: '10.2.1.100:80', connections: 30, interval: 1, duration: 400 },
      ],
    });
  });

  it('an evicted flow leaves no idle-check job behind (enableTcpReset): the queue follows live flows', () => {
    const s = benchLab(20_000);
    const lbs = (s.loadBalancers ?? []).map((lb) => ({
      ...lb,
      loadBalancingRules: lb.loadBalancingRules?.map((r) => ({ ...r, idleTimeoutInMinutes: 30, enableTcpReset: true })),
    }));
    // Trace mode runs every connection packet by packet; stopped after 19,000 short flows ended.
    const sim = new Simulation(compileScenario({ ...s, loadBalancers: lbs }), { seed: 1, until: 1.95 });
    sim.run();
    const queued = (sim as unknown as { queue: { size: number } }).queue.size;
    expect(queued).toBeLessThan(10_000);
  });
});
