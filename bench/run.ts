/**
 * `npm run bench [-- --quick]`: runs every `bench/*.bench.ts` and prints one JSON document with
 * each figure, its unit, and the machine it ran on. `--quick` (what `npm test` runs) uses tiny
 * budgets and no thresholds, so benchmarks keep running without slowing the checks. Figures with a
 * budget (bench/budgets.ts) carry it, and whether they are within it; `budgets` lists them.
 */
import { readdirSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { withBudget } from './budgets';
import type { Figure } from './measure';

const quick = process.argv.includes('--quick');
const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();

const loadAtStart = loadavg().map((l) => Number(l.toFixed(2)));
const benchmarks: { file: string; figures: Figure[] }[] = [];
for (const file of files) {
  const module = (await import(pathToFileURL(join(here, file)).href)) as {
    run: (quick: boolean) => Figure[] | Promise<Figure[]>;
  };
  benchmarks.push({ file: `bench/${file}`, figures: (await module.run(quick)).map(withBudget) });
}

const report = {
  format: 'hairpin-bench',
  version: 1,
  quick,
  machine: {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    // 1, 5 and 15-minute load averages: other work on the machine makes the figures noisy.
    loadAverage: { atStart: loadAtStart, atEnd: loadavg().map((l) => Number(l.toFixed(2))) },
  },
  benchmarks,
  budgets: benchmarks.flatMap((b) =>
    b.figures
      .filter((f) => f.budget !== undefined)
      .map(({ name, value, unit, budget, withinBudget }) => ({ name, value, unit, budget, withinBudget })),
  ),
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
