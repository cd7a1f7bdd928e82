/**
 * simulate: the service the command line and the worker call — compile a validated scenario,
 * run the engine, and judge the lesson checks (scenario-format.md "Lesson", "Result of a
 * simulation").
 *
 * Inputs: a scenario that passed validation, optional seed override, stop time, trace flag and
 *   the validation warnings to echo.
 * Outputs: the result document, key order as in the spec.
 */
import { type BulkResult, type EngineProgress, simulate } from '../engine/index';
import type { Diagnostic, LessonResult, SimulationResult } from '../engine/result';
import type { LessonCheck, Scenario } from '../scenario/types';
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
  });
  const lesson = scenario.lesson?.checks === undefined ? undefined : judgeLesson(scenario.lesson.checks, raw);
  // Rebuilt so that the keys keep the spec's order (lesson before events).
  return {
    format: raw.format,
    version: raw.version,
    seed: raw.seed,
    simulatedSeconds: raw.simulatedSeconds,
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
  });
  return { ...raw, warnings: (options.warnings ?? []).map((w) => ({ path: w.path, message: w.message })) };
}

/**
 * scenario-format.md "Lesson": a traffic check on the outcome of its connections (`all: true`
 * every one, else at least one); a probe check on the member's final `healthStatus.state`.
 */
export function judgeLesson(checks: readonly LessonCheck[], result: SimulationResult): LessonResult {
  const judged = checks.map((check) => {
    if ('traffic' in check) {
      const outcomes = result.connections.filter((c) => c.traffic === check.traffic).map((c) => c.outcome);
      const passed =
        outcomes.length > 0 &&
        (check.all === true ? outcomes.every((o) => o === check.expect) : outcomes.some((o) => o === check.expect));
      return { name: check.name, passed };
    }
    const row = result.probes.find(
      (p) => p.loadBalancer === check.loadBalancer && p.probe === check.probe && p.member === check.member,
    );
    return { name: check.name, passed: row !== undefined && row.healthStatus.state === check.expect };
  });
  return { passed: judged.every((c) => c.passed), checks: judged };
}

export type { BulkResult, EngineProgress } from '../engine/index';
export type { ConnectionResult, ProbeResult, SimulationResult } from '../engine/result';
