/**
 * The engine is pure (the project's style: "The engine is data in, trace out"; engine-model.md: "no DOM, no
 * wall clock, no Math.random"): scan every engine source for what it must not use.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = new URL('.', import.meta.url).pathname;
const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

describe('engine purity', () => {
  it('has sources to scan', () => {
    expect(sources.length).toBeGreaterThan(5);
  });
  for (const file of sources) {
    it(`${file}: no clock, no Math.random, no DOM, no node:, no scenario import`, () => {
      const text = readFileSync(join(dir, file), 'utf8');
      // Comments may mention these words (a "scenario document"); code may not use them.
      const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      expect(code).not.toMatch(/Date\.now|new Date\(|Math\.random|performance\.now/);
      expect(code).not.toMatch(/\b(document|window|globalThis|console|process)\./);
      const imports = [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1] ?? '');
      for (const spec of imports) {
        expect(spec.startsWith('./') || spec.startsWith('../shared/'), `${file} imports ${spec}`).toBe(true);
      }
    });
  }
});
