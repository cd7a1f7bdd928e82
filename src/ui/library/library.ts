/**
 * The built-in library (issue 7 §1): `public/library/index.json` lists the scenarios, one file
 * each beside it. The page fetches them at run time, relative to its base, so the files the tests
 * read are the files the page opens. Everything fetched goes through the scenario pipeline.
 */
import { type Diagnostic, formatDiagnostic, loadScenarioText, type Scenario } from '../../scenario';

export interface LibraryEntry {
  readonly file: string;
  readonly title: string;
  /** The seed passage the scenario comes from (`the ILB hairpin write-up §2`). */
  readonly seed: string;
  readonly tags: readonly string[];
}

const isRecord = (v: unknown): v is { [key: string]: unknown } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads the index; a broken entry is named by its position and field. */
export function parseLibraryIndex(text: string): { entries: LibraryEntry[]; problems: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { entries: [], problems: ['index.json is not JSON'] };
  }
  if (!Array.isArray(value)) return { entries: [], problems: ['index.json: must be a list of scenarios'] };
  const entries: LibraryEntry[] = [];
  const problems: string[] = [];
  value.forEach((item, i) => {
    if (!isRecord(item)) {
      problems.push(`index.json[${i}]: must be an object`);
      return;
    }
    if (typeof item.file !== 'string' || !/^[\w.-]+\.json$/.test(item.file)) {
      problems.push(`index.json[${i}].file: must be the name of a .json file beside it`);
      return;
    }
    const tags = Array.isArray(item.tags) ? item.tags.filter((t): t is string => typeof t === 'string') : [];
    entries.push({
      file: item.file,
      title: typeof item.title === 'string' && item.title.trim() !== '' ? item.title : item.file,
      seed: typeof item.seed === 'string' ? item.seed : '',
      tags,
    });
  });
  return { entries, problems };
}

/** Every tag of the library, most used first (then by name). */
export function tagsOf(entries: readonly LibraryEntry[]): string[] {
  const counts = new Map<string, number>();
  for (const e of entries) for (const t of e.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t);
}

/** Entries whose title, seed, file or tags contain every word of `query`, and that carry `tag`. */
export function filterLibrary(entries: readonly LibraryEntry[], query: string, tag: string | null): LibraryEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return entries.filter((e) => {
    if (tag !== null && !e.tags.includes(tag)) return false;
    const text = `${e.title} ${e.seed} ${e.file} ${e.tags.join(' ')}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** The address of a library file, relative to the page's base (Vite's `base`). */
export function libraryUrl(file: string): string {
  return new URL(`library/${file}`, new URL(import.meta.env.BASE_URL, window.location.href)).href;
}

async function fetchText(file: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(libraryUrl(file));
  } catch {
    throw new Error(`library/${file} could not be fetched: the network request failed`);
  }
  if (!response.ok) throw new Error(`library/${file} could not be fetched: HTTP ${response.status}`);
  return response.text();
}

/** The index; one that cannot be read at all throws, saying why. */
export async function fetchLibraryIndex(): Promise<{ entries: LibraryEntry[]; problems: string[] }> {
  const index = parseLibraryIndex(await fetchText('index.json'));
  if (index.entries.length === 0 && index.problems.length > 0) throw new Error(index.problems.join('; '));
  return index;
}

export interface LoadedEntry {
  readonly scenario: Scenario;
  readonly errors: readonly Diagnostic[];
  readonly warnings: readonly Diagnostic[];
}

/** Fetches and reads one scenario; a file that cannot be read throws with where it broke. */
export async function fetchLibraryScenario(file: string): Promise<LoadedEntry> {
  const outcome = loadScenarioText(await fetchText(file));
  if (outcome.scenario === null) {
    throw new Error(`library/${file} could not be read: ${outcome.errors.map(formatDiagnostic).join('; ')}`);
  }
  return { scenario: outcome.scenario, errors: outcome.errors, warnings: outcome.warnings };
}
