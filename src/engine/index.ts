/**
 * The engine's entry point: `simulate(input, options)` runs one scenario, already compiled into
 * the engine's strict input, and returns the result document (scenario-format.md "Result of a
 * simulation"). Pure: same input and seed, same result, byte for byte.
 */
import type { BulkResult } from './bulk';
import type { EngineInput } from './input';
import type { SimulationResult } from './result';
import { type SimulateOptions, Simulation } from './simulation';

export { aggregateConnections, type BulkResult, type ConnectionAggregates } from './bulk';
export type * from './input';
export type * from './result';
export type { EngineProgress, RunBudget, SimulateOptions, SimulationMode } from './simulation';
export { DEFAULT_BUDGET, TRACE_EVENT_BUDGET } from './simulation';
export type * from './trace';
export type { PacketView } from './wire';

/**
 * Trace mode (the default) returns one row per connection, and the packet events with `trace`;
 * bulk mode (`mode: 'bulk'`) makes the same decisions and returns aggregates only
 * (engine-model.md "Two ways to run").
 */
export function simulate(input: EngineInput, options: SimulateOptions & { readonly mode: 'bulk' }): BulkResult;
export function simulate(
  input: EngineInput,
  options: SimulateOptions & { readonly mode?: 'trace' | undefined },
): SimulationResult;
export function simulate(input: EngineInput, options: SimulateOptions): SimulationResult | BulkResult;
export function simulate(input: EngineInput, options: SimulateOptions): SimulationResult | BulkResult {
  const sim = new Simulation(input, options);
  return options.mode === 'bulk' ? sim.runBulk() : sim.run();
}
