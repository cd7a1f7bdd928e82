/**
 * The command-line simulator (spec "The command line"): reads a scenario file, a share link or
 * standard input, validates it through the same pipeline as the editor, and validates, links or
 * simulates. Writes with process.exitCode, never process.exit(), so that a large output to a pipe
 * is never cut (Node cuts a large write to a pipe otherwise).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs, USAGE } from './args';
import { type CliIo, runCli } from './run';

async function readInput(input: string): Promise<{ text: string } | { error: string }> {
  if (input === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return { text: Buffer.concat(chunks).toString('utf8') };
  }
  // npm runs scripts from the package root: a relative path is the user's, from INIT_CWD.
  const path = resolve(process.env.INIT_CWD ?? process.cwd(), input);
  try {
    return { text: await readFile(path, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(e);
    return { error: `cannot read ${input}: ${why}` };
  }
}

async function main(): Promise<void> {
  const parsed = parseArgs(process.argv.slice(2));
  const io: CliIo = {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    readInput,
  };
  if ('error' in parsed) {
    io.err(`sim: ${parsed.error}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  process.exitCode = await runCli(parsed.options, io);
}

main().catch((e: unknown) => {
  process.stderr.write(`sim: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
