/**
 * The run drawn on the canvas, in flow coordinates (React Flow's ViewportPortal, so it pans and
 * zooms with the nodes): the current packet travelling along the edges from where it was to where
 * the event happened, coloured by kind and labelled with its addresses; a NAT callout where a
 * rewrite changes them; a mark on every element that dropped a packet so far (reason code and
 * sentence; a SYN-ACK mismatch with the 4-tuple the socket expected beside the one that arrived);
 * and each pool member's probe state. The animation moves one element per frame through a ref,
 * never through React state.
 */
import { useReactFlow, useStore, ViewportPortal } from '@xyflow/react';
import { memo, useEffect, useMemo, useRef } from 'react';
import type { Flow } from '../canvas/toFlow';
import { changedFields, elementLabel, packetKind, packetName } from '../run/describe';
import { useRunStore } from '../run/runStore';
import { type Box, boxOfElement, buildGraph, type CanvasGraph, centreOf, packetPath } from './animation';
import { dropMarks, memberStates } from './marks';

function PacketTrail({ graph }: { graph: CanvasGraph }) {
  const current = useRunStore((s) => s.current);
  const startedAt = useRunStore((s) => s.stepStartedAt);
  const stepMs = useRunStore((s) => s.stepMs);
  const path = useRef<SVGPathElement>(null);
  const token = useRef<HTMLDivElement>(null);
  const e = current?.event ?? null;
  const packet = e?.packet ?? null;
  const from = current?.from ?? null;
  const d = useMemo(
    () => (e === null || packet === null ? null : packetPath(graph, from ?? e.element, e.element)),
    [graph, e, packet, from],
  );
  const at = e === null ? null : boxOfElement(graph, e.element);
  const grow = useStore(readableScale);

  useEffect(() => {
    const el = token.current;
    const p = path.current;
    if (el === null) return;
    let frame = 0;
    const place = () => {
      const t = Math.min(1, Math.max(0, (performance.now() - startedAt) / Math.max(1, stepMs * 0.85)));
      const eased = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
      let x = 0;
      let y = 0;
      if (p !== null && d !== null) {
        const point = p.getPointAtLength(eased * p.getTotalLength());
        x = point.x;
        y = point.y;
      } else if (at !== null) {
        ({ x, y } = centreOf(at));
      }
      el.style.transform = `translate(${x}px, ${y}px) translate(-50%, -50%) scale(${grow})`;
      if (t < 1) frame = requestAnimationFrame(place);
    };
    place();
    return () => cancelAnimationFrame(frame);
  }, [d, at, startedAt, stepMs, grow]);

  if (e === null || packet === null) return null;
  const kind = packetKind(packet, e.connection);
  const changed = e.kind === 'rewrite' && e.before !== null ? changedFields(e.before, packet) : [];
  return (
    <>
      {d !== null && (
        <svg className="run-trail" aria-hidden="true">
          <path ref={path} d={d} className={`trail trail-${kind}`} />
        </svg>
      )}
      <div
        ref={token}
        className={`packet-token packet-${kind}${e.kind === 'drop' ? ' is-dropped' : ''}`}
        role="img"
        aria-label={`Packet ${packetName(packet)} ${packet.src} to ${packet.dst} at ${elementLabel(e.element)}`}
        data-testid="packet-token"
      >
        <span className="packet-token-name">
          {e.kind === 'drop' ? '✕ ' : ''}
          {packetName(packet)}
        </span>
        <span className="packet-token-addr">
          <span className={changed.includes('src') ? 'is-changed' : ''}>{packet.src}</span> →{' '}
          <span className={changed.includes('dst') ? 'is-changed' : ''}>{packet.dst}</span>
        </span>
      </div>
      {e.kind === 'rewrite' && e.before !== null && at !== null && (
        <div
          className="nat-callout"
          style={{
            transform: `translate(${at.x + at.width / 2}px, ${at.y - 8}px) scale(${grow}) translate(-50%, -100%)`,
            transformOrigin: '0 0',
          }}
          role="note"
          aria-label={`Rewritten at ${elementLabel(e.element)}`}
        >
          <span className="nat-title">
            {e.decision?.kind === 'reverseNat' ? 'Reverse NAT' : e.decision?.kind === 'snat' ? 'SNAT' : 'DNAT'}
          </span>
          {changed.map((f) => (
            <span key={f} className="nat-change">
              {f} <s>{e.before?.[f]}</s> → <strong>{packet[f]}</strong>
            </span>
          ))}
        </div>
      )}
    </>
  );
}

function Focus({ graph }: { graph: CanvasGraph }) {
  const element = useRunStore((s) => s.current?.event.element ?? null);
  const kind = useRunStore((s) => s.current?.event.kind ?? null);
  const box = element === null ? null : boxOfElement(graph, element);
  if (box === null) return null;
  const standIn = element !== null && !graph.boxes.has(element);
  return (
    <div
      className={`run-focus${kind === 'drop' ? ' is-drop' : ''}${standIn ? ' is-stand-in' : ''}`}
      style={{ transform: `translate(${box.x - 6}px, ${box.y - 6}px)`, width: box.width + 12, height: box.height + 12 }}
    >
      {standIn && element !== null && <span className="run-focus-label">{elementLabel(element)}</span>}
    </div>
  );
}

/** Screen pixels a mark keeps from the canvas's edges, and its width (run.css `.drop-mark`). */
const MARK_MARGIN = 8;
const MARK_WIDTH = 300;
/** Room a mark needs above its element before it goes below it instead. */
const MARK_ROOM = 150;

/**
 * Drop marks are drawn in screen space, not flow space: at the zoom that fits a whole scenario
 * (often under 0.6) a mark in flow space was too small to read and, on an element at the edge,
 * half outside the canvas. Here each mark keeps its readable size, sits above its element (below
 * when there is no room), and is clamped inside the canvas.
 */
function Marks({ graph }: { graph: CanvasGraph }) {
  const summary = useRunStore((s) => s.summary);
  const upto = useRunStore((s) => s.current?.index ?? null);
  const connection = useRunStore((s) => s.filter.connection);
  const [tx, ty, zoom] = useStore((s) => s.transform);
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const marks = useMemo(
    () => (summary === null ? [] : dropMarks(summary.drops, upto, connection)),
    [summary, upto, connection],
  );
  const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(Math.max(lo, hi), v));
  return (
    <div className="run-marks">
      {marks.map((m) => {
        const box = boxOfElement(graph, m.element);
        if (box === null) return null;
        const left = box.x * zoom + tx;
        const top = box.y * zoom + ty;
        const bottom = top + box.height * zoom;
        // Off screen entirely: no mark (the element is not in view; Next drop brings it back).
        if (left + box.width * zoom < 0 || left > width || bottom < 0 || top > height) return null;
        const above = top >= MARK_ROOM;
        const x = clamp(left, MARK_MARGIN, width - MARK_WIDTH - MARK_MARGIN);
        const style = above
          ? { transform: `translate(${x}px, ${clamp(top - 6, MARK_MARGIN, height)}px) translateY(-100%)` }
          : { transform: `translate(${x}px, ${clamp(bottom + 6, MARK_MARGIN, height - MARK_MARGIN)}px)` };
        return (
          <div
            key={m.element}
            className={`drop-mark${above ? '' : ' is-below'}`}
            data-mark={m.element}
            role="note"
            aria-label={`Dropped at ${elementLabel(m.element)}`}
            style={style}
          >
            {m.reasons.map((r) => (
              <div key={r.code} className={`drop-reason${r.mismatch !== null ? ' is-mismatch' : ''}`}>
                <div className="drop-code">
                  <span className="drop-x" aria-hidden="true">
                    ✕
                  </span>
                  <code>{r.code}</code>
                  {r.count > 1 && <span className="drop-count">× {r.count}</span>}
                </div>
                <div className="drop-detail">{r.detail}</div>
                {r.mismatch?.expected != null && r.mismatch.packet !== null && (
                  <table className="mismatch" aria-label="SYN-ACK mismatch">
                    <tbody>
                      <tr>
                        <th scope="row">expected</th>
                        <td className={r.mismatch.expected.src !== r.mismatch.packet.src ? 'is-changed' : ''}>
                          {r.mismatch.expected.src}
                        </td>
                        <td>→ {r.mismatch.expected.dst}</td>
                      </tr>
                      <tr>
                        <th scope="row">arrived</th>
                        <td className={r.mismatch.expected.src !== r.mismatch.packet.src ? 'is-changed' : ''}>
                          {r.mismatch.packet.src}
                        </td>
                        <td>→ {r.mismatch.packet.dst}</td>
                      </tr>
                    </tbody>
                  </table>
                )}
              </div>
            ))}
          </div>
        );
      })}
    </div>
  );
}

/** How much a label drawn in flow space grows so that it is never smaller on screen than at 1×. */
const readableScale = (s: { transform: [number, number, number] }): number =>
  Math.min(3, Math.max(1, 1 / s.transform[2]));

/** Fits the view to the current event's element (and where its packet came from) when asked. */
function Camera({ graph }: { graph: CanvasGraph }) {
  const serial = useRunStore((s) => s.focusSerial);
  const { fitView, setCenter, getZoom } = useReactFlow();
  useEffect(() => {
    if (serial === 0) return;
    const current = useRunStore.getState().current;
    if (current === null) return;
    const element = current.event.element;
    const ids = [element, current.from].filter((id): id is string => id !== null && graph.boxes.has(id));
    if (ids.length > 0) {
      void fitView({ nodes: ids.map((id) => ({ id })), padding: 0.45, maxZoom: 1.2, minZoom: 0.5, duration: 300 });
      return;
    }
    const box = boxOfElement(graph, element);
    if (box !== null) {
      const c = centreOf(box);
      void setCenter(c.x, c.y, { zoom: Math.max(getZoom(), 1), duration: 300 });
    }
  }, [serial, graph, fitView, setCenter, getZoom]);
  return null;
}

function ProbeStates({ graph }: { graph: CanvasGraph }) {
  const summary = useRunStore((s) => s.summary);
  const time = useRunStore((s) => s.current?.event.at ?? null);
  const states = useMemo(() => {
    if (summary === null) return [];
    return memberStates(summary.result.probes, time ?? summary.result.simulatedSeconds);
  }, [summary, time]);
  const byMember = new Map<string, typeof states>();
  for (const s of states) byMember.set(s.member, [...(byMember.get(s.member) ?? []), s]);
  return (
    <>
      {[...byMember].map(([member, list]) => {
        const box: Box | undefined = graph.boxes.get(`nic:${member}`);
        if (box === undefined) return null;
        return (
          <div
            key={member}
            className="probe-states"
            data-probe-member={member}
            style={{ transform: `translate(${box.x}px, ${box.y + box.height + 4}px)`, width: box.width + 60 }}
          >
            {list.map((s) => (
              <div key={s.probe} className={`probe-state is-${s.state}`} title={`${s.probe}: ${s.reasonCode}`}>
                <span className="probe-dot" aria-hidden="true" />
                <strong>{s.state}</strong> <span className="probe-code">{s.reasonCode}</span>
              </div>
            ))}
          </div>
        );
      })}
    </>
  );
}

/** Everything the run draws on the canvas; nothing before a run, nothing in bulk mode but probes. */
export const RunOverlay = memo(function RunOverlay({ flow }: { flow: Flow }) {
  const hasRun = useRunStore((s) => s.summary !== null);
  const graph = useMemo(() => buildGraph(flow), [flow]);
  if (!hasRun) return null;
  return (
    <>
      <Camera graph={graph} />
      <Marks graph={graph} />
      <ViewportPortal>
        <div className="run-overlay">
          <Focus graph={graph} />
          <ProbeStates graph={graph} />
          <PacketTrail graph={graph} />
        </div>
      </ViewportPortal>
    </>
  );
});
