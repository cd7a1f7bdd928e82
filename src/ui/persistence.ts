/**
 * Where the scenario lives between visits: the browser's localStorage. Everything read back goes
 * through the scenario pipeline (`loadScenarioText`), like any other untrusted input.
 *
 * Storage may be missing or refuse a write (private windows, a full quota): every access is
 * guarded, and a failed write costs the autosave, never the page.
 */
import {
  createDefaultScenario,
  type Diagnostic,
  formatDiagnostic,
  loadScenarioText,
  type Scenario,
  validateScenario,
} from '../scenario';

/** The current scenario, as JSON, rewritten on every change. */
export const AUTOSAVE_KEY = 'hairpin.autosave.v1';
/** The scenario a share link replaced, so that it can be restored. */
export const PREVIOUS_KEY = 'hairpin.previous.v1';
/** An autosave that could not be read, kept rather than overwritten. */
export const UNREADABLE_KEY = 'hairpin.autosave.unreadable.v1';
/** An autosave that was read with repairs, kept as it was until the user accepts the repairs. */
export const ORIGINAL_KEY = 'hairpin.autosave.original.v1';
/**
 * Each tab's work that could not go into the autosave because another tab saved over it, by tab
 * (a JSON object: tab id → { title, text }), until that tab's user chooses or a later visit
 * recovers it.
 */
export const TAB_COPIES_KEY = 'hairpin.autosave.tabs.v1';

export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface Diagnostics {
  readonly errors: readonly Diagnostic[];
  readonly warnings: readonly Diagnostic[];
}

export interface StoredScenario {
  readonly scenario: Scenario;
  readonly diagnostics: Diagnostics;
  /** Set when an autosave existed but could not be read; the default lab is used instead. */
  readonly problem: string | null;
  /** What was repaired to read it (restore.ts), as sentences; empty when it was read as written. */
  readonly repairs: readonly string[];
}

export function read(storage: KeyValueStore | null, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

export function write(storage: KeyValueStore | null, key: string, value: string | null): void {
  try {
    if (value === null) storage?.removeItem(key);
    else storage?.setItem(key, value);
  } catch {
    // A full or disabled storage: the page keeps working without autosave.
  }
}

export function defaultStored(): StoredScenario {
  const scenario = createDefaultScenario();
  return { scenario, diagnostics: validateScenario(scenario), problem: null, repairs: [] };
}

/** A scenario stored under `key` (the autosave, or the previous scenario), or null. */
export function readStoredScenario(storage: KeyValueStore | null, key: string): StoredScenario | null {
  const text = read(storage, key);
  return text === null ? null : storedFromText(text);
}

/**
 * Reads stored text through the pipeline. Nothing it holds may stop the page from starting: a
 * failure of the pipeline itself (a defect, not the text's fault) is reported like unreadable text.
 */
export function storedFromText(text: string): StoredScenario {
  try {
    const outcome = loadScenarioText(text);
    if (outcome.scenario === null) {
      return { ...defaultStored(), problem: outcome.errors.map(formatDiagnostic).join('; ') };
    }
    return {
      scenario: outcome.scenario,
      diagnostics: outcome,
      problem: null,
      repairs: outcome.repairs.map(formatDiagnostic),
    };
  } catch (e) {
    return { ...defaultStored(), problem: `reading it failed (${e instanceof Error ? e.message : String(e)})` };
  }
}

/**
 * The scenario a visit starts from: the autosave when it is readable, else the default lab.
 *
 * Nothing stored is lost on the way: an unreadable autosave is kept under UNREADABLE_KEY, and one
 * that needed repairs under ORIGINAL_KEY until the user accepts them (`repairs` then lists them,
 * on every visit until then, even once the repaired document has been saved over the autosave).
 */
export function readAutosave(storage: KeyValueStore | null): StoredScenario {
  const text = read(storage, AUTOSAVE_KEY);
  if (text === null) return defaultStored();
  const stored = storedFromText(text);
  if (stored.problem !== null) {
    // Never overwrite what we could not read: a later Hairpin, or a person, may still recover it.
    write(storage, UNREADABLE_KEY, text);
    return stored;
  }
  const original = read(storage, ORIGINAL_KEY);
  if (original === null && stored.repairs.length > 0) write(storage, ORIGINAL_KEY, text);
  if (original === null || original === text) return stored;
  const earlier = storedFromText(original).repairs;
  return { ...stored, repairs: earlier.length > 0 ? earlier : ['the original autosave is kept as it was'] };
}

/** The work of other tabs that is not in the autosave (TAB_COPIES_KEY), by tab id. */
export interface TabCopy {
  readonly title: string;
  readonly text: string;
}

export function readTabCopies(storage: KeyValueStore | null): Map<string, TabCopy> {
  const copies = new Map<string, TabCopy>();
  const text = read(storage, TAB_COPIES_KEY);
  if (text === null) return copies;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return copies;
    for (const [id, copy] of Object.entries(value)) {
      const { title, text: scenario } = (copy ?? {}) as Partial<TabCopy>;
      if (typeof scenario === 'string')
        copies.set(id, { title: typeof title === 'string' ? title : 'Untitled', text: scenario });
    }
  } catch {
    // A damaged list holds nothing we can offer; it is replaced at the next write.
  }
  return copies;
}

/** Keeps (or, with null, forgets) one tab's copy of its work. */
export function writeTabCopy(storage: KeyValueStore | null, tab: string, copy: TabCopy | null): void {
  const copies = readTabCopies(storage);
  if (copy === null) copies.delete(tab);
  else copies.set(tab, copy);
  write(storage, TAB_COPIES_KEY, copies.size === 0 ? null : JSON.stringify(Object.fromEntries(copies)));
}

/** JSON with object keys sorted: two documents that differ only in key order are the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export const sameDocument = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);

/**
 * Whether opening `linked` would lose work: the spec's "never replaces unsaved work without
 * offering to keep it". The untouched default lab is nobody's work, and a link to the very
 * document already open replaces nothing.
 */
export function wouldReplaceWork(work: Scenario, linked: Scenario): boolean {
  return !sameDocument(work, linked) && !sameDocument(work, createDefaultScenario());
}

/** True when the address's fragment carries a share link (`#s=…`, possibly among other options). */
export const hashHasShareLink = (hash: string): boolean => /^#(?:.*&)?s=/.test(hash);
