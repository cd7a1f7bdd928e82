/**
 * Automatic layout: canvas positions for every element of a scenario, worked out from the
 * document alone, for a scenario that has none (a hand-written file, a generated one) and for the
 * "Auto layout" button. Pure and deterministic: the same document gives the same layout.
 *
 * Left to right as a packet from outside travels: clients, the gateway and the internet, public
 * load balancers, then the VNets (stacked), then NSGs and route tables. Inside a subnet, clusters
 * sit in rows: an internal load balancer with its frontends, pools and probes (two columns), and
 * each VM with its NICs in that subnet and its loopbacks below it. A NIC in another subnet than
 * its VM's first NIC sits in its own subnet; the NIC → VM edge crosses the border.
 */

import type { LayoutEntry, Scenario } from '../../scenario';
import { nicSubnet } from '../../scenario/members';
import type { NetworkInterface } from '../../scenario/types';

export const NODE_W = 152;
export const NODE_H = 62;
export const SMALL_H = 44;
const COL = 184;
const ROW = 84;
const PAD = 24;
const LABEL = 30;
const CLUSTERS_PER_ROW = 6;

type Obj = { readonly [key: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const items = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
const nameOf = (o: Obj): string => (typeof o.name === 'string' ? o.name : '');

/** A block of nodes placed relative to its own top-left corner. */
interface Cluster {
  width: number;
  height: number;
  nodes: { id: string; x: number; y: number }[];
}

function column(ids: string[], heights: (id: string) => number): Cluster {
  let y = 0;
  const nodes = ids.map((id) => {
    const node = { id, x: 0, y };
    y += heights(id) + (ROW - NODE_H);
    return node;
  });
  return { width: NODE_W, height: Math.max(0, y - (ROW - NODE_H)), nodes };
}

const heightOf = (id: string): number => (id.startsWith('loopback:') ? SMALL_H : NODE_H);

function beside(a: Cluster, b: Cluster, gap = COL - NODE_W): Cluster {
  const dx = a.width + gap;
  return {
    width: a.nodes.length === 0 ? b.width : dx + b.width,
    height: Math.max(a.height, b.height),
    nodes: [...a.nodes, ...b.nodes.map((n) => ({ ...n, x: n.x + (a.nodes.length === 0 ? 0 : dx) }))],
  };
}

/** Clusters in rows of `perRow`, each row as tall as its tallest cluster. */
function grid(clusters: Cluster[], perRow: number): Cluster {
  const nodes: Cluster['nodes'] = [];
  let y = 0;
  let width = 0;
  for (let i = 0; i < clusters.length; i += perRow) {
    const row = clusters.slice(i, i + perRow);
    let x = 0;
    let height = 0;
    for (const c of row) {
      for (const n of c.nodes) nodes.push({ id: n.id, x: n.x + x, y: n.y + y });
      x += c.width + (COL - NODE_W);
      height = Math.max(height, c.height);
    }
    width = Math.max(width, x - (COL - NODE_W));
    y += height + (ROW - NODE_H) + 12;
  }
  return { width, height: Math.max(0, y - (ROW - NODE_H) - 12), nodes };
}

export function autoLayout(s: Scenario): { [id: string]: LayoutEntry } {
  const out: { [id: string]: LayoutEntry } = {};
  const put = (id: string, x: number, y: number, size?: { width: number; height: number }) => {
    out[id] = size === undefined ? { x, y } : { x, y, ...size };
  };

  // Which subnet each NIC and frontend sits in; where each VM's cluster goes (its first NIC's subnet).
  const vmsBySubnet = new Map<string, Obj[]>();
  const strayNics = new Map<string, string[]>();
  for (const vm of items(s.virtualMachines)) {
    const nics = items(vm.networkInterfaces);
    const subnetOf = (nic: Obj | undefined) => nicSubnet(nic as NetworkInterface | undefined);
    const home = subnetOf(nics[0]) ?? '';
    vmsBySubnet.set(home, [...(vmsBySubnet.get(home) ?? []), vm]);
    for (const nic of nics.slice(1)) {
      const subnet = subnetOf(nic);
      if (subnet !== home && typeof subnet === 'string') {
        strayNics.set(subnet, [...(strayNics.get(subnet) ?? []), `nic:${nameOf(nic)}`]);
      }
    }
  }
  const lbsBySubnet = new Map<string, Obj[]>();
  const publicLbs: Obj[] = [];
  for (const lb of items(s.loadBalancers)) {
    const home = items(lb.frontendIPConfigurations).find((f) => typeof f.subnet === 'string')?.subnet;
    if (typeof home === 'string') lbsBySubnet.set(home, [...(lbsBySubnet.get(home) ?? []), lb]);
    else publicLbs.push(lb);
  }

  const lbCluster = (lb: Obj): Cluster => {
    const name = nameOf(lb);
    const left = column(
      [`lb:${name}`, ...items(lb.frontendIPConfigurations).map((f) => `frontend:${name}/${nameOf(f)}`)],
      heightOf,
    );
    const right = column(
      [
        ...items(lb.backendAddressPools).map((p) => `pool:${name}/${nameOf(p)}`),
        ...items(lb.probes).map((p) => `probe:${name}/${nameOf(p)}`),
      ],
      heightOf,
    );
    // Pools and probes start a row down, level with the first frontend.
    return beside(left, {
      ...right,
      height: right.height + ROW,
      nodes: right.nodes.map((n) => ({ ...n, y: n.y + ROW })),
    });
  };
  const vmCluster = (vm: Obj, subnet: string): Cluster => {
    const name = nameOf(vm);
    return column(
      [
        `vm:${name}`,
        ...items(vm.networkInterfaces)
          .filter((n, i) => i === 0 || nicSubnet(n as NetworkInterface) === subnet)
          .map((n) => `nic:${nameOf(n)}`),
        ...items(vm.loopbackInterfaces).map((l) => `loopback:${name}/${nameOf(l)}`),
      ],
      heightOf,
    );
  };

  // Left columns: clients, then the fabric's edges, then public load balancers.
  let y = 0;
  const onPremises = items(s.clients).filter((c) => c.location === 'onPremises');
  const internet = items(s.clients).filter((c) => c.location !== 'onPremises');
  for (const c of [...onPremises, ...internet]) {
    put(`client:${nameOf(c)}`, 0, y);
    y += ROW;
  }
  if (onPremises.length > 0) put('gateway:onPremises', COL, 0);
  if (internet.length > 0) put('internet:internet', COL, onPremises.length > 0 ? ROW * onPremises.length : 0);
  let left = items(s.clients).length > 0 ? 2 * COL : 0;
  if (publicLbs.length > 0) {
    const block = grid(publicLbs.map(lbCluster), 1);
    for (const n of block.nodes) put(n.id, left + n.x, n.y);
    left += block.width + COL - NODE_W + 40;
  }

  // VNets, stacked; subnets inside, stacked; clusters inside subnets, in rows.
  let vnetY = 0;
  let right = left;
  for (const vnet of items(s.vnets)) {
    const vnetName = nameOf(vnet);
    let subnetY = vnetY + LABEL + PAD;
    let vnetWidth = 320;
    for (const subnet of items(vnet.subnets)) {
      const ref = `${vnetName}/${nameOf(subnet)}`;
      const clusters = [
        ...(lbsBySubnet.get(ref) ?? []).map(lbCluster),
        ...(vmsBySubnet.get(ref) ?? []).map((vm) => vmCluster(vm, ref)),
        ...(strayNics.has(ref) ? [column(strayNics.get(ref) ?? [], heightOf)] : []),
      ];
      // Wider rows for a crowded subnet, so that a big scenario still fits a wide screen.
      const block = grid(clusters, Math.max(CLUSTERS_PER_ROW, Math.ceil(Math.sqrt(clusters.length * 2.5))));
      const width = Math.max(280, block.width + 2 * PAD);
      const height = Math.max(120, block.height + 2 * PAD + LABEL);
      put(`subnet:${ref}`, left + PAD, subnetY, { width, height });
      for (const n of block.nodes) put(n.id, left + PAD + PAD + n.x, subnetY + LABEL + PAD + n.y);
      vnetWidth = Math.max(vnetWidth, width + 2 * PAD);
      subnetY += height + PAD;
    }
    const vnetHeight = Math.max(140, subnetY - vnetY);
    put(`vnet:${vnetName}`, left, vnetY, { width: vnetWidth, height: vnetHeight });
    right = Math.max(right, left + vnetWidth);
    vnetY += vnetHeight + 60;
  }

  // Elements outside every subnet (a VM whose NIC names no subnet of the document, for one).
  let strayY = vnetY;
  for (const [ref, vms] of vmsBySubnet) {
    if (items(s.vnets).some((v) => items(v.subnets).some((x) => `${nameOf(v)}/${nameOf(x)}` === ref))) continue;
    const block = grid(
      vms.map((vm) => vmCluster(vm, ref)),
      CLUSTERS_PER_ROW,
    );
    for (const n of block.nodes) put(n.id, left + n.x, strayY + n.y);
    strayY += block.height + ROW;
  }
  for (const [ref, lbs] of lbsBySubnet) {
    if (items(s.vnets).some((v) => items(v.subnets).some((x) => `${nameOf(v)}/${nameOf(x)}` === ref))) continue;
    const block = grid(lbs.map(lbCluster), CLUSTERS_PER_ROW);
    for (const n of block.nodes) put(n.id, left + n.x, strayY + n.y);
    strayY += block.height + ROW;
  }

  // NSGs and route tables in a column to the right.
  let ruleY = 0;
  const x = right + 80;
  for (const nsg of items(s.networkSecurityGroups)) {
    put(`nsg:${nameOf(nsg)}`, x, ruleY);
    ruleY += ROW;
  }
  for (const rt of items(s.routeTables)) {
    put(`routeTable:${nameOf(rt)}`, x, ruleY);
    ruleY += ROW;
  }
  return out;
}

/** True when the document has no usable layout at all: the canvas then lays it out itself. */
export function hasNoLayout(s: Scenario): boolean {
  return !isObj(s.layout) || Object.keys(s.layout).length === 0;
}

// ---------------------------------------------------------------------------------------------
// Documents laid out in part

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** An element to draw, as the partial layout needs it. */
export interface LeafPlan {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  /** Elements it belongs beside, most related first (a NIC's VM, a probe's load balancer …). */
  readonly anchors: readonly string[];
  /** The subnet (`vnet/subnet`) it sits in, if any. */
  readonly subnet?: string;
}

const GAP_X = COL - NODE_W;
const GAP_Y = ROW - NODE_H;
/** Space kept free around a placed element, and inside a subnet's border (its label on top). */
const MARGIN = 8;
const CELL = 256;

/** Rectangles on a coarse grid, to ask "does this overlap anything?" without scanning them all. */
class Occupied {
  private readonly cells = new Map<string, Rect[]>();

  add(r: Rect): void {
    for (const key of this.keys(r)) {
      const list = this.cells.get(key);
      if (list === undefined) this.cells.set(key, [r]);
      else list.push(r);
    }
  }

  free(r: Rect): boolean {
    const grown = { x: r.x - MARGIN, y: r.y - MARGIN, width: r.width + 2 * MARGIN, height: r.height + 2 * MARGIN };
    for (const key of this.keys(grown)) {
      for (const o of this.cells.get(key) ?? []) {
        if (
          grown.x < o.x + o.width &&
          o.x < grown.x + grown.width &&
          grown.y < o.y + o.height &&
          o.y < grown.y + grown.height
        )
          return false;
      }
    }
    return true;
  }

  private *keys(r: Rect): Generator<string> {
    for (let cx = Math.floor(r.x / CELL); cx <= Math.floor((r.x + r.width) / CELL); cx++)
      for (let cy = Math.floor(r.y / CELL); cy <= Math.floor((r.y + r.height) / CELL); cy++) yield `${cx},${cy}`;
  }
}

const within = (r: Rect, box: Rect): boolean =>
  r.x >= box.x + PAD / 2 &&
  r.y >= box.y + LABEL &&
  r.x + r.width <= box.x + box.width - PAD / 2 &&
  r.y + r.height <= box.y + box.height - PAD / 2;

/**
 * Spots around `anchor`, nearest first: in each ring, below it, then to its right, left and
 * above, in the rows and columns of the automatic layout.
 */
function* around(anchor: Rect, size: { width: number; height: number }): Generator<{ x: number; y: number }> {
  for (let ring = 1; ring <= 6; ring++) {
    const below = anchor.y + anchor.height + GAP_Y + (ring - 1) * ROW;
    const right = anchor.x + anchor.width + GAP_X + (ring - 1) * COL;
    const left = anchor.x - GAP_X - size.width - (ring - 1) * COL;
    const above = anchor.y - GAP_Y - size.height - (ring - 1) * ROW;
    for (let k = 0; k <= ring; k++) {
      for (const sign of k === 0 ? [0] : [1, -1]) {
        const dx = sign * k * COL;
        const dy = sign * k * ROW;
        yield { x: anchor.x + dx, y: below };
        yield { x: right, y: anchor.y + dy };
        yield { x: left, y: anchor.y + dy };
        yield { x: anchor.x + dx, y: above };
      }
    }
  }
}

/** The first free spot inside `box`, row by row; null when it is full. */
function inside(box: Rect, size: { width: number; height: number }, taken: Occupied): { x: number; y: number } | null {
  for (let y = box.y + LABEL + PAD / 2; y + size.height <= box.y + box.height - PAD / 2; y += 16) {
    for (let x = box.x + PAD; x + size.width <= box.x + box.width - PAD / 2; x += 16) {
      if (taken.free({ x, y, ...size })) return { x, y };
    }
  }
  return null;
}

/**
 * Positions for the elements of a document that has a layout for some elements only (a file
 * written by hand, an element added by the inspector, a paste without positions). Each goes
 * beside the first of its anchors that is placed, at the nearest free spot (inside its subnet
 * when the subnet has a box of its own); one whose anchors are all missing goes into its subnet;
 * what is still left keeps the arrangement of the automatic layout, as a block below the rest.
 * `placed` holds the elements with a layout entry, and receives the others.
 */
export function placeMissing(
  s: Scenario,
  leaves: readonly LeafPlan[],
  placed: Map<string, Rect>,
  subnetBoxes: ReadonlyMap<string, Rect>,
): void {
  const taken = new Occupied();
  for (const r of placed.values()) taken.add(r);
  let missing = leaves.filter((l) => !placed.has(l.id));
  const put = (leaf: LeafPlan, at: { x: number; y: number }) => {
    const r = { x: Math.round(at.x), y: Math.round(at.y), width: leaf.width, height: leaf.height };
    placed.set(leaf.id, r);
    taken.add(r);
  };

  while (missing.length > 0) {
    const left: LeafPlan[] = [];
    for (const leaf of missing) {
      const box = leaf.subnet === undefined ? undefined : subnetBoxes.get(`subnet:${leaf.subnet}`);
      const anchor = leaf.anchors.map((id) => placed.get(id) ?? subnetBoxes.get(id)).find((r) => r !== undefined);
      let at: { x: number; y: number } | null = null;
      if (anchor !== undefined) {
        for (const spot of around(anchor, leaf)) {
          const r = { ...spot, width: leaf.width, height: leaf.height };
          if ((box === undefined || within(r, box)) && taken.free(r)) {
            at = spot;
            break;
          }
        }
      }
      if (at === null && box !== undefined) at = inside(box, leaf, taken);
      if (at === null && anchor !== undefined && box === undefined) {
        // Crowded all round: straight below the anchor, past what is there.
        let y = anchor.y + anchor.height + GAP_Y;
        while (!taken.free({ x: anchor.x, y, width: leaf.width, height: leaf.height })) y += ROW;
        at = { x: anchor.x, y };
      }
      if (at === null) left.push(leaf);
      else put(leaf, at);
    }
    if (left.length === missing.length) break;
    missing = left;
  }
  if (missing.length === 0) return;

  // Nothing related is placed: the automatic layout's arrangement, moved below everything else.
  const auto = autoLayout(s);
  const spots = missing.map((leaf) => ({ leaf, at: auto[leaf.id] ?? { x: 0, y: 0 } }));
  const minX = Math.min(...spots.map((p) => p.at.x));
  const minY = Math.min(...spots.map((p) => p.at.y));
  const all = [...placed.values(), ...subnetBoxes.values()];
  const originX = all.length === 0 ? 0 : Math.min(...all.map((r) => r.x));
  const originY = all.length === 0 ? 0 : Math.max(...all.map((r) => r.y + r.height)) + 2 * ROW;
  for (const { leaf, at } of spots) put(leaf, { x: originX + at.x - minX, y: originY + at.y - minY });
}
