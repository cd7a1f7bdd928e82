/**
 * The one pipeline for untrusted input: parse → migrate → restore → validate.
 *
 * - `errors` and `warnings` come from validating the document as written (after migration): the
 *   command line refuses a document with any error.
 * - `scenario` is the restored document the editor can hold and show, repaired where it had to
 *   be (`repairs` says how); null only when nothing usable could be read (not JSON, not a
 *   scenario, or written by a newer Hairpin), and then `errors` says why.
 */

import { MAX_JSON_DEPTH, tooDeepMessage, valueDepth } from './limits';
import { migrateScenario } from './migrate';
import { parseJson } from './parseJson';
import { restoreScenario } from './restore';
import { decodeSharePayload, type LinkOptions, parseLinkFragment } from './shareLink';
import type { Diagnostic, Scenario } from './types';
import { validateScenario } from './validate';

export interface LoadOutcome {
  readonly scenario: Scenario | null;
  readonly errors: readonly Diagnostic[];
  readonly warnings: readonly Diagnostic[];
  readonly repairs: readonly Diagnostic[];
}

export function loadScenarioValue(value: unknown): LoadOutcome {
  // parseJson bounds the depth of what it reads; a value built in memory (a solution applied) is
  // measured here, without recursion, so that no walk after this point can overflow the stack.
  if (valueDepth(value) > MAX_JSON_DEPTH) {
    return {
      scenario: null,
      errors: [{ path: '(document)', message: tooDeepMessage(null) }],
      warnings: [],
      repairs: [],
    };
  }
  const migrated = migrateScenario(value);
  if (!migrated.ok) return { scenario: null, errors: [migrated.error], warnings: [], repairs: [] };
  const { errors, warnings } = validateScenario(migrated.value.document);
  const { scenario, repairs } = restoreScenario(migrated.value.document);
  return { scenario, errors, warnings, repairs };
}

export function loadScenarioText(text: string): LoadOutcome {
  const parsed = parseJson(text);
  if (!parsed.ok) return { scenario: null, errors: [parsed.error], warnings: [], repairs: [] };
  return loadScenarioValue(parsed.value);
}

/** What a share link loaded to: `verified` is false for a link of an older codec, which has no checksum. */
export type LinkOutcome = LoadOutcome & { readonly options: LinkOptions; readonly verified: boolean };

/** Loads the scenario a share link carries (a full URL, a `#s=…` fragment or a bare payload). */
export function loadScenarioLink(link: string): LinkOutcome {
  const none = { view: false, challenge: false };
  const fragment = parseLinkFragment(link);
  if (!fragment.ok) {
    return { scenario: null, errors: [fragment.error], warnings: [], repairs: [], options: none, verified: false };
  }
  const { payload, ...options } = fragment.value;
  const decoded = decodeSharePayload(payload);
  if (!decoded.ok)
    return { scenario: null, errors: [decoded.error], warnings: [], repairs: [], options, verified: false };
  return { ...loadDecodedLinkText(decoded.value.text), options, verified: decoded.value.verified };
}

/** What the page and the command line say when a link of codec 1 or 2 (no checksum) is opened. */
export const UNVERIFIED_LINK_NOTICE =
  'This link was made by an older Hairpin and could not be verified: check that it shows what you expected.';

/** Loads the JSON text a share link decoded to. */
export function loadDecodedLinkText(text: string): LoadOutcome {
  const outcome = loadScenarioText(text);
  // A link whose JSON is unreadable was corrupted on the way, not written badly by a person.
  if (outcome.scenario !== null) return outcome;
  return { ...outcome, errors: outcome.errors.map((e) => ({ ...e, path: `link ${e.path}` })) };
}

export const formatDiagnostic = (d: Diagnostic): string => `${d.path}: ${d.message}`;

export { createDefaultScenario } from './defaultScenario';
export { MAX_JSON_DEPTH, QUOTE_LIMIT, quote } from './limits';
export { restoreScenario } from './restore';
export type { LinkOptions } from './shareLink';
export { createShareLink, DEFAULT_LINK_BASE, encodeSharePayload, looksLikeShareLink } from './shareLink';
export * from './types';
export { validateScenario } from './validate';
