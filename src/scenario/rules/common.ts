/**
 * Shared by the rules of every kind: walking the raw document safely, messages, value syntax,
 * the index of the document by name, and resolving references.
 */

import { type Cidr, cidrContains, cidrSize, cidrsOverlap, formatCidr, parseCidr, parseIpv4 } from '../../shared/ipv4';
import {
  type AddressMatch,
  type PortRange,
  parseAddressMatch,
  parsePortRange as parseSharedPortRange,
  SERVICE_TAGS,
} from '../../shared/nsgMatch';
import { clientCountOf } from '../defaults';
import { parsePath, siblingNames } from '../elements';
import { descriptorOf } from '../kinds';
import { clip, quote } from '../limits';
import { referenceAt } from '../references';
import {
  CLIENT,
  FIREWALL,
  FIREWALL_RULE,
  type FieldType,
  FRONTEND,
  IP_CONFIGURATION,
  LB_RULE,
  LISTENER,
  LOAD_BALANCER,
  LOOPBACK,
  NAT_RULE,
  NIC,
  NSG,
  type ObjectSchema,
  OUTBOUND_RULE,
  POOL,
  PROBE,
  ROUTE,
  ROUTE_TABLE,
  SECURITY_RULE,
  SUBNET,
  TRAFFIC,
  VM,
  VNET,
} from '../schema';
import { isWellTyped, joinPath } from '../shape';
import type {
  BackendAddressPool,
  Client,
  Diagnostic,
  FirewallRule,
  FrontendIpConfiguration,
  HealthProbe,
  InboundNatRule,
  IpConfiguration,
  Listener,
  LoadBalancer,
  LoadBalancingRule,
  LoopbackInterface,
  NetworkInterface,
  NetworkSecurityGroup,
  OutboundRule,
  Route,
  RouteTable,
  Scenario,
  SecurityRule,
  Subnet,
  Traffic,
  VirtualMachine,
  VirtualNetwork,
} from '../types';

// ---------------------------------------------------------------------------------------------
// Walking the raw document safely

export type Obj = { readonly [key: string]: unknown };
/** A well-typed item and the path of the item in the document. */
export interface At<T> {
  readonly v: T;
  readonly path: string;
}

export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Nested objects and lists of objects are checked item by item, not as part of their parent. */
export function isNested(type: FieldType): boolean {
  if (type.t === 'object' || type.t === 'union' || type.t === 'pick') return true;
  return type.t === 'array' && isNested(type.of);
}

export const shallowCache = new Map<ObjectSchema, ObjectSchema>();
/** The schema with its nested objects replaced by "any value": checks one level only. */
export function shallow(schema: ObjectSchema): ObjectSchema {
  let found = shallowCache.get(schema);
  if (found === undefined) {
    const fields = Object.fromEntries(
      Object.entries(schema.fields).map(([k, spec]) => [
        k,
        isNested(spec.type) ? { ...spec, type: { t: 'any' } } : spec,
      ]),
    ) as ObjectSchema['fields'];
    found = { label: schema.label, fields };
    shallowCache.set(schema, found);
  }
  return found;
}

export const typed = (schema: ObjectSchema, value: unknown): boolean => isWellTyped(shallow(schema), value);

/** The well-typed items of `parent[key]`, with their original indices in the path. */
export function each<T>(parent: unknown, key: string, schema: ObjectSchema, path: string): At<T>[] {
  if (!isObject(parent)) return [];
  const list = parent[key];
  if (!Array.isArray(list)) return [];
  const out: At<T>[] = [];
  const listPath = joinPath(path, key);
  list.forEach((item, index) => {
    if (typed(schema, item)) out.push({ v: item as T, path: joinPath(listPath, index) });
  });
  return out;
}

/** The nested object `parent[key]` when it is well typed. */
export function child<T>(parent: unknown, key: string, schema: ObjectSchema, path: string): At<T> | undefined {
  if (!isObject(parent)) return undefined;
  const value = parent[key];
  return typed(schema, value) ? { v: value as T, path: joinPath(path, key) } : undefined;
}

/** Every name written in `parent[key]`, well typed or not: a reference to a broken item is not dangling. */
export function namesWritten(parent: unknown, key: string): Set<string> {
  const out = new Set<string>();
  if (!isObject(parent)) return out;
  const list = parent[key];
  if (!Array.isArray(list)) return out;
  for (const item of list) if (isObject(item) && typeof item.name === 'string') out.add(item.name);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Messages

export class Report {
  readonly errors: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];
  error(path: string, message: string): void {
    this.errors.push({ path, message });
  }
  warn(path: string, message: string): void {
    this.warnings.push({ path, message });
  }
}

/** A user's value as a message quotes it: cut when long (limits.ts). */
export const q = (s: string): string => quote(s);

export function listNames(names: Iterable<string>): string {
  const all = [...names];
  if (all.length === 0) return 'it has none';
  const shown = all
    .slice(0, 12)
    .map((n) => clip(n))
    .join(', ');
  return `it has: ${shown}${all.length > 12 ? `, … (${all.length} in all)` : ''}`;
}

/** Names as a message lists them: each cut when long, at most 12. */
export function listClipped(names: Iterable<string>): string {
  const all = [...names];
  const shown = all.slice(0, 12).map((n) => clip(n));
  return `${shown.join(', ')}${all.length > 12 ? `, … (${all.length} in all)` : ''}`;
}

export function didYouMean(value: string, candidates: Iterable<string>): string {
  const lower = value.toLowerCase();
  for (const c of candidates) if (c !== value && c.toLowerCase() === lower) return ` (did you mean ${q(c)}?)`;
  return '';
}

/** `no backend pool named "pool2" in load balancer "ilb" (it has: pool)`. */
export function noSuch(kind: string, name: string, where: string, names: Iterable<string>): string {
  const all = [...names];
  return `no ${kind} named ${q(name)}${where}${didYouMean(name, all)} (${listNames(all)})`;
}

// ---------------------------------------------------------------------------------------------
// Value syntax

export const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map(
  (text) => (parseCidr(text) as { cidr: Cidr }).cidr,
);
export const isPrivate = (address: number): boolean => PRIVATE_RANGES.some((r) => cidrContains(r, address));

/**
 * Ranges Azure refuses in a virtual network's address space: learn.microsoft.com/azure/
 * virtual-network/virtual-networks-faq ("What address ranges can I use in my virtual networks?").
 */
export const VNET_FORBIDDEN = [
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['168.63.129.16/32', "Azure's platform address"],
].map(([text, what]) => ({ cidr: (parseCidr(text as string) as { cidr: Cidr }).cidr, what: what as string }));

/** Addresses that can never be a public IP: private, loopback, link-local, "this network", multicast and reserved. */
export function notPublicBecause(address: number): string | null {
  if (isPrivate(address)) return 'a private address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)';
  const first = address >>> 24;
  if (first === 0) return 'in 0.0.0.0/8 ("this network")';
  if (first === 127) return 'a loopback address';
  if (first >= 224) return 'a multicast or reserved address';
  if (address >>> 16 === (169 << 8) + 254) return 'a link-local address';
  return null;
}

export type Prefix = { cidr: Cidr } | { problem: string };

/** A CIDR prefix `a.b.c.d/n` whose host bits are clear. */
export function parsePrefix(text: string, allowBare = false): Prefix {
  const parsed = parseCidr(text);
  if (parsed === null || (!allowBare && !text.includes('/'))) {
    return { problem: `${q(text)} is not an address prefix (expected CIDR notation such as 10.2.1.0/24)` };
  }
  if (parsed.hostBitsSet) {
    return {
      problem: `${q(text)} is not a valid address prefix: host bits are set past /${parsed.cidr.prefixLength} (did you mean ${formatCidr(parsed.cidr)}?)`,
    };
  }
  return { cidr: parsed.cidr };
}

export function parseAddress(text: string): number | null {
  return parseIpv4(text);
}

export const badAddress = (text: string): string =>
  `${q(text)} is not an IPv4 address (expected four numbers such as 10.2.1.4)`;

/** `addr:port`, port 1–65535. */
export function parseEndpoint(text: string): { address: number; port: number } | string {
  const colon = text.lastIndexOf(':');
  if (colon === -1) return `${q(text)} is not address:port (expected something like 10.2.1.100:80)`;
  const address = parseIpv4(text.slice(0, colon));
  const portText = text.slice(colon + 1);
  if (address === null) return `${q(text)}: ${q(text.slice(0, colon))} is not an IPv4 address`;
  if (!/^[1-9][0-9]{0,4}$/.test(portText) || Number(portText) > 65535) {
    return `${q(text)}: the port must be a whole number 1–65535, got ${q(portText)}`;
  }
  return { address, port: Number(portText) };
}

/** An NSG port range: `*`, `80` or `8000-8999`, 0–65535, low ≤ high. */
export function parsePortRange(text: string): PortRange | string {
  const range = parseSharedPortRange(text);
  if (range === null) {
    return `${q(text)} is not a port range (expected *, a port such as 80, or a range such as 8000-8999)`;
  }
  if (range.from > 65535 || range.to > 65535) return `${q(text)}: ports go from 0 to 65535`;
  if (range.from > range.to) return `${q(text)}: the range starts above where it ends`;
  return range;
}

/**
 * An NSG address prefix: `*`, a service tag (case-sensitive in the file, as written in ARM
 * templates), a CIDR or an address. Host bits set: Azure answers SecurityRuleInvalidAddressPrefix.
 */
export function parseNsgAddress(text: string): AddressMatch | string {
  const near = SERVICE_TAGS.find((t) => t !== text && t.toLowerCase() === text.toLowerCase());
  if (near !== undefined) return `${q(text)} is not a service tag: tags are written exactly ${q(near)}`;
  if (/^[A-Za-z]/.test(text) && !SERVICE_TAGS.some((t) => t === text)) {
    return `${q(text)} is not an address prefix or a service tag Hairpin knows (*, ${SERVICE_TAGS.join(', ')}, a CIDR or an address)`;
  }
  const match = parseAddressMatch(text);
  if (match !== null && match.kind !== 'cidr') return match;
  const prefix = parsePrefix(text, true);
  return 'problem' in prefix ? prefix.problem : { kind: 'cidr', cidr: prefix.cidr };
}

/** Windows Firewall ports: `Any`/`*`, or a comma list of ports and ranges. */
export function firewallPortsProblem(text: string): string | null {
  if (text === '*' || text === 'Any') return null;
  for (const part of text.split(',')) {
    const range = parsePortRange(part.trim());
    if (typeof range === 'string' || part.trim() === '*') {
      return `${q(text)}: ${q(part.trim())} is not a port or range (expected Any, 80, 8000-8999, or a comma list of them)`;
    }
  }
  return null;
}

/** Windows Firewall addresses: `Any`/`*`, or a comma list of addresses, CIDRs and `a-b` ranges. */
export function firewallAddressesProblem(text: string): string | null {
  if (text === '*' || text === 'Any') return null;
  for (const raw of text.split(',')) {
    const part = raw.trim();
    const dash = part.split('-');
    const ok =
      dash.length === 2
        ? parseIpv4(dash[0] ?? '') !== null &&
          parseIpv4(dash[1] ?? '') !== null &&
          (parseIpv4(dash[0] ?? '') ?? 0) <= (parseIpv4(dash[1] ?? '') ?? 0)
        : parseCidr(part) !== null;
    if (!ok) {
      return `${q(text)}: ${q(part)} is not an address, prefix or range (expected Any, 10.0.0.4, 10.0.0.0/24, 10.0.0.1-10.0.0.9, or a comma list of them)`;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// The index of the document

export interface VnetEntry extends At<VirtualNetwork> {
  readonly spaces: Cidr[];
  readonly subnets: Map<string, SubnetEntry>;
  readonly subnetNames: Set<string>;
}
export interface SubnetEntry extends At<Subnet> {
  readonly vnet: VnetEntry;
  readonly cidr: Cidr | null;
}
export interface VmEntry extends At<VirtualMachine> {
  readonly nics: NicEntry[];
  readonly loopbacks: At<LoopbackInterface>[];
  readonly listeners: At<Listener>[];
  readonly listenerNames: Set<string>;
  readonly firewallRules: At<FirewallRule>[];
}
export interface NicEntry extends At<NetworkInterface> {
  readonly vm: VmEntry;
  readonly primary: boolean;
  /** Its primary IP configuration (the first), whose address and subnet are the NIC's. */
  readonly config: At<IpConfiguration> | undefined;
  /** The names of its IP configurations, as written. */
  readonly configNames: Set<string>;
  readonly address: number | null;
  subnet: SubnetEntry | undefined;
}
export interface FrontendEntry extends At<FrontendIpConfiguration> {
  readonly kind: 'internal' | 'public' | 'invalid';
  /** The private address of an internal frontend, the public one of a public frontend. */
  readonly address: number | null;
  subnet: SubnetEntry | undefined;
}
export interface PoolEntry extends At<BackendAddressPool> {
  readonly members: NicEntry[];
}
export interface LbEntry extends At<LoadBalancer> {
  readonly frontends: Map<string, FrontendEntry>;
  readonly pools: Map<string, PoolEntry>;
  readonly probes: Map<string, At<HealthProbe>>;
  readonly rules: At<LoadBalancingRule>[];
  readonly natRules: At<InboundNatRule>[];
  readonly outboundRules: At<OutboundRule>[];
}
export interface ClientEntry extends At<Client> {
  /** The first host address and how many hosts the client stands for. */
  readonly first: number | null;
  readonly count: number;
}

export interface Index {
  /** The document indexed: references are looked up in it (`lookup`). */
  readonly doc: Obj;
  readonly vnets: Map<string, VnetEntry>;
  readonly vnetNames: Set<string>;
  readonly nsgs: Map<string, At<NetworkSecurityGroup> & { rules: At<SecurityRule>[] }>;
  readonly routeTables: Map<string, At<RouteTable> & { routes: At<Route>[] }>;
  readonly vms: Map<string, VmEntry>;
  readonly vmNames: Set<string>;
  readonly nics: Map<string, NicEntry>;
  readonly nicNames: Set<string>;
  readonly lbs: Map<string, LbEntry>;
  readonly clients: Map<string, ClientEntry>;
  readonly clientNames: Set<string>;
  readonly traffic: Map<string, At<Traffic>>;
}

/** Registers items by name; a later item with a name already taken is an error at its `name`. */
export function register<T extends { name: string }, E extends At<T>>(
  report: Report,
  map: Map<string, E>,
  entry: E,
  kind: string,
  scope: string,
): boolean {
  const first = map.get(entry.v.name);
  if (first !== undefined) {
    report.error(
      joinPath(entry.path, 'name'),
      `duplicate name: another ${kind}${scope} is already named ${q(entry.v.name)} (${first.path})`,
    );
    return false;
  }
  map.set(entry.v.name, entry);
  return true;
}

export function buildIndex(doc: Obj, report: Report): Index {
  const vnets = new Map<string, VnetEntry>();
  for (const at of each<VirtualNetwork>(doc, 'vnets', VNET, '')) {
    const spaces: Cidr[] = [];
    for (const [i, text] of at.v.addressSpace.entries()) {
      const path = joinPath(joinPath(at.path, 'addressSpace'), i);
      const prefix = parsePrefix(text);
      if ('problem' in prefix) {
        report.error(path, prefix.problem);
        continue;
      }
      const forbidden = VNET_FORBIDDEN.find((f) => cidrsOverlap(f.cidr, prefix.cidr));
      const clash = spaces.find((s) => cidrsOverlap(s, prefix.cidr));
      if (forbidden !== undefined) {
        // learn.microsoft.com/azure/virtual-network/virtual-networks-faq: ranges a VNet cannot use.
        report.error(
          path,
          `${text} overlaps ${formatCidr(forbidden.cidr)} (${forbidden.what}), which Azure does not allow in a virtual network`,
        );
      } else if (clash !== undefined) {
        report.error(path, `${text} overlaps ${formatCidr(clash)}, another range of this virtual network`);
      }
      // Kept even when refused, so that its subnets are not reported again as outside the VNet.
      spaces.push(prefix.cidr);
    }
    const entry: VnetEntry = { ...at, spaces, subnets: new Map(), subnetNames: namesWritten(at.v, 'subnets') };
    if (!register(report, vnets, entry, 'virtual network', '')) continue;
    for (const s of each<Subnet>(at.v, 'subnets', SUBNET, at.path)) {
      const prefix = parsePrefix(s.v.addressPrefix);
      const sub: SubnetEntry = { ...s, vnet: entry, cidr: 'cidr' in prefix ? prefix.cidr : null };
      register(report, entry.subnets, sub, 'subnet', ` in virtual network ${q(at.v.name)}`);
    }
  }

  const nsgs: Index['nsgs'] = new Map();
  for (const at of each<NetworkSecurityGroup>(doc, 'networkSecurityGroups', NSG, '')) {
    register(
      report,
      nsgs,
      { ...at, rules: each<SecurityRule>(at.v, 'securityRules', SECURITY_RULE, at.path) },
      'network security group',
      '',
    );
  }
  const routeTables: Index['routeTables'] = new Map();
  for (const at of each<RouteTable>(doc, 'routeTables', ROUTE_TABLE, '')) {
    register(report, routeTables, { ...at, routes: each<Route>(at.v, 'routes', ROUTE, at.path) }, 'route table', '');
  }

  const vms = new Map<string, VmEntry>();
  const nics = new Map<string, NicEntry>();
  for (const at of each<VirtualMachine>(doc, 'virtualMachines', VM, '')) {
    const firewall = child<unknown>(at.v, 'firewall', FIREWALL, at.path);
    const vm: VmEntry = {
      ...at,
      nics: [],
      loopbacks: each<LoopbackInterface>(at.v, 'loopbackInterfaces', LOOPBACK, at.path),
      listeners: each<Listener>(at.v, 'listeners', LISTENER, at.path),
      listenerNames: namesWritten(at.v, 'listeners'),
      firewallRules: firewall ? each<FirewallRule>(firewall.v, 'rules', FIREWALL_RULE, firewall.path) : [],
    };
    const registered = register(report, vms, vm, 'virtual machine', '');
    for (const n of each<NetworkInterface>(at.v, 'networkInterfaces', NIC, at.path)) {
      const configs = each<IpConfiguration>(n.v, 'ipConfigurations', IP_CONFIGURATION, n.path);
      const seen = new Map<string, At<IpConfiguration>>();
      for (const config of configs)
        register(report, seen, config, 'IP configuration', ` of network interface ${q(n.v.name)}`);
      // The engine gives a NIC one address; a secondary IP configuration (and the guest's own
      // configuration of it, which Azure leaves to the OS) is not simulated yet.
      for (const config of configs.slice(1)) {
        report.error(
          config.path,
          `a secondary IP configuration is not simulated: Hairpin gives ${q(n.v.name)} the address of its primary IP configuration (the first) only; remove ${q(config.v.name)}`,
        );
      }
      const config = configs[0];
      const nic: NicEntry = {
        ...n,
        vm,
        primary: n.path.endsWith('networkInterfaces[0]'),
        config,
        configNames: namesWritten(n.v, 'ipConfigurations'),
        address: config === undefined ? null : parseAddress(config.v.privateIPAddress),
        subnet: undefined,
      };
      // NICs are top-level resources in Azure: their names are unique across the scenario (spec).
      if (register(report, nics, nic, 'network interface', ' in the scenario') && registered) vm.nics.push(nic);
    }
  }

  const lbs = new Map<string, LbEntry>();
  for (const at of each<LoadBalancer>(doc, 'loadBalancers', LOAD_BALANCER, '')) {
    const lb: LbEntry = {
      ...at,
      frontends: new Map(),
      pools: new Map(),
      probes: new Map(),
      rules: each<LoadBalancingRule>(at.v, 'loadBalancingRules', LB_RULE, at.path),
      natRules: each<InboundNatRule>(at.v, 'inboundNatRules', NAT_RULE, at.path),
      outboundRules: each<OutboundRule>(at.v, 'outboundRules', OUTBOUND_RULE, at.path),
    };
    if (!register(report, lbs, lb, 'load balancer', '')) continue;
    const scope = ` in load balancer ${q(at.v.name)}`;
    for (const f of each<FrontendIpConfiguration>(at.v, 'frontendIPConfigurations', FRONTEND, at.path)) {
      const hasPrivate = f.v.privateIPAddress !== undefined;
      const hasPublic = f.v.publicIPAddress !== undefined;
      const kind = hasPrivate && !hasPublic ? 'internal' : hasPublic && !hasPrivate ? 'public' : 'invalid';
      const text = kind === 'internal' ? f.v.privateIPAddress : kind === 'public' ? f.v.publicIPAddress : undefined;
      const entry: FrontendEntry = {
        ...f,
        kind,
        address: text === undefined ? null : parseAddress(text),
        subnet: undefined,
      };
      register(report, lb.frontends, entry, 'frontend IP configuration', scope);
    }
    for (const p of each<BackendAddressPool>(at.v, 'backendAddressPools', POOL, at.path)) {
      register(report, lb.pools, { ...p, members: [] }, 'backend pool', scope);
    }
    for (const p of each<HealthProbe>(at.v, 'probes', PROBE, at.path))
      register(report, lb.probes, p, 'health probe', scope);
    const names = <T extends { name: string }>(items: At<T>[], kind: string) => {
      const seen = new Map<string, At<T>>();
      for (const item of items) register(report, seen, item, kind, scope);
    };
    names(lb.rules, 'load-balancing rule');
    names(lb.natRules, 'inbound NAT rule');
    names(lb.outboundRules, 'outbound rule');
  }

  const clients = new Map<string, ClientEntry>();
  for (const at of each<Client>(doc, 'clients', CLIENT, '')) {
    const parsed = parseCidr(at.v.ipAddress);
    let first: number | null = null;
    if (parsed !== null && !parsed.hostBitsSet) {
      const size = cidrSize(parsed.cidr);
      // The first host address: the network address is not a host in a /30 or larger (assumption: as in any LAN).
      first = size > 2 ? parsed.cidr.base + 1 : parsed.cidr.base;
    }
    register(report, clients, { ...at, first, count: clientCountOf(at.v) }, 'client', '');
  }

  const traffic = new Map<string, At<Traffic>>();
  for (const at of each<Traffic>(doc, 'traffic', TRAFFIC, '')) register(report, traffic, at, 'traffic', '');

  return {
    doc,
    vnets,
    vnetNames: namesWritten(doc, 'vnets'),
    nsgs,
    routeTables,
    vms,
    vmNames: namesWritten(doc, 'virtualMachines'),
    nics,
    nicNames: allNicNames(doc),
    lbs,
    clients,
    clientNames: namesWritten(doc, 'clients'),
    traffic,
  };
}

export function allNicNames(doc: Obj): Set<string> {
  const out = new Set<string>();
  const vms = doc.virtualMachines;
  if (!Array.isArray(vms)) return out;
  for (const vm of vms) for (const name of namesWritten(vm, 'networkInterfaces')) out.add(name);
  return out;
}

// ---------------------------------------------------------------------------------------------
// References

/**
 * Resolves a name in `map`; reports a dangling reference unless an item of that name exists but
 * is broken (shape.ts reports that one).
 */
export function resolve<E>(
  report: Report,
  path: string,
  name: string,
  map: Map<string, E>,
  written: Set<string>,
  kind: string,
  where: string,
): E | undefined {
  const found = map.get(name);
  if (found === undefined && !written.has(name)) report.error(path, noSuch(kind, name, where, written));
  return found;
}

/**
 * A backend pool member's `networkInterfaceIPConfiguration`, `"nicName/ipConfigurationName"`
 * (ARM names the IP configuration by its id; the format by the NIC's name and its own): the NIC,
 * once the IP configuration is one of its own.
 */
export function resolveIpConfiguration(report: Report, ix: Index, path: string, ref: string): NicEntry | undefined {
  const slash = ref.indexOf('/');
  if (slash === -1 || ref.indexOf('/', slash + 1) !== -1) {
    const nic = ix.nics.get(ref);
    const hint = nic?.config !== undefined ? `${q(`${ref}/${nic.config.v.name}`)}` : '"web01-nic1/ipconfig1"';
    report.error(
      path,
      `${q(ref)} is not an IP configuration reference: write "nicName/ipConfigurationName", for example ${hint}`,
    );
    return undefined;
  }
  const nicName = ref.slice(0, slash);
  const configName = ref.slice(slash + 1);
  const nic = resolve(report, path, nicName, ix.nics, ix.nicNames, 'network interface', ' in the scenario');
  if (nic === undefined) return undefined;
  if (!nic.configNames.has(configName)) {
    report.error(path, noSuch('IP configuration', configName, ` on network interface ${q(nicName)}`, nic.configNames));
    return undefined;
  }
  // A secondary IP configuration is refused where it is written (buildIndex).
  return nic.config?.v.name === configName ? nic : undefined;
}

/**
 * Looks up the name written at `path` by what the reference table (references.ts) declares of
 * that field: the kind it names, and where that kind's names are unique (in the target's parent,
 * read from the field the table names; in the scenario; at the top). A name written nowhere there
 * is an error at `path` — "no backend pool named "web" in load balancer "ilb" (did you mean …?)
 * (it has: …)" — and a name whose item is broken is not (shape reports the item). Returns the
 * entry `map` holds for the name. `doc` is the document the names are in (a lesson's checks are
 * looked up in the document with its solution applied, and `suffix` says so).
 */
export function lookup<E>(
  report: Report,
  { doc }: Index,
  path: string,
  name: string,
  map: ReadonlyMap<string, E>,
  suffix = '',
): E | undefined {
  const found = map.get(name);
  if (found !== undefined) return found;
  const at = referenceAt(doc, parsePath(path));
  const kind = at === null ? undefined : descriptorOf(at.reference.to[0] as string);
  // Every caller passes a field of the table: a path outside it is a defect, not bad input.
  if (at === null || kind === undefined) throw new Error(`rules: no reference declared at ${path}`);
  const parentKind = kind.parent === undefined ? undefined : descriptorOf(kind.parent);
  let where = '';
  let id = `${kind.kind}:${name}`;
  if (kind.scope === 'parent' && parentKind !== undefined) {
    if (at.parent === null) return undefined;
    where = ` in ${parentKind.schema.label} ${q(at.parent)}`;
    id = `${kind.kind}:${at.parent}/${name}`;
  } else if (parentKind !== undefined) {
    where = ' in the scenario';
  }
  const names = new Set(siblingNames(doc as Scenario, id));
  if (!names.has(name)) report.error(path, noSuch(kind.schema.label, name, `${where}${suffix}`, names));
  return undefined;
}

export function resolveSubnet(report: Report, ix: Index, path: string, ref: string): SubnetEntry | undefined {
  const slash = ref.indexOf('/');
  if (slash === -1 || ref.indexOf('/', slash + 1) !== -1) {
    report.error(path, `${q(ref)} is not a subnet reference: write "vnetName/subnetName", for example "spoke/web"`);
    return undefined;
  }
  const vnetName = ref.slice(0, slash);
  const subnetName = ref.slice(slash + 1);
  const vnet = resolve(report, path, vnetName, ix.vnets, ix.vnetNames, 'virtual network', '');
  if (vnet === undefined) return undefined;
  return resolve(
    report,
    path,
    subnetName,
    vnet.subnets,
    vnet.subnetNames,
    'subnet',
    ` in virtual network ${q(vnetName)}`,
  );
}
