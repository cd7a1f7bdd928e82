/**
 * A lesson's solution (scenario-format.md "Lesson"): a JSON Merge Patch of the scenario. Here it is
 * taken out of a challenge, applied to the user's document, and described as a list of what it
 * changes — the patch itself is hard to read (an array in a merge patch replaces the whole array,
 * so a one-field fix repeats every rule of the NSG).
 */
import { type Diagnostic, loadScenarioValue, type Scenario } from '../../scenario';
import { mergePatch } from '../../scenario/mergePatch';

/** The document without its lesson's solution (a challenge: it cannot be read in the inspector). */
export function stripSolution(scenario: Scenario): Scenario {
  if (scenario.lesson === undefined || !('solution' in scenario.lesson)) return scenario;
  const { solution: _, ...lesson } = scenario.lesson;
  return { ...scenario, lesson };
}

export type Applied =
  | { readonly ok: true; readonly scenario: Scenario }
  | { readonly ok: false; readonly reason: string; readonly errors: readonly Diagnostic[] };

/**
 * The document with its lesson's solution applied to it as it is now (the user's edits kept where
 * the patch does not touch them). The patched value goes through the load pipeline again: a patch
 * can make any document.
 */
export function applySolution(scenario: Scenario): Applied {
  const solution = scenario.lesson?.solution;
  if (solution === undefined) return { ok: false, reason: 'This lesson has no solution.', errors: [] };
  const outcome = loadScenarioValue(mergePatch(scenario, solution));
  if (outcome.scenario === null) {
    return { ok: false, reason: 'The solution does not make a readable scenario.', errors: outcome.errors };
  }
  return { ok: true, scenario: outcome.scenario };
}

export interface Change {
  /** Where, in words: `networkSecurityGroups › nsg-web › securityRules › deny-onprem-http`. */
  readonly path: string;
  readonly kind: 'added' | 'removed' | 'changed';
  readonly before?: string;
  readonly after?: string;
}

type Json = unknown;
const isObject = (v: Json): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);
const nameOf = (v: Json): string | null => (isObject(v) && typeof v.name === 'string' ? v.name : null);
const MAX_VALUE = 140;

/** A value in one line: text as is, short objects as `key: value` pairs, long ones cut. */
export function formatValue(v: Json): string {
  let text: string;
  if (typeof v === 'string') text = v;
  else if (Array.isArray(v) && v.every((x) => !isObject(x) && !Array.isArray(x))) text = v.map(formatValue).join(', ');
  else if (isObject(v))
    text = Object.entries(v)
      .map(([k, x]) => `${k}: ${isObject(x) || Array.isArray(x) ? JSON.stringify(x) : formatValue(x)}`)
      .join(' · ');
  else text = JSON.stringify(v) ?? String(v);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

const same = (a: Json, b: Json): boolean => JSON.stringify(a) === JSON.stringify(b);

function diff(a: Json, b: Json, path: string, out: Change[]): void {
  if (same(a, b)) return;
  const at = (key: string) => (path === '' ? key : `${path} › ${key}`);
  if (isObject(a) && isObject(b)) {
    for (const key of Object.keys(a)) {
      // Own keys only: a field named "constructor" is not found on Object.prototype.
      if (!Object.hasOwn(b, key)) out.push({ path: at(key), kind: 'removed', before: formatValue(a[key]) });
      else diff(a[key], b[key], at(key), out);
    }
    for (const key of Object.keys(b))
      if (!Object.hasOwn(a, key)) out.push({ path: at(key), kind: 'added', after: formatValue(b[key]) });
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && [...a, ...b].every((x) => nameOf(x) !== null)) {
    // Items of Azure lists are known by name: match by name, then pair what is left in order (a
    // rule replaced by another of a new name reads as one change, not a removal and an addition).
    const names = new Set(b.map(nameOf));
    const oldNames = new Set(a.map(nameOf));
    const gone = a.filter((x) => !names.has(nameOf(x)));
    const fresh = b.filter((x) => !oldNames.has(nameOf(x)));
    for (const item of a) {
      const match = b.find((x) => nameOf(x) === nameOf(item));
      if (match !== undefined) diff(item, match, at(nameOf(item) as string), out);
    }
    const paired = Math.min(gone.length, fresh.length);
    for (let i = 0; i < paired; i++) {
      const before = gone[i] as Json;
      const after = fresh[i] as Json;
      diff(before, after, at(`${nameOf(before)} → ${nameOf(after)}`), out);
    }
    for (const item of gone.slice(paired))
      out.push({ path: at(nameOf(item) as string), kind: 'removed', before: formatValue(item) });
    for (const item of fresh.slice(paired))
      out.push({ path: at(nameOf(item) as string), kind: 'added', after: formatValue(item) });
    return;
  }
  out.push({ path: path === '' ? '(document)' : path, kind: 'changed', before: formatValue(a), after: formatValue(b) });
}

/**
 * What `after` changes in `before`, field by field. Canvas positions are summed up in one line
 * (where a new element is drawn is not the lesson), and the lesson itself is left out.
 */
export function describeChanges(before: Scenario, after: Scenario): Change[] {
  const out: Change[] = [];
  const { layout: layoutA, lesson: _la, ...a } = before;
  const { layout: layoutB, lesson: _lb, ...b } = after;
  diff(a, b, '', out);
  const la = layoutA ?? {};
  const lb = layoutB ?? {};
  const moved = [...new Set([...Object.keys(la), ...Object.keys(lb)])].filter((id) => !same(la[id], lb[id]));
  if (moved.length > 0) {
    out.push({
      path: 'layout',
      kind: 'changed',
      after: `${moved.length} element${moved.length === 1 ? '' : 's'} placed or moved on the canvas`,
    });
  }
  return out;
}
