/**
 * The experiment store, in Node: the form (filled from the scenario, checked before a run), a run
 * in its own worker slot, and the ways it ends (done, invalid, failed, cancelled). The worker is
 * the real service called in process.
 */
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createDefaultScenario, type Scenario } from '../../scenario';
import { experimentRules, MAX_EXPERIMENT_CONNECTIONS } from '../../scenario/experiment';
import { createSimService, type SimService } from '../../sim/service';
import { WorkerGone } from '../run/simClient';
import { EMPTY_FORM, type ExperimentForm, formFor, specOf, useExperimentStore } from './experimentStore';

const worker = vi.hoisted(() => ({
  hold: null as Promise<void> | null,
  failNext: null as Error | null,
  cancels: 0,
}));

vi.mock('../run/simClient', async (importOriginal) => {
  const real = await importOriginal<typeof import('../run/simClient')>();
  return {
    ...real,
    createWorkerSlot: () => {
      const service: SimService = createSimService();
      let pending: ((reason: unknown) => void)[] = [];
      return {
        call: <T>(fn: (remote: SimService) => Promise<T>): Promise<T> =>
          new Promise<T>((resolve, reject) => {
            pending.push(reject);
            const go = async () => {
              if (worker.hold !== null) await worker.hold;
              const failure = worker.failNext;
              worker.failNext = null;
              if (failure !== null) throw failure;
              return fn(service);
            };
            go().then(resolve, reject);
          }),
        cancel: () => {
          worker.cancels++;
          for (const reject of pending) reject(new real.WorkerGone('cancelled', 'The run was cancelled.'));
          pending = [];
        },
        current: () => null,
      };
    },
    progressProxy: <T>(fn: T) => fn,
  };
});

const store = () => useExperimentStore.getState();
const uneven = (): Scenario =>
  JSON.parse(
    readFileSync(new URL('../../../public/library/session-persistence-uneven.json', import.meta.url), 'utf8'),
  ) as Scenario;
const form = (over: Partial<ExperimentForm>): ExperimentForm => ({ ...EMPTY_FORM, rule: 'ilb/http', ...over });

beforeEach(() => {
  worker.hold = null;
  worker.failNext = null;
  worker.cancels = 0;
  useExperimentStore.setState(useExperimentStore.getInitialState(), true);
});

describe('specOf', () => {
  it('reads the population of the chosen kind, trimmed, with thousands separators allowed', () => {
    expect(specOf(form({ kind: 'single', address: ' 192.168.2.1 ', connections: '1,000' }))).toEqual({
      spec: { rule: 'ilb/http', population: { kind: 'single', address: '192.168.2.1' }, connections: 1000 },
    });
    expect(specOf(form({ kind: 'proxy', proxyAddress: '10.0.0.9', connections: '5' }))).toEqual({
      spec: { rule: 'ilb/http', population: { kind: 'proxy', address: '10.0.0.9' }, connections: 5 },
    });
    expect(specOf(form({ kind: 'prefix', prefix: '203.0.113.0/24', count: '2,50', connections: '7' }))).toEqual({
      spec: { rule: 'ilb/http', population: { kind: 'prefix', prefix: '203.0.113.0/24', count: 250 }, connections: 7 },
    });
  });

  it('says which field is wrong: connections not a whole number 1 or more, or over the cap; addresses', () => {
    const whole = `Connections: a whole number 1–${MAX_EXPERIMENT_CONNECTIONS.toLocaleString('en')}, please.`;
    for (const connections of ['', ' ', '0', '-3', '1.5', 'many']) {
      expect(specOf(form({ connections }))).toEqual({ error: whole });
    }
    expect(specOf(form({ connections: String(MAX_EXPERIMENT_CONNECTIONS + 1) }))).toEqual({
      error: `Connections: at most ${MAX_EXPERIMENT_CONNECTIONS.toLocaleString('en')} in one experiment.`,
    });
    expect('spec' in specOf(form({ connections: String(MAX_EXPERIMENT_CONNECTIONS) }))).toBe(true);
    for (const count of ['', '1.5', 'x']) {
      expect(specOf(form({ kind: 'prefix', prefix: '203.0.113.0/24', count }))).toEqual({
        error: 'Addresses: a whole number of client addresses, please.',
      });
    }
  });
});

describe('the form', () => {
  it("adopt fills an empty form from the scenario's first rule and its traffic", () => {
    const s = uneven();
    const first = experimentRules(s)[0];
    if (first === undefined) throw new Error('the lab has a rule');
    store().adopt(s);
    expect(store().form).toEqual(formFor(s, first, EMPTY_FORM));
    expect(store().form.rule).toBe(first.key);
    expect(store().form.address).toBe('192.168.2.1');
  });

  it('adopt keeps a form whose rule still exists, and empties the rule when the scenario has none', () => {
    const s = uneven();
    store().adopt(s);
    store().setForm({ connections: '42', address: '192.168.2.9' });
    store().adopt(s);
    expect(store().form).toMatchObject({ connections: '42', address: '192.168.2.9' });
    const none = createDefaultScenario();
    none.loadBalancers = [];
    store().adopt(none);
    expect(store().form).toMatchObject({ rule: '', connections: '42' });
  });
});

describe('run', () => {
  it('runs the three hash modes and keeps the result', async () => {
    const s = uneven();
    store().adopt(s);
    store().setForm({ connections: '300' });
    await store().run(s);
    expect(store().status).toBe('done');
    expect(store().result?.runs.map((r) => r.mode)).toEqual(['Default', 'SourceIPProtocol', 'SourceIP']);
    expect(store().progress).toBeNull();
    expect(store().message).toBeNull();
  });

  it('a form with a wrong field is invalid before any run', async () => {
    store().setForm({ rule: 'ilb/http', connections: 'lots' });
    await store().run(uneven());
    expect(store().status).toBe('invalid');
    expect(store().message).toMatch(/^Connections:/);
    expect(store().result).toBeNull();
  });

  it('an experiment the service refuses: its message when it is about the experiment', async () => {
    const s = uneven();
    store().adopt(s);
    store().setForm({ rule: 'ilb/nothing', connections: '10' });
    await store().run(s);
    expect(store().status).toBe('invalid');
    expect(store().errors).toEqual([]);
    expect(store().message).toBeTruthy();
  });

  it('a scenario with errors: the errors, and a message pointing to the Problems tab', async () => {
    const s = uneven();
    store().adopt(s);
    store().setForm({ connections: '10' });
    s.traffic = [...(s.traffic ?? []), { name: 'x', from: 'nobody', to: '10.2.1.100:80' }];
    await store().run(s);
    expect(store().status).toBe('invalid');
    expect(store().errors.length).toBeGreaterThan(0);
    expect(store().message).toMatch(/Problems tab/);
  });

  it('Cancel while running: cancelled with the time it ran, and the slot is told', async () => {
    let release = () => {};
    worker.hold = new Promise((r) => {
      release = r;
    });
    const s = uneven();
    store().adopt(s);
    store().setForm({ connections: '10' });
    const pending = store().run(s);
    expect(store().status).toBe('running');
    expect(store().progress).toEqual({ done: 0, runs: 3, mode: 'Default', fraction: 0 });
    await store().run(s);
    store().cancel();
    release();
    await pending;
    expect(store().status).toBe('cancelled');
    expect(store().message).toMatch(/^Experiment cancelled after \d+\.\d s\.$/);
    expect(worker.cancels).toBe(1);
    store().cancel();
    expect(worker.cancels).toBe(1);
  });

  it('a worker that fails: an error with its message', async () => {
    const s = uneven();
    store().adopt(s);
    store().setForm({ connections: '10' });
    worker.failNext = new WorkerGone('crashed', 'The simulation worker stopped unexpectedly (boom).');
    await store().run(s);
    expect([store().status, store().message]).toEqual(['error', 'The simulation worker stopped unexpectedly (boom).']);
    worker.failNext = new Error('bad');
    await store().run(s);
    expect([store().status, store().message]).toEqual(['error', 'The experiment failed: bad']);
  });
});
