/**
 * The performance budgets (issue 8 "Budgets to meet"), by figure name. `npm run bench` prints each
 * matching figure with its `budget` and `withinBudget`, and lists them all under `budgets`. They
 * are reported, never enforced: benchmarks do not fail a build, and `--quick` measures smaller
 * cases whose figures mostly have other names.
 */
import type { Figure } from './measure';

export interface Budget {
  /** The figure must be at most this. */
  readonly max?: number;
  /** The figure must be at least this. */
  readonly min?: number;
}

export const BUDGETS: Readonly<Record<string, Budget>> = {
  'app.interactive.default': { max: 1500 },
  'app.interactive.1000-element': { max: 2000 },
  'app.animation.frameP95.200-element': { max: 20 },
  'app.bulkRun.longestMainThreadTask.1000000': { max: 50 },
  'run.bulk.longestMainThreadTask.100000': { max: 50 },
  'bundle.initialJs.gzip': { max: 400 },
  'engine.bulk.connectionsPerSecond.1M': { min: 1_000_000 },
  'engine.trace.eventsPerSecond': { min: 200_000 },
  // Issue 13: a 1 GiB decompression bomb link is refused well under a second, having touched tens
  // of MiB at most (8 MiB, the cap, is inflated before it is refused); no long task is the aim.
  'robustness.node.bombRefusal.ms.1GiB': { max: 1000 },
  'robustness.node.bombRefusal.allocatedMiB.1GiB': { max: 48 },
  'robustness.page.bombRefusal.ms.1GiB': { max: 1000 },
  'robustness.page.bombRefusal.longestTask.1GiB': { max: 50 },
};

/** The figure with its budget and whether it is within it (a figure that is not a number is not). */
export function withBudget(figure: Figure): Figure {
  const budget = BUDGETS[figure.name];
  if (budget === undefined) return figure;
  const v = figure.value;
  const within =
    Number.isFinite(v) &&
    (budget.max === undefined || v <= budget.max) &&
    (budget.min === undefined || v >= budget.min);
  return { ...figure, budget, withinBudget: within };
}
