/**
 * Pinned results of fixed scenarios and seeds, two ways.
 *
 * Readable pins: the summary (summary.ts) of each run, stored under `src/sim/pins/` and compared
 * line by line, so that a changed rule fails with a diff naming the connections (outcome, reason
 * and where, backend, close), the probe transitions and the lesson verdicts it changed. They cover
 * every library scenario as shipped and with its lesson's solution applied (through the load
 * pipeline, as the app applies it), every `loadDistribution` on labs with several members and
 * clients, both `noHealthyBackendsBehavior` values with every member probed down, and the bulk labs.
 *
 * Hashes: the SHA-256 of the serialised result, in bulk mode (large enough that the fast path, its
 * delay lines, the flow-table eviction and the queue's compaction all run) and in trace mode with
 * packet events (every library scenario). They guard what a summary leaves out (event order, ports,
 * timings): performance work on the engine (sched.ts, fastpath.ts, bulk.ts, the stages from core.ts
 * to simulation.ts) must leave every byte of output unchanged. A bulk lab checks its summary before
 * its hash, so a change shows as a diff first.
 *
 * Update only for an intended change of behaviour: `npx vitest run src/sim/pinned.test.ts -u`
 * rewrites the summaries (hashes are edited by hand), and the commit lists each pin that changed
 * and why.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { benchLab } from '../../bench/engine.bench';
import { loadScenarioText, loadScenarioValue } from '../scenario/index';
import { mergePatch } from '../scenario/mergePatch';
import type { LoadDistribution, NoHealthyBackendsBehavior, Scenario } from '../scenario/types';
import { withDenies } from './fixtures/denies';
import { runScenario, runScenarioBulk } from './simulate';
import { summariseBulkResult, summariseResult } from './summary';

const sha = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

const LIBRARY = fileURLToPath(new URL('../../public/library/', import.meta.url));
const library = (JSON.parse(readFileSync(`${LIBRARY}index.json`, 'utf8')) as { file: string }[]).map(({ file }) => ({
  file,
  scenario: JSON.parse(readFileSync(`${LIBRARY}${file}`, 'utf8')) as Scenario,
}));

/** On the benchmark lab: a member stopped and started, one out of the pool and back, a listener moved. */
const LAB_EVENTS: NonNullable<Scenario['events']> = [
  { at: 3, action: 'stopVm', vm: 'web02' },
  { at: 9.5, action: 'removePoolMember', loadBalancer: 'ilb', pool: 'pool', networkInterface: 'web03-nic1' },
  { at: 14, action: 'startVm', vm: 'web02' },
  { at: 17, action: 'setListener', vm: 'web01', listener: 'iis', port: 8080 },
  { at: 22, action: 'addPoolMember', loadBalancer: 'ilb', pool: 'pool', networkInterface: 'web03-nic1' },
];

/** `file`: the readable pin's name under `src/sim/pins/bulk/`. */
const BULK: { name: string; file: string; scenario: () => Scenario; hash: string }[] = [
  {
    name: 'benchmark lab, 200,000 connections',
    scenario: () => benchLab(200_000),
    hash: '07c655bcd70be084',
    file: 'bench-200k',
  },
  {
    name: 'benchmark lab, all at once, seed 7',
    scenario: () => ({ ...benchLab(5_000, 0), seed: 7 }),
    hash: 'cb13126e37d2cf66',
    file: 'bench-at-once-seed-7',
  },
  {
    name: 'benchmark lab with events',
    scenario: () => ({
      ...benchLab(30_000, 0.001),
      events: LAB_EVENTS,
    }),
    hash: 'b2c228bee584f8ed',
    file: 'bench-events',
  },
  {
    name: 'benchmark lab with NSG denies',
    scenario: () => withDenies(benchLab(8_000)),
    hash: 'a9820de2ed4ac8f4',
    file: 'bench-nsg-denies',
  },
  {
    name: 'hosts reused while their fast-path connections are under way',
    scenario: () => {
      const s = benchLab(1_500, 0.005);
      const clients = (s.clients ?? []).map((c) => ({ ...c, ipAddress: '172.16.0.0/27', count: 16 }));
      const late = { name: 'late', from: 'onprem', to: '10.2.1.100:80', connections: 120, startAt: 1, interval: 0.043 };
      return { ...s, clients, traffic: [...(s.traffic ?? []), late] };
    },
    hash: 'd4d59019c72ef191',
    file: 'bench-hosts-reused',
  },
];

describe('pinned results (any change of output fails here)', () => {
  it.each(BULK)('bulk: $name', async ({ scenario, file, hash }) => {
    const result = runScenarioBulk(scenario());
    await expect(summariseBulkResult(result)).toMatchFileSnapshot(`pins/bulk/${file}.txt`);
    expect(sha(result)).toBe(hash);
  });

  it('bulk and trace with events: every library scenario', () => {
    const hashes = Object.fromEntries(
      library.map(({ file, scenario }) => [
        file,
        `${sha(runScenarioBulk(scenario))} ${sha(runScenario(scenario, { trace: true }))}`,
      ]),
    );
    // bulk result, then trace result with events (a library file edited on purpose changes its line).
    expect(hashes).toEqual({
      'admin-state-maintenance.json': '1e16ae0f3c1918be 5dfcf5c20062e2e2',
      'all-probes-down-basic-vs-standard.json': 'd0d7553128ce1c58 dc33d1dc658c6638',
      'basic-public-open-by-default.json': 'ade8e341e61f1ef2 0305f6a425ce13fb',
      'clients-behind-proxy.json': '4f59e73552fd13dd 7f95e2940e2ce9c9',
      'firewall-blocks-probe.json': '84fde6424ef583dc c0cc2e8e60eea264',
      'hairpin-one-backend.json': '81339cd05225ecc1 f3ec7f31bf20680c',
      'hairpin-two-backends.json': '396fb92400ab15e6 17379bc13bd5a224',
      'http-probe-500.json': '225ccf18a97377ff 12b7d6ea92d6b927',
      'icmp-internal-frontend.json': '81e9e8f49035f05d e36e4c0d01fdfacf',
      'icmp-public-frontend.json': 'c2b3d36205dded63 351194529a5e1768',
      'idle-timeout-tcp-reset.json': 'a26cd4904dd1216a c9593898c62b9606',
      'lab-baseline.json': 'ad190aad20304e55 cc0607e1b8505633',
      'not-listening-data-port.json': 'f2f2e8d77daaf611 9fd1348904286658',
      'nsg-blocks-data-port.json': '5e803416498bc562 d7a82821f514a654',
      'nsg-deny-all-blocks-probe.json': '9e2d8228bf296169 9878d57118a6bc55',
      'probe-port-not-listening.json': '03f17f38a8ac259c 63aa905dc00f9732',
      'removed-member-existing-flows.json': '3bf3924d9a7a5e5b 486ee67c319ec1af',
      'session-persistence-uneven.json': '4ecc865b97f188cf ac192a656040ac7b',
      'snat-exhaustion.json': '0f5f4387c15cd9a3 3f2f1a322fc6de8e',
      'standard-public-closed-by-default.json': '9b1a6a9602b8b4f1 0a2cc282f46c2a95',
      'udr-diverts-replies.json': '23175330164cc77c 8e747b3409f16ead',
      'unhealthy-vm-stopped.json': 'af71bb987629ffe6 5793eefc3193a2cf',
      'workaround-loopback-floating-ip.json': '4373ef5ce5ff7ef2 3e75bbe4d719a9df',
      'workaround-loopback-no-weak-host.json': 'e996c842dfbd85c6 acbe55098040abf9',
      'workaround-nginx-proxy.json': '198816de0f28071a 98ab61dba506d0c3',
      'workaround-second-nic-linux.json': '37fb666198355a75 0dc9e90b7cbae227',
      'workaround-second-nic-windows.json': 'b62e0fb0bb465ab5 869b1f88b23a3592',
    });
  });
});

// Readable pins

/** A loaded scenario; the pins are of documents that load with no error. */
function loaded(outcome: ReturnType<typeof loadScenarioValue>, what: string): Scenario {
  if (outcome.scenario === null || outcome.errors.length > 0) {
    throw new Error(`${what} does not load: ${JSON.stringify(outcome.errors)}`);
  }
  return outcome.scenario;
}

const shipped = (file: string): Scenario => loaded(loadScenarioText(readFileSync(`${LIBRARY}${file}`, 'utf8')), file);

/** The scenario with its lesson's solution (RFC 7386 merge patch) applied, or null without one. */
function solved(file: string): Scenario | null {
  const s = shipped(file);
  if (s.lesson?.solution === undefined) return null;
  return loaded(loadScenarioValue(mergePatch(s, s.lesson.solution)), `${file} with its solution`);
}

const stem = (file: string) => file.replace(/\.json$/, '');

type Lb = NonNullable<Scenario['loadBalancers']>[number];
const eachLb = (s: Scenario, f: (lb: Lb) => Lb): Scenario => ({ ...s, loadBalancers: (s.loadBalancers ?? []).map(f) });

/** Every load-balancing rule of `s` with `mode`. */
const withLoadDistribution = (s: Scenario, mode: LoadDistribution): Scenario =>
  eachLb(s, (lb) => ({
    ...lb,
    loadBalancingRules: (lb.loadBalancingRules ?? []).map((r) => ({ ...r, loadDistribution: mode })),
  }));

/** Every probe of `s` with `behavior`. */
const withNoHealthyBackends = (s: Scenario, behavior: NoHealthyBackendsBehavior): Scenario =>
  eachLb(s, (lb) => ({
    ...lb,
    probes: (lb.probes ?? []).map((p) => ({ ...p, noHealthyBackendsBehavior: behavior })),
  }));

/** The benchmark lab (three members) with four clients taking turns, 24 connections 50 ms apart. */
const fewClients = (): Scenario => {
  const s = benchLab(24, 0.05);
  return { ...s, clients: (s.clients ?? []).map((c) => ({ ...c, ipAddress: '172.16.0.0/29', count: 4 })) };
};

/** The same lab with its probe on port 81, where nothing listens: every member is probed down. */
const probedDown = (): Scenario =>
  eachLb(fewClients(), (lb) => ({ ...lb, probes: (lb.probes ?? []).map((p) => ({ ...p, port: 81 })) }));

const MODES: readonly LoadDistribution[] = ['Default', 'SourceIPProtocol', 'SourceIP'];
const BEHAVIORS: readonly NoHealthyBackendsBehavior[] = ['AllProbedDown', 'AllProbedUp'];
/** Library labs with two members and several clients (SourceIP as shipped), and all probes down. */
const TWO_MEMBERS = 'clients-behind-proxy.json';
const ALL_DOWN = 'all-probes-down-basic-vs-standard.json';

interface Pin {
  readonly name: string;
  /** Under `src/sim/pins/`. */
  readonly file: string;
  readonly scenario: () => Scenario;
}

const LIBRARY_PINS: Pin[] = library.flatMap(({ file }) => [
  { name: `${file} as shipped`, file: `library/${stem(file)}.txt`, scenario: () => shipped(file) },
  ...(solved(file) === null
    ? []
    : [
        {
          name: `${file} with its solution`,
          file: `library/${stem(file)}.solved.txt`,
          scenario: () => solved(file) as Scenario,
        },
      ]),
]);

const HASH_PINS: Pin[] = MODES.flatMap((mode) => [
  {
    name: `benchmark lab, four clients, ${mode}`,
    file: `loadDistribution/bench-four-clients.${mode}.txt`,
    scenario: () => withLoadDistribution(fewClients(), mode),
  },
  {
    name: `${TWO_MEMBERS}, ${mode}`,
    file: `loadDistribution/${stem(TWO_MEMBERS)}.${mode}.txt`,
    scenario: () => withLoadDistribution(shipped(TWO_MEMBERS), mode),
  },
]);

/**
 * The events lab, small, with a probe every 5 s that needs two results in a row: a member that
 * boots or rejoins, and one that stops answering, under a threshold above 1.
 */
const THRESHOLD_PINS: Pin[] = [
  {
    name: 'benchmark lab with events, probeThreshold 2',
    file: 'probeThreshold/bench-events.threshold-2.txt',
    scenario: () =>
      eachLb({ ...benchLab(60, 0.5), events: LAB_EVENTS }, (lb) => ({
        ...lb,
        probes: (lb.probes ?? []).map((p) => ({ ...p, intervalInSeconds: 5, probeThreshold: 2 })),
      })),
  },
];

const NO_HEALTHY_PINS: Pin[] = BEHAVIORS.flatMap((behavior) => [
  {
    name: `benchmark lab, probe port not listening, ${behavior}`,
    file: `noHealthyBackendsBehavior/bench-probe-port-81.${behavior}.txt`,
    scenario: () => withNoHealthyBackends(probedDown(), behavior),
  },
  {
    name: `${ALL_DOWN}, ${behavior}`,
    file: `noHealthyBackendsBehavior/${stem(ALL_DOWN)}.${behavior}.txt`,
    scenario: () => withNoHealthyBackends(shipped(ALL_DOWN), behavior),
  },
  {
    name: `${ALL_DOWN} with its solution, ${behavior}`,
    file: `noHealthyBackendsBehavior/${stem(ALL_DOWN)}.solved.${behavior}.txt`,
    scenario: () => withNoHealthyBackends(solved(ALL_DOWN) as Scenario, behavior),
  },
]);

describe('readable pins (a changed rule shows here as a diff)', () => {
  // Plain loops rather than it.each: its `$name` cuts long names, and a failure must say which run.
  for (const [group, pins] of [
    ['library', LIBRARY_PINS],
    ['loadDistribution', HASH_PINS],
    ['noHealthyBackendsBehavior', NO_HEALTHY_PINS],
    ['probeThreshold', THRESHOLD_PINS],
  ] as const) {
    describe(`${group}, trace mode with events`, () => {
      for (const { name, scenario, file } of pins) {
        it(name, async () => {
          await expect(summariseResult(runScenario(scenario(), { trace: true }))).toMatchFileSnapshot(`pins/${file}`);
        });
      }
    });
  }

  it('keeps no stored pin that no run writes (a renamed or removed run takes its file with it)', () => {
    const root = fileURLToPath(new URL('pins/', import.meta.url));
    const stored = readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'));
    const written = [
      ...[...LIBRARY_PINS, ...HASH_PINS, ...NO_HEALTHY_PINS, ...THRESHOLD_PINS].map((p) => p.file),
      ...BULK.map((b) => `bulk/${b.file}.txt`),
    ];
    expect(stored.sort()).toEqual(written.sort());
  });

  it('summarises a second run in the same process identically (no state leaks between runs)', () => {
    const a = summariseResult(runScenario(shipped(TWO_MEMBERS), { trace: true }));
    const b = summariseResult(runScenario(shipped(TWO_MEMBERS), { trace: true }));
    expect(a).toBe(b);
  });
});
