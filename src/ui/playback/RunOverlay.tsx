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
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { HEALTH_REASON_TEXT } from '../../scenario/healthReasons';
import type { Flow } from '../canvas/toFlow';
import { changedFields, elementLabel, packetKind, packetName } from '../run/describe';
import { useRunStore } from '../run/runStore';
import { type Box, boxOfElement, buildGraph, type CanvasGraph, centreOf, followShift, packetPath } from './animation';
import {
  dropMarks,
  type ElementMark,
  estimateMarkSize,
  leaderOf,
  type MarkPlacement,
  type MarkRequest,
  memberStates,
  placeMarks,
  type Rect,
  type Size,
} from './marks';

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
  const summary = useRunStore((s) => s.summary);
  // Where the packet rests before and after this step (below each element and its probe pills).
  const rests = useMemo(() => {
    const pills = (element: string) =>
      element.startsWith('nic:') && summary !== null
        ? summary.result.probes.filter((p) => `nic:${p.member}` === element).length
        : 0;
    const restAt = (element: string | null) => {
      const box = element === null ? null : boxOfElement(graph, element);
      return box === null || element === null ? null : tokenRest(box, pills(element));
    };
    return { from: restAt(from), to: restAt(e?.element ?? null) };
  }, [graph, summary, from, e]);

  useEffect(() => {
    const el = token.current;
    const p = path.current;
    if (el === null) return;
    let frame = 0;
    // At rest the packet hangs below its element, never over the element's name (tokenRest).
    const rest = rests.to;
    const start = d === null ? null : rests.from;
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
      // Over the first quarter of the step, from where it rested onto the path; over the last,
      // from the path's end down to where it rests.
      const k0 = start === null ? 0 : 1 - smoothstep(t / 0.25);
      if (start !== null) {
        x += (start.x - x) * k0;
        y += (start.y - y) * k0;
      }
      const k = rest === null ? 0 : smoothstep((t - 0.7) / 0.3);
      if (rest !== null) {
        x += (rest.x - x) * k;
        y += (rest.y - y) * k;
      }
      el.style.transform = `translate(${x}px, ${y}px) scale(${grow}) translate(-50%, ${-50 + 50 * Math.max(k, k0)}%)`;
      if (t < 1) frame = requestAnimationFrame(place);
    };
    place();
    return () => cancelAnimationFrame(frame);
  }, [d, at, startedAt, stepMs, grow, rests]);

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

const smoothstep = (v: number): number => {
  const c = Math.min(1, Math.max(0, v));
  return c * c * (3 - 2 * c);
};

/**
 * Where a packet rests at its element: centred under the element's box (below its probe-state
 * pills, 20 px each), the token's top edge there, so the element's title stays readable.
 */
export const tokenRest = (box: Box, pills: number): { x: number; y: number } => ({
  x: box.x + box.width / 2,
  y: box.y + box.height + 10 + pills * 20,
});

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

/** The reasons of one element's mark, with the SYN-ACK mismatch's tuples. */
function MarkReasons({ mark, at }: { mark: ElementMark; at: string | null }) {
  return (
    <>
      {at !== null && <div className="drop-at">{at}</div>}
      {mark.reasons.map((r) => (
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
    </>
  );
}

/** The `.drop-at` line and the mark's 4 px gap, until one is drawn and measured. */
const AT_HEIGHT_GUESS = 21;

const sameSize = (a: Size | undefined, b: Size) =>
  a !== undefined && Math.abs(a.width - b.width) < 1 && Math.abs(a.height - b.height) < 1;

/**
 * The text of each VNet and subnet label (kind, name, address space) in flow pixels, from layout
 * offsets, which the viewport's transform leaves alone: measured once per drawing, not per pan.
 */
function groupLabelBoxes(layer: HTMLElement, graph: CanvasGraph): Rect[] {
  const flow = layer.closest('.react-flow');
  if (flow === null) return [];
  const out: Rect[] = [];
  for (const label of flow.querySelectorAll<HTMLElement>('.react-flow__node .canvas-network-label')) {
    const box = graph.boxes.get(label.closest<HTMLElement>('.react-flow__node')?.dataset.id ?? '');
    if (box === undefined) continue;
    let right = label.offsetLeft;
    for (const child of label.children)
      if (child instanceof HTMLElement && child.offsetWidth > 0)
        right = Math.max(right, child.offsetLeft + child.offsetWidth);
    // The text and a little air, within the label's strip.
    const width = Math.min(right + 4, label.offsetLeft + label.offsetWidth) - label.offsetLeft;
    if (width > 0)
      out.push({ x: box.x + label.offsetLeft, y: box.y + label.offsetTop, width, height: label.offsetHeight });
  }
  return out;
}

/** The boxes of what floats over the canvas (playback bar, minimap, zoom buttons), in its pixels. */
function floatingBoxes(layer: HTMLElement): Rect[] {
  const canvas = layer.closest('.app-canvas');
  const origin = layer.getBoundingClientRect();
  if (canvas === null) return [];
  return [...canvas.querySelectorAll('.playback, .react-flow__minimap, .react-flow__controls')].map((el) => {
    const b = el.getBoundingClientRect();
    return { x: b.left - origin.left, y: b.top - origin.top, width: b.width, height: b.height };
  });
}

/**
 * Drop marks are drawn in screen space, not flow space: at the zoom that fits a whole scenario
 * (often under 0.6) a mark in flow space was too small to read and, on an element at the edge,
 * half outside the canvas. Here each mark keeps its readable size and `placeMarks` (marks.ts) puts
 * it above its element (else below), stacks it past the marks of neighbouring elements, and
 * collapses it to one line where a full mark fits nowhere. An element with several reasons shows
 * one collapsed mark with the count, whose details open on hover, focus or click. Sizes are first
 * guessed, then measured after each render (before paint) and placed again if the guess was off.
 */
function Marks({ graph }: { graph: CanvasGraph }) {
  const summary = useRunStore((s) => s.summary);
  const upto = useRunStore((s) => s.current?.index ?? null);
  const currentElement = useRunStore((s) => s.current?.event.element ?? null);
  const connection = useRunStore((s) => s.filter.connection);
  const [tx, ty, zoom] = useStore((s) => s.transform);
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const layer = useRef<HTMLDivElement>(null);
  const measured = useRef(new Map<string, Size>());
  /** The line naming the element over a displaced or opened mark, with the gap below it (measured). */
  const atHeight = useRef(AT_HEIGHT_GUESS);
  const [measureSerial, setMeasureSerial] = useState(0);
  const [reserved, setReserved] = useState<readonly Rect[]>([]);
  const [hovered, setHovered] = useState<string | null>(null);
  const [pinned, setPinned] = useState<string | null>(null);
  const [labels, setLabels] = useState<readonly Rect[]>([]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a run or an edit redraws the labels
  useLayoutEffect(() => {
    if (layer.current !== null) setLabels(groupLabelBoxes(layer.current, graph));
  }, [graph, summary]);
  const marks = useMemo(
    () => (summary === null ? [] : dropMarks(summary.drops, upto, connection)),
    [summary, upto, connection],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: measureSerial re-places after a measure
  const placed = useMemo(() => {
    const shown: { mark: ElementMark; request: MarkRequest }[] = [];
    for (const m of marks) {
      const box = boxOfElement(graph, m.element);
      if (box === null) continue;
      const anchor = { x: box.x * zoom + tx, y: box.y * zoom + ty, width: box.width * zoom, height: box.height * zoom };
      // Off screen entirely: no mark (the element is not in view; Next drop brings it back).
      if (anchor.x + anchor.width < 0 || anchor.x > width || anchor.y + anchor.height < 0 || anchor.y > height)
        continue;
      const first = m.element === currentElement;
      shown.push({
        mark: m,
        request: {
          id: m.element,
          anchor,
          full: measured.current.get(`${m.element}|full`) ?? estimateMarkSize(m, false),
          compact: measured.current.get(`${m.element}|compact`) ?? estimateMarkSize(m, true),
          collapsed: m.reasons.length > 1 && !first,
          first,
          atHeight: atHeight.current,
        },
      });
    }
    // Every element in view, marked or not (an unmarked probe beside a marked VM stays readable),
    // and every VNet and subnet label (a mark over "spoke/web" hid where the element is).
    const onScreen = (boxes: readonly Rect[]) =>
      boxes
        .map((b) => ({ x: b.x * zoom + tx, y: b.y * zoom + ty, width: b.width * zoom, height: b.height * zoom }))
        .filter((r) => r.x + r.width >= 0 && r.x <= width && r.y + r.height >= 0 && r.y <= height);
    const places = placeMarks(
      shown.map((x) => x.request),
      { width, height },
      reserved,
      onScreen(graph.leaves),
      onScreen(labels),
    );
    return shown.map((x, i) => ({ ...x, place: places[i] as MarkPlacement }));
  }, [marks, graph, labels, tx, ty, zoom, width, height, currentElement, reserved, measureSerial]);

  // Measure what was drawn; place again (before paint) where a size differs from the one used.
  // Measure what was drawn when what is drawn changes (not on a pan or zoom: sizes are in screen
  // pixels); place again, before paint, where a size differs from the one used.
  const open = pinned ?? hovered;
  const drawn = placed.map((p) => `${p.place.id}:${p.place.compact ? 'c' : 'f'}`).join(' ');
  // biome-ignore lint/correctness/useExhaustiveDependencies: what is drawn is `marks`, `drawn` and `open`
  useLayoutEffect(() => {
    const el = layer.current;
    if (el === null) return;
    let changed = false;
    for (const node of el.querySelectorAll<HTMLElement>('[data-mark-form]')) {
      const key = `${node.dataset.markFor}|${node.dataset.markForm}`;
      // A mark's size without the line naming its element: placeMarks adds it where it is shown.
      const at = node.querySelector<HTMLElement>('.drop-at');
      const atLine = at === null ? 0 : at.offsetHeight + (Number.parseFloat(getComputedStyle(node).rowGap) || 0);
      if (at !== null && Math.abs(atLine - atHeight.current) >= 1) {
        atHeight.current = atLine;
        changed = true;
      }
      const size = { width: node.offsetWidth, height: node.offsetHeight - atLine };
      if (!sameSize(measured.current.get(key), size)) {
        measured.current.set(key, size);
        changed = true;
      }
    }
    if (changed) setMeasureSerial((n) => n + 1);
  }, [marks, drawn, open]);

  // What floats over the canvas, measured when the canvas or one of them changes size.
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new run may mount a new playback bar
  useEffect(() => {
    const el = layer.current;
    const canvas = el?.closest('.app-canvas');
    if (el === null || canvas === null || canvas === undefined) return;
    const update = () => {
      const boxes = floatingBoxes(el);
      setReserved((old) =>
        old.length === boxes.length &&
        old.every((b, i) => sameSize(b, boxes[i] as Rect) && b.x === boxes[i]?.x && b.y === boxes[i]?.y)
          ? old
          : boxes,
      );
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(el);
    for (const f of canvas.querySelectorAll('.playback, .react-flow__minimap, .react-flow__controls'))
      observer.observe(f);
    return () => observer.disconnect();
  }, [summary]);

  return (
    <div className="run-marks" ref={layer}>
      <svg className="mark-leaders" aria-hidden="true">
        {placed
          .filter((p) => p.place.displaced)
          .map(({ place, request }) => (
            <line key={place.id} {...leaderOf(place, place.side, request.anchor)} />
          ))}
      </svg>
      {placed.map(({ mark, place }) => {
        const label = elementLabel(mark.element);
        const style = { transform: `translate(${place.x}px, ${place.y}px)` };
        if (!place.compact) {
          return (
            <div
              key={mark.element}
              className={`drop-mark${place.side === 'below' ? ' is-below' : ''}`}
              data-mark={mark.element}
              data-mark-for={mark.element}
              data-mark-form="full"
              role="note"
              aria-label={`Dropped at ${label}`}
              style={style}
            >
              <MarkReasons mark={mark} at={place.displaced ? label : null} />
            </div>
          );
        }
        // The chip names the reason that happened most.
        const first = mark.reasons.reduce((a, b) => (b.count > a.count ? b : a));
        const drops = mark.reasons.reduce((n, r) => n + r.count, 0);
        const isOpen = open === mark.element;
        const full = measured.current.get(`${mark.element}|full`) ?? estimateMarkSize(mark, false);
        // Opened, the details sit beside the collapsed mark (which stays clickable), away from the
        // element when there is room, else on the other side, inside the view.
        const over = place.y - 4 - full.height - atHeight.current;
        const under = place.y + place.height + 4;
        const fitsOver = over >= 8;
        const fitsUnder = under + full.height + atHeight.current <= height - 8;
        const top =
          (place.side === 'above' && fitsOver) || !fitsUnder
            ? Math.max(8, fitsOver ? over : Math.min(over, height - full.height - atHeight.current - 8))
            : under;
        const left = Math.max(8, Math.min(width - full.width - 8, place.x));
        return (
          <div key={mark.element} className="drop-mark-slot" data-mark={mark.element}>
            <button
              type="button"
              className={`drop-chip${place.crowded ? ' is-crowded' : ''}${isOpen ? ' is-open' : ''}`}
              data-mark-for={mark.element}
              data-mark-form="compact"
              style={style}
              aria-expanded={isOpen}
              aria-label={`Dropped at ${label}: ${mark.reasons.map((r) => `${r.code} × ${r.count}`).join(', ')}`}
              title={`${label}: ${drops} drop${drops === 1 ? '' : 's'} — hover or click for the reasons`}
              onClick={() => {
                // A click pins the details open; a second click closes them, hover or not.
                const closing = pinned === mark.element;
                setPinned(closing ? null : mark.element);
                if (closing) setHovered(null);
              }}
              onKeyDown={(event) => {
                if (event.key === 'Escape') {
                  setPinned(null);
                  setHovered(null);
                }
              }}
              onMouseEnter={() => setHovered(mark.element)}
              onMouseLeave={() => setHovered((h) => (h === mark.element ? null : h))}
              onFocus={() => setHovered(mark.element)}
              onBlur={() => setHovered((h) => (h === mark.element ? null : h))}
            >
              <span className="drop-x" aria-hidden="true">
                ✕
              </span>
              <code>{first?.code}</code>
              {mark.reasons.length > 1 && <span className="drop-more">+{mark.reasons.length - 1}</span>}
              {drops > 1 && <span className="drop-count">× {drops}</span>}
            </button>
            {isOpen && (
              <div
                className="drop-mark is-open"
                data-mark-for={mark.element}
                data-mark-form="full"
                role="note"
                aria-label={`Dropped at ${label}`}
                style={{ transform: `translate(${left}px, ${top}px)` }}
                onMouseEnter={() => setHovered(mark.element)}
                onMouseLeave={() => setHovered((h) => (h === mark.element ? null : h))}
              >
                <MarkReasons mark={mark} at={label} />
              </div>
            )}
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

/** Screen pixels kept clear around the packet's element when following it (and the bar below). */
const FOLLOW_MARGIN = 24;
/** About the packet token's size at 1× (run.css `.packet-token`: two lines, the addresses). */
const TOKEN_SIZE = { width: 240, height: 44 };
const FOLLOW_BOTTOM = 84;

/**
 * Follow: at each step, when the element the packet moves to (with the place it rests below it)
 * would leave the visible canvas, pan smoothly, keeping the zoom, by the least that brings it —
 * and where it comes from, when both fit — back into view, plus some lead (`followShift`).
 * Moving the view by hand — a drag, the wheel, a pinch, the zoom buttons, the minimap — turns
 * following off (the Follow toggle turns it on again).
 */
function FollowPacket({ graph }: { graph: CanvasGraph }) {
  const current = useRunStore((s) => s.current);
  const follow = useRunStore((s) => s.follow);
  const stepMs = useRunStore((s) => s.stepMs);
  const focusSerial = useRunStore((s) => s.focusSerial);
  const paneDragging = useStore((s) => s.paneDragging);
  const focused = useRef(focusSerial);
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const { setCenter, getViewport } = useReactFlow();

  useEffect(() => {
    if (paneDragging && useRunStore.getState().follow) useRunStore.getState().setFollow(false);
  }, [paneDragging]);

  // Every other move of the view by hand turns it off too: wheel or pinch zoom (and a wheel pan),
  // a double-click zoom, the zoom and fit buttons, dragging or wheeling the minimap.
  const domNode = useStore((s) => s.domNode);
  useEffect(() => {
    if (domNode === null) return;
    const stop = () => {
      if (useRunStore.getState().follow) useRunStore.getState().setFollow(false);
    };
    const within = (event: Event, selector: string) =>
      event.target instanceof Element && event.target.closest(selector) !== null;
    const onWheel = (event: WheelEvent) => {
      const onCanvas = within(event, '.react-flow__renderer') && !within(event, '.nowheel');
      if (onCanvas || within(event, '.react-flow__minimap')) stop();
    };
    const onTouch = (event: TouchEvent) => {
      if (event.touches.length > 1 && within(event, '.react-flow__renderer')) stop();
    };
    const onPointer = (event: PointerEvent) => {
      if (within(event, '.react-flow__minimap')) stop();
    };
    // A click, not a press: the buttons also work from the keyboard.
    const onClick = (event: MouseEvent) => {
      if (within(event, '.react-flow__controls-button')) stop();
    };
    const onDoubleClick = (event: MouseEvent) => {
      if (event.target instanceof Element && event.target.classList.contains('react-flow__pane')) stop();
    };
    const capture = { capture: true, passive: true };
    domNode.addEventListener('wheel', onWheel, capture);
    domNode.addEventListener('touchstart', onTouch, capture);
    domNode.addEventListener('pointerdown', onPointer, capture);
    domNode.addEventListener('click', onClick, capture);
    domNode.addEventListener('dblclick', onDoubleClick, capture);
    return () => {
      domNode.removeEventListener('wheel', onWheel, capture);
      domNode.removeEventListener('touchstart', onTouch, capture);
      domNode.removeEventListener('pointerdown', onPointer, capture);
      domNode.removeEventListener('click', onClick, capture);
      domNode.removeEventListener('dblclick', onDoubleClick, capture);
    };
  }, [domNode]);

  useEffect(() => {
    // A jump (Next drop, an event picked) is framed by `Camera` instead.
    if (focused.current !== focusSerial) {
      focused.current = focusSerial;
      return;
    }
    if (!follow || current === null || width === 0 || height === 0) return;
    const to = boxOfElement(graph, current.event.element);
    if (to === null) return;
    const { x: tx, y: ty, zoom } = getViewport();
    // The element and the packet resting under it (its label is wider than most nodes).
    const grow = Math.min(3, Math.max(1, 1 / zoom));
    const tokenWidth = TOKEN_SIZE.width * grow;
    const left = Math.min(to.x, to.x + to.width / 2 - tokenWidth / 2);
    const target = {
      x: left,
      y: to.y,
      width: Math.max(to.x + to.width, to.x + to.width / 2 + tokenWidth / 2) - left,
      height: to.height + 10 + TOKEN_SIZE.height * grow,
    };
    const view = {
      left: (FOLLOW_MARGIN - tx) / zoom,
      top: (FOLLOW_MARGIN - ty) / zoom,
      right: (width - FOLLOW_MARGIN - tx) / zoom,
      bottom: (height - FOLLOW_BOTTOM - ty) / zoom,
    };
    const stay = followShift(target, view);
    if (stay.dx === 0 && stay.dy === 0) return;
    const from = current.from === null ? null : boxOfElement(graph, current.from);
    let focus: Box = target;
    if (from !== null) {
      const x = Math.min(from.x, target.x);
      const y = Math.min(from.y, target.y);
      const both = {
        x,
        y,
        width: Math.max(from.x + from.width, target.x + target.width) - x,
        height: Math.max(from.y + from.height, target.y + target.height) - y,
      };
      if (both.width <= view.right - view.left && both.height <= view.bottom - view.top) focus = both;
    }
    const { dx, dy } = focus === target ? stay : followShift(focus, view);
    const centre = { x: (width / 2 - tx) / zoom, y: (height / 2 - ty) / zoom };
    void setCenter(centre.x + dx, centre.y + dy, { zoom, duration: Math.max(150, Math.min(600, stepMs * 0.6)) });
  }, [current, follow, focusSerial, graph, width, height, stepMs, setCenter, getViewport]);
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
              <div
                key={s.probe}
                className={`probe-state is-${s.state}`}
                title={`${s.probe}: ${s.reasonCode}${HEALTH_REASON_TEXT[s.reasonCode] === undefined ? '' : ` — ${HEALTH_REASON_TEXT[s.reasonCode]}`}`}
              >
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
      <FollowPacket graph={graph} />
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
