/**
 * The document pipeline on hostile input (issue 13): arbitrary JSON values, arbitrary text, deep
 * nests and mutated library documents never make parse, migrate, validate or restore throw, and
 * every error names a place in the document. The simulation of what validates is checked in
 * src/sim/robustness.test.ts, the command line's exit status in src/cli/robustness.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenarioText, loadScenarioValue } from './index';
import { MAX_JSON_DEPTH } from './limits';
import { migrateScenario } from './migrate';
import { applyMutation, type Mutation, pathIsInDocument } from './mutations';
import { parseJson } from './parseJson';
import { restoreScenario } from './restore';
import type { Diagnostic } from './types';
import { validateScenario } from './validate';

const LIBRARY = fileURLToPath(new URL('../../public/library/', import.meta.url));
const library = readdirSync(LIBRARY)
  .filter((f) => f.endsWith('.json') && f !== 'index.json')
  .map((f) => readFileSync(`${LIBRARY}${f}`, 'utf8'));

const HOSTILE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'name', 'format'];

/** One way to break a document (mutations.ts); `at` picks the place. */
const anyMutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({
    kind: fc.constant('rename' as const),
    at: fc.nat(),
    to: fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 12 })),
  }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('nest' as const),
    at: fc.nat(),
    depth: fc.oneof(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 6000 })),
    inObject: fc.boolean(),
  }),
);

/** Anywhere in the document, or in the lesson's solution (a merge patch: a walk of its own). */
const mutationArb: fc.Arbitrary<Mutation> = fc
  .tuple(anyMutationArb, fc.boolean())
  .map(([m, inSolution]) => (inSolution ? { ...m, within: ['lesson', 'solution'] } : m));

/** Every diagnostic that names a place the document does not have. */
function strayPaths(document: unknown, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => !pathIsInDocument(document, d.path));
}

/** The whole pipeline on `text`, plus validate and restore on what it parsed and restored. */
function checkPipeline(text: string): void {
  const loaded = loadScenarioText(text);
  for (const d of [...loaded.errors, ...loaded.warnings, ...loaded.repairs]) {
    expect(typeof d.path).toBe('string');
    expect(d.message.length).toBeGreaterThan(0);
  }
  const parsed = parseJson(text);
  if (!parsed.ok) {
    expect(loaded.scenario).toBeNull();
    expect(loaded.errors.map((e) => e.path)).toEqual(['(document)']);
    return;
  }
  const migrated = migrateScenario(parsed.value);
  const document = migrated.ok ? migrated.value.document : parsed.value;
  expect(strayPaths(document, loaded.errors)).toEqual([]);
  expect(strayPaths(document, loaded.warnings)).toEqual([]);
  expect(strayPaths(document, loaded.repairs)).toEqual([]);
  // Validation and restore on the raw value (not migrated) and on what restore made.
  validateScenario(parsed.value);
  restoreScenario(parsed.value);
  if (loaded.scenario !== null) {
    const again = restoreScenario(loaded.scenario);
    expect(again.repairs).toEqual([]);
    validateScenario(loaded.scenario);
  }
}

describe('the pipeline never throws', () => {
  it('on arbitrary JSON values, as the document or inside a scenario', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        checkPipeline(JSON.stringify(value));
        const inside =
          typeof value === 'object' && value !== null && !Array.isArray(value)
            ? { ...value, format: 'hairpin-scenario', version: 1 }
            : { format: 'hairpin-scenario', version: 1, lesson: { solution: value }, loadBalancers: value };
        checkPipeline(JSON.stringify(inside));
      }),
      { numRuns: 300 },
    );
  });

  it('on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom(...'{}[]":,1 \\ntrue') })),
        (text) => {
          checkPipeline(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on deep nests of up to 100,000 levels, closed or not, in text and in values', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 60, max: 100_000 }),
        fc.constantFrom('[', '{"a":', '{"lesson":{"solution":'),
        fc.boolean(),
        (depth, open, closed) => {
          const close = open === '[' ? ']' : '}'.repeat(open.split('{').length - 1);
          const body = `${open.repeat(depth)}1${closed ? close.repeat(depth) : ''}`;
          checkPipeline(`{"format":"hairpin-scenario","version":1,"x":${body}}`);
          checkPipeline(body);
          let value: unknown = 1;
          // Past the limit however shallow the text was: a value built in memory is measured too.
          for (let i = 0; i < depth + MAX_JSON_DEPTH; i++) value = open === '[' ? [value] : { a: value };
          const document = { format: 'hairpin-scenario', version: 1, lesson: { solution: value }, x: value };
          expect(loadScenarioValue(document).errors.map((e) => e.path)).toEqual(['(document)']);
          validateScenario(document);
          restoreScenario(document);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('mutated library documents', () => {
  it('never make the pipeline throw, and every diagnostic names a place in the document', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...library),
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        (text, mutations) => {
          const document = JSON.parse(text) as unknown;
          for (const m of mutations) applyMutation(document, m);
          let mutated: string;
          try {
            mutated = JSON.stringify(document);
          } catch {
            // Nested deeper than JSON.stringify can write: the value goes in as it is.
            expect(loadScenarioValue(document).errors.map((e) => e.path)).toEqual(['(document)']);
            validateScenario(document);
            restoreScenario(document);
            return;
          }
          checkPipeline(mutated);
        },
      ),
      { numRuns: 200 },
    );
  });
});
