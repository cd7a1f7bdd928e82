import { formatDiagnostic } from '../../scenario';
import { describeElement } from '../inspector/describe';
import { useAppStore } from '../store';

/**
 * The selected element's fields, read-only (editing arrives with the editor, issue 5), or the
 * scenario itself when nothing is selected: its title, description and problems.
 */
export function Inspector() {
  const scenario = useAppStore((s) => s.scenario);
  const selection = useAppStore((s) => s.selection);
  const diagnostics = useAppStore((s) => s.diagnostics);
  const select = useAppStore((s) => s.select);
  const element = selection === null ? null : describeElement(scenario, selection);

  if (element !== null) {
    return (
      <aside className="app-inspector panel" aria-label="Inspector">
        <div className="inspector-head">
          <div>
            <div className="inspector-kind">{element.kindLabel}</div>
            <h2 className="inspector-name">{element.name}</h2>
          </div>
          <button type="button" className="button button-quiet" onClick={() => select(null)}>
            Close
          </button>
        </div>
        <dl className="fields">
          {element.fields.map((f) => (
            <div key={f.label} className="field">
              <dt>{f.label}</dt>
              <dd>{f.value}</dd>
            </div>
          ))}
        </dl>
      </aside>
    );
  }

  const count = (list: readonly unknown[] | undefined) => (Array.isArray(list) ? list.length : 0);
  const summary: [string, number][] = [
    ['Virtual machines', count(scenario.virtualMachines)],
    ['Load balancers', count(scenario.loadBalancers)],
    ['Clients', count(scenario.clients)],
    ['Traffic', count(scenario.traffic)],
  ];
  return (
    <aside className="app-inspector panel" aria-label="Inspector">
      <div className="inspector-kind">Scenario</div>
      <h2 className="inspector-name">{scenario.title?.trim() ? scenario.title : 'Untitled scenario'}</h2>
      {typeof scenario.description === 'string' && scenario.description !== '' && (
        <p className="inspector-description">{scenario.description}</p>
      )}
      <dl className="fields">
        {summary.map(([label, n]) => (
          <div key={label} className="field">
            <dt>{label}</dt>
            <dd>{n}</dd>
          </div>
        ))}
        <div className="field">
          <dt>seed</dt>
          <dd>{scenario.seed ?? 1}</dd>
        </div>
      </dl>
      <h3 className="inspector-section">Problems</h3>
      {diagnostics.errors.length + diagnostics.warnings.length === 0 ? (
        <p className="muted">None: the scenario is valid.</p>
      ) : (
        <ul className="problems">
          {diagnostics.errors.map((d) => (
            <li key={`e:${d.path}:${d.message}`} className="problem problem-error">
              {formatDiagnostic(d)}
            </li>
          ))}
          {diagnostics.warnings.map((d) => (
            <li key={`w:${d.path}:${d.message}`} className="problem problem-warning">
              {formatDiagnostic(d)}
            </li>
          ))}
        </ul>
      )}
      <p className="muted hint">Select an element on the canvas to see its fields.</p>
    </aside>
  );
}
