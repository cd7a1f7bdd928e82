import type { Diagnostic } from './types';

/** Cross-field and cross-resource rules (placeholder until rules.ts is written). */
export function checkRules(_document: unknown): { errors: Diagnostic[]; warnings: Diagnostic[] } {
  return { errors: [], warnings: [] };
}
