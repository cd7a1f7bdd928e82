/**
 * Document → canvas: the nodes and edges React Flow draws, derived from the scenario alone, so
 * that the document stays the one truth (the project's style: "The document is permissive…"). Pure: no React,
 * no DOM, no store; the same scenario always gives the same nodes and edges, in the same order.
 *
 * - One node per element that sits on the canvas, its id the spec's element id (`vm:web01`).
 * - Positions come from `layout`, read as absolute canvas coordinates (the default lab is written
 *   that way: `lb:ilb` lies inside `subnet:spoke/web` by coordinates, not by nesting). A document
 *   with no layout at all is laid out by `autoLayout` (layout.ts); in one with some entries, an
 *   element without its own goes beside what it belongs to (`placeMissing`); groups without an
 *   entry wrap what they contain.
 * - Relations are edges: NIC → VM and loopback → VM (attached), NIC → backend pool (membership),
 *   frontend → pool (one edge per load-balancing rule, id `rule:<lb>/<rule>`), probe → pool, NSG
 *   → subnet or NIC, route table → subnet, client → gateway or internet, and a load balancer →
 *   each of its frontends, pools and probes (owner: how they show that they belong to it).
 * - Every node has one handle per side, all of type source: the canvas connects in loose mode,
 *   so any handle can start or end a connection, and edges pick the sides that face each other.
 * - Sizes are fixed, and each node says so in `measured` too: React Flow forgets the handle
 *   bounds of a node object that has no `measured` and measures it again, so without it every
 *   drag tick re-measured the dragged node and redrew its edges from scratch.
 */

import type { Edge, Node } from '@xyflow/react';
import type { LayoutEntry, Scenario } from '../../scenario';
import { allElements, elementOfKeys, getAt } from '../../scenario/elements';
import type { FabricKind, NodeKind } from '../../scenario/kinds';
import { nicAddress, nicPublicAddress, nicSubnet } from '../../scenario/members';
import { findReferences, REFERENCES } from '../../scenario/references';
import { KIND_INFO } from '../kinds';
import { autoLayout, hasNoLayout, placeMissing } from './layout';

/** What the canvas draws: the registry's node and group kinds, and the fabric beyond the clients. */
export type CanvasKind = NodeKind | FabricKind;

export type ElementNodeData = {
  kind: CanvasKind;
  /** The element's name as the document writes it (for a subnet, `vnet/subnet`). */
  name: string;
  /** The line under the name: addresses, ports, SKU — what matters at a glance. */
  details: string[];
  /** The load balancer a frontend, pool or probe belongs to; the VM a loopback belongs to. */
  owner?: string;
  /** Short marks drawn as badges: `DSR`, `stopped`, `IP forwarding`. */
  badges?: string[];
  /** Errors and warnings of validation about this element (set by the canvas, not by toFlow). */
  errors?: number;
  warnings?: number;
};

export type ElementNode = Node<ElementNodeData, 'element'>;
export type GroupNode = Node<ElementNodeData, 'network'>;
export type FabricNode = Node<ElementNodeData, 'fabric'>;
export type CanvasNode = ElementNode | GroupNode | FabricNode;

export type RelationKind = 'attached' | 'member' | 'rule' | 'probe' | 'nsg' | 'routeTable' | 'gateway' | 'owner';
export type CanvasEdge = Edge<{ relation: RelationKind }>;

/** Relations a user may remove by selecting the edge and pressing Delete (edit.ts `disconnect`). */
export const REMOVABLE: ReadonlySet<RelationKind> = new Set(['member', 'rule', 'probe', 'nsg', 'routeTable']);

export interface Flow {
  nodes: CanvasNode[];
  edges: CanvasEdge[];
}

/** Fixed node sizes, so that handle sides can be chosen here and the nodes never resize. */
export const NODE_SIZE: Record<Exclude<CanvasKind, 'vnet' | 'subnet'>, { width: number; height: number }> = {
  vm: { width: 152, height: 62 },
  nic: { width: 152, height: 62 },
  loopback: { width: 152, height: 44 },
  lb: { width: 152, height: 62 },
  frontend: { width: 152, height: 62 },
  pool: { width: 152, height: 62 },
  probe: { width: 152, height: 62 },
  client: { width: 152, height: 62 },
  nsg: { width: 152, height: 62 },
  routeTable: { width: 152, height: 62 },
  gateway: { width: 104, height: 62 },
  internet: { width: 104, height: 62 },
};

const GROUP_PADDING = 24;
const GROUP_LABEL_SPACE = 28;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Leaf {
  id: string;
  kind: Exclude<CanvasKind, 'vnet' | 'subnet'>;
  data: ElementNodeData;
  /** The subnets (`vnet/subnet`) this element sits in, to size a group that has no layout. */
  subnets: string[];
  /** What it is drawn beside when it has no layout entry (layout.ts `placeMissing`). */
  anchors?: string[];
  /** The subnet it is drawn in without sitting in it by address (an internal LB's pools, probes). */
  home?: string;
}

const nameOf = (value: { name?: unknown }): string => (typeof value.name === 'string' ? value.name : '');
const list = <T>(value: readonly T[] | undefined): readonly T[] => (Array.isArray(value) ? value : []);

function collectLeaves(s: Scenario): Leaf[] {
  const leaves: Leaf[] = [];
  const onPremises = list(s.clients).some((c) => c.location === 'onPremises');
  const internet = list(s.clients).some((c) => c.location !== 'onPremises');

  for (const c of list(s.clients)) {
    // Where the client is shows by its edge to the gateway or the internet.
    const count = typeof c.count === 'number' && c.count > 1 ? [`× ${c.count} hosts`] : [];
    leaves.push({
      id: `client:${nameOf(c)}`,
      kind: 'client',
      data: { kind: 'client', name: nameOf(c), details: [[c.ipAddress, ...count].join(' · ')] },
      subnets: [],
      anchors: [
        c.location === 'onPremises' ? 'gateway:onPremises' : 'internet:internet',
        ...list(s.clients).map((o) => `client:${nameOf(o)}`),
      ],
    });
  }
  if (onPremises) {
    leaves.push({
      id: 'gateway:onPremises',
      kind: 'gateway',
      data: { kind: 'gateway', name: 'VNet gateway', details: ['on-premises'] },
      subnets: [],
      anchors: list(s.clients)
        .filter((c) => c.location === 'onPremises')
        .map((c) => `client:${nameOf(c)}`),
    });
  }
  if (internet) {
    leaves.push({
      id: 'internet:internet',
      kind: 'internet',
      data: { kind: 'internet', name: 'Internet', details: [] },
      subnets: [],
      anchors: list(s.clients)
        .filter((c) => c.location !== 'onPremises')
        .map((c) => `client:${nameOf(c)}`),
    });
  }
  for (const lb of list(s.loadBalancers)) {
    const lbName = nameOf(lb);
    const rules = list(lb.loadBalancingRules).length;
    const internal = list(lb.frontendIPConfigurations).some((f) => typeof f.subnet === 'string');
    const nat = list(lb.inboundNatRules).length;
    const outbound = list(lb.outboundRules).length;
    const extra = [nat > 0 ? `${nat} NAT` : '', outbound > 0 ? `${outbound} outbound` : ''].filter(Boolean);
    const parts = [
      ...list(lb.frontendIPConfigurations).map((f) => `frontend:${lbName}/${nameOf(f)}`),
      ...list(lb.backendAddressPools).map((p) => `pool:${lbName}/${nameOf(p)}`),
      ...list(lb.probes).map((p) => `probe:${lbName}/${nameOf(p)}`),
    ];
    const homeSubnet = list(lb.frontendIPConfigurations).find((f) => typeof f.subnet === 'string')?.subnet;
    leaves.push({
      id: `lb:${lbName}`,
      kind: 'lb',
      data: {
        kind: 'lb',
        name: lbName,
        details: [`${lb.sku ?? 'Standard'} · ${internal ? 'internal' : 'public'}`],
        badges: [`${rules} rule${rules === 1 ? '' : 's'}`, ...extra],
      },
      subnets: [],
      anchors: parts,
      ...(typeof homeSubnet === 'string' ? { home: homeSubnet } : {}),
    });
    for (const fe of list(lb.frontendIPConfigurations)) {
      const address = fe.privateIPAddress ?? fe.publicIPAddress ?? 'no address';
      leaves.push({
        id: `frontend:${lbName}/${nameOf(fe)}`,
        kind: 'frontend',
        data: {
          kind: 'frontend',
          name: nameOf(fe),
          owner: lbName,
          details: [`${lbName} · ${address}${fe.publicIPAddress !== undefined ? ' public' : ''}`],
        },
        subnets: typeof fe.subnet === 'string' ? [fe.subnet] : [],
        anchors: [`lb:${lbName}`, ...parts],
      });
    }
    for (const pool of list(lb.backendAddressPools)) {
      const members = list(pool.loadBalancerBackendAddresses).length;
      leaves.push({
        id: `pool:${lbName}/${nameOf(pool)}`,
        kind: 'pool',
        data: {
          kind: 'pool',
          name: nameOf(pool),
          owner: lbName,
          details: [`${lbName} · ${members} member${members === 1 ? '' : 's'}`],
        },
        subnets: [],
        anchors: [`lb:${lbName}`, ...parts],
        ...(typeof homeSubnet === 'string' ? { home: homeSubnet } : {}),
      });
    }
    for (const probe of list(lb.probes)) {
      const protocol = probe.protocol ?? 'Tcp';
      const path = protocol === 'Tcp' ? '' : ` ${probe.requestPath ?? '/'}`;
      const every = ` · ${probe.intervalInSeconds ?? 15} s × ${probe.probeThreshold ?? 1}`;
      leaves.push({
        id: `probe:${lbName}/${nameOf(probe)}`,
        kind: 'probe',
        data: {
          kind: 'probe',
          name: nameOf(probe),
          owner: lbName,
          details: [`${lbName} · ${protocol.toUpperCase()} ${probe.port}${path}${every}`],
        },
        subnets: [],
        anchors: [`lb:${lbName}`, ...parts],
        ...(typeof homeSubnet === 'string' ? { home: homeSubnet } : {}),
      });
    }
  }
  for (const vm of list(s.virtualMachines)) {
    const listens = list(vm.listeners).map(
      (l) => `${(l.protocol ?? 'Tcp').toUpperCase()} ${l.port}${Array.isArray(l.proxyTo) ? ' proxy' : ''}`,
    );
    const nics = list(vm.networkInterfaces);
    const parts = [vm.os === 'windows' ? 'Windows' : 'Linux'];
    if (listens.length > 0) parts.push(listens.join(', '));
    const badges: string[] = [];
    if (vm.powerState === 'stopped') badges.push('stopped');
    if (vm.ipForwarding === true) badges.push('IP forwarding');
    if (vm.firewall !== undefined && vm.firewall.enabled !== false) badges.push('firewall');
    leaves.push({
      id: `vm:${nameOf(vm)}`,
      kind: 'vm',
      data: {
        kind: 'vm',
        name: nameOf(vm),
        details: [parts.join(' · ')],
        ...(badges.length > 0 ? { badges } : {}),
      },
      subnets: nics.length > 0 ? [nicSubnet(nics[0]) ?? ''] : [],
      anchors: [
        ...nics.map((n) => `nic:${nameOf(n)}`),
        ...list(vm.loopbackInterfaces).map((l) => `loopback:${nameOf(vm)}/${nameOf(l)}`),
      ],
    });
    for (const [index, nic] of nics.entries()) {
      const publicIp = nicPublicAddress(nic);
      const pip = typeof publicIp === 'string' ? ` · ${publicIp}` : '';
      const nicBadges = [
        index === 0 && nics.length > 1 ? 'primary' : '',
        nic.enableIPForwarding ? 'IP forwarding' : '',
      ];
      leaves.push({
        id: `nic:${nameOf(nic)}`,
        kind: 'nic',
        data: {
          kind: 'nic',
          name: nameOf(nic),
          owner: nameOf(vm),
          details: [`${nicAddress(nic) ?? 'no address'}${pip}`],
          ...(nicBadges.some(Boolean) ? { badges: nicBadges.filter(Boolean) } : {}),
        },
        subnets: [nicSubnet(nic) ?? ''],
        // Its own VM, else a sibling NIC in the same subnet.
        anchors: [
          `vm:${nameOf(vm)}`,
          ...nics.filter((o) => o !== nic && nicSubnet(o) === nicSubnet(nic)).map((o) => `nic:${nameOf(o)}`),
        ],
      });
    }
    for (const lo of list(vm.loopbackInterfaces)) {
      leaves.push({
        id: `loopback:${nameOf(vm)}/${nameOf(lo)}`,
        kind: 'loopback',
        data: { kind: 'loopback', name: nameOf(lo), owner: nameOf(vm), details: [`${lo.ipAddress}`] },
        subnets: nics.length > 0 ? [nicSubnet(nics[0]) ?? ''] : [],
        anchors: [`vm:${nameOf(vm)}`],
      });
    }
  }
  for (const nsg of list(s.networkSecurityGroups)) {
    const count = list(nsg.securityRules).length;
    leaves.push({
      id: `nsg:${nameOf(nsg)}`,
      kind: 'nsg',
      data: { kind: 'nsg', name: nameOf(nsg), details: [`${count} rule${count === 1 ? '' : 's'} + Azure defaults`] },
      subnets: [],
      anchors: [
        ...list(s.vnets).flatMap((v) =>
          list(v.subnets)
            .filter((x) => x.networkSecurityGroup === nameOf(nsg))
            .map((x) => `subnet:${nameOf(v)}/${nameOf(x)}`),
        ),
        ...list(s.virtualMachines).flatMap((vm) =>
          list(vm.networkInterfaces)
            .filter((n) => n.networkSecurityGroup === nameOf(nsg))
            .map((n) => `nic:${nameOf(n)}`),
        ),
      ],
    });
  }
  for (const rt of list(s.routeTables)) {
    const count = list(rt.routes).length;
    leaves.push({
      id: `routeTable:${nameOf(rt)}`,
      kind: 'routeTable',
      data: { kind: 'routeTable', name: nameOf(rt), details: [`${count} route${count === 1 ? '' : 's'}`] },
      subnets: [],
      anchors: list(s.vnets).flatMap((v) =>
        list(v.subnets)
          .filter((x) => x.routeTable === nameOf(rt))
          .map((x) => `subnet:${nameOf(v)}/${nameOf(x)}`),
      ),
    });
  }
  return leaves;
}

function collectEdges(s: Scenario): CanvasEdge[] {
  const edges: CanvasEdge[] = [];
  const edge = (
    id: string,
    source: string,
    target: string,
    relation: RelationKind,
    ariaLabel?: string,
    label?: string,
  ) => {
    const removable = REMOVABLE.has(relation);
    edges.push({
      id,
      source,
      target,
      data: { relation },
      className: `edge-${relation}`,
      ...(relation === 'owner' || relation === 'attached' ? { type: 'straight' } : {}),
      selectable: removable,
      focusable: removable,
      deletable: false,
      ...(ariaLabel !== undefined ? { ariaLabel } : {}),
      ...(label !== undefined ? { label, labelBgPadding: [4, 2] as [number, number], labelBgBorderRadius: 3 } : {}),
    });
  };
  for (const c of list(s.clients)) {
    if (c.location === 'onPremises') {
      edge(`edge:gateway:${nameOf(c)}`, `client:${nameOf(c)}`, 'gateway:onPremises', 'gateway');
    } else {
      edge(`edge:internet:${nameOf(c)}`, `client:${nameOf(c)}`, 'internet:internet', 'gateway');
    }
  }
  // A part drawn apart from its parent is joined to it: a load balancer to its frontends, pools
  // and probes (owner), a VM to its NICs and loopbacks (attached) — the registry's `parentEdge`.
  for (const element of allElements(s)) {
    const relation = element.kind.parentEdge;
    if (relation === undefined || element.parentId === null) continue;
    const [from, to] = relation === 'owner' ? [element.parentId, element.id] : [element.id, element.parentId];
    edge(`edge:${relation}:${element.id}`, from, to, relation);
  }
  // Associations and memberships are the references the table marks for the canvas: from the
  // element named to the element whose field names it (an NSG to its subnet, a NIC to its pool).
  for (const found of findReferences(s, CANVAS_REFERENCES)) {
    const relation = found.reference.canvas as RelationKind;
    const holder = elementOfKeys(s, found.path);
    if (holder === null) continue;
    for (const target of found.targets) {
      // A list of several (a pool's members) tells its edges apart by the name each one names.
      const several = found.reference.row === true || found.reference.many === true;
      const named = target.ids[0] as string;
      // A pool member whose admin state overrides its probe says so on its edge.
      const entry = getAt(s, found.holder) as { adminState?: unknown } | undefined;
      const admin =
        relation === 'member' && (entry?.adminState === 'Up' || entry?.adminState === 'Down') ? entry.adminState : null;
      edge(
        `edge:${relation}:${holder}${several ? `:${target.name}` : ''}`,
        named,
        holder,
        relation,
        admin === null ? undefined : `Member of ${holder.slice(holder.indexOf(':') + 1)}, admin state ${admin}`,
        admin === null ? undefined : `admin ${admin}`,
      );
    }
  }
  for (const lb of list(s.loadBalancers)) {
    const lbName = nameOf(lb);
    const probed = new Set<string>();
    for (const rule of list(lb.loadBalancingRules)) {
      const protocol = rule.protocol ?? 'Tcp';
      const ports = `${rule.frontendPort}→${rule.backendPort ?? rule.frontendPort}`;
      edge(
        `rule:${lbName}/${nameOf(rule)}`,
        `frontend:${lbName}/${rule.frontendIPConfiguration}`,
        `pool:${lbName}/${rule.backendAddressPool}`,
        'rule',
        `Load-balancing rule ${nameOf(rule)}`,
        `${protocol.toUpperCase()} ${ports}${rule.enableFloatingIP ? ' · DSR' : ''}`,
      );
      const key = `${rule.probe}→${rule.backendAddressPool}`;
      if (typeof rule.probe === 'string' && !probed.has(key)) {
        probed.add(key);
        edge(
          `edge:probe:${lbName}/${rule.probe}:${rule.backendAddressPool}`,
          `probe:${lbName}/${rule.probe}`,
          `pool:${lbName}/${rule.backendAddressPool}`,
          'probe',
        );
      }
    }
  }
  return edges;
}

const CANVAS_REFERENCES = REFERENCES.filter((r) => r.canvas !== undefined);

const isEntry = (value: unknown): value is LayoutEntry =>
  typeof value === 'object' &&
  value !== null &&
  Number.isFinite((value as LayoutEntry).x) &&
  Number.isFinite((value as LayoutEntry).y);

function union(boxes: Box[]): Box | null {
  if (boxes.length === 0) return null;
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  return { x, y, width: right - x, height: bottom - y };
}

const pad = (box: Box, extra: number): Box => ({
  x: box.x - extra,
  y: box.y - extra - GROUP_LABEL_SPACE,
  width: box.width + 2 * extra,
  height: box.height + 2 * extra + GROUP_LABEL_SPACE,
});

export function toFlow(scenario: Scenario): Flow {
  const layout: Record<string, unknown> = hasNoLayout(scenario)
    ? autoLayout(scenario)
    : (scenario.layout as Record<string, unknown>);
  const leaves = collectLeaves(scenario);
  const boxes = new Map<string, Box>();

  // Elements with a layout entry first; the rest beside what they belong to (layout.ts).
  for (const leaf of leaves) {
    const entry = layout[leaf.id];
    if (isEntry(entry)) boxes.set(leaf.id, { x: entry.x, y: entry.y, ...NODE_SIZE[leaf.kind] });
  }
  if (boxes.size < leaves.length) {
    const subnetBoxes = new Map<string, Box>();
    for (const vnet of list(scenario.vnets)) {
      for (const subnet of list(vnet.subnets)) {
        const id = `subnet:${nameOf(vnet)}/${nameOf(subnet)}`;
        const entry = layout[id];
        if (isEntry(entry) && typeof entry.width === 'number' && typeof entry.height === 'number')
          subnetBoxes.set(id, { x: entry.x, y: entry.y, width: entry.width, height: entry.height });
      }
    }
    placeMissing(
      scenario,
      leaves.map((leaf) => {
        const subnet = leaf.subnets[0] ?? leaf.home;
        return {
          id: leaf.id,
          ...NODE_SIZE[leaf.kind],
          anchors: leaf.anchors ?? [],
          ...(subnet !== undefined && subnet !== '' ? { subnet } : {}),
        };
      }),
      boxes,
      subnetBoxes,
    );
  }

  // Groups: a subnet's layout entry, else the box around what sits in it; a VNet's entry, else
  // the box around its subnets. A group with nothing in it gets a small box of its own.
  const groupNodes: GroupNode[] = [];
  let emptyGroups = 0;
  const emptyBox = (): Box => {
    const all = union([...boxes.values()]);
    const y = all === null ? 0 : all.y + all.height + 60;
    return { x: (all?.x ?? 0) + emptyGroups++ * 280, y, width: 240, height: 120 };
  };
  const subnetNodes: GroupNode[] = [];
  const vnetNodes: GroupNode[] = [];
  for (const vnet of list(scenario.vnets)) {
    const vnetName = nameOf(vnet);
    const subnetBoxes: Box[] = [];
    for (const subnet of list(vnet.subnets)) {
      const ref = `${vnetName}/${nameOf(subnet)}`;
      const id = `subnet:${ref}`;
      const entry = layout[id];
      let box: Box | null =
        isEntry(entry) && typeof entry.width === 'number' && typeof entry.height === 'number'
          ? { x: entry.x, y: entry.y, width: entry.width, height: entry.height }
          : null;
      if (box === null) {
        const inside = union(leaves.filter((l) => l.subnets.includes(ref)).map((l) => boxes.get(l.id) as Box));
        box = inside === null ? emptyBox() : pad(inside, GROUP_PADDING);
      }
      boxes.set(id, box);
      subnetBoxes.push(box);
      subnetNodes.push(groupNode(id, 'subnet', ref, [subnet.addressPrefix], box));
    }
    const id = `vnet:${vnetName}`;
    const entry = layout[id];
    let box: Box | null =
      isEntry(entry) && typeof entry.width === 'number' && typeof entry.height === 'number'
        ? { x: entry.x, y: entry.y, width: entry.width, height: entry.height }
        : null;
    if (box === null) {
      const inside = union(subnetBoxes);
      box = inside === null ? emptyBox() : pad(inside, GROUP_PADDING);
    }
    boxes.set(id, box);
    vnetNodes.push(groupNode(id, 'vnet', vnetName, list(vnet.addressSpace).slice(), box));
  }
  // VNets under subnets under everything else: React Flow draws in array order.
  groupNodes.push(...vnetNodes, ...subnetNodes);

  const leafNodes: CanvasNode[] = leaves.map((leaf) => {
    const box = boxes.get(leaf.id) as Box;
    const type = leaf.kind === 'gateway' || leaf.kind === 'internet' ? 'fabric' : 'element';
    const fixed = type === 'fabric';
    return {
      id: leaf.id,
      type,
      ariaLabel: `${KIND_INFO[leaf.kind].label} ${leaf.data.name}`,
      position: { x: box.x, y: box.y },
      width: box.width,
      height: box.height,
      measured: { width: box.width, height: box.height },
      data: leaf.data,
      // The gateway and the internet are drawn for their clients; they cannot be deleted or connected.
      ...(fixed ? { deletable: false, connectable: false } : { deletable: false }),
    } as CanvasNode;
  });

  // Only edges whose two ends are drawn; handle sides face each other.
  const drawn = new Set([...boxes.keys()]);
  const edges = collectEdges(scenario)
    .filter((e) => drawn.has(e.source) && drawn.has(e.target))
    .map((e) => ({ ...e, ...handlesBetween(boxes.get(e.source) as Box, boxes.get(e.target) as Box) }));

  return { nodes: [...groupNodes, ...leafNodes], edges };
}

function groupNode(id: string, kind: 'vnet' | 'subnet', name: string, details: string[], box: Box): GroupNode {
  return {
    id,
    type: 'network',
    ariaLabel: `${KIND_INFO[kind].label} ${name}`,
    position: { x: box.x, y: box.y },
    width: box.width,
    height: box.height,
    measured: { width: box.width, height: box.height },
    zIndex: kind === 'vnet' ? -2 : -1,
    deletable: false,
    data: { kind, name, details },
  };
}

export type Side = 'top' | 'right' | 'bottom' | 'left';
const OPPOSITE: Record<Side, Side> = { top: 'bottom', right: 'left', bottom: 'top', left: 'right' };

/**
 * The sides an edge leaves and enters by: along the axis on which the two centres lie farthest
 * apart, so that edges run straight between neighbours instead of looping round a node. A node
 * has one handle per side, named after it (`right`, `left` …).
 */
export function handlesBetween(source: Box, target: Box): { sourceHandle: Side; targetHandle: Side } {
  const dx = target.x + target.width / 2 - (source.x + source.width / 2);
  const dy = target.y + target.height / 2 - (source.y + source.height / 2);
  let side: Side;
  if (Math.abs(dx) >= Math.abs(dy)) side = dx >= 0 ? 'right' : 'left';
  else side = dy >= 0 ? 'bottom' : 'top';
  return { sourceHandle: side, targetHandle: OPPOSITE[side] };
}

// ---------------------------------------------------------------------------------------------
// Keeping what did not change

const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]));

const sameNode = (a: CanvasNode, b: CanvasNode): boolean =>
  a.id === b.id &&
  a.type === b.type &&
  a.position.x === b.position.x &&
  a.position.y === b.position.y &&
  a.width === b.width &&
  a.height === b.height &&
  a.zIndex === b.zIndex &&
  a.ariaLabel === b.ariaLabel &&
  a.connectable === b.connectable &&
  a.data.kind === b.data.kind &&
  a.data.name === b.data.name &&
  a.data.owner === b.data.owner &&
  sameList(a.data.details, b.data.details) &&
  sameList(a.data.badges, b.data.badges);

const sameEdge = (a: CanvasEdge, b: CanvasEdge): boolean =>
  a.id === b.id &&
  a.source === b.source &&
  a.target === b.target &&
  a.sourceHandle === b.sourceHandle &&
  a.targetHandle === b.targetHandle &&
  a.label === b.label &&
  a.ariaLabel === b.ariaLabel &&
  a.className === b.className;

function keep<T extends { id: string }>(previous: readonly T[], next: T[], same: (a: T, b: T) => boolean): T[] {
  const before = new Map(previous.map((x) => [x.id, x]));
  let changed = previous.length !== next.length;
  const out = next.map((x, i) => {
    const old = before.get(x.id);
    if (old !== undefined && same(old, x)) {
      if (previous[i] !== old) changed = true;
      return old;
    }
    changed = true;
    return x;
  });
  return changed ? out : (previous as T[]);
}

/**
 * `next`, with every node and edge that equals its counterpart in `previous` replaced by that
 * same object (and the same arrays when nothing changed at all). React Flow re-renders only the
 * nodes whose object changed, so an edit of one element redraws one node, not a thousand.
 */
export function keepUnchanged(previous: Flow | null, next: Flow): Flow {
  if (previous === null) return next;
  const nodes = keep(previous.nodes, next.nodes, sameNode);
  const edges = keep(previous.edges, next.edges, sameEdge);
  return nodes === previous.nodes && edges === previous.edges ? previous : { nodes, edges };
}
