import type { BulkResult, ConnectionResult } from '../../sim/simulate';
import { useAppStore } from '../store';
import { connectionsToCsv, connectionsToJson, download, slugOf } from '../workshop/exportTable';
import { formatTime } from './describe';
import { useRunStore } from './runStore';
import { VirtualRows } from './VirtualRows';

function Counts({ title, counts }: { title: string; counts: Record<string, number> }) {
  const entries = Object.entries(counts);
  return (
    <div className="bulk-block">
      <h4>{title}</h4>
      {entries.length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <table className="bulk-table">
          <tbody>
            {entries.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td>{v.toLocaleString('en')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function BulkSummary({ result }: { result: BulkResult }) {
  return (
    <section className="bulk-summary" aria-label="Bulk result">
      <Counts title="Outcomes" counts={result.outcomes} />
      <Counts title="Backends" counts={result.backends} />
      <Counts title="Reasons" counts={result.reasons} />
      <Counts title="Closed by" counts={result.closed} />
    </section>
  );
}

/** Export of the table (issue 7 §4, src/ui/workshop/exportTable.ts): CSV for a spreadsheet, JSON as is. */
function ExportButtons({ rows }: { rows: readonly ConnectionResult[] }) {
  const name = () => `${slugOf(useAppStore.getState().scenario.title)}-connections`;
  return (
    <div className="connections-export">
      <button
        type="button"
        className="button button-small"
        onClick={() => download(`${name()}.csv`, connectionsToCsv(rows), 'text/csv')}
      >
        Export CSV
      </button>
      <button
        type="button"
        className="button button-small"
        onClick={() => download(`${name()}.json`, connectionsToJson(rows), 'application/json')}
      >
        Export JSON
      </button>
    </div>
  );
}

/**
 * Every connection of the run with its outcome, backend and reason. Choosing one replays it alone
 * (the event filter set to that connection, played from its first event).
 */
export function ConnectionsTable() {
  const summary = useRunStore((s) => s.summary);
  const replaying = useRunStore((s) => s.filter.connection);
  if (summary === null) return <p className="muted run-empty">No run yet. Press Run to simulate the traffic.</p>;
  const result = summary.result;
  if (!('connections' in result) || !Array.isArray(result.connections))
    return <BulkSummary result={result as BulkResult} />;
  const rows = result.connections;
  const selected = rows.findIndex((c) => `${c.traffic}#${c.index}` === replaying);
  return (
    <div className="connections">
      <ExportButtons rows={rows} />
      <div className="connections-head" aria-hidden="true">
        <span>Connection</span>
        <span>Source → destination</span>
        <span>Outcome</span>
        <span>Backend</span>
        <span>Reason</span>
      </div>
      <VirtualRows
        count={rows.length}
        selected={selected}
        label="Connections"
        onPick={(i) => {
          const c = rows[i];
          if (c !== undefined) void useRunStore.getState().replayConnection(`${c.traffic}#${c.index}`);
        }}
        renderRow={(i, style) => {
          const c = rows[i];
          if (c === undefined) return null;
          const id = `${c.traffic}#${c.index}`;
          const reason = c.reason ?? c.closed?.reason ?? null;
          const route = `${c.source ?? '—'} → ${c.destination}`;
          const outcome = [
            c.outcome,
            c.http !== null ? `HTTP ${c.http.status}` : '',
            c.handshakeMs !== null ? `${c.handshakeMs} ms` : '',
            c.closed !== null ? `closed by ${c.closed.by} at ${formatTime(c.closed.at)}` : '',
          ]
            .filter(Boolean)
            .join(' · ');
          return (
            <div
              key={id}
              style={style}
              role="option"
              aria-selected={id === replaying}
              className={`connection-row${id === replaying ? ' is-current' : ''}`}
              title={`Replay ${id} alone`}
              tabIndex={-1}
              onClick={() => void useRunStore.getState().replayConnection(id === replaying ? null : id)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') void useRunStore.getState().replayConnection(id);
              }}
            >
              <span title={id}>{id}</span>
              <span className="muted" title={route}>
                {route}
              </span>
              <span className={`outcome outcome-${c.outcome}`} title={outcome}>
                {outcome}
              </span>
              <span title={c.backend ?? ''}>{c.backend ?? '—'}</span>
              <span title={reason?.detail ?? ''}>
                {reason === null ? (
                  ''
                ) : (
                  <>
                    <code className="reason-code">{reason.code}</code> {reason.detail}
                  </>
                )}
              </span>
            </div>
          );
        }}
      />
    </div>
  );
}
