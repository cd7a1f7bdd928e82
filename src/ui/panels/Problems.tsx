import { useMemo } from 'react';
import { elementOfPath } from '../../scenario/edit';
import { useAppStore } from '../store';

/**
 * Every validation error and warning of the document, with the path of its field; choosing one
 * selects the element it is about and highlights the field in the inspector.
 */
export function ProblemsList() {
  const scenario = useAppStore((s) => s.scenario);
  const diagnostics = useAppStore((s) => s.diagnostics);
  const validating = useAppStore((s) => s.validating);
  const selectProblem = useAppStore((s) => s.selectProblem);
  const rows = useMemo(
    () => [
      ...diagnostics.errors.map((d) => ({ d, error: true, element: elementOfPath(scenario, d.path) })),
      ...diagnostics.warnings.map((d) => ({ d, error: false, element: elementOfPath(scenario, d.path) })),
    ],
    [diagnostics, scenario],
  );
  if (rows.length === 0) {
    return <p className="muted problems-empty">{validating ? 'Checking…' : 'No problems: the scenario is valid.'}</p>;
  }
  return (
    <ul className="problems problems-panel" aria-label="Problems">
      {rows.map(({ d, error, element }) => (
        <li key={`${error}${d.path}${d.message}`}>
          <button
            type="button"
            className={`problem ${error ? 'problem-error' : 'problem-warning'}`}
            onClick={() => selectProblem(element, d.path)}
          >
            <span className="problem-level">{error ? 'error' : 'warning'}</span>
            <span className="problem-path">{d.path}</span>
            <span className="problem-message">{d.message}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
