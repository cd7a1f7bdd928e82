/**
 * Bundle size: a fresh production build of the current source (into a temporary directory, so a
 * stale `dist/` is never measured; `--quick` measures `dist/` when there is one, as `npm test`
 * has just built it), then
 * - initial JavaScript: what a first visit loads before the app can start — the entry script of
 *   index.html, its modulepreloads, and every chunk they import statically, transitively (never
 *   a dynamic `import()`, nor the worker) — raw and gzip-compressed (node:zlib, level 9: what a
 *   server compressing at its best sends);
 * - all JavaScript (lazy chunks and the engine worker too), and the CSS.
 * Sizes in kB of 1,000 bytes, as vite prints them. Budget: initial JavaScript ≤ 400 kB gzip.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Figure, round } from './measure';
import { root } from './preview';

const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
const kB = (bytes: number) => round(bytes / 1000, 1);
const gzip = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).length;

/** Relative specifiers of a chunk's static imports and re-exports (`import(` is not matched). */
export function staticImports(code: string): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(/\b(?:import|export)\s*(?:[\w$*{}\s,]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+)["']/g)) {
    out.push(m[1] as string);
  }
  return out;
}

/** The files index.html loads at once: module scripts and modulepreloads (paths from the site root). */
export function eagerScripts(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g)) out.push(m[1] as string);
  for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)) out.push(m[1] as string);
  return out;
}

const files = (n: number) => `${n} ${n === 1 ? 'file' : 'files'}`;

export function run(quick: boolean): Figure[] {
  const dist = join(root, 'dist');
  const reuse = quick && existsSync(join(dist, 'index.html'));
  const out = reuse ? dist : mkdtempSync(join(tmpdir(), 'hairpin-bundle-'));
  try {
    if (!reuse) {
      const build = spawnSync(process.execPath, [vite, 'build', '--outDir', out, '--emptyOutDir'], {
        cwd: root,
        stdio: 'ignore',
      });
      if (build.status !== 0) throw new Error('vite build failed');
    }
    const read = (path: string) => readFileSync(join(out, path));
    const initial = new Set<string>();
    const visit = (path: string) => {
      const clean = posix.normalize(path.replace(/^\//, ''));
      if (initial.has(clean)) return;
      initial.add(clean);
      const code = read(clean).toString('utf8');
      for (const spec of staticImports(code)) visit(posix.join(posix.dirname(clean), spec));
    };
    for (const src of eagerScripts(read('index.html').toString('utf8'))) visit(src);
    const assets = readdirSync(join(out, 'assets'));
    const sum = (paths: string[], size: (b: Buffer) => number) => paths.reduce((n, p) => n + size(read(p)), 0);
    const initialJs = [...initial];
    const allJs = assets.filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`);
    const css = assets.filter((f) => f.endsWith('.css')).map((f) => `assets/${f}`);
    const names = initialJs.map((p) => posix.basename(p)).join(', ');
    return [
      {
        name: 'bundle.initialJs.gzip',
        value: kB(sum(initialJs, gzip)),
        unit: 'kB',
        note: `${files(initialJs.length)} loaded before the app starts (${names})${reuse ? ', from dist/' : ''}; budget ≤ 400 kB gzip`,
      },
      { name: 'bundle.initialJs.raw', value: kB(sum(initialJs, (b) => b.length)), unit: 'kB', note: 'minified' },
      {
        name: 'bundle.allJs.gzip',
        value: kB(sum(allJs, gzip)),
        unit: 'kB',
        note: `${files(allJs.length)}: lazy chunks and the engine worker included`,
      },
      { name: 'bundle.allJs.raw', value: kB(sum(allJs, (b) => b.length)), unit: 'kB' },
      { name: 'bundle.css.gzip', value: kB(sum(css, gzip)), unit: 'kB', note: files(css.length) },
    ];
  } finally {
    if (!reuse) rmSync(out, { recursive: true, force: true });
  }
}
