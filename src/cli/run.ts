/**
 * What the command line does with parsed options, with its input and output passed in so that
 * tests can run it without a process. Returns the exit status of the spec: 0 valid input, 2
 * invalid or missing input, 1 internal error (thrown, caught in main.ts).
 */
import {
  formatDiagnostic,
  type LoadOutcome,
  loadDecodedLinkText,
  loadScenarioText,
  UNVERIFIED_LINK_NOTICE,
} from '../scenario/index';
import { clip, PATH_KEY_LIMIT } from '../scenario/limits';
import { migrateScenario } from '../scenario/migrate';
import { parseJson } from '../scenario/parseJson';
import { createShareLink, DEFAULT_LINK_BASE, decodeSharePayload, parseLinkFragment } from '../scenario/shareLink';
import type { Diagnostic } from '../scenario/types';
import type { RunBudget } from '../sim/simulate';
import { type CliOptions, USAGE } from './args';
import { simulateForCli } from './simulate';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readInput(input: string): Promise<{ text: string } | { error: string }>;
  /** The engine's budget; its defaults when absent (tests inject a small one). */
  readonly budget?: Partial<RunBudget> | undefined;
}

/** A share link, as opposed to a file name: it carries `#s=`, or is a bare `<codec>.<payload>`. */
const isExplicitLink = (input: string) => /#s=/.test(input) || /^s=/.test(input) || /^https?:\/\//.test(input);
const isBarePayload = (input: string) => /^\d+\.[A-Za-z0-9_-]{16,}$/.test(input);

interface Loaded {
  outcome: LoadOutcome;
  /** The document as written (after migration), what a share link carries. */
  written: unknown;
}

async function load(input: string, io: CliIo): Promise<Loaded | { error: Diagnostic }> {
  let text: string;
  let fromLink = false;
  if (isExplicitLink(input)) {
    const decoded = decodeLink(input, io);
    if ('error' in decoded) return decoded;
    text = decoded.text;
    fromLink = true;
  } else {
    const read = await io.readInput(input);
    if ('error' in read) {
      if (!isBarePayload(input))
        return {
          error: {
            path: clip(input, PATH_KEY_LIMIT),
            message: read.error.replace(`cannot read ${input}: `, 'cannot read: '),
          },
        };
      const decoded = decodeLink(input, io);
      if ('error' in decoded) return decoded;
      text = decoded.text;
      fromLink = true;
    } else {
      text = read.text;
    }
  }
  const outcome = fromLink ? loadDecodedLinkText(text) : loadScenarioText(text);
  const parsed = parseJson(text);
  const migrated = parsed.ok ? migrateScenario(parsed.value) : null;
  return { outcome, written: migrated?.ok ? migrated.value.document : null };
}

function decodeLink(input: string, io: CliIo): { text: string } | { error: Diagnostic } {
  const fragment = parseLinkFragment(input);
  if (!fragment.ok) return { error: fragment.error };
  const decoded = decodeSharePayload(fragment.value.payload);
  if (!decoded.ok) return { error: decoded.error };
  if (!decoded.value.verified) io.err(`sim: warning: ${UNVERIFIED_LINK_NOTICE}`);
  return { text: decoded.value.text };
}

function printDiagnostics(io: CliIo, errors: readonly Diagnostic[], warnings: readonly Diagnostic[]): void {
  for (const e of errors) io.err(`error   ${formatDiagnostic(e)}`);
  for (const w of warnings) io.err(`warning ${formatDiagnostic(w)}`);
}

export async function runCli(options: CliOptions, io: CliIo): Promise<number> {
  if (options.help) {
    io.out(USAGE);
    return 0;
  }
  if (options.input === null) {
    const report = {
      valid: false,
      errors: [{ path: '(input)', message: 'missing: give a scenario file, a share link, or - for standard input' }],
      warnings: [],
    };
    if (options.json) io.out(JSON.stringify(report, null, 2));
    else io.err(`sim: ${formatDiagnostic(report.errors[0] as Diagnostic)}\n\n${USAGE}`);
    return 2;
  }
  const loaded = await load(options.input, io);
  if ('error' in loaded) {
    if (options.json) io.out(JSON.stringify({ valid: false, errors: [loaded.error], warnings: [] }, null, 2));
    else io.err(`sim: ${formatDiagnostic(loaded.error)}`);
    return 2;
  }
  const { outcome, written } = loaded;
  const valid = outcome.scenario !== null && outcome.errors.length === 0;
  if (options.check || !valid) {
    if (options.json) {
      io.out(JSON.stringify({ valid, errors: outcome.errors, warnings: outcome.warnings }, null, 2));
    } else {
      printDiagnostics(io, outcome.errors, outcome.warnings);
      if (valid) io.out(`valid${outcome.warnings.length > 0 ? ` (${outcome.warnings.length} warnings)` : ''}`);
      else io.err(`invalid: ${outcome.errors.length} error${outcome.errors.length === 1 ? '' : 's'}`);
    }
    return valid ? 0 : 2;
  }
  if (options.link) {
    const made = createShareLink(written, options.base ?? DEFAULT_LINK_BASE);
    if (!made.ok) {
      if (options.json) io.out(JSON.stringify({ link: null, errors: [made.error], warnings: [] }, null, 2));
      else io.err(`sim: ${formatDiagnostic(made.error)}`);
      return 2;
    }
    const link = made.value;
    if (options.json) io.out(JSON.stringify({ link, length: link.length }, null, 2));
    else {
      printDiagnostics(io, [], outcome.warnings);
      io.out(link);
    }
    return 0;
  }
  return simulateForCli(outcome, options, io);
}
