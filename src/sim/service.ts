/**
 * service: the one small object the worker exposes (the project's style, PROXX + comlink: "the worker
 * exposes one small service"), also usable directly in Node (the command line, the tests).
 *
 * Inputs: a scenario as JSON text or as a parsed value (untrusted: it is validated here through
 *   `loadScenarioValue`/`loadScenarioText`, the one pipeline of src/scenario), and run options.
 * Outputs: plain, structured-cloneable data: the result document (trace mode), the bulk result
 *   (`mode: 'bulk'`), or `{ valid: false, errors, warnings }` for input with any error.
 * Invariants: `run` keeps no state between calls; the same input and options give the same result,
 *   byte for byte, directly or through the worker.
 *
 * The kept run (`runAndKeep`, then `page`, `find`, `packetHops`, `resultJson`): the canvas needs
 * every packet event of a run, and a run can record millions. Copying them to the page would block
 * it (issue 6: no main-thread task over 50 ms), so the service keeps the last run's events here, in
 * the worker, with a few indexes built once (the filtered views, each packet's previous and next
 * event), and the page asks for the rows it shows. One run is kept at a time; a new one replaces it.
 *
 * Progress (`onProgress`, a comlink `proxy` from the page; optional on `run` and `runAndKeep`): the
 * engine reports every few thousand handled events (`SimulateOptions.onProgress`, counted in
 * events, never by a clock); here, where a clock is allowed, at most one report per
 * `PROGRESS_INTERVAL_MS` goes to the page, plus the first and the last. Each carries `fraction`,
 * the whole call's share done (0–1): connections ended (bulk; and opened, in trace mode) or
 * simulated time against `until`, then, for a kept trace run, the indexing of its events.
 */
import type { BulkResult, EngineProgress, PacketView, SimulationResult, TraceEvent } from '../engine/index';
import type { ExperimentSpec } from '../scenario/experiment';
import { type Diagnostic, type LoadOutcome, loadScenarioText, loadScenarioValue } from '../scenario/index';
import {
  type ExperimentInvalid,
  type ExperimentProgressListener,
  type ExperimentResult,
  runExperiment,
} from './experiment';
import { type RunOptions, runScenario, runScenarioBulk } from './simulate';

export interface ServiceOptions extends Omit<RunOptions, 'warnings' | 'onProgress'> {
  /** `trace` (default): one row per connection; `bulk`: aggregates only. */
  readonly mode?: 'trace' | 'bulk' | undefined;
}

export interface InvalidInput {
  readonly valid: false;
  readonly errors: readonly Diagnostic[];
  readonly warnings: readonly Diagnostic[];
}

export type ServiceResult = SimulationResult | BulkResult | InvalidInput;

export interface SimService {
  /**
   * Validates and simulates `input` (JSON text, or a parsed scenario value). `onProgress`, when
   * given, is called as in `runAndKeep` (phases `validating`, `simulating`, `done`).
   */
  run(input: unknown, options?: ServiceOptions, onProgress?: ProgressListener): ServiceResult;
  /**
   * Like `run`, but keeps the result and its packet events here and answers with a summary (no
   * events): the page then reads the events through `page`. Trace mode records events always.
   * `onProgress` is called at most every `PROGRESS_INTERVAL_MS` (through comlink: a proxy).
   */
  runAndKeep(input: unknown, options?: ServiceOptions, onProgress?: ProgressListener): KeptSummary | InvalidInput;
  /** How many events of the kept run pass `filter`. */
  count(filter?: EventFilter): number;
  /** Rows `from` … `from + count - 1` of the kept run's events that pass `filter`. */
  page(from: number, count: number, filter?: EventFilter): EventRow[];
  /**
   * The position in the `filter` view of the first event at or after event `index` (`direction`
   * 1), or at or before it (-1); with `drops`, only drops count. -1 when there is none.
   */
  find(index: number, direction: 1 | -1, filter?: EventFilter, drops?: boolean): number;
  /** Every event of the packet that event `index` carries, in order (empty without a packet). */
  packetHops(index: number): EventRow[];
  /** The kept result as `sim --json` prints it (events left out: that is `--trace`). */
  resultJson(): string | null;
  /** Forgets the kept run. */
  release(): void;
  /**
   * Answers at once when the worker is free (the page's watchdog asks when it has heard nothing
   * for seconds during a call: no answer means the worker is gone).
   */
  ping(): true;

  // Analysis views (issue 8; additive: the calls above are unchanged).
  /**
   * A distribution experiment (src/sim/experiment.ts): the scenario's variant for `spec` run in
   * bulk mode once per hash mode, with connections per member, the spread and the remap fractions.
   * Keeps nothing: the kept run, if any, stays as it was. `onProgress` is told as each run starts,
   * how far the engine is within it (at most every `PROGRESS_INTERVAL_MS`), and at the end.
   */
  experiment(
    input: unknown,
    spec: ExperimentSpec,
    onProgress?: ExperimentProgressListener,
  ): ExperimentResult | ExperimentInvalid;
  /**
   * The kept run's probe attempts (each verdict, success or failure, in time order), at most
   * `limit` of them; `total` says how many there were. Empty for a bulk run (no trace).
   */
  probeAttempts(limit?: number): ProbeAttempts;
  /**
   * The position in the `filter` view of the first event at or after `seconds` (the last event
   * when none is that late); -1 when the view is empty. For seeking playback to a time.
   */
  findTime(seconds: number, filter?: EventFilter): number;
}

/** One probe attempt's verdict, from the kept trace (`state` event with a `probe` decision). */
export interface ProbeAttempt {
  /** The event's index in the whole trace. */
  readonly index: number;
  readonly at: number;
  readonly loadBalancer: string;
  readonly probe: string;
  readonly member: string;
  readonly ok: boolean;
  /** The failure's reason code (`PROBE_TIMEOUT`, `VM_STOPPED` …); null on success. */
  readonly code: string | null;
}

export interface ProbeAttempts {
  readonly attempts: ProbeAttempt[];
  readonly total: number;
}

/** Enough attempts for a timeline of a long run (members × duration / interval). */
export const MAX_PROBE_ATTEMPTS = 50_000;

/** Which events a view shows: by kind of traffic and by connection id (`web01-to-vip#0`). */
export interface EventFilter {
  /** `data`: connections' packets; `probes`: health probes; `drops`: dropped packets only. */
  readonly kind?: 'all' | 'data' | 'probes' | 'drops' | undefined;
  readonly connection?: string | null | undefined;
}

export interface EventRow {
  /** The event's index in the whole trace. */
  readonly index: number;
  readonly event: TraceEvent;
  /** Where this event's packet was at its previous event (null: the packet starts here). */
  readonly from: string | null;
}

/** A dropped packet, for the marks on the canvas (kept apart so the page needs no events). */
export interface DropMark {
  readonly index: number;
  readonly at: number;
  readonly element: string;
  readonly connection: string | null;
  readonly code: string;
  readonly detail: string;
  readonly packet: PacketView | null;
  /**
   * `TCP_SYNACK_MISMATCH`: the 4-tuple the connecting socket expected the SYN-ACK to carry
   * (engine-model.md step 14), beside `packet`, the one that arrived.
   */
  readonly expected: { readonly src: string; readonly dst: string } | null;
}

export interface RunProgress {
  readonly phase: 'validating' | 'simulating' | 'indexing' | 'done';
  /** Simulating: connections ended so far, of `total`; indexing: events indexed, of `total`. */
  readonly done: number;
  readonly total: number;
  /** The share of the whole call done, 0–1 (monotone within one call). */
  readonly fraction: number;
  /** Simulated seconds reached so far (0 before the engine starts). */
  readonly simulatedSeconds: number;
}
export type ProgressListener = (progress: RunProgress) => unknown;

export interface KeptSummary {
  readonly valid: true;
  readonly mode: 'trace' | 'bulk';
  /** The result without its events (trace mode), or the bulk result. */
  readonly result: SimulationResult | BulkResult;
  readonly eventCount: number;
  /** The first `MAX_DROP_MARKS` drops, and how many there were in all. */
  readonly drops: DropMark[];
  readonly dropCount: number;
}

/** Enough for the marks of any run one watches; a bigger run says how many it left out. */
export const MAX_DROP_MARKS = 5000;
/**
 * Four reports a second: each one is a frame the page draws, and at ten a second the page's main
 * thread was busy 2.5 times as long during a bulk run (bench/run.bench.ts) for no visible gain.
 */
export const PROGRESS_INTERVAL_MS = 250;
/** A kept trace run: the share of its progress bar the simulation takes (the rest is indexing). */
export const SIMULATING_SHARE = 0.85;

/**
 * How far the engine is, 0–1, from its counters: in bulk mode the connections ended; in trace
 * mode half for each connection opened and half for each ended (a long connection moves the bar
 * when it opens); at least the simulated time's share of `until` (or of the time budget when
 * there is no `until` or it lies beyond), and at least the handled events' share of the event
 * budget, so that a run its budget will stop never sits still. Below 1 until the end.
 */
export function engineFraction(p: EngineProgress, mode: 'trace' | 'bulk'): number {
  if (p.done) return 1;
  const total = p.connectionsTotal;
  const byConnections =
    total === 0
      ? 0
      : mode === 'bulk'
        ? p.connectionsDone / total
        : (p.connectionsOpened + p.connectionsDone) / (2 * total);
  const timeCap = p.untilUs === null ? p.timeBudgetUs : Math.min(p.untilUs, p.timeBudgetUs);
  const byTime = timeCap > 0 ? p.simulatedUs / timeCap : 0;
  const byEvents = p.eventBudget > 0 ? p.events / p.eventBudget : 0;
  return Math.min(0.999, Math.max(0, byConnections, byTime, byEvents));
}

/**
 * Throttles reports to the page: those forced (each phase's start, the end) and at most one per
 * `PROGRESS_INTERVAL_MS` of `clock` between them.
 */
export function throttleProgress(
  onProgress: ProgressListener | undefined,
  clock: () => number = Date.now,
): (p: RunProgress, force?: boolean) => void {
  let last = Number.NEGATIVE_INFINITY;
  let fraction = 0;
  return (progress, force = false) => {
    if (onProgress === undefined) return;
    const now = clock();
    if (!force && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    // Never backwards within one call (the phases' shares are estimates).
    fraction = Math.max(fraction, progress.fraction);
    onProgress({ ...progress, fraction });
  };
}

/** A kept run: the events and the indexes the page's queries use. */
interface Kept {
  readonly result: SimulationResult | BulkResult;
  readonly events: readonly TraceEvent[];
  /** Per event: the index of the previous / next event of the same packet, or -1. */
  readonly previous: Int32Array;
  readonly next: Int32Array;
  /** Filtered views built on first use, keyed by `filterKey`. */
  readonly views: Map<string, Int32Array>;
}

const filterKey = (f: EventFilter | undefined): string => `${f?.kind ?? 'all'}|${f?.connection ?? ''}`;

const isProbe = (e: TraceEvent): boolean => e.connection?.startsWith('probe:') === true;

function passes(e: TraceEvent, f: EventFilter): boolean {
  if (f.connection != null && f.connection !== '' && e.connection !== f.connection) return false;
  switch (f.kind ?? 'all') {
    case 'data':
      return e.connection !== null && !isProbe(e);
    case 'probes':
      return isProbe(e);
    case 'drops':
      return e.kind === 'drop';
    default:
      return true;
  }
}

/** The SYN-ACK the connecting socket waited for: from its remote end to its local end. */
function expectedTuple(e: TraceEvent): DropMark['expected'] {
  if (e.reason?.code !== 'TCP_SYNACK_MISMATCH' || e.decision?.kind !== 'socket') return null;
  return { src: e.decision.remote, dst: e.decision.local };
}

function toDropMark(e: TraceEvent, index: number): DropMark {
  return {
    index,
    at: e.at,
    element: e.element,
    connection: e.connection,
    code: e.reason?.code ?? 'DROPPED',
    detail: e.reason?.detail ?? '',
    packet: e.packet,
    expected: expectedTuple(e),
  };
}

/** A probe verdict event as a `ProbeAttempt` (its element is `probe:<lb>/<probe>`), else null. */
function probeAttemptOf(e: TraceEvent, index: number): ProbeAttempt | null {
  if (e.kind !== 'state' || e.decision?.kind !== 'probe') return null;
  const slash = e.element.indexOf('/');
  const loadBalancer = e.element.startsWith('probe:') && slash > 0 ? e.element.slice('probe:'.length, slash) : '';
  // `success`, or `failure; member now down` when the verdict changed the member's state.
  const ok = e.decision.result.startsWith('success');
  return {
    index,
    at: e.at,
    loadBalancer,
    probe: e.decision.probe,
    member: e.decision.member,
    ok,
    code: ok ? null : (e.reason?.code ?? null),
  };
}

/** `SimService.experiment` (no kept state): the same pipeline for the input as `run`. */
function experimentOn(
  input: unknown,
  spec: ExperimentSpec,
  onProgress?: ExperimentProgressListener,
): ExperimentResult | ExperimentInvalid {
  const loaded: LoadOutcome = typeof input === 'string' ? loadScenarioText(input) : loadScenarioValue(input);
  if (loaded.scenario === null || loaded.errors.length > 0) {
    return { valid: false, errors: loaded.errors, warnings: loaded.warnings };
  }
  if (onProgress === undefined) return runExperiment(loaded.scenario, spec);
  // Each run's start and the end always go to the page; between them, one report per interval.
  let last = Number.NEGATIVE_INFINITY;
  return runExperiment(loaded.scenario, spec, (p) => {
    const now = Date.now();
    if (p.fraction !== 0 && p.mode !== null && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    onProgress(p);
  });
}

export function createSimService(): SimService {
  let kept: Kept | null = null;

  /** Validates and runs; engine progress goes to `report` scaled to `share` of the bar. */
  const simulateReporting = (
    input: unknown,
    options: ServiceOptions,
    report: (p: RunProgress, force?: boolean) => void,
    share: number,
  ): ServiceResult => {
    report({ phase: 'validating', done: 0, total: 0, fraction: 0, simulatedSeconds: 0 }, true);
    const loaded: LoadOutcome = typeof input === 'string' ? loadScenarioText(input) : loadScenarioValue(input);
    if (loaded.scenario === null || loaded.errors.length > 0) {
      return { valid: false, errors: loaded.errors, warnings: loaded.warnings };
    }
    const mode = options.mode === 'bulk' ? 'bulk' : 'trace';
    const onProgress = (p: EngineProgress) =>
      report({
        phase: 'simulating',
        done: p.connectionsDone,
        total: p.connectionsTotal,
        fraction: share * engineFraction(p, mode),
        simulatedSeconds: p.simulatedUs / 1_000_000,
      });
    report({ phase: 'simulating', done: 0, total: 0, fraction: 0, simulatedSeconds: 0 }, true);
    const run = {
      seed: options.seed,
      until: options.until,
      trace: options.trace,
      warnings: loaded.warnings,
      onProgress,
      progressEvery: options.progressEvery,
      budget: options.budget,
    };
    return mode === 'bulk' ? runScenarioBulk(loaded.scenario, run) : runScenario(loaded.scenario, run);
  };

  const view = (filter: EventFilter | undefined): Int32Array | null => {
    if (kept === null) return null;
    const key = filterKey(filter);
    if (key === 'all|') return null;
    const cached = kept.views.get(key);
    if (cached !== undefined) return cached;
    const f = filter ?? {};
    const matches: number[] = [];
    kept.events.forEach((e, i) => {
      if (passes(e, f)) matches.push(i);
    });
    const built = Int32Array.from(matches);
    kept.views.set(key, built);
    return built;
  };

  const row = (k: Kept, index: number): EventRow => {
    const event = k.events[index] as TraceEvent;
    const before = k.previous[index] ?? -1;
    return { index, event, from: before < 0 ? null : (k.events[before]?.element ?? null) };
  };

  return {
    run(input, options = {}, onProgress) {
      const report = throttleProgress(onProgress);
      const result = simulateReporting(input, options, report, 1);
      if (!('valid' in result)) {
        report({ phase: 'done', done: 0, total: 0, fraction: 1, simulatedSeconds: result.simulatedSeconds }, true);
      }
      return result;
    },

    runAndKeep(input, options = {}, onProgress) {
      kept = null;
      const report = throttleProgress(onProgress);
      const bulk = options.mode === 'bulk';
      const share = bulk ? 1 : SIMULATING_SHARE;
      const result = simulateReporting(input, { ...options, trace: !bulk }, report, share);
      if ('valid' in result) return result;
      const seconds = result.simulatedSeconds;
      const events: readonly TraceEvent[] = 'events' in result && result.events !== undefined ? result.events : [];
      const total = events.length;
      const previous = new Int32Array(total).fill(-1);
      const next = new Int32Array(total).fill(-1);
      const lastOf = new Map<number, number>();
      const drops: DropMark[] = [];
      let dropCount = 0;
      for (let i = 0; i < total; i++) {
        const e = events[i] as TraceEvent;
        if (e.packet !== null) {
          const before = lastOf.get(e.packet.id);
          if (before !== undefined) {
            previous[i] = before;
            next[before] = i;
          }
          lastOf.set(e.packet.id, i);
        }
        if (e.kind === 'drop') {
          dropCount++;
          if (drops.length < MAX_DROP_MARKS) drops.push(toDropMark(e, i));
        }
        if ((i & 0xfff) === 0) {
          const fraction = share + ((1 - share) * i) / total;
          report({ phase: 'indexing', done: i, total, fraction, simulatedSeconds: seconds });
        }
      }
      let summaryResult: SimulationResult | BulkResult = result;
      if ('events' in result) {
        const { events: _events, ...rest } = result;
        summaryResult = rest;
      }
      kept = { result: summaryResult, events, previous, next, views: new Map() };
      report({ phase: 'done', done: total, total, fraction: 1, simulatedSeconds: seconds }, true);
      return { valid: true, mode: bulk ? 'bulk' : 'trace', result: summaryResult, eventCount: total, drops, dropCount };
    },

    count(filter) {
      if (kept === null) return 0;
      return view(filter)?.length ?? kept.events.length;
    },

    page(from, count, filter) {
      const k = kept;
      if (k === null) return [];
      const v = view(filter);
      const size = v?.length ?? k.events.length;
      const rows: EventRow[] = [];
      for (let p = Math.max(0, from); p < Math.min(size, from + count); p++)
        rows.push(row(k, v === null ? p : (v[p] as number)));
      return rows;
    },

    find(index, direction, filter, drops = false) {
      const k = kept;
      if (k === null) return -1;
      const v = view(filter);
      const size = v?.length ?? k.events.length;
      const at = (p: number) => (v === null ? p : (v[p] as number));
      // The first position whose event index is ≥ index (binary search: views are sorted).
      let lo = 0;
      let hi = size;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (at(mid) < index) lo = mid + 1;
        else hi = mid;
      }
      let p = direction === 1 ? lo : lo < size && at(lo) === index ? lo : lo - 1;
      while (p >= 0 && p < size) {
        if (!drops || k.events[at(p)]?.kind === 'drop') return p;
        p += direction;
      }
      return -1;
    },

    packetHops(index) {
      const k = kept;
      if (k === null || k.events[index]?.packet == null) return [];
      let first = index;
      while ((k.previous[first] ?? -1) >= 0) first = k.previous[first] as number;
      const rows: EventRow[] = [];
      for (let i = first; i >= 0; i = k.next[i] ?? -1) rows.push(row(k, i));
      return rows;
    },

    resultJson() {
      return kept === null ? null : JSON.stringify(kept.result, null, 2);
    },

    release() {
      kept = null;
    },

    ping: () => true,

    experiment: experimentOn,

    probeAttempts(limit = MAX_PROBE_ATTEMPTS) {
      const k = kept;
      if (k === null) return { attempts: [], total: 0 };
      const attempts: ProbeAttempt[] = [];
      let total = 0;
      // The probes view holds every probe event (packets too); verdicts are one per attempt.
      const v = view({ kind: 'probes' });
      const size = v?.length ?? 0;
      for (let p = 0; p < size; p++) {
        const i = v?.[p] as number;
        const attempt = probeAttemptOf(k.events[i] as TraceEvent, i);
        if (attempt === null) continue;
        total++;
        if (attempts.length < limit) attempts.push(attempt);
      }
      return { attempts, total };
    },

    findTime(seconds, filter) {
      const k = kept;
      if (k === null) return -1;
      const v = view(filter);
      const size = v?.length ?? k.events.length;
      if (size === 0) return -1;
      const at = (p: number) => (k.events[v === null ? p : (v[p] as number)] as TraceEvent).at;
      // Events are recorded in time order, so every view is sorted by time too.
      let lo = 0;
      let hi = size;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (at(mid) < seconds) lo = mid + 1;
        else hi = mid;
      }
      return Math.min(lo, size - 1);
    },
  };
}

/** The trace vocabulary the page reads through the kept run (types only). */
export type { Decision, PacketView, Reason, TraceEvent } from '../engine/index';
export type { ExperimentSpec, Population } from '../scenario/experiment';
/** The analysis views' vocabulary (types only). */
export type { ExperimentInvalid, ExperimentProgress, ExperimentResult, ModeOutcome, RemapOutcome } from './experiment';
