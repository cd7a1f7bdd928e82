/**
 * The bounds on a run's times (schema.ts `TIME_BOUNDS`, issue 13): each one refused with the path
 * of its field and what it must be, its edge accepted, and every library scenario still valid.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TIME_BOUNDS } from './schema';
import { createRichScenario } from './testScenarios';
import type { Scenario } from './types';
import { validateScenario } from './validate';

const DAY = TIME_BOUNDS.maxSeconds;

/** The rich fixture with one field of its first traffic, or of its first event, set. */
function withTraffic(field: string, value: number): Scenario {
  const s = createRichScenario();
  const [first, ...rest] = s.traffic ?? [];
  return { ...s, traffic: [{ ...(first as object), [field]: value } as never, ...rest] };
}
function withEventAt(at: number): Scenario {
  const s = createRichScenario();
  return { ...s, events: [{ at, action: 'stopVm', vm: 'web01' } as never] };
}

const errorsAt = (s: Scenario, path: string) => validateScenario(s).errors.filter((e) => e.path === path);

describe('time bounds', () => {
  it.each(['startAt', 'interval', 'duration'])('traffic %s: at most a day', (field) => {
    const path = `traffic[0].${field}`;
    expect(errorsAt(withTraffic(field, DAY), path)).toEqual([]);
    expect(errorsAt(withTraffic(field, 1e9), path)).toEqual([
      { path, message: 'must be a number 0–86400 s, got 1000000000' },
    ]);
  });

  it('an event at: at most a day', () => {
    expect(errorsAt(withEventAt(DAY), 'events[0].at')).toEqual([]);
    expect(errorsAt(withEventAt(DAY + 1), 'events[0].at')).toEqual([
      { path: 'events[0].at', message: 'must be a number 0–86400 s, got 86401' },
    ]);
  });

  it('dataEvery: 0 (no data) or at least a millisecond, at most a day', () => {
    const path = 'traffic[0].dataEvery';
    for (const fine of [0, 0.001, 10, DAY]) expect(errorsAt(withTraffic('dataEvery', fine), path)).toEqual([]);
    expect(errorsAt(withTraffic('dataEvery', 0.000001), path)).toEqual([
      { path, message: 'must be 0 or a number 0.001–86400 s, got 0.000001' },
    ]);
    expect(errorsAt(withTraffic('dataEvery', DAY * 2), path)).toHaveLength(1);
    expect(errorsAt(withTraffic('dataEvery', -1), path)).toHaveLength(1);
  });

  it('connections and a client’s count stay bounded', () => {
    expect(errorsAt(withTraffic('connections', 10_000_001), 'traffic[0].connections')).toContainEqual({
      path: 'traffic[0].connections',
      message: 'must be a whole number 1–10000000, got 10000001',
    });
    const s = createRichScenario();
    const clients = (s.clients ?? []).map((c, i) => (i === 0 ? { ...c, count: 1_000_001 } : c));
    expect(errorsAt({ ...s, clients }, 'clients[0].count')).toContainEqual({
      path: 'clients[0].count',
      message: 'must be a whole number 1–1000000, got 1000001',
    });
  });
});

describe('the library within the bounds', () => {
  const dir = fileURLToPath(new URL('../../public/library/', import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json');
  it.each(files)('%s has no error', (file) => {
    expect(validateScenario(JSON.parse(readFileSync(`${dir}${file}`, 'utf8'))).errors).toEqual([]);
  });
});
