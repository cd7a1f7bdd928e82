/**
 * The run store's pages of events: read 200 rows at a time from the kept run, once each, dropped
 * when the view changes; owned by the store, so `reset` clears them and two stores share nothing.
 * The worker is the real service, in process, counted.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Remote } from 'comlink';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { loadScenarioText, type Scenario } from '../../scenario';
import { createSimService, type SimService } from '../../sim/service';
import { setStorage } from '../store';
import { createRunStore, PAGE_SIZE, type RunStore, type RunWorker } from './runStore';

const library = (name: string): Scenario =>
  loadScenarioText(readFileSync(join(__dirname, `../../../public/library/${name}.json`), 'utf8')).scenario as Scenario;

/** A worker of its own over the service in process; `pages` lists each page read asked of it. */
function inProcessWorker(): RunWorker & { readonly pages: number[]; hold: Promise<void> | null } {
  const service = createSimService();
  const remote = service as unknown as Remote<SimService>;
  const worker = {
    pages: [] as number[],
    /** While set, page reads wait for it (a slow worker). */
    hold: null as Promise<void> | null,
    call: async <T>(call: (r: Remote<SimService>) => Promise<T>): Promise<T> => call(remote),
    cancel: () => undefined,
    progress: <T>(fn: T) => fn,
  };
  const page = service.page.bind(service);
  service.page = (start, count, filter) => {
    worker.pages.push(start / PAGE_SIZE);
    return page(start, count, filter);
  };
  const call = worker.call;
  worker.call = async (fn) => {
    const held = worker.hold;
    if (held !== null) await held;
    return call(fn);
  };
  return worker;
}

/** Reads `page` and waits for it to arrive. */
async function read(store: RunStore, page: number) {
  store.getState().ensurePage(page);
  await vi.waitFor(() => expect(store.getState().rowAt(page * PAGE_SIZE)).toBeDefined());
}

const two = library('hairpin-two-backends');
let worker: ReturnType<typeof inProcessWorker>;
let store: RunStore;

beforeEach(async () => {
  setStorage(null);
  worker = inProcessWorker();
  store = createRunStore(worker);
  await store.getState().run(two);
  expect(store.getState().summary?.mode).toBe('trace');
  expect(store.getState().viewCount).toBeGreaterThan(2 * PAGE_SIZE);
});

describe('pages', () => {
  it('reads a page of 200 rows once, and rowAt answers from it', async () => {
    await read(store, 0);
    const s = store.getState();
    expect(s.rowAt(0)?.index).toBe(0);
    expect(s.rowAt(PAGE_SIZE - 1)?.index).toBe(PAGE_SIZE - 1);
    expect(s.rowAt(PAGE_SIZE)).toBeUndefined();
    s.ensurePage(0);
    await read(store, 1);
    expect(s.rowAt(PAGE_SIZE)?.index).toBe(PAGE_SIZE);
    expect(worker.pages).toEqual([0, 1]);
  });

  it('a new filter drops the pages of the old view', async () => {
    await read(store, 0);
    await store.getState().setFilter({ kind: 'drops' });
    expect(store.getState().rowAt(0)).toBeUndefined();
    await read(store, 0);
    const row = store.getState().rowAt(0);
    expect(row?.event.kind).toBe('drop');
    expect(worker.pages).toEqual([0, 0]);
  });

  it('a page of the old view that arrives after the view changed is dropped', async () => {
    let release: () => void = () => undefined;
    worker.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    store.getState().ensurePage(0);
    const filtered = store.getState().setFilter({ kind: 'drops' });
    worker.hold = null;
    release();
    await filtered;
    await vi.waitFor(() => expect(worker.pages).toEqual([0]));
    // Let the read's answer reach the store (it is already on its way: the service answered).
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store.getState().rowAt(0)).toBeUndefined();
    // Read again, it is the new view's.
    await read(store, 0);
    expect(store.getState().rowAt(0)?.event.kind).toBe('drop');
  });
});

describe('reset', () => {
  it('clears the pages with the state, so the next run reads its own', async () => {
    await read(store, 0);
    store.getState().reset();
    expect(store.getState().rowAt(0)).toBeUndefined();
    expect(store.getState()).toMatchObject({ status: 'idle', summary: null, viewCount: 0, pagesVersion: 0 });
    await store.getState().run(two);
    await read(store, 0);
    expect(worker.pages).toEqual([0, 0]);
  });

  it('drops the answer of a run under way', async () => {
    const running = store.getState().run(two);
    store.getState().reset();
    await running;
    expect(store.getState()).toMatchObject({ status: 'idle', summary: null });
  });
});

describe('two stores', () => {
  it('share no pages', async () => {
    const otherWorker = inProcessWorker();
    const other = createRunStore(otherWorker);
    await other.getState().run(library('nsg-blocks-data-port'));
    await read(store, 0);
    await read(other, 0);
    expect(otherWorker.pages).toEqual([0]);
    const mine = store.getState().rowAt(5);
    const theirs = other.getState().rowAt(5);
    expect(mine?.event).not.toEqual(theirs?.event);
    // Each still holds its own run's rows after the other changes its view.
    const before = store.getState().rowAt(5);
    await other.getState().setFilter({ kind: 'drops' });
    expect(store.getState().rowAt(5)).toBe(before);
  });
});
