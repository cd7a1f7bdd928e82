/**
 * sched: the discrete-event core (engine-model.md "Time and TCP").
 *
 * Inputs: events pushed with a time (integer microseconds) and a phase.
 * Outputs: events popped in order (time, phase, sequence).
 * Invariants: time is an integer number of microseconds and never goes backwards; at one instant,
 *   scenario events run before probes, probes before traffic, traffic before packets in flight
 *   (engine-model.md: "Events at the same instant run in this order"), and within one phase in the
 *   order they were scheduled (the sequence number). The queue is a binary heap: push and pop are
 *   O(log n), so a run of a million events stays fast.
 */

/** The same-instant order of engine-model.md "Time and TCP". */
export const PHASE = { scenario: 0, probe: 1, traffic: 2, packet: 3 } as const;
export type Phase = (typeof PHASE)[keyof typeof PHASE];

export const MICROS_PER_SECOND = 1_000_000;

export interface Scheduled<T> {
  readonly time: number;
  readonly phase: Phase;
  readonly seq: number;
  readonly payload: T;
}

function precedes<T>(left: Scheduled<T>, right: Scheduled<T>): boolean {
  if (left.time !== right.time) return left.time < right.time;
  if (left.phase !== right.phase) return left.phase < right.phase;
  return left.seq < right.seq;
}

/** Places `entry` at `i` or below, moving earlier children up: the heap's one sift-down. */
function siftDown<T>(heap: Scheduled<T>[], start: number, entry: Scheduled<T>): void {
  const n = heap.length;
  let i = start;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= n) break;
    const right = left + 1;
    let child = left;
    if (right < n && precedes(heap[right] as Scheduled<T>, heap[left] as Scheduled<T>)) child = right;
    const c = heap[child] as Scheduled<T>;
    if (!precedes(c, entry)) break;
    heap[i] = c;
    i = child;
  }
  heap[i] = entry;
}

type Entry<T> = { -readonly [K in keyof Scheduled<T>]: Scheduled<T>[K] };

/** How many popped entries the queue keeps for reuse (a run's steady churn needs a handful). */
const SPARE_LIMIT = 1024;

export class EventQueue<T> {
  private readonly heap: Scheduled<T>[] = [];
  /** Entries handed back by `recycle`, reused by the next pushes (no allocation per event). */
  private readonly spare: Entry<T>[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  /**
   * Reserves `count` consecutive sequence numbers for events pushed later with `pushReserved`: they
   * order as if they had been pushed now (a traffic's connections are opened one by one, so that a
   * run of a million connections does not hold a million pending events, yet keep the order of
   * scheduling them all at the start).
   */
  reserve(count: number): number {
    const base = this.nextSeq;
    this.nextSeq += count;
    return base;
  }

  push(time: number, phase: Phase, payload: T): void {
    this.pushReserved(time, phase, this.nextSeq++, payload);
  }

  pushReserved(time: number, phase: Phase, seq: number, payload: T): void {
    if (!Number.isInteger(time) || time < 0) throw new RangeError(`event time must be whole microseconds, got ${time}`);
    let entry = this.spare.pop();
    if (entry === undefined) entry = { time, phase, seq, payload };
    else {
      entry.time = time;
      entry.phase = phase;
      entry.seq = seq;
      entry.payload = payload;
    }
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Scheduled<T>;
      if (!precedes(entry, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  /**
   * Drops every event whose payload `keep` refuses and restores the heap: the others pop in the
   * same order as before (the order is total: time, phase, sequence).
   */
  compact(keep: (payload: T) => boolean): void {
    const heap = this.heap;
    let n = 0;
    for (const e of heap) if (keep(e.payload)) heap[n++] = e;
    heap.length = n;
    for (let start = (n >> 1) - 1; start >= 0; start--) siftDown(heap, start, heap[start] as Scheduled<T>);
  }

  peek(): Scheduled<T> | undefined {
    return this.heap[0];
  }

  /**
   * Hands back an entry popped and no longer read: a later push reuses it. The caller must hold
   * no other reference to it.
   */
  recycle(entry: Scheduled<T>): void {
    if (this.spare.length < SPARE_LIMIT) this.spare.push(entry as Entry<T>);
  }

  pop(): Scheduled<T> | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop() as Scheduled<T>;
    if (heap.length > 0) siftDown(heap, 0, last);
    return top;
  }
}

/** Seconds (as written in a scenario) to whole microseconds. */
export function secondsToMicros(seconds: number): number {
  return Math.round(seconds * MICROS_PER_SECOND);
}

/** Microseconds to seconds for the result: at most six decimals by construction. */
export function microsToSeconds(micros: number): number {
  return micros / MICROS_PER_SECOND;
}

/** Microseconds to milliseconds rounded to three decimals (`handshakeMs`). */
export function microsToMillis(micros: number): number {
  return Math.round(micros) / 1000;
}
