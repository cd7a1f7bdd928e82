/**
 * `restore` (excalidraw's model) is the editor's entry point for untrusted documents: it keeps
 * everything it can, drops only the item that is broken beyond use, removes a field of the wrong
 * type so its default applies, keeps unknown fields, and reports each repair with its path so the
 * editor can say what it changed. It expects a migrated document (migrate.ts).
 */
import { clipDiagnostic } from './limits';
import { SCENARIO } from './schema';
import { checkShape } from './shape';
import { type Diagnostic, SCENARIO_FORMAT, SCENARIO_VERSION, type Scenario } from './types';

export function restoreScenario(document: unknown): { scenario: Scenario; repairs: Diagnostic[] } {
  const source =
    typeof document === 'object' && document !== null && !Array.isArray(document) ? document : ({} as object);
  // The root is never dropped: format and version are the current ones after migration.
  const { value, repairs } = checkShape(SCENARIO, { ...source, format: SCENARIO_FORMAT, version: SCENARIO_VERSION });
  const scenario = (value ?? { format: SCENARIO_FORMAT, version: SCENARIO_VERSION }) as Scenario;
  return { scenario, repairs: repairs.map(clipDiagnostic) };
}
