/**
 * The layer rules of docs/architecture.md "Layers", enforced by scanning every import of every source file: a layer
 * may import only the layers and packages of its row, the UI takes only types from `sim` and
 * `engine/trace`, and the engine reads no clock and no global randomness (determinism).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));
type Layer = 'shared' | 'scenario' | 'engine' | 'sim' | 'ui' | 'cli';

const ALLOWED_LAYERS: Record<Layer, readonly Layer[]> = {
  shared: [],
  scenario: ['shared'],
  engine: ['shared'],
  sim: ['shared', 'scenario', 'engine'],
  ui: ['shared', 'scenario'],
  cli: ['shared', 'scenario', 'sim'],
};
const ALLOWED_PACKAGES: Record<Layer, RegExp> = {
  shared: /^$/,
  scenario: /^fflate$/,
  engine: /^$/,
  sim: /^comlink$/,
  ui: /^(react|react-dom|react-dom\/client|react\/jsx-runtime|@xyflow\/react|@xyflow\/react\/dist\/style\.css|zustand|zustand\/.*|d3|d3-.*|comlink)$/,
  cli: /^node:/,
};
const ENGINE_BANNED = [/\bDate\.now\b/, /\bnew Date\b/, /\bMath\.random\b/, /\bperformance\.now\b/, /\bsetTimeout\b/];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const layerOf = (path: string): Layer | null => {
  const top = relative(SRC, path).split(sep)[0];
  return top === 'shared' || top === 'scenario' || top === 'engine' || top === 'sim' || top === 'ui' || top === 'cli'
    ? top
    : null;
};

interface ImportRef {
  specifier: string;
  typeOnly: boolean;
}

function importsOf(text: string): ImportRef[] {
  const refs: ImportRef[] = [];
  const staticImport = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/g;
  for (const m of text.matchAll(staticImport)) refs.push({ specifier: m[3] as string, typeOnly: m[2] !== undefined });
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g))
    refs.push({ specifier: m[1] as string, typeOnly: false });
  for (const m of text.matchAll(/new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g)) {
    refs.push({ specifier: m[1] as string, typeOnly: false });
  }
  return refs;
}

function violationsOf(file: string, text: string): string[] {
  const layer = layerOf(file);
  if (layer === null) return [];
  const problems: string[] = [];
  const where = relative(SRC, file);
  for (const { specifier, typeOnly } of importsOf(text)) {
    if (specifier.startsWith('.')) {
      const target = layerOf(resolve(dirname(file), specifier));
      if (target === null || target === layer) continue;
      const relTarget = relative(SRC, resolve(dirname(file), specifier))
        .split(sep)
        .join('/');
      const uiTypeImport =
        layer === 'ui' && typeOnly && (target === 'sim' || relTarget.replace(/\.ts$/, '') === 'engine/trace');
      // The one worker entry is referenced by URL, never imported: its code runs in the worker.
      const uiWorkerUrl = layer === 'ui' && target === 'sim' && /\.worker\.ts$/.test(specifier);
      if (!ALLOWED_LAYERS[layer].includes(target) && !uiTypeImport && !uiWorkerUrl) {
        problems.push(`${where}: the ${layer} layer may not import ${typeOnly ? 'types from ' : ''}${relTarget}`);
      }
    } else if (!ALLOWED_PACKAGES[layer].test(specifier)) {
      problems.push(`${where}: the ${layer} layer may not import the package "${specifier}"`);
    }
  }
  if (layer === 'engine') {
    for (const banned of ENGINE_BANNED) {
      if (banned.test(text)) problems.push(`${where}: the engine may not use ${banned.source.replace(/\\b|\\/g, '')}`);
    }
  }
  return problems;
}

describe('layer rules of docs/architecture.md "Layers"', () => {
  it('every source file imports only what its layer may', () => {
    const problems = sourceFiles(SRC).flatMap((file) => violationsOf(file, readFileSync(file, 'utf8')));
    expect(problems).toEqual([]);
  });

  it('finds an engine file importing the scenario layer', () => {
    const file = join(SRC, 'engine', 'x.ts');
    expect(violationsOf(file, "import { validateScenario } from '../scenario/validate';")).toEqual([
      'engine/x.ts: the engine layer may not import scenario/validate',
    ]);
  });

  it('finds the clock, randomness and node modules in the engine', () => {
    const file = join(SRC, 'engine', 'x.ts');
    const problems = violationsOf(file, "import fs from 'node:fs';\nconst t = Date.now() + Math.random();");
    expect(problems).toContain('engine/x.ts: the engine layer may not import the package "node:fs"');
    expect(problems).toContain('engine/x.ts: the engine may not use Date.now');
    expect(problems).toContain('engine/x.ts: the engine may not use Math.random');
  });

  it('lets the UI import only types from sim, and finds a value import', () => {
    const file = join(SRC, 'ui', 'x.ts');
    expect(violationsOf(file, "import type { SimApi } from '../sim/service';")).toEqual([]);
    expect(violationsOf(file, "import { compileScenario } from '../sim/compile';")).toEqual([
      'ui/x.ts: the ui layer may not import sim/compile',
    ]);
    expect(violationsOf(file, "import { simulate } from '../engine/index';")).toEqual([
      'ui/x.ts: the ui layer may not import engine/index',
    ]);
  });

  it('keeps node: modules out of every layer but the command line', () => {
    expect(violationsOf(join(SRC, 'scenario', 'x.ts'), "import { readFileSync } from 'node:fs';")).toHaveLength(1);
    expect(violationsOf(join(SRC, 'cli', 'x.ts'), "import { readFileSync } from 'node:fs';")).toEqual([]);
  });
});
