/**
 * The engine's progress hook (simulation.ts `onProgress`) and the service's throttled reports
 * (service.ts): the hook is counted in handled events, never by a clock, so its calls are the same
 * on every run; it only reads, so the result is byte for byte the one without it; and the page
 * gets a share done that only grows and ends at 1.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { benchLab } from '../../bench/engine.bench';
import type { EngineProgress } from '../engine/index';
import { loadScenarioValue, type Scenario } from '../scenario/index';
import { labHairpin } from './fixtures/seed003';
import { createSimService, engineFraction, PROGRESS_INTERVAL_MS, type RunProgress, throttleProgress } from './service';
import { runScenario, runScenarioBulk } from './simulate';

const warningsOf = (s: Scenario) => loadScenarioValue(s).warnings;

function collect(): { calls: EngineProgress[]; onProgress: (p: EngineProgress) => void } {
  const calls: EngineProgress[] = [];
  return { calls, onProgress: (p) => calls.push(p) };
}

describe('the engine’s progress hook', () => {
  const lab = benchLab(3_000, 0.001);

  it('leaves a trace run byte for byte as it is without the hook, packet events included', () => {
    for (const s of [benchLab(300, 0.001), labHairpin('windows', { connections: 5 })]) {
      const plain = JSON.stringify(runScenario(s, { trace: true, warnings: warningsOf(s) }));
      const { calls, onProgress } = collect();
      const hooked = JSON.stringify(
        runScenario(s, { trace: true, warnings: warningsOf(s), onProgress, progressEvery: 7 }),
      );
      expect(hooked).toBe(plain);
      expect(calls.length).toBeGreaterThan(1);
    }
  }, 30_000);

  it('leaves a bulk run (fast path included) byte for byte as it is, and with an until cap', () => {
    for (const until of [undefined, 1.5]) {
      const plain = JSON.stringify(runScenarioBulk(lab, { until }));
      const { calls, onProgress } = collect();
      expect(JSON.stringify(runScenarioBulk(lab, { until, onProgress, progressEvery: 3 }))).toBe(plain);
      expect(calls.length).toBeGreaterThan(10);
    }
  }, 30_000);

  it('calls at the same events on every run, every `progressEvery` handled events, and once at the end', () => {
    const a = collect();
    const b = collect();
    runScenarioBulk(lab, { onProgress: a.onProgress, progressEvery: 50 });
    runScenarioBulk(lab, { onProgress: b.onProgress, progressEvery: 50 });
    expect(a.calls).toEqual(b.calls);
    const beforeEnd = a.calls.slice(0, -1);
    expect(beforeEnd.every((p, i) => p.events === 50 * (i + 1) && !p.done)).toBe(true);
    const last = a.calls.at(-1) as EngineProgress;
    expect(last.done).toBe(true);
    expect(last.connectionsTotal).toBe(3_000);
    expect(last.connectionsDone).toBe(3_000);
    expect(last.connectionsOpened).toBe(3_000);
    expect(last.lastOpenUs).toBe(2_999_000);
  }, 30_000);

  it('counts connections opened and ended as they go, and simulated time forward', () => {
    const { calls, onProgress } = collect();
    runScenario(lab, { onProgress, progressEvery: 100 });
    for (let i = 1; i < calls.length; i++) {
      const [p, q] = [calls[i - 1] as EngineProgress, calls[i] as EngineProgress];
      expect(q.simulatedUs).toBeGreaterThanOrEqual(p.simulatedUs);
      expect(q.connectionsDone).toBeGreaterThanOrEqual(p.connectionsDone);
      expect(q.connectionsOpened).toBeGreaterThanOrEqual(p.connectionsOpened);
      expect(q.connectionsDone).toBeLessThanOrEqual(q.connectionsOpened);
    }
    // Mid-run, some connections are open and not all have ended.
    const middle = calls[Math.floor(calls.length / 2)] as EngineProgress;
    expect(middle.connectionsDone).toBeGreaterThan(0);
    expect(middle.connectionsDone).toBeLessThan(3_000);
  }, 30_000);
});

describe('engineFraction', () => {
  const p = (o: Partial<EngineProgress>): EngineProgress => ({
    simulatedUs: 0,
    untilUs: null,
    lastOpenUs: 0,
    connectionsOpened: 0,
    connectionsDone: 0,
    connectionsTotal: 100,
    events: 0,
    eventBudget: 50_000_000,
    timeBudgetUs: 604_800_000_000,
    done: false,
    ...o,
  });
  it('is the share of connections ended in bulk mode, of opened and ended in trace mode', () => {
    expect(engineFraction(p({ connectionsOpened: 60, connectionsDone: 40 }), 'bulk')).toBeCloseTo(0.4);
    expect(engineFraction(p({ connectionsOpened: 60, connectionsDone: 40 }), 'trace')).toBeCloseTo(0.5);
  });
  it('follows simulated time against an until cap, stays below 1 until the end, and is 1 at it', () => {
    expect(engineFraction(p({ untilUs: 10_000_000, simulatedUs: 7_500_000 }), 'bulk')).toBeCloseTo(0.75);
    expect(engineFraction(p({ connectionsOpened: 100, connectionsDone: 100 }), 'bulk')).toBeLessThan(1);
    expect(engineFraction(p({ connectionsTotal: 0, done: true }), 'trace')).toBe(1);
    expect(engineFraction(p({ connectionsTotal: 0 }), 'trace')).toBe(0);
  });
});

describe('the service’s progress reports', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('grow from 0 to 1 through the phases of a kept trace run, and give the same summary', () => {
    const s = benchLab(1_500, 0.001);
    const reports: RunProgress[] = [];
    const service = createSimService();
    const withReports = service.runAndKeep(s, { progressEvery: 5 }, (r) => reports.push(r));
    const without = createSimService().runAndKeep(s, {});
    expect(JSON.stringify(withReports)).toBe(JSON.stringify(without));
    expect(reports[0]).toMatchObject({ phase: 'validating', fraction: 0 });
    expect(reports.at(-1)).toMatchObject({ phase: 'done', fraction: 1 });
    for (let i = 1; i < reports.length; i++) {
      expect((reports[i] as RunProgress).fraction).toBeGreaterThanOrEqual((reports[i - 1] as RunProgress).fraction);
    }
  }, 30_000);

  it('send at most one report per interval besides the first and the last (the clock is the worker’s)', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(0);
    const reports: RunProgress[] = [];
    // The clock stands still: only the reports that must go (each phase's start and the end) go.
    createSimService().run(benchLab(1_000, 0.001), { mode: 'bulk', progressEvery: 1 }, (r) => reports.push(r));
    expect(reports.map((r) => r.phase)).toEqual(['validating', 'simulating', 'done']);
    expect(reports.at(-1)?.fraction).toBe(1);
  });

  it('let through one report per interval of the clock, never a share smaller than the last', () => {
    let now = 0;
    const got: RunProgress[] = [];
    const report = throttleProgress(
      (r) => got.push(r),
      () => now,
    );
    for (let i = 0; i < 100; i++) {
      now += 30;
      report({ phase: 'simulating', done: i, total: 100, fraction: i % 10 === 9 ? 0 : i / 100, simulatedSeconds: 0 });
    }
    // 3,000 ms of asking every 30 ms: the first at once, then one each time the interval passed.
    const every = Math.ceil(PROGRESS_INTERVAL_MS / 30);
    expect(got.length).toBe(Math.ceil(100 / every));
    expect(got.length).toBeLessThanOrEqual(Math.ceil(3000 / PROGRESS_INTERVAL_MS) + 1);
    for (let i = 1; i < got.length; i++)
      expect((got[i] as RunProgress).fraction).toBeGreaterThanOrEqual((got[i - 1] as RunProgress).fraction);
    report({ phase: 'done', done: 100, total: 100, fraction: 1, simulatedSeconds: 1 }, true);
    expect(got.at(-1)?.fraction).toBe(1);
  });

  it('answers invalid input without a done report', () => {
    const reports: RunProgress[] = [];
    const result = createSimService().run('{}', {}, (r) => reports.push(r));
    expect(result).toMatchObject({ valid: false });
    expect(reports.map((r) => r.phase)).toEqual(['validating']);
  });
});
