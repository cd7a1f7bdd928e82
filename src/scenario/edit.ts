/**
 * Editing the document: pure functions Scenario → Scenario that the canvas editor applies (and
 * keeps in its undo history). No React, no DOM, no geometry: where an element was dropped reaches
 * these functions as names (the subnet, the VM, the load balancer it was dropped on) and as a
 * layout position, worked out by the UI.
 *
 * Invariants every function keeps:
 * - the input is never mutated; unchanged parts are shared with the result (copy on write);
 * - defaults are never written (spec "Defaults"): a new element carries its required fields and
 *   the choices that make it useful (an address, a port), nothing Azure would fill in itself;
 * - a name is unique in its scope (spec "Conventions"), and every reference follows a rename;
 * - deleting an element deletes what cannot exist without it (a rule without its frontend) and
 *   clears the optional references to it (a subnet's NSG), so no reference is left dangling;
 * - layout keys are the spec's element ids, and follow renames and deletions.
 *
 * A refused edit returns `{ ok: false, reason }` with one sentence a user can act on.
 */
import {
  type Cidr,
  cidrContains,
  cidrSize,
  cidrsOverlap,
  formatCidr,
  formatIpv4,
  parseCidr,
  parseIpv4,
} from '../shared/ipv4';
import { clip, MAX_MESSAGE_LENGTH, quote } from './limits';
import { migrateScenario } from './migrate';
import { parseJson } from './parseJson';
import { restoreScenario } from './restore';
import type {
  BackendAddressPool,
  Client,
  FrontendIpConfiguration,
  HealthProbe,
  LayoutEntry,
  Listener,
  LoadBalancer,
  LoadBalancingRule,
  LoopbackInterface,
  NetworkInterface,
  NetworkSecurityGroup,
  RouteTable,
  Scenario,
  Subnet,
  VirtualMachine,
  VirtualNetwork,
} from './types';

export type EditResult =
  | { readonly ok: true; readonly scenario: Scenario; readonly ids: readonly string[] }
  | { readonly ok: false; readonly reason: string };

const done = (scenario: Scenario, ids: readonly string[] = []): EditResult => ({ ok: true, scenario, ids });
/** Why an edit is refused; a name it repeats may be megabytes long, so the sentence is cut (limits.ts). */
const refuse = (reason: string): EditResult => ({ ok: false, reason: clip(reason, MAX_MESSAGE_LENGTH) });

export interface Position {
  readonly x: number;
  readonly y: number;
}

// ---------------------------------------------------------------------------------------------
// Copy on write

type Obj = { [key: string]: unknown };
type Key = string | number;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const q = (s: string): string => quote(s);

/**
 * A working copy of a scenario: `own(parent, key)` returns a copy of `parent[key]` made once per
 * edit, so that an edit copies exactly the paths it changes and shares everything else.
 */
class Draft {
  readonly root: Scenario;
  private readonly copies = new WeakSet<object>();
  constructor(source: Scenario) {
    this.root = { ...source };
    this.copies.add(this.root);
  }
  own<T>(parent: unknown, key: Key): T {
    const holder = parent as { [k: string]: unknown };
    const value = holder[key as string];
    if (typeof value !== 'object' || value === null) throw new Error(`nothing to edit at ${String(key)}`);
    if (this.copies.has(value)) return value as T;
    const copy = Array.isArray(value) ? [...value] : { ...(value as object) };
    this.copies.add(copy);
    holder[key as string] = copy;
    return copy as T;
  }
  /** The list `parent[key]`, owned, created empty when missing. */
  list<T>(parent: unknown, key: string): T[] {
    const holder = parent as { [k: string]: unknown };
    if (!Array.isArray(holder[key])) {
      const fresh: T[] = [];
      this.copies.add(fresh);
      holder[key] = fresh;
      return fresh;
    }
    return this.own<T[]>(parent, key);
  }
  /** Owns the object at `path` from the root, copying each step. */
  at<T>(path: readonly Key[]): T {
    let node: unknown = this.root;
    for (const key of path) node = this.own(node, key);
    return node as T;
  }
  layout(): { [id: string]: LayoutEntry } {
    if (!isObj(this.root.layout)) this.root.layout = {};
    return this.own(this.root, 'layout');
  }
}

const list = <T>(value: readonly T[] | undefined | unknown): readonly T[] =>
  Array.isArray(value) ? (value as readonly T[]) : [];

// ---------------------------------------------------------------------------------------------
// Element ids and where they live

/** `"<kind>:<name>"` split in two; `name` keeps its slashes (`subnet:spoke/web`). */
export function parseElementId(id: string): { kind: string; name: string; parent: string; child: string } {
  const colon = id.indexOf(':');
  const kind = colon === -1 ? '' : id.slice(0, colon);
  const name = colon === -1 ? id : id.slice(colon + 1);
  const slash = name.indexOf('/');
  return {
    kind,
    name,
    parent: slash === -1 ? name : name.slice(0, slash),
    child: slash === -1 ? '' : name.slice(slash + 1),
  };
}

const LB_LISTS = {
  frontend: 'frontendIPConfigurations',
  pool: 'backendAddressPools',
  probe: 'probes',
  rule: 'loadBalancingRules',
  natRule: 'inboundNatRules',
  outboundRule: 'outboundRules',
} as const;
type LbChildKind = keyof typeof LB_LISTS;
const isLbChild = (kind: string): kind is LbChildKind => Object.hasOwn(LB_LISTS, kind);

const TOP_LISTS = {
  vnet: 'vnets',
  nsg: 'networkSecurityGroups',
  routeTable: 'routeTables',
  vm: 'virtualMachines',
  lb: 'loadBalancers',
  client: 'clients',
  traffic: 'traffic',
} as const;
type TopKind = keyof typeof TOP_LISTS;
const isTop = (kind: string): kind is TopKind => Object.hasOwn(TOP_LISTS, kind);

const indexByName = (items: unknown, name: string): number =>
  list<unknown>(items).findIndex((item) => isObj(item) && item.name === name);

/**
 * The path of the element `id` in the document (`['loadBalancers', 0, 'probes', 1]`), or null.
 * `traffic:<name>` is accepted too: traffic is edited in the inspector, not drawn.
 */
export function locateElement(s: Scenario, id: string): Key[] | null {
  const { kind, name, parent, child } = parseElementId(id);
  if (isTop(kind)) {
    const i = indexByName(s[TOP_LISTS[kind]], name);
    return i === -1 ? null : [TOP_LISTS[kind], i];
  }
  if (kind === 'subnet') {
    const v = indexByName(s.vnets, parent);
    const vnet = list<VirtualNetwork>(s.vnets)[v];
    const i = vnet === undefined ? -1 : indexByName(vnet.subnets, child);
    return i === -1 ? null : ['vnets', v, 'subnets', i];
  }
  if (kind === 'nic') {
    for (const [v, vm] of list<VirtualMachine>(s.virtualMachines).entries()) {
      const i = isObj(vm) ? indexByName(vm.networkInterfaces, name) : -1;
      if (i !== -1) return ['virtualMachines', v, 'networkInterfaces', i];
    }
    return null;
  }
  if (kind === 'loopback') {
    const v = indexByName(s.virtualMachines, parent);
    const vm = list<VirtualMachine>(s.virtualMachines)[v];
    const i = vm === undefined ? -1 : indexByName(vm.loopbackInterfaces, child);
    return i === -1 ? null : ['virtualMachines', v, 'loopbackInterfaces', i];
  }
  if (isLbChild(kind)) {
    const l = indexByName(s.loadBalancers, parent);
    const lb = list<LoadBalancer>(s.loadBalancers)[l];
    const key = LB_LISTS[kind];
    const i = lb === undefined ? -1 : indexByName(lb[key], child);
    return i === -1 ? null : ['loadBalancers', l, key, i];
  }
  return null;
}

/** Every element id of the document, in document order (traffic not included). */
export function elementIds(s: Scenario): string[] {
  const ids: string[] = [];
  for (const vnet of list<VirtualNetwork>(s.vnets)) {
    ids.push(`vnet:${vnet.name}`);
    for (const sub of list<Subnet>(vnet.subnets)) ids.push(`subnet:${vnet.name}/${sub.name}`);
  }
  for (const x of list<NetworkSecurityGroup>(s.networkSecurityGroups)) ids.push(`nsg:${x.name}`);
  for (const x of list<RouteTable>(s.routeTables)) ids.push(`routeTable:${x.name}`);
  for (const vm of list<VirtualMachine>(s.virtualMachines)) {
    ids.push(`vm:${vm.name}`);
    for (const nic of list<NetworkInterface>(vm.networkInterfaces)) ids.push(`nic:${nic.name}`);
    for (const lo of list<LoopbackInterface>(vm.loopbackInterfaces)) ids.push(`loopback:${vm.name}/${lo.name}`);
  }
  for (const lb of list<LoadBalancer>(s.loadBalancers)) {
    ids.push(`lb:${lb.name}`);
    for (const [kind, key] of Object.entries(LB_LISTS)) {
      for (const name of namesOf(lb[key as keyof LoadBalancer])) ids.push(`${kind}:${lb.name}/${name}`);
    }
  }
  for (const c of list<Client>(s.clients)) ids.push(`client:${c.name}`);
  return ids;
}

export function getAt(s: Scenario, path: readonly Key[]): unknown {
  let node: unknown = s;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as { [k: string]: unknown })[key as string];
  }
  return node;
}

/** Parses a diagnostic path (`loadBalancers[0].probes[1].port`) into keys. */
export function parsePath(path: string): Key[] {
  const keys: Key[] = [];
  const pattern = /([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const m of path.matchAll(pattern)) {
    if (m[1] !== undefined) keys.push(m[1]);
    else if (m[2] !== undefined) keys.push(Number(m[2]));
    else if (m[3] !== undefined) keys.push(JSON.parse(m[3]) as string);
  }
  return keys;
}

/**
 * The element a diagnostic is about: the innermost element whose path is a prefix of the
 * diagnostic's (`loadBalancers[0].probes[1].port` → `probe:ilb/p80`), or null for the scenario
 * itself (title, traffic, events, lesson).
 */
export function elementOfPath(s: Scenario, path: string): string | null {
  const keys = parsePath(path);
  const nameAt = (depth: number): string | null => {
    const item = getAt(s, keys.slice(0, depth));
    return isObj(item) && typeof item.name === 'string' ? item.name : null;
  };
  const [top, , nested] = keys;
  if (top === 'layout' && typeof keys[1] === 'string') return keys[1];
  const topKind = (Object.keys(TOP_LISTS) as TopKind[]).find((k) => TOP_LISTS[k] === top);
  if (topKind === undefined || topKind === 'traffic' || typeof keys[1] !== 'number') return null;
  const own = nameAt(2);
  if (own === null) return null;
  if (topKind === 'vnet' && nested === 'subnets' && typeof keys[3] === 'number') {
    const sub = nameAt(4);
    if (sub !== null) return `subnet:${own}/${sub}`;
  }
  if (topKind === 'vm' && typeof keys[3] === 'number') {
    const sub = nameAt(4);
    if (nested === 'networkInterfaces' && sub !== null) return `nic:${sub}`;
    if (nested === 'loopbackInterfaces' && sub !== null) return `loopback:${own}/${sub}`;
  }
  if (topKind === 'lb' && typeof keys[3] === 'number') {
    const kind = (Object.keys(LB_LISTS) as LbChildKind[]).find((k) => LB_LISTS[k] === nested);
    const sub = nameAt(4);
    if (kind !== undefined && sub !== null) return `${kind}:${own}/${sub}`;
  }
  return `${topKind}:${own}`;
}

// ---------------------------------------------------------------------------------------------
// Names and addresses

/** `base1`, `base2`, … the first not in `taken` (or `base` itself when `bare` and free). */
export function freeName(base: string, taken: Iterable<string>, bare = false): string {
  const used = new Set(taken);
  if (bare && !used.has(base)) return base;
  for (let n = 1; ; n++) if (!used.has(`${base}${n}`)) return `${base}${n}`;
}

const namesOf = (items: unknown): string[] =>
  list<unknown>(items)
    .filter(isObj)
    .map((i) => i.name)
    .filter((n): n is string => typeof n === 'string');

const allNicNames = (s: Scenario): string[] =>
  list<VirtualMachine>(s.virtualMachines).flatMap((vm) => (isObj(vm) ? namesOf(vm.networkInterfaces) : []));

/** Every address a NIC, frontend, loopback or client already holds, so that a new one is free. */
function usedAddresses(s: Scenario): Set<number> {
  const used = new Set<number>();
  const add = (text: unknown) => {
    if (typeof text !== 'string') return;
    const a = parseIpv4(text);
    if (a !== null) used.add(a);
  };
  for (const vm of list<VirtualMachine>(s.virtualMachines)) {
    if (!isObj(vm)) continue;
    for (const nic of list<NetworkInterface>(vm.networkInterfaces)) {
      if (!isObj(nic)) continue;
      add(nic.privateIPAddress);
      add(nic.publicIPAddress);
    }
    for (const lo of list<LoopbackInterface>(vm.loopbackInterfaces)) if (isObj(lo)) add(lo.ipAddress);
  }
  for (const lb of list<LoadBalancer>(s.loadBalancers)) {
    if (!isObj(lb)) continue;
    for (const fe of list<FrontendIpConfiguration>(lb.frontendIPConfigurations)) {
      if (!isObj(fe)) continue;
      add(fe.privateIPAddress);
      add(fe.publicIPAddress);
    }
  }
  for (const c of list<Client>(s.clients)) if (isObj(c)) add(c.ipAddress);
  return used;
}

function subnetOf(s: Scenario, ref: string): Subnet | undefined {
  const { parent, child } = parseElementId(`subnet:${ref}`);
  const vnet = list<VirtualNetwork>(s.vnets).find((v) => isObj(v) && v.name === parent);
  return vnet === undefined ? undefined : list<Subnet>(vnet.subnets).find((x) => isObj(x) && x.name === child);
}

/**
 * The first address of the subnet that Azure does not reserve and nothing in the scenario holds
 * (Azure reserves the first four and the last: shared/ipv4.ts isAzureReservedInSubnet), or null
 * when the subnet is full or its prefix unreadable.
 */
export function freeAddressInSubnet(
  s: Scenario,
  ref: string,
  alsoUsed: ReadonlySet<number> = new Set(),
): string | null {
  const subnet = subnetOf(s, ref);
  const parsed = typeof subnet?.addressPrefix === 'string' ? parseCidr(subnet.addressPrefix) : null;
  if (parsed === null) return null;
  const used = usedAddresses(s);
  const { base } = parsed.cidr;
  const size = cidrSize(parsed.cidr);
  for (let offset = 4; offset < size - 1; offset++) {
    const a = base + offset;
    if (!used.has(a) && !alsoUsed.has(a)) return formatIpv4(a);
  }
  return null;
}

/** A free address in `prefix` from `first` on (public frontends, clients). */
function freeAddressIn(s: Scenario, prefix: string, first: number, alsoUsed: ReadonlySet<number> = new Set()): string {
  const cidr = (parseCidr(prefix) as { cidr: Cidr }).cidr;
  const used = usedAddresses(s);
  for (let offset = first; offset < cidrSize(cidr) - 1; offset++) {
    const a = cidr.base + offset;
    if (!used.has(a) && !alsoUsed.has(a)) return formatIpv4(a);
  }
  return formatIpv4(cidr.base + first);
}

/** Public frontends take addresses from 20.50.1.0/24, as in the spec's examples. */
const PUBLIC_POOL = '20.50.1.0/24';

const cidrsOfVnets = (s: Scenario): Cidr[] =>
  list<VirtualNetwork>(s.vnets).flatMap((v) =>
    isObj(v)
      ? list<string>(v.addressSpace).flatMap((t) => (typeof t === 'string' ? [parseCidr(t)?.cidr ?? []].flat() : []))
      : [],
  );

/** A /16 in 10.0.0.0/8 that overlaps no VNet of the scenario. */
function freeVnetSpace(s: Scenario): string {
  const taken = cidrsOfVnets(s);
  for (let second = 0; second < 256; second++) {
    const cidr: Cidr = { base: (10 << 24) + (second << 16), prefixLength: 16 };
    if (!taken.some((t) => cidrsOverlap(t, cidr))) return formatCidr(cidr);
  }
  return '10.0.0.0/16';
}

/** A /24 inside the VNet's first address space that overlaps none of its subnets. */
export function freeSubnetPrefix(vnet: VirtualNetwork): string | null {
  const space = parseCidr(list<string>(vnet.addressSpace)[0] ?? '')?.cidr;
  if (space === undefined) return null;
  const length = Math.max(24, space.prefixLength);
  const taken = list<Subnet>(vnet.subnets).flatMap((x) =>
    isObj(x) && typeof x.addressPrefix === 'string' ? [parseCidr(x.addressPrefix)?.cidr ?? []].flat() : [],
  );
  const step = 2 ** (32 - length);
  for (let base = space.base; cidrContains(space, base); base += step) {
    const cidr: Cidr = { base: base >>> 0, prefixLength: length };
    if (!taken.some((t) => cidrsOverlap(t, cidr))) return formatCidr(cidr);
    if (base + step > 0xffffffff) break;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Adding elements

/** What the palette offers (issue 5 item 1). */
export type NewElementKind =
  | 'vm'
  | 'proxy'
  | 'nic'
  | 'loopback'
  | 'lb'
  | 'frontend'
  | 'pool'
  | 'probe'
  | 'vnet'
  | 'subnet'
  | 'nsg'
  | 'routeTable'
  | 'onPremisesClient'
  | 'internetClient';

/** Where a new element goes, as names: worked out from the drop point by the UI. */
export interface Placement {
  /** Its layout position (top-left, canvas coordinates). */
  readonly position?: Position;
  /** The subnet (`vnet/subnet`) it lies in. */
  readonly subnet?: string;
  /** The VNet it lies in. */
  readonly vnet?: string;
  /** The VM it was dropped on (NICs and loopbacks belong to one). */
  readonly vm?: string;
  /** The load balancer a frontend, pool or probe joins. */
  readonly lb?: string;
}

/** Sizes of new groups, and offsets of the parts an element brings with it. */
export const NEW_GROUP_SIZE = {
  vnet: { width: 440, height: 300 },
  subnet: { width: 400, height: 220 },
} as const;
const BELOW = 96;

function place(d: Draft, id: string, at: Position | undefined, size?: { width: number; height: number }): void {
  if (at === undefined) return;
  const entry: LayoutEntry = { x: Math.round(at.x), y: Math.round(at.y), ...(size ?? {}) };
  d.layout()[id] = entry;
}

const firstSubnetRef = (s: Scenario): string | undefined => {
  for (const v of list<VirtualNetwork>(s.vnets)) {
    const sub = list<Subnet>(v.subnets)[0];
    if (isObj(v) && isObj(sub)) return `${v.name}/${sub.name}`;
  }
  return undefined;
};

const vmByName = (s: Scenario, name: string | undefined) =>
  name === undefined ? undefined : list<VirtualMachine>(s.virtualMachines).find((v) => isObj(v) && v.name === name);

/**
 * Adds an element of `kind` with a unique name, Azure's defaults (written nowhere), a free
 * address where it needs one, and a layout entry at `placement.position`. `ids` lists the new
 * element first, then the parts it brought (a VM's first NIC, a load balancer's frontend).
 */
export function addElement(s: Scenario, kind: NewElementKind, placement: Placement = {}): EditResult {
  const d = new Draft(s);
  const at = placement.position;
  const below = at === undefined ? undefined : { x: at.x, y: at.y + BELOW };

  switch (kind) {
    case 'vm':
    case 'proxy': {
      const subnet = placement.subnet ?? firstSubnetRef(s);
      if (subnet === undefined || subnetOf(s, subnet) === undefined) {
        return refuse('A virtual machine needs a subnet for its network interface: add a virtual network first.');
      }
      const address = freeAddressInSubnet(s, subnet);
      if (address === null) return refuse(`Subnet ${subnet} has no free address left.`);
      const name = freeName(kind === 'proxy' ? 'proxy' : 'vm', namesOf(s.virtualMachines));
      const nicName = freeName(`${name}-nic`, allNicNames(s));
      const vm: VirtualMachine = {
        name,
        networkInterfaces: [{ name: nicName, subnet, privateIPAddress: address }],
      };
      if (kind === 'proxy') {
        // An nginx-style reverse proxy: terminates on 80 and opens a new connection upstream.
        const upstream = firstOtherNicAddress(s) ?? address;
        vm.listeners = [{ name: 'nginx', port: 80, proxyTo: [`${upstream}:80`] } satisfies Listener];
      }
      d.list<VirtualMachine>(d.root, 'virtualMachines').push(vm);
      place(d, `vm:${name}`, at);
      place(d, `nic:${nicName}`, below);
      return done(d.root, [`vm:${name}`, `nic:${nicName}`]);
    }
    case 'nic': {
      const vmIndex = indexByName(s.virtualMachines, placement.vm ?? '');
      const vm = vmByName(s, placement.vm);
      if (vm === undefined) {
        return refuse('A network interface belongs to a virtual machine: drop it onto one.');
      }
      const primary = list<NetworkInterface>(vm.networkInterfaces)[0];
      const primaryVnet = primary ? parseElementId(`subnet:${primary.subnet}`).parent : undefined;
      const wanted = placement.subnet;
      // Every NIC of a VM is in one VNet (Azure: virtual-network-network-interface-vm).
      const subnet =
        wanted !== undefined && (primaryVnet === undefined || parseElementId(`subnet:${wanted}`).parent === primaryVnet)
          ? wanted
          : (primary?.subnet ?? firstSubnetRef(s));
      if (subnet === undefined || subnetOf(s, subnet) === undefined) {
        return refuse('A network interface takes an address in a subnet: add a virtual network first.');
      }
      const address = freeAddressInSubnet(s, subnet);
      if (address === null) return refuse(`Subnet ${subnet} has no free address left.`);
      const name = freeName(`${vm.name}-nic`, allNicNames(s));
      const owned = d.at<VirtualMachine>(['virtualMachines', vmIndex]);
      d.list<NetworkInterface>(owned, 'networkInterfaces').push({ name, subnet, privateIPAddress: address });
      place(d, `nic:${name}`, at);
      return done(d.root, [`nic:${name}`]);
    }
    case 'loopback': {
      const vmIndex = indexByName(s.virtualMachines, placement.vm ?? '');
      const vm = vmByName(s, placement.vm);
      if (vm === undefined) return refuse('A loopback interface lives inside a guest: drop it onto a virtual machine.');
      const name = freeName('lo', namesOf(vm.loopbackInterfaces));
      const address = frontendAddressServing(s, vm) ?? freeLoopbackAddress(s, vm);
      const owned = d.at<VirtualMachine>(['virtualMachines', vmIndex]);
      d.list<LoopbackInterface>(owned, 'loopbackInterfaces').push({ name, ipAddress: address });
      place(d, `loopback:${vm.name}/${name}`, at);
      return done(d.root, [`loopback:${vm.name}/${name}`]);
    }
    case 'lb': {
      const name = freeName('lb', namesOf(s.loadBalancers));
      const frontend = newFrontend(s, 'fe', [], placement.subnet);
      const lb: LoadBalancer = { name, frontendIPConfigurations: [frontend], backendAddressPools: [] };
      d.list<LoadBalancer>(d.root, 'loadBalancers').push(lb);
      place(d, `lb:${name}`, at);
      place(d, `frontend:${name}/${frontend.name}`, below);
      return done(d.root, [`lb:${name}`, `frontend:${name}/${frontend.name}`]);
    }
    case 'frontend':
    case 'pool':
    case 'probe': {
      let lbIndex = indexByName(s.loadBalancers, placement.lb ?? '');
      if (lbIndex === -1) lbIndex = list(s.loadBalancers).length > 0 ? 0 : -1;
      const ids: string[] = [];
      if (lbIndex === -1) {
        // Dropped where there is no load balancer at all: one is made for it, just above.
        const made = addElement(s, 'lb', {
          ...placement,
          ...(at !== undefined ? { position: { x: at.x, y: at.y - BELOW } } : {}),
        });
        if (!made.ok) return made;
        const [lbId = '', feId = ''] = made.ids;
        if (kind === 'frontend') {
          // The new load balancer's own frontend is the one that was dropped.
          const layout = { ...(made.scenario.layout ?? {}) };
          if (at !== undefined) layout[feId] = { x: Math.round(at.x), y: Math.round(at.y) };
          return done({ ...made.scenario, layout }, [feId, lbId]);
        }
        const added = addElement(made.scenario, kind, { ...placement, lb: parseElementId(lbId).name });
        if (!added.ok) return added;
        let scenario = added.scenario;
        // The LB's own frontend goes beside it rather than where the pool or probe was dropped.
        if (at !== undefined) scenario = moveElements(scenario, { [feId]: { x: at.x - 200, y: at.y } });
        return done(scenario, [...added.ids, lbId, feId]);
      }
      const lb = list<LoadBalancer>(s.loadBalancers)[lbIndex] as LoadBalancer;
      const owned = d.at<LoadBalancer>(['loadBalancers', lbIndex]);
      let id: string;
      if (kind === 'frontend') {
        const fe = newFrontend(s, 'fe', namesOf(lb.frontendIPConfigurations), placement.subnet);
        d.list<FrontendIpConfiguration>(owned, 'frontendIPConfigurations').push(fe);
        id = `frontend:${lb.name}/${fe.name}`;
      } else if (kind === 'pool') {
        const name = freeName('pool', namesOf(lb.backendAddressPools));
        d.list<BackendAddressPool>(owned, 'backendAddressPools').push({ name, networkInterfaces: [] });
        id = `pool:${lb.name}/${name}`;
      } else {
        const name = freeName('probe', namesOf(lb.probes));
        d.list<HealthProbe>(owned, 'probes').push({ name, port: 80 });
        id = `probe:${lb.name}/${name}`;
      }
      place(d, id, at);
      ids.push(id);
      return done(d.root, ids);
    }
    case 'vnet': {
      const name = freeName('vnet', namesOf(s.vnets));
      const space = freeVnetSpace(s);
      const prefix = formatCidr({ ...(parseCidr(space) as { cidr: Cidr }).cidr, prefixLength: 24 });
      // Like the portal, a new VNet comes with a subnet named "default".
      d.list<VirtualNetwork>(d.root, 'vnets').push({
        name,
        addressSpace: [space],
        subnets: [{ name: 'default', addressPrefix: prefix }],
      });
      place(d, `vnet:${name}`, at, { ...NEW_GROUP_SIZE.vnet });
      if (at !== undefined)
        place(d, `subnet:${name}/default`, { x: at.x + 20, y: at.y + 56 }, { ...NEW_GROUP_SIZE.subnet });
      return done(d.root, [`vnet:${name}`, `subnet:${name}/default`]);
    }
    case 'subnet': {
      const vnetName = placement.vnet ?? list<VirtualNetwork>(s.vnets)[0]?.name;
      const vnetIndex = indexByName(s.vnets, vnetName ?? '');
      if (vnetIndex === -1) return refuse('A subnet is part of a virtual network: drop it inside one.');
      const vnet = list<VirtualNetwork>(s.vnets)[vnetIndex] as VirtualNetwork;
      const prefix = freeSubnetPrefix(vnet);
      if (prefix === null) return refuse(`Virtual network ${vnet.name} has no free /24 left in its address space.`);
      const name = freeName('subnet', namesOf(vnet.subnets));
      d.list<Subnet>(d.at(['vnets', vnetIndex]), 'subnets').push({ name, addressPrefix: prefix });
      place(d, `subnet:${vnet.name}/${name}`, at, { ...NEW_GROUP_SIZE.subnet });
      return done(d.root, [`subnet:${vnet.name}/${name}`]);
    }
    case 'nsg': {
      const name = freeName('nsg', namesOf(s.networkSecurityGroups));
      d.list<NetworkSecurityGroup>(d.root, 'networkSecurityGroups').push({ name, securityRules: [] });
      place(d, `nsg:${name}`, at);
      return done(d.root, [`nsg:${name}`]);
    }
    case 'routeTable': {
      const name = freeName('rt', namesOf(s.routeTables));
      d.list<RouteTable>(d.root, 'routeTables').push({ name, routes: [] });
      place(d, `routeTable:${name}`, at);
      return done(d.root, [`routeTable:${name}`]);
    }
    case 'onPremisesClient':
    case 'internetClient': {
      const onPremises = kind === 'onPremisesClient';
      const name = freeName(onPremises ? 'onprem' : 'client', namesOf(s.clients));
      // On-premises hosts in 192.168.0.0/16 (the spec's example), internet ones in TEST-NET-2.
      const ipAddress = onPremises ? freeAddressIn(s, '192.168.2.0/24', 1) : freeAddressIn(s, '198.51.100.0/24', 1);
      const client: Client = onPremises ? { name, ipAddress, location: 'onPremises' } : { name, ipAddress };
      d.list<Client>(d.root, 'clients').push(client);
      place(d, `client:${name}`, at);
      return done(d.root, [`client:${name}`]);
    }
  }
}

function newFrontend(s: Scenario, base: string, taken: string[], subnet: string | undefined): FrontendIpConfiguration {
  const name = freeName(base, taken);
  const address = subnet !== undefined ? freeAddressInSubnet(s, subnet) : null;
  // Dropped in a subnet: an internal frontend there; elsewhere, a public one.
  if (subnet !== undefined && address !== null) return { name, privateIPAddress: address, subnet };
  return { name, publicIPAddress: freeAddressIn(s, PUBLIC_POOL, 10) };
}

function firstOtherNicAddress(s: Scenario): string | undefined {
  for (const vm of list<VirtualMachine>(s.virtualMachines)) {
    const nic = list<NetworkInterface>(vm.networkInterfaces)[0];
    if (isObj(nic) && typeof nic.privateIPAddress === 'string') return nic.privateIPAddress;
  }
  return undefined;
}

/** The frontend address of a rule whose pool holds one of this VM's NICs: what a loopback is for (floating IP). */
function frontendAddressServing(s: Scenario, vm: VirtualMachine): string | undefined {
  const nics = new Set(namesOf(vm.networkInterfaces));
  const taken = new Set(list<LoopbackInterface>(vm.loopbackInterfaces).map((l) => l.ipAddress));
  for (const lb of list<LoadBalancer>(s.loadBalancers)) {
    for (const rule of list<LoadBalancingRule>(lb.loadBalancingRules)) {
      const pool = list<BackendAddressPool>(lb.backendAddressPools).find((p) => p.name === rule.backendAddressPool);
      if (!pool || !list<string>(pool.networkInterfaces).some((n) => nics.has(n))) continue;
      const fe = list<FrontendIpConfiguration>(lb.frontendIPConfigurations).find(
        (f) => f.name === rule.frontendIPConfiguration,
      );
      const address = fe?.privateIPAddress ?? fe?.publicIPAddress;
      if (address !== undefined && !taken.has(address)) return address;
    }
  }
  return undefined;
}

function freeLoopbackAddress(s: Scenario, vm: VirtualMachine): string {
  const subnet = list<NetworkInterface>(vm.networkInterfaces)[0]?.subnet;
  return (subnet !== undefined ? freeAddressInSubnet(s, subnet) : null) ?? '10.255.255.4';
}

// ---------------------------------------------------------------------------------------------
// Connecting

/** The relations a user may draw (issue 5 item 2), as unordered pairs of kinds. */
const CONNECTABLE: readonly (readonly [string, string])[] = [
  ['nic', 'pool'],
  ['frontend', 'pool'],
  ['probe', 'pool'],
  ['nsg', 'subnet'],
  ['nsg', 'nic'],
  ['routeTable', 'subnet'],
  ['nic', 'subnet'],
  ['loopback', 'vm'],
];

/** Why two kinds cannot be joined, for the pairs people try most. */
function whyNot(a: string, b: string): string {
  const pair = (x: string, y: string) => (a === x && b === y) || (a === y && b === x);
  if (pair('vm', 'pool')) return 'A backend pool holds network interfaces, not VMs: connect the VM’s NIC to the pool.';
  if (pair('vm', 'subnet')) return 'A VM joins a subnet through its network interface: connect the NIC to the subnet.';
  if (pair('nsg', 'vm')) return 'An NSG applies to a subnet or a network interface, not to a VM.';
  if (pair('frontend', 'nic') || pair('frontend', 'vm')) {
    return 'A frontend sends traffic to a backend pool: connect the frontend to a pool (that makes a load-balancing rule).';
  }
  if (pair('lb', 'pool') || pair('lb', 'nic') || pair('lb', 'vm')) {
    return 'A load balancer reaches its backends through a rule: connect one of its frontends to a backend pool.';
  }
  if (pair('probe', 'nic') || pair('probe', 'vm'))
    return 'A health probe watches a backend pool: connect it to the pool.';
  if (pair('routeTable', 'nic')) return 'A route table is associated with a subnet, not with a network interface.';
  if (a === b) return `Two ${label(a)}s have no relation Azure knows.`;
  return `Azure has no relation between a ${label(a)} and a ${label(b)}.`;
}

const LABELS: { [kind: string]: string } = {
  vm: 'virtual machine',
  nic: 'network interface',
  loopback: 'loopback interface',
  lb: 'load balancer',
  frontend: 'frontend IP',
  pool: 'backend pool',
  probe: 'health probe',
  rule: 'load-balancing rule',
  vnet: 'virtual network',
  subnet: 'subnet',
  nsg: 'network security group',
  routeTable: 'route table',
  client: 'client',
  gateway: 'VNet gateway',
  internet: 'internet',
};
const label = (kind: string): string => LABELS[kind] ?? kind;

/**
 * Why `a` and `b` cannot be connected, or null when they can (in either direction). Cheap: the
 * canvas asks it while a connection is dragged. `connect` may still refuse for a reason that
 * needs the whole document (the same membership twice, a frontend of another load balancer).
 */
export function connectionProblem(a: string, b: string): string | null {
  if (a === b) return 'An element cannot be connected to itself.';
  const ka = parseElementId(a).kind;
  const kb = parseElementId(b).kind;
  if (CONNECTABLE.some(([x, y]) => (ka === x && kb === y) || (ka === y && kb === x))) {
    const lbOf = (id: string) => parseElementId(id).parent;
    if (isLbChild(ka) && isLbChild(kb) && lbOf(a) !== lbOf(b)) {
      return `${label(ka)} ${parseElementId(a).child} belongs to load balancer ${lbOf(a)} and ${label(kb)} ${parseElementId(b).child} to ${lbOf(b)}: a rule joins a frontend and a pool of the same load balancer.`;
    }
    return null;
  }
  return whyNot(ka, kb);
}

/** Orders a pair so that its first element is of kind `first`. */
function ordered(a: string, b: string, first: string): [string, string] {
  return parseElementId(a).kind === first ? [a, b] : [b, a];
}

/** The ports a new rule on this frontend takes: 80, then 443, 8080, … whatever is free. */
function freeFrontendPort(lb: LoadBalancer, frontend: string): number {
  const used = new Set(
    list<LoadBalancingRule>(lb.loadBalancingRules)
      .filter((r) => r.frontendIPConfiguration === frontend)
      .map((r) => r.frontendPort),
  );
  for (const port of [80, 443, 8080, 8443]) if (!used.has(port)) return port;
  let port = 8000;
  while (used.has(port)) port++;
  return port;
}

/**
 * Draws the relation between `a` and `b` (either order): NIC → pool adds a member; frontend →
 * pool adds a load-balancing rule (with the load balancer's first probe, on a free port); probe
 * → pool sets the probe of the rules that send to the pool; NSG → subnet or NIC and route table
 * → subnet associate them (replacing an association); NIC → subnet moves the NIC there with a
 * free address; loopback → VM moves the loopback to that VM. `ids` names what was made.
 */
export function connect(s: Scenario, a: string, b: string): EditResult {
  const problem = connectionProblem(a, b);
  if (problem !== null) return refuse(problem);
  const kinds = new Set([parseElementId(a).kind, parseElementId(b).kind]);
  const d = new Draft(s);
  const missing = (id: string) => refuse(`${id} is not in the scenario.`);

  if (kinds.has('pool') && kinds.has('nic')) {
    const [nicId, poolId] = ordered(a, b, 'nic');
    const nic = parseElementId(nicId).name;
    const path = locateElement(s, poolId);
    if (path === null) return missing(poolId);
    if (locateElement(s, nicId) === null) return missing(nicId);
    const pool = getAt(s, path) as BackendAddressPool;
    if (list(pool.networkInterfaces).includes(nic)) return refuse(`${nic} is already a member of pool ${pool.name}.`);
    d.list<string>(d.at(path), 'networkInterfaces').push(nic);
    return done(d.root, [poolId]);
  }
  if (kinds.has('pool') && kinds.has('frontend')) {
    const [feId, poolId] = ordered(a, b, 'frontend');
    const fe = parseElementId(feId);
    const pool = parseElementId(poolId);
    const lbPath = locateElement(s, `lb:${fe.parent}`);
    if (lbPath === null || locateElement(s, feId) === null) return missing(feId);
    if (locateElement(s, poolId) === null) return missing(poolId);
    const lb = getAt(s, lbPath) as LoadBalancer;
    const name = freeName('rule', namesOf(lb.loadBalancingRules));
    const probe = list<HealthProbe>(lb.probes)[0]?.name;
    const rule: LoadBalancingRule = {
      name,
      frontendIPConfiguration: fe.child,
      backendAddressPool: pool.child,
      ...(probe !== undefined ? { probe } : {}),
      frontendPort: freeFrontendPort(lb, fe.child),
    };
    d.list<LoadBalancingRule>(d.at(lbPath), 'loadBalancingRules').push(rule);
    return done(d.root, [`rule:${lb.name}/${name}`]);
  }
  if (kinds.has('pool') && kinds.has('probe')) {
    const [probeId, poolId] = ordered(a, b, 'probe');
    const probe = parseElementId(probeId);
    const pool = parseElementId(poolId);
    const lbPath = locateElement(s, `lb:${probe.parent}`);
    if (lbPath === null || locateElement(s, probeId) === null) return missing(probeId);
    const lb = getAt(s, lbPath) as LoadBalancer;
    const rules = list<LoadBalancingRule>(lb.loadBalancingRules);
    const serving = rules.flatMap((r, i) => (r.backendAddressPool === pool.child ? [i] : []));
    if (serving.length === 0) {
      return refuse(
        `A probe watches a pool for its load-balancing rules, and no rule sends to ${pool.child} yet: connect a frontend to the pool first.`,
      );
    }
    if (serving.every((i) => rules[i]?.probe === probe.child)) {
      return refuse(`Every rule to ${pool.child} already uses probe ${probe.child}.`);
    }
    const owned = d.list<LoadBalancingRule>(d.at(lbPath), 'loadBalancingRules');
    for (const i of serving) owned[i] = { ...(owned[i] as LoadBalancingRule), probe: probe.child };
    return done(
      d.root,
      serving.map((i) => `rule:${lb.name}/${rules[i]?.name}`),
    );
  }
  if (kinds.has('nsg') || kinds.has('routeTable')) {
    const kind = kinds.has('nsg') ? 'nsg' : 'routeTable';
    const field = kind === 'nsg' ? 'networkSecurityGroup' : 'routeTable';
    const [ownerId, targetId] = ordered(a, b, kind);
    if (locateElement(s, ownerId) === null) return missing(ownerId);
    const path = locateElement(s, targetId);
    if (path === null) return missing(targetId);
    const name = parseElementId(ownerId).name;
    const target = getAt(s, path) as { [k: string]: unknown };
    if (target[field] === name) return refuse(`${parseElementId(targetId).name} already uses ${name}.`);
    d.at<{ [k: string]: unknown }>(path)[field] = name;
    return done(d.root, [targetId]);
  }
  if (kinds.has('nic') && kinds.has('subnet')) {
    const [nicId, subnetId] = ordered(a, b, 'nic');
    const nicPath = locateElement(s, nicId);
    if (nicPath === null) return missing(nicId);
    if (locateElement(s, subnetId) === null) return missing(subnetId);
    const ref = parseElementId(subnetId).name;
    const nic = getAt(s, nicPath) as NetworkInterface;
    if (nic.subnet === ref) return refuse(`${nic.name} is already in subnet ${ref}.`);
    const vm = getAt(s, nicPath.slice(0, 2)) as VirtualMachine;
    const vnet = parseElementId(subnetId).parent;
    const others = list<NetworkInterface>(vm.networkInterfaces).filter((n) => n.name !== nic.name);
    const elsewhere = others.find((n) => parseElementId(`subnet:${n.subnet}`).parent !== vnet);
    if (elsewhere !== undefined) {
      return refuse(
        `${vm.name}'s other network interface ${elsewhere.name} is in virtual network ${parseElementId(`subnet:${elsewhere.subnet}`).parent}: all NICs of a VM must be in one virtual network.`,
      );
    }
    const address = freeAddressInSubnet(s, ref);
    if (address === null) return refuse(`Subnet ${ref} has no free address left.`);
    const owned = d.at<NetworkInterface>(nicPath);
    owned.subnet = ref;
    owned.privateIPAddress = address;
    return done(d.root, [nicId]);
  }
  if (kinds.has('loopback') && kinds.has('vm')) {
    const [loId, vmId] = ordered(a, b, 'loopback');
    const lo = parseElementId(loId);
    const to = parseElementId(vmId).name;
    if (lo.parent === to) return refuse(`${lo.child} is already a loopback interface of ${to}.`);
    const from = locateElement(s, loId);
    const toPath = locateElement(s, vmId);
    if (from === null) return missing(loId);
    if (toPath === null) return missing(vmId);
    const loopback = getAt(s, from) as LoopbackInterface;
    const target = getAt(s, toPath) as VirtualMachine;
    const name = freeName(loopback.name, namesOf(target.loopbackInterfaces), true);
    removeAt(d, from);
    d.list<LoopbackInterface>(d.at(toPath), 'loopbackInterfaces').push({ ...loopback, name });
    moveLayoutKey(d, loId, `loopback:${to}/${name}`);
    return done(d.root, [`loopback:${to}/${name}`]);
  }
  return refuse(whyNot(parseElementId(a).kind, parseElementId(b).kind));
}

/** Removes the relation drawn between `a` and `b` (either order). A rule edge is removed by deleting the rule. */
export function disconnect(s: Scenario, a: string, b: string): EditResult {
  const kinds = new Set([parseElementId(a).kind, parseElementId(b).kind]);
  const d = new Draft(s);
  if (kinds.has('pool') && kinds.has('nic')) {
    const [nicId, poolId] = ordered(a, b, 'nic');
    const path = locateElement(s, poolId);
    if (path === null) return refuse(`${poolId} is not in the scenario.`);
    const nic = parseElementId(nicId).name;
    const owned = d.at<BackendAddressPool>(path);
    owned.networkInterfaces = list<string>(owned.networkInterfaces).filter((n) => n !== nic);
    return done(d.root, [poolId]);
  }
  if (kinds.has('pool') && kinds.has('probe')) {
    const [probeId, poolId] = ordered(a, b, 'probe');
    const probe = parseElementId(probeId);
    const pool = parseElementId(poolId).child;
    const lbPath = locateElement(s, `lb:${probe.parent}`);
    if (lbPath === null) return refuse(`${probeId} is not in the scenario.`);
    const rules = d.list<LoadBalancingRule>(d.at(lbPath), 'loadBalancingRules');
    rules.forEach((r, i) => {
      if (r.backendAddressPool === pool && r.probe === probe.child) {
        const { probe: _gone, ...rest } = r;
        rules[i] = rest as LoadBalancingRule;
      }
    });
    return done(d.root);
  }
  if (kinds.has('nsg') || kinds.has('routeTable')) {
    const kind = kinds.has('nsg') ? 'nsg' : 'routeTable';
    const field = kind === 'nsg' ? 'networkSecurityGroup' : 'routeTable';
    const [, targetId] = ordered(a, b, kind);
    const path = locateElement(s, targetId);
    if (path === null) return refuse(`${targetId} is not in the scenario.`);
    delete d.at<{ [k: string]: unknown }>(path)[field];
    return done(d.root, [targetId]);
  }
  if (kinds.has('rule')) return deleteElements(s, [a.startsWith('rule:') ? a : b]);
  return refuse(
    'This line shows where an element belongs (a NIC to its VM, a client to the gateway); move or delete the element instead.',
  );
}

// ---------------------------------------------------------------------------------------------
// Generic field edits (the inspector)

/** Sets the value at `path`; `undefined` removes the field, so that its default applies. */
export function setField(s: Scenario, path: readonly Key[], value: unknown): Scenario {
  if (path.length === 0) throw new Error('setField needs a path');
  const d = new Draft(s);
  const parent = d.at<{ [k: string]: unknown }>(path.slice(0, -1));
  const key = path[path.length - 1] as Key;
  const before = parent[key as string];
  if (value === undefined && !Array.isArray(parent)) delete parent[key as string];
  else parent[key as string] = value;
  if (key === 'name' && typeof before === 'string' && typeof value === 'string' && before !== value) {
    renameRowReferences(d, path, before, value);
  }
  return d.root;
}

/**
 * Listeners, security rules and firewall rules are rows of their VM or NSG, not canvas elements,
 * so they are renamed through `setField`; events name them (`setListener`, `removeSecurityRule`,
 * `setFirewallRule` …), and those references follow the new name as `renameElement`'s do.
 */
function renameRowReferences(d: Draft, path: readonly Key[], from: string, to: string): void {
  const [top, i, list, j, third] = path;
  const owner = typeof i === 'number' ? (d.root as { [k: string]: unknown[] })[top as string]?.[i] : undefined;
  if (!isObj(owner) || typeof owner.name !== 'string') return;
  const ownerName = owner.name;
  type Target = { actions: readonly string[]; ownerKey: 'vm' | 'networkSecurityGroup' };
  let target: Target | null = null;
  if (top === 'virtualMachines' && list === 'listeners' && typeof j === 'number' && path.length === 5) {
    target = { actions: ['setListener', 'removeListener'], ownerKey: 'vm' };
  } else if (
    top === 'networkSecurityGroups' &&
    list === 'securityRules' &&
    typeof j === 'number' &&
    path.length === 5
  ) {
    target = { actions: ['setSecurityRule', 'removeSecurityRule'], ownerKey: 'networkSecurityGroup' };
  } else if (top === 'virtualMachines' && list === 'firewall' && j === 'rules' && typeof third === 'number') {
    target = { actions: ['setFirewallRule', 'removeFirewallRule'], ownerKey: 'vm' };
  }
  if (target === null) return;
  const { actions, ownerKey } = target;
  eachItem(d, d.root, 'events', (event, own) => {
    if (!actions.includes(String(event.action)) || event[ownerKey] !== ownerName) return;
    // The listener actions name their listener; removeSecurityRule and removeFirewallRule name
    // their row; the set-rule actions carry a whole rule whose name says which row it replaces.
    const key = String(event.action).endsWith('Listener') ? 'listener' : 'rule';
    const ref = event[key];
    if (ref === from) own()[key] = to;
    else if (isObj(ref) && ref.name === from) own()[key] = { ...ref, name: to };
  });
}

/** Appends `item` to the list at `path` (created when missing). */
export function appendItem(s: Scenario, path: readonly Key[], item: unknown): Scenario {
  const d = new Draft(s);
  const parent = d.at<unknown>(path.slice(0, -1));
  d.list<unknown>(parent, path[path.length - 1] as string).push(item);
  return d.root;
}

/** Removes the item at `path` (its last key an index). */
export function removeItem(s: Scenario, path: readonly Key[]): Scenario {
  const d = new Draft(s);
  removeAt(d, path);
  return d.root;
}

/** Moves the item at index `from` of the list at `path` to index `to`. */
export function moveItem(s: Scenario, path: readonly Key[], from: number, to: number): Scenario {
  const d = new Draft(s);
  const items = d.at<unknown[]>(path);
  if (from < 0 || from >= items.length || to < 0 || to >= items.length) return s;
  const [item] = items.splice(from, 1);
  items.splice(to, 0, item);
  return d.root;
}

function removeAt(d: Draft, path: readonly Key[]): void {
  const items = d.at<unknown[]>(path.slice(0, -1));
  items.splice(path[path.length - 1] as number, 1);
}

/** The next free NSG priority for `direction`, in steps of 10 after the highest used (100 when none). */
export function nextPriority(rules: readonly { priority?: unknown; direction?: unknown }[], direction: string): number {
  const used = rules
    .filter((r) => r.direction === direction)
    .map((r) => (typeof r.priority === 'number' ? r.priority : 0));
  const top = used.length === 0 ? 90 : Math.max(...used);
  return Math.min(4096, Math.floor(top / 10) * 10 + 10);
}

/**
 * Swaps the priority of the NSG rule at `index` with its neighbour of the same direction in
 * priority order (`-1` up, `+1` down): reordering a rule table changes which rule wins.
 */
export function swapPriority(s: Scenario, nsgPath: readonly Key[], index: number, step: -1 | 1): Scenario {
  const nsg = getAt(s, nsgPath) as NetworkSecurityGroup;
  const rules = list<{ priority: number; direction: string }>(nsg.securityRules);
  const rule = rules[index];
  if (rule === undefined) return s;
  const order = rules
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.direction === rule.direction)
    .sort((x, y) => x.r.priority - y.r.priority);
  const at = order.findIndex(({ i }) => i === index);
  const other = order[at + step];
  if (other === undefined) return s;
  const d = new Draft(s);
  const owned = d.list<{ priority: number }>(d.at(nsgPath), 'securityRules');
  owned[index] = { ...(owned[index] as object), priority: other.r.priority } as { priority: number };
  owned[other.i] = { ...(owned[other.i] as object), priority: rule.priority } as { priority: number };
  return d.root;
}

// ---------------------------------------------------------------------------------------------
// Layout

/** Writes layout entries (canvas positions, and sizes of groups). */
export function moveElements(
  s: Scenario,
  entries: {
    readonly [id: string]: {
      readonly x: number;
      readonly y: number;
      readonly width?: number;
      readonly height?: number;
    };
  },
): Scenario {
  const d = new Draft(s);
  const layout = d.layout();
  for (const [id, entry] of Object.entries(entries)) {
    const before = isObj(layout[id]) ? layout[id] : {};
    const next: LayoutEntry = { ...before, x: Math.round(entry.x), y: Math.round(entry.y) };
    if (entry.width !== undefined) next.width = Math.round(entry.width);
    if (entry.height !== undefined) next.height = Math.round(entry.height);
    layout[id] = next;
  }
  return d.root;
}

function moveLayoutKey(d: Draft, from: string, to: string): void {
  if (!isObj(d.root.layout) || !Object.hasOwn(d.root.layout, from) || from === to) return;
  const layout = d.layout();
  layout[to] = layout[from] as LayoutEntry;
  delete layout[from];
}

// ---------------------------------------------------------------------------------------------
// Renaming

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/;

/**
 * Azure's resource names: 1–80 letters, digits, underscores, periods and hyphens, starting with
 * a letter or digit (learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules,
 * Microsoft.Network). The slash is refused: it separates the parts of a reference.
 */
export function nameProblem(name: string): string | null {
  if (name.trim() === '') return 'A name must not be empty.';
  if (!NAME_PATTERN.test(name)) {
    return 'Use 1–80 letters, digits, underscores, periods or hyphens, starting with a letter or digit.';
  }
  return null;
}

/** Every name already used in the scope where `id`'s name must be unique. */
function siblingNames(s: Scenario, id: string): string[] {
  const { kind, parent } = parseElementId(id);
  if (isTop(kind)) return namesOf(s[TOP_LISTS[kind]]);
  if (kind === 'nic') return allNicNames(s);
  if (kind === 'subnet') return namesOf(list<VirtualNetwork>(s.vnets).find((v) => v.name === parent)?.subnets);
  if (kind === 'loopback') return namesOf(vmByName(s, parent)?.loopbackInterfaces);
  if (isLbChild(kind)) {
    return namesOf(list<LoadBalancer>(s.loadBalancers).find((l) => l.name === parent)?.[LB_LISTS[kind]]);
  }
  return [];
}

/** Maps each string of a list through `fn`, owning the list only when something changed. */
function mapStrings(d: Draft, parent: unknown, key: string, fn: (v: string) => string): void {
  const values = (parent as { [k: string]: unknown })[key];
  if (!Array.isArray(values)) return;
  if (!values.some((v) => typeof v === 'string' && fn(v) !== v)) return;
  const owned = d.own<unknown[]>(parent, key);
  owned.forEach((v, i) => {
    if (typeof v === 'string') owned[i] = fn(v);
  });
}

/** Visits every object of the list `root[key]`, giving a function to own it (copy on first write). */
function eachItem(
  d: Draft,
  parent: unknown,
  key: string,
  visit: (item: Obj, own: () => Obj, index: number) => void,
): void {
  const items = (parent as { [k: string]: unknown })[key];
  if (!Array.isArray(items)) return;
  items.forEach((item, index) => {
    if (!isObj(item)) return;
    let owned: Obj | null = null;
    visit(
      item,
      () => {
        if (owned === null) owned = d.own<Obj>(d.own<unknown[]>(parent, key), index);
        return owned;
      },
      index,
    );
  });
}

/** Sets `field` of an item through `own` when it equals `from`. */
function swap(item: Obj, own: () => Obj, field: string, from: string, to: string): void {
  if (item[field] === from) own()[field] = to;
}

/**
 * Renames the element `id` and every reference to it: pool members, rules, NAT and outbound
 * rules, subnet references (`vnet/subnet`), NSG and route-table associations, guest routes,
 * traffic sources, events, lesson checks, and layout keys (its own and its children's).
 */
export function renameElement(s: Scenario, id: string, newName: string): EditResult {
  const { kind, name, parent, child } = parseElementId(id);
  const path = locateElement(s, id);
  if (path === null) return refuse(`${id} is not in the scenario.`);
  const oldName = child !== '' && kind !== 'vm' && kind !== 'nic' ? child : name;
  if (newName === oldName) return done(s, [id]);
  const problem = nameProblem(newName);
  if (problem !== null) return refuse(problem);
  if (siblingNames(s, id).includes(newName)) {
    return refuse(`Another ${label(kind)}${kind === 'nic' ? ' in the scenario' : ''} is already named ${q(newName)}.`);
  }
  const d = new Draft(s);
  d.at<Obj>(path).name = newName;
  const newId = (() => {
    if (kind === 'subnet' || kind === 'loopback' || isLbChild(kind)) return `${kind}:${parent}/${newName}`;
    return `${kind}:${newName}`;
  })();
  moveLayoutKey(d, id, newId);
  const renameLayoutPrefix = (from: string, to: string) => {
    if (!isObj(d.root.layout)) return;
    for (const key of Object.keys(d.root.layout)) {
      const colon = key.indexOf(':');
      const rest = key.slice(colon + 1);
      if (rest.startsWith(`${from}/`))
        moveLayoutKey(d, key, `${key.slice(0, colon + 1)}${to}/${rest.slice(from.length + 1)}`);
    }
  };
  const events = (visit: (e: Obj, own: () => Obj) => void) => eachItem(d, d.root, 'events', visit);
  const checks = (visit: (c: Obj, own: () => Obj) => void) => {
    const lesson = d.root.lesson;
    if (!isObj(lesson) || !Array.isArray(lesson.checks)) return;
    lesson.checks.forEach((c, i) => {
      if (isObj(c)) visit(c, () => d.own<Obj>(d.own<unknown[]>(d.own(d.root, 'lesson'), 'checks'), i));
    });
  };
  // Every NIC and frontend `subnet` reference through `fn`.
  const subnetRefs = (fn: (ref: string) => string) => {
    eachItem(d, d.root, 'virtualMachines', (vm, ownVm) =>
      eachItem(d, vm, 'networkInterfaces', (nic, _own, i) => {
        if (typeof nic.subnet === 'string' && fn(nic.subnet) !== nic.subnet) {
          const owned = d.own<Obj>(d.own<unknown[]>(ownVm(), 'networkInterfaces'), i);
          owned.subnet = fn(nic.subnet);
        }
      }),
    );
    eachItem(d, d.root, 'loadBalancers', (lb, ownLb) =>
      eachItem(d, lb, 'frontendIPConfigurations', (fe, _own, i) => {
        if (typeof fe.subnet === 'string' && fn(fe.subnet) !== fe.subnet) {
          d.own<Obj>(d.own<unknown[]>(ownLb(), 'frontendIPConfigurations'), i).subnet = fn(fe.subnet);
        }
      }),
    );
  };
  // The items of one load balancer's list, owned through the LB.
  const inLb = (lbName: string, key: string, visit: (item: Obj, own: () => Obj) => void) =>
    eachItem(d, d.root, 'loadBalancers', (lb, ownLb) => {
      if (lb.name !== lbName) return;
      const items = lb[key];
      if (!Array.isArray(items)) return;
      items.forEach((item, i) => {
        if (isObj(item)) visit(item, () => d.own<Obj>(d.own<unknown[]>(ownLb(), key), i));
      });
    });

  switch (kind) {
    case 'vm':
      eachItem(d, d.root, 'traffic', (t, own) => swap(t, own, 'from', oldName, newName));
      events((e, own) => swap(e, own, 'vm', oldName, newName));
      renameLayoutPrefix(oldName, newName);
      break;
    case 'client':
      eachItem(d, d.root, 'traffic', (t, own) => swap(t, own, 'from', oldName, newName));
      break;
    case 'traffic':
      checks((c, own) => swap(c, own, 'traffic', oldName, newName));
      break;
    case 'nic': {
      eachItem(d, d.root, 'loadBalancers', (lb, ownLb) => {
        eachItem(d, lb, 'backendAddressPools', (pool, _own, i) => {
          if (list(pool.networkInterfaces).includes(oldName)) {
            mapStrings(d, d.own<Obj>(d.own<unknown[]>(ownLb(), 'backendAddressPools'), i), 'networkInterfaces', (n) =>
              n === oldName ? newName : n,
            );
          }
        });
        eachItem(d, lb, 'inboundNatRules', (rule, _own, i) => {
          if (rule.networkInterface === oldName) {
            d.own<Obj>(d.own<unknown[]>(ownLb(), 'inboundNatRules'), i).networkInterface = newName;
          }
        });
      });
      const vm = d.at<Obj>(path.slice(0, 2));
      eachItem(d, vm, 'routes', (r, own) => swap(r, own, 'interface', oldName, newName));
      events((e, own) => swap(e, own, 'networkInterface', oldName, newName));
      checks((c, own) => swap(c, own, 'member', oldName, newName));
      // A distribution check lists the members it looks at.
      checks((c, own) => {
        if (Array.isArray(c.members) && c.members.includes(oldName)) {
          own().members = c.members.map((m) => (m === oldName ? newName : m));
        }
      });
      break;
    }
    case 'lb':
      events((e, own) => swap(e, own, 'loadBalancer', oldName, newName));
      checks((c, own) => swap(c, own, 'loadBalancer', oldName, newName));
      renameLayoutPrefix(oldName, newName);
      break;
    case 'frontend':
      inLb(parent, 'loadBalancingRules', (r, own) => swap(r, own, 'frontendIPConfiguration', oldName, newName));
      inLb(parent, 'inboundNatRules', (r, own) => swap(r, own, 'frontendIPConfiguration', oldName, newName));
      inLb(parent, 'outboundRules', (r, own) => {
        if (list(r.frontendIPConfigurations).includes(oldName)) {
          mapStrings(d, own(), 'frontendIPConfigurations', (n) => (n === oldName ? newName : n));
        }
      });
      break;
    case 'pool':
      inLb(parent, 'loadBalancingRules', (r, own) => swap(r, own, 'backendAddressPool', oldName, newName));
      inLb(parent, 'outboundRules', (r, own) => swap(r, own, 'backendAddressPool', oldName, newName));
      events((e, own) => {
        if (e.loadBalancer === parent) swap(e, own, 'pool', oldName, newName);
      });
      break;
    case 'probe':
      inLb(parent, 'loadBalancingRules', (r, own) => swap(r, own, 'probe', oldName, newName));
      events((e, own) => {
        if (e.loadBalancer !== parent) return;
        if (e.action === 'setProbe' && isObj(e.probe) && e.probe.name === oldName)
          own().probe = { ...e.probe, name: newName };
        if (e.action === 'setRule' && isObj(e.rule) && e.rule.probe === oldName)
          own().rule = { ...e.rule, probe: newName };
      });
      checks((c, own) => {
        if (c.loadBalancer === parent) swap(c, own, 'probe', oldName, newName);
      });
      break;
    case 'rule':
      events((e, own) => {
        if (e.loadBalancer === parent && e.action === 'setRule' && isObj(e.rule) && e.rule.name === oldName) {
          own().rule = { ...e.rule, name: newName };
        }
      });
      checks((c, own) => {
        if (c.loadBalancer === parent && c.probe === undefined) swap(c, own, 'rule', oldName, newName);
      });
      break;
    case 'vnet':
      subnetRefs((ref) => (ref.startsWith(`${oldName}/`) ? `${newName}/${ref.slice(oldName.length + 1)}` : ref));
      renameLayoutPrefix(oldName, newName);
      break;
    case 'subnet':
      subnetRefs((ref) => (ref === `${parent}/${oldName}` ? `${parent}/${newName}` : ref));
      break;
    case 'nsg':
      eachItem(d, d.root, 'vnets', (vnet, ownVnet) =>
        eachItem(d, vnet, 'subnets', (sub, _own, i) => {
          if (sub.networkSecurityGroup === oldName) {
            d.own<Obj>(d.own<unknown[]>(ownVnet(), 'subnets'), i).networkSecurityGroup = newName;
          }
        }),
      );
      eachItem(d, d.root, 'virtualMachines', (vm, ownVm) =>
        eachItem(d, vm, 'networkInterfaces', (nic, _own, i) => {
          if (nic.networkSecurityGroup === oldName) {
            d.own<Obj>(d.own<unknown[]>(ownVm(), 'networkInterfaces'), i).networkSecurityGroup = newName;
          }
        }),
      );
      events((e, own) => swap(e, own, 'networkSecurityGroup', oldName, newName));
      break;
    case 'routeTable':
      eachItem(d, d.root, 'vnets', (vnet, ownVnet) =>
        eachItem(d, vnet, 'subnets', (sub, _own, i) => {
          if (sub.routeTable === oldName) d.own<Obj>(d.own<unknown[]>(ownVnet(), 'subnets'), i).routeTable = newName;
        }),
      );
      break;
    default:
      break;
  }
  return done(d.root, [newId]);
}

// ---------------------------------------------------------------------------------------------
// Deleting

/**
 * Deletes the elements and what cannot exist without them, and clears references to them:
 * - a VM takes its NICs and loopbacks; a VNet its subnets; a load balancer its frontends, pools,
 *   probes and rules; a subnet what sits in it (its NICs, and the VMs left without one; its
 *   internal frontends, and the load balancers left without one) — what Azure would make you
 *   delete first, deleted with it, and one undo brings all back;
 * - a NIC leaves its pools, and its inbound NAT rules go; a frontend's or pool's rules go; a
 *   probe is removed from its rules; an NSG or route table is dissociated;
 * - traffic from a deleted VM or client goes, and so do events and lesson checks that name a
 *   deleted element.
 * Refused: the last NIC of a VM that stays, the last frontend of a load balancer that stays.
 */
export function deleteElements(s: Scenario, ids: readonly string[]): EditResult {
  const gone = new Set(ids.filter((id) => locateElement(s, id) !== null));
  if (gone.size === 0)
    return refuse(
      'Nothing to delete: the VNet gateway and the internet are drawn for their clients, not elements of the file.',
    );

  // Deleting a subnet or VNet takes what sits in it (and the VMs and LBs left with nothing there).
  const groups = ids.some((id) => id.startsWith('subnet:') || id.startsWith('vnet:'));
  // What goes with what: closed under "cannot exist without".
  for (let changed = true; changed; ) {
    changed = false;
    const add = (id: string) => {
      if (!gone.has(id) && locateElement(s, id) !== null) {
        gone.add(id);
        changed = true;
      }
    };
    for (const vnet of list<VirtualNetwork>(s.vnets)) {
      if (gone.has(`vnet:${vnet.name}`))
        for (const sub of list<Subnet>(vnet.subnets)) add(`subnet:${vnet.name}/${sub.name}`);
    }
    for (const vm of list<VirtualMachine>(s.virtualMachines)) {
      const nics = list<NetworkInterface>(vm.networkInterfaces);
      if (gone.has(`vm:${vm.name}`)) {
        for (const nic of nics) add(`nic:${nic.name}`);
        for (const lo of list<LoopbackInterface>(vm.loopbackInterfaces)) add(`loopback:${vm.name}/${lo.name}`);
      }
      for (const nic of nics) if (gone.has(`subnet:${nic.subnet}`)) add(`nic:${nic.name}`);
      if (groups && nics.length > 0 && nics.every((n) => gone.has(`nic:${n.name}`))) {
        add(`vm:${vm.name}`);
      }
    }
    for (const lb of list<LoadBalancer>(s.loadBalancers)) {
      const fes = list<FrontendIpConfiguration>(lb.frontendIPConfigurations);
      if (gone.has(`lb:${lb.name}`)) {
        for (const [kind, key] of Object.entries(LB_LISTS)) {
          for (const item of namesOf(lb[key as keyof LoadBalancer])) add(`${kind}:${lb.name}/${item}`);
        }
      }
      for (const fe of fes)
        if (typeof fe.subnet === 'string' && gone.has(`subnet:${fe.subnet}`)) add(`frontend:${lb.name}/${fe.name}`);
      if (groups && fes.length > 0 && fes.every((f) => gone.has(`frontend:${lb.name}/${f.name}`))) {
        add(`lb:${lb.name}`);
      }
      const goneFe = (n: string) => gone.has(`frontend:${lb.name}/${n}`);
      const gonePool = (n: string) => gone.has(`pool:${lb.name}/${n}`);
      for (const r of list<LoadBalancingRule>(lb.loadBalancingRules)) {
        if (goneFe(r.frontendIPConfiguration) || gonePool(r.backendAddressPool)) add(`rule:${lb.name}/${r.name}`);
      }
      for (const r of list<{ name: string; frontendIPConfiguration: string; networkInterface: string }>(
        lb.inboundNatRules,
      )) {
        if (goneFe(r.frontendIPConfiguration) || gone.has(`nic:${r.networkInterface}`))
          add(`natRule:${lb.name}/${r.name}`);
      }
      for (const r of list<{ name: string; frontendIPConfigurations: string[]; backendAddressPool: string }>(
        lb.outboundRules,
      )) {
        if (gonePool(r.backendAddressPool) || list<string>(r.frontendIPConfigurations).every(goneFe)) {
          add(`outboundRule:${lb.name}/${r.name}`);
        }
      }
    }
  }

  for (const vm of list<VirtualMachine>(s.virtualMachines)) {
    if (gone.has(`vm:${vm.name}`)) continue;
    const nics = list<NetworkInterface>(vm.networkInterfaces);
    if (nics.length > 0 && nics.every((n) => gone.has(`nic:${n.name}`))) {
      return refuse(
        `A virtual machine needs at least one network interface: delete ${vm.name} itself to remove its last NIC.`,
      );
    }
  }
  for (const lb of list<LoadBalancer>(s.loadBalancers)) {
    if (gone.has(`lb:${lb.name}`)) continue;
    const fes = list<FrontendIpConfiguration>(lb.frontendIPConfigurations);
    if (fes.length > 0 && fes.every((f) => gone.has(`frontend:${lb.name}/${f.name}`))) {
      return refuse(
        `A load balancer needs at least one frontend IP: delete ${lb.name} itself to remove its last frontend.`,
      );
    }
  }

  const d = new Draft(s);
  const has = (kind: string, name: string) => gone.has(`${kind}:${name}`);
  const root = d.root;
  // Filters a top-level list (the root is already a copy).
  const keep = <T>(_parent: Scenario, key: string, alive: (item: T) => boolean) => {
    const items = (root as Obj)[key];
    if (!Array.isArray(items) || items.every((i) => alive(i as T))) return;
    (root as Obj)[key] = items.filter((i) => alive(i as T));
  };

  keep<VirtualNetwork>(root, 'vnets', (v) => !has('vnet', v.name));
  keep<NetworkSecurityGroup>(root, 'networkSecurityGroups', (n) => !has('nsg', n.name));
  keep<RouteTable>(root, 'routeTables', (r) => !has('routeTable', r.name));
  keep<VirtualMachine>(root, 'virtualMachines', (v) => !has('vm', v.name));
  keep<LoadBalancer>(root, 'loadBalancers', (l) => !has('lb', l.name));
  keep<Client>(root, 'clients', (c) => !has('client', c.name));
  keep<{ from: string }>(root, 'traffic', (t) => !has('vm', t.from) && !has('client', t.from));

  eachItem(d, root, 'vnets', (vnet, own) => {
    const subnets = list<Subnet>(vnet.subnets);
    const alive = subnets.filter((x) => !has('subnet', `${vnet.name}/${x.name}`));
    const cleared = alive.map((x) => {
      let next = x;
      if (typeof x.networkSecurityGroup === 'string' && has('nsg', x.networkSecurityGroup)) {
        const { networkSecurityGroup: _n, ...rest } = next;
        next = rest as Subnet;
      }
      if (typeof x.routeTable === 'string' && has('routeTable', x.routeTable)) {
        const { routeTable: _r, ...rest } = next;
        next = rest as Subnet;
      }
      return next;
    });
    if (cleared.length !== subnets.length || cleared.some((x, i) => x !== alive[i])) own().subnets = cleared;
  });

  eachItem(d, root, 'virtualMachines', (vm, own) => {
    const nics = list<NetworkInterface>(vm.networkInterfaces);
    const aliveNics = nics
      .filter((n) => !has('nic', n.name))
      .map((n) => {
        if (typeof n.networkSecurityGroup === 'string' && has('nsg', n.networkSecurityGroup)) {
          const { networkSecurityGroup: _n, ...rest } = n;
          return rest as NetworkInterface;
        }
        return n;
      });
    if (aliveNics.length !== nics.length || aliveNics.some((n, i) => n !== nics[i]))
      own().networkInterfaces = aliveNics;
    const los = list<LoopbackInterface>(vm.loopbackInterfaces);
    if (los.some((l) => has('loopback', `${vm.name}/${l.name}`))) {
      own().loopbackInterfaces = los.filter((l) => !has('loopback', `${vm.name}/${l.name}`));
    }
    const routes = list<{ interface: string }>(vm.routes);
    if (routes.some((r) => has('nic', r.interface))) own().routes = routes.filter((r) => !has('nic', r.interface));
    // A listener bound to a deleted loopback's address binds every address again (its default).
    const goneAddresses = new Set(los.filter((l) => has('loopback', `${vm.name}/${l.name}`)).map((l) => l.ipAddress));
    const listeners = list<Listener>(vm.listeners);
    if (listeners.some((l) => l.address !== undefined && goneAddresses.has(l.address))) {
      own().listeners = listeners.map((l) => {
        if (l.address === undefined || !goneAddresses.has(l.address)) return l;
        const { address: _a, ...rest } = l;
        return rest as Listener;
      });
    }
  });

  eachItem(d, root, 'loadBalancers', (lb, own) => {
    const name = lb.name as string;
    const child = (kind: LbChildKind) => {
      const key = LB_LISTS[kind];
      const items = list<Obj>(lb[key]);
      if (items.some((i) => has(kind, `${name}/${String(i.name)}`))) {
        own()[key] = items.filter((i) => !has(kind, `${name}/${String(i.name)}`));
      }
    };
    for (const kind of Object.keys(LB_LISTS) as LbChildKind[]) child(kind);
    const current = () => own();
    const pools = list<BackendAddressPool>(current().backendAddressPools);
    if (pools.some((p) => list<string>(p.networkInterfaces).some((n) => has('nic', n)))) {
      current().backendAddressPools = pools.map((p) =>
        list<string>(p.networkInterfaces).some((n) => has('nic', n))
          ? { ...p, networkInterfaces: p.networkInterfaces.filter((n) => !has('nic', n)) }
          : p,
      );
    }
    const rules = list<LoadBalancingRule>(current().loadBalancingRules);
    if (rules.some((r) => r.probe !== undefined && has('probe', `${name}/${r.probe}`))) {
      current().loadBalancingRules = rules.map((r) => {
        if (r.probe === undefined || !has('probe', `${name}/${r.probe}`)) return r;
        const { probe: _p, ...rest } = r;
        return rest as LoadBalancingRule;
      });
    }
    const outbound = list<{ frontendIPConfigurations: string[] }>(current().outboundRules);
    if (outbound.some((r) => list<string>(r.frontendIPConfigurations).some((f) => has('frontend', `${name}/${f}`)))) {
      current().outboundRules = outbound.map((r) => ({
        ...r,
        frontendIPConfigurations: r.frontendIPConfigurations.filter((f) => !has('frontend', `${name}/${f}`)),
      }));
    }
  });
  // Untouched load balancers were owned by `own()` above only when something changed.

  keep<Obj>(root, 'events', (e) => !eventNames(e).some((id) => gone.has(id)));
  // A setRule event keeps its rule as valid as the rules themselves: without a deleted probe.
  if (Array.isArray(root.events)) {
    const events = root.events as Obj[];
    const cleaned = events.map((e) => {
      if (e.action !== 'setRule' || !isObj(e.rule) || typeof e.rule.probe !== 'string') return e;
      if (!has('probe', `${String(e.loadBalancer)}/${e.rule.probe}`)) return e;
      const { probe: _p, ...rule } = e.rule;
      return { ...e, rule };
    });
    if (cleaned.some((e, i) => e !== events[i])) root.events = cleaned as never;
  }
  if (isObj(root.lesson) && Array.isArray(root.lesson.checks)) {
    const checks = root.lesson.checks as Obj[];
    const probed = probedMembers(root);
    const alive = checks.filter(
      (c) =>
        !checkNames(c).some((id) => gone.has(id)) &&
        !trafficGone(s, root, c) &&
        // A probe check on a member that is no longer probed (its rule or pool went) goes too.
        (typeof c.member !== 'string' || !probedMembers(s).has(probeKey(c)) || probed.has(probeKey(c))),
    );
    // A distribution check loses the deleted members it listed, and goes when none is left.
    const kept = alive.flatMap((c) => {
      if (!Array.isArray(c.members)) return [c];
      const members = c.members.filter((m) => !gone.has(`nic:${String(m)}`));
      if (members.length === c.members.length) return [c];
      return members.length === 0 ? [] : [{ ...c, members }];
    });
    if (kept.length !== checks.length || kept.some((c, i) => c !== checks[i])) {
      root.lesson = { ...root.lesson, checks: kept as never };
    }
  }
  if (isObj(root.layout)) {
    const layout = root.layout;
    const stale = Object.keys(layout).filter((key) => gone.has(key) || isChildOfGone(key, gone));
    if (stale.length > 0) {
      const next = { ...layout };
      for (const key of stale) delete next[key];
      root.layout = next;
    }
  }
  return done(root, [...gone]);
}

/** `loopback:web01/lo` is gone with `vm:web01`; `rule:ilb/http` with `lb:ilb`. */
function isChildOfGone(key: string, gone: ReadonlySet<string>): boolean {
  const { kind, parent } = parseElementId(key);
  if (kind === 'loopback') return gone.has(`vm:${parent}`);
  if (isLbChild(kind)) return gone.has(`lb:${parent}`);
  if (kind === 'subnet') return gone.has(`vnet:${parent}`);
  return false;
}

const probeKey = (c: Obj): string => `${String(c.loadBalancer)}/${String(c.probe)}/${String(c.member)}`;

/** `lb/probe/nic` for every NIC a probe watches: in a pool of a rule that uses the probe. */
function probedMembers(s: Scenario): Set<string> {
  const out = new Set<string>();
  for (const lb of list<LoadBalancer>(s.loadBalancers)) {
    for (const rule of list<LoadBalancingRule>(lb.loadBalancingRules)) {
      if (rule.probe === undefined) continue;
      const pool = list<BackendAddressPool>(lb.backendAddressPools).find((p) => p.name === rule.backendAddressPool);
      for (const nic of list<string>(pool?.networkInterfaces)) out.add(`${lb.name}/${rule.probe}/${nic}`);
    }
  }
  return out;
}

/** The element ids an event names, so that it goes with any of them. */
function eventNames(e: Obj): string[] {
  const ids: string[] = [];
  if (typeof e.vm === 'string') ids.push(`vm:${e.vm}`);
  if (typeof e.loadBalancer === 'string') {
    ids.push(`lb:${e.loadBalancer}`);
    if (typeof e.pool === 'string') ids.push(`pool:${e.loadBalancer}/${e.pool}`);
    if (isObj(e.rule) && e.action === 'setRule') {
      const r = e.rule;
      if (typeof r.frontendIPConfiguration === 'string')
        ids.push(`frontend:${e.loadBalancer}/${r.frontendIPConfiguration}`);
      if (typeof r.backendAddressPool === 'string') ids.push(`pool:${e.loadBalancer}/${r.backendAddressPool}`);
    }
  }
  if (typeof e.networkInterface === 'string') ids.push(`nic:${e.networkInterface}`);
  if (typeof e.networkSecurityGroup === 'string') ids.push(`nsg:${e.networkSecurityGroup}`);
  return ids;
}

function checkNames(c: Obj): string[] {
  const ids: string[] = [];
  if (typeof c.loadBalancer === 'string') {
    ids.push(`lb:${c.loadBalancer}`);
    if (typeof c.probe === 'string') ids.push(`probe:${c.loadBalancer}/${c.probe}`);
    else if (typeof c.rule === 'string') ids.push(`rule:${c.loadBalancer}/${c.rule}`);
  }
  if (typeof c.member === 'string') ids.push(`nic:${c.member}`);
  return ids;
}

/** A traffic check whose traffic was removed (with its VM or client). */
function trafficGone(before: Scenario, after: Scenario, c: Obj): boolean {
  if (typeof c.traffic !== 'string') return false;
  const had = namesOf(before.traffic).includes(c.traffic);
  return had && !namesOf(after.traffic).includes(c.traffic);
}

// ---------------------------------------------------------------------------------------------
// Copy, paste and duplicate

/** What copy puts on the clipboard: a fragment of a scenario, and which of its holders are only holders. */
export interface Clipboard {
  readonly format: 'hairpin-clipboard';
  readonly version: 1;
  readonly scenario: Scenario;
  /**
   * Containers present only to hold what was selected (`lb:ilb` when only its probe was
   * copied): on paste their children join the container of that name, when it exists.
   */
  readonly holders: readonly string[];
}

/** Copies the elements (with what they hold: a VM its NICs, an LB its frontends…) to a clipboard. */
export function copyElements(s: Scenario, ids: readonly string[]): Clipboard | null {
  const chosen = new Set(ids.filter((id) => locateElement(s, id) !== null));
  if (chosen.size === 0) return null;
  const holders = new Set<string>();
  const frag: Scenario = { format: 'hairpin-scenario', version: 1 };
  const layout: { [id: string]: LayoutEntry } = {};
  const keepLayout = (id: string) => {
    const entry = s.layout?.[id];
    if (isObj(entry)) layout[id] = entry;
  };

  const vnets: VirtualNetwork[] = [];
  for (const vnet of list<VirtualNetwork>(s.vnets)) {
    const whole = chosen.has(`vnet:${vnet.name}`);
    const subnets = list<Subnet>(vnet.subnets).filter((x) => whole || chosen.has(`subnet:${vnet.name}/${x.name}`));
    if (!whole && subnets.length === 0) continue;
    if (!whole) holders.add(`vnet:${vnet.name}`);
    else keepLayout(`vnet:${vnet.name}`);
    for (const x of subnets) keepLayout(`subnet:${vnet.name}/${x.name}`);
    vnets.push({ ...vnet, subnets: [...subnets] });
  }
  if (vnets.length > 0) frag.vnets = vnets;

  const topLevel = <T extends { name: string }>(
    key: 'networkSecurityGroups' | 'routeTables' | 'clients',
    kind: string,
  ) => {
    const items = list<T>(s[key]).filter((x) => chosen.has(`${kind}:${x.name}`));
    for (const x of items) keepLayout(`${kind}:${x.name}`);
    if (items.length > 0) (frag as Obj)[key] = items;
  };
  topLevel('networkSecurityGroups', 'nsg');
  topLevel('routeTables', 'routeTable');
  topLevel('clients', 'client');

  const vms: VirtualMachine[] = [];
  for (const vm of list<VirtualMachine>(s.virtualMachines)) {
    const whole = chosen.has(`vm:${vm.name}`);
    const nics = list<NetworkInterface>(vm.networkInterfaces).filter((n) => whole || chosen.has(`nic:${n.name}`));
    const los = list<LoopbackInterface>(vm.loopbackInterfaces).filter(
      (l) => whole || chosen.has(`loopback:${vm.name}/${l.name}`),
    );
    if (!whole && nics.length === 0 && los.length === 0) continue;
    if (whole) {
      keepLayout(`vm:${vm.name}`);
      vms.push(vm);
    } else {
      holders.add(`vm:${vm.name}`);
      vms.push({ ...vm, networkInterfaces: [...nics], loopbackInterfaces: [...los] });
    }
    for (const n of nics) keepLayout(`nic:${n.name}`);
    for (const l of los) keepLayout(`loopback:${vm.name}/${l.name}`);
  }
  if (vms.length > 0) frag.virtualMachines = vms;

  const lbs: LoadBalancer[] = [];
  for (const lb of list<LoadBalancer>(s.loadBalancers)) {
    const whole = chosen.has(`lb:${lb.name}`);
    const part: LoadBalancer = { name: lb.name, frontendIPConfigurations: [], backendAddressPools: [] };
    let any = whole;
    for (const [kind, key] of Object.entries(LB_LISTS) as [LbChildKind, (typeof LB_LISTS)[LbChildKind]][]) {
      const items = list<Obj>(lb[key]).filter((i) => whole || chosen.has(`${kind}:${lb.name}/${String(i.name)}`));
      if (items.length === 0) continue;
      any = true;
      (part as Obj)[key] = items;
      for (const i of items) keepLayout(`${kind}:${lb.name}/${String(i.name)}`);
    }
    if (!any) continue;
    if (whole) {
      keepLayout(`lb:${lb.name}`);
      lbs.push(lb);
    } else {
      holders.add(`lb:${lb.name}`);
      lbs.push(part);
    }
  }
  if (lbs.length > 0) frag.loadBalancers = lbs;
  if (Object.keys(layout).length > 0) frag.layout = layout;
  return { format: 'hairpin-clipboard', version: 1, scenario: frag, holders: [...holders] };
}

/**
 * Pastes a clipboard into `s`, `offset` away from where it was copied: names that are taken get
 * the next free one (references inside the pasted part follow), and NICs, frontends and clients
 * get free addresses, subnets a free prefix. `ids` lists the pasted elements.
 */
export function pasteElements(s: Scenario, clip: Clipboard, offset: Position = { x: 40, y: 40 }): EditResult {
  let frag = clip.scenario;
  const holders = new Set(clip.holders);
  const pasted: string[] = [];
  const taken = (names: string[], own: string[]) => [...names, ...own];

  // 1. Rename what collides, inside the fragment (its own references follow).
  const renameIn = (id: string, names: string[]) => {
    const { kind, name, child } = parseElementId(id);
    const current = child !== '' && kind !== 'vm' && kind !== 'nic' ? child : name;
    if (!names.includes(current)) return id;
    const base = current.replace(/-?\d+$/, '') || current;
    const fresh = freeName(base, [...names, ...siblingNames(frag, id)]);
    const r = renameElement(frag, id, fresh);
    if (r.ok) frag = r.scenario;
    return r.ok ? (r.ids[0] ?? id) : id;
  };
  for (const vnet of list<VirtualNetwork>(frag.vnets)) {
    const id = `vnet:${vnet.name}`;
    if (holders.has(id)) {
      const target = list<VirtualNetwork>(s.vnets).find((v) => v.name === vnet.name);
      if (target !== undefined) {
        for (const x of list<Subnet>(vnet.subnets)) renameIn(`subnet:${vnet.name}/${x.name}`, namesOf(target.subnets));
        continue;
      }
      holders.delete(id);
    }
    renameIn(id, namesOf(s.vnets));
  }
  for (const x of list<NetworkSecurityGroup>(frag.networkSecurityGroups))
    renameIn(`nsg:${x.name}`, namesOf(s.networkSecurityGroups));
  for (const x of list<RouteTable>(frag.routeTables)) renameIn(`routeTable:${x.name}`, namesOf(s.routeTables));
  for (const x of list<Client>(frag.clients)) renameIn(`client:${x.name}`, namesOf(s.clients));
  for (const vm of list<VirtualMachine>(frag.virtualMachines)) {
    const id = `vm:${vm.name}`;
    const inTarget = vmByName(s, vm.name);
    if (holders.has(id) && inTarget === undefined) holders.delete(id);
    for (const n of list<NetworkInterface>(vm.networkInterfaces)) renameIn(`nic:${n.name}`, taken(allNicNames(s), []));
    if (holders.has(id) && inTarget !== undefined) {
      for (const l of list<LoopbackInterface>(vmByName(frag, vm.name)?.loopbackInterfaces)) {
        renameIn(`loopback:${vm.name}/${l.name}`, namesOf(inTarget.loopbackInterfaces));
      }
    } else {
      renameIn(id, namesOf(s.virtualMachines));
    }
  }
  for (const lb of list<LoadBalancer>(frag.loadBalancers)) {
    const id = `lb:${lb.name}`;
    const inTarget = list<LoadBalancer>(s.loadBalancers).find((l) => l.name === lb.name);
    if (holders.has(id) && inTarget !== undefined) {
      const current = list<LoadBalancer>(frag.loadBalancers).find((l) => l.name === lb.name) as LoadBalancer;
      for (const [kind, key] of Object.entries(LB_LISTS) as [LbChildKind, (typeof LB_LISTS)[LbChildKind]][]) {
        for (const name of namesOf(current[key])) renameIn(`${kind}:${lb.name}/${name}`, namesOf(inTarget[key]));
      }
    } else {
      holders.delete(id);
      renameIn(id, namesOf(s.loadBalancers));
    }
  }

  // 2. Fresh addresses and prefixes, each one free in the target and in what is pasted before it.
  const claimed = new Set<number>();
  const claim = (text: string | null) => {
    const a = text === null ? null : parseIpv4(text);
    if (a !== null) claimed.add(a);
    return text;
  };
  const d = new Draft(s);
  const root = d.root;

  for (const vnet of list<VirtualNetwork>(frag.vnets)) {
    if (holders.has(`vnet:${vnet.name}`)) {
      const index = indexByName(root.vnets, vnet.name);
      const target = d.at<VirtualNetwork>(['vnets', index]);
      for (const x of list<Subnet>(vnet.subnets)) {
        const prefix = freeSubnetPrefix(target) ?? x.addressPrefix;
        d.list<Subnet>(target, 'subnets').push({ ...x, addressPrefix: prefix });
        pasted.push(`subnet:${vnet.name}/${x.name}`);
      }
    } else {
      const probe = { ...root, vnets: [...list<VirtualNetwork>(root.vnets)] } as Scenario;
      const space = freeVnetSpace(probe);
      const spaceCidr = (parseCidr(space) as { cidr: Cidr }).cidr;
      const oldSpace = parseCidr(list<string>(vnet.addressSpace)[0] ?? '')?.cidr;
      // Subnets keep their place inside the space: 10.2.1.0/24 of 10.2.0.0/16 becomes 10.N.1.0/24.
      const subnets = list<Subnet>(vnet.subnets).map((x) => {
        const c = parseCidr(x.addressPrefix)?.cidr;
        if (c === undefined || oldSpace === undefined || oldSpace.prefixLength !== 16) return x;
        const moved = formatCidr({
          base: (spaceCidr.base + (c.base - oldSpace.base)) >>> 0,
          prefixLength: c.prefixLength,
        });
        return { ...x, addressPrefix: moved };
      });
      d.list<VirtualNetwork>(root, 'vnets').push({ ...vnet, addressSpace: [space], subnets });
      pasted.push(`vnet:${vnet.name}`);
    }
  }
  for (const [key, kind] of [
    ['networkSecurityGroups', 'nsg'],
    ['routeTables', 'routeTable'],
  ] as const) {
    for (const x of list<{ name: string }>(frag[key])) {
      d.list<{ name: string }>(root, key).push(x);
      pasted.push(`${kind}:${x.name}`);
    }
  }
  for (const c of list<Client>(frag.clients)) {
    const onPrem = c.location === 'onPremises';
    const single = parseCidr(c.ipAddress)?.cidr.prefixLength === 32;
    const ipAddress = single
      ? (claim(freeAddressIn(root, onPrem ? '192.168.2.0/24' : '198.51.100.0/24', 1, claimed)) as string)
      : c.ipAddress;
    d.list<Client>(root, 'clients').push({ ...c, ipAddress });
    pasted.push(`client:${c.name}`);
  }
  // A NIC whose subnet was pasted with it, or exists in the target, takes a free address there.
  const readdress = (nic: NetworkInterface): NetworkInterface => {
    const address =
      subnetOf(root, nic.subnet) !== undefined ? claim(freeAddressInSubnet(root, nic.subnet, claimed)) : null;
    return address === null ? nic : { ...nic, privateIPAddress: address };
  };
  for (const vm of list<VirtualMachine>(frag.virtualMachines)) {
    const nics = list<NetworkInterface>(vm.networkInterfaces).map(readdress);
    if (holders.has(`vm:${vm.name}`)) {
      const index = indexByName(root.virtualMachines, vm.name);
      const target = d.at<VirtualMachine>(['virtualMachines', index]);
      if (nics.length > 0) d.list<NetworkInterface>(target, 'networkInterfaces').push(...nics);
      const los = list<LoopbackInterface>(vm.loopbackInterfaces);
      if (los.length > 0) d.list<LoopbackInterface>(target, 'loopbackInterfaces').push(...los);
      pasted.push(...nics.map((n) => `nic:${n.name}`), ...los.map((l) => `loopback:${vm.name}/${l.name}`));
    } else {
      d.list<VirtualMachine>(root, 'virtualMachines').push({ ...vm, networkInterfaces: nics });
      pasted.push(`vm:${vm.name}`, ...nics.map((n) => `nic:${n.name}`));
    }
  }
  const refront = (fe: FrontendIpConfiguration): FrontendIpConfiguration => {
    if (typeof fe.publicIPAddress === 'string' && fe.privateIPAddress === undefined) {
      return { ...fe, publicIPAddress: claim(freeAddressIn(root, PUBLIC_POOL, 10, claimed)) as string };
    }
    if (typeof fe.subnet === 'string' && subnetOf(root, fe.subnet) !== undefined) {
      const address = claim(freeAddressInSubnet(root, fe.subnet, claimed));
      if (address !== null) return { ...fe, privateIPAddress: address };
    }
    return fe;
  };
  for (const lb of list<LoadBalancer>(frag.loadBalancers)) {
    const fes = list<FrontendIpConfiguration>(lb.frontendIPConfigurations).map(refront);
    if (holders.has(`lb:${lb.name}`)) {
      const index = indexByName(root.loadBalancers, lb.name);
      const target = d.at<LoadBalancer>(['loadBalancers', index]);
      for (const [kind, key] of Object.entries(LB_LISTS) as [LbChildKind, (typeof LB_LISTS)[LbChildKind]][]) {
        let items = key === 'frontendIPConfigurations' ? fes : list<Obj>(lb[key]);
        if (items.length === 0) continue;
        if (key === 'loadBalancingRules' || key === 'inboundNatRules') {
          // A copied rule on the same frontend would collide on its port: it takes the next free one.
          items = items.map((rule) => withFreePort(d.root, index, key, rule));
        }
        d.list<unknown>(target, key).push(...items);
        pasted.push(...items.map((i) => `${kind}:${lb.name}/${String(i.name)}`));
      }
    } else {
      // A NIC sits behind one internal and one public load balancer only (seeds/002): a new
      // load balancer's pools keep only the NICs pasted with it.
      const pastedNics = new Set(
        list<VirtualMachine>(frag.virtualMachines).flatMap((vm) => namesOf(vm.networkInterfaces)),
      );
      const pools = list<BackendAddressPool>(lb.backendAddressPools).map((p) => ({
        ...p,
        networkInterfaces: list<string>(p.networkInterfaces).filter((n) => pastedNics.has(n)),
      }));
      d.list<LoadBalancer>(root, 'loadBalancers').push({
        ...lb,
        frontendIPConfigurations: fes,
        backendAddressPools: pools,
      });
      pasted.push(`lb:${lb.name}`);
      for (const [kind, key] of Object.entries(LB_LISTS) as [LbChildKind, (typeof LB_LISTS)[LbChildKind]][]) {
        for (const name of namesOf(lb[key])) pasted.push(`${kind}:${lb.name}/${name}`);
      }
    }
  }

  // 3. Layout, shifted.
  if (isObj(frag.layout)) {
    const layout = d.layout();
    for (const [id, entry] of Object.entries(frag.layout)) {
      if (!isObj(entry)) continue;
      layout[id] = { ...entry, x: entry.x + offset.x, y: entry.y + offset.y };
    }
  }
  return done(root, pasted);
}

/**
 * A copied rule on the same frontend would collide on its frontend port, and on its backend port
 * in the same pool (reusing one needs floating IP): it takes the next port free on both.
 */
function withFreePort(s: Scenario, lbIndex: number, key: string, rule: Obj): Obj {
  const lb = list<LoadBalancer>(s.loadBalancers)[lbIndex] as LoadBalancer;
  const others = list<Obj>(lb[key as keyof LoadBalancer]);
  const front = typeof rule.frontendPort === 'number' ? rule.frontendPort : 80;
  const back = typeof rule.backendPort === 'number' ? rule.backendPort : front;
  const usedFront = new Set(
    others.filter((r) => r.frontendIPConfiguration === rule.frontendIPConfiguration).map((r) => r.frontendPort),
  );
  const pool = key === 'loadBalancingRules' ? rule.backendAddressPool : rule.networkInterface;
  const poolKey = key === 'loadBalancingRules' ? 'backendAddressPool' : 'networkInterface';
  const usedBack = new Set(
    others
      .filter((r) => r[poolKey] === pool)
      .map((r) => (typeof r.backendPort === 'number' ? r.backendPort : r.frontendPort)),
  );
  if (front === 0 || (!usedFront.has(front) && !usedBack.has(back))) return rule; // HA ports: the user chooses
  let port = front;
  while ((usedFront.has(port) || usedBack.has(port)) && port < 65535) port++;
  return { ...rule, frontendPort: port, backendPort: port };
}

// ---------------------------------------------------------------------------------------------
// The clipboard as text

/** The key that marks a Hairpin clipboard, and the version of its text form. */
export const CLIPBOARD_KEY = 'hairpin-clipboard';
export const CLIPBOARD_VERSION = 1;

/**
 * What Ctrl+C puts on the system clipboard: a small JSON envelope,
 * `{"hairpin-clipboard": 1, "elements": <scenario fragment>, "holders": [<element id>…]}`, so that
 * elements copied in one tab, window or scenario paste into another (docs/architecture.md).
 */
export function clipboardToText(clip: Clipboard): string {
  return JSON.stringify({ [CLIPBOARD_KEY]: CLIPBOARD_VERSION, elements: clip.scenario, holders: clip.holders });
}

const NOT_HAIRPIN = 'Nothing was pasted: the clipboard holds text, not elements copied from Hairpin.';

/**
 * Reads a clipboard's text back, as untrusted input: the envelope must be Hairpin's, of a version
 * this Hairpin reads, and its fragment goes through the scenario pipeline (migrate, restore), so
 * what cannot be represented is dropped. A refusal says why, in one sentence.
 */
export function clipboardFromText(text: string): { ok: true; clipboard: Clipboard } | { ok: false; reason: string } {
  const parsed = parseJson(text);
  if (!parsed.ok || !isObj(parsed.value) || !(CLIPBOARD_KEY in parsed.value)) return { ok: false, reason: NOT_HAIRPIN };
  const envelope = parsed.value;
  const version = envelope[CLIPBOARD_KEY];
  if (typeof version === 'number' && Number.isInteger(version) && version > CLIPBOARD_VERSION) {
    return {
      ok: false,
      reason: `Nothing was pasted: these elements were copied from a newer Hairpin (clipboard version ${version}; this one reads ${CLIPBOARD_VERSION}).`,
    };
  }
  if (version !== CLIPBOARD_VERSION) {
    return {
      ok: false,
      reason: `Nothing was pasted: "${CLIPBOARD_KEY}" must be ${CLIPBOARD_VERSION}, got ${q(String(version))}.`,
    };
  }
  if (!isObj(envelope.elements)) {
    return { ok: false, reason: 'Nothing was pasted: the clipboard\'s "elements" is not a scenario fragment.' };
  }
  const migrated = migrateScenario({ format: 'hairpin-scenario', version: 1, ...envelope.elements });
  if (!migrated.ok) return { ok: false, reason: `Nothing was pasted: elements: ${migrated.error.message}` };
  const { scenario } = restoreScenario(migrated.value.document);
  const ids = new Set(elementIds(scenario));
  if (ids.size === 0)
    return { ok: false, reason: 'Nothing was pasted: the clipboard holds no elements Hairpin can use.' };
  const holders = Array.isArray(envelope.holders)
    ? envelope.holders.filter((h): h is string => typeof h === 'string' && ids.has(h))
    : [];
  return { ok: true, clipboard: { format: 'hairpin-clipboard', version: 1, scenario, holders } };
}

/** Copy and paste in one step, 40 px to the right and down. */
export function duplicateElements(s: Scenario, ids: readonly string[]): EditResult {
  const clip = copyElements(s, ids);
  if (clip === null) return refuse('Select an element to duplicate.');
  return pasteElements(s, clip, { x: 40, y: 40 });
}

/** A new, empty scenario. */
export function createEmptyScenario(): Scenario {
  return { format: 'hairpin-scenario', version: 1, title: 'Untitled scenario' };
}
