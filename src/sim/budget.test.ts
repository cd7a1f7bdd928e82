/**
 * Every run ends (issue 13): past its budget of handled events or of simulated time (engine
 * state.ts `DEFAULT_BUDGET`) a run stops and its result says so in `stopped`. The budgets here are
 * injected small so that the tests are quick; the defaults are the same code with larger numbers.
 * A run within its budget must not change a byte (pinned.test.ts holds the hashes).
 */
import { describe, expect, it } from 'vitest';
import { benchLab } from '../../bench/engine.bench';
import { DEFAULT_BUDGET, type EngineProgress, TRACE_EVENT_BUDGET } from '../engine/index';
import { loadScenarioValue, type Scenario } from '../scenario/index';
import { labHairpin } from './fixtures/seed003';
import { engineFraction } from './service';
import { runScenario, runScenarioBulk } from './simulate';

const warningsOf = (s: Scenario) => loadScenarioValue(s).warnings;

/** What a run handles by itself, read from the progress hook's last call. */
function eventsOf(run: (onProgress: (p: EngineProgress) => void) => unknown): number {
  let last: EngineProgress | null = null;
  run((p) => {
    last = p;
  });
  return (last as EngineProgress | null)?.events ?? Number.NaN;
}

/** One long-lived connection sending every millisecond for a day: within the schema's bounds. */
function chatty(): Scenario {
  const s = benchLab(1, 0);
  return {
    ...s,
    traffic: [{ name: 'chatty', from: 'onprem', to: '10.2.1.100:80', duration: 86_400, dataEvery: 0.001 }],
  };
}

describe('a run within its budget', () => {
  it('is byte for byte the run without one, down to the last event it needs', () => {
    for (const s of [benchLab(400, 0.001), labHairpin('windows', { connections: 5 })]) {
      const opts = { trace: true, warnings: warningsOf(s) };
      const plain = JSON.stringify(runScenario(s, opts));
      expect(plain).not.toContain('"stopped"');
      const needed = eventsOf((onProgress) => runScenario(s, { ...opts, onProgress }));
      expect(JSON.stringify(runScenario(s, { ...opts, budget: { events: needed } }))).toBe(plain);
      const seconds = JSON.parse(plain).simulatedSeconds as number;
      expect(JSON.stringify(runScenario(s, { ...opts, budget: { seconds } }))).toBe(plain);
    }
  }, 30_000);

  it('in bulk mode too, fast path included', () => {
    const s = benchLab(3_000, 0.001);
    const plain = JSON.stringify(runScenarioBulk(s));
    const needed = eventsOf((onProgress) => runScenarioBulk(s, { onProgress }));
    expect(needed).toBeLessThan(DEFAULT_BUDGET.events);
    expect(JSON.stringify(runScenarioBulk(s, { budget: { events: needed } }))).toBe(plain);
  }, 30_000);
});

describe('the budget in force', () => {
  it('is smaller for a run that records every packet event, whose memory grows with each', () => {
    const budgetOf = (options: { trace?: boolean; mode?: 'bulk' }) => {
      let budget = Number.NaN;
      const s = labHairpin('windows', { connections: 1 });
      const onProgress = (p: EngineProgress) => {
        budget = p.eventBudget;
      };
      if (options.mode === 'bulk') runScenarioBulk(s, { onProgress });
      else runScenario(s, { trace: options.trace === true, onProgress });
      return budget;
    };
    expect(budgetOf({ trace: true })).toBe(TRACE_EVENT_BUDGET);
    expect(budgetOf({})).toBe(DEFAULT_BUDGET.events);
    expect(budgetOf({ mode: 'bulk' })).toBe(DEFAULT_BUDGET.events);
    expect(TRACE_EVENT_BUDGET).toBeLessThan(DEFAULT_BUDGET.events);
  });
});

describe('a run past its event budget', () => {
  it('stops after exactly that many events, says so, and leaves the rest pending (trace)', () => {
    const s = benchLab(400, 0.001);
    const needed = eventsOf((onProgress) => runScenario(s, { onProgress }));
    const r = runScenario(s, { budget: { events: needed - 1 } });
    expect(r.stopped).toEqual({ reason: 'eventBudget', limit: needed - 1, at: r.simulatedSeconds, events: needed - 1 });
    // Key order: the stop is read right after the simulated time.
    expect(Object.keys(r).slice(0, 6)).toEqual([
      'format',
      'version',
      'seed',
      'simulatedSeconds',
      'stopped',
      'warnings',
    ]);
    const early = runScenario(s, { budget: { events: 500 } });
    expect(early.stopped?.events).toBe(500);
    expect(early.connections).toHaveLength(400);
    expect(early.connections.some((c) => c.outcome === 'pending')).toBe(true);
  }, 30_000);

  it('stops a bulk run the same way, every connection still counted', () => {
    const r = runScenarioBulk(benchLab(3_000, 0.001), { budget: { events: 1_000 } });
    expect(r.stopped).toEqual({ reason: 'eventBudget', limit: 1_000, at: r.simulatedSeconds, events: 1_000 });
    expect(r.connections).toBe(3_000);
    expect(r.outcomes.pending).toBeGreaterThan(0);
  });

  it('is deterministic: the same stop, byte for byte, with or without the progress hook', () => {
    const s = chatty();
    const plain = JSON.stringify(runScenario(s, { trace: true, budget: { events: 20_000 } }));
    const again = JSON.stringify(
      runScenario(s, { trace: true, budget: { events: 20_000 }, onProgress: () => {}, progressEvery: 3 }),
    );
    expect(again).toBe(plain);
    expect(JSON.parse(plain).stopped).toMatchObject({ reason: 'eventBudget', events: 20_000 });
  });

  it('moves the progress share toward 1 by events when neither connections nor time do', () => {
    const calls: EngineProgress[] = [];
    const r = runScenarioBulk(chatty(), { budget: { events: 40_000 }, onProgress: (p) => calls.push(p) });
    expect(r.stopped?.reason).toBe('eventBudget');
    const beforeEnd = calls.filter((p) => !p.done);
    const last = beforeEnd.at(-1) as EngineProgress;
    // One connection, not done, and seconds of a day: only the events say how far the run is.
    expect(last.connectionsDone).toBe(0);
    expect(engineFraction({ ...last, events: 0 }, 'bulk')).toBeLessThan(0.01);
    expect(engineFraction(last, 'bulk')).toBeGreaterThan(0.9);
  });
});

describe('a run past its time budget', () => {
  it('stops at the budget, whatever `until` says, and says so', () => {
    const s = chatty();
    for (const until of [undefined, 3_600]) {
      const r = runScenarioBulk(s, { until, budget: { seconds: 2 } });
      expect(r.simulatedSeconds).toBe(2);
      expect(r.stopped).toMatchObject({ reason: 'timeBudget', limit: 2, at: 2 });
      // Under way at the stop: established, not closed (a connection the run never saw end).
      expect(r.outcomes).toEqual({ established: 1 });
      expect(r.closed).toEqual({});
    }
  });

  it('is not a stop when `until` ends the run first', () => {
    const r = runScenarioBulk(chatty(), { until: 1, budget: { seconds: 2 } });
    expect(r.simulatedSeconds).toBe(1);
    expect(r.stopped).toBeUndefined();
  });

  it('stops a scenario that opens connections for years (every field within its bounds)', () => {
    const s = benchLab(10_000_000, 86_400);
    const r = runScenarioBulk(s, { budget: { seconds: 3 * 86_400 } });
    expect(r.stopped).toMatchObject({ reason: 'timeBudget', at: 3 * 86_400 });
    // Opened at 0, 1, 2 and 3 days; the last one at the very end, its handshake not done.
    expect(r.outcomes.established).toBe(3);
    expect(r.outcomes.pending).toBe(10_000_000 - 3);
  });
});

describe('a run past its budget of connections under way at once', () => {
  /** `n` connections opened together, each held open for a day. */
  const held = (n: number): Scenario => {
    const s = benchLab(n, 0);
    return { ...s, traffic: (s.traffic ?? []).map((t) => ({ ...t, duration: 86_400 })) };
  };

  it('stops before opening one more, the rest never opened', () => {
    const r = runScenarioBulk(held(3_000), { budget: { connections: 1_000 } });
    expect(r.stopped).toMatchObject({ reason: 'connectionBudget', limit: 1_000, at: 0 });
    expect(r.connections).toBe(3_000);
    expect(r.outcomes.pending).toBe(3_000);
    const trace = runScenario(held(30), { budget: { connections: 10 } });
    expect(trace.stopped).toMatchObject({ reason: 'connectionBudget', limit: 10, at: 0 });
    expect(trace.connections.filter((c) => c.source !== null)).toHaveLength(10);
  });

  it('counts only connections under way: short ones one after another never reach it', () => {
    const s = benchLab(3_000, 0.001);
    const plain = JSON.stringify(runScenarioBulk(s));
    expect(JSON.stringify(runScenarioBulk(s, { budget: { connections: 200 } }))).toBe(plain);
    const opts = { trace: true, warnings: warningsOf(s) };
    const small = benchLab(300, 0.001);
    expect(JSON.stringify(runScenario(small, { ...opts, budget: { connections: 200 } }))).toBe(
      JSON.stringify(runScenario(small, opts)),
    );
  }, 30_000);
});

describe('an enormous scenario within the bounds', () => {
  it('stops with the stop result instead of running on (many clients, many connections, data every ms)', () => {
    const s = benchLab(10_000_000, 0);
    const traffic = (s.traffic ?? []).map((t) => ({ ...t, duration: 86_400, dataEvery: 0.001 }));
    const r = runScenarioBulk({ ...s, traffic }, { budget: { events: 100_000 } });
    expect(r.stopped).toMatchObject({ reason: 'eventBudget', events: 100_000 });
    expect(r.connections).toBe(10_000_000);
  });
});
