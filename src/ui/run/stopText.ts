import type { RunStopped } from '../../sim/simulate';

const count = (n: number): string => n.toLocaleString('en');
const seconds = (s: number): string => `${count(Number(s.toFixed(s < 10 ? 2 : 1)))} s`;

/**
 * What the run bar says of a run its budget stopped (the result's `stopped`, engine state.ts
 * `DEFAULT_BUDGET`): which limit, when, and what to change for a run that ends.
 */
export function describeStop(stop: RunStopped): string {
  const at = `${seconds(stop.at)} of simulated time`;
  const what =
    stop.reason === 'eventBudget'
      ? `The run stopped after ${count(stop.events)} events at ${at}: a run handles at most ${count(stop.limit)} events`
      : stop.reason === 'timeBudget'
        ? `The run stopped at ${at}: a run simulates at most ${seconds(stop.limit)} (${count(stop.limit / 86_400)} days)`
        : `The run stopped at ${at} with ${count(stop.limit)} connections under way at once, the most a run holds`;
  return `${what}. What was under way is shown as it stood; connections never opened are pending. Fewer connections, or a longer interval or data interval, make a run that ends.`;
}
