import type { LoadOutcome } from '../scenario/index';
import type { CliOptions } from './args';
import type { CliIo } from './run';

/** Simulation from the command line: wired to src/sim once the engine lands (issue 3). */
export async function simulateForCli(_outcome: LoadOutcome, _options: CliOptions, io: CliIo): Promise<number> {
  io.err('sim: simulation is not available yet: use --check or --link');
  return 1;
}
