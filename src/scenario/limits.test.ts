/**
 * The limits on untrusted documents (limits.ts): nesting depth refused with a message at parse
 * and never a stack overflow anywhere after it, user values quoted short in every message, and
 * numbers JSON cannot carry refused with their path.
 */
import { describe, expect, it } from 'vitest';
import { createDefaultScenario } from './defaultScenario';
import { loadScenarioText, loadScenarioValue } from './index';
import { MAX_JSON_DEPTH, quote, textDepthProblem, valueDepth } from './limits';
import { mergePatch } from './mergePatch';
import { locateJsonError, parseJson } from './parseJson';
import { restoreScenario } from './restore';
import { createRichScenario } from './testScenarios';
import type { Diagnostic } from './types';
import { validateScenario } from './validate';

const nested = (n: number, inner = '1'): string => `${'['.repeat(n)}${inner}${']'.repeat(n)}`;
/** A scenario whose unknown field `deep` holds `n` nested lists. */
const deepDocument = (n: number): string => `{"format":"hairpin-scenario","version":1,"deep":${nested(n)}}`;

function deepValue(n: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
}

describe('nesting depth', () => {
  it(`reads a document ${MAX_JSON_DEPTH} levels deep`, () => {
    // The root object is level 1, the list in `deep` level 2.
    const loaded = loadScenarioText(deepDocument(MAX_JSON_DEPTH - 1));
    expect(loaded.errors).toEqual([]);
    expect(loaded.scenario).not.toBeNull();
  });

  it(`refuses one level more, saying where`, () => {
    expect(loadScenarioText(deepDocument(MAX_JSON_DEPTH)).errors).toEqual([
      {
        path: '(document)',
        message: `nested 65 levels deep at line 1, column ${48 + MAX_JSON_DEPTH}; a scenario is at most 64 levels deep`,
      },
    ]);
  });

  it('refuses a 5,000-deep document with a clear message', () => {
    const loaded = loadScenarioText(deepDocument(5000));
    expect(loaded.scenario).toBeNull();
    expect(loaded.errors).toEqual([
      {
        path: '(document)',
        message: 'nested 5,001 levels deep at line 1, column 112; a scenario is at most 64 levels deep',
      },
    ]);
  });

  it('refuses a 100,000-deep document, in a lesson solution too, without a stack overflow', () => {
    for (const text of [
      deepDocument(100_000),
      `{"format":"hairpin-scenario","version":1,"lesson":{"solution":{"x":${nested(100_000, '{}')}}}}`,
      `{"format":"hairpin-scenario","version":1,"lesson":{"solution":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}}`,
    ]) {
      const loaded = loadScenarioText(text);
      expect(loaded.errors).toHaveLength(1);
      expect(loaded.errors[0]?.path).toBe('(document)');
      expect(loaded.errors[0]?.message).toMatch(/^nested 100,00\d levels deep at line 1, column \d+; /);
    }
  });

  it('counts brackets inside strings as text, not as nesting', () => {
    const text = `{"format":"hairpin-scenario","version":1,"title":"${'['.repeat(10_000)}\\"{{"}`;
    expect(textDepthProblem(text)).toBeNull();
    expect(loadScenarioText(text).errors).toEqual([]);
  });

  it('gives the line and column of 100,000 unclosed brackets, not a RangeError', () => {
    expect(locateJsonError('['.repeat(100_000))).toEqual({ offset: 100_000, expected: 'expected a value' });
    expect(locateJsonError(`${'{"a":'.repeat(50_000)}1,}`)).toEqual({
      offset: 250_002,
      expected: 'expected a string in double quotes',
    });
    // Through parseJson the depth is refused first, at the bracket past the limit.
    const parsed = parseJson(`\n\n  ${'['.repeat(11_000)}`);
    expect(parsed).toEqual({
      ok: false,
      error: {
        path: '(document)',
        message: 'nested 11,000 levels deep at line 3, column 67; a scenario is at most 64 levels deep',
      },
    });
  });

  it('refuses a deep value that did not come from text (a solution applied in memory)', () => {
    const document = { ...createDefaultScenario(), deep: deepValue(100_000) };
    expect(valueDepth(document)).toBe(MAX_JSON_DEPTH + 1);
    expect(loadScenarioValue(document).errors).toEqual([
      { path: '(document)', message: 'nested more than 64 levels deep; a scenario is at most 64 levels deep' },
    ]);
    // validate and restore walk the schema, not the value: an unknown field 100,000 deep is kept.
    expect(validateScenario(document).errors).toEqual([]);
    expect((restoreScenario(document).scenario as unknown as { deep: unknown }).deep === document.deep).toBe(true);
  });

  it('merges and copies a patch 100,000 levels deep without recursion', () => {
    const deep = deepValue(100_000);
    const merged = mergePatch({ keep: deep }, { a: deep, b: [deep] }) as { [k: string]: unknown };
    let node: unknown = merged.a;
    let depth = 0;
    while (typeof node === 'object' && node !== null) {
      expect(node === deep).toBe(false);
      node = (node as { a: unknown }).a;
      depth++;
    }
    expect(depth).toBe(100_000);
    expect(merged.keep === deep).toBe(false);
    expect(valueDepth(merged.b, Number.POSITIVE_INFINITY)).toBe(100_001);
  });
});

describe('quoting user values in messages', () => {
  it('quotes a short value whole and clips a long one with its length', () => {
    expect(quote('web01')).toBe('"web01"');
    expect(quote('a'.repeat(10_485_760))).toBe(`"${'a'.repeat(60)}…" (10,485,760 characters)`);
    expect(quote(`${'a'.repeat(59)}😀tail`)).toBe(`"${'a'.repeat(59)}…" (65 characters)`);
  });

  it('keeps every message of a document with 10 MB names short', () => {
    const huge = 'x'.repeat(10 * 1024 * 1024);
    // biome-ignore lint/suspicious/noExplicitAny: a document to break is untyped on purpose.
    const s = createRichScenario() as unknown as { [key: string]: any };
    s.virtualMachines[0].name = huge;
    s.virtualMachines[0].networkInterfaces[0].ipConfigurations[0].subnet = huge;
    s.loadBalancers[0].backendAddressPools[0].loadBalancerBackendAddresses.push(
      { networkInterfaceIPConfiguration: huge },
      { networkInterfaceIPConfiguration: `${huge}/y` },
    );
    s.loadBalancers[0].loadBalancingRules[0].probe = huge;
    s.clients[0].ipAddress = huge;
    s.traffic[0].from = huge;
    s.traffic[0].to = huge;
    s.lesson.checks.push({ name: huge, loadBalancer: huge, rule: huge, expect: 'allMembers', members: [huge] });
    s[huge] = huge;
    const all: Diagnostic[] = [];
    const valid = loadScenarioText(JSON.stringify(s));
    all.push(...valid.errors, ...valid.warnings, ...valid.repairs);
    // Shape errors (and a document refused whole at migration) quote what they got.
    const shape = loadScenarioText(JSON.stringify({ ...s, title: 7, virtualMachines: [{ name: huge, os: huge }] }));
    const refused = loadScenarioText(JSON.stringify({ format: huge }));
    all.push(...shape.errors, ...shape.warnings, ...shape.repairs, ...refused.errors);
    expect(valid.errors.length).toBeGreaterThan(8);
    for (const d of all) {
      expect(d.message.length, d.message.slice(0, 400)).toBeLessThan(300);
      expect(d.path.length, d.path.slice(0, 400)).toBeLessThan(300);
    }
  });
});

describe('numbers JSON cannot carry', () => {
  it('are refused with their path, in an unknown field and in a known one', () => {
    const text = JSON.stringify({ ...createDefaultScenario(), seed: 'INF', extra: { list: [1, 'INF'] } }).replaceAll(
      '"INF"',
      '1e999',
    );
    expect(loadScenarioText(text).errors).toEqual([
      { path: 'seed', message: 'must be a whole number 0–4294967295, got Infinity (a number too large for JSON)' },
      { path: 'extra.list[1]', message: 'must be a finite number, got Infinity (a number too large for JSON)' },
    ]);
  });
});
