/**
 * simulate: the service the command line and the worker call — compile a validated scenario,
 * run the engine, and judge the lesson checks (scenario-format.md "Lesson", "Result of a
 * simulation").
 *
 * Inputs: a scenario that passed validation, optional seed override, stop time, trace flag and
 *   the validation warnings to echo.
 * Outputs: the result document, key order as in the spec.
 */

import { type BulkResult, type EngineProgress, type RunBudget, simulate } from '../engine/index';
import type { ConnectionResult, Diagnostic, LessonResult, SimulationResult } from '../engine/result';
import { poolMemberNics } from '../scenario/members';
import {
  DEFAULT_EVEN_TOLERANCE,
  type DistributionCheck,
  type LessonCheck,
  lessonCheckKind,
  type ProbeCheck,
  type Scenario,
  type TrafficCheck,
} from '../scenario/types';
import { compileScenario } from './compile';

export interface RunOptions {
  /** Overrides the scenario's seed (`--seed`); echoed in the result. */
  readonly seed?: number | undefined;
  /** Stop at this many seconds (`--until`). */
  readonly until?: number | undefined;
  /** Record the packet events (`--trace`). */
  readonly trace?: boolean | undefined;
  /** Validation warnings to echo in the result. */
  readonly warnings?: readonly Diagnostic[] | undefined;
  /** The engine's progress hook (`SimulateOptions.onProgress`): read-only, counted in events. */
  readonly onProgress?: ((progress: EngineProgress) => void) | undefined;
  readonly progressEvery?: number | undefined;
  /** The engine's budget (`SimulateOptions.budget`); its defaults when absent. */
  readonly budget?: Partial<RunBudget> | undefined;
}

export function runScenario(scenario: Scenario, options: RunOptions = {}): SimulationResult {
  const input = compileScenario(scenario);
  const seed = options.seed ?? input.seed;
  const raw = simulate(input, {
    seed,
    until: options.until,
    trace: options.trace ?? false,
    onProgress: options.onProgress,
    progressEvery: options.progressEvery,
    budget: options.budget,
  });
  const lesson = scenario.lesson?.checks === undefined ? undefined : judgeLesson(scenario.lesson.checks, raw, scenario);
  // Rebuilt so that the keys keep the spec's order (lesson before events).
  return {
    format: raw.format,
    version: raw.version,
    seed: raw.seed,
    simulatedSeconds: raw.simulatedSeconds,
    ...(raw.stopped === undefined ? {} : { stopped: raw.stopped }),
    warnings: (options.warnings ?? []).map((w) => ({ path: w.path, message: w.message })),
    connections: raw.connections,
    probes: raw.probes,
    distribution: raw.distribution,
    ...(lesson === undefined ? {} : { lesson }),
    ...(raw.events === undefined ? {} : { events: raw.events }),
  };
}

/**
 * Bulk mode (engine-model.md "Two ways to run"): the same decisions as `runScenario`, with only
 * aggregates kept, for runs of up to millions of connections. No rows, so no lesson and no events.
 */
export function runScenarioBulk(scenario: Scenario, options: Omit<RunOptions, 'trace'> = {}): BulkResult {
  const input = compileScenario(scenario);
  const seed = options.seed ?? input.seed;
  const raw = simulate(input, {
    seed,
    until: options.until,
    mode: 'bulk',
    onProgress: options.onProgress,
    progressEvery: options.progressEvery,
    budget: options.budget,
  });
  return { ...raw, warnings: (options.warnings ?? []).map((w) => ({ path: w.path, message: w.message })) };
}

/**
 * scenario-format.md "Lesson": a traffic check on the outcome of its connections (`all: true`
 * every one, else at least one); a probe check on the member's final `healthStatus.state`.
 * Project extensions (docs/architecture.md "Lesson checks"): a traffic check's `reason` and
 * `closedBy`, and distribution checks, judged on the members of the rule's pool in `scenario`.
 * Every judged check carries a `detail`: one sentence saying what was seen.
 */
export function judgeLesson(
  checks: readonly LessonCheck[],
  result: SimulationResult,
  scenario?: Scenario,
): LessonResult {
  const judged = checks.map((check) => {
    const kind = lessonCheckKind(check);
    if (kind === 'traffic') return { name: check.name, ...judgeTraffic(check as TrafficCheck, result) };
    if (kind === 'probe') {
      const probe = check as ProbeCheck;
      const row = result.probes.find(
        (p) => p.loadBalancer === probe.loadBalancer && p.probe === probe.probe && p.member === probe.member,
      );
      const detail =
        row === undefined
          ? `${probe.member} is not probed by ${probe.loadBalancer}/${probe.probe}`
          : row.healthStatus === null
            ? `${probe.member} has no health status (its VM is turned off) and is probed ${row.state}`
            : `${probe.member} is ${row.healthStatus.state} (${row.healthStatus.reasonCode})`;
      // A turned-off VM shows no health status; the check reads the probe's own state then.
      const state = row?.healthStatus?.state ?? row?.state;
      return { name: check.name, passed: row !== undefined && state === probe.expect, detail };
    }
    return { name: check.name, ...judgeDistribution(check as DistributionCheck, result, scenario) };
  });
  return { passed: judged.every((c) => c.passed), checks: judged };
}

type Verdict = { passed: boolean; detail: string };

/** The reason code a connection failed with, or an established one was closed with. */
const reasonOf = (c: ConnectionResult): string | null => c.reason?.code ?? c.closed?.reason?.code ?? null;

function judgeTraffic(check: TrafficCheck, result: SimulationResult): Verdict {
  const list = result.connections.filter((c) => c.traffic === check.traffic);
  if (list.length === 0) return { passed: false, detail: `traffic ${check.traffic} opened no connection` };
  const fits = (c: ConnectionResult) =>
    c.outcome === check.expect &&
    (check.reason === undefined || reasonOf(c) === check.reason) &&
    (check.closedBy === undefined || c.closed?.by === check.closedBy) &&
    (check.closedBefore === undefined || (c.closed !== null && c.closed.at <= check.closedBefore));
  const matching = list.filter(fits).length;
  const passed = check.all === true ? matching === list.length : matching > 0;
  const wanted = [
    check.expect,
    ...(check.closedBy === undefined ? [] : [`closed by ${check.closedBy}`]),
    ...(check.closedBefore === undefined ? [] : [`closed by ${check.closedBefore} s`]),
    ...(check.reason === undefined ? [] : [check.reason]),
  ].join(', ');
  const seen = new Map<string, number>();
  for (const c of list) {
    const closed =
      c.closed === null
        ? []
        : [`closed by ${c.closed.by}${check.closedBefore === undefined ? '' : ` at ${Math.round(c.closed.at)} s`}`];
    const key = [c.outcome, ...closed, reasonOf(c) ?? ''].filter((p) => p !== '').join(', ');
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const summary = [...seen].map(([k, n]) => `${n} ${k}`).join('; ');
  return { passed, detail: `${matching} of ${list.length} connections ${wanted} (seen: ${summary})` };
}

function judgeDistribution(check: DistributionCheck, result: SimulationResult, scenario?: Scenario): Verdict {
  const lb = scenario?.loadBalancers?.find((l) => l.name === check.loadBalancer);
  const rule = lb?.loadBalancingRules?.find((r) => r.name === check.rule);
  const pool = poolMemberNics(lb?.backendAddressPools?.find((p) => p.name === rule?.backendAddressPool));
  // Own keys only: a member named "constructor" must not find Object.prototype's.
  const key = `${check.loadBalancer}/${check.rule}`;
  const row = Object.hasOwn(result.distribution, key) ? (result.distribution[key] as Record<string, number>) : {};
  const members = check.members ?? (pool.length > 0 ? pool : Object.keys(row));
  const count = (member: string): number =>
    check.traffic === undefined
      ? Object.hasOwn(row, member)
        ? (row[member] as number)
        : 0
      : result.connections.filter((c) => c.traffic === check.traffic && c.backend === member).length;
  const counts = members.map((m) => [m, count(m)] as const);
  const total = counts.reduce((sum, [, n]) => sum + n, 0);
  const seen = `${counts.map(([m, n]) => `${m} ${n}`).join(', ')}${check.traffic === undefined ? '' : ` (traffic ${check.traffic})`}`;
  if (members.length === 0) return { passed: false, detail: `rule ${check.loadBalancer}/${check.rule} has no member` };
  switch (check.expect) {
    case 'allMembers': {
      const idle = counts.filter(([, n]) => n === 0).map(([m]) => m);
      return {
        passed: idle.length === 0,
        detail:
          idle.length === 0
            ? `every member received connections: ${seen}`
            : `${idle.join(', ')} received none: ${seen}`,
      };
    }
    case 'none':
      return {
        passed: total === 0,
        detail: total === 0 ? `none of ${members.join(', ')} received a connection` : `received: ${seen}`,
      };
    case 'even': {
      const tolerance = check.tolerance ?? DEFAULT_EVEN_TOLERANCE;
      const fair = total / members.length;
      const off = counts.filter(([, n]) => Math.abs(n - fair) > fair * tolerance + 1e-9).map(([m]) => m);
      const passed = total > 0 && off.length === 0;
      const band = `${Math.round(fair * (1 - tolerance) * 10) / 10}–${Math.round(fair * (1 + tolerance) * 10) / 10}`;
      return {
        passed,
        detail:
          total === 0
            ? 'no connection was placed'
            : `${seen}; a fair share is ${Math.round(fair * 10) / 10} (±${Math.round(tolerance * 100)} %: ${band})${passed ? '' : `, ${off.join(', ')} outside it`}`,
      };
    }
  }
}

export type { BulkResult, EngineProgress, RunBudget } from '../engine/index';
export type { ConnectionResult, ProbeResult, RunStopped, SimulationResult } from '../engine/result';
