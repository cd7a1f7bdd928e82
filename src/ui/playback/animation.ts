/**
 * Trace → canvas: where an element of the trace sits on the canvas, and the path a packet draws
 * between two elements. Pure (boxes and edges in, points and SVG path text out), so it is tested in
 * Node and the overlay only asks the browser for points along the path.
 *
 * - An element drawn as a node sits at its node. Trace elements the canvas draws otherwise have a
 *   stand-in: a rule (`rule:ilb/http`) at its load balancer, a loopback without a node at its VM,
 *   a subnet at its label, and the fabric's edges (`gateway:onPremises`, `internet:internet`) when
 *   no client draws them at a spot of their own left of everything (the gateway above the internet).
 * - Between two elements a packet follows the canvas's edges (breadth-first over the relations a
 *   packet can plausibly be seen to take: NIC–VM, NIC–pool, frontend–pool by its rule, LB–its
 *   parts, client–gateway/internet), at most `MAX_HOPS` edges; with no such path, a straight line
 *   (the fabric between two places the canvas does not join).
 * - An element to itself (a packet delivered inside the guest) is a loop under the node.
 */
import { getBezierPath, Position } from '@xyflow/react';
import type { CanvasEdge, CanvasNode, Flow } from '../canvas/toFlow';

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

interface Link {
  readonly to: string;
  readonly edge: CanvasEdge;
  /** True when the edge is walked from its target to its source. */
  readonly reversed: boolean;
}

export interface CanvasGraph {
  readonly boxes: ReadonlyMap<string, Box>;
  readonly links: ReadonlyMap<string, readonly Link[]>;
  /** The box around every leaf node, for stand-ins of what the canvas does not draw. */
  readonly bounds: Box;
  /** Every element's box (not the VNets and subnets around them): what marks keep clear of. */
  readonly leaves: readonly Box[];
}

const PATH_RELATIONS = new Set(['attached', 'member', 'rule', 'owner', 'gateway']);
export const MAX_HOPS = 3;
const STAND_IN = { width: 104, height: 62 };

export function buildGraph(flow: Flow): CanvasGraph {
  const boxes = new Map<string, Box>();
  for (const n of flow.nodes) boxes.set(n.id, boxOf(n));
  const links = new Map<string, Link[]>();
  const add = (from: string, link: Link) => {
    const list = links.get(from) ?? [];
    list.push(link);
    links.set(from, list);
  };
  for (const e of flow.edges) {
    if (!PATH_RELATIONS.has(e.data?.relation ?? '')) continue;
    add(e.source, { to: e.target, edge: e, reversed: false });
    add(e.target, { to: e.source, edge: e, reversed: true });
  }
  const leaves = flow.nodes.filter((n) => n.type !== 'network').map(boxOf);
  const x = Math.min(0, ...leaves.map((b) => b.x));
  const y = Math.min(0, ...leaves.map((b) => b.y));
  const right = Math.max(x + 1, ...leaves.map((b) => b.x + b.width));
  const bottom = Math.max(y + 1, ...leaves.map((b) => b.y + b.height));
  return { boxes, links, bounds: { x, y, width: right - x, height: bottom - y }, leaves };
}

function boxOf(n: CanvasNode): Box {
  return { x: n.position.x, y: n.position.y, width: n.width ?? 152, height: n.height ?? 62 };
}

/** Where a trace element sits (see the header), or null for an element the canvas cannot place. */
export function boxOfElement(graph: CanvasGraph, element: string): Box | null {
  const drawn = graph.boxes.get(element);
  if (drawn !== undefined) return drawn;
  const colon = element.indexOf(':');
  const kind = element.slice(0, colon);
  const name = element.slice(colon + 1);
  const slash = name.indexOf('/');
  const owner = slash === -1 ? name : name.slice(0, slash);
  switch (kind) {
    case 'rule':
    case 'natRule':
    case 'outboundRule':
    case 'frontend':
    case 'pool':
    case 'probe':
      return graph.boxes.get(`lb:${owner}`) ?? null;
    case 'loopback':
      return graph.boxes.get(`vm:${owner}`) ?? null;
    case 'gateway':
    case 'internet': {
      const { bounds } = graph;
      const row = kind === 'gateway' ? 0 : 1;
      return {
        x: bounds.x - STAND_IN.width - 80,
        y: bounds.y + row * (STAND_IN.height + 40),
        ...STAND_IN,
      };
    }
    default:
      return null;
  }
}

export const centreOf = (b: Box): { x: number; y: number } => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });

/** The element ids a packet passes from `from` to `to` along canvas edges (both ends included). */
export function routeBetween(graph: CanvasGraph, from: string, to: string): { nodes: string[]; links: Link[] } {
  if (from === to || !graph.boxes.has(from) || !graph.boxes.has(to)) return { nodes: [from, to], links: [] };
  const cameBy = new Map<string, { prev: string; link: Link }>();
  let frontier = [from];
  const seen = new Set([from]);
  for (let depth = 0; depth < MAX_HOPS && frontier.length > 0 && !seen.has(to); depth++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const link of graph.links.get(id) ?? []) {
        if (seen.has(link.to)) continue;
        seen.add(link.to);
        cameBy.set(link.to, { prev: id, link });
        next.push(link.to);
      }
    }
    frontier = next;
  }
  if (!seen.has(to)) return { nodes: [from, to], links: [] };
  const nodes = [to];
  const links: Link[] = [];
  for (let at = to; at !== from; ) {
    const step = cameBy.get(at) as { prev: string; link: Link };
    links.unshift(step.link);
    nodes.unshift(step.prev);
    at = step.prev;
  }
  return { nodes, links };
}

const SIDE_POSITION: Record<string, Position> = {
  top: Position.Top,
  right: Position.Right,
  bottom: Position.Bottom,
  left: Position.Left,
};

function handlePoint(box: Box, side: string): { x: number; y: number } {
  switch (side) {
    case 'top':
      return { x: box.x + box.width / 2, y: box.y };
    case 'bottom':
      return { x: box.x + box.width / 2, y: box.y + box.height };
    case 'left':
      return { x: box.x, y: box.y + box.height / 2 };
    default:
      return { x: box.x + box.width, y: box.y + box.height / 2 };
  }
}

const pt = (p: { x: number; y: number }) => `${round(p.x)},${round(p.y)}`;
const round = (v: number) => Math.round(v * 10) / 10;

/** The path of one edge from one end to the other, as React Flow draws it (bezier or straight). */
function edgePath(graph: CanvasGraph, link: Link): string {
  const e = link.edge;
  const sBox = graph.boxes.get(e.source) as Box;
  const tBox = graph.boxes.get(e.target) as Box;
  const sSide = e.sourceHandle ?? 'right';
  const tSide = e.targetHandle ?? 'left';
  const s = handlePoint(sBox, sSide);
  const t = handlePoint(tBox, tSide);
  const [from, fromSide, to, toSide] = link.reversed ? [t, tSide, s, sSide] : [s, sSide, t, tSide];
  const bezier = e.type !== 'straight';
  const lead = `L${pt(from)}`;
  if (!bezier) return `${lead} L${pt(to)}`;
  const [path] = getBezierPath({
    sourceX: from.x,
    sourceY: from.y,
    sourcePosition: SIDE_POSITION[fromSide] ?? Position.Right,
    targetX: to.x,
    targetY: to.y,
    targetPosition: SIDE_POSITION[toSide] ?? Position.Left,
  });
  // getBezierPath starts with `M x,y`: continue the current path instead.
  return `${lead} ${path.replace(/^M\s*[^C]*/, '')}`;
}

/**
 * The SVG path a packet draws from `from` to `to` (centre to centre, along the edges between), or
 * null when either end has no place on the canvas.
 */
export function packetPath(graph: CanvasGraph, from: string, to: string): string | null {
  const a = boxOfElement(graph, from);
  const b = boxOfElement(graph, to);
  if (a === null || b === null) return null;
  if (from === to || (a.x === b.x && a.y === b.y)) {
    // A loop under the node and back: delivered inside the guest, never on the wire. It stays
    // below the node's name, where the packet rests (RunOverlay `tokenRest`).
    const cx = a.x + a.width / 2;
    const y = a.y + a.height + 24;
    return `M${pt({ x: cx, y })} C${pt({ x: cx + 90, y: y - 8 })} ${pt({ x: cx + 90, y: y + 56 })} ${pt({ x: cx, y: y + 48 })} C${pt({ x: cx - 90, y: y + 56 })} ${pt({ x: cx - 90, y: y - 8 })} ${pt({ x: cx, y })}`;
  }
  const route = routeBetween(graph, from, to);
  if (route.links.length === 0) return `M${pt(centreOf(a))} L${pt(centreOf(b))}`;
  let d = `M${pt(centreOf(a))}`;
  for (const link of route.links) d += ` ${edgePath(graph, link)}`;
  return `${d} L${pt(centreOf(b))}`;
}

export interface Span {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/**
 * How far to move the view (flow units) so that `focus` lies inside `view`: nothing when it does,
 * else the least move on each axis plus a share (`lead`) of the view so the next steps do not pan
 * again at once; centred on an axis where `focus` is larger than the view.
 */
export function followShift(focus: Box, view: Span, lead = 0.15): { dx: number; dy: number } {
  const axis = (lo: number, size: number, vLo: number, vHi: number): number => {
    const room = vHi - vLo;
    if (size > room) return lo + size / 2 - (vLo + vHi) / 2;
    const pad = Math.min(lead * room, room - size);
    if (lo < vLo) return lo - vLo - pad;
    if (lo + size > vHi) return lo + size - vHi + pad;
    return 0;
  };
  return {
    dx: axis(focus.x, focus.width, view.left, view.right),
    dy: axis(focus.y, focus.height, view.top, view.bottom),
  };
}
