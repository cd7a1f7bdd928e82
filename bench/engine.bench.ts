/**
 * The engine's benchmark (issue 3 "Performance"): on the seeds/003 lab with three backends, where
 * each connection is a full TCP handshake and close through the subnet NSG, the internal load
 * balancer and the guest, from 65,536 on-premises client addresses:
 * - bulk mode: connections per second on one core, at 100,000 and 1,000,000 connections (never one
 *   connection computed and multiplied: each gets its own seeded port, tuple hash, flow entry with
 *   eviction and distribution count; the packet path's outcome is reused per decision class from a
 *   reference connection that ran it packet by packet: fastPath.ts `tryFast`);
 * - bulk mode: heap after GC with the simulation still alive at the end of the run, at 100,000 and
 *   at 1,000,000 connections (flat memory: nothing kept per connection);
 * - trace mode: packet events recorded per second.
 * Budgets (bench/budgets.ts): bulk ≥ 1,000,000 connections/s at 1,000,000; trace ≥ 200,000 events/s; heap flat.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { EngineInput } from '../src/engine/input';
import { Simulation } from '../src/engine/simulation';
import type { Scenario } from '../src/scenario/types';
import { compileScenario } from '../src/sim/compile';
import { type Figure, round } from './measure';

const VIP = '10.2.1.100';

/** seeds/003 §2 lab: three Windows IIS backends behind the ILB, an NSG on the web subnet. */
export function benchLab(connections: number, interval = 0.0001): Scenario {
  const web = (i: number) => ({
    name: `web0${i}`,
    os: 'windows' as const,
    networkInterfaces: [
      {
        name: `web0${i}-nic1`,
        ipConfigurations: [{ name: 'ipconfig1', subnet: 'spoke/web', privateIPAddress: `10.2.1.${3 + i}` }],
      },
    ],
    listeners: [{ name: 'iis', port: 80, http: { '/': 200 } }],
  });
  return {
    format: 'hairpin-scenario',
    version: 2,
    title: 'Engine benchmark: the seeds/003 lab with three backends',
    vnets: [
      {
        name: 'hub',
        addressSpace: ['10.1.0.0/16'],
        subnets: [{ name: 'GatewaySubnet', addressPrefix: '10.1.0.0/27' }],
      },
      {
        name: 'spoke',
        addressSpace: ['10.2.0.0/16'],
        subnets: [{ name: 'web', addressPrefix: '10.2.1.0/24', networkSecurityGroup: 'nsg-web' }],
      },
    ],
    networkSecurityGroups: [
      {
        name: 'nsg-web',
        securityRules: [
          {
            name: 'allow-http',
            priority: 100,
            direction: 'Inbound',
            access: 'Allow',
            protocol: 'Tcp',
            sourceAddressPrefix: 'VirtualNetwork',
            destinationPortRange: '80',
          },
        ],
      },
    ],
    virtualMachines: [web(1), web(2), web(3)],
    loadBalancers: [
      {
        name: 'ilb',
        frontendIPConfigurations: [{ name: 'fe', privateIPAddress: VIP, subnet: 'spoke/web' }],
        backendAddressPools: [
          {
            name: 'pool',
            loadBalancerBackendAddresses: [
              { networkInterfaceIPConfiguration: 'web01-nic1/ipconfig1' },
              { networkInterfaceIPConfiguration: 'web02-nic1/ipconfig1' },
              { networkInterfaceIPConfiguration: 'web03-nic1/ipconfig1' },
            ],
          },
        ],
        probes: [{ name: 'p80', protocol: 'Tcp', port: 80 }],
        loadBalancingRules: [
          { name: 'http', frontendIPConfiguration: 'fe', backendAddressPool: 'pool', probe: 'p80', frontendPort: 80 },
        ],
      },
    ],
    clients: [{ name: 'onprem', os: 'linux', ipAddress: '172.16.0.0/12', count: 65536, location: 'onPremises' }],
    traffic: [{ name: 'bulk', from: 'onprem', to: `${VIP}:80`, connections, interval }],
  };
}

/** `gc()`, exposed at run time (bench/run.ts runs under tsx without --expose-gc). */
function getGc(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

function runBulk(input: EngineInput, gc: (() => void) | null) {
  const sim = new Simulation(input, { seed: 1, mode: 'bulk' });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = sim.runBulk();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (result.outcomes.established !== result.connections) throw new Error('benchmark connections failed');
  let heapMiB: number | null = null;
  if (gc !== null) {
    gc();
    gc();
    heapMiB = process.memoryUsage().heapUsed / 2 ** 20;
  }
  // Keep the simulation alive until after the measure: its state is what must stay flat.
  if (sim === null) throw new Error('unreachable');
  return { seconds, cpuSeconds, heapMiB };
}

export function run(quick: boolean): Figure[] {
  const gc = getGc();
  const sizes = quick ? [2_000, 20_000] : [100_000, 1_000_000];
  const labels = quick ? ['2k', '20k'] : ['100k', '1M'];
  const figures: Figure[] = [];
  // Warm-up, so that the first size is not measured while the JIT compiles.
  runBulk(compileScenario(benchLab(quick ? 1_000 : 20_000)), null);
  const heaps: (number | null)[] = [];
  // The best of a few runs: on a shared machine, the others measure the neighbours.
  const runs = quick ? 1 : 3;
  sizes.forEach((n, i) => {
    const input = compileScenario(benchLab(n));
    let best = { seconds: Number.POSITIVE_INFINITY, cpuSeconds: Number.POSITIVE_INFINITY };
    let heapMiB: number | null = null;
    for (let r = 0; r < runs; r++) {
      const run = runBulk(input, gc);
      heapMiB = run.heapMiB;
      if (run.seconds < best.seconds) best = run;
    }
    heaps.push(heapMiB);
    figures.push(
      {
        name: `engine.bulk.connectionsPerSecond.${labels[i]}`,
        value: Math.round(n / best.seconds),
        unit: 'connections/s',
        note: `${n} connections (handshake and HTTP-less close through NSG, ILB and guest; own port, hash and flow entry each, packet path reused per decision class); wall clock, best of ${runs}; budget at 1M ≥ 1000000`,
      },
      {
        name: `engine.bulk.connectionsPerSecondOfCpu.${labels[i]}`,
        value: Math.round(n / best.cpuSeconds),
        unit: 'connections/s',
        note: 'the same run per second of the process CPU time (GC threads included): what a core of its own gives, whatever else runs on the machine',
      },
    );
  });
  sizes.forEach((n, i) => {
    const heap = heaps[i] ?? null;
    figures.push({
      name: `engine.bulk.heapAfterGcMiB.${labels[i]}`,
      value: heap === null ? Number.NaN : round(heap, 1),
      unit: 'MiB',
      note:
        heap === null
          ? 'gc unavailable: not measured'
          : `heap used after GC with the simulation of ${n} connections still alive; target: flat between sizes`,
    });
  });
  const traceConnections = quick ? 200 : 5_000;
  const input = compileScenario(benchLab(traceConnections, 0.001));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const traced = new Simulation(input, { seed: 1, trace: true }).run();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const events = traced.events?.length ?? 0;
  figures.push(
    {
      name: 'engine.trace.eventsPerSecond',
      value: Math.round(events / seconds),
      unit: 'events/s',
      note: `${events} packet events for ${traceConnections} connections; budget ≥ 200000`,
    },
    {
      name: 'engine.trace.eventsPerSecondOfCpu',
      value: Math.round(events / ((cpu.user + cpu.system) / 1e6)),
      unit: 'events/s',
      note: 'the same run per second of the process CPU time (GC threads included)',
    },
  );
  return figures;
}
