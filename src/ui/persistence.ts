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
  return { scenario, diagnostics: validateScenario(scenario), problem: null };
}

/** A scenario stored under `key` (the autosave, or the previous scenario), or null. */
export function readStoredScenario(storage: KeyValueStore | null, key: string): StoredScenario | null {
  const text = read(storage, key);
  if (text === null) return null;
  const outcome = loadScenarioText(text);
  if (outcome.scenario === null) {
    return { ...defaultStored(), problem: outcome.errors.map(formatDiagnostic).join('; ') };
  }
  return { scenario: outcome.scenario, diagnostics: outcome, problem: null };
}

/** The scenario a visit starts from: the autosave when it is readable, else the default lab. */
export function readAutosave(storage: KeyValueStore | null): StoredScenario {
  const stored = readStoredScenario(storage, AUTOSAVE_KEY);
  if (stored === null) return defaultStored();
  if (stored.problem !== null) {
    // Never overwrite what we could not read: a later Hairpin, or a person, may still recover it.
    write(storage, UNREADABLE_KEY, read(storage, AUTOSAVE_KEY));
  }
  return stored;
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
