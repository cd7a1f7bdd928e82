import { type MouseEvent, useEffect, useState } from 'react';
import type { KeptSummary, ProbeAttempts } from '../../sim/service';
import { useRunStore } from '../run/runStore';
import { callWorker } from '../run/simClient';
import { eventMarks, type TimelineRow, timeAt, timeAxis, timelineRows } from './timelineData';
import { useWidth } from './useWidth';

const LABEL_W = 190;
const RIGHT = 26;
const ROW_H = 36;
const LANE_H = 13;
const AXIS_H = 22;

/** The kept run's probe attempts, read once per run from the worker (none for a bulk run). */
function useAttempts(summary: KeptSummary | null): ProbeAttempts | null {
  const [state, setState] = useState<{ of: KeptSummary; attempts: ProbeAttempts } | null>(null);
  useEffect(() => {
    if (summary === null || summary.mode !== 'trace') return;
    let live = true;
    callWorker((r) => r.probeAttempts())
      .then((attempts) => {
        if (live) setState({ of: summary, attempts });
      })
      // A worker that went away is reported by the run bar; the timeline just has no attempts.
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [summary]);
  return state !== null && state.of === summary ? state.attempts : null;
}

/** Seeks playback to the first event at or after `seconds` in the current view. */
async function seekTime(seconds: number) {
  const s = useRunStore.getState();
  if (s.summary?.mode !== 'trace') return;
  const filter = { kind: s.filter.kind, connection: s.filter.connection };
  try {
    const position = await callWorker((r) => r.findTime(seconds, filter));
    if (position >= 0) await useRunStore.getState().seek(position, { animate: true, focus: true });
  } catch {
    // The run bar says when the worker went away.
  }
}

const fmt = (t: number) => `${Number(t.toFixed(3))} s`;

function changesText(row: TimelineRow): string {
  if (row.changes.length === 0) return `${row.segments[0]?.state ?? row.finalState} throughout`;
  const parts = row.changes.map((c) => `${c.state} at ${fmt(c.at)}`);
  return parts.length > 3 ? `${parts.slice(0, 3).join(' · ')} · +${parts.length - 3} more` : parts.join(' · ');
}

/**
 * The probe timeline (issue 8, "when did this member go down?"): per probe and member, each probe
 * attempt (a tick: success above, failure below) and the up/down state over time, the scenario's
 * events as labelled rules, and the playback cursor. A click seeks playback to that time.
 */
export function ProbeTimeline() {
  const summary = useRunStore((s) => s.summary);
  const scenario = useRunStore((s) => s.scenarioAtRun);
  const cursorAt = useRunStore((s) => s.current?.event.at ?? null);
  const attempts = useAttempts(summary);
  const [ref, width] = useWidth<HTMLDivElement>();

  if (summary === null) {
    return (
      <div className="probe-timeline" ref={ref}>
        <p className="muted analysis-empty">Run the scenario to see each member&apos;s probes over time.</p>
      </div>
    );
  }
  const end = summary.result.simulatedSeconds;
  const rows = timelineRows(summary.result.probes, attempts?.attempts ?? [], end);
  const left = LABEL_W;
  const right = Math.max(left + 120, width - RIGHT);
  const { x, ticks } = timeAxis(end, left, right);
  const marks = eventMarks(scenario?.events ?? [], x, end, right);
  const lanes = marks.reduce((n, m) => Math.max(n, m.lane + 1), 0);
  const top = 6 + lanes * LANE_H;
  const height = top + rows.length * ROW_H + AXIS_H;
  const bottom = top + rows.length * ROW_H;

  const onClick = (e: MouseEvent<SVGSVGElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const px = e.clientX - box.left;
    if (summary.mode !== 'trace' || px < left - 4 || px > right + 4) return;
    void seekTime(timeAt(x, px, end));
  };

  return (
    <div className="probe-timeline" ref={ref}>
      <p className="probe-timeline-note muted">
        {summary.mode === 'bulk'
          ? 'A bulk run keeps no trace: the state changes are shown, not each probe attempt.'
          : attempts === null
            ? 'Reading the probe attempts…'
            : `${attempts.total.toLocaleString('en')} probe attempts${attempts.total > attempts.attempts.length ? ` (the first ${attempts.attempts.length.toLocaleString('en')} shown)` : ''}. Click the timeline to move playback there.`}
        <span className="timeline-legend" aria-hidden="true">
          <span className="legend-swatch is-up" /> up <span className="legend-swatch is-down" /> down{' '}
          <span className="legend-tick is-ok" /> success <span className="legend-tick is-failed" /> failure{' '}
          <span className="legend-rule is-event" /> event <span className="legend-rule is-cursor" /> playback
        </span>
      </p>
      {rows.length === 0 ? (
        <p className="muted analysis-empty">No health probe watches a pool member in this scenario.</p>
      ) : (
        width > 0 && (
          // biome-ignore lint/a11y/useKeyWithClickEvents: a pointer shortcut; the playback bar seeks by keyboard.
          <svg
            className={`timeline-chart${summary.mode === 'trace' ? ' is-seekable' : ''}`}
            onClick={onClick}
            width={width}
            height={height}
            role="img"
            aria-label={`Probe timeline over ${fmt(end)}: ${rows.map((r) => `${r.member} ${changesText(r)}`).join('; ')}`}
          >
            {ticks.map((t) => (
              <g key={t.value} className="timeline-tick">
                <line x1={t.x} x2={t.x} y1={top} y2={bottom} />
                <text x={t.x} y={bottom + 14} textAnchor="middle">
                  {t.label}
                </text>
              </g>
            ))}
            {rows.map((row, i) => {
              const y = top + i * ROW_H;
              const mid = y + ROW_H / 2;
              return (
                <g key={row.key} className="timeline-row" data-member={row.member} data-probe={row.probe}>
                  <text className="timeline-member" x={8} y={y + 14}>
                    {row.member}
                    <tspan className="timeline-probe" dx={6}>
                      {row.loadBalancer}/{row.probe}
                    </tspan>
                  </text>
                  <g>
                    <title>{row.changes.map((c) => `${c.state} at ${fmt(c.at)}`).join('\n') || 'no change'}</title>
                    <text className="timeline-changes" x={8} y={y + 28}>
                      {changesText(row)}
                    </text>
                  </g>
                  {row.segments.map((s) => (
                    <rect
                      key={s.from}
                      className={`timeline-state is-${s.state}`}
                      data-state={s.state}
                      data-from={s.from}
                      data-to={s.to}
                      x={x(s.from)}
                      y={mid - 4}
                      width={Math.max(1, x(s.to) - x(s.from))}
                      height={8}
                    >
                      <title>{`${row.member} ${s.state} from ${fmt(s.from)} to ${fmt(s.to)}`}</title>
                    </rect>
                  ))}
                  {row.attempts.map((a) => (
                    <line
                      key={a.index}
                      className={`timeline-attempt ${a.ok ? 'is-ok' : 'is-failed'}`}
                      x1={x(a.at)}
                      x2={x(a.at)}
                      y1={a.ok ? mid - 13 : mid + 6}
                      y2={a.ok ? mid - 6 : mid + 13}
                    >
                      <title>{`${fmt(a.at)} ${a.ok ? 'success' : `failure ${a.code ?? ''}`}`}</title>
                    </line>
                  ))}
                  <line className="timeline-row-rule" x1={left} x2={right} y1={y + ROW_H} y2={y + ROW_H} />
                </g>
              );
            })}
            {marks.map((m) => (
              <g key={`${m.at}-${m.label}`} className="timeline-event" data-at={m.at}>
                <line x1={m.x} x2={m.x} y1={6 + m.lane * LANE_H} y2={bottom} />
                <text x={m.anchor === 'start' ? m.x + 3 : m.x - 3} y={6 + m.lane * LANE_H + 9} textAnchor={m.anchor}>
                  {m.label}
                </text>
              </g>
            ))}
            {cursorAt !== null && (
              <g className="timeline-cursor" data-at={cursorAt}>
                <line x1={x(Math.min(cursorAt, end))} x2={x(Math.min(cursorAt, end))} y1={top} y2={bottom} />
              </g>
            )}
          </svg>
        )
      )}
    </div>
  );
}
