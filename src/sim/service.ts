/**
 * service: the one small object the worker exposes (STYLE.md, PROXX + comlink: "the worker
 * exposes one small service"), also usable directly in Node (the command line, the tests).
 *
 * Inputs: a scenario as JSON text or as a parsed value (untrusted: it is validated here through
 *   `loadScenarioValue`/`loadScenarioText`, the one pipeline of src/scenario), and run options.
 * Outputs: plain, structured-cloneable data: the result document (trace mode), the bulk result
 *   (`mode: 'bulk'`), or `{ valid: false, errors, warnings }` for input with any error.
 * Invariants: no state between calls; the same input and options give the same result, byte for
 *   byte, directly or through the worker.
 */
import type { BulkResult, SimulationResult } from '../engine/index';
import { type Diagnostic, type LoadOutcome, loadScenarioText, loadScenarioValue } from '../scenario/index';
import { type RunOptions, runScenario, runScenarioBulk } from './simulate';

export interface ServiceOptions extends Omit<RunOptions, 'warnings'> {
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
  /** Validates and simulates `input` (JSON text, or a parsed scenario value). */
  run(input: unknown, options?: ServiceOptions): ServiceResult;
}

export function createSimService(): SimService {
  return {
    run(input: unknown, options: ServiceOptions = {}): ServiceResult {
      const loaded: LoadOutcome = typeof input === 'string' ? loadScenarioText(input) : loadScenarioValue(input);
      if (loaded.scenario === null || loaded.errors.length > 0) {
        return { valid: false, errors: loaded.errors, warnings: loaded.warnings };
      }
      const run = { seed: options.seed, until: options.until, trace: options.trace, warnings: loaded.warnings };
      return options.mode === 'bulk' ? runScenarioBulk(loaded.scenario, run) : runScenario(loaded.scenario, run);
    },
  };
}
