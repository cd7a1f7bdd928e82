/**
 * The lesson store, in Node: hints and the solution, "Check my work" (a run whose lesson verdict
 * it keeps), the ways a check ends, and a fresh lesson for each new document. The worker is the
 * real service called in process.
 */
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createDefaultScenario, type Scenario } from '../../scenario';
import { setField } from '../../scenario/edit';
import { mergePatch } from '../../scenario/mergePatch';
import { createSimService, type SimService } from '../../sim/service';
import { WorkerGone } from '../run/simClient';
import { setStorage, useAppStore } from '../store';
import { startLessonTracking, useLessonStore } from './lessonStore';

const worker = vi.hoisted(() => ({
  hold: null as Promise<void> | null,
  failNext: null as Error | null,
  /** Replaces the service's answer to `run` (a result without a lesson, say). */
  answer: null as unknown,
}));

vi.mock('../run/simClient', async (importOriginal) => {
  const real = await importOriginal<typeof import('../run/simClient')>();
  const service: SimService = createSimService();
  return {
    ...real,
    callWorker: async <T>(fn: (remote: SimService) => Promise<T>): Promise<T> => {
      if (worker.hold !== null) await worker.hold;
      const failure = worker.failNext;
      worker.failNext = null;
      if (failure !== null) throw failure;
      if (worker.answer !== null) return worker.answer as T;
      return fn(service);
    },
  };
});

const store = () => useLessonStore.getState();
const lab = (): Scenario =>
  JSON.parse(
    readFileSync(new URL('../../../public/library/nsg-blocks-data-port.json', import.meta.url), 'utf8'),
  ) as Scenario;
const solved = (s: Scenario) => mergePatch(s, s.lesson?.solution) as Scenario;

beforeEach(() => {
  setStorage(null);
  useAppStore.setState(useAppStore.getInitialState(), true);
  worker.hold = null;
  worker.failNext = null;
  worker.answer = null;
  useLessonStore.setState(useLessonStore.getInitialState(), true);
});

describe('hints and solution', () => {
  it('reveals one hint at a time and shows the solution; reset starts afresh', () => {
    store().showNextHint();
    store().showNextHint();
    store().setSolutionShown(true);
    expect([store().hintsShown, store().solutionShown]).toEqual([2, true]);
    store().reset();
    expect([store().hintsShown, store().solutionShown, store().check]).toEqual([0, false, { state: 'idle' }]);
  });

  it('a new document (its revision changes) resets the lesson; an edit does not', () => {
    const stop = startLessonTracking();
    try {
      store().showNextHint();
      useAppStore.getState().apply((s) => setField(s, ['title'], 'edited'));
      expect(store().hintsShown).toBe(1);
      useAppStore.getState().newScenario();
      expect(store().hintsShown).toBe(0);
    } finally {
      stop();
    }
  });
});

describe('checkWork', () => {
  it("keeps the engine's verdict: the lab fails as shipped and passes with its solution", async () => {
    const shipped = lab();
    await store().checkWork(shipped);
    const check = store().check;
    expect(check.state).toBe('done');
    if (check.state !== 'done') return;
    expect(check.scenario).toBe(shipped);
    expect(check.result.lesson?.passed).toBe(false);
    await store().checkWork(solved(shipped));
    const after = store().check;
    expect(after.state === 'done' && after.result.lesson?.passed).toBe(true);
  });

  it('is running until the run answers, and a second check meanwhile is ignored', async () => {
    let release = () => {};
    worker.hold = new Promise((r) => {
      release = r;
    });
    const shipped = lab();
    const first = store().checkWork(shipped);
    expect(store().check).toEqual({ state: 'running', scenario: shipped });
    const other = solved(shipped);
    const second = store().checkWork(other);
    release();
    await Promise.all([first, second]);
    const check = store().check;
    expect(check.state === 'done' && check.scenario).toBe(shipped);
  });

  it('a reset while the check runs drops its verdict', async () => {
    let release = () => {};
    worker.hold = new Promise((r) => {
      release = r;
    });
    const pending = store().checkWork(lab());
    store().reset();
    release();
    await pending;
    expect(store().check).toEqual({ state: 'idle' });
  });

  it('an invalid document: the check says so, with its errors', async () => {
    const broken = lab();
    broken.traffic = [{ name: 'x', from: 'nobody', to: '10.2.1.100:80' }];
    await store().checkWork(broken);
    const check = store().check;
    expect(check.state).toBe('invalid');
    expect(check.state === 'invalid' && check.errors.length).toBeGreaterThan(0);
  });

  it('a result without a lesson verdict is an error, not a pass', async () => {
    await store().checkWork(createDefaultScenario());
    expect(store().check).toEqual({ state: 'error', message: 'The run came back without a lesson verdict.' });
    worker.answer = { format: 'something-else', lesson: { passed: true, checks: [] } };
    await store().checkWork(lab());
    expect(store().check.state).toBe('error');
  });

  it('says how the worker went: stopped with the run, crashed, or another failure', async () => {
    worker.failNext = new WorkerGone('cancelled', 'The run was cancelled.');
    await store().checkWork(lab());
    expect(store().check).toEqual({ state: 'error', message: 'The check was stopped with the run. Check again.' });
    worker.failNext = new WorkerGone('crashed', 'The simulation worker stopped unexpectedly (boom).');
    await store().checkWork(lab());
    expect(store().check).toEqual({
      state: 'error',
      message: 'The simulation worker stopped unexpectedly (boom). Check again to start a fresh worker.',
    });
    worker.failNext = new Error('bad');
    await store().checkWork(lab());
    expect(store().check).toEqual({ state: 'error', message: 'The check failed: bad' });
  });
});
