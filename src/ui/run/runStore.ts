/**
 * The run's state, apart from the document's store (store.ts): the last run's summary, where
 * playback stands, the event filter, and the pages of events read from the worker so far. The
 * events themselves stay in the worker (service.ts "kept run"); this store holds only the rows on
 * screen and the packet being inspected.
 *
 * Each store made by `createRunStore` owns its pages, the reads under way, the playback timer and
 * the counters that drop stale answers (`Paging`), so `reset` clears them all and two stores share
 * nothing. The page uses one, `useRunStore`.
 *
 * Playback walks the rows of the current view (the filter) one event at a time. Each step lasts
 * `STEP_MS` at 1× (a packet moving between elements) or `STILL_MS` (an event in place), divided by
 * the speed; the canvas overlay animates the current step over that time.
 */
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { Diagnostic, Scenario } from '../../scenario';
import type { EventFilter, EventRow, InvalidInput, KeptSummary, RunProgress } from '../../sim/service';
import { useAppStore } from '../store';
import { callWorker, cancelWorker, progressProxy, WorkerGone } from './simClient';
import { connectionCount } from './traffic';

export type RunStatus = 'idle' | 'running' | 'done' | 'invalid' | 'error' | 'cancelled';
export type FilterKind = 'all' | 'data' | 'probes' | 'drops';
export type ModeChoice = 'auto' | 'trace' | 'bulk';

/** Past this many connections, Auto runs in bulk mode (a trace of each would be millions of events). */
export const TRACE_LIMIT = 2000;
export const PAGE_SIZE = 200;
export const STEP_MS = 900;
export const STILL_MS = 350;
export const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 4] as const;

export interface RunFilter {
  readonly kind: FilterKind;
  readonly connection: string | null;
}

export interface RunState {
  readonly status: RunStatus;
  readonly progress: RunProgress | null;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly message: string | null;
  readonly errors: readonly Diagnostic[];
  readonly summary: KeptSummary | null;
  /** The document the summary is about (to say when the canvas shows a newer one). */
  readonly scenarioAtRun: Scenario | null;
  readonly modeChoice: ModeChoice;
  readonly filter: RunFilter;
  readonly viewCount: number;
  /** Position in the view; -1: no event chosen (the canvas shows the end of the run). */
  readonly cursor: number;
  readonly current: EventRow | null;
  /** Every event of the current event's packet. */
  readonly hops: readonly EventRow[];
  readonly playing: boolean;
  readonly speed: number;
  /** When the current step's animation started (performance.now) and how long it lasts. */
  readonly stepStartedAt: number;
  readonly stepMs: number;
  readonly pagesVersion: number;
  /** Bumped when the canvas should bring the current event's element into view (a jump, a pick). */
  readonly focusSerial: number;
  /**
   * The canvas pans to keep the moving packet in view (RunOverlay `FollowPacket`); on by default,
   * off when the user pans by hand.
   */
  readonly follow: boolean;

  run(scenario: Scenario): Promise<void>;
  cancel(): void;
  setModeChoice(mode: ModeChoice): void;
  setFilter(filter: Partial<RunFilter>): Promise<void>;
  seek(position: number, options?: { animate?: boolean; keepPlaying?: boolean; focus?: boolean }): Promise<void>;
  step(delta: 1 | -1): Promise<void>;
  play(): void;
  pause(): void;
  setSpeed(speed: number): void;
  nextDrop(): Promise<void>;
  /** Shows one connection alone and plays it from its first event. */
  replayConnection(id: string | null): Promise<void>;
  /** Goes to event `index` of the whole trace (widening the filter when it hides that event). */
  seekEvent(index: number): Promise<void>;
  /** Reads page `page` (rows `page × PAGE_SIZE` on) of the current view if it is not read or being read. */
  ensurePage(page: number): void;
  /** The row at `position` of the current view, if its page has been read (`pagesVersion` says when one is). */
  rowAt(position: number): EventRow | undefined;
  /** Back to the state before any run: pages, reads under way and playback dropped, choices back to their defaults. */
  reset(): void;
  setFollow(follow: boolean): void;
  resultJson(): Promise<string | null>;
}

const filterOf = (f: RunFilter): EventFilter => ({ kind: f.kind, connection: f.connection });

/** What the store asks of the engine worker: simClient.ts's run slot, or a stand-in in tests. */
export interface RunWorker {
  readonly call: typeof callWorker;
  readonly cancel: typeof cancelWorker;
  readonly progress: typeof progressProxy;
}

const pageWorker: RunWorker = {
  call: (call) => callWorker(call),
  cancel: () => cancelWorker(),
  progress: (fn) => progressProxy(fn),
};

/** A store's reading and playing machinery, which renders nothing and so stays out of its state. */
interface Paging {
  /** Pages of rows of the current view, by page number; dropped with each new run or filter. */
  pages: Map<number, EventRow[]>;
  /** Pages being read. */
  readonly loading: Set<number>;
  /** Bumped when the view changes: a page read for an older view is dropped. */
  generation: number;
  /** Bumped by each run and reset: only the latest run's answer is kept. */
  runSerial: number;
  /** Bumped by each seek: only the latest one moves the cursor. */
  seekSerial: number;
  /** The next playback step. */
  timer: ReturnType<typeof setTimeout> | null;
}

const stepDuration = (row: EventRow | null, speed: number): number =>
  (row !== null && row.event.packet !== null && row.from !== null ? STEP_MS : STILL_MS) / speed;

const now = () => performance.now();

export type RunStore = UseBoundStore<StoreApi<RunState>>;

/** A run store of its own, reading from `worker` (the page's engine worker by default). */
export const createRunStore = (worker: RunWorker = pageWorker): RunStore =>
  create<RunState>()((set, get) => {
    const paging: Paging = {
      pages: new Map(),
      loading: new Set(),
      generation: 0,
      runSerial: 0,
      seekSerial: 0,
      timer: null,
    };

    const stopTimer = () => {
      if (paging.timer !== null) clearTimeout(paging.timer);
      paging.timer = null;
    };

    const resetView = () => {
      paging.pages = new Map();
      paging.loading.clear();
      paging.generation++;
    };

    /** Schedules the next step while playing. */
    const schedule = () => {
      stopTimer();
      const s = get();
      if (!s.playing) return;
      paging.timer = setTimeout(() => {
        paging.timer = null;
        const st = get();
        if (!st.playing) return;
        if (st.cursor >= st.viewCount - 1) {
          set({ playing: false });
          return;
        }
        void st.seek(st.cursor + 1, { animate: true, keepPlaying: true });
      }, s.stepMs);
    };

    const fetchPage = async (page: number): Promise<EventRow[]> => {
      const cached = paging.pages.get(page);
      if (cached !== undefined) return cached;
      const gen = paging.generation;
      const filter = filterOf(get().filter);
      const rows = await worker.call((r) => r.page(page * PAGE_SIZE, PAGE_SIZE, filter));
      if (gen === paging.generation) {
        paging.pages.set(page, rows);
        set((s) => ({ pagesVersion: s.pagesVersion + 1 }));
      }
      return rows;
    };

    const failed = (error: unknown) => {
      stopTimer();
      resetView();
      if (error instanceof WorkerGone && error.why === 'cancelled') return;
      const message =
        error instanceof WorkerGone
          ? error.message
          : `The simulation failed: ${error instanceof Error ? error.message : String(error)}`;
      set({
        status: 'error',
        message: `${message} Run again to start a fresh worker.`,
        summary: null,
        current: null,
        hops: [],
        cursor: -1,
        viewCount: 0,
        playing: false,
        finishedAt: now(),
      });
    };

    const initial = {
      status: 'idle',
      progress: null,
      startedAt: 0,
      finishedAt: 0,
      message: null,
      errors: [],
      summary: null,
      scenarioAtRun: null,
      modeChoice: 'auto',
      filter: { kind: 'all', connection: null },
      viewCount: 0,
      cursor: -1,
      current: null,
      hops: [],
      playing: false,
      speed: 1,
      stepStartedAt: 0,
      stepMs: STEP_MS,
      pagesVersion: 0,
      focusSerial: 0,
      follow: true,
    } as const satisfies Partial<RunState>;

    return {
      ...initial,

      async run(scenario) {
        if (get().status === 'running') return;
        stopTimer();
        resetView();
        const mine = ++paging.runSerial;
        const choice = get().modeChoice;
        const mode = choice === 'auto' ? (connectionCount(scenario) > TRACE_LIMIT ? 'bulk' : 'trace') : choice;
        set({
          status: 'running',
          progress: { phase: 'validating', done: 0, total: 0, fraction: 0, simulatedSeconds: 0 },
          startedAt: now(),
          message: null,
          errors: [],
          summary: null,
          scenarioAtRun: scenario,
          filter: { kind: 'all', connection: null },
          viewCount: 0,
          cursor: -1,
          current: null,
          hops: [],
          playing: false,
        });
        // A new run has no packet chosen yet: the packet inspector gives way to the element's.
        const app = useAppStore.getState();
        if (app.rightPanel === 'packet') app.showPanel('element');
        const onProgress = worker.progress((progress: RunProgress) => {
          if (get().status === 'running' && mine === paging.runSerial) set({ progress });
        });
        try {
          const summary = await worker.call(
            (r) => r.runAndKeep(scenario, { mode }, onProgress) as Promise<KeptSummary | InvalidInput>,
          );
          // A reset while the run was under way: its answer is for nobody.
          if (mine !== paging.runSerial) return;
          if (!summary.valid) {
            set({
              status: 'invalid',
              errors: summary.errors,
              message: 'The scenario has errors; the simulation runs only a valid scenario.',
              finishedAt: now(),
            });
            return;
          }
          set({ status: 'done', summary, viewCount: summary.eventCount, progress: null, finishedAt: now() });
        } catch (error) {
          if (mine === paging.runSerial) failed(error);
        }
      },

      cancel() {
        if (get().status !== 'running') return;
        worker.cancel();
        const seconds = ((now() - get().startedAt) / 1000).toFixed(1);
        set({
          status: 'cancelled',
          message: `Run cancelled after ${seconds} s. The worker was stopped; Run starts a fresh one.`,
          progress: null,
          summary: null,
          finishedAt: now(),
        });
      },

      setModeChoice: (modeChoice) => set({ modeChoice }),

      async setFilter(partial) {
        const filter = { ...get().filter, ...partial };
        stopTimer();
        resetView();
        const gen = paging.generation;
        const currentIndex = get().current?.index ?? null;
        set({ filter, playing: false });
        if (get().summary === null) return;
        try {
          const f = filterOf(filter);
          const viewCount = await worker.call((r) => r.count(f));
          // Another filter, run or reset since: this count is of a view no longer shown.
          if (gen !== paging.generation) return;
          set({ viewCount, cursor: -1 });
          // Keep the event in view if it passes the new filter; else start before the first row.
          if (currentIndex !== null) {
            const position = await worker.call((r) => r.find(currentIndex, 1, f));
            const row =
              position < 0 ? undefined : (await fetchPage(Math.floor(position / PAGE_SIZE)))[position % PAGE_SIZE];
            if (gen !== paging.generation) return;
            if (row !== undefined && row.index === currentIndex) set({ cursor: position });
            else set({ current: null, hops: [] });
          }
        } catch (error) {
          failed(error);
        }
      },

      async seek(position, options = {}) {
        const s = get();
        if (s.summary === null || s.viewCount === 0) return;
        const target = Math.max(0, Math.min(s.viewCount - 1, position));
        const serial = ++paging.seekSerial;
        if (!options.keepPlaying) stopTimer();
        try {
          const rows = await fetchPage(Math.floor(target / PAGE_SIZE));
          const row = rows[target % PAGE_SIZE] ?? null;
          if (serial !== paging.seekSerial || row === null) return;
          const previousPacket = get().hops[0]?.event.packet?.id;
          const samePacket = row.event.packet !== null && row.event.packet.id === previousPacket;
          const speed = get().speed;
          set({
            cursor: target,
            current: row,
            stepStartedAt: options.animate ? now() : now() - 1e6,
            stepMs: stepDuration(row, speed),
            ...(options.keepPlaying ? {} : { playing: false }),
            ...(row.event.packet === null ? { hops: [] } : {}),
            ...(options.focus ? { focusSerial: get().focusSerial + 1 } : {}),
          });
          useAppStore.getState().showPanel('packet');
          if (row.event.packet !== null && !samePacket) {
            const hops = await worker.call((r) => r.packetHops(row.index));
            if (serial === paging.seekSerial) set({ hops });
          }
          if (get().playing) schedule();
        } catch (error) {
          failed(error);
        }
      },

      step: (delta) => {
        const s = get();
        const from = s.cursor < 0 ? (delta === 1 ? -1 : s.viewCount) : s.cursor;
        return s.seek(from + delta, { animate: true });
      },

      play() {
        const s = get();
        if (s.summary === null || s.viewCount === 0) return;
        set({ playing: true });
        const start = s.cursor < 0 || s.cursor >= s.viewCount - 1 ? 0 : s.cursor + 1;
        void get().seek(start, { animate: true, keepPlaying: true });
      },

      pause() {
        stopTimer();
        set({ playing: false });
      },

      setSpeed(speed) {
        set({ speed });
        const row = get().current;
        set({ stepMs: stepDuration(row, speed) });
        if (get().playing) schedule();
      },

      async nextDrop() {
        const s = get();
        if (s.summary === null) return;
        const from = s.current === null ? 0 : s.current.index + 1;
        const f = filterOf(s.filter);
        try {
          const position = await worker.call((r) => r.find(from, 1, f, true));
          if (position >= 0) await get().seek(position, { animate: true, focus: true });
        } catch (error) {
          failed(error);
        }
      },

      async seekEvent(index) {
        try {
          const locate = async (): Promise<number> => {
            const position = await worker.call((r) => r.find(index, 1, filterOf(get().filter)));
            if (position < 0) return -1;
            const row = (await fetchPage(Math.floor(position / PAGE_SIZE)))[position % PAGE_SIZE];
            return row?.index === index ? position : -1;
          };
          let position = await locate();
          if (position < 0) {
            await get().setFilter({ kind: 'all', connection: null });
            position = await locate();
          }
          if (position >= 0) await get().seek(position, { animate: true, focus: true });
        } catch (error) {
          failed(error);
        }
      },

      async replayConnection(id) {
        await get().setFilter({ connection: id, kind: 'all' });
        if (id !== null) get().play();
      },

      ensurePage(page) {
        if (paging.pages.has(page) || paging.loading.has(page) || get().summary === null) return;
        paging.loading.add(page);
        const gen = paging.generation;
        fetchPage(page)
          .catch(failed)
          .finally(() => {
            if (gen === paging.generation) paging.loading.delete(page);
          });
      },

      rowAt: (position) => paging.pages.get(Math.floor(position / PAGE_SIZE))?.[position % PAGE_SIZE],

      reset() {
        stopTimer();
        resetView();
        paging.runSerial++;
        paging.seekSerial++;
        set(initial);
      },

      setFollow: (follow) => set({ follow }),

      resultJson: () => worker.call((r) => r.resultJson()),
    };
  });

/** The page's run store. */
export const useRunStore = createRunStore();

/** The row at `position` of the current view of the page's run store (`RunState.rowAt`). */
export const rowAt = (position: number): EventRow | undefined => useRunStore.getState().rowAt(position);
