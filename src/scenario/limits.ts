/**
 * Limits on untrusted documents, so that a hostile or broken file gets a clear message instead of
 * a stack overflow or a message as long as the file.
 *
 * - Nesting depth: a scenario's objects and lists nest at most 6 deep (the root, `loadBalancers`,
 *   a load balancer, `backendAddressPools`, a pool, its `networkInterfaces`; or a listener's
 *   `http` map), and a lesson's solution, a merge patch of the scenario under `lesson.solution`,
 *   2 more: the deepest library document is 8 deep. `MAX_JSON_DEPTH` is eight times that, so no
 *   real document comes near it, and every walk after parsing can rely on it. Depth is measured
 *   without recursion, on the text before `JSON.parse` (`textDepthProblem`) and on a value that
 *   did not come from text (`valueDepth`).
 * - Quoting: a user's value repeated in a message is cut to `QUOTE_LIMIT` characters (`quote`).
 */
import type { Diagnostic } from './types';

/** How deeply objects and lists may nest in a document: the root object is level 1. */
export const MAX_JSON_DEPTH = 64;

/** How many characters of a user's value a message repeats. */
export const QUOTE_LIMIT = 60;

/** How many characters of a field name a path repeats (longer than a name: layout keys hold two). */
export const PATH_KEY_LIMIT = 200;

/** How long a diagnostic's message may be: the last guard against a value repeated in full. */
export const MAX_MESSAGE_LENGTH = 600;

const count = (n: number): string => n.toLocaleString('en');

/** The first `limit` characters of `text`, marked as cut when it is longer (never splits a surrogate pair). */
export function clip(text: string, limit = QUOTE_LIMIT): string {
  if (text.length <= limit) return text;
  let end = limit;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}… (${count(text.length)} characters)`;
}

/**
 * A user's value as a message repeats it: JSON-quoted, and cut to `limit` characters with its
 * length when longer (`"aaaa…" (10,485,760 characters)`).
 */
export function quote(value: string, limit = QUOTE_LIMIT): string {
  if (value.length <= limit) return JSON.stringify(value);
  let end = limit;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${JSON.stringify(value.slice(0, end)).slice(0, -1)}…" (${count(value.length)} characters)`;
}

export interface DepthProblem {
  /** The deepest level reached. */
  readonly depth: number;
  /** Where the first bracket past the limit opens (an offset in the text). */
  readonly offset: number;
}

/**
 * Scans JSON text for brackets outside strings, without recursion: where it first nests deeper
 * than `limit`, and how deep it goes, or null when it stays within. Works on text that is not
 * valid JSON too (an unclosed string simply runs to the end).
 */
export function textDepthProblem(text: string, limit = MAX_JSON_DEPTH): DepthProblem | null {
  let depth = 0;
  let deepest = 0;
  let offset = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // a backslash escapes the next character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (depth > limit && offset === -1) offset = i;
    } else if (c === 125 || c === 93) {
      if (depth > 0) depth--;
    }
  }
  return offset === -1 ? null : { depth: deepest, offset };
}

/**
 * How deeply objects and lists nest in `value` (a scalar is 0, `{}` is 1), without recursion;
 * stops at the first level past `stopAt`, so that a deep (or cyclic) value is not walked whole
 * to refuse it.
 */
export function valueDepth(value: unknown, stopAt = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    if (depth > deepest) {
      deepest = depth;
      if (deepest > stopAt) return deepest;
    }
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const child of children) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** The message for a document nested deeper than the limit (`depth` null: how deep is not known). */
export const tooDeepMessage = (depth: number | null, where = ''): string =>
  `nested ${depth === null ? `more than ${MAX_JSON_DEPTH}` : count(depth)} levels deep${where}; a scenario is at most ${MAX_JSON_DEPTH} levels deep`;

/** A diagnostic with its message cut to `MAX_MESSAGE_LENGTH`: each check quotes what it repeats, this catches what one forgot. */
export const clipDiagnostic = (d: Diagnostic): Diagnostic =>
  d.message.length > MAX_MESSAGE_LENGTH ? { path: d.path, message: clip(d.message, MAX_MESSAGE_LENGTH) } : d;
