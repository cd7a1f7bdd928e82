import { type ChangeEvent, useCallback, useEffect, useId, useMemo, useState } from 'react';
import type { KeptSummary } from '../../sim/service';
import { describeEvent, elementLabel, formatTime, packetKind, packetLabel } from './describe';
import { type FilterKind, PAGE_SIZE, useRunStore } from './runStore';
import { VirtualRows } from './VirtualRows';

const KINDS: { value: FilterKind; label: string }[] = [
  { value: 'all', label: 'All events' },
  { value: 'data', label: 'Data (connections)' },
  { value: 'probes', label: 'Probes' },
  { value: 'drops', label: 'Drops only' },
];

const idsOf = new WeakMap<KeptSummary, readonly string[]>();
function connectionIds(summary: KeptSummary): readonly string[] {
  let ids = idsOf.get(summary);
  if (ids === undefined) {
    ids =
      'connections' in summary.result && Array.isArray(summary.result.connections)
        ? summary.result.connections.map((c) => `${c.traffic}#${c.index}`)
        : [];
    idsOf.set(summary, ids);
  }
  return ids;
}

/** Suggestions the connection filter offers at once (the ones that contain what is typed). */
const SUGGESTIONS = 50;

/**
 * The connection filter: a text field suggesting matching connections, not a `<select>` of every
 * one. A select of 2,000 options took the first render of the event list over 50 ms (bench/run.bench.ts,
 * 2,000 traced connections: 58–61 ms, most of it creating and styling the options).
 * A suggestion picked, Enter, or leaving the field applies it; an empty field shows every connection.
 */
function ConnectionFilter({ connections, value }: { connections: readonly string[]; value: string | null }) {
  const [text, setText] = useState(value ?? '');
  useEffect(() => setText(value ?? ''), [value]);
  const id = useId();
  const known = useMemo(() => new Set(connections), [connections]);
  const matches = useMemo(() => {
    const q = text.trim().toLowerCase();
    const out: string[] = [];
    for (const c of connections) {
      if (q === '' || c.toLowerCase().includes(q)) out.push(c);
      if (out.length === SUGGESTIONS) break;
    }
    return out;
  }, [connections, text]);
  const apply = (raw: string) => {
    const v = raw.trim();
    const next = v === '' ? null : known.has(v) ? v : undefined;
    if (next === undefined) setText(value ?? '');
    else if (next !== value) void useRunStore.getState().setFilter({ connection: next });
  };
  const onChange = (e: ChangeEvent<HTMLInputElement>) => {
    setText(e.target.value);
    // A suggestion chosen from the list arrives as one replacement, not as typing.
    const native = e.nativeEvent as InputEvent;
    if (native.inputType === undefined || native.inputType === 'insertReplacementText') apply(e.target.value);
  };
  return (
    <label>
      <span className="visually-hidden">Connection</span>
      <input
        type="search"
        className="event-connection"
        aria-label="Connection"
        placeholder={`All ${connections.length.toLocaleString('en')} connections`}
        list={id}
        value={text}
        onChange={onChange}
        onBlur={(e) => apply(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply(e.currentTarget.value);
          if (e.key === 'Escape') setText(value ?? '');
        }}
      />
      <datalist id={id}>
        {matches.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
    </label>
  );
}

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
  const connections = connectionIds(summary);

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
        <ConnectionFilter connections={connections} value={filter.connection} />
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
          const row = useRunStore.getState().rowAt(i);
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
