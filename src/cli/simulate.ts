/**
 * Simulation from the command line: runs the validated scenario through the same service the
 * worker uses, and prints either the spec's result document (`--json`) or a table a person reads:
 * one line per connection (outcome, backend, reason, how it closed) and one per probed member.
 */
import type { LoadOutcome } from '../scenario/index';
import {
  type ConnectionResult,
  type ProbeResult,
  type RunStopped,
  runScenario,
  type SimulationResult,
} from '../sim/simulate';
import type { CliOptions } from './args';
import type { CliIo } from './run';

export async function simulateForCli(outcome: LoadOutcome, options: CliOptions, io: CliIo): Promise<number> {
  if (outcome.scenario === null) throw new Error('simulateForCli needs a valid scenario');
  const result = runScenario(outcome.scenario, {
    seed: options.seed ?? undefined,
    until: options.until ?? undefined,
    trace: options.trace,
    warnings: outcome.warnings,
    budget: io.budget,
  });
  if (options.json) {
    io.out(JSON.stringify(result, null, 2));
  } else {
    for (const w of outcome.warnings) io.err(`warning ${w.path}: ${w.message}`);
    io.out(formatResult(result, options.trace));
  }
  // Exit 0 all the same: the input was valid and the result is a result, as with `--until`; it says
  // `stopped` (and the line below says it to a person), so a script that must have the whole run
  // reads that field, while one that reads outcomes keeps working on what was simulated.
  if (result.stopped !== undefined) io.err(`sim: ${describeStop(result.stopped)}`);
  return 0;
}

const count = (n: number): string => n.toLocaleString('en');

/** One sentence on why the run stopped before its end (the result's `stopped`). */
export function describeStop(stop: RunStopped): string {
  const at = `${count(Number(stop.at.toFixed(3)))} s of simulated time`;
  const why =
    stop.reason === 'eventBudget'
      ? `The run stopped after ${count(stop.events)} events at ${at}, the most a run handles`
      : stop.reason === 'timeBudget'
        ? `The run stopped at ${at}, the most a run simulates, after ${count(stop.events)} events`
        : `The run stopped at ${at} with ${count(stop.limit)} connections under way at once, the most a run holds`;
  return `${why}; connections still under way are left as they were (never opened: pending). Fewer connections, a longer interval or dataEvery, or --until make a run that ends.`;
}

/** Pads columns to the widest cell; the last column is never padded. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const seconds = (s: number): string => `${Number(s.toFixed(3))} s`;

function describeConnection(c: ConnectionResult): string[] {
  const outcome = c.http !== null ? `${c.outcome} (HTTP ${c.http.status})` : c.outcome;
  const reason = c.reason === null ? '' : `${c.reason.code} at ${c.reason.at}: ${c.reason.detail}`;
  const closed =
    c.closed === null
      ? ''
      : `${c.closed.by} at ${seconds(c.closed.at)}${c.closed.reason ? ` (${c.closed.reason.code})` : ''}`;
  return [
    `${c.traffic}#${c.index}`,
    `${c.source ?? '-'} → ${c.destination}`,
    outcome,
    c.handshakeMs === null ? '' : `${c.handshakeMs} ms`,
    c.backend ?? '-',
    closed,
    reason,
  ];
}

function describeProbe(p: ProbeResult): string[] {
  const changes = p.transitions.map((t) => `${t.state} at ${seconds(t.at)}`).join(', ');
  const failure = p.lastFailure === null ? '' : `${p.lastFailure.code}: ${p.lastFailure.detail}`;
  const status = p.healthStatus ?? { state: p.state, reasonCode: '(empty: VM turned off)' };
  return [`${p.loadBalancer}/${p.probe}`, p.member, status.state, status.reasonCode, changes, failure];
}

export function formatResult(result: SimulationResult, trace: boolean): string {
  const parts: string[] = [];
  parts.push(`Simulated ${seconds(result.simulatedSeconds)} with seed ${result.seed}.`);
  if (result.stopped !== undefined) parts.push(`Stopped (${result.stopped.reason}): ${describeStop(result.stopped)}`);
  if (result.connections.length === 0) parts.push('\nNo traffic: add "traffic" to the scenario to open connections.');
  else {
    parts.push(
      `\nConnections (${result.connections.length})\n${formatTable(
        ['connection', 'path', 'outcome', 'handshake', 'backend', 'closed', 'reason'],
        result.connections.map(describeConnection),
      )}`,
    );
  }
  if (result.probes.length > 0) {
    parts.push(
      `\nHealth probes\n${formatTable(
        ['probe', 'member', 'health', 'reason code', 'transitions', 'last failure'],
        result.probes.map(describeProbe),
      )}`,
    );
  }
  const distribution = Object.entries(result.distribution);
  if (distribution.length > 0) {
    parts.push(
      `\nNew flows per rule and member\n${formatTable(
        ['rule', 'member', 'flows'],
        distribution.flatMap(([rule, members]) => Object.entries(members).map(([m, n]) => [rule, m, String(n)])),
      )}`,
    );
  }
  if (result.lesson !== undefined) {
    // A failed check says what it saw (its `detail`), so the table tells why without --json.
    const lines = result.lesson.checks.map(
      (c) =>
        `  ${c.passed ? 'pass' : 'FAIL'}  ${c.name}${!c.passed && c.detail !== undefined ? `\n        ${c.detail}` : ''}`,
    );
    parts.push(`\nLesson: ${result.lesson.passed ? 'every check passes' : 'not solved yet'}\n${lines.join('\n')}`);
  }
  if (trace && result.events !== undefined) {
    parts.push(`\n${result.events.length} packet events recorded (use --json to read them).`);
  }
  return parts.join('\n');
}
