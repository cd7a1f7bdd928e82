import { useAppStore } from '../store';

const RUN_UNAVAILABLE = 'The simulation engine arrives with the run view; until then this table stays empty.';

/**
 * The run area: the scenario's traffic, the Run button and the connections table the engine will
 * fill (issue 6). Nothing here pretends to run.
 */
export function RunPanel() {
  const traffic = useAppStore((s) => s.scenario.traffic);
  const list = Array.isArray(traffic) ? traffic : [];
  return (
    <section className="app-run panel" aria-label="Run">
      <div className="run-bar">
        <h2 className="panel-heading">Run</h2>
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
              {list.map((t) => (
                <li key={t.name}>
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
