/**
 * What validates also simulates (issue 13): mutated library documents that load with no error
 * compile and run without a throw, for a few simulated seconds. The pipeline half of this test is
 * src/scenario/robustness.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../scenario/index';
import { applyMutation, type Mutation } from '../scenario/mutations';
import type { Scenario } from '../scenario/types';
import { runScenario, runScenarioBulk } from './simulate';

const LIBRARY = fileURLToPath(new URL('../../public/library/', import.meta.url));
const library = readdirSync(LIBRARY)
  .filter((f) => f.endsWith('.json') && f !== 'index.json')
  .map((f) => readFileSync(`${LIBRARY}${f}`, 'utf8'));

const HOSTILE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

/** Mutations that keep many documents valid: small values, hostile names, duplicated items. */
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('replace' as const),
    at: fc.nat(),
    value: fc.oneof(
      fc.constantFrom(...HOSTILE_NAMES),
      fc.integer({ min: 0, max: 70_000 }),
      fc.boolean(),
      fc.jsonValue({ maxDepth: 2 }),
    ),
  }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), to: fc.constantFrom(...HOSTILE_NAMES) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
);

/** Keeps the run small: a mutation may ask for a million connections. */
const small = (s: Scenario): boolean =>
  (s.traffic ?? []).reduce((n, t) => n + (t.connections ?? 1), 0) *
    Math.max(1, ...(s.clients ?? []).map((c) => c.count ?? 1)) <=
  2000;

describe('mutated library documents that validate', () => {
  it('simulate without a throw, in trace and bulk mode', () => {
    let ran = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...library),
        fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
        (text, mutations) => {
          const document = JSON.parse(text) as unknown;
          for (const m of mutations) applyMutation(document, m);
          const loaded = loadScenarioText(JSON.stringify(document));
          if (loaded.scenario === null || loaded.errors.length > 0 || !small(loaded.scenario)) return;
          ran++;
          const result = runScenario(loaded.scenario, { until: 3 });
          expect(result.format).toBe('hairpin-result');
          runScenarioBulk(loaded.scenario, { until: 3 });
        },
      ),
      { numRuns: 400 },
    );
    // The property means something only if many mutated documents still validate.
    expect(ran).toBeGreaterThan(30);
  });
});
