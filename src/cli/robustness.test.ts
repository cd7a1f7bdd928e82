/**
 * The command line on bad input (issue 13): whatever the file, link or standard input holds, the
 * exit status is 0 (valid) or 2 (bad input), never 1, which means a bug of ours.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMutation, type Mutation } from '../scenario/mutations';
import { createShareLink, encodeSharePayload } from '../scenario/shareLink';
import { simInProcess } from './inProcess';

const LIBRARY = fileURLToPath(new URL('../../public/library/', import.meta.url));
const library = readdirSync(LIBRARY)
  .filter((f) => f.endsWith('.json') && f !== 'index.json')
  .map((f) => readFileSync(`${LIBRARY}${f}`, 'utf8'));

const sim = (args: string[], files: Record<string, string> = {}) => simInProcess(args, files);

const deepText = (depth: number) =>
  `{"format":"hairpin-scenario","version":1,"lesson":{"solution":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}}`;

describe('deeply nested input exits 2 with the message', () => {
  it.each([5_000, 100_000])('a file or standard input %i levels deep', async (depth) => {
    for (const input of ['deep.json', '-']) {
      for (const extra of [['--check'], ['--check', '--json'], [], ['--link']]) {
        const { status, stdout, stderr } = await sim([input, ...extra], { [input]: deepText(depth) });
        expect(status).toBe(2);
        const message = `nested ${(depth + 3).toLocaleString('en')} levels deep at line 1, column 129; a scenario is at most 64 levels deep`;
        if (extra.includes('--json')) {
          expect(JSON.parse(stdout).errors).toEqual([{ path: '(document)', message }]);
        } else {
          expect(stderr).toContain(`(document): ${message}`);
        }
      }
    }
  });

  it('a share link', async () => {
    let value: unknown = 1;
    for (let i = 0; i < 3000; i++) value = [value];
    const document = { format: 'hairpin-scenario', version: 1, lesson: { solution: { x: value } } };
    // Hairpin makes no such link (it would refuse to open it); one written by hand is refused on opening.
    const made = createShareLink(document);
    expect(made.ok ? made.value : made.error.message).toMatch(/nested 3,003 levels deep/);
    const { status, stderr } = await sim([`#s=${encodeSharePayload(document)}`]);
    expect(status).toBe(2);
    expect(stderr).toContain('link (document): nested 3,003 levels deep at line 1, column 129;');
  });

  it('standard input to the real process', async () => {
    const root = join(import.meta.dirname, '..', '..');
    const child = spawn('npm', ['run', '--silent', '--prefix', root, 'sim', '--', '-', '--check'], {
      env: { ...process.env, INIT_CWD: root },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.stdout.resume();
    child.stdin.end(deepText(100_000));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toContain('(document): nested 100,003 levels deep');
    expect(code).toBe(2);
  }, 60_000);
});

const anyMutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({
    kind: fc.constant('rename' as const),
    at: fc.nat(),
    to: fc.constantFrom('__proto__', 'constructor', 'toString', 'valueOf'),
  }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('nest' as const),
    at: fc.nat(),
    depth: fc.integer({ min: 1, max: 3000 }),
    inObject: fc.boolean(),
  }),
);

/** Anywhere in the document, or in the lesson's solution (a merge patch: a walk of its own). */
const mutationArb: fc.Arbitrary<Mutation> = fc
  .tuple(anyMutationArb, fc.boolean())
  .map(([m, inSolution]) => (inSolution ? { ...m, within: ['lesson', 'solution'] } : m));

/** Keeps a simulation small: a mutation may ask for a million connections. */
const small = (text: string): boolean => !/"(connections|count)":\s*\d{3,}/.test(text);

describe('runCli never returns 1 for bad input', () => {
  it('on arbitrary text and JSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        fc.constantFrom<string[]>(['--check'], ['--check', '--json'], ['--link'], ['--until', '1']),
        async (text, extra) => {
          const { status } = await sim(['in.json', ...extra], { 'in.json': text });
          expect(status).toBe(2);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('on mutated library documents, checked, linked and simulated', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...library),
        fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
        fc.constantFrom<string[]>(['--check'], ['--check', '--json'], ['--link'], ['--until', '2', '--json']),
        async (original, mutations, extra) => {
          const document = JSON.parse(original) as unknown;
          for (const m of mutations) applyMutation(document, m);
          let text: string;
          try {
            text = JSON.stringify(document);
          } catch {
            return; // deeper than JSON.stringify writes: no file could hold it
          }
          if (!small(text) && !extra.includes('--check')) return;
          const { status } = await sim(['in.json', ...extra], { 'in.json': text });
          expect([0, 2]).toContain(status);
        },
      ),
      { numRuns: 150 },
    );
  });
});
