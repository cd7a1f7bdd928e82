// `npm test`: installs what is missing, then runs every check in order, stopping at the first
// failure: lint, typecheck, unit tests, build, end-to-end tests, and the benchmarks in quick
// mode (no thresholds, so that they cannot rot).
import { ensureChromium, ensureDependencies, fail, runBin, say } from './ensure.mjs';

ensureDependencies();
ensureChromium();

const steps = [
  ['lint', 'biome', ['check', '.']],
  ['typecheck', 'tsc', ['-b']],
  ['unit tests', 'vitest', ['run']],
  ['build', 'vite', ['build']],
  ['end-to-end tests', 'playwright', ['test']],
  ['benchmarks (quick)', 'tsx', ['bench/run.ts', '--quick']],
];

const timings = [];
for (const [name, bin, args] of steps) {
  say(`${name}: ${bin} ${args.join(' ')}`);
  const start = process.hrtime.bigint();
  const status = runBin(bin, args);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  timings.push(`${name} ${seconds.toFixed(1)} s`);
  if (status !== 0)
    fail(`${name} failed (exit ${status}). Passed before it: ${timings.slice(0, -1).join(', ') || 'nothing'}.`);
}
say(`every check passed: ${timings.join(', ')}`);
