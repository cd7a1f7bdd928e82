import { useAppStore } from '../store';
import { formatProblemCount } from './Inspector';
import { ProblemsList } from './Problems';

const RUN_UNAVAILABLE = 'The simulation engine arrives with the run view; until then this table stays empty.';

/** The area under the canvas: the run (traffic and connections) and the Problems panel, as tabs. */
export function BottomPanel() {
  const tab = useAppStore((s) => s.bottomTab);
  const setTab = useAppStore((s) => s.setBottomTab);
  const errors = useAppStore((s) => s.diagnostics.errors.length);
  const warnings = useAppStore((s) => s.diagnostics.warnings.length);
  const count = errors + warnings;
  return (
    <div className="app-run panel">
      <div className="bottom-tabs" role="tablist" aria-label="Run and problems">
        <button
          type="button"
          role="tab"
          id="tab-run"
          aria-selected={tab === 'run'}
          aria-controls="panel-run"
          className="bottom-tab"
          onClick={() => setTab('run')}
        >
          Run
        </button>
        <button
          type="button"
          role="tab"
          id="tab-problems"
          aria-selected={tab === 'problems'}
          aria-controls="panel-problems"
          className="bottom-tab"
          onClick={() => setTab('problems')}
          title={count > 0 ? formatProblemCount(errors, warnings) : 'No problems'}
        >
          Problems
          <span className={`tab-count${errors > 0 ? ' is-error' : warnings > 0 ? ' is-warning' : ''}`}>{count}</span>
        </button>
      </div>
      {tab === 'run' ? (
        <RunPanel />
      ) : (
        <section className="problems-body" id="panel-problems" role="tabpanel" aria-labelledby="tab-problems">
          <ProblemsList />
        </section>
      )}
    </div>
  );
}

/**
 * The run area: the scenario's traffic, the Run button and the connections table the engine will
 * fill (issue 6). Nothing here pretends to run.
 */
export function RunPanel() {
  const traffic = useAppStore((s) => s.scenario.traffic);
  const list = Array.isArray(traffic) ? traffic : [];
  return (
    <section className="run-panel" aria-label="Run" id="panel-run" role="tabpanel" aria-labelledby="tab-run">
      <div className="run-bar">
        <h2 className="panel-heading visually-hidden">Run</h2>
        <button
          type="button"
          className="button button-primary"
          disabled
          title={RUN_UNAVAILABLE}
          aria-describedby="run-note"
        >
          ▶ Run
        </button>
        <span id="run-note" className="muted run-note">
          {RUN_UNAVAILABLE}
        </span>
      </div>
      <div className="run-body">
        <div className="run-traffic">
          <h3 className="run-subheading">Traffic</h3>
          {list.length === 0 ? (
            <p className="muted">The scenario sends no traffic.</p>
          ) : (
            <ul className="traffic-list">
              {list.map((t, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: names may repeat in a document being edited (validation says so); the position keeps keys unique.
                <li key={`${i}:${t.name}`}>
                  <span className="traffic-name">{t.name}</span>
                  <span className="traffic-path">
                    {t.from} → {t.to}
                  </span>
                  <span className="muted">
                    {(t.protocol ?? 'Tcp').toUpperCase()} × {t.connections ?? 1}
                    {t.http !== undefined ? ` · GET ${t.http}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="run-results">
          <table className="results-table" aria-label="Connections">
            <thead>
              <tr>
                <th scope="col">Connection</th>
                <th scope="col">Outcome</th>
                <th scope="col">Backend</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td colSpan={4} className="results-empty">
                  No run yet.
                </td>
              </tr>
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}
