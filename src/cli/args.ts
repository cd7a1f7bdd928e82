/** Command-line arguments of `npm run --silent sim -- <input> [options]` (spec "The command line"). */
import { clip, quote } from '../scenario/limits';

export interface CliOptions {
  input: string | null;
  json: boolean;
  check: boolean;
  link: boolean;
  base: string | null;
  seed: number | null;
  until: number | null;
  trace: boolean;
  help: boolean;
}

export const USAGE = `usage: npm run --silent sim -- <input> [options]

<input>   a scenario file (relative to the current directory), a share link
          (a full URL, "#s=…", or the bare "<codec>.<payload>"), or - for standard input

options:
  (none)          simulate and print a table of connections and probe states
  --json          print exactly one JSON document (the result, or the validation report)
  --check         validate only
  --link          print the share link of the scenario
  --base URL      the base of the link (default http://localhost:5173/)
  --seed N        override the scenario's seed
  --until S       stop the simulation at S seconds
  --trace         include every packet event in the JSON result
  --help          show this text

exit status: 0 valid input (failed connections are results, not errors; so is
             a run stopped by its budget, whose result says "stopped"),
             2 invalid or missing input, 1 internal error`;

export function parseArgs(argv: readonly string[]): { options: CliOptions } | { error: string } {
  const options: CliOptions = {
    input: null,
    json: false,
    check: false,
    link: false,
    base: null,
    seed: null,
    until: null,
    trace: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): string | null => {
      const next = argv[i + 1];
      if (next === undefined) return null;
      i++;
      return next;
    };
    switch (arg) {
      case '--json':
        options.json = true;
        break;
      case '--check':
        options.check = true;
        break;
      case '--link':
        options.link = true;
        break;
      case '--trace':
        options.trace = true;
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      case '--base': {
        const v = value();
        if (v === null) return { error: '--base needs a URL, e.g. --base https://example.org/hairpin/' };
        options.base = v;
        break;
      }
      case '--seed': {
        const v = value();
        if (v === null || !/^\d+$/.test(v) || Number(v) > 4294967295) {
          return {
            error: `--seed needs a whole number 0–4294967295, got ${v === null ? 'nothing' : quote(v)}`,
          };
        }
        options.seed = Number(v);
        break;
      }
      case '--until': {
        const v = value();
        const n = v === null ? Number.NaN : Number(v);
        if (v === null || v.trim() === '' || !Number.isFinite(n) || n < 0) {
          return { error: `--until needs a time in seconds ≥ 0, got ${v === null ? 'nothing' : JSON.stringify(v)}` };
        }
        options.until = n;
        break;
      }
      default:
        if (arg.startsWith('--')) return { error: `unknown option ${clip(arg)}` };
        if (options.input !== null) return { error: `one input only: got ${quote(options.input)} and ${quote(arg)}` };
        options.input = arg;
    }
  }
  if (options.base !== null && !options.link) return { error: '--base only goes with --link' };
  return { options };
}
