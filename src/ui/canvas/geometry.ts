/**
 * Where things are on the canvas, in flow coordinates: which subnet, VNet, VM or load balancer a
 * point lies in (to turn a drop into the names edit.ts `addElement` takes), and a free spot for
 * an element added with the keyboard. Pure: boxes in, names out.
 */

import type { Scenario } from '../../scenario';
import {
  type EditResult,
  getAt,
  locateElement,
  moveElements,
  type NewElementKind,
  type Placement,
  parseElementId,
} from '../../scenario/edit';
import { nicSubnet } from '../../scenario/members';
import type { NetworkInterface } from '../../scenario/types';
import { type CanvasNode, toFlow } from './toFlow';

/** The drag-and-drop type of palette items: the value is a NewElementKind. */
export const PALETTE_MIME = 'application/x-hairpin-element';

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const LEAF = { width: 152, height: 62 };
const GROUP = { vnet: { width: 440, height: 300 }, subnet: { width: 400, height: 220 } };

export function boxesOf(nodes: readonly CanvasNode[]): Map<string, Box> {
  return new Map(
    nodes.map((n) => [
      n.id,
      { x: n.position.x, y: n.position.y, width: n.width ?? LEAF.width, height: n.height ?? LEAF.height },
    ]),
  );
}

const inside = (b: Box, p: { x: number; y: number }) =>
  p.x >= b.x && p.y >= b.y && p.x <= b.x + b.width && p.y <= b.y + b.height;
const area = (b: Box) => b.width * b.height;
const centre = (b: Box) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });

/**
 * What lies under `at`: `hit` is the innermost node (an element before a subnet before a VNet),
 * and `placement` names the subnet, VNet, VM and load balancer a new element dropped there joins.
 * A frontend, pool or probe dropped outside every load balancer joins the nearest one.
 */
export function placementAt(
  boxes: ReadonlyMap<string, Box>,
  nodes: readonly CanvasNode[],
  at: { x: number; y: number },
  exclude?: string,
): { hit: string | undefined; placement: Placement } {
  const under = nodes
    .filter((n) => n.id !== exclude)
    .filter((n) => {
      const b = boxes.get(n.id);
      return b !== undefined && inside(b, at);
    })
    .sort((a, b) => area(boxes.get(a.id) as Box) - area(boxes.get(b.id) as Box));
  const first = (kind: string) => under.find((n) => n.data.kind === kind);
  const subnet = first('subnet');
  const vnet = first('vnet');
  const leaf = under.find((n) => n.type !== 'network');
  const vm =
    leaf?.data.kind === 'vm'
      ? leaf.data.name
      : leaf?.data.kind === 'nic' || leaf?.data.kind === 'loopback'
        ? leaf.data.owner
        : undefined;
  let lb =
    leaf?.data.kind === 'lb'
      ? leaf.data.name
      : ['frontend', 'pool', 'probe'].includes(leaf?.data.kind ?? '')
        ? leaf?.data.owner
        : undefined;
  if (lb === undefined) {
    let best = Number.POSITIVE_INFINITY;
    for (const n of nodes) {
      if (n.data.kind !== 'lb') continue;
      const c = centre(boxes.get(n.id) as Box);
      const d = (c.x - at.x) ** 2 + (c.y - at.y) ** 2;
      if (d < best) {
        best = d;
        lb = n.data.name;
      }
    }
  }
  const placement: Placement = {
    position: { x: Math.round(at.x - LEAF.width / 2), y: Math.round(at.y - LEAF.height / 2) },
    ...(subnet !== undefined ? { subnet: subnet.data.name } : {}),
    ...(vnet !== undefined
      ? { vnet: vnet.data.name }
      : subnet !== undefined
        ? { vnet: parseElementId(subnet.id).parent }
        : {}),
    ...(vm !== undefined ? { vm } : {}),
    ...(lb !== undefined ? { lb } : {}),
  };
  return { hit: leaf?.id ?? subnet?.id ?? vnet?.id, placement };
}

const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The first spot in `area` (scanned row by row, 16 px apart) where a box of `size` overlaps no leaf; null when full. */
function freeSpot(
  area: Box,
  size: { width: number; height: number },
  taken: readonly Box[],
): { x: number; y: number } | null {
  const margin = 12;
  const near = taken.filter((t) => overlaps(t, area));
  for (let y = area.y + 40; y + size.height <= area.y + area.height - margin; y += 16) {
    for (let x = area.x + 20; x + size.width <= area.x + area.width - margin; x += 16) {
      const box = { x: x - margin, y: y - margin, width: size.width + 2 * margin, height: size.height + 2 * margin };
      if (!near.some((t) => overlaps(t, box))) return { x, y };
    }
  }
  return null;
}

/**
 * Where an element added with the keyboard goes: into the selected container (a subnet, VNet, VM
 * or load balancer, or the container of the selected element), else the first subnet, at the
 * first free spot there; else to the right of everything.
 */
export function keyboardPlacement(scenario: Scenario, selection: readonly string[], kind: NewElementKind): Placement {
  const { nodes } = toFlow(scenario);
  const boxes = boxesOf(nodes);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const chosen = selection.length === 1 ? byId.get(selection[0] as string) : undefined;
  const leaves = nodes.filter((n) => n.type !== 'network').map((n) => boxes.get(n.id) as Box);
  const all = [...boxes.values()];
  const right = all.length === 0 ? 0 : Math.max(...all.map((b) => b.x + b.width)) + 60;
  const top = all.length === 0 ? 0 : Math.min(...all.map((b) => b.y));

  // The container: the selection, or what the selection sits in, or the first subnet.
  let container: CanvasNode | undefined = chosen;
  if (container !== undefined && container.type !== 'network') {
    const c = centre(boxes.get(container.id) as Box);
    container = placementAt(boxes, nodes, c, container.id).hit !== undefined ? containerAt(boxes, nodes, c) : undefined;
  }
  if (container === undefined) container = nodes.find((n) => n.data.kind === 'subnet');
  const groupKind = kind === 'vnet' ? 'vnet' : kind === 'subnet' ? 'subnet' : null;

  let position: { x: number; y: number } = { x: right, y: top };
  /** Down a column from `start` to the first spot where a node overlaps no other. */
  const down = (start: { x: number; y: number }) => {
    let y = start.y;
    while (
      leaves.some((t) => overlaps(t, { x: start.x - 12, y: y - 12, width: LEAF.width + 24, height: LEAF.height + 24 }))
    )
      y += 84;
    return { x: start.x, y };
  };
  const ofKinds = (...kinds: string[]) =>
    nodes.filter((n) => kinds.includes(n.data.kind)).map((n) => boxes.get(n.id) as Box);
  if (groupKind === 'vnet') {
    const bottom = all.length === 0 ? 0 : Math.max(...all.map((b) => b.y + b.height)) + 60;
    position = { x: all.length === 0 ? 0 : Math.min(...all.map((b) => b.x)), y: bottom };
  } else if (groupKind === 'subnet') {
    // Inside its VNet, under the VNet's last subnet (the VNet grows to hold it: growGroups).
    const vnet = container?.data.kind === 'vnet' ? container : nodes.find((n) => n.data.kind === 'vnet');
    const box = vnet === undefined ? undefined : boxes.get(vnet.id);
    if (box !== undefined && vnet !== undefined) {
      const subnets = nodes
        .filter((n) => n.data.kind === 'subnet' && n.id.startsWith(`subnet:${vnet.data.name}/`))
        .map((n) => boxes.get(n.id) as Box);
      const bottom = subnets.length === 0 ? box.y + 36 : Math.max(...subnets.map((b) => b.y + b.height)) + 24;
      position = { x: box.x + 24, y: bottom };
    }
  } else if (kind === 'nsg' || kind === 'routeTable') {
    // Rules sit outside the networks they apply to, in a column to the right, like autoLayout.
    const rules = ofKinds('nsg', 'routeTable');
    position = down(rules.length === 0 ? { x: right, y: top } : { x: rules[0]?.x ?? right, y: top });
  } else if (kind === 'onPremisesClient' || kind === 'internetClient') {
    // Clients sit outside Azure, in a column on the left.
    const clients = ofKinds('client');
    const left = all.length === 0 ? 0 : Math.min(...all.map((b) => b.x));
    position = down(clients.length === 0 ? { x: left - LEAF.width - 80, y: top } : { x: clients[0]?.x ?? 0, y: top });
  } else if (container !== undefined && (container.data.kind === 'subnet' || container.data.kind === 'vnet')) {
    // A VM brings its NIC, a load balancer its frontend, one row below: room for both.
    const tall = kind === 'vm' || kind === 'proxy' || kind === 'lb';
    const size = tall ? { width: LEAF.width, height: LEAF.height + 96 } : LEAF;
    const area = boxes.get(container.id) as Box;
    // No room inside: just under the container, where it is easy to find and drag in.
    position = freeSpot(area, size, leaves) ?? { x: area.x + 20, y: area.y + area.height + 24 };
  }
  const centreOf = { x: position.x + LEAF.width / 2, y: position.y + LEAF.height / 2 };
  const found = placementAt(boxes, nodes, container !== undefined ? centre(boxes.get(container.id) as Box) : centreOf);
  const placement: Placement = { ...found.placement, position };
  // The selected VM or load balancer, when there is one, is what a NIC or a probe joins.
  if (chosen?.data.kind === 'vm') return { ...placement, vm: chosen.data.name };
  if (chosen !== undefined && (chosen.data.kind === 'nic' || chosen.data.kind === 'loopback')) {
    return { ...placement, vm: chosen.data.owner as string };
  }
  if (chosen?.data.kind === 'lb') return { ...placement, lb: chosen.data.name };
  if (chosen !== undefined && ['frontend', 'pool', 'probe'].includes(chosen.data.kind)) {
    return { ...placement, lb: chosen.data.owner as string };
  }
  if (kind === 'nic' || kind === 'loopback') {
    const vm = nodes.find((n) => n.data.kind === 'vm');
    if (vm !== undefined) return { ...placement, vm: vm.data.name };
  }
  if (kind === 'vnet') {
    const { subnet: _s, vnet: _v, ...rest } = placement;
    return { ...rest, position };
  }
  return placement;
}

function containerAt(boxes: ReadonlyMap<string, Box>, nodes: readonly CanvasNode[], at: { x: number; y: number }) {
  return nodes
    .filter((n) => n.type === 'network' && inside(boxes.get(n.id) as Box, at))
    .sort((a, b) => area(boxes.get(a.id) as Box) - area(boxes.get(b.id) as Box))[0];
}

export { GROUP };

/**
 * After an addition with the keyboard: a subnet that does not hold a new element it sits in (a
 * full subnet gets the element just under it) grows to hold it, and a VNet grows to hold its
 * subnets, all in the same edit. `boxes` are those of the canvas before the addition.
 */
export function growGroups(result: EditResult, boxes: ReadonlyMap<string, Box>): EditResult {
  if (!result.ok) return result;
  const s = result.scenario;
  const grown = new Map<string, Box>();
  const boxOf = (id: string) => grown.get(id) ?? boxes.get(id);
  const include = (groupId: string, inner: Box, pad: { side: number; top: number }) => {
    const box = boxOf(groupId);
    if (box === undefined) return;
    const x = Math.min(box.x, inner.x - pad.side);
    const y = Math.min(box.y, inner.y - pad.top);
    const r = Math.max(box.x + box.width, inner.x + inner.width + pad.side);
    const b = Math.max(box.y + box.height, inner.y + inner.height + pad.side);
    if (x !== box.x || y !== box.y || r !== box.x + box.width || b !== box.y + box.height)
      grown.set(groupId, { x, y, width: r - x, height: b - y });
  };
  for (const id of result.ids) {
    const entry = s.layout?.[id];
    if (entry === undefined) continue;
    if (id.startsWith('subnet:')) {
      const own = {
        x: entry.x,
        y: entry.y,
        width: entry.width ?? GROUP.subnet.width,
        height: entry.height ?? GROUP.subnet.height,
      };
      include(`vnet:${parseElementId(id).parent}`, own, { side: 24, top: 36 });
      continue;
    }
    const subnet = subnetOfElement(s, id);
    if (subnet === undefined) continue;
    include(`subnet:${subnet}`, { x: entry.x, y: entry.y, ...LEAF }, { side: 20, top: 36 });
  }
  for (const [id, box] of [...grown]) {
    if (id.startsWith('subnet:')) include(`vnet:${parseElementId(id).parent}`, box, { side: 24, top: 36 });
  }
  if (grown.size === 0) return result;
  return { ...result, scenario: moveElements(s, Object.fromEntries(grown)) };
}

/** Space kept inside a subnet's border: its label strip on top, a margin elsewhere. */
const INSET = { top: 36, side: 12 };

/** `at` moved the least so that a box of `size` there lies inside `box` (its top-left when too small). */
export function clampInto(
  at: { x: number; y: number },
  size: { width: number; height: number },
  box: Box,
): { x: number; y: number } {
  const clamp = (v: number, low: number, high: number) => Math.max(low, Math.min(v, Math.max(low, high)));
  return {
    x: Math.round(clamp(at.x, box.x + INSET.side, box.x + box.width - INSET.side - size.width)),
    y: Math.round(clamp(at.y, box.y + INSET.top, box.y + box.height - INSET.side - size.height)),
  };
}

/** The subnet (`vnet/subnet`) an element sits in by its address: a NIC's, a VM's first NIC's, an internal frontend's. */
function subnetOfElement(s: Scenario, id: string): string | undefined {
  const path = locateElement(s, id);
  if (path === null) return undefined;
  const item = getAt(s, path) as { subnet?: unknown; networkInterfaces?: NetworkInterface[] } | undefined;
  const { kind } = parseElementId(id);
  const subnet =
    kind === 'vm'
      ? nicSubnet(item?.networkInterfaces?.[0])
      : kind === 'nic'
        ? nicSubnet(item as NetworkInterface)
        : kind === 'frontend'
          ? item?.subnet
          : undefined;
  return typeof subnet === 'string' ? subnet : undefined;
}

/**
 * After a drop: each new element that sits in a subnet by its address (a NIC, a VM and its NIC,
 * an internal frontend) is moved the least so that it lies inside that subnet's box, so that an
 * element dropped near a subnet's edge is drawn where it belongs rather than across the border.
 * `boxes` are those of the canvas before the drop (a drop moves no subnet).
 */
export function keepInSubnets(result: EditResult, boxes: ReadonlyMap<string, Box>): EditResult {
  if (!result.ok) return result;
  const s = result.scenario;
  const entries: { [id: string]: { x: number; y: number } } = {};
  // VMs first: a VM moved in takes its new NIC along.
  const ids = [...result.ids].sort((a, b) => Number(b.startsWith('vm:')) - Number(a.startsWith('vm:')));
  for (const id of ids) {
    if (entries[id] !== undefined) continue;
    const entry = s.layout?.[id];
    const subnet = subnetOfElement(s, id);
    const box = subnet === undefined ? undefined : boxes.get(`subnet:${subnet}`);
    if (entry === undefined || box === undefined) continue;
    // A VM brings its first NIC one row below: room for both.
    const nicBelow = parseElementId(id).kind === 'vm' && result.ids.some((other) => other.startsWith('nic:'));
    const size = { width: LEAF.width, height: nicBelow ? LEAF.height + 96 : LEAF.height };
    const at = clampInto(entry, size, box);
    if (at.x === entry.x && at.y === entry.y) continue;
    entries[id] = at;
    if (nicBelow) {
      for (const nic of result.ids.filter((other) => other.startsWith('nic:'))) {
        const n = s.layout?.[nic];
        if (n !== undefined) entries[nic] = { x: n.x + at.x - entry.x, y: n.y + at.y - entry.y };
      }
    }
  }
  return Object.keys(entries).length === 0 ? result : { ...result, scenario: moveElements(s, entries) };
}
