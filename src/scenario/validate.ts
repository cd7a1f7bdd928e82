/**
 * Validation of a migrated document *as written*: every problem an Azure deployment would reject
 * is an error, every thing that deploys but will not work is a warning, each named by the path of
 * its field. Shape (types, ranges, required fields, unknown fields) comes from schema.ts through
 * shape.ts; the rules between fields and resources live in rules.ts.
 */
import { clipDiagnostic } from './limits';
import { checkRules } from './rules';
import { SCENARIO } from './schema';
import { checkShape } from './shape';
import type { Diagnostic } from './types';

export interface Validation {
  readonly errors: Diagnostic[];
  readonly warnings: Diagnostic[];
}

export function validateScenario(document: unknown): Validation {
  const shape = checkShape(SCENARIO, document);
  const rules = checkRules(document);
  const errors = [...shape.errors, ...rules.errors];
  return { errors: errors.map(clipDiagnostic), warnings: [...shape.warnings, ...rules.warnings].map(clipDiagnostic) };
}
