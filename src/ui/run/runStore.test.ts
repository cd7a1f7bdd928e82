/**
 * The run store, in Node: a run, its pages of events, seeking, filters, playback and the ways a
 * run ends (invalid, cancelled, failed). The worker is replaced by the real service called in
 * process (`createSimService`), so the rows are the engine's; only the store's public state is
 * read, never how it keeps its pages.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDefaultScenario, type Scenario } from '../../scenario';
import { createSimService, type SimService } from '../../sim/service';
import { useAppStore } from '../store';
import { PAGE_SIZE, STEP_MS, STILL_MS, TRACE_LIMIT, useRunStore } from './runStore';
import { WorkerGone } from './simClient';

const worker = vi.hoisted(() => ({
  /** Resolved to let the pending call go on; null: calls go at once. */
  hold: null as Promise<void> | null,
  /** Thrown by the next call instead of calling the service. */
  failNext: null as Error | null,
  calls: [] as string[],
  modes: [] as string[],
}));

vi.mock('./simClient', async (importOriginal) => {
  const real = await importOriginal<typeof import('./simClient')>();
  let service: SimService = createSimService();
  let pending: ((reason: unknown) => void)[] = [];
  const call = <T>(fn: (remote: SimService) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      pending.push(reject);
      const go = async () => {
        if (worker.hold !== null) await worker.hold;
        const failure = worker.failNext;
        worker.failNext = null;
        if (failure !== null) throw failure;
        // A proxy that records which service method the store asked for.
        const recording = new Proxy(service, {
          get(target, key, receiver) {
            worker.calls.push(String(key));
            return Reflect.get(target, key, receiver);
          },
        });
        return fn(recording);
      };
      go().then(resolve, reject);
    });
  return {
    ...real,
    callWorker: call,
    cancelWorker: () => {
      for (const reject of pending) reject(new real.WorkerGone('cancelled', 'The run was cancelled.'));
      pending = [];
      service = createSimService();
    },
    progressProxy: <T>(fn: T) => fn,
  };
});

const store = () => useRunStore.getState();
const library = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../public/library/${name}.json`, import.meta.url), 'utf8')) as Scenario;

beforeEach(() => {
  worker.hold = null;
  worker.failNext = null;
  worker.calls = [];
  useRunStore.setState(useRunStore.getInitialState(), true);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('run', () => {
  it('keeps the summary of a trace run and counts its events', async () => {
    const scenario = createDefaultScenario();
    await store().run(scenario);
    const s = store();
    expect(s.status).toBe('done');
    expect(s.summary?.mode).toBe('trace');
    expect(s.viewCount).toBe(s.summary?.eventCount);
    expect(s.viewCount).toBeGreaterThan(PAGE_SIZE);
    expect(s.scenarioAtRun).toBe(scenario);
    expect([s.cursor, s.current, s.playing, s.progress]).toEqual([-1, null, false, null]);
  });

  it(`Auto runs in bulk mode past ${TRACE_LIMIT} connections; a mode chosen by hand is kept`, async () => {
    const many = createDefaultScenario();
    many.traffic = [{ name: 'many', from: 'onprem', to: '10.2.1.100:80', connections: TRACE_LIMIT + 1 }];
    await store().run(many);
    expect(store().summary?.mode).toBe('bulk');
    store().setModeChoice('trace');
    await store().run(createDefaultScenario());
    expect(store().summary?.mode).toBe('trace');
    store().setModeChoice('bulk');
    await store().run(createDefaultScenario());
    expect(store().summary?.mode).toBe('bulk');
  });

  it('an invalid scenario ends the run as invalid, with its errors', async () => {
    const broken = createDefaultScenario();
    broken.traffic = [{ name: 'x', from: 'nobody', to: '10.2.1.100:80' }];
    await store().run(broken);
    expect(store().status).toBe('invalid');
    expect(store().errors.length).toBeGreaterThan(0);
    expect(store().message).toMatch(/has errors/);
    expect(store().summary).toBeNull();
  });

  it('a worker that fails ends the run with a message saying to run again', async () => {
    worker.failNext = new WorkerGone('crashed', 'The simulation worker stopped unexpectedly (boom).');
    await store().run(createDefaultScenario());
    expect(store().status).toBe('error');
    expect(store().message).toBe(
      'The simulation worker stopped unexpectedly (boom). Run again to start a fresh worker.',
    );
    worker.failNext = new Error('bad');
    await store().run(createDefaultScenario());
    expect(store().message).toBe('The simulation failed: bad Run again to start a fresh worker.');
  });

  it('is running until the worker answers; a second Run meanwhile is ignored; Cancel stops it', async () => {
    let release = () => {};
    worker.hold = new Promise((r) => {
      release = r;
    });
    const first = store().run(createDefaultScenario());
    expect(store().status).toBe('running');
    expect(store().progress?.phase).toBe('validating');
    await store().run(createDefaultScenario());
    store().cancel();
    release();
    await first;
    expect(store().status).toBe('cancelled');
    expect(store().message).toMatch(
      /^Run cancelled after \d+\.\d s\. The worker was stopped; Run starts a fresh one\.$/,
    );
    expect(store().summary).toBeNull();
    expect(worker.calls.filter((c) => c === 'runAndKeep')).toHaveLength(1);
  });

  it('Cancel does nothing when no run is under way', async () => {
    await store().run(createDefaultScenario());
    store().cancel();
    expect(store().status).toBe('done');
  });
});

describe('seek, step and pages', () => {
  beforeEach(async () => {
    await store().run(createDefaultScenario());
  });

  it('seek shows the event at a position, on the first page or a later one, clamped to the view', async () => {
    await store().seek(0);
    expect(store().cursor).toBe(0);
    expect(store().current?.index).toBe(0);
    // Seeking shows the packet inspector in the right-hand column (the app store's one `rightPanel`).
    expect(useAppStore.getState().rightPanel).toBe('packet');
    await store().seek(PAGE_SIZE + 5);
    expect(store().current?.index).toBe(PAGE_SIZE + 5);
    await store().seek(1e9);
    expect(store().cursor).toBe(store().viewCount - 1);
    expect(store().current?.index).toBe(store().viewCount - 1);
    await store().seek(-3);
    expect(store().cursor).toBe(0);
  });

  it("a packet's event brings every event of that packet (hops); an event without a packet none", async () => {
    await store().seek(0);
    const packet = store().current?.event.packet?.id;
    expect(packet).toBeDefined();
    expect(store().hops.length).toBeGreaterThan(1);
    expect(store().hops.every((h) => h.event.packet?.id === packet)).toBe(true);
  });

  it('step walks one event forward or back; from no event, back starts at the end', async () => {
    await store().step(1);
    expect(store().cursor).toBe(0);
    await store().step(1);
    expect(store().cursor).toBe(1);
    await store().step(-1);
    expect(store().cursor).toBe(0);
    useRunStore.setState({ cursor: -1, current: null });
    await store().step(-1);
    expect(store().cursor).toBe(store().viewCount - 1);
  });

  it('setSpeed divides the step time: a packet moving takes STEP_MS, an event in place STILL_MS', async () => {
    await store().seek(0);
    const moving = store().current?.from !== null && store().current?.event.packet !== null;
    store().setSpeed(2);
    expect(store().stepMs).toBe((moving ? STEP_MS : STILL_MS) / 2);
  });

  it('seek before any run, or on an empty view, does nothing', async () => {
    useRunStore.setState(useRunStore.getInitialState(), true);
    await store().seek(3);
    expect([store().cursor, store().current]).toEqual([-1, null]);
  });
});

describe('filters', () => {
  it('drops: the view holds only drops, and nextDrop goes to the next one', async () => {
    await store().run(library('nsg-blocks-data-port'));
    const all = store().viewCount;
    await store().setFilter({ kind: 'drops' });
    expect(store().filter).toEqual({ kind: 'drops', connection: null });
    expect(store().viewCount).toBeGreaterThan(0);
    expect(store().viewCount).toBeLessThan(all);
    await store().seek(0);
    expect(store().current?.event.kind).toBe('drop');
    await store().setFilter({ kind: 'all' });
    useRunStore.setState({ cursor: -1, current: null });
    await store().nextDrop();
    expect(store().current?.event.kind).toBe('drop');
    const first = store().current?.index ?? -1;
    await store().nextDrop();
    expect(store().current?.index ?? -1).toBeGreaterThan(first);
    expect(store().current?.event.kind).toBe('drop');
  });

  it('a filter keeps the current event in view when it passes, and clears it when it does not', async () => {
    await store().run(createDefaultScenario());
    await store().seek(0);
    const probeEvent = store().current;
    expect(probeEvent?.event.connection).toMatch(/^probe:/);
    await store().setFilter({ kind: 'probes' });
    expect(store().current?.index).toBe(probeEvent?.index);
    expect(store().cursor).toBeGreaterThanOrEqual(0);
    await store().setFilter({ kind: 'data' });
    expect(store().current).toBeNull();
    expect(store().viewCount).toBeGreaterThan(0);
  });

  it('replayConnection shows one connection alone and plays it from its first event', async () => {
    vi.useFakeTimers();
    await store().run(createDefaultScenario());
    const id = 'onprem-to-vip#0';
    await store().replayConnection(id);
    expect(store().filter).toEqual({ kind: 'all', connection: id });
    expect(store().playing).toBe(true);
    await vi.waitFor(() => expect(store().current).not.toBeNull());
    expect(store().current?.event.connection).toBe(id);
    expect(store().cursor).toBe(0);
    store().pause();
    expect(store().playing).toBe(false);
  });

  it('seekEvent goes to an event of the whole trace, widening a filter that hides it', async () => {
    await store().run(createDefaultScenario());
    await store().setFilter({ kind: 'data' });
    await store().seekEvent(0);
    expect(store().filter.kind).toBe('all');
    expect(store().current?.index).toBe(0);
  });
});

describe('playback', () => {
  it('play steps through the view one event per step time, and stops at the end', async () => {
    vi.useFakeTimers();
    await store().run(createDefaultScenario());
    await store().seek(store().viewCount - 3);
    store().play();
    await vi.waitFor(() => expect(store().cursor).toBe(store().viewCount - 2));
    expect(store().playing).toBe(true);
    await vi.advanceTimersByTimeAsync(store().stepMs);
    expect(store().cursor).toBe(store().viewCount - 1);
    await vi.advanceTimersByTimeAsync(store().stepMs);
    expect(store().playing).toBe(false);
    expect(store().cursor).toBe(store().viewCount - 1);
  });

  it('play from the last event starts again at the first; play without a run does nothing', async () => {
    store().play();
    expect(store().playing).toBe(false);
    await store().run(createDefaultScenario());
    await store().seek(store().viewCount - 1);
    store().play();
    await vi.waitFor(() => expect(store().cursor).toBe(0));
    store().pause();
  });
});

it('resultJson is the kept run as JSON', async () => {
  await store().run(createDefaultScenario());
  const json = await store().resultJson();
  expect(JSON.parse(json ?? 'null')).toMatchObject({ format: 'hairpin-result' });
});
