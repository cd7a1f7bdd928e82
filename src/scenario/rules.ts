/**
 * The rules *between* fields and resources that an Azure deployment would reject (errors), and
 * what deploys but will not work (warnings). Shape (types, ranges, required fields, unknown
 * fields) is shape.ts's job; this module receives the same raw, migrated document and must never
 * throw on it: it walks every list with its original indices and skips each item that is not well
 * typed (shape.ts already reports it), so that the paths it reports are those of the document.
 *
 * Each level is checked shallowly (its own scalar fields), so one broken listener does not hide
 * the whole virtual machine; nested lists are walked item by item.
 *
 * Sources are cited beside each rule; "assumption" marks a rule that is ours.
 */
import {
  type Cidr,
  cidrContains,
  cidrSize,
  cidrsOverlap,
  formatCidr,
  formatIpv4,
  isAzureReservedInSubnet,
  parseCidr,
  parseIpv4,
} from '../shared/ipv4';
import {
  AZURE_PROBE_SOURCE,
  backendPortOf,
  clientCountOf,
  clientLocationOf,
  listenerAddressOf,
  listenerProtocolOf,
  natProtocolOf,
  osOf,
  outboundProtocolOf,
  probeProtocolOf,
  RANGES,
  ruleProtocolOf,
  skuOf,
  TRAFFIC_DEFAULTS,
  trafficProtocolOf,
} from './defaults';
import { clip, quote } from './limits';
import { mergePatch } from './mergePatch';
import {
  CLIENT,
  DISTRIBUTION_CHECK,
  EVENT_VARIANTS,
  FIREWALL,
  FIREWALL_RULE,
  type FieldType,
  FRONTEND,
  GUEST_ROUTE,
  LB_RULE,
  LESSON,
  LISTENER,
  LOAD_BALANCER,
  LOOPBACK,
  lessonCheckSchema,
  NAT_RULE,
  NIC,
  NSG,
  type ObjectSchema,
  OUTBOUND_RULE,
  POOL,
  PROBE,
  PROBE_CHECK,
  ROUTE,
  ROUTE_TABLE,
  SCENARIO,
  SECURITY_RULE,
  SUBNET,
  TRAFFIC,
  TRAFFIC_CHECK,
  VM,
  VNET,
} from './schema';
import { isWellTyped, joinPath } from './shape';
import type {
  BackendAddressPool,
  Client,
  Diagnostic,
  DistributionCheck,
  FirewallRule,
  FrontendIpConfiguration,
  GuestRoute,
  HealthProbe,
  InboundNatRule,
  Listener,
  LoadBalancer,
  LoadBalancingRule,
  LoopbackInterface,
  NetworkInterface,
  NetworkSecurityGroup,
  OutboundRule,
  ProbeCheck,
  Route,
  RouteTable,
  SecurityRule,
  Subnet,
  Traffic,
  TrafficCheck,
  VirtualMachine,
  VirtualNetwork,
} from './types';

// ---------------------------------------------------------------------------------------------
// Walking the raw document safely

type Obj = { readonly [key: string]: unknown };
/** A well-typed item and the path of the item in the document. */
interface At<T> {
  readonly v: T;
  readonly path: string;
}

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Nested objects and lists of objects are checked item by item, not as part of their parent. */
function isNested(type: FieldType): boolean {
  if (type.t === 'object' || type.t === 'union' || type.t === 'pick') return true;
  return type.t === 'array' && isNested(type.of);
}

const shallowCache = new Map<ObjectSchema, ObjectSchema>();
/** The schema with its nested objects replaced by "any value": checks one level only. */
function shallow(schema: ObjectSchema): ObjectSchema {
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

const typed = (schema: ObjectSchema, value: unknown): boolean => isWellTyped(shallow(schema), value);

/** The well-typed items of `parent[key]`, with their original indices in the path. */
function each<T>(parent: unknown, key: string, schema: ObjectSchema, path: string): At<T>[] {
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
function child<T>(parent: unknown, key: string, schema: ObjectSchema, path: string): At<T> | undefined {
  if (!isObject(parent)) return undefined;
  const value = parent[key];
  return typed(schema, value) ? { v: value as T, path: joinPath(path, key) } : undefined;
}

/** Every name written in `parent[key]`, well typed or not: a reference to a broken item is not dangling. */
function namesWritten(parent: unknown, key: string): Set<string> {
  const out = new Set<string>();
  if (!isObject(parent)) return out;
  const list = parent[key];
  if (!Array.isArray(list)) return out;
  for (const item of list) if (isObject(item) && typeof item.name === 'string') out.add(item.name);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Messages

class Report {
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
const q = (s: string): string => quote(s);

function listNames(names: Iterable<string>): string {
  const all = [...names];
  if (all.length === 0) return 'it has none';
  const shown = all
    .slice(0, 12)
    .map((n) => clip(n))
    .join(', ');
  return `it has: ${shown}${all.length > 12 ? `, … (${all.length} in all)` : ''}`;
}

/** Names as a message lists them: each cut when long, at most 12. */
function listClipped(names: Iterable<string>): string {
  const all = [...names];
  const shown = all.slice(0, 12).map((n) => clip(n));
  return `${shown.join(', ')}${all.length > 12 ? `, … (${all.length} in all)` : ''}`;
}

function didYouMean(value: string, candidates: Iterable<string>): string {
  const lower = value.toLowerCase();
  for (const c of candidates) if (c !== value && c.toLowerCase() === lower) return ` (did you mean ${q(c)}?)`;
  return '';
}

/** `no backend pool named "pool2" in load balancer "ilb" (it has: pool)`. */
function noSuch(kind: string, name: string, where: string, names: Iterable<string>): string {
  const all = [...names];
  return `no ${kind} named ${q(name)}${where}${didYouMean(name, all)} (${listNames(all)})`;
}

// ---------------------------------------------------------------------------------------------
// Value syntax

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map(
  (text) => (parseCidr(text) as { cidr: Cidr }).cidr,
);
const isPrivate = (address: number): boolean => PRIVATE_RANGES.some((r) => cidrContains(r, address));

/**
 * Ranges Azure refuses in a virtual network's address space: learn.microsoft.com/azure/
 * virtual-network/virtual-networks-faq ("What address ranges can I use in my virtual networks?").
 */
const VNET_FORBIDDEN = [
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['168.63.129.16/32', "Azure's platform address"],
].map(([text, what]) => ({ cidr: (parseCidr(text as string) as { cidr: Cidr }).cidr, what: what as string }));

/** Addresses that can never be a public IP: private, loopback, link-local, "this network", multicast and reserved. */
function notPublicBecause(address: number): string | null {
  if (isPrivate(address)) return 'a private address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)';
  const first = address >>> 24;
  if (first === 0) return 'in 0.0.0.0/8 ("this network")';
  if (first === 127) return 'a loopback address';
  if (first >= 224) return 'a multicast or reserved address';
  if (address >>> 16 === (169 << 8) + 254) return 'a link-local address';
  return null;
}

type Prefix = { cidr: Cidr } | { problem: string };

/** A CIDR prefix `a.b.c.d/n` whose host bits are clear. */
function parsePrefix(text: string, allowBare = false): Prefix {
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

function parseAddress(text: string): number | null {
  return parseIpv4(text);
}

const badAddress = (text: string): string =>
  `${q(text)} is not an IPv4 address (expected four numbers such as 10.2.1.4)`;

/** `addr:port`, port 1–65535. */
function parseEndpoint(text: string): { address: number; port: number } | string {
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

interface PortRange {
  readonly low: number;
  readonly high: number;
}
const ANY_PORT: PortRange = { low: 0, high: 65535 };

/** An NSG port range: `*`, `80` or `8000-8999`, 0–65535, low ≤ high. */
function parsePortRange(text: string): PortRange | string {
  if (text === '*') return ANY_PORT;
  const m = /^\s*([0-9]+)\s*(?:-\s*([0-9]+)\s*)?$/.exec(text);
  if (m === null) return `${q(text)} is not a port range (expected *, a port such as 80, or a range such as 8000-8999)`;
  const low = Number(m[1]);
  const high = m[2] === undefined ? low : Number(m[2]);
  if (low > 65535 || high > 65535) return `${q(text)}: ports go from 0 to 65535`;
  if (low > high) return `${q(text)}: the range starts above where it ends`;
  return { low, high };
}

const SERVICE_TAGS = ['VirtualNetwork', 'AzureLoadBalancer', 'Internet'] as const;
type NsgAddress = { any: true } | { tag: (typeof SERVICE_TAGS)[number] } | { cidr: Cidr };

/**
 * An NSG address prefix: `*`, a service tag (case-sensitive in the file, as written in ARM
 * templates), a CIDR or an address. Host bits set: Azure answers SecurityRuleInvalidAddressPrefix.
 */
function parseNsgAddress(text: string): NsgAddress | string {
  if (text === '*') return { any: true };
  const tag = SERVICE_TAGS.find((t) => t === text);
  if (tag !== undefined) return { tag };
  const near = SERVICE_TAGS.find((t) => t.toLowerCase() === text.toLowerCase());
  if (near !== undefined) return `${q(text)} is not a service tag: tags are written exactly ${q(near)}`;
  if (/^[A-Za-z]/.test(text)) {
    return `${q(text)} is not an address prefix or a service tag Hairpin knows (*, ${SERVICE_TAGS.join(', ')}, a CIDR or an address)`;
  }
  const prefix = parsePrefix(text, true);
  return 'problem' in prefix ? prefix.problem : { cidr: prefix.cidr };
}

/** Windows Firewall ports: `Any`/`*`, or a comma list of ports and ranges. */
function firewallPortsProblem(text: string): string | null {
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
function firewallAddressesProblem(text: string): string | null {
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

interface VnetEntry extends At<VirtualNetwork> {
  readonly spaces: Cidr[];
  readonly subnets: Map<string, SubnetEntry>;
  readonly subnetNames: Set<string>;
}
interface SubnetEntry extends At<Subnet> {
  readonly vnet: VnetEntry;
  readonly cidr: Cidr | null;
}
interface VmEntry extends At<VirtualMachine> {
  readonly nics: NicEntry[];
  readonly loopbacks: At<LoopbackInterface>[];
  readonly listeners: At<Listener>[];
  readonly listenerNames: Set<string>;
  readonly firewallRules: At<FirewallRule>[];
}
interface NicEntry extends At<NetworkInterface> {
  readonly vm: VmEntry;
  readonly primary: boolean;
  readonly address: number | null;
  subnet: SubnetEntry | undefined;
}
interface FrontendEntry extends At<FrontendIpConfiguration> {
  readonly kind: 'internal' | 'public' | 'invalid';
  /** The private address of an internal frontend, the public one of a public frontend. */
  readonly address: number | null;
  subnet: SubnetEntry | undefined;
}
interface PoolEntry extends At<BackendAddressPool> {
  readonly members: NicEntry[];
}
interface LbEntry extends At<LoadBalancer> {
  readonly frontends: Map<string, FrontendEntry>;
  readonly frontendNames: Set<string>;
  readonly pools: Map<string, PoolEntry>;
  readonly poolNames: Set<string>;
  readonly probes: Map<string, At<HealthProbe>>;
  readonly probeNames: Set<string>;
  readonly rules: At<LoadBalancingRule>[];
  readonly ruleNames: Set<string>;
  readonly natRules: At<InboundNatRule>[];
  readonly outboundRules: At<OutboundRule>[];
}
interface ClientEntry extends At<Client> {
  /** The first host address and how many hosts the client stands for. */
  readonly first: number | null;
  readonly count: number;
}

interface Index {
  readonly vnets: Map<string, VnetEntry>;
  readonly vnetNames: Set<string>;
  readonly nsgs: Map<string, At<NetworkSecurityGroup> & { rules: At<SecurityRule>[] }>;
  readonly nsgNames: Set<string>;
  readonly routeTables: Map<string, At<RouteTable> & { routes: At<Route>[] }>;
  readonly routeTableNames: Set<string>;
  readonly vms: Map<string, VmEntry>;
  readonly vmNames: Set<string>;
  readonly nics: Map<string, NicEntry>;
  readonly nicNames: Set<string>;
  readonly lbs: Map<string, LbEntry>;
  readonly lbNames: Set<string>;
  readonly clients: Map<string, ClientEntry>;
  readonly clientNames: Set<string>;
  readonly traffic: Map<string, At<Traffic>>;
  readonly trafficNames: Set<string>;
}

/** Registers items by name; a later item with a name already taken is an error at its `name`. */
function register<T extends { name: string }, E extends At<T>>(
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

function buildIndex(doc: Obj, report: Report): Index {
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
      const nic: NicEntry = {
        ...n,
        vm,
        primary: n.path.endsWith('networkInterfaces[0]'),
        address: parseAddress(n.v.privateIPAddress),
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
      frontendNames: namesWritten(at.v, 'frontendIPConfigurations'),
      pools: new Map(),
      poolNames: namesWritten(at.v, 'backendAddressPools'),
      probes: new Map(),
      probeNames: namesWritten(at.v, 'probes'),
      rules: each<LoadBalancingRule>(at.v, 'loadBalancingRules', LB_RULE, at.path),
      ruleNames: namesWritten(at.v, 'loadBalancingRules'),
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
    vnets,
    vnetNames: namesWritten(doc, 'vnets'),
    nsgs,
    nsgNames: namesWritten(doc, 'networkSecurityGroups'),
    routeTables,
    routeTableNames: namesWritten(doc, 'routeTables'),
    vms,
    vmNames: namesWritten(doc, 'virtualMachines'),
    nics,
    nicNames: allNicNames(doc),
    lbs,
    lbNames: namesWritten(doc, 'loadBalancers'),
    clients,
    clientNames: namesWritten(doc, 'clients'),
    traffic,
    trafficNames: namesWritten(doc, 'traffic'),
  };
}

function allNicNames(doc: Obj): Set<string> {
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
function resolve<E>(
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

function resolveSubnet(report: Report, ix: Index, path: string, ref: string): SubnetEntry | undefined {
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

// ---------------------------------------------------------------------------------------------
// The checks

export function checkRules(document: unknown): { errors: Diagnostic[]; warnings: Diagnostic[] } {
  const report = new Report();
  if (!typed(SCENARIO, document)) return report;
  const doc = document as Obj;
  const ix = buildIndex(doc, report);

  checkNetwork(report, ix);
  checkSecurityGroups(report, ix);
  checkRouteTables(report, ix);
  checkVirtualMachines(report, ix);
  checkAddresses(report, ix);
  checkLoadBalancers(report, ix);
  checkClients(report, ix);
  checkTraffic(report, ix);
  checkEvents(report, ix, doc);
  checkLesson(report, ix, doc);
  return report;
}

function checkNetwork(report: Report, ix: Index): void {
  for (const vnet of ix.vnets.values()) {
    const placed: SubnetEntry[] = [];
    for (const subnet of vnet.subnets.values()) {
      const path = joinPath(subnet.path, 'addressPrefix');
      const prefix = parsePrefix(subnet.v.addressPrefix);
      // Azure: "invalid address prefix" when host bits are set (NetcfgInvalidSubnet).
      if ('problem' in prefix) {
        report.error(path, prefix.problem);
        continue;
      }
      const { cidr } = prefix;
      if (
        vnet.spaces.length > 0 &&
        !vnet.spaces.some((s) => s.prefixLength <= cidr.prefixLength && cidrContains(s, cidr.base))
      ) {
        report.error(
          path,
          `${subnet.v.addressPrefix} is outside the address space of virtual network ${q(vnet.v.name)} (${vnet.spaces.map(formatCidr).join(', ')})`,
        );
      }
      // learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet: subnet ranges cannot overlap.
      const clash = placed.find((p) => p.cidr !== null && cidrsOverlap(p.cidr, cidr));
      if (clash !== undefined) {
        report.error(
          path,
          `${subnet.v.addressPrefix} overlaps subnet ${q(clash.v.name)} (${clash.v.addressPrefix}) of the same virtual network`,
        );
      }
      // Azure's smallest subnet is a /29 (virtual-networks-faq: "The smallest supported IPv4 subnet is /29").
      if (cidr.prefixLength > 29) {
        report.error(path, `${subnet.v.addressPrefix} is too small: Azure's smallest subnet is a /29`);
      }
      placed.push(subnet);
      if (subnet.v.networkSecurityGroup !== undefined) {
        resolve(
          report,
          joinPath(subnet.path, 'networkSecurityGroup'),
          subnet.v.networkSecurityGroup,
          ix.nsgs,
          ix.nsgNames,
          'network security group',
          '',
        );
      }
      if (subnet.v.routeTable !== undefined) {
        resolve(
          report,
          joinPath(subnet.path, 'routeTable'),
          subnet.v.routeTable,
          ix.routeTables,
          ix.routeTableNames,
          'route table',
          '',
        );
      }
    }
  }
  // Assumption: the lab models peered VNets (hub and spoke, seeds/003), and Azure cannot peer
  // VNets whose address spaces overlap (virtual-network-peering-overview), so this is an error.
  const all = [...ix.vnets.values()];
  all.forEach((a, i) => {
    for (const b of all.slice(i + 1)) {
      for (const [k, sb] of b.spaces.entries()) {
        const sa = a.spaces.find((s) => cidrsOverlap(s, sb));
        if (sa === undefined) continue;
        report.error(
          joinPath(joinPath(b.path, 'addressSpace'), k),
          `${formatCidr(sb)} overlaps ${formatCidr(sa)} of virtual network ${q(a.v.name)}: overlapping virtual networks cannot be peered`,
        );
      }
    }
  });
}

/** The values of a singular/plural pair (`sourceAddressPrefix` / `sourceAddressPrefixes`), with their paths. */
function pair(rule: SecurityRule, path: string, one: keyof SecurityRule, many: keyof SecurityRule): At<string>[] {
  const plural = rule[many];
  if (Array.isArray(plural)) {
    return plural.map((v, i) => ({ v: v as string, path: joinPath(joinPath(path, many as string), i) }));
  }
  const single = rule[one];
  return [{ v: typeof single === 'string' ? single : '*', path: joinPath(path, one as string) }];
}

function checkSecurityRuleSyntax(report: Report, rule: SecurityRule, path: string): void {
  const pairs: [keyof SecurityRule, keyof SecurityRule, 'address' | 'port'][] = [
    ['sourceAddressPrefix', 'sourceAddressPrefixes', 'address'],
    ['destinationAddressPrefix', 'destinationAddressPrefixes', 'address'],
    ['sourcePortRange', 'sourcePortRanges', 'port'],
    ['destinationPortRange', 'destinationPortRanges', 'port'],
  ];
  for (const [one, many, what] of pairs) {
    // ARM refuses a rule that sets both forms (SecurityRuleParameterContainsUnsupportedValue).
    if (rule[one] !== undefined && rule[many] !== undefined) {
      report.error(
        joinPath(path, many as string),
        `set either ${String(one)} or ${String(many)}, not both (Azure rejects a rule with both)`,
      );
    }
    const plural = Array.isArray(rule[many]);
    for (const item of pair(rule, path, one, many)) {
      if (what === 'port') {
        const range = parsePortRange(item.v);
        if (typeof range === 'string') report.error(item.path, range);
        else if (plural && item.v === '*')
          report.error(item.path, `"*" cannot be one item of ${String(many)}: use ${String(one)}: "*"`);
        continue;
      }
      const address = parseNsgAddress(item.v);
      if (typeof address === 'string') report.error(item.path, address);
      else if (plural && !('cidr' in address)) {
        // ARM: the plural form cannot hold "*" or the VirtualNetwork, Internet, AzureLoadBalancer tags
        // (SecurityRuleParameterContainsUnsupportedValue, hashicorp/terraform-provider-azurerm#5617).
        report.error(
          item.path,
          `${q(item.v)} cannot be one item of ${String(many)}: Azure accepts "*" and service tags only in ${String(one)}`,
        );
      }
    }
  }
}

function checkSecurityGroups(report: Report, ix: Index): void {
  for (const nsg of ix.nsgs.values()) {
    const names = new Map<string, At<SecurityRule>>();
    const priorities = new Map<string, At<SecurityRule>>();
    for (const rule of nsg.rules) {
      register(report, names, rule, 'security rule', ` in network security group ${q(nsg.v.name)}`);
      // network-security-groups-overview: "Each rule must have a unique priority" per direction.
      const key = `${rule.v.direction}/${rule.v.priority}`;
      const first = priorities.get(key);
      if (first !== undefined) {
        report.error(
          joinPath(rule.path, 'priority'),
          `priority ${rule.v.priority} is already used by ${rule.v.direction.toLowerCase()} rule ${q(first.v.name)} (${first.path}): Azure needs a unique priority per direction`,
        );
      } else priorities.set(key, rule);
      checkSecurityRuleSyntax(report, rule.v, rule.path);
    }
  }
}

function checkRouteTables(report: Report, ix: Index): void {
  for (const table of ix.routeTables.values()) {
    const names = new Map<string, At<Route>>();
    const prefixes = new Map<string, At<Route>>();
    for (const route of table.routes) {
      register(report, names, route, 'route', ` in route table ${q(table.v.name)}`);
      const path = joinPath(route.path, 'addressPrefix');
      const prefix = parsePrefix(route.v.addressPrefix);
      if ('problem' in prefix) report.error(path, prefix.problem);
      else {
        // Assumption (consistent with ARM refusing two routes for one prefix in a table).
        const key = formatCidr(prefix.cidr);
        const first = prefixes.get(key);
        if (first !== undefined)
          report.error(path, `route ${q(first.v.name)} already covers ${key} in this route table`);
        else prefixes.set(key, route);
      }
      const hopPath = joinPath(route.path, 'nextHopIpAddress');
      // virtual-networks-udr-overview: only a virtual appliance next hop takes an address.
      if (route.v.nextHopType === 'VirtualAppliance') {
        if (route.v.nextHopIpAddress === undefined) {
          report.error(hopPath, 'missing: a VirtualAppliance next hop needs the address of the appliance');
          continue;
        }
        const hop = parseAddress(route.v.nextHopIpAddress);
        if (hop === null) {
          report.error(hopPath, badAddress(route.v.nextHopIpAddress));
          continue;
        }
        // engine-model.md step 5: the appliance must be a NIC with enableIPForwarding on a VM with ipForwarding.
        const nic = [...ix.nics.values()].find((n) => n.address === hop);
        if (nic === undefined) {
          report.warn(
            hopPath,
            `no network interface has ${route.v.nextHopIpAddress}: packets sent to this appliance are lost`,
          );
        } else if (nic.v.enableIPForwarding !== true || nic.vm.v.ipForwarding !== true) {
          const missing = [
            nic.v.enableIPForwarding !== true ? `enableIPForwarding on network interface ${q(nic.v.name)}` : '',
            nic.vm.v.ipForwarding !== true ? `ipForwarding on virtual machine ${q(nic.vm.v.name)}` : '',
          ].filter((s) => s !== '');
          report.warn(
            hopPath,
            `the appliance ${route.v.nextHopIpAddress} will drop forwarded packets: it needs ${missing.join(' and ')}`,
          );
        }
      } else if (route.v.nextHopIpAddress !== undefined) {
        report.error(
          hopPath,
          `only a VirtualAppliance next hop takes an address; this route's next hop is ${route.v.nextHopType}`,
        );
      }
    }
  }
}

const overlapsAddress = (a: string, b: string): boolean => a === b || a === '0.0.0.0' || b === '0.0.0.0';

/** Listeners of a VM or a client: syntax, the address the guest must own, and EADDRINUSE. */
function checkListeners(
  report: Report,
  listeners: At<Listener>[],
  owned: (address: number) => boolean,
  owner: string,
): void {
  const names = new Map<string, At<Listener>>();
  const bound: At<Listener>[] = [];
  for (const l of listeners) {
    register(report, names, l, 'listener', ` on ${owner}`);
    const addressText = listenerAddressOf(l.v);
    const address = parseAddress(addressText);
    if (address === null) {
      report.error(joinPath(l.path, 'address'), badAddress(addressText));
    } else if (address !== 0 && address >>> 24 !== 127 && !owned(address)) {
      report.error(
        joinPath(l.path, 'address'),
        `${addressText} is not an address of ${owner}: a listener binds 0.0.0.0, 127.0.0.1, or an address of one of its interfaces (EADDRNOTAVAIL)`,
      );
    } else {
      const clash = bound.find(
        (b) =>
          listenerProtocolOf(b.v) === listenerProtocolOf(l.v) &&
          b.v.port === l.v.port &&
          overlapsAddress(listenerAddressOf(b.v), addressText),
      );
      if (clash !== undefined) {
        report.error(
          joinPath(l.path, 'port'),
          `${listenerProtocolOf(l.v)} ${addressText}:${l.v.port} is already bound by listener ${q(clash.v.name)} (${listenerAddressOf(clash.v)}:${clash.v.port}): the second bind fails (EADDRINUSE)`,
        );
      } else bound.push(l);
    }
    checkListenerBody(report, l.v, l.path);
  }
}

function checkListenerBody(report: Report, l: Partial<Listener>, path: string): void {
  if (l.http !== undefined && listenerProtocolOf(l) === 'Udp') {
    report.error(joinPath(path, 'http'), 'HTTP runs over TCP: a Udp listener cannot answer HTTP');
  }
  if (l.http !== undefined) {
    for (const key of Object.keys(l.http)) {
      if (!key.startsWith('/'))
        report.error(joinPath(joinPath(path, 'http'), key), `a request path starts with "/", got ${q(key)}`);
    }
  }
  if (Array.isArray(l.proxyTo)) {
    l.proxyTo.forEach((target, i) => {
      const parsed = parseEndpoint(target);
      if (typeof parsed === 'string') report.error(joinPath(joinPath(path, 'proxyTo'), i), parsed);
    });
  }
}

function checkFirewallRule(report: Report, rule: FirewallRule, path: string): void {
  for (const key of ['localPorts', 'remotePorts'] as const) {
    const value = rule[key];
    if (value === undefined) continue;
    const problem = firewallPortsProblem(value);
    if (problem !== null) report.error(joinPath(path, key), problem);
    else if (rule.protocol === 'Icmp' && value !== '*' && value !== 'Any') {
      report.error(joinPath(path, key), 'ICMP has no ports: a port filter needs protocol Tcp or Udp');
    }
  }
  for (const key of ['localAddresses', 'remoteAddresses'] as const) {
    const value = rule[key];
    if (value === undefined) continue;
    const problem = firewallAddressesProblem(value);
    if (problem !== null) report.error(joinPath(path, key), problem);
  }
}

function checkVirtualMachines(report: Report, ix: Index): void {
  for (const vm of ix.vms.values()) {
    const owner = `virtual machine ${q(vm.v.name)}`;
    const vnetsOfVm = new Map<string, NicEntry>();
    for (const nic of vm.nics) {
      nic.subnet = resolveSubnet(report, ix, joinPath(nic.path, 'subnet'), nic.v.subnet);
      if (nic.subnet !== undefined) {
        const first = [...vnetsOfVm.values()][0];
        // Azure: every NIC of a VM is in the same virtual network (virtual-network-network-interface-vm).
        if (first !== undefined && first.subnet !== undefined && first.subnet.vnet !== nic.subnet.vnet) {
          report.error(
            joinPath(nic.path, 'subnet'),
            `${q(nic.v.subnet)} is in virtual network ${q(nic.subnet.vnet.v.name)}, but ${q(first.v.name)} of the same VM is in ${q(first.subnet.vnet.v.name)}: all NICs of a VM must be in one virtual network`,
          );
        }
        vnetsOfVm.set(nic.subnet.vnet.v.name, nic);
      }
      if (nic.v.networkSecurityGroup !== undefined) {
        resolve(
          report,
          joinPath(nic.path, 'networkSecurityGroup'),
          nic.v.networkSecurityGroup,
          ix.nsgs,
          ix.nsgNames,
          'network security group',
          '',
        );
      }
    }
    const nicAddresses = new Map<number, NicEntry>();
    for (const nic of vm.nics) if (nic.address !== null) nicAddresses.set(nic.address, nic);

    const loopbacks = new Map<string, At<LoopbackInterface>>();
    const loopbackAddresses = new Set<number>();
    for (const lo of vm.loopbacks) {
      register(report, loopbacks, lo, 'loopback interface', ` on ${owner}`);
      const path = joinPath(lo.path, 'ipAddress');
      const address = parseAddress(lo.v.ipAddress);
      if (address === null) {
        report.error(path, badAddress(lo.v.ipAddress));
        continue;
      }
      const nic = nicAddresses.get(address);
      if (nic !== undefined) {
        report.error(
          path,
          `${lo.v.ipAddress} is already the address of network interface ${q(nic.v.name)} of this VM: a loopback needs an address of its own (the frontend address, for floating IP)`,
        );
      }
      loopbackAddresses.add(address);
    }

    const routes = each<GuestRoute>(vm.v, 'routes', GUEST_ROUTE, vm.path);
    for (const route of routes) {
      const prefix = parsePrefix(route.v.addressPrefix);
      if ('problem' in prefix) report.error(joinPath(route.path, 'addressPrefix'), prefix.problem);
      const nic = vm.nics.find((n) => n.v.name === route.v.interface);
      if (nic === undefined) {
        report.error(
          joinPath(route.path, 'interface'),
          noSuch(
            'network interface',
            route.v.interface,
            ` on ${owner}`,
            vm.nics.map((n) => n.v.name),
          ),
        );
      }
      if (route.v.nextHop !== undefined) {
        const hop = parseAddress(route.v.nextHop);
        if (hop === null) report.error(joinPath(route.path, 'nextHop'), badAddress(route.v.nextHop));
        else if (nic?.subnet?.cidr && !cidrContains(nic.subnet.cidr, hop)) {
          // A gateway must be on-link for its interface (Linux refuses it: "Nexthop has invalid gateway").
          report.warn(
            joinPath(route.path, 'nextHop'),
            `${route.v.nextHop} is not in subnet ${nic.subnet.v.addressPrefix} of ${q(nic.v.name)}: the guest cannot reach that gateway on-link`,
          );
        }
      }
    }

    const owned = (a: number) => nicAddresses.has(a) || loopbackAddresses.has(a);
    checkListeners(report, vm.listeners, owned, owner);

    const firewallRules = new Map<string, At<FirewallRule>>();
    for (const rule of vm.firewallRules) {
      register(report, firewallRules, rule, 'firewall rule', ` on ${owner}`);
      checkFirewallRule(report, rule.v, rule.path);
    }

    if (osOf(vm.v) === 'windows' && vm.v.linux !== undefined) {
      report.warn(joinPath(vm.path, 'linux'), 'this VM runs windows: its linux kernel settings are ignored');
    }
  }
}

/** Private addresses of NICs and frontends: in their subnet, not reserved, not used twice. */
function checkAddresses(report: Report, ix: Index): void {
  const used = new Map<number, { what: string; path: string }>();
  const claim = (address: number, path: string, what: string, text: string) => {
    const first = used.get(address);
    if (first !== undefined) report.error(path, `${text} is already used by ${first.what} (${first.path})`);
    else used.set(address, { what, path });
  };
  const inSubnet = (path: string, text: string, address: number, subnet: SubnetEntry | undefined) => {
    if (subnet?.cidr == null) return;
    if (!cidrContains(subnet.cidr, address)) {
      report.error(
        path,
        `${text} is outside subnet ${q(`${subnet.vnet.v.name}/${subnet.v.name}`)} (${subnet.v.addressPrefix})`,
      );
    } else if (isAzureReservedInSubnet(subnet.cidr, address)) {
      // virtual-networks-faq: Azure reserves the first four and the last address of every subnet.
      report.error(
        path,
        `${text} is reserved by Azure in ${subnet.v.addressPrefix} (the network address, .1 gateway, .2 and .3 DNS, and the broadcast address are not usable)`,
      );
    }
  };
  for (const nic of ix.nics.values()) {
    const path = joinPath(nic.path, 'privateIPAddress');
    if (nic.address === null) report.error(path, badAddress(nic.v.privateIPAddress));
    else {
      inSubnet(path, nic.v.privateIPAddress, nic.address, nic.subnet);
      claim(nic.address, path, `network interface ${q(nic.v.name)}`, nic.v.privateIPAddress);
    }
    if (nic.v.publicIPAddress !== undefined) {
      const publicPath = joinPath(nic.path, 'publicIPAddress');
      const address = parseAddress(nic.v.publicIPAddress);
      if (address === null) report.error(publicPath, badAddress(nic.v.publicIPAddress));
      else {
        const why = notPublicBecause(address);
        if (why !== null) report.error(publicPath, `${nic.v.publicIPAddress} cannot be a public IP: it is ${why}`);
        claim(address, publicPath, `the public IP of network interface ${q(nic.v.name)}`, nic.v.publicIPAddress);
      }
    }
  }
  for (const lb of ix.lbs.values()) {
    for (const fe of lb.frontends.values()) {
      const where = `frontend ${q(fe.v.name)} of load balancer ${q(lb.v.name)}`;
      if (fe.kind === 'invalid') {
        report.error(
          fe.path,
          fe.v.privateIPAddress === undefined
            ? 'a frontend needs an address: privateIPAddress and subnet (internal) or publicIPAddress (public)'
            : 'a frontend is internal (privateIPAddress and subnet) or public (publicIPAddress), not both',
        );
        continue;
      }
      if (fe.kind === 'internal') {
        const path = joinPath(fe.path, 'privateIPAddress');
        if (fe.v.subnet === undefined) {
          report.error(
            joinPath(fe.path, 'subnet'),
            'missing: an internal frontend needs the subnet its privateIPAddress is in',
          );
        } else fe.subnet = resolveSubnet(report, ix, joinPath(fe.path, 'subnet'), fe.v.subnet);
        const text = fe.v.privateIPAddress ?? '';
        if (fe.address === null) report.error(path, badAddress(text));
        else {
          inSubnet(path, text, fe.address, fe.subnet);
          claim(fe.address, path, where, text);
        }
      } else {
        const path = joinPath(fe.path, 'publicIPAddress');
        const text = fe.v.publicIPAddress ?? '';
        if (fe.v.subnet !== undefined) {
          report.error(
            joinPath(fe.path, 'subnet'),
            'a public frontend has no subnet: remove it, or make the frontend internal with a privateIPAddress',
          );
        }
        if (fe.address === null) report.error(path, badAddress(text));
        else {
          const why = notPublicBecause(fe.address);
          if (why !== null) report.error(path, `${text} cannot be a public IP: it is ${why}`);
          claim(fe.address, path, where, text);
        }
      }
    }
    // A load balancer is public or internal (load-balancer-overview; seeds/002 "public vs internal").
    const kinds = new Set([...lb.frontends.values()].map((f) => f.kind).filter((k) => k !== 'invalid'));
    if (kinds.size > 1) {
      const firstKind = [...lb.frontends.values()].find((f) => f.kind !== 'invalid')?.kind;
      const odd = [...lb.frontends.values()].find((f) => f.kind !== 'invalid' && f.kind !== firstKind);
      report.error(
        odd?.path ?? lb.path,
        `load balancer ${q(lb.v.name)} mixes public and internal frontends: a load balancer is either public or internal`,
      );
    }
  }
}

const isHaPorts = (r: LoadBalancingRule) => ruleProtocolOf(r) === 'All' && r.frontendPort === 0;
const protocolsOf = (p: 'Tcp' | 'Udp' | 'All'): ('Tcp' | 'Udp')[] => (p === 'All' ? ['Tcp', 'Udp'] : [p]);
function lbKind(lb: LbEntry): 'internal' | 'public' | null {
  for (const f of lb.frontends.values()) if (f.kind !== 'invalid') return f.kind;
  return null;
}

function checkLoadBalancers(report: Report, ix: Index): void {
  const lbsOfNic = new Map<string, { lb: LbEntry; path: string }[]>();
  for (const lb of ix.lbs.values()) {
    const sku = skuOf(lb.v);
    const inLb = ` in load balancer ${q(lb.v.name)}`;
    const frontendOf = (path: string, name: string) =>
      resolve(report, path, name, lb.frontends, lb.frontendNames, 'frontend IP configuration', inLb);
    const poolOf = (path: string, name: string) =>
      resolve(report, path, name, lb.pools, lb.poolNames, 'backend pool', inLb);

    // Pools: members exist, one VNet, size limits.
    for (const pool of lb.pools.values()) {
      const seen = new Set<string>();
      pool.v.networkInterfaces.forEach((name, i) => {
        const path = joinPath(joinPath(pool.path, 'networkInterfaces'), i);
        if (seen.has(name)) {
          report.error(path, `network interface ${q(name)} is listed twice in this pool`);
          return;
        }
        seen.add(name);
        const nic = resolve(report, path, name, ix.nics, ix.nicNames, 'network interface', ' in the scenario');
        if (nic === undefined) return;
        const first = pool.members[0];
        // seeds/002 SKU table: "Any virtual machine in a single virtual network".
        if (first?.subnet !== undefined && nic.subnet !== undefined && first.subnet.vnet !== nic.subnet.vnet) {
          report.error(
            path,
            `${q(name)} is in virtual network ${q(nic.subnet.vnet.v.name)} but ${q(first.v.name)} is in ${q(first.subnet.vnet.v.name)}: a backend pool's members are all in one virtual network`,
          );
        }
        pool.members.push(nic);
        const list = lbsOfNic.get(nic.vm.v.name) ?? [];
        list.push({ lb, path });
        lbsOfNic.set(nic.vm.v.name, list);
      });
      // seeds/002 SKU table: Standard pools hold up to 1,000 instances, Basic up to 100.
      const limit = RANGES.poolSize[sku];
      if (pool.members.length > limit) {
        report.error(
          joinPath(pool.path, 'networkInterfaces'),
          `a ${sku} load balancer's pool holds at most ${limit} members, got ${pool.members.length}`,
        );
      }
      // backend-pool-management: backend resources are in the same virtual network as an internal load balancer.
      const fe = [...lb.frontends.values()].find((f) => f.kind === 'internal' && f.subnet !== undefined);
      const outsider = pool.members.find(
        (m) => m.subnet !== undefined && fe?.subnet !== undefined && m.subnet.vnet !== fe.subnet.vnet,
      );
      if (outsider?.subnet !== undefined && fe?.subnet !== undefined) {
        report.error(
          joinPath(pool.path, 'networkInterfaces'),
          `${q(outsider.v.name)} is in virtual network ${q(outsider.subnet.vnet.v.name)}, but the internal load balancer ${q(lb.v.name)} is in ${q(fe.subnet.vnet.v.name)}`,
        );
      }
    }

    // Probes.
    const usedProbes = new Set<string>();
    for (const probe of lb.probes.values()) checkProbeBody(report, probe.v, probe.path, sku);

    // Load-balancing rules and inbound NAT rules share the frontend's (protocol, port) space.
    const taken = new Map<string, string>();
    const claimPort = (fe: string, protocol: 'Tcp' | 'Udp' | 'All', port: number, path: string, what: string) => {
      for (const p of protocolsOf(protocol)) {
        const key = `${fe}/${p}/${port}`;
        const first = taken.get(key);
        if (first !== undefined) {
          report.error(
            path,
            `frontend ${q(fe)} already takes ${p} port ${port === 0 ? '0 (all ports)' : port} in ${first}: one frontend, protocol and port can have one rule`,
          );
          return;
        }
      }
      for (const p of protocolsOf(protocol)) taken.set(`${fe}/${p}/${port}`, what);
    };

    const ruleInfo: { rule: At<LoadBalancingRule>; pool: PoolEntry | undefined; fe: FrontendEntry | undefined }[] = [];
    for (const rule of lb.rules) {
      const r = rule.v;
      const fe = frontendOf(joinPath(rule.path, 'frontendIPConfiguration'), r.frontendIPConfiguration);
      const pool = poolOf(joinPath(rule.path, 'backendAddressPool'), r.backendAddressPool);
      ruleInfo.push({ rule, pool, fe });
      if (r.probe !== undefined) {
        usedProbes.add(r.probe);
        resolve(report, joinPath(rule.path, 'probe'), r.probe, lb.probes, lb.probeNames, 'health probe', inLb);
      } else {
        // load-balancer-custom-probe-overview: "Azure Load Balancer rules require a health probe".
        report.warn(
          joinPath(rule.path, 'probe'),
          'no health probe: Azure load-balancing rules need one to know which members are up',
        );
      }
      const protocol = ruleProtocolOf(r);
      const backendPort = backendPortOf(r);
      // Ports 0 are HA ports: protocol All with both ports 0 (load-balancer-ha-ports-overview).
      if (protocol === 'All' && (r.frontendPort !== 0 || backendPort !== 0)) {
        report.error(
          joinPath(rule.path, 'protocol'),
          `protocol All is for HA ports: frontendPort and backendPort must both be 0, got ${r.frontendPort} and ${backendPort}`,
        );
      } else if (protocol !== 'All' && (r.frontendPort === 0 || backendPort === 0)) {
        report.error(
          joinPath(rule.path, r.frontendPort === 0 ? 'frontendPort' : 'backendPort'),
          `port 0 means every port (HA ports) and needs protocol All; a ${protocol} rule needs a port 1–65535`,
        );
      }
      // ARM (LoadBalancingRulePropertiesFormat.frontendPort): "Acceptable values are between 0 and 65534".
      if (r.frontendPort === 65535)
        report.error(
          joinPath(rule.path, 'frontendPort'),
          'a load-balancing rule frontend port goes up to 65534, got 65535',
        );
      if (isHaPorts(r)) {
        // seeds/002 SKU table: HA ports on Standard internal load balancers only.
        if (sku === 'Basic')
          report.error(
            joinPath(rule.path, 'protocol'),
            'HA ports (protocol All, ports 0) need a Standard load balancer; Basic has none',
          );
        else if (fe !== undefined && fe.kind === 'public')
          report.error(
            joinPath(rule.path, 'protocol'),
            `HA ports (protocol All, ports 0) work on internal frontends only; ${q(fe.v.name)} is public`,
          );
      }
      if (sku === 'Basic' && r.enableTcpReset === true) {
        report.error(
          joinPath(rule.path, 'enableTcpReset'),
          'TCP reset on idle needs a Standard load balancer (seeds/002 SKU table: Basic "Not available")',
        );
      }
      if (fe !== undefined)
        claimPort(
          fe.v.name,
          protocol,
          r.frontendPort,
          joinPath(rule.path, 'frontendPort'),
          `load-balancing rule ${q(r.name)}`,
        );
    }

    // Backend port reuse on one pool needs floating IP on every rule involved (load-balancer-multivip-overview).
    ruleInfo.forEach((a, i) => {
      for (const b of ruleInfo.slice(0, i)) {
        if (a.pool === undefined || a.pool !== b.pool) continue;
        const pa = protocolsOf(ruleProtocolOf(a.rule.v));
        const shared = protocolsOf(ruleProtocolOf(b.rule.v)).some((p) => pa.includes(p));
        const ha = isHaPorts(a.rule.v) || isHaPorts(b.rule.v);
        if (!shared || (!ha && backendPortOf(a.rule.v) !== backendPortOf(b.rule.v))) continue;
        if (a.rule.v.enableFloatingIP === true && b.rule.v.enableFloatingIP === true) continue;
        report.error(
          joinPath(a.rule.path, 'backendPort'),
          ha
            ? `HA ports rule and rule ${q(b.rule.v.name)} both send to pool ${q(a.pool.v.name)}: Azure accepts that only when both enable floating IP (load-balancer-ha-ports-overview)`
            : `backend port ${backendPortOf(a.rule.v)} of pool ${q(a.pool.v.name)} is already used by rule ${q(b.rule.v.name)}: reusing a backend port needs enableFloatingIP on both rules`,
        );
        return;
      }
    });

    for (const nat of lb.natRules) {
      const fe = frontendOf(joinPath(nat.path, 'frontendIPConfiguration'), nat.v.frontendIPConfiguration);
      const nic = resolve(
        report,
        joinPath(nat.path, 'networkInterface'),
        nat.v.networkInterface,
        ix.nics,
        ix.nicNames,
        'network interface',
        ' in the scenario',
      );
      if (nat.v.frontendPort === 65535)
        report.error(
          joinPath(nat.path, 'frontendPort'),
          'an inbound NAT rule frontend port goes up to 65534, got 65535',
        );
      if (sku === 'Basic' && nat.v.enableTcpReset === true) {
        report.error(
          joinPath(nat.path, 'enableTcpReset'),
          'TCP reset on idle needs a Standard load balancer (seeds/002 SKU table: Basic "Not available")',
        );
      }
      if (fe !== undefined)
        claimPort(
          fe.v.name,
          natProtocolOf(nat.v),
          nat.v.frontendPort,
          joinPath(nat.path, 'frontendPort'),
          `inbound NAT rule ${q(nat.v.name)}`,
        );
      if (
        nic !== undefined &&
        fe?.subnet !== undefined &&
        nic.subnet !== undefined &&
        nic.subnet.vnet !== fe.subnet.vnet
      ) {
        report.error(
          joinPath(nat.path, 'networkInterface'),
          `${q(nic.v.name)} is in virtual network ${q(nic.subnet.vnet.v.name)}, outside the internal load balancer's ${q(fe.subnet.vnet.v.name)}`,
        );
      }
    }

    for (const out of lb.outboundRules) {
      // seeds/002 SKU table: outbound rules "Not available" on Basic.
      if (sku === 'Basic')
        report.error(
          out.path,
          'outbound rules need a Standard load balancer (seeds/002 SKU table: Basic "Not available")',
        );
      const pool = poolOf(joinPath(out.path, 'backendAddressPool'), out.v.backendAddressPool);
      let publicFrontends = 0;
      out.v.frontendIPConfigurations.forEach((name, i) => {
        const path = joinPath(joinPath(out.path, 'frontendIPConfigurations'), i);
        const fe = frontendOf(path, name);
        if (fe === undefined) return;
        // load-balancer-outbound-rules: outbound rules translate to a public IP.
        if (fe.kind === 'internal')
          report.error(path, `frontend ${q(name)} is internal: outbound rules translate to public frontends only`);
        else publicFrontends++;
        // ARM: LoadBalancingRuleMustDisableSNATSinceSameFrontendIPConfigurationIsReferencedByOutboundRule.
        for (const info of ruleInfo) {
          if (
            info.fe === fe &&
            info.pool !== undefined &&
            info.pool === pool &&
            info.rule.v.disableOutboundSnat !== true
          ) {
            report.error(
              joinPath(info.rule.path, 'disableOutboundSnat'),
              `must be true: frontend ${q(name)} and pool ${q(info.pool.v.name)} are also used by outbound rule ${q(out.v.name)} (Azure rejects the rule otherwise)`,
            );
          }
        }
      });
      const ports = out.v.allocatedOutboundPorts;
      if (ports !== undefined && ports > 0) {
        // load-balancer-outbound-rules: ports are allocated in multiples of 8, 64,000 per frontend IP.
        if (ports % 8 !== 0)
          report.error(joinPath(out.path, 'allocatedOutboundPorts'), `must be a multiple of 8, got ${ports}`);
        else if (pool !== undefined && publicFrontends > 0 && ports * pool.members.length > 64000 * publicFrontends) {
          report.error(
            joinPath(out.path, 'allocatedOutboundPorts'),
            `${ports} ports × ${pool.members.length} members exceeds the ${64000 * publicFrontends} ports of ${publicFrontends} frontend IP(s)`,
          );
        }
      }
      if (outboundProtocolOf(out.v) !== 'All' && out.v.enableTcpReset === true && outboundProtocolOf(out.v) === 'Udp') {
        report.warn(joinPath(out.path, 'enableTcpReset'), 'TCP reset does nothing on a Udp outbound rule');
      }
    }

    for (const probe of lb.probes.values()) {
      if (!usedProbes.has(probe.v.name))
        report.warn(
          probe.path,
          `health probe ${q(probe.v.name)} is used by no load-balancing rule, so it probes nothing`,
        );
    }

    checkLbWarnings(report, ix, lb, ruleInfo);
  }

  // A VM's NICs reference backend pools of at most one public and one internal load balancer,
  // and never mix SKUs (learn.microsoft.com/dotnet/api/azure.resourcemanager.compute.models.
  // virtualmachinenetworkinterfaceipconfiguration.loadbalancerbackendaddresspools).
  for (const [vmName, list] of lbsOfNic) {
    const firstOf = new Map<string, LbEntry>();
    const skus = new Map<string, LbEntry>();
    for (const { lb, path } of list) {
      const kind = lbKind(lb);
      const sku = skuOf(lb.v);
      const other = [...skus.values()].find((o) => skuOf(o.v) !== sku);
      if (other !== undefined) {
        report.error(
          path,
          `virtual machine ${q(vmName)} is already in a pool of ${skuOf(other.v)} load balancer ${q(other.v.name)}: Azure does not mix Basic and Standard load balancers on one VM`,
        );
        continue;
      }
      skus.set(lb.v.name, lb);
      if (kind === null) continue;
      const first = firstOf.get(kind);
      if (first !== undefined && first !== lb) {
        report.error(
          path,
          `virtual machine ${q(vmName)} is already in a pool of ${kind} load balancer ${q(first.v.name)}: a VM can be behind one ${kind} load balancer only`,
        );
      } else firstOf.set(kind, lb);
    }
  }
}

function checkProbeBody(report: Report, probe: HealthProbe, path: string, sku: 'Standard' | 'Basic'): void {
  const protocol = probeProtocolOf(probe);
  // seeds/002 SKU table: Basic probes are TCP and HTTP only.
  if (protocol === 'Https' && sku === 'Basic')
    report.error(
      joinPath(path, 'protocol'),
      'HTTPS probes need a Standard load balancer; Basic probes are Tcp or Http',
    );
  if (probe.requestPath === undefined) return;
  if (protocol === 'Tcp') {
    report.warn(
      joinPath(path, 'requestPath'),
      'a Tcp probe sends no request: requestPath is used by Http and Https probes only',
    );
  } else if (!probe.requestPath.startsWith('/')) {
    report.error(joinPath(path, 'requestPath'), `an HTTP request path starts with "/", got ${q(probe.requestPath)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// NSG evaluation, simplified, for warnings

interface Flow {
  readonly source: number | 'internet';
  readonly destination: number;
  readonly protocol: 'Tcp' | 'Udp';
  readonly port: number;
}

function inAnyVnet(ix: Index, address: number): boolean {
  for (const vnet of ix.vnets.values()) if (vnet.spaces.some((s) => cidrContains(s, address))) return true;
  return false;
}

function addressMatches(ix: Index, prefixes: At<string>[], address: number | 'internet'): boolean {
  return prefixes.some(({ v }) => {
    const parsed = parseNsgAddress(v);
    if (typeof parsed === 'string') return false;
    if ('any' in parsed) return true;
    if ('tag' in parsed) {
      if (address === 'internet') return parsed.tag === 'Internet';
      // Assumption: the probe source matches AzureLoadBalancer only, never Internet.
      if (formatIpv4(address) === AZURE_PROBE_SOURCE) return parsed.tag === 'AzureLoadBalancer';
      if (parsed.tag === 'VirtualNetwork') return inAnyVnet(ix, address);
      return parsed.tag === 'Internet' && !inAnyVnet(ix, address);
    }
    // A specific prefix outside the VNets lets some of the internet in.
    if (address === 'internet') return !inAnyVnet(ix, parsed.cidr.base);
    return cidrContains(parsed.cidr, address);
  });
}

function portMatches(ranges: At<string>[], port: number): boolean {
  return ranges.some(({ v }) => {
    const r = parsePortRange(v);
    return typeof r !== 'string' && r.low <= port && port <= r.high;
  });
}

/** The first custom inbound rule of the NSG that matches the flow (Azure evaluates by priority). */
function firstMatch(ix: Index, rules: At<SecurityRule>[], flow: Flow): At<SecurityRule> | undefined {
  return [...rules]
    .filter((r) => r.v.direction === 'Inbound')
    .sort((a, b) => a.v.priority - b.v.priority)
    .find((r) => {
      const protocol = r.v.protocol ?? '*';
      if (protocol !== '*' && protocol !== flow.protocol) return false;
      // Assumption: the source port is ephemeral, so only a rule for any source port surely matches.
      if (!pair(r.v, r.path, 'sourcePortRange', 'sourcePortRanges').some((p) => p.v === '*')) return false;
      return (
        addressMatches(ix, pair(r.v, r.path, 'sourceAddressPrefix', 'sourceAddressPrefixes'), flow.source) &&
        addressMatches(
          ix,
          pair(r.v, r.path, 'destinationAddressPrefix', 'destinationAddressPrefixes'),
          flow.destination,
        ) &&
        portMatches(pair(r.v, r.path, 'destinationPortRange', 'destinationPortRanges'), flow.port)
      );
    });
}

/** The NSGs on the inbound path of a NIC: its subnet's, then its own (engine-model.md step 10). */
function nsgsOf(ix: Index, nic: NicEntry) {
  const names = [nic.subnet?.v.networkSecurityGroup, nic.v.networkSecurityGroup];
  return names.flatMap((name) => {
    const nsg = name === undefined ? undefined : ix.nsgs.get(name);
    return nsg === undefined ? [] : [nsg];
  });
}

function listensOn(vm: VmEntry, protocol: 'Tcp' | 'Udp', address: number | null, port: number): boolean {
  return vm.listeners.some((l) => {
    if (listenerProtocolOf(l.v) !== protocol || l.v.port !== port) return false;
    const bound = listenerAddressOf(l.v);
    return bound === '0.0.0.0' || (address !== null && parseAddress(bound) === address);
  });
}

function checkLbWarnings(
  report: Report,
  ix: Index,
  lb: LbEntry,
  ruleInfo: { rule: At<LoadBalancingRule>; pool: PoolEntry | undefined; fe: FrontendEntry | undefined }[],
): void {
  const warnedProbe = new Set<string>();
  for (const { rule, pool, fe } of ruleInfo) {
    if (pool === undefined || fe === undefined) continue;
    const r = rule.v;
    const floating = r.enableFloatingIP === true;
    const protocols = protocolsOf(ruleProtocolOf(r));
    const backendPort = backendPortOf(r);
    const probe = r.probe === undefined ? undefined : lb.probes.get(r.probe);
    for (const nic of pool.members) {
      const vm = nic.vm;
      // engine-model.md step 9: with floating IP the destination stays the frontend address,
      // which the guest must own on a loopback (seeds/003 §3.2).
      if (floating && fe.address !== null && !vm.loopbacks.some((lo) => parseAddress(lo.v.ipAddress) === fe.address)) {
        report.warn(
          joinPath(rule.path, 'enableFloatingIP'),
          `floating IP keeps destination ${formatIpv4(fe.address)}, but virtual machine ${q(vm.v.name)} (member ${q(nic.v.name)}) has no loopback interface with that address: it will not accept the traffic`,
        );
      }
      // seeds/000: a VM not listening on the data port answers with a reset.
      if (backendPort !== 0 && nic.primary) {
        const dst = floating ? fe.address : nic.address;
        for (const p of protocols) {
          if (!listensOn(vm, p, dst, backendPort)) {
            report.warn(
              joinPath(rule.path, 'backendPort'),
              `virtual machine ${q(vm.v.name)} (member ${q(nic.v.name)}) has no ${p} listener on port ${backendPort}${floating && dst !== null ? ` for ${formatIpv4(dst)}` : ''}: connections will be ${p === 'Tcp' ? 'reset' : 'unanswered'}`,
            );
          }
        }
      }
      if (probe !== undefined && nic.primary) {
        const key = `${probe.v.name}/${nic.v.name}`;
        if (!warnedProbe.has(key)) {
          warnedProbe.add(key);
          // seeds/001: the probe fails when nothing listens on its port. The probe goes to the
          // primary NIC address, never the frontend (seeds/003 §3.2 call-out 3).
          if (!listensOn(vm, 'Tcp', nic.address, probe.v.port)) {
            report.warn(
              joinPath(probe.path, 'port'),
              `virtual machine ${q(vm.v.name)} (member ${q(nic.v.name)}) has no Tcp listener on port ${probe.v.port}: this probe will mark it down`,
            );
          }
          if (nic.address !== null) {
            for (const nsg of nsgsOf(ix, nic)) {
              const match = firstMatch(ix, nsg.rules, {
                source: parseAddress(AZURE_PROBE_SOURCE) ?? 0,
                destination: nic.address,
                protocol: 'Tcp',
                port: probe.v.port,
              });
              // seeds/001 Cause 3: an NSG that blocks 168.63.129.16 marks every member down.
              if (match !== undefined && match.v.access === 'Deny') {
                report.warn(
                  joinPath(match.path, 'access'),
                  `denies the health probe from ${AZURE_PROBE_SOURCE} (AzureLoadBalancer) to ${q(nic.v.name)} port ${probe.v.port} before Azure's AllowAzureLoadBalancerInBound (65001): probe ${q(probe.v.name)} will mark it down`,
                );
              }
            }
          }
        }
      }
      // engine-model.md step 10: a Standard public frontend passes nothing from the internet
      // unless an NSG on the path allows it (seeds/002 "Secure by default").
      if (fe.kind === 'public' && skuOf(lb.v) === 'Standard' && nic.address !== null) {
        const nsgs = nsgsOf(ix, nic);
        const dst = floating ? (fe.address ?? nic.address) : nic.address;
        const allowed =
          nsgs.length > 0 &&
          nsgs.every((nsg) =>
            protocols.some(
              (p) =>
                firstMatch(ix, nsg.rules, {
                  source: 'internet',
                  destination: dst,
                  protocol: p,
                  port: backendPort === 0 ? 1 : backendPort,
                })?.v.access === 'Allow',
            ),
          );
        if (!allowed) {
          report.warn(
            joinPath(rule.path, 'frontendIPConfiguration'),
            `Standard is secure by default: no network security group on the path of ${q(nic.v.name)} allows inbound traffic from the internet to port ${backendPort}, so nothing from the internet gets through`,
          );
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Clients and traffic

function checkClients(report: Report, ix: Index): void {
  for (const client of ix.clients.values()) {
    const path = joinPath(client.path, 'ipAddress');
    const parsed = parseCidr(client.v.ipAddress);
    if (parsed === null) {
      report.error(
        path,
        `${q(client.v.ipAddress)} is not an address or a prefix (expected 203.0.113.7 or 203.0.113.0/24)`,
      );
      continue;
    }
    if (parsed.hostBitsSet) {
      report.error(
        path,
        `${q(client.v.ipAddress)} is not a valid prefix: host bits are set (did you mean ${formatCidr(parsed.cidr)}?)`,
      );
      continue;
    }
    const isPrefix = client.v.ipAddress.includes('/');
    const size = cidrSize(parsed.cidr);
    const hosts = isPrefix ? (size > 2 ? size - 2 : size) : 1;
    if (client.count > hosts) {
      report.error(
        joinPath(client.path, 'count'),
        isPrefix
          ? `${client.count} clients do not fit in ${client.v.ipAddress}, which has ${hosts} host addresses`
          : `${client.count} clients need a prefix (such as 203.0.113.0/24), but ipAddress is the single address ${client.v.ipAddress}`,
      );
    }
    const location = clientLocationOf(client.v);
    const vnet = [...ix.vnets.values()].find((v) => v.spaces.some((s) => cidrsOverlap(s, parsed.cidr)));
    if (vnet !== undefined) {
      report.error(
        path,
        `${client.v.ipAddress} overlaps virtual network ${q(vnet.v.name)} (${vnet.spaces.map(formatCidr).join(', ')}): a client outside the VNets needs addresses of its own`,
      );
    } else if (location === 'internet') {
      const why = notPublicBecause(parsed.cidr.base);
      if (why !== null)
        report.error(
          path,
          `an internet client cannot have ${client.v.ipAddress}: it is ${why} (use location "onPremises" for a host behind the gateway)`,
        );
    }
    const listeners = each<Listener>(client.v, 'listeners', LISTENER, client.path);
    const first = client.first ?? 0;
    checkListeners(report, listeners, (a) => a >= first && a < first + client.count, `client ${q(client.v.name)}`);
  }
}

/** What owns an address, for traffic destinations. */
function ownerOf(ix: Index, address: number): { frontend?: FrontendEntry; lb?: LbEntry; known: boolean } {
  for (const lb of ix.lbs.values()) {
    for (const fe of lb.frontends.values()) if (fe.address === address) return { frontend: fe, lb, known: true };
  }
  for (const nic of ix.nics.values()) {
    if (nic.address === address) return { known: true };
    if (nic.v.publicIPAddress !== undefined && parseAddress(nic.v.publicIPAddress) === address) return { known: true };
  }
  for (const vm of ix.vms.values())
    if (vm.loopbacks.some((l) => parseAddress(l.v.ipAddress) === address)) return { known: true };
  for (const c of ix.clients.values())
    if (c.first !== null && address >= c.first && address < c.first + c.count) return { known: true };
  return { known: address >>> 24 === 127 };
}

function checkTraffic(report: Report, ix: Index): void {
  for (const t of ix.traffic.values()) {
    const vm = ix.vms.get(t.v.from);
    const client = ix.clients.get(t.v.from);
    const fromPath = joinPath(t.path, 'from');
    if (vm !== undefined && client !== undefined) {
      report.error(
        fromPath,
        `${q(t.v.from)} is both a virtual machine and a client: rename one so the traffic has one source`,
      );
    } else if (vm === undefined && client === undefined && !ix.vmNames.has(t.v.from) && !ix.clientNames.has(t.v.from)) {
      report.error(
        fromPath,
        `no virtual machine or client named ${q(t.v.from)}${didYouMean(t.v.from, [...ix.vmNames, ...ix.clientNames])} (VMs: ${listClipped(ix.vmNames) || 'none'}; clients: ${listClipped(ix.clientNames) || 'none'})`,
      );
    }
    if (vm !== undefined && (vm.v.powerState ?? 'running') === 'stopped') {
      report.warn(fromPath, `virtual machine ${q(vm.v.name)} is stopped: it sends nothing until a startVm event`);
    }

    const protocol = trafficProtocolOf(t.v);
    const toPath = joinPath(t.path, 'to');
    let address: number | null = null;
    let port: number | null = null;
    if (protocol === 'Icmp') {
      address = parseAddress(t.v.to);
      if (address === null) {
        report.error(
          toPath,
          t.v.to.includes(':') ? `ICMP has no ports: write the address alone, got ${q(t.v.to)}` : badAddress(t.v.to),
        );
      }
      if (t.v.http !== undefined)
        report.error(joinPath(t.path, 'http'), 'ICMP carries no HTTP request: http needs protocol Tcp');
      if (t.v.sourcePort != null) report.error(joinPath(t.path, 'sourcePort'), 'ICMP has no ports: remove sourcePort');
    } else {
      const parsed = parseEndpoint(t.v.to);
      if (typeof parsed === 'string') report.error(toPath, parsed);
      else ({ address, port } = parsed);
      if (t.v.http !== undefined && protocol === 'Udp')
        report.error(joinPath(t.path, 'http'), 'HTTP runs over TCP: http needs protocol Tcp');
    }
    if (t.v.http !== undefined && !t.v.http.startsWith('/')) {
      report.error(joinPath(t.path, 'http'), `an HTTP request path starts with "/", got ${q(t.v.http)}`);
    }
    const connections = t.v.connections ?? TRAFFIC_DEFAULTS.connections;
    const interval = t.v.interval ?? TRAFFIC_DEFAULTS.interval;
    if (t.v.sourcePort != null && connections > 1 && interval === 0) {
      report.warn(
        joinPath(t.path, 'sourcePort'),
        `${connections} connections at once from the fixed source port ${t.v.sourcePort} reuse one 4-tuple: only the first can connect`,
      );
    }
    const duration = t.v.duration ?? TRAFFIC_DEFAULTS.duration;
    const dataEvery = t.v.dataEvery ?? TRAFFIC_DEFAULTS.dataEvery;
    if (dataEvery > 0 && dataEvery > duration) {
      report.warn(
        joinPath(t.path, 'dataEvery'),
        `${dataEvery} s is longer than the connection stays open (duration ${duration} s): no data segment is sent`,
      );
    }
    if (address === null) continue;
    const owner = ownerOf(ix, address);
    if (!owner.known) {
      report.warn(
        toPath,
        `nothing in the scenario has address ${formatIpv4(address)} (no NIC, frontend, loopback or client): the traffic goes nowhere`,
      );
      continue;
    }
    // engine-model.md step 5: an internet client reaches only public addresses; VNet addresses
    // are private to the VNets and networks connected through the gateway.
    if (
      client !== undefined &&
      vm === undefined &&
      clientLocationOf(client.v) === 'internet' &&
      inAnyVnet(ix, address)
    ) {
      report.warn(
        toPath,
        `${formatIpv4(address)} is a VNet address, which internet client ${q(client.v.name)} cannot reach (use a public frontend, or location "onPremises")`,
      );
      continue;
    }
    const { frontend: fe, lb } = owner;
    if (fe === undefined || lb === undefined || protocol === 'Icmp' || port === null) continue;
    const matching = lb.rules.filter(
      (r) =>
        r.v.frontendIPConfiguration === fe.v.name &&
        (isHaPorts(r.v) || (r.v.frontendPort === port && protocolsOf(ruleProtocolOf(r.v)).includes(protocol))),
    );
    const nat = lb.natRules.some(
      (r) => r.v.frontendIPConfiguration === fe.v.name && r.v.frontendPort === port && natProtocolOf(r.v) === protocol,
    );
    if (matching.length === 0 && !nat) {
      report.warn(
        toPath,
        `frontend ${q(fe.v.name)} of load balancer ${q(lb.v.name)} has no rule for ${protocol} port ${port}: the load balancer drops it (LB_NO_RULE)`,
      );
      continue;
    }
    // seeds/000 Cause 4 (and seeds/002): an internal LB never SNATs a member's call to its own
    // frontend, so a flow mapped back to the caller fails; floating IP rules are left to the guest.
    if (vm !== undefined && fe.kind === 'internal') {
      const target = address;
      for (const rule of matching) {
        if (rule.v.enableFloatingIP === true) continue;
        const pool = lb.pools.get(rule.v.backendAddressPool);
        if (!pool?.members.some((m) => m.vm === vm)) continue;
        // seeds/003 §3.1, the second-NIC workaround: a guest route sends the frontend address out
        // of a NIC that is not in the pool, so the SYN's source is not the member's address. It
        // works on Windows; on Linux the DNATed SYN is a martian source (engine-model.md).
        const via = guestRouteFor(vm, target);
        const viaOther = via !== undefined && !pool.members.some((m) => m.v.name === via);
        if (viaOther && osOf(vm.v) === 'windows') break;
        report.warn(
          toPath,
          viaOther
            ? `the second-NIC workaround fails on Linux: the SYN from ${q(via)} is sent back to ${q(vm.v.name)} with one of its own addresses as source and dropped as a martian source (seeds/003 §3.1; engine-model.md)`
            : `hairpin: connections mapped back to this VM will fail (seeds/000 Cause 4): ${q(vm.v.name)} is a member of pool ${q(pool.v.name)} behind ${formatIpv4(target)} and an internal load balancer never source-NATs it`,
        );
        break;
      }
    }
  }
}

/** The NIC of the longest guest route that holds `address`, if a guest route does. */
function guestRouteFor(vm: VmEntry, address: number): string | undefined {
  let best: { length: number; nic: string } | undefined;
  for (const route of each<GuestRoute>(vm.v, 'routes', GUEST_ROUTE, vm.path)) {
    const prefix = parsePrefix(route.v.addressPrefix);
    if ('problem' in prefix || !cidrContains(prefix.cidr, address)) continue;
    if (best === undefined || prefix.cidr.prefixLength > best.length) {
      best = { length: prefix.cidr.prefixLength, nic: route.v.interface };
    }
  }
  return best?.nic;
}

// ---------------------------------------------------------------------------------------------
// Events and lesson

type EventObj = Obj & { at: number; action: string };

function checkEvents(report: Report, ix: Index, doc: Obj): void {
  const list = doc.events;
  if (!Array.isArray(list)) return;
  // Names created by set* events, so that a later remove* may name them.
  const created = new Set<string>();
  const indexed = list.map((event, index) => ({ event, index }));
  const events = indexed
    .filter(
      ({ event }) => isObject(event) && typeof event.action === 'string' && Object.hasOwn(EVENT_VARIANTS, event.action),
    )
    .filter(({ event }) => typed(EVENT_VARIANTS[(event as EventObj).action] as ObjectSchema, event))
    .map(({ event, index }) => ({ e: event as EventObj, path: joinPath('events', index) }))
    .sort((a, b) => a.e.at - b.e.at);
  const str = (e: EventObj, key: string) => (typeof e[key] === 'string' ? (e[key] as string) : '');

  for (const { e, path } of events) {
    const vmOf = () => resolve(report, joinPath(path, 'vm'), str(e, 'vm'), ix.vms, ix.vmNames, 'virtual machine', '');
    const lbOf = () =>
      resolve(report, joinPath(path, 'loadBalancer'), str(e, 'loadBalancer'), ix.lbs, ix.lbNames, 'load balancer', '');
    const nsgOf = () =>
      resolve(
        report,
        joinPath(path, 'networkSecurityGroup'),
        str(e, 'networkSecurityGroup'),
        ix.nsgs,
        ix.nsgNames,
        'network security group',
        '',
      );
    switch (e.action) {
      case 'stopVm':
      case 'startVm':
        vmOf();
        break;
      case 'removePoolMember':
      case 'addPoolMember': {
        const lb = lbOf();
        if (lb !== undefined)
          resolve(
            report,
            joinPath(path, 'pool'),
            str(e, 'pool'),
            lb.pools,
            lb.poolNames,
            'backend pool',
            ` in load balancer ${q(lb.v.name)}`,
          );
        resolve(
          report,
          joinPath(path, 'networkInterface'),
          str(e, 'networkInterface'),
          ix.nics,
          ix.nicNames,
          'network interface',
          ' in the scenario',
        );
        break;
      }
      case 'setListener':
      case 'removeListener': {
        const vm = vmOf();
        const name = str(e, 'listener');
        if (vm !== undefined && !vm.listenerNames.has(name) && !created.has(`listener:${vm.v.name}/${name}`)) {
          // Assumption: setListener changes an existing listener, or adds one when it gives a port.
          if (e.action === 'removeListener' || e.port === undefined) {
            report.error(
              joinPath(path, 'listener'),
              noSuch('listener', name, ` on virtual machine ${q(vm.v.name)}`, vm.listenerNames),
            );
          }
        }
        if (e.action === 'setListener') {
          if (vm !== undefined) created.add(`listener:${vm.v.name}/${name}`);
          if (typeof e.address === 'string' && parseAddress(e.address) === null)
            report.error(joinPath(path, 'address'), badAddress(e.address));
          checkListenerBody(report, e as Partial<Listener>, path);
        }
        break;
      }
      case 'setSecurityRule': {
        const nsg = nsgOf();
        const rule = child<SecurityRule>(e, 'rule', SECURITY_RULE, path);
        if (rule === undefined) break;
        checkSecurityRuleSyntax(report, rule.v, rule.path);
        if (nsg !== undefined) {
          created.add(`nsgRule:${nsg.v.name}/${rule.v.name}`);
          const clash = nsg.rules.find(
            (r) => r.v.name !== rule.v.name && r.v.direction === rule.v.direction && r.v.priority === rule.v.priority,
          );
          if (clash !== undefined) {
            report.error(
              joinPath(rule.path, 'priority'),
              `priority ${rule.v.priority} is already used by ${rule.v.direction.toLowerCase()} rule ${q(clash.v.name)} of network security group ${q(nsg.v.name)}`,
            );
          }
        }
        break;
      }
      case 'removeSecurityRule': {
        const nsg = nsgOf();
        const name = str(e, 'rule');
        if (
          nsg !== undefined &&
          !namesWritten(nsg.v, 'securityRules').has(name) &&
          !created.has(`nsgRule:${nsg.v.name}/${name}`)
        ) {
          report.error(
            joinPath(path, 'rule'),
            noSuch(
              'security rule',
              name,
              ` in network security group ${q(nsg.v.name)}`,
              namesWritten(nsg.v, 'securityRules'),
            ),
          );
        }
        break;
      }
      case 'setProbe': {
        const lb = lbOf();
        const probe = child<HealthProbe>(e, 'probe', PROBE, path);
        if (probe !== undefined)
          checkProbeBody(report, probe.v, probe.path, lb === undefined ? 'Standard' : skuOf(lb.v));
        break;
      }
      case 'setRule': {
        const lb = lbOf();
        const rule = child<LoadBalancingRule>(e, 'rule', LB_RULE, path);
        if (lb === undefined || rule === undefined) break;
        const inLb = ` in load balancer ${q(lb.v.name)}`;
        resolve(
          report,
          joinPath(rule.path, 'frontendIPConfiguration'),
          rule.v.frontendIPConfiguration,
          lb.frontends,
          lb.frontendNames,
          'frontend IP configuration',
          inLb,
        );
        resolve(
          report,
          joinPath(rule.path, 'backendAddressPool'),
          rule.v.backendAddressPool,
          lb.pools,
          lb.poolNames,
          'backend pool',
          inLb,
        );
        if (rule.v.probe !== undefined)
          resolve(report, joinPath(rule.path, 'probe'), rule.v.probe, lb.probes, lb.probeNames, 'health probe', inLb);
        break;
      }
      case 'setFirewallRule':
      case 'removeFirewallRule': {
        const vm = vmOf();
        if (e.action === 'setFirewallRule') {
          const rule = child<FirewallRule>(e, 'rule', FIREWALL_RULE, path);
          if (rule !== undefined) {
            checkFirewallRule(report, rule.v, rule.path);
            if (vm !== undefined) created.add(`fwRule:${vm.v.name}/${rule.v.name}`);
          }
        } else if (vm !== undefined) {
          const name = str(e, 'rule');
          const names = vm.firewallRules.map((r) => r.v.name);
          if (!names.includes(name) && !created.has(`fwRule:${vm.v.name}/${name}`)) {
            report.error(
              joinPath(path, 'rule'),
              noSuch('firewall rule', name, ` on virtual machine ${q(vm.v.name)}`, names),
            );
          }
        }
        break;
      }
    }
  }
}

/**
 * Lesson checks are judged twice: on the document as shipped (where they should fail) and with the
 * lesson's solution applied (where they must pass). So their references resolve against the
 * document with the solution applied when there is one, and a check may name what the solution
 * adds (a traffic, a rule, a member).
 */
function checkLesson(report: Report, shipped: Index, doc: Obj): void {
  const lesson = child<unknown>(doc, 'lesson', LESSON, '');
  if (lesson === undefined || !isObject(lesson.v) || !Array.isArray(lesson.v.checks)) return;
  let ix = shipped;
  let where = '';
  if (isObject(lesson.v.solution)) {
    const solved = mergePatch(doc, lesson.v.solution);
    if (isObject(solved) && typed(SCENARIO, solved)) {
      // Problems of the solved document itself are not this document's: a scratch report.
      ix = buildIndex(solved, new Report());
      where = " once the lesson's solution is applied";
    }
  }
  const names = new Map<string, At<{ name: string }>>();
  lesson.v.checks.forEach((check, index) => {
    const path = joinPath(joinPath('lesson', 'checks'), index);
    const schema = lessonCheckSchema(check);
    if (!typed(schema, check)) return;
    register(report, names, { v: check as { name: string }, path }, 'lesson check', '');
    if (schema === TRAFFIC_CHECK) checkTrafficCheck(report, ix, check as TrafficCheck, path, where);
    else if (schema === PROBE_CHECK) checkProbeCheck(report, ix, check as ProbeCheck, path, where);
    else if (schema === DISTRIBUTION_CHECK) checkDistributionCheck(report, ix, check as DistributionCheck, path, where);
  });
}

/** The NIC names a pool lists (from the index alone: the solved document's index is not checked). */
const poolMemberNames = (lb: LbEntry, pool: string): readonly string[] => lb.pools.get(pool)?.v.networkInterfaces ?? [];

function checkTrafficCheck(report: Report, ix: Index, c: TrafficCheck, path: string, where: string): void {
  const t = resolve(report, joinPath(path, 'traffic'), c.traffic, ix.traffic, ix.trafficNames, 'traffic', where);
  if (t === undefined) return;
  const tcp = trafficProtocolOf(t.v) === 'Tcp';
  const fits = tcp ? ['established', 'reset', 'timeout'] : ['answered', 'unanswered'];
  if (!fits.includes(c.expect)) {
    report.error(
      joinPath(path, 'expect'),
      `traffic ${q(t.v.name)} is ${trafficProtocolOf(t.v)}, whose connections end ${fits.join(', ')}; got ${q(c.expect)}`,
    );
  }
  for (const field of ['closedBy', 'closedBefore'] as const) {
    if (c[field] !== undefined && c.expect !== 'established') {
      report.error(
        joinPath(path, field),
        `only an established connection is closed: ${field} needs "expect": "established" (got ${q(c.expect)})`,
      );
    }
  }
}

/** The load balancer a lesson check names in its `loadBalancer` field. */
function resolveLoadBalancer(report: Report, ix: Index, path: string, name: string, where: string) {
  return resolve(report, joinPath(path, 'loadBalancer'), name, ix.lbs, ix.lbNames, 'load balancer', where);
}

function checkProbeCheck(report: Report, ix: Index, c: ProbeCheck, path: string, where: string): void {
  const lb = resolveLoadBalancer(report, ix, path, c.loadBalancer, where);
  if (lb === undefined) return;
  const probe = resolve(
    report,
    joinPath(path, 'probe'),
    c.probe,
    lb.probes,
    lb.probeNames,
    'health probe',
    ` in load balancer ${q(lb.v.name)}${where}`,
  );
  if (probe === undefined) return;
  const members = new Set<string>();
  for (const rule of lb.rules) {
    if (rule.v.probe !== c.probe) continue;
    for (const m of poolMemberNames(lb, rule.v.backendAddressPool)) members.add(m);
  }
  if (!members.has(c.member)) {
    report.error(
      joinPath(path, 'member'),
      `${q(c.member)} is not probed by ${q(c.probe)}${where}: a member is a network interface in a pool of a rule that uses the probe (${members.size > 0 ? `members: ${listClipped(members)}` : 'it probes none'})`,
    );
  }
}

function checkDistributionCheck(report: Report, ix: Index, c: DistributionCheck, path: string, where: string): void {
  if (c.traffic !== undefined) {
    resolve(report, joinPath(path, 'traffic'), c.traffic, ix.traffic, ix.trafficNames, 'traffic', where);
  }
  if (c.tolerance !== undefined && c.expect !== 'even') {
    report.warn(
      joinPath(path, 'tolerance'),
      `tolerance only applies to "expect": "even" (got ${q(c.expect)}); it is ignored`,
    );
  }
  const lb = resolveLoadBalancer(report, ix, path, c.loadBalancer, where);
  if (lb === undefined) return;
  const rule = lb.rules.find((r) => r.v.name === c.rule);
  if (rule === undefined) {
    const written = new Set(lb.rules.map((r) => r.v.name));
    report.error(
      joinPath(path, 'rule'),
      noSuch('load-balancing rule', c.rule, ` in load balancer ${q(lb.v.name)}${where}`, written),
    );
    return;
  }
  // A traffic that does not go to the rule's frontend never lands through it: say so.
  const t = c.traffic === undefined ? undefined : ix.traffic.get(c.traffic);
  const fe = lb.frontends.get(rule.v.frontendIPConfiguration);
  const endpoint = t === undefined || typeof t.v.to !== 'string' ? null : parseEndpoint(t.v.to);
  // ICMP traffic names an address only: the load balancer places none of it.
  const to = typeof endpoint === 'string' ? { address: parseIpv4(t?.v.to ?? ''), port: null } : endpoint;
  if (t !== undefined && fe !== undefined && fe.address !== null && to !== null && to.address !== null) {
    const allPorts = rule.v.frontendPort === 0;
    if (to.address !== fe.address || to.port === null || (!allPorts && to.port !== rule.v.frontendPort)) {
      report.warn(
        joinPath(path, 'traffic'),
        `traffic ${q(t.v.name)} goes to ${t.v.to}, not to the frontend of rule ${q(c.rule)} (${formatIpv4(fe.address)}:${allPorts ? 'any port' : rule.v.frontendPort}): none of its connections is placed by that rule`,
      );
    }
  }
  const pool = poolMemberNames(lb, rule.v.backendAddressPool);
  const seen = new Set<string>();
  (c.members ?? []).forEach((member, i) => {
    const at = joinPath(joinPath(path, 'members'), i);
    if (seen.has(member)) report.error(at, `${q(member)} is listed twice`);
    seen.add(member);
    if (!pool.includes(member)) {
      report.error(
        at,
        `${q(member)} is not a member of the pool of rule ${q(c.rule)}${where} (${pool.length > 0 ? `members: ${listClipped(pool)}` : 'its pool is empty'})`,
      );
    }
  });
  const counted = c.members?.length ?? pool.length;
  if (c.expect === 'even' && counted < 2) {
    report.warn(
      joinPath(path, c.members === undefined ? 'expect' : 'members'),
      `an even distribution needs at least two members to compare; this check looks at ${counted}`,
    );
  }
}
