import { describe, expect, it } from 'vitest';
import { withBudget } from './budgets';

describe('withBudget', () => {
  it('marks a figure within or over its maximum, and under its minimum', () => {
    const at = (name: string, value: number) => withBudget({ name, value, unit: 'x' });
    expect(at('bundle.initialJs.gzip', 400)).toMatchObject({ budget: { max: 400 }, withinBudget: true });
    expect(at('bundle.initialJs.gzip', 400.5).withinBudget).toBe(false);
    expect(at('engine.bulk.connectionsPerSecond.1M', 999_999).withinBudget).toBe(false);
    expect(at('engine.bulk.connectionsPerSecond.1M', 1_000_000).withinBudget).toBe(true);
  });

  it('never counts a figure that was not measured as within, and leaves figures without a budget alone', () => {
    expect(withBudget({ name: 'app.interactive.default', value: Number.NaN, unit: 'ms' }).withinBudget).toBe(false);
    expect(withBudget({ name: 'shareLink.length.default', value: 3, unit: 'characters' })).toEqual({
      name: 'shareLink.length.default',
      value: 3,
      unit: 'characters',
    });
  });
});
