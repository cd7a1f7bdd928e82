/**
 * The kept run of the service (issue 6): the page reads a run's events through `page`, `find` and
 * `packetHops` instead of receiving them all, so these must give exactly the events of `run`, and
 * `resultJson` exactly what `sim --json` prints.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../engine/index';
import { loadScenarioValue, type Scenario } from '../scenario/index';
import { createSimService, type EventFilter, type KeptSummary } from './service';
import { runScenario } from './simulate';

const library = (name: string): Scenario =>
  JSON.parse(readFileSync(new URL(`../../public/library/${name}.json`, import.meta.url), 'utf8')) as Scenario;

function traced(s: Scenario): TraceEvent[] {
  const result = runScenario(s, { trace: true, warnings: loadScenarioValue(s).warnings });
  return result.events ?? [];
}

function kept(s: Scenario, seed?: number): { service: ReturnType<typeof createSimService>; summary: KeptSummary } {
  const service = createSimService();
  const summary = service.runAndKeep(s, { seed });
  if (!summary.valid) throw new Error('expected a valid scenario');
  return { service, summary };
}

describe('runAndKeep', () => {
  it('keeps every event of run, in order, and pages through them', () => {
    const s = library('hairpin-one-backend');
    const events = traced(s);
    const { service, summary } = kept(s);
    expect(summary.eventCount).toBe(events.length);
    expect('events' in summary.result).toBe(false);
    expect(service.count()).toBe(events.length);
    const all = [...service.page(0, 100), ...service.page(100, 10_000)];
    expect(all.map((r) => r.event)).toEqual(events);
    expect(all.map((r) => r.index)).toEqual(events.map((_, i) => i));
    expect(service.page(events.length - 1, 5)).toHaveLength(1);
    expect(service.page(events.length, 5)).toEqual([]);
  });

  it('answers with the result sim --json prints, byte for byte', () => {
    for (const name of ['hairpin-one-backend', 'lab-baseline']) {
      const s = library(name);
      const { service } = kept(s, 3);
      const cli = JSON.stringify(runScenario(s, { seed: 3, warnings: loadScenarioValue(s).warnings }), null, 2);
      expect(service.resultJson()).toBe(cli);
    }
  });

  it('filters by kind and connection, in trace order', () => {
    const s = library('hairpin-one-backend');
    const events = traced(s);
    const { service } = kept(s);
    const cases: [EventFilter, (e: TraceEvent) => boolean][] = [
      [{ kind: 'drops' }, (e) => e.kind === 'drop'],
      [{ kind: 'probes' }, (e) => e.connection?.startsWith('probe:') === true],
      [{ kind: 'data' }, (e) => e.connection !== null && !e.connection.startsWith('probe:')],
      [{ connection: 'web01-to-vip#1' }, (e) => e.connection === 'web01-to-vip#1'],
      [{ kind: 'drops', connection: 'web01-to-vip#1' }, (e) => e.kind === 'drop' && e.connection === 'web01-to-vip#1'],
    ];
    for (const [filter, test] of cases) {
      const expected = events.flatMap((e, i) => (test(e) ? [i] : []));
      expect(service.count(filter), JSON.stringify(filter)).toBe(expected.length);
      expect(service.page(0, 1e6, filter).map((r) => r.index)).toEqual(expected);
    }
  });

  it('finds the next and previous drop, and the position of an event in a view', () => {
    const s = library('hairpin-one-backend');
    const events = traced(s);
    const { service, summary } = kept(s);
    const drops = events.flatMap((e, i) => (e.kind === 'drop' ? [i] : []));
    expect(summary.dropCount).toBe(drops.length);
    expect(summary.drops.map((d) => d.index)).toEqual(drops);
    expect(service.find(0, 1, undefined, true)).toBe(drops[0]);
    expect(service.find((drops[0] as number) + 1, 1, undefined, true)).toBe(drops[1]);
    expect(service.find((drops[1] as number) - 1, -1, undefined, true)).toBe(drops[0]);
    expect(service.find(events.length, 1, undefined, true)).toBe(-1);
    // In a view, positions count the view's rows.
    const filter: EventFilter = { connection: 'web01-to-vip#0' };
    const rows = service.page(0, 1e6, filter);
    const target = rows[5]?.index as number;
    expect(service.find(target, 1, filter)).toBe(5);
    expect(service.find(target + 1, -1, filter)).toBe(5);
  });

  it('marks the SYN-ACK mismatch with the tuple the socket expected beside the one that arrived', () => {
    const { summary } = kept(library('hairpin-one-backend'));
    const mismatch = summary.drops.find((d) => d.code === 'TCP_SYNACK_MISMATCH');
    expect(mismatch?.element).toBe('vm:web01');
    expect(mismatch?.expected?.src).toBe('10.2.1.100:80');
    expect(mismatch?.packet?.src).toBe('10.2.1.4:80');
    expect(mismatch?.expected?.dst).toBe(mismatch?.packet?.dst);
  });

  it('follows one packet through every hop, with where it came from', () => {
    const s = library('hairpin-one-backend');
    const events = traced(s);
    const { service } = kept(s);
    const rewrite = events.findIndex((e) => e.kind === 'rewrite');
    const id = events[rewrite]?.packet?.id;
    const hops = service.packetHops(rewrite);
    expect(hops.map((h) => h.index)).toEqual(events.flatMap((e, i) => (e.packet?.id === id ? [i] : [])));
    expect(hops[0]?.from).toBeNull();
    for (let i = 1; i < hops.length; i++) expect(hops[i]?.from).toBe(hops[i - 1]?.event.element);
    const state = events.findIndex((e) => e.packet === null);
    expect(service.packetHops(state)).toEqual([]);
  });

  it('keeps nothing in bulk mode, reports progress, and refuses invalid input', () => {
    const service = createSimService();
    const phases: string[] = [];
    const bulk = service.runAndKeep(library('lab-baseline'), { mode: 'bulk' }, (p) => phases.push(p.phase));
    expect(bulk).toMatchObject({ valid: true, mode: 'bulk', eventCount: 0 });
    expect(phases[0]).toBe('validating');
    expect(phases.at(-1)).toBe('done');
    expect(service.count()).toBe(0);
    expect(service.runAndKeep('{}')).toMatchObject({ valid: false });
    expect(service.resultJson()).toBeNull();
  });
});
