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
import { type Cidr, formatCidr, parseCidr, parseIpv4 } from '../shared/ipv4';
import {
  allNicNames,
  Draft,
  done,
  type EditResult,
  freeAddressIn,
  freeAddressInSubnet,
  freeName,
  freeSubnetPrefix,
  freeVnetSpace,
  indexByName,
  isObj,
  type Key,
  list,
  moveLayoutKey,
  namesOf,
  type Obj,
  type Placement,
  type Position,
  PUBLIC_POOL,
  parseElementId,
  q,
  refuse,
  subnetOf,
  vmByName,
} from './draft';
import { allElements, type ElementAt, elementIds, getAt, locateElement, siblingNames } from './elements';
import {
  childKinds,
  descriptorOf,
  idOf,
  isNewElementKind,
  KIND_LIST,
  KINDS,
  type KindDescriptor,
  labelOf,
  type NewElementKind,
  PALETTE_ENTRIES,
} from './kinds';
import {
  nicSubnet,
  poolHasNic,
  poolMemberNics,
  primaryIpConfiguration,
  primaryRef,
  splitIpConfigurationRef,
} from './members';
import { migrateScenario } from './migrate';
import { parseJson } from './parseJson';
import { type Found, findReferences, nameInReference } from './references';
import { restoreScenario } from './restore';
import {
  type BackendAddressPool,
  type Client,
  type FrontendIpConfiguration,
  type HealthProbe,
  type IpConfiguration,
  type LayoutEntry,
  type Listener,
  type LoadBalancer,
  type LoadBalancerBackendAddress,
  type LoadBalancingRule,
  type LoopbackInterface,
  type NetworkInterface,
  type NetworkSecurityGroup,
  type RouteTable,
  SCENARIO_VERSION,
  type Scenario,
  type Subnet,
  type VirtualMachine,
  type VirtualNetwork,
} from './types';

export type { EditResult, Placement, Position } from './draft';
export {
  freeAddressInSubnet,
  freeName,
  freeSubnetPrefix,
  moveElements,
  NEW_GROUP_SIZE,
  parseElementId,
} from './draft';
export { elementIds, elementOfPath, getAt, locateElement, parsePath } from './elements';

/** The parts of a load balancer (frontends, pools, probes, rules), as the registry lists them. */
const LB_PARTS = childKinds('lb');
const isLbPart = (kind: string): boolean => descriptorOf(kind)?.parent === 'lb';

// ---------------------------------------------------------------------------------------------
// Element ids and where they live (elements.ts, from the kind registry)

// ---------------------------------------------------------------------------------------------
// Adding elements

/** What the palette offers (issue 5 item 1): the palette entries of the kind registry. */
export type { NewElementKind } from './kinds';

/**
 * Adds an element for a palette entry (`vm`, `proxy`, `pool`…) through its kind's descriptor
 * (kinds/<kind>.ts): a unique name, Azure's defaults (written nowhere), a free address where it
 * needs one, and a layout entry at `placement.position`. `ids` lists the new element first, then
 * the parts it brought (a VM's first NIC, a load balancer's frontend).
 */
export function addElement(s: Scenario, entry: NewElementKind, placement: Placement = {}): EditResult {
  const kind = KINDS[PALETTE_ENTRIES[entry].kind] as KindDescriptor;
  if (kind.add === undefined) return refuse(`A ${labelOf(kind.kind)} is not added from the palette.`);
  return kind.add(s, entry, placement, {
    add: (scenario, next, where) =>
      isNewElementKind(next) ? addElement(scenario, next, where) : refuse(`${next} is not in the palette.`),
  });
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

const label = labelOf;

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
    if (isLbPart(ka) && isLbPart(kb) && lbOf(a) !== lbOf(b)) {
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
    if (poolHasNic(pool, nic)) return refuse(`${nic} is already a member of pool ${pool.name}.`);
    // The NIC joins by its primary IP configuration, as the portal adds a VM to a pool.
    const member = primaryRef(getAt(s, locateElement(s, nicId) as Key[]) as NetworkInterface);
    if (member === undefined) return refuse(`${nic} has no IP configuration to add to pool ${pool.name}.`);
    d.list<LoadBalancerBackendAddress>(d.at(path), 'loadBalancerBackendAddresses').push({
      networkInterfaceIPConfiguration: member,
    });
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
    if (nicSubnet(nic) === ref) return refuse(`${nic.name} is already in subnet ${ref}.`);
    if (primaryIpConfiguration(nic) === undefined) return refuse(`${nic.name} has no IP configuration to move.`);
    const vm = getAt(s, nicPath.slice(0, 2)) as VirtualMachine;
    const vnet = parseElementId(subnetId).parent;
    const vnetOf = (n: NetworkInterface) => parseElementId(`subnet:${nicSubnet(n) ?? ''}`).parent;
    const others = list<NetworkInterface>(vm.networkInterfaces).filter((n) => n.name !== nic.name);
    const elsewhere = others.find((n) => vnetOf(n) !== vnet);
    if (elsewhere !== undefined) {
      return refuse(
        `${vm.name}'s other network interface ${elsewhere.name} is in virtual network ${vnetOf(elsewhere)}: all NICs of a VM must be in one virtual network.`,
      );
    }
    const address = freeAddressInSubnet(s, ref);
    if (address === null) return refuse(`Subnet ${ref} has no free address left.`);
    // The primary IP configuration moves (the simulation reads one per NIC).
    const owned = d.list<IpConfiguration>(d.at<NetworkInterface>(nicPath), 'ipConfigurations');
    owned[0] = { ...(owned[0] as IpConfiguration), subnet: ref, privateIPAddress: address };
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
    owned.loadBalancerBackendAddresses = list<LoadBalancerBackendAddress>(owned.loadBalancerBackendAddresses).filter(
      (member) =>
        !isObj(member) ||
        typeof member.networkInterfaceIPConfiguration !== 'string' ||
        splitIpConfigurationRef(member.networkInterfaceIPConfiguration).nic !== nic,
    );
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
  if (top === 'virtualMachines' && list === 'networkInterfaces' && third === 'ipConfigurations' && path.length === 7) {
    renameIpConfigurationMembers(d, getAt(d.root, path.slice(0, 4)), from, to);
    return;
  }
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

/** Pool members naming the NIC's IP configuration `from` (`nic/from`) follow its rename to `to`. */
function renameIpConfigurationMembers(d: Draft, nic: unknown, from: string, to: string): void {
  if (!isObj(nic) || typeof nic.name !== 'string') return;
  const before = `${nic.name}/${from}`;
  list<unknown>(d.root.loadBalancers).forEach((lb, l) => {
    if (!isObj(lb)) return;
    list<unknown>(lb.backendAddressPools).forEach((pool, p) => {
      if (!isObj(pool)) return;
      list<unknown>(pool.loadBalancerBackendAddresses).forEach((member, m) => {
        if (!isObj(member) || member.networkInterfaceIPConfiguration !== before) return;
        const path = ['loadBalancers', l, 'backendAddressPools', p, 'loadBalancerBackendAddresses', m];
        d.at<Obj>(path).networkInterfaceIPConfiguration = `${nic.name}/${to}`;
      });
    });
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

/**
 * Renames the element `id` and every reference to it (references.ts: pool members, rules, NAT and
 * outbound rules, subnet references `vnet/subnet`, NSG and route-table associations, guest
 * routes, traffic sources, events, lesson checks), and the layout keys of it and its children.
 */
export function renameElement(s: Scenario, id: string, newName: string): EditResult {
  const { kind: kindId, name, parent, child } = parseElementId(id);
  const kind = descriptorOf(kindId);
  const path = locateElement(s, id);
  if (path === null || kind === undefined) return refuse(`${id} is not in the scenario.`);
  const oldName = kind.scope === 'parent' ? child : name;
  if (newName === oldName) return done(s, [id]);
  const problem = nameProblem(newName);
  if (problem !== null) return refuse(problem);
  if (siblingNames(s, id).includes(newName)) {
    const where = kind.scope === 'document' && kind.parent !== undefined ? ' in the scenario' : '';
    return refuse(`Another ${labelOf(kindId)}${where} is already named ${q(newName)}.`);
  }
  const d = new Draft(s);
  d.at<Obj>(path).name = newName;
  const newId = idOf(kind, parent, newName);
  // The ids that change: its own, and those of its children named after it (a VM's loopbacks).
  const namedAfter = new Set(
    childKinds(kind.kind)
      .filter((c) => c.scope === 'parent')
      .map((c) => c.kind),
  );
  const renamed = (target: string): string | null => {
    if (target === id) return newId;
    const t = parseElementId(target);
    return namedAfter.has(t.kind) && t.child !== '' && t.parent === oldName ? `${t.kind}:${newName}/${t.child}` : null;
  };
  if (isObj(d.root.layout)) {
    for (const key of Object.keys(d.root.layout)) {
      const to = renamed(key);
      if (to !== null) moveLayoutKey(d, key, to);
    }
  }
  for (const found of findReferences(s)) {
    for (const target of found.targets) {
      const to = target.ids.map(renamed).find((t) => t !== null);
      if (to === undefined || to === null) continue;
      const name = nameInReference(found.reference, to);
      if (name === target.name) continue;
      const value = `${name}${target.suffix}`;
      if (target.index === null)
        d.at<Obj>(found.path.slice(0, -1))[found.path[found.path.length - 1] as string] = value;
      else d.at<string[]>(found.path)[target.index] = value;
    }
  }
  return done(d.root, [newId]);
}

// ---------------------------------------------------------------------------------------------
// Deleting

/**
 * Deletes the elements and what cannot exist without them, and clears references to them, as
 * references.ts says of each:
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
  const groups = ids.some((id) => descriptorOf(parseElementId(id).kind)?.container === true);
  const elements = allElements(s);
  const byPath = new Map(elements.map((e) => [pathKey(e.path), e]));
  const references = findReferences(s);
  const named = (id: string) => gone.has(id);
  const hits = (found: Found) => found.targets.filter((t) => t.ids.some(named));
  /** Holders that are not elements (events, checks, guest routes), by path. */
  const removed = new Map<string, readonly Key[]>();
  /** Each kind a parent cannot lose the last of, with its elements by parent. */
  const lastOnes = KIND_LIST.filter((k) => k.lastOne !== undefined).map((kind) => {
    const byParent = new Map<string, ElementAt[]>();
    for (const e of elements) {
      if (e.kind === kind && e.parentId !== null) byParent.set(e.parentId, [...(byParent.get(e.parentId) ?? []), e]);
    }
    return { kind, byParent };
  });

  // What goes with what: closed under "cannot exist without".
  for (let changed = true; changed; ) {
    changed = false;
    const add = (id: string) => {
      if (!gone.has(id)) {
        gone.add(id);
        changed = true;
      }
    };
    for (const e of elements) if (e.parentId !== null && gone.has(e.parentId)) add(e.id);
    for (const found of references) {
      if (found.reference.onDelete !== 'cascade') continue;
      const hit = hits(found);
      const cascades = found.reference.many ? hit.length > 0 && hit.length === found.targets.length : hit.length > 0;
      if (!cascades) continue;
      const holder = byPath.get(pathKey(found.holder));
      if (holder !== undefined) add(holder.id);
      else if (!removed.has(pathKey(found.holder))) {
        removed.set(pathKey(found.holder), found.holder);
        changed = true;
      }
    }
    if (groups) {
      for (const { byParent } of lastOnes) {
        for (const [parentId, children] of byParent) if (children.every((c) => gone.has(c.id))) add(parentId);
      }
    }
  }
  for (const { kind, byParent } of lastOnes) {
    for (const [parentId, children] of byParent) {
      if (!gone.has(parentId) && children.every((c) => gone.has(c.id))) {
        return refuse((kind.lastOne as (parent: string) => string)(parseElementId(parentId).name));
      }
    }
  }

  const d = new Draft(s);
  const root = d.root;
  for (const e of elements) if (gone.has(e.id)) removed.set(pathKey(e.path), e.path);
  const isRemoved = (path: readonly Key[]) => path.some((_, i) => removed.has(pathKey(path.slice(0, i + 1))));

  // References that stay, cleared or with the deleted names left out (before any index shifts).
  for (const found of references) {
    const { onDelete, many } = found.reference;
    const hit = hits(found);
    if (hit.length === 0 || onDelete === 'keep' || isRemoved(found.holder)) continue;
    const holder = d.at<Obj>(found.path.slice(0, -1));
    const key = found.path[found.path.length - 1] as string;
    if (many) {
      const names = new Set(hit.map((t) => t.index));
      holder[key] = list<unknown>(holder[key]).filter((_, i) => !names.has(i));
    } else if (onDelete === 'clear') delete holder[key];
  }
  // A listener bound to a deleted loopback's address binds every address again (its default).
  eachItem(d, root, 'virtualMachines', (vm, own) => {
    const los = list<LoopbackInterface>(vm.loopbackInterfaces);
    const goneAddresses = new Set(los.filter((l) => gone.has(`loopback:${vm.name}/${l.name}`)).map((l) => l.ipAddress));
    const listeners = list<Listener>(vm.listeners);
    if (listeners.some((l) => l.address !== undefined && goneAddresses.has(l.address))) {
      own().listeners = listeners.map((l) => {
        if (l.address === undefined || !goneAddresses.has(l.address)) return l;
        const { address: _a, ...rest } = l;
        return rest as Listener;
      });
    }
  });
  // The deepest and last first, so that no removal moves another's index.
  for (const path of [...removed.values()].sort(comparePaths).reverse()) removeAt(d, path);

  if (isObj(root.lesson) && Array.isArray(root.lesson.checks)) {
    const checks = root.lesson.checks as Obj[];
    const before = probedMembers(s);
    const probed = probedMembers(root);
    // A probe check on a member that is no longer probed (its rule or pool went) goes too.
    const kept = checks.filter(
      (c) => typeof c.member !== 'string' || !before.has(probeKey(c)) || probed.has(probeKey(c)),
    );
    if (kept.length !== checks.length) root.lesson = { ...root.lesson, checks: kept as never };
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
  // Traffic, not drawn, is named only when it was asked for.
  return done(
    root,
    [...gone].filter((id) => descriptorOf(parseElementId(id).kind)?.canvas !== 'none' || ids.includes(id)),
  );
}

const pathKey = (path: readonly Key[]): string => JSON.stringify(path);

function comparePaths(a: readonly Key[], b: readonly Key[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as Key;
    const y = b[i] as Key;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}

/** `loopback:web01/lo` is gone with `vm:web01`; `rule:ilb/http` with `lb:ilb`. */
function isChildOfGone(key: string, gone: ReadonlySet<string>): boolean {
  const { kind, parent } = parseElementId(key);
  const descriptor = descriptorOf(kind);
  if (descriptor?.parent === undefined || descriptor.scope !== 'parent') return false;
  return gone.has(`${descriptor.parent}:${parent}`);
}

const probeKey = (c: Obj): string => `${String(c.loadBalancer)}/${String(c.probe)}/${String(c.member)}`;

/** `lb/probe/nic` for every NIC a probe watches: in a pool of a rule that uses the probe. */
function probedMembers(s: Scenario): Set<string> {
  const out = new Set<string>();
  for (const lb of list<LoadBalancer>(s.loadBalancers)) {
    for (const rule of list<LoadBalancingRule>(lb.loadBalancingRules)) {
      if (rule.probe === undefined) continue;
      const pool = list<BackendAddressPool>(lb.backendAddressPools).find((p) => p.name === rule.backendAddressPool);
      for (const nic of poolMemberNics(pool)) out.add(`${lb.name}/${rule.probe}/${nic}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Copy, paste and duplicate

/** What copy puts on the clipboard: a fragment of a scenario, and which of its holders are only holders. */
export interface Clipboard {
  readonly format: 'hairpin-clipboard';
  readonly version: typeof CLIPBOARD_VERSION;
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
  const frag: Scenario = { format: 'hairpin-scenario', version: SCENARIO_VERSION };
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
    for (const { kind, list: key } of LB_PARTS) {
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
  return { format: 'hairpin-clipboard', version: CLIPBOARD_VERSION, scenario: frag, holders: [...holders] };
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
      for (const { kind, list: key } of LB_PARTS) {
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
    const ipConfigurations = list<IpConfiguration>(nic.ipConfigurations).map((config) => {
      const address =
        isObj(config) && typeof config.subnet === 'string' && subnetOf(root, config.subnet) !== undefined
          ? claim(freeAddressInSubnet(root, config.subnet, claimed))
          : null;
      return address === null ? config : { ...config, privateIPAddress: address };
    });
    return { ...nic, ipConfigurations };
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
      for (const { kind, list: key } of LB_PARTS) {
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
      // A NIC sits behind one internal and one public load balancer only (“What is Azure Load Balancer?”): a new
      // load balancer's pools keep only the NICs pasted with it.
      const pastedNics = new Set(
        list<VirtualMachine>(frag.virtualMachines).flatMap((vm) => namesOf(vm.networkInterfaces)),
      );
      const pools = list<BackendAddressPool>(lb.backendAddressPools).map((p) => ({
        ...p,
        loadBalancerBackendAddresses: list<LoadBalancerBackendAddress>(p.loadBalancerBackendAddresses).filter(
          (member) =>
            isObj(member) &&
            typeof member.networkInterfaceIPConfiguration === 'string' &&
            pastedNics.has(splitIpConfigurationRef(member.networkInterfaceIPConfiguration).nic),
        ),
      }));
      d.list<LoadBalancer>(root, 'loadBalancers').push({
        ...lb,
        frontendIPConfigurations: fes,
        backendAddressPools: pools,
      });
      pasted.push(`lb:${lb.name}`);
      for (const { kind, list: key } of LB_PARTS) {
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
/**
 * The clipboard's version is the format version of its fragment: elements copied by an older
 * Hairpin (version 1: NICs with their own address, pools listing NICs) are migrated on paste.
 */
export const CLIPBOARD_VERSION = SCENARIO_VERSION;

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
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return {
      ok: false,
      reason: `Nothing was pasted: "${CLIPBOARD_KEY}" must be a version from 1 to ${CLIPBOARD_VERSION}, got ${q(String(version))}.`,
    };
  }
  if (!isObj(envelope.elements)) {
    return { ok: false, reason: 'Nothing was pasted: the clipboard\'s "elements" is not a scenario fragment.' };
  }
  const migrated = migrateScenario({ ...envelope.elements, format: 'hairpin-scenario', version });
  if (!migrated.ok) return { ok: false, reason: `Nothing was pasted: elements: ${migrated.error.message}` };
  const { scenario } = restoreScenario(migrated.value.document);
  const ids = new Set(elementIds(scenario));
  if (ids.size === 0)
    return { ok: false, reason: 'Nothing was pasted: the clipboard holds no elements Hairpin can use.' };
  const holders = Array.isArray(envelope.holders)
    ? envelope.holders.filter((h): h is string => typeof h === 'string' && ids.has(h))
    : [];
  return { ok: true, clipboard: { format: 'hairpin-clipboard', version: CLIPBOARD_VERSION, scenario, holders } };
}

/** Copy and paste in one step, 40 px to the right and down. */
export function duplicateElements(s: Scenario, ids: readonly string[]): EditResult {
  const clip = copyElements(s, ids);
  if (clip === null) return refuse('Select an element to duplicate.');
  return pasteElements(s, clip, { x: 40, y: 40 });
}

/** A new, empty scenario. */
export function createEmptyScenario(): Scenario {
  return { format: 'hairpin-scenario', version: SCENARIO_VERSION, title: 'Untitled scenario' };
}
