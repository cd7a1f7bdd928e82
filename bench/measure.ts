/** Timing helpers for benchmarks (wall clock is fine here: benchmarks are not the engine). */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly note?: string;
  /** Set by bench/run.ts from bench/budgets.ts. */
  readonly budget?: { readonly max?: number; readonly min?: number };
  readonly withinBudget?: boolean;
}

/** Runs `fn` repeatedly for about `budgetMs` after a warm-up and returns the median time per call in ms. */
export function timePerCall(fn: () => void, budgetMs: number): { medianMs: number; runs: number } {
  for (let i = 0; i < 3; i++) fn();
  const samples: number[] = [];
  const start = performance.now();
  while (performance.now() - start < budgetMs || samples.length < 5) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: samples[Math.floor(samples.length / 2)] as number, runs: samples.length };
}

export const round = (value: number, digits = 3): number => Number(value.toFixed(digits));
