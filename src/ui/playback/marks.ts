/**
 * What the canvas marks at a point of playback: the drops so far (grouped by element and reason
 * code), and each probed member's state at that time. Pure, so it is tested in Node.
 */

import type { DropMark } from '../../sim/service';
import type { ProbeResult } from '../../sim/simulate';

export interface ElementMark {
  readonly element: string;
  readonly reasons: readonly {
    readonly code: string;
    readonly detail: string;
    readonly count: number;
    readonly mismatch: DropMark | null;
  }[];
}

/**
 * Drops up to event `upto` (every one when null), of connection `connection` only when given,
 * grouped by element, each reason code once with how often it happened and the first sentence.
 */
export function dropMarks(drops: readonly DropMark[], upto: number | null, connection: string | null): ElementMark[] {
  const byElement = new Map<
    string,
    Map<string, { code: string; detail: string; count: number; mismatch: DropMark | null }>
  >();
  for (const d of drops) {
    if (upto !== null && d.index > upto) break;
    if (connection !== null && d.connection !== connection) continue;
    const codes = byElement.get(d.element) ?? new Map();
    byElement.set(d.element, codes);
    const entry = codes.get(d.code);
    if (entry === undefined)
      codes.set(d.code, { code: d.code, detail: d.detail, count: 1, mismatch: d.expected === null ? null : d });
    else {
      entry.count++;
      // The latest mismatch: the one the playback just reached.
      if (d.expected !== null) entry.mismatch = d;
    }
  }
  return [...byElement].map(([element, codes]) => ({ element, reasons: [...codes.values()] }));
}

export interface MemberState {
  readonly member: string;
  readonly probe: string;
  readonly state: 'up' | 'down';
  /** Azure's code where the state is the final one (what the portal shows), else the raw verdict. */
  readonly reasonCode: string;
}

/** Each probed member's state at `time` (the transitions so far), with Azure's reason code. */
export function memberStates(probes: readonly ProbeResult[], time: number): MemberState[] {
  return probes.map((p) => {
    // An admin state overrides the probe for the whole run (it never changes in one).
    const code = p.healthStatus?.reasonCode;
    if (p.healthStatus !== null && (code === 'Up_Admin' || code === 'Down_Admin')) {
      return { member: p.member, probe: `${p.loadBalancer}/${p.probe}`, state: p.healthStatus.state, reasonCode: code };
    }
    let state: 'up' | 'down' = p.transitions[0]?.state ?? p.state;
    for (const t of p.transitions) if (t.at <= time) state = t.state;
    const reasonCode =
      p.healthStatus === null
        ? state === 'up'
          ? 'Up_Probe_Success'
          : (p.lastFailure?.code ?? 'Down')
        : state === p.healthStatus.state
          ? p.healthStatus.reasonCode
          : state === 'up'
            ? 'Up_Probe_Success'
            : (p.lastFailure?.code ?? 'Down');
    return { member: p.member, probe: `${p.loadBalancer}/${p.probe}`, state, reasonCode };
  });
}

// ---------------------------------------------------------------- placing marks on screen

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}
export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface MarkRequest {
  readonly id: string;
  /** The marked element's box on screen. */
  readonly anchor: Rect;
  /** The mark with its sentences, and collapsed to one line. */
  readonly full: Size;
  readonly compact: Size;
  /** Collapsed whatever the room (several reasons on one element). */
  readonly collapsed: boolean;
  /** Placed first (the element of the current event). */
  readonly first: boolean;
  /**
   * How much taller the full mark is when stacked away from its element: it then names the
   * element on a line above its reasons. Zero when not given.
   */
  readonly atHeight?: number;
}

export interface MarkPlacement {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly side: 'above' | 'below';
  readonly compact: boolean;
  /** No place was free: the mark overlaps another one (collapsed, at least). */
  readonly crowded: boolean;
  /** Stacked away from its element (the overlay draws a leader line and names the element). */
  readonly displaced: boolean;
}

export const MARK_MARGIN = 8;
export const MARK_GAP = 6;

const overlaps = (a: Rect, b: Rect): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

const overlapArea = (a: Rect, b: Rect): number =>
  Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) *
  Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));

type Spot = { rect: Rect; side: 'above' | 'below'; compact: boolean; cost: number; displaced: boolean };

/** The leader line from a displaced mark to the top or bottom middle of its element. */
export function leaderOf(
  mark: Rect,
  side: 'above' | 'below',
  anchor: Rect,
): { x1: number; y1: number; x2: number; y2: number } {
  const middle = anchor.x + anchor.width / 2;
  const x1 = Math.max(mark.x + 12, Math.min(mark.x + mark.width - 12, middle));
  return side === 'above'
    ? { x1, y1: mark.y + mark.height, x2: middle, y2: anchor.y }
    : { x1, y1: mark.y, x2: middle, y2: anchor.y + anchor.height };
}

/** Whether the segment crosses the rectangle (Liang–Barsky clipping). */
function crosses(line: { x1: number; y1: number; x2: number; y2: number }, r: Rect): boolean {
  const dx = line.x2 - line.x1;
  const dy = line.y2 - line.y1;
  let t0 = 0;
  let t1 = 1;
  const edges: [number, number][] = [
    [-dx, line.x1 - r.x],
    [dx, r.x + r.width - line.x1],
    [-dy, line.y1 - r.y],
    [dy, r.y + r.height - line.y1],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false;
    } else {
      const t = q / p;
      if (p < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
      if (t0 > t1) return false;
    }
  }
  return true;
}

/**
 * What a leader line crossing a group label costs a spot, in pixels of distance: enough to tip a
 * near tie, not to send a mark far away (a leader over a label beats a mark far from its element).
 */
const LEADER_OVER_LABEL = 15;

/**
 * The cheapest free spot for `r` clear of `blockers` (full first, then collapsed), or null. A
 * displaced spot whose leader line would cross one of `labels` costs more.
 */
function bestSpot(r: MarkRequest, blockers: readonly Rect[], view: Size, labels: readonly Rect[]): Spot | null {
  const clampX = (x: number, w: number) => Math.max(MARK_MARGIN, Math.min(view.width - w - MARK_MARGIN, x));
  const inside = (c: Rect) => c.y >= MARK_MARGIN && c.y + c.height <= view.height - MARK_MARGIN;
  const hit = (c: Rect) => blockers.find((b) => overlaps(c, b));
  let best: Spot | null = null;
  const forms: { size: Size; compact: boolean }[] = r.collapsed
    ? [{ size: r.compact, compact: true }]
    : [
        { size: r.full, compact: false },
        { size: r.compact, compact: true },
      ];
  for (const { size, compact } of forms) {
    const { width: w, height: h } = size;
    // Displaced, a full mark grows by the line naming its element.
    const moved = h + (compact ? 0 : (r.atHeight ?? 0));
    const xs = [r.anchor.x, r.anchor.x + r.anchor.width - w, r.anchor.x + (r.anchor.width - w) / 2].map((x) =>
      clampX(x, w),
    );
    for (const side of ['above', 'below'] as const) {
      const y0 = side === 'above' ? r.anchor.y - MARK_GAP - h : r.anchor.y + r.anchor.height + MARK_GAP;
      for (const x of xs) {
        // Slide away from the element past whatever is in the way, while inside the view.
        let c: Rect = { x, y: y0, width: w, height: h };
        for (let guard = 0; guard < blockers.length + 1 && inside(c); guard++) {
          const b = hit(c);
          if (b === undefined) break;
          c = { ...c, height: moved, y: side === 'above' ? b.y - MARK_GAP - moved : b.y + b.height + MARK_GAP };
        }
        if (!inside(c) || hit(c) !== undefined) continue;
        const leader = c.y !== y0 ? leaderOf(c, side, r.anchor) : null;
        const crossed = leader === null ? 0 : labels.filter((l) => crosses(leader, l)).length;
        const cost =
          Math.abs(c.y - y0) +
          Math.abs(c.x - r.anchor.x) * 0.5 +
          (side === 'below' ? 40 : 0) +
          (compact ? 10_000 : 0) +
          crossed * LEADER_OVER_LABEL;
        if (best === null || cost < best.cost) best = { rect: c, side, compact, cost, displaced: c.y !== y0 };
      }
    }
    if (best !== null) return best;
  }
  return null;
}

/**
 * Where each drop mark goes on the canvas (screen pixels), so that no two marks overlap and no
 * mark covers a marked element, nor, where any spot is free of them, another element of `nodes`
 * (every node's box, an unmarked health probe say) or a VNet or subnet label of `labels` — where
 * no spot is free of both, free of the labels, then of the other elements: above its element if there is room, else below, moved along the
 * element's width, then stacked above (or below) the marks already in the way; collapsed to one
 * line when the full mark fits nowhere; and, when nothing fits, collapsed where it overlaps least
 * (`crowded`); a displaced mark's leader line avoids the labels where a spot nearly as close
 * allows it. Every mark stays `MARK_MARGIN` inside the view and out of `reserved` (the playback
 * bar). Greedy, in order: the current event's element first, then top to bottom, left to right.
 * Returns the placements in the order of `requests`.
 */
export function placeMarks(
  requests: readonly MarkRequest[],
  view: Size,
  reserved: readonly Rect[] = [],
  nodes: readonly Rect[] = [],
  labels: readonly Rect[] = [],
): MarkPlacement[] {
  const order = requests
    .map((r, i) => ({ r, i }))
    .sort(
      (a, b) =>
        Number(b.r.first) - Number(a.r.first) ||
        a.r.anchor.y - b.r.anchor.y ||
        a.r.anchor.x - b.r.anchor.x ||
        a.i - b.i,
    );
  const placed: Rect[] = [];
  const anchors = requests.map((r) => r.anchor);
  const out: MarkPlacement[] = new Array(requests.length);
  const clampX = (x: number, w: number) => Math.max(MARK_MARGIN, Math.min(view.width - w - MARK_MARGIN, x));

  for (const { r, i } of order) {
    const marked = [...placed, ...reserved, ...anchors];
    // Clear of every element and group label first; only when no spot is, over an unmarked
    // element (its box hidden beats a mark on a mark or a crowded one), then over a label.
    const blockers = [...marked, ...nodes, ...labels];
    let best =
      bestSpot(r, blockers, view, labels) ??
      bestSpot(r, [...marked, ...labels], view, labels) ??
      bestSpot(r, [...marked, ...nodes], view, labels) ??
      bestSpot(r, marked, view, labels);
    if (best === null) {
      // Nowhere free: collapsed, above (or below without room), where it overlaps the least.
      const { width: w, height: h } = r.compact;
      let pick: { rect: Rect; side: 'above' | 'below'; area: number } | null = null;
      for (const side of ['above', 'below'] as const) {
        const y = side === 'above' ? r.anchor.y - MARK_GAP - h : r.anchor.y + r.anchor.height + MARK_GAP;
        const rect = {
          x: clampX(r.anchor.x, w),
          y: Math.max(MARK_MARGIN, Math.min(view.height - h - MARK_MARGIN, y)),
          width: w,
          height: h,
        };
        const area = blockers.reduce((sum, b) => sum + overlapArea(rect, b), 0);
        if (pick === null || area < pick.area) pick = { rect, side, area };
      }
      const p = pick as { rect: Rect; side: 'above' | 'below' };
      best = { rect: p.rect, side: p.side, compact: true, cost: Number.POSITIVE_INFINITY, displaced: false };
    }
    placed.push(best.rect);
    out[i] = {
      id: r.id,
      ...best.rect,
      side: best.side,
      compact: best.compact,
      crowded: best.cost === Number.POSITIVE_INFINITY,
      displaced: best.displaced,
    };
  }
  return out;
}

/**
 * A first guess of a mark's size before it is drawn (the overlay then measures it): the
 * `.drop-mark` width and about 43 characters a line of its 12 px sentence.
 */
export function estimateMarkSize(mark: ElementMark, compact: boolean): Size {
  if (compact) {
    const first = mark.reasons[0];
    const chars = (first?.code.length ?? 7) + (mark.reasons.length > 1 ? 9 : 0) + ((first?.count ?? 1) > 1 ? 5 : 0);
    return { width: Math.min(300, 44 + chars * 7.3), height: 26 };
  }
  let height = 0;
  for (const r of mark.reasons) {
    height += 34 + Math.ceil(r.detail.length / 43) * 16 + (r.mismatch !== null ? 40 : 0);
  }
  return { width: 300, height: height + (mark.reasons.length - 1) * 4 };
}
