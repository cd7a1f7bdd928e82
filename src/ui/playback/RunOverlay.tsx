/**
 * The run drawn on the canvas, in flow coordinates (React Flow's ViewportPortal, so it pans and
 * zooms with the nodes): the current packet travelling along the edges from where it was to where
 * the event happened, coloured by kind and labelled with its addresses; a NAT callout where a
 * rewrite changes them; a mark on every element that dropped a packet so far (reason code and
 * sentence; a SYN-ACK mismatch with the 4-tuple the socket expected beside the one that arrived);
 * and each pool member's probe state. The animation moves one element per frame through a ref,
 * never through React state.
 */
import { ViewportPortal } from '@xyflow/react';
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
      el.style.transform = `translate(${x}px, ${y}px) translate(-50%, -50%)`;
      if (t < 1) frame = requestAnimationFrame(place);
    };
    place();
    return () => cancelAnimationFrame(frame);
  }, [d, at, startedAt, stepMs]);

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
          style={{ transform: `translate(${at.x + at.width / 2}px, ${at.y - 8}px) translate(-50%, -100%)` }}
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

function Marks({ graph }: { graph: CanvasGraph }) {
  const summary = useRunStore((s) => s.summary);
  const upto = useRunStore((s) => s.current?.index ?? null);
  const connection = useRunStore((s) => s.filter.connection);
  const marks = useMemo(
    () => (summary === null ? [] : dropMarks(summary.drops, upto, connection)),
    [summary, upto, connection],
  );
  return (
    <>
      {marks.map((m) => {
        const box = boxOfElement(graph, m.element);
        if (box === null) return null;
        return (
          <div
            key={m.element}
            className="drop-mark"
            data-mark={m.element}
            role="note"
            aria-label={`Dropped at ${elementLabel(m.element)}`}
            // Above the element, so that it stays inside the view that fits the nodes.
            style={{ transform: `translate(${box.x}px, ${box.y - 8}px) translateY(-100%)` }}
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
    </>
  );
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
    <ViewportPortal>
      <div className="run-overlay">
        <Focus graph={graph} />
        <ProbeStates graph={graph} />
        <Marks graph={graph} />
        <PacketTrail graph={graph} />
      </div>
    </ViewportPortal>
  );
});
