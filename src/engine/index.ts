/**
 * The engine's entry point: `simulate(input, options)` runs one scenario, already compiled into
 * the engine's strict input, and returns the result document (scenario-format.md "Result of a
 * simulation"). Pure: same input and seed, same result, byte for byte.
 */
import type { EngineInput } from './input';
import type { SimulationResult } from './result';
import { type SimulateOptions, Simulation } from './simulation';

export type * from './input';
export type * from './result';
export type { SimulateOptions } from './simulation';
export type * from './trace';
export type { PacketView } from './wire';

export function simulate(input: EngineInput, options: SimulateOptions): SimulationResult {
  return new Simulation(input, options).run();
}
