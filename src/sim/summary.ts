/**
 * summary: a result as short, readable text, one fact a line, for the stored pins of
 * `pinned.test.ts`: when a rule changes, the failing test shows which connections, probes or checks
 * changed, as a diff of these lines, instead of saying only that a hash differs.
 *
 * Inputs: a trace-mode `SimulationResult` (`summariseResult`) or a bulk `BulkResult`
 *   (`summariseBulkResult`).
 * Outputs: text lines ending in a newline. Per traffic entry, one line per connection: its
 *   indices, source address, backend, outcome, reason code and the element (and rule) where it
 *   failed, HTTP status, and how it closed; consecutive connections with the same line are one
 *   line with a count (`0–36 ×37`). Per probe and member, the final health status with its reason
 *   code, the last failure, and each transition (time, up or down). The flows per rule and member,
 *   the lesson checks with their verdict and detail, `stopped` and warnings when present, and for a
 *   trace with events, the events per kind and the drops per reason and element. A bulk result has
 *   its aggregates instead of rows.
 * Invariants: pure and deterministic (a function of the result alone: no clock, no paths); numbers
 *   print as the result holds them (times already have at most six decimals), never recomputed.
 *   Per-connection times (source port, handshake, a close by the client) are left out, so that
 *   identical connections group; the hashes beside the pins guard those bytes.
 */
import type { BulkResult } from '../engine/bulk';
import type {
  ConnectionResult,
  Diagnostic,
  LessonResult,
  ProbeResult,
  RunStopped,
  SimulationResult,
} from '../engine/result';
import type { Reason, TraceEvent } from '../engine/trace';

/** `NSG_DENY at nsg:nsg-web (Inbound securityRule deny-onprem)`. */
function formatReason(r: Reason): string {
  const rule = r.rule === null ? '' : ` (${r.rule.direction} ${r.rule.kind} ${r.rule.name})`;
  return `${r.code} at ${r.at}${rule}`;
}

/** The source address without its port (ports differ per connection; a hash pin guards them). */
function sourceAddress(c: ConnectionResult): string {
  if (c.source === null) return 'not opened';
  return c.protocol === 'Icmp' ? c.source : c.source.slice(0, c.source.lastIndexOf(':'));
}

/** A connection's line, without its index. */
function connectionLine(c: ConnectionResult): string {
  const parts = [`${sourceAddress(c)} → ${c.backend ?? 'no backend'}`, c.outcome];
  if (c.reason !== null) parts.push(formatReason(c.reason));
  if (c.http !== null) parts.push(`HTTP ${c.http.path} ${c.http.status}`);
  if (c.closed !== null) {
    // A client's close is scripted (duration, request done); any other closer's time is a rule's.
    const at = c.closed.by === 'client' ? '' : ` at ${c.closed.at} s`;
    const why = c.closed.reason === null ? '' : `: ${formatReason(c.closed.reason)}`;
    parts.push(`closed by ${c.closed.by}${at}${why}`);
  }
  return parts.join(', ');
}

/** `3`, or `0–36 ×37` for a run of identical lines. */
const indices = (first: number, last: number): string =>
  first === last ? `${first}` : `${first}–${last} ×${last - first + 1}`;

function trafficLines(connections: readonly ConnectionResult[]): string[] {
  const out: string[] = [];
  let traffic: string | null = null;
  let run: { first: number; last: number; line: string } | null = null;
  const flush = () => {
    if (run !== null) out.push(`  ${indices(run.first, run.last)}: ${run.line}`);
    run = null;
  };
  for (const c of connections) {
    const line = connectionLine(c);
    if (c.traffic !== traffic) {
      flush();
      out.push(`traffic ${c.traffic}: ${c.protocol} from ${c.from} to ${c.destination}`);
      traffic = c.traffic;
    } else if (run !== null && run.line === line) {
      run.last = c.index;
      continue;
    }
    flush();
    run = { first: c.index, last: c.index, line };
  }
  flush();
  return out;
}

function probeLines(probes: readonly ProbeResult[]): string[] {
  const out: string[] = [];
  let current = '';
  for (const p of probes) {
    const key = `${p.loadBalancer}/${p.probe}`;
    if (key !== current) {
      out.push(`probe ${key}`);
      current = key;
    }
    const last = p.lastFailure === null ? '' : `, last failure ${formatReason(p.lastFailure)}`;
    const status =
      p.healthStatus === null
        ? `${p.state} (no health status: the VM is turned off)`
        : `${p.healthStatus.state} (${p.healthStatus.reasonCode})`;
    out.push(`  ${p.member}: ${status}${last}`);
    for (const t of p.transitions) out.push(`    ${t.at} s ${t.state}`);
  }
  return out;
}

/** `ilb/http: web01-nic1 12, web02-nic1 10`, rules and members in the result's order. */
function distributionLines(distribution: Readonly<Record<string, Record<string, number>>>): string[] {
  return Object.keys(distribution).map((rule) => {
    const row = distribution[rule] as Record<string, number>;
    const members = Object.keys(row).map((m) => `${m} ${row[m]}`);
    return `distribution ${rule}: ${members.length === 0 ? 'none' : members.join(', ')}`;
  });
}

function lessonLines(lesson: LessonResult | undefined): string[] {
  if (lesson === undefined) return [];
  return [
    `lesson: ${lesson.passed ? 'passed' : 'failed'}`,
    ...lesson.checks.map(
      (c) => `  ${c.passed ? 'pass' : 'FAIL'} ${c.name}${c.detail === undefined ? '' : `: ${c.detail}`}`,
    ),
  ];
}

function headLines(
  kind: string,
  r: { seed: number; simulatedSeconds: number; stopped?: RunStopped; warnings: readonly Diagnostic[] },
): string[] {
  const s = r.stopped;
  return [
    `${kind}: seed ${r.seed}, ${r.simulatedSeconds} s simulated`,
    ...(s === undefined ? [] : [`stopped: ${s.reason}, limit ${s.limit}, at ${s.at} s, after ${s.events} events`]),
    ...r.warnings.map((w) => `warning ${w.path}: ${w.message}`),
  ];
}

/** Counts in first-seen order: `send 12, hop 40`. */
function counted(keys: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k} ${n}`).join(', ');
}

function eventLines(events: readonly TraceEvent[] | undefined): string[] {
  if (events === undefined) return [];
  const drops = events.filter((e) => e.kind === 'drop');
  const dropped = counted(drops.map((e) => (e.reason === null ? `at ${e.element}` : formatReason(e.reason))));
  return [
    `events: ${events.length}${events.length === 0 ? '' : ` (${counted(events.map((e) => e.kind))})`}`,
    ...(drops.length === 0 ? [] : [`drops: ${dropped}`]),
  ];
}

const sections = (...parts: string[][]): string =>
  `${parts
    .filter((p) => p.length > 0)
    .flatMap((p, i) => (i === 0 ? p : ['', ...p]))
    .join('\n')}\n`;

/** A trace-mode result as text (see the header). */
export function summariseResult(result: SimulationResult): string {
  return sections(
    headLines('result', result),
    trafficLines(result.connections),
    probeLines(result.probes),
    distributionLines(result.distribution),
    lessonLines(result.lesson),
    eventLines(result.events),
  );
}

/** `established 199000, reset 1000`, or `none`. */
const aggregate = (row: Readonly<Record<string, number>>): string => {
  const keys = Object.keys(row);
  return keys.length === 0 ? 'none' : keys.map((k) => `${k} ${row[k]}`).join(', ');
};

/** A bulk result as text: its aggregates, probes and distribution (see the header). */
export function summariseBulkResult(result: BulkResult): string {
  return sections(
    headLines('bulk result', result),
    [
      `connections: ${result.connections}`,
      `  outcomes: ${aggregate(result.outcomes)}`,
      `  reasons: ${aggregate(result.reasons)}`,
      `  backends: ${aggregate(result.backends)}`,
      `  http: ${aggregate(result.http)}`,
      `  closed: ${aggregate(result.closed)}`,
    ],
    probeLines(result.probes),
    distributionLines(result.distribution),
  );
}
