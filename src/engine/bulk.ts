/**
 * bulk: the aggregates of bulk mode (engine-model.md "Two ways to run": "the same decisions for up
 * to millions of connections with only aggregates kept").
 *
 * Inputs: the fields of each finished connection that a result row would print (outcome, reason
 *   code, backend, HTTP status, how it closed), one connection at a time.
 * Outputs: `ConnectionAggregates` (counts per outcome, reason code, backend, HTTP status and close),
 *   and `aggregateConnections`, which computes the same counts from the per-connection rows of a
 *   trace-mode result: both modes count through `Aggregator.add`, so equal decisions give equal
 *   aggregates.
 * Invariants: memory is one counter per distinct key, whatever the number of connections; keys
 *   print sorted, so the same run serialises byte for byte.
 */
import type { ClosedBy, ConnectionResult, Diagnostic, Outcome, ProbeResult, RunStopped } from './result';

export interface ConnectionAggregates {
  /** How many connections the traffic asked for (every one is counted, pending ones too). */
  readonly connections: number;
  /** Connections per outcome (`pending`: still under way when the run stopped). */
  readonly outcomes: Record<string, number>;
  /** Failed connections per reason code (the code of the row's `reason`). */
  readonly reasons: Record<string, number>;
  /** Connections per chosen pool member (NIC name); `none` where no load balancer chose one. */
  readonly backends: Record<string, number>;
  /** Answered HTTP requests per status. */
  readonly http: Record<string, number>;
  /** Established connections per `closed.by`. */
  readonly closed: Record<string, number>;
}

/** What `simulate(input, { mode: 'bulk' })` returns: the result document without the rows. */
export interface BulkResult extends ConnectionAggregates {
  readonly format: 'hairpin-bulk-result';
  readonly version: 1;
  readonly seed: number;
  readonly simulatedSeconds: number;
  /** The run was stopped by its budget (result.ts `RunStopped`); absent when it ended by itself. */
  readonly stopped?: RunStopped;
  readonly warnings: Diagnostic[];
  readonly probes: ProbeResult[];
  /** New flows per rule (`lb/rule`) and member (NIC name), as in trace mode. */
  readonly distribution: Record<string, Record<string, number>>;
}

/** Where no load balancer chose a member (direct traffic, or dropped before the load balancer). */
export const NO_BACKEND = 'none';

function bump(map: Map<string, number>, key: string, count: number): void {
  map.set(key, (map.get(key) ?? 0) + count);
}

/** Keyed by names (a backend NIC may be named "__proto__"): a null-prototype object. */
function sorted(map: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = Object.create(null);
  for (const key of [...map.keys()].sort()) out[key] = map.get(key) ?? 0;
  return out;
}

export class Aggregator {
  private count = 0;
  private readonly outcomes = new Map<string, number>();
  private readonly reasons = new Map<string, number>();
  private readonly backends = new Map<string, number>();
  private readonly http = new Map<string, number>();
  private readonly closed = new Map<string, number>();

  add(
    outcome: Outcome,
    reasonCode: string | null,
    backend: string | null,
    httpStatus: number | null,
    closedBy: ClosedBy | null,
    /** How many connections finished with exactly these fields (each one counted, never assumed). */
    count = 1,
  ): void {
    this.count += count;
    bump(this.outcomes, outcome, count);
    if (reasonCode !== null) bump(this.reasons, reasonCode, count);
    bump(this.backends, backend ?? NO_BACKEND, count);
    if (httpStatus !== null) bump(this.http, String(httpStatus), count);
    if (closedBy !== null) bump(this.closed, closedBy, count);
  }

  build(): ConnectionAggregates {
    return {
      connections: this.count,
      outcomes: sorted(this.outcomes),
      reasons: sorted(this.reasons),
      backends: sorted(this.backends),
      http: sorted(this.http),
      closed: sorted(this.closed),
    };
  }
}

/** The aggregates of a trace-mode result's rows: what a bulk run of the same scenario must report. */
export function aggregateConnections(rows: readonly ConnectionResult[]): ConnectionAggregates {
  const agg = new Aggregator();
  for (const c of rows) {
    agg.add(c.outcome, c.reason?.code ?? null, c.backend, c.http?.status ?? null, c.closed?.by ?? null);
  }
  return agg.build();
}
