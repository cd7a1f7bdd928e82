/**
 * The command line and a run its budget stopped (engine state.ts `DEFAULT_BUDGET`): the result is
 * printed with `stopped`, a line on stderr says why, and the exit status stays 0 (valid input).
 */
import { describe, expect, it } from 'vitest';
import { benchLab } from '../../bench/engine.bench';
import { simInProcess } from './inProcess';
import type { CliIo } from './run';

/** One connection sending every millisecond for a day (within the schema's bounds). */
const chatty = JSON.stringify({
  ...benchLab(1, 0),
  traffic: [{ name: 'chatty', from: 'onprem', to: '10.2.1.100:80', duration: 86_400, dataEvery: 0.001 }],
});

const sim = (args: string[], budget?: CliIo['budget']) => simInProcess(args, { 's.json': chatty }, budget);

describe('sim and a run stopped by its budget', () => {
  it('--json: the result with `stopped`, a line on stderr, exit 0', async () => {
    const { status, stdout, stderr } = await sim(['s.json', '--json'], { events: 5_000 });
    expect(status).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.stopped).toEqual({ reason: 'eventBudget', limit: 5_000, at: result.simulatedSeconds, events: 5_000 });
    expect(stderr).toMatch(
      /^sim: The run stopped after 5,000 events at [\d,.]+ s of simulated time, the most a run handles;/,
    );
  });

  it('the table says it too', async () => {
    const { status, stdout, stderr } = await sim(['s.json'], { seconds: 30 });
    expect(status).toBe(0);
    expect(stdout).toContain(
      'Stopped (timeBudget): The run stopped at 30 s of simulated time, the most a run simulates',
    );
    expect(stderr).toContain('sim: The run stopped at 30 s of simulated time');
  });

  it('a run within its budget prints no such line', async () => {
    const { stdout, stderr } = await sim(['s.json', '--json', '--until', '5']);
    expect(JSON.parse(stdout).stopped).toBeUndefined();
    expect(stderr).toBe('');
  });
});
