/**
 * Validation of a migrated document *as written*: every problem an Azure deployment would reject
 * is an error, every thing that deploys but will not work is a warning, each named by the path of
 * its field. Shape (types, ranges, required fields, unknown fields) comes from schema.ts through
 * shape.ts; the rules between fields and resources live in rules/ (one file per kind).
 *
 * A lesson's solution is checked too: the document with the solution applied must be valid, since
 * that is where the lesson's checks are judged and what "Apply the solution" gives the editor.
 */
import { clipDiagnostic } from './limits';
import { mergePatch } from './mergePatch';
import { parsePath, valueAt } from './paths';
import { checkRules } from './rules/index';
import { SCENARIO } from './schema';
import { checkShape, joinPath } from './shape';
import type { Diagnostic } from './types';

export interface Validation {
  readonly errors: Diagnostic[];
  readonly warnings: Diagnostic[];
}

export function validateScenario(document: unknown): Validation {
  const shape = checkShape(SCENARIO, document);
  const rules = checkRules(document);
  const errors = [...shape.errors, ...rules.errors];
  errors.push(...checkSolution(document, errors));
  return { errors: errors.map(clipDiagnostic), warnings: [...shape.warnings, ...rules.warnings].map(clipDiagnostic) };
}

const isObject = (v: unknown): v is { [key: string]: unknown } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const SOLVED = " once the lesson's solution is applied";

/**
 * The errors of the document with its lesson's solution applied that the document as written
 * does not have. Each is placed at the field of the solution that wrote it when there is one
 * (`lesson.solution.loadBalancers[0].probes[0].port`), else at the nearest field of the solution
 * above it, the message naming the solved document's path. The lesson itself is left out of the
 * solved document: its checks are already validated against it (rules/lesson.ts `checkLesson`).
 */
function checkSolution(document: unknown, shipped: readonly Diagnostic[]): Diagnostic[] {
  if (!isObject(document) || !isObject(document.lesson)) return [];
  const solution = document.lesson.solution;
  // Not an object, or holding a number JSON cannot carry: shape.ts says so, and it is not applied.
  if (!isObject(solution) || shipped.some((e) => e.path === 'lesson.solution' || e.path.startsWith('lesson.solution.')))
    return [];
  const { lesson: _, ...solved } = mergePatch(document, solution) as { [key: string]: unknown };
  const known = new Set(shipped.map((e) => `${e.path}\n${e.message}`));
  const found = [...checkShape(SCENARIO, solved).errors, ...checkRules(solved).errors].filter(
    (e) => !known.has(`${e.path}\n${e.message}`),
  );
  return found.map((e) => {
    const segments = parsePath(e.path) ?? [];
    for (let n = segments.length; n > 0; n--) {
      if (!valueAt(solution, segments.slice(0, n)).found) continue;
      const at = segments.slice(0, n).reduce<string>(joinPath, 'lesson.solution');
      return n === segments.length
        ? { path: at, message: `${e.message} (${SOLVED.trim()})` }
        : { path: at, message: `${e.path}: ${e.message} (${SOLVED.trim()})` };
    }
    return { path: 'lesson.solution', message: `${e.path}: ${e.message} (${SOLVED.trim()})` };
  });
}
