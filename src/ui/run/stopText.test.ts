import { describe, expect, it } from 'vitest';
import { describeStop } from './stopText';

describe('the run bar’s sentence for a stopped run', () => {
  it('names the limit and when, for each budget', () => {
    expect(describeStop({ reason: 'eventBudget', limit: 50_000_000, at: 12.3, events: 50_000_000 })).toMatch(
      /^The run stopped after 50,000,000 events at 12\.3 s of simulated time: a run handles at most 50,000,000 events\./,
    );
    expect(describeStop({ reason: 'timeBudget', limit: 604_800, at: 604_800, events: 12 })).toMatch(
      /^The run stopped at 604,800 s of simulated time: a run simulates at most 604,800 s \(7 days\)\./,
    );
    expect(describeStop({ reason: 'connectionBudget', limit: 500_000, at: 0, events: 500_000 })).toMatch(
      /^The run stopped at 0 s of simulated time with 500,000 connections under way at once/,
    );
  });
});
