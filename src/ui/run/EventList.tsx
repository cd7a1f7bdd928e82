import { useCallback } from 'react';
import { describeEvent, elementLabel, formatTime, packetKind, packetLabel } from './describe';
import { type FilterKind, PAGE_SIZE, rowAt, useRunStore } from './runStore';
import { VirtualRows } from './VirtualRows';

const KINDS: { value: FilterKind; label: string }[] = [
  { value: 'all', label: 'All events' },
  { value: 'data', label: 'Data (connections)' },
  { value: 'probes', label: 'Probes' },
  { value: 'drops', label: 'Drops only' },
];

/**
 * Every event of the run, as in Packet Tracer's simulation mode: time, element, packet, what
 * happened. Filters by kind and by connection; choosing a row shows it on the canvas and in the
 * packet inspector. Rows are read from the worker a page at a time.
 */
export function EventList() {
  const summary = useRunStore((s) => s.summary);
  const viewCount = useRunStore((s) => s.viewCount);
  const cursor = useRunStore((s) => s.cursor);
  const filter = useRunStore((s) => s.filter);
  useRunStore((s) => s.pagesVersion);

  const onRange = useCallback((first: number, last: number) => {
    const store = useRunStore.getState();
    for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++) store.ensurePage(p);
  }, []);

  if (summary === null) return <p className="muted run-empty">Run the scenario to list its packet events.</p>;
  if (summary.mode === 'bulk')
    return <p className="muted run-empty">A bulk run keeps statistics only. Run in trace mode to see every event.</p>;
  const connections =
    'connections' in summary.result && Array.isArray(summary.result.connections)
      ? summary.result.connections.map((c) => `${c.traffic}#${c.index}`)
      : [];

  return (
    <div className="event-list">
      <div className="event-filters">
        <label>
          <span className="visually-hidden">Kind</span>
          <select
            aria-label="Event kind"
            value={filter.kind}
            onChange={(e) => void useRunStore.getState().setFilter({ kind: e.target.value as FilterKind })}
          >
            {KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="visually-hidden">Connection</span>
          <select
            aria-label="Connection"
            value={filter.connection ?? ''}
            onChange={(e) => void useRunStore.getState().setFilter({ connection: e.target.value || null })}
          >
            <option value="">All connections</option>
            {connections.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">
          {viewCount.toLocaleString('en')} of {summary.eventCount.toLocaleString('en')} events
        </span>
      </div>
      <div className="event-head" aria-hidden="true">
        <span>#</span>
        <span>Time</span>
        <span>Element</span>
        <span>Connection</span>
        <span>Packet</span>
        <span>What happened</span>
      </div>
      <VirtualRows
        count={viewCount}
        selected={cursor}
        label="Events"
        onRange={onRange}
        onPick={(i) => void useRunStore.getState().seek(i, { animate: true, focus: true })}
        renderRow={(i, style) => {
          const row = rowAt(i);
          if (row === undefined)
            return (
              <div
                key={i}
                style={style}
                className="event-row is-loading"
                role="option"
                aria-selected={false}
                tabIndex={-1}
              >
                <span className="muted">…</span>
              </div>
            );
          const e = row.event;
          const kind = e.packet === null ? 'state' : packetKind(e.packet, e.connection);
          return (
            <div
              key={i}
              style={style}
              role="option"
              aria-selected={i === cursor}
              className={`event-row kind-event-${e.kind}${i === cursor ? ' is-current' : ''}`}
              tabIndex={-1}
              onClick={() => void useRunStore.getState().seek(i, { animate: true, focus: true })}
              onKeyDown={(ev) => {
                if (ev.key === 'Enter') void useRunStore.getState().seek(i, { animate: true, focus: true });
              }}
              data-index={row.index}
            >
              <span className="muted">{row.index + 1}</span>
              <span>{formatTime(e.at)}</span>
              <span title={e.element}>{elementLabel(e.element)}</span>
              <span className="muted" title={e.connection ?? ''}>
                {e.connection ?? '—'}
              </span>
              <span title={e.packet === null ? '' : packetLabel(e.packet)}>
                {e.packet !== null && <span className={`packet-dot packet-${kind}`} aria-hidden="true" />}
                {e.packet === null ? '' : packetLabel(e.packet)}
              </span>
              <span className={e.kind === 'drop' ? 'event-drop' : ''} title={e.reason?.detail ?? describeEvent(e)}>
                {describeEvent(e)}
              </span>
            </div>
          );
        }}
      />
    </div>
  );
}
