import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOAD_BALANCER, SCENARIO, VM } from './schema';
import { checkShape, isWellTyped } from './shape';
import { createRichScenario } from './testScenarios';

/** The walk's own verdict, which `isWellTyped` answers without building a copy. */
const walkVerdict = (schema: typeof SCENARIO, value: unknown) => {
  const report = checkShape(schema, value);
  return report.value !== null && report.repairs.length === 0;
};

/** Replaces the value at one random path of `doc` with `replacement`. */
function mutate(doc: unknown, choices: number[], replacement: unknown): unknown {
  if (choices.length === 0 || typeof doc !== 'object' || doc === null) return replacement;
  const keys = Object.keys(doc);
  if (keys.length === 0) return replacement;
  const [first = 0, ...rest] = choices;
  const key = keys[first % keys.length] as string;
  const copy: Record<string, unknown> = Array.isArray(doc) ? ([...doc] as never) : { ...doc };
  copy[key] = mutate((doc as Record<string, unknown>)[key], rest, replacement);
  return copy;
}

describe('isWellTyped agrees with the shape walk', () => {
  it('on the rich fixture and its parts', () => {
    const s = createRichScenario();
    expect(isWellTyped(SCENARIO, s)).toBe(true);
    expect(isWellTyped(VM, s.virtualMachines?.[0])).toBe(true);
    expect(isWellTyped(LOAD_BALANCER, s.loadBalancers?.[0])).toBe(true);
    expect(isWellTyped(VM, { name: 'x', networkInterfaces: [{ name: 'n' }] })).toBe(false);
  });

  it('on one wrong field of each type', () => {
    const vm = createRichScenario().virtualMachines?.[0];
    const lb = createRichScenario().loadBalancers?.[0];
    const cases: [typeof SCENARIO, unknown][] = [
      [VM, { ...vm, ipForwarding: 'yes' }],
      [VM, { ...vm, os: 'Windows' }],
      [VM, { ...vm, name: 7 }],
      [VM, { ...vm, listeners: [{ name: 'l', port: Number.NaN }] }],
      [VM, { ...vm, listeners: [{ name: 'l', port: 80, http: { '/': '200' } }] }],
      [VM, { ...vm, networkInterfaces: 'nic' }],
      [LOAD_BALANCER, { ...lb, probes: [{ name: 'p', port: 80, intervalInSeconds: Number.POSITIVE_INFINITY }] }],
      [SCENARIO, { ...createRichScenario(), events: [{ at: 1, action: 'stopvm', vm: 'web01' }] }],
      [SCENARIO, { ...createRichScenario(), layout: { 'vm:web01': { x: 1 } } }],
      [SCENARIO, { ...createRichScenario(), traffic: [{ name: 't', from: 'a', to: 'b', sourcePort: '1' }] }],
    ];
    for (const [schema, value] of cases) {
      expect(walkVerdict(schema, value)).toBe(false);
      expect(isWellTyped(schema, value)).toBe(false);
    }
    // Out of range is an error but not a type problem; null where allowed is fine.
    const fine = { ...createRichScenario(), seed: -1, traffic: [{ name: 't', from: 'a', to: 'b', sourcePort: null }] };
    expect(walkVerdict(SCENARIO, fine)).toBe(true);
    expect(isWellTyped(SCENARIO, fine)).toBe(true);
  });

  it('on documents with one field replaced by anything', () => {
    const base = createRichScenario();
    fc.assert(
      fc.property(
        fc.array(fc.nat(40), { minLength: 1, maxLength: 6 }),
        fc.oneof(fc.jsonValue(), fc.constant(undefined)),
        (path, replacement) => {
          const doc = mutate(base, path, replacement);
          expect(isWellTyped(SCENARIO, doc)).toBe(walkVerdict(SCENARIO, doc));
        },
      ),
      { numRuns: 400 },
    );
  });
});
