/**
 * The command line run in-process, for tests: the arguments as a shell would pass them, files from
 * memory (`'-'` is standard input), and what it printed. A file not in `files` cannot be read, as
 * a missing file on disk.
 */
import { parseArgs } from './args';
import { type CliIo, runCli } from './run';

export interface SimOutcome {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function simInProcess(
  args: readonly string[],
  files: Readonly<Record<string, string>> = {},
  budget?: CliIo['budget'],
): Promise<SimOutcome> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    readInput: async (input) =>
      Object.hasOwn(files, input) ? { text: files[input] as string } : { error: `cannot read ${input}: no such file` },
    budget,
  };
  const parsed = parseArgs([...args]);
  if ('error' in parsed) throw new Error(parsed.error);
  const status = await runCli(parsed.options, io);
  return { status, stdout: out.join('\n'), stderr: err.join('\n') };
}
