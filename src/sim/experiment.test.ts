/**
 * Distribution experiments (issue 8) against the seeds' situations: “Troubleshoot Azure Load Balancer” "uneven
 * distribution" (session persistence, clients behind a proxy) and “What is Azure Load Balancer?” "Load balancing" (the
 * three hash tuples). The counts are the engine's bulk-mode distribution; the remap fractions are
 * checked against the engine's own member choice (`pickBackend`) tuple by tuple.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pickBackend } from '../engine/lb';
import { makeHeader, SYN } from '../engine/wire';
import { deriveExperiment, type ExperimentSpec, experimentRules, suggestedPopulation } from '../scenario/experiment';
import { loadScenarioValue } from '../scenario/index';
import type { Scenario } from '../scenario/types';
import { parseIpv4 } from '../shared/ipv4';
import { type ExperimentProgress, type ExperimentResult, remapOf, runExperiment, sampleTuples } from './experiment';
import { createSimService } from './service';

const LIBRARY = fileURLToPath(new URL('../../public/library/', import.meta.url));
const library = (name: string): Scenario => JSON.parse(readFileSync(`${LIBRARY}${name}.json`, 'utf8')) as Scenario;

function run(scenario: Scenario, spec: ExperimentSpec): ExperimentResult {
  const result = runExperiment(scenario, spec);
  if (!result.valid) throw new Error(JSON.stringify(result.errors));
  return result;
}
const byMode = (r: ExperimentResult, mode: string) => {
  const outcome = r.runs.find((m) => m.mode === mode);
  if (outcome === undefined) throw new Error(`no ${mode} run`);
  return outcome;
};

describe('runExperiment', () => {
  // “Troubleshoot Azure Load Balancer” uneven distribution, Cause 1: "Session persistence ... set to Client IP".
  const uneven = library('session-persistence-uneven');

  it('one client: Default spreads its connections, SourceIP and SourceIPProtocol put every one on one member', () => {
    const progress: ExperimentProgress[] = [];
    const result = runExperiment(
      uneven,
      { rule: 'ilb/http', population: { kind: 'single', address: '192.168.2.1' }, connections: 3000 },
      (p) => progress.push(p),
    );
    if (!result.valid) throw new Error(JSON.stringify(result.errors));
    expect(result.runs.map((r) => r.mode)).toEqual(['Default', 'SourceIPProtocol', 'SourceIP']);
    // Each run's start, the engine's reports within it (ending at 1), and the end.
    expect(progress.filter((p) => p.fraction === 0).map((p) => `${p.done}/${p.runs} ${p.mode}`)).toEqual([
      '0/3 Default',
      '1/3 SourceIPProtocol',
      '2/3 SourceIP',
      '3/3 null',
    ]);
    for (const [i, mode] of ['Default', 'SourceIPProtocol', 'SourceIP'].entries()) {
      const mine = progress.filter((p) => p.mode === mode).map((p) => p.fraction);
      expect(
        mine.every((f, k) => k === 0 || f >= (mine[k - 1] ?? 0)),
        `${mode} monotone`,
      ).toBe(true);
      expect(mine.at(-1)).toBe(1);
      expect(progress.filter((p) => p.mode === mode).every((p) => p.done === i)).toBe(true);
    }
    for (const r of result.runs) {
      expect(r.total).toBe(3000);
      expect(r.members.map((m) => m.member)).toEqual(['web01-nic1', 'web02-nic1']);
      expect(r.outcomes).toEqual({ established: 3000 });
    }
    const def = byMode(result, 'Default');
    for (const m of def.members) expect(m.count).toBeGreaterThan(1300);
    expect(def.spread.pValue).toBeGreaterThan(0.001);
    for (const mode of ['SourceIP', 'SourceIPProtocol']) {
      const r = byMode(result, mode);
      expect(r.members.map((m) => m.count).sort((a, b) => a - b)).toEqual([0, 3000]);
      expect(r.spread.maxMinRatio).toBe(Number.POSITIVE_INFINITY);
      expect(r.spread.pValue).toBeLessThan(1e-6);
      // One tuple for the whole population: a new member takes all of it or none.
      expect([0, 1]).toContain(r.remap?.added.moved);
    }
  });

  it('clients behind a proxy look like one client (“Troubleshoot Azure Load Balancer” Cause 2); 500 addresses spread on SourceIP', () => {
    const proxy = run(library('clients-behind-proxy'), {
      rule: 'plb/http',
      population: { kind: 'proxy', address: '198.51.100.7' },
      connections: 300,
    });
    // The NSG denies the proxy (the scenario's lesson): its SYNs time out, after the hash chose.
    expect(byMode(proxy, 'SourceIP').outcomes).toEqual({ timeout: 300 });
    expect(
      byMode(proxy, 'SourceIP')
        .members.map((m) => m.count)
        .sort((a, b) => a - b),
    ).toEqual([0, 300]);
    const many = run(library('clients-behind-proxy'), {
      rule: 'plb/http',
      population: { kind: 'prefix', prefix: '198.18.0.0/16', count: 500 },
      connections: 2000,
    });
    const sip = byMode(many, 'SourceIP');
    expect(sip.total).toBe(2000);
    for (const m of sip.members) expect(m.count).toBeGreaterThan(700);
  }, 30_000);

  it('counts a member probed down out of the even share (engine-model.md step 8)', () => {
    const s = library('session-persistence-uneven');
    const web02 = s.virtualMachines?.find((v) => v.name === 'web02');
    if (web02 === undefined) throw new Error('no web02');
    web02.powerState = 'stopped';
    const r = byMode(
      run(s, { rule: 'ilb/http', population: { kind: 'prefix', prefix: '10.9.0.0/16', count: 100 }, connections: 500 }),
      'Default',
    );
    expect(r.members).toEqual([
      { member: 'web01-nic1', count: 500, up: true },
      { member: 'web02-nic1', count: 0, up: false },
    ]);
    expect(r.spread.members).toBe(1);
    expect(r.remap?.candidates).toEqual(['web01-nic1']);
  });

  it('refuses a population the network cannot hold, with the field named', () => {
    const bad = runExperiment(uneven, {
      rule: 'ilb/http',
      population: { kind: 'prefix', prefix: '10.0.0.0/30', count: 5 },
      connections: 10,
    });
    expect(bad.valid).toBe(false);
    if (!bad.valid) expect(bad.errors[0]?.message).toMatch(/^population.count: 5 addresses do not fit/);
  });

  it('runs through the service, and keeps no run: the kept one stays', () => {
    const service = createSimService();
    const kept = service.runAndKeep(uneven);
    expect(kept.valid).toBe(true);
    const before = service.count();
    const result = service.experiment(JSON.stringify(uneven), {
      rule: 'ilb/api',
      population: { kind: 'single', address: '192.168.2.1' },
      connections: 100,
    });
    expect(result.valid && result.runs.map((r) => r.total)).toEqual([100, 100, 100]);
    expect(service.count()).toBe(before);
  });
});

describe('the experiment variant of every library scenario', () => {
  const files = readdirSync(LIBRARY).filter((f) => f.endsWith('.json') && f !== 'index.json');
  it.each(files)('%s: each rule and suggested population gives a valid document', (file) => {
    const s = JSON.parse(readFileSync(`${LIBRARY}${file}`, 'utf8')) as Scenario;
    for (const rule of experimentRules(s)) {
      for (const kind of ['single', 'prefix', 'proxy'] as const) {
        const derived = deriveExperiment(
          s,
          { rule: rule.key, population: suggestedPopulation(s, rule, kind), connections: 1000 },
          'SourceIP',
        );
        if (!derived.ok) throw new Error(derived.error);
        expect(loadScenarioValue(derived.value).errors, `${rule.key} ${kind}`).toEqual([]);
      }
    }
  });
});

describe('remapOf', () => {
  const rule = { frontendAddress: '10.2.1.100', port: 80, protocol: 'Tcp' as const };
  const members = ['a', 'b', 'c', 'd'];
  const population = { kind: 'prefix' as const, prefix: '172.16.0.0/16', count: 5000 };

  /** The member the engine picks for a tuple among `candidates` (the engine's own function). */
  const engineMember = (
    seed: number,
    mode: 'Default' | 'SourceIP',
    src: number,
    port: number,
    candidates: string[],
  ) => {
    const h = makeHeader({
      protocol: 'Tcp',
      src,
      srcPort: port,
      dst: parseIpv4(rule.frontendAddress) as number,
      dstPort: rule.port,
      flags: SYN,
    });
    const choice = pickBackend(
      seed,
      mode,
      h,
      candidates.map((_, i) => i),
    );
    return candidates[choice?.nic ?? -1];
  };

  it.each(['Default', 'SourceIP'] as const)('%s: each fraction is what pickBackend does to the same tuples', (mode) => {
    const seed = 11;
    const r = remapOf(seed, mode, rule, population, 20_000, members, 4000);
    if (r === null) throw new Error('no remap');
    const { sources, ports } = sampleTuples(seed, population, 20_000, 4000);
    expect(r.sample).toBe(4000);
    let added = 0;
    let toNew = 0;
    const removed: number[] = members.map(() => 0);
    const held: number[] = members.map(() => 0);
    for (let k = 0; k < sources.length; k++) {
      const src = sources[k] as number;
      const port = ports[k] as number;
      const before = engineMember(seed, mode, src, port, members);
      const after = engineMember(seed, mode, src, port, [...members, 'new']);
      if (after !== before) added++;
      if (after === 'new') toNew++;
      members.forEach((m, i) => {
        if (
          engineMember(
            seed,
            mode,
            src,
            port,
            members.filter((x) => x !== m),
          ) !== before
        )
          removed[i] = (removed[i] ?? 0) + 1;
        if (before === m) held[i] = (held[i] ?? 0) + 1;
      });
    }
    expect(r.added.moved).toBe(added / 4000);
    expect(r.added.toNewMember).toBe(toNew / 4000);
    expect(r.removed.map((x) => x.moved)).toEqual(removed.map((x) => x / 4000));
    expect(r.removed.map((x) => x.heldByRemoved)).toEqual(held.map((x) => x / 4000));
  });

  it('the engine hash (floor(hash × n / 2³²)) moves about half the new flows when a member is added', () => {
    // Interval [i/n, (i+1)/n) keeps its member only where it overlaps [i/(n+1), (i+1)/(n+1)):
    // the overlaps sum to 1/2 whatever n is, against 1/(n+1) for a consistent hash.
    const r = remapOf(3, 'Default', rule, population, 1_000_000, members);
    expect(r?.sample).toBe(100_000);
    expect(r?.added.moved).toBeGreaterThan(0.49);
    expect(r?.added.moved).toBeLessThan(0.51);
    expect(r?.added.toNewMember).toBeCloseTo(1 / 5, 2);
    expect(r?.added.minimum).toBe(1 / 5);
    for (const x of r?.removed ?? []) {
      expect(x.heldByRemoved).toBeCloseTo(1 / 4, 2);
      expect(x.moved).toBeGreaterThanOrEqual(x.heldByRemoved);
    }
  });

  it('uses the hosts round-robin as the engine does, and at most one tuple per connection', () => {
    const few = sampleTuples(1, { kind: 'prefix', prefix: '10.0.0.0/24', count: 3 }, 7);
    expect([...few.sources].map((a) => a - (parseIpv4('10.0.0.0') as number))).toEqual([1, 2, 3, 1, 2, 3, 1]);
    for (const p of few.ports) expect(p).toBeGreaterThanOrEqual(32768);
    expect(remapOf(1, 'Default', rule, population, 10, [])).toBeNull();
    expect(remapOf(1, 'Default', rule, population, 10, ['only'])?.removed).toEqual([]);
  });
});
