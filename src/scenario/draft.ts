/**
 * What every edit is made of: the copy-on-write working copy (`Draft`), the result of an edit,
 * names and free addresses, and layout entries. Shared by the edit functions (edit.ts) and the
 * kind descriptors (kinds/), which add their own elements with it.
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
import type {
  Client,
  FrontendIpConfiguration,
  IpConfiguration,
  LayoutEntry,
  LoadBalancer,
  LoopbackInterface,
  NetworkInterface,
  Scenario,
  Subnet,
  VirtualMachine,
  VirtualNetwork,
} from './types';

export type EditResult =
  | { readonly ok: true; readonly scenario: Scenario; readonly ids: readonly string[] }
  | { readonly ok: false; readonly reason: string };

export const done = (scenario: Scenario, ids: readonly string[] = []): EditResult => ({ ok: true, scenario, ids });
/** Why an edit is refused; a name it repeats may be megabytes long, so the sentence is cut (limits.ts). */
export const refuse = (reason: string): EditResult => ({ ok: false, reason: clip(reason, MAX_MESSAGE_LENGTH) });

export interface Position {
  readonly x: number;
  readonly y: number;
}

// ---------------------------------------------------------------------------------------------
// Copy on write

export type Obj = { [key: string]: unknown };
export type Key = string | number;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const q = (s: string): string => quote(s);

/**
 * A working copy of a scenario: `own(parent, key)` returns a copy of `parent[key]` made once per
 * edit, so that an edit copies exactly the paths it changes and shares everything else.
 */
export class Draft {
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

export const list = <T>(value: readonly T[] | undefined | unknown): readonly T[] =>
  Array.isArray(value) ? (value as readonly T[]) : [];

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

export const indexByName = (items: unknown, name: string): number =>
  list<unknown>(items).findIndex((item) => isObj(item) && item.name === name);

// ---------------------------------------------------------------------------------------------
// Names and addresses

/** `base1`, `base2`, … the first not in `taken` (or `base` itself when `bare` and free). */
export function freeName(base: string, taken: Iterable<string>, bare = false): string {
  const used = new Set(taken);
  if (bare && !used.has(base)) return base;
  for (let n = 1; ; n++) if (!used.has(`${base}${n}`)) return `${base}${n}`;
}

export const namesOf = (items: unknown): string[] =>
  list<unknown>(items)
    .filter(isObj)
    .map((i) => i.name)
    .filter((n): n is string => typeof n === 'string');

export const allNicNames = (s: Scenario): string[] =>
  list<VirtualMachine>(s.virtualMachines).flatMap((vm) => (isObj(vm) ? namesOf(vm.networkInterfaces) : []));

/** Every address a NIC, frontend, loopback or client already holds, so that a new one is free. */
export function usedAddresses(s: Scenario): Set<number> {
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
      for (const config of list<IpConfiguration>(nic.ipConfigurations)) {
        if (!isObj(config)) continue;
        add(config.privateIPAddress);
        add(config.publicIPAddress);
      }
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

export function subnetOf(s: Scenario, ref: string): Subnet | undefined {
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
export function freeAddressIn(
  s: Scenario,
  prefix: string,
  first: number,
  alsoUsed: ReadonlySet<number> = new Set(),
): string {
  const cidr = (parseCidr(prefix) as { cidr: Cidr }).cidr;
  const used = usedAddresses(s);
  for (let offset = first; offset < cidrSize(cidr) - 1; offset++) {
    const a = cidr.base + offset;
    if (!used.has(a) && !alsoUsed.has(a)) return formatIpv4(a);
  }
  return formatIpv4(cidr.base + first);
}

/** Public frontends take addresses from 20.50.1.0/24, as in the spec's examples. */
export const PUBLIC_POOL = '20.50.1.0/24';

const cidrsOfVnets = (s: Scenario): Cidr[] =>
  list<VirtualNetwork>(s.vnets).flatMap((v) =>
    isObj(v)
      ? list<string>(v.addressSpace).flatMap((t) => (typeof t === 'string' ? [parseCidr(t)?.cidr ?? []].flat() : []))
      : [],
  );

/** A /16 in 10.0.0.0/8 that overlaps no VNet of the scenario. */
export function freeVnetSpace(s: Scenario): string {
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
export const BELOW = 96;

export function place(d: Draft, id: string, at: Position | undefined, size?: { width: number; height: number }): void {
  if (at === undefined) return;
  const entry: LayoutEntry = { x: Math.round(at.x), y: Math.round(at.y), ...(size ?? {}) };
  d.layout()[id] = entry;
}

export const firstSubnetRef = (s: Scenario): string | undefined => {
  for (const v of list<VirtualNetwork>(s.vnets)) {
    const sub = list<Subnet>(v.subnets)[0];
    if (isObj(v) && isObj(sub)) return `${v.name}/${sub.name}`;
  }
  return undefined;
};

export const vmByName = (s: Scenario, name: string | undefined) =>
  name === undefined ? undefined : list<VirtualMachine>(s.virtualMachines).find((v) => isObj(v) && v.name === name);

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

export function moveLayoutKey(d: Draft, from: string, to: string): void {
  if (!isObj(d.root.layout) || !Object.hasOwn(d.root.layout, from) || from === to) return;
  const layout = d.layout();
  layout[to] = layout[from] as LayoutEntry;
  delete layout[from];
}
