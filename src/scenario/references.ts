/**
 * Which field refers to which kind, by name: one declarative table that rename, delete, copy and
 * paste walk (and the canvas and the coming importer can), instead of each switching over kinds.
 *
 * A `field` is a path with `[*]` for every item of a list. A reference to a kind whose name is
 * unique only in its parent names that parent elsewhere: `parent` is the path, with the same
 * `[*]`, of the field that holds the parent's name (a rule's frontend is in the rule's own load
 * balancer; a `setRule` event's in the event's `loadBalancer`); without `parent`, the value is
 * the whole name of the id (`spoke/web` for a subnet).
 *
 * The *holder* of a reference is the item at its last `[*]`: the element, row, event or check
 * that goes when the reference is deleted with `onDelete: 'cascade'`.
 */
import { isObj, type Key, list } from './draft';
import { descriptorOf, type ElementKind } from './kinds';

type Obj = { readonly [key: string]: unknown };

export interface Reference {
  /** The field: `loadBalancers[*].loadBalancingRules[*].frontendIPConfiguration`. */
  readonly field: string;
  /** The kinds it may name (traffic comes `from` a VM or a client). */
  readonly to: readonly ElementKind[];
  /** Where the target's parent is named, for a target unique only in its parent. */
  readonly parent?: string;
  /** The field is a list of names. */
  readonly many?: true;
  /**
   * The value names a row of the target after a slash: `web01-nic1/ipconfig1` names the NIC
   * web01-nic1 (whose rename rewrites the part before the slash) and its IP configuration.
   */
  readonly row?: true;
  /**
   * The holder, when it is not the item at the field's last `[*]`: a pattern the field starts
   * with (a NIC holds the subnet reference of its IP configuration).
   */
  readonly holder?: string;
  /**
   * The canvas draws the reference as an edge of this relation, from the element named to the
   * element whose field it is (an NSG to the subnet or NIC it is associated with, a NIC to its pool).
   */
  readonly canvas?: 'nsg' | 'routeTable' | 'member';
  /** Only for holders this is true of (an event of one action, a check of one kind). */
  readonly when?: (holder: Obj) => boolean;
  /**
   * When the element named is deleted: `cascade` — the holder goes too (for a list: once no name
   * is left in it); `clear` — the field is removed, so its default applies; `leave` — the name
   * leaves the list, the holder stays; `keep` — the reference stays (it names what it makes).
   */
  readonly onDelete: 'cascade' | 'clear' | 'leave' | 'keep';
}

const setRule = (e: Obj) => e.action === 'setRule';
const LB = 'loadBalancers[*].name';

export const REFERENCES: readonly Reference[] = [
  // Network: associations of a subnet.
  { field: 'vnets[*].subnets[*].networkSecurityGroup', to: ['nsg'], onDelete: 'clear', canvas: 'nsg' },
  { field: 'vnets[*].subnets[*].routeTable', to: ['routeTable'], onDelete: 'clear', canvas: 'routeTable' },
  // Compute: a NIC sits in its subnet (and goes with it); guest routes leave by a NIC.
  {
    field: 'virtualMachines[*].networkInterfaces[*].ipConfigurations[*].subnet',
    to: ['subnet'],
    // The NIC goes with the subnet its IP configuration is in, not only that configuration.
    holder: 'virtualMachines[*].networkInterfaces[*]',
    onDelete: 'cascade',
  },
  {
    field: 'virtualMachines[*].networkInterfaces[*].networkSecurityGroup',
    to: ['nsg'],
    onDelete: 'clear',
    canvas: 'nsg',
  },
  { field: 'virtualMachines[*].routes[*].interface', to: ['nic'], onDelete: 'cascade' },
  // Load balancers: an internal frontend sits in its subnet; rules join the parts of their own load balancer.
  { field: 'loadBalancers[*].frontendIPConfigurations[*].subnet', to: ['subnet'], onDelete: 'cascade' },
  // A pool member names a NIC's IP configuration; the member goes with its NIC.
  {
    field: 'loadBalancers[*].backendAddressPools[*].loadBalancerBackendAddresses[*].networkInterfaceIPConfiguration',
    to: ['nic'],
    row: true,
    onDelete: 'cascade',
    canvas: 'member',
  },
  {
    field: 'loadBalancers[*].loadBalancingRules[*].frontendIPConfiguration',
    to: ['frontend'],
    parent: LB,
    onDelete: 'cascade',
  },
  { field: 'loadBalancers[*].loadBalancingRules[*].backendAddressPool', to: ['pool'], parent: LB, onDelete: 'cascade' },
  { field: 'loadBalancers[*].loadBalancingRules[*].probe', to: ['probe'], parent: LB, onDelete: 'clear' },
  {
    field: 'loadBalancers[*].inboundNatRules[*].frontendIPConfiguration',
    to: ['frontend'],
    parent: LB,
    onDelete: 'cascade',
  },
  { field: 'loadBalancers[*].inboundNatRules[*].networkInterface', to: ['nic'], onDelete: 'cascade' },
  {
    field: 'loadBalancers[*].outboundRules[*].frontendIPConfigurations',
    to: ['frontend'],
    parent: LB,
    many: true,
    onDelete: 'cascade',
  },
  { field: 'loadBalancers[*].outboundRules[*].backendAddressPool', to: ['pool'], parent: LB, onDelete: 'cascade' },
  // Traffic.
  { field: 'traffic[*].from', to: ['vm', 'client'], onDelete: 'cascade' },
  // Events: an event that names a deleted element goes; a `setRule` keeps its rule as valid as the rules.
  { field: 'events[*].vm', to: ['vm'], onDelete: 'cascade' },
  { field: 'events[*].loadBalancer', to: ['lb'], onDelete: 'cascade' },
  { field: 'events[*].pool', to: ['pool'], parent: 'events[*].loadBalancer', onDelete: 'cascade' },
  { field: 'events[*].networkInterface', to: ['nic'], onDelete: 'cascade' },
  { field: 'events[*].networkSecurityGroup', to: ['nsg'], onDelete: 'cascade' },
  {
    field: 'events[*].probe.name',
    to: ['probe'],
    parent: 'events[*].loadBalancer',
    when: (e) => e.action === 'setProbe',
    onDelete: 'keep',
  },
  { field: 'events[*].rule.name', to: ['rule'], parent: 'events[*].loadBalancer', when: setRule, onDelete: 'keep' },
  { field: 'events[*].rule.probe', to: ['probe'], parent: 'events[*].loadBalancer', when: setRule, onDelete: 'clear' },
  {
    field: 'events[*].rule.frontendIPConfiguration',
    to: ['frontend'],
    parent: 'events[*].loadBalancer',
    when: setRule,
    onDelete: 'cascade',
  },
  {
    field: 'events[*].rule.backendAddressPool',
    to: ['pool'],
    parent: 'events[*].loadBalancer',
    when: setRule,
    onDelete: 'cascade',
  },
  // Lesson checks: one that names a deleted element goes; a distribution check loses deleted members.
  { field: 'lesson.checks[*].traffic', to: ['traffic'], onDelete: 'cascade' },
  { field: 'lesson.checks[*].loadBalancer', to: ['lb'], onDelete: 'cascade' },
  { field: 'lesson.checks[*].probe', to: ['probe'], parent: 'lesson.checks[*].loadBalancer', onDelete: 'cascade' },
  {
    field: 'lesson.checks[*].rule',
    to: ['rule'],
    parent: 'lesson.checks[*].loadBalancer',
    // A check naming a probe is a probe check; its `rule`, if any, is not read (types.ts lessonCheckKind).
    when: (c) => typeof c.probe !== 'string',
    onDelete: 'cascade',
  },
  { field: 'lesson.checks[*].member', to: ['nic'], onDelete: 'cascade' },
  { field: 'lesson.checks[*].members', to: ['nic'], many: true, onDelete: 'cascade' },
];

/** `a[*].b` → `['a', '*', 'b']`. */
export function patternKeys(field: string): string[] {
  return field.split('.').flatMap((part) => {
    const star = part.endsWith('[*]');
    const name = star ? part.slice(0, -3) : part;
    return star ? [name, '*'] : [name];
  });
}

const KEYS = new Map(REFERENCES.map((r) => [r, patternKeys(r.field)]));
const PARENT_KEYS = new Map(REFERENCES.map((r) => [r, r.parent === undefined ? null : patternKeys(r.parent)]));

/** One reference found in a document. */
export interface Found {
  readonly reference: Reference;
  /** The path of the field. */
  readonly path: readonly Key[];
  /** The path of the holder (the item at the pattern's last `[*]`). */
  readonly holder: readonly Key[];
  /** The ids it names, one per name (and per kind it may name): `frontend:ilb/fe`. */
  readonly targets: readonly {
    readonly name: string;
    readonly index: number | null;
    readonly ids: string[];
    /** What the value writes after the name (`/ipconfig1` of a `row` reference), kept on rename. */
    readonly suffix: string;
  }[];
}

/** Every reference written in `doc` (well typed or not: a name that is not a string is skipped). */
export function findReferences(doc: unknown, only: readonly Reference[] = REFERENCES): Found[] {
  const out: Found[] = [];
  for (const reference of only) {
    const keys = KEYS.get(reference) ?? patternKeys(reference.field);
    const holderDepth =
      reference.holder === undefined ? keys.lastIndexOf('*') + 1 : patternKeys(reference.holder).length;
    const walk = (node: unknown, depth: number, path: Key[]) => {
      if (depth === keys.length) {
        emit(reference, node, path, path.slice(0, holderDepth));
        return;
      }
      const key = keys[depth] as string;
      if (key === '*') {
        for (const [i, item] of list<unknown>(node).entries()) walk(item, depth + 1, [...path, i]);
      } else if (isObj(node) && Object.hasOwn(node, key)) {
        walk(node[key], depth + 1, [...path, key]);
      }
    };
    walk(doc, 0, []);
  }
  return out;

  function emit(reference: Reference, value: unknown, path: Key[], holder: Key[]) {
    const holderValue = valueAt(doc, holder);
    if (!isObj(holderValue)) return;
    if (reference.when !== undefined && !reference.when(holderValue)) return;
    const parentKeys = PARENT_KEYS.get(reference) ?? null;
    let parent: string | null = null;
    if (parentKeys !== null) {
      const at = parentKeys.map((k, i) => (k === '*' ? (path[i] as Key) : k));
      const name = valueAt(doc, at);
      if (typeof name !== 'string') return;
      parent = name;
    }
    const split = (text: string): { name: string; suffix: string } => {
      const slash = reference.row ? text.indexOf('/') : -1;
      return slash === -1 ? { name: text, suffix: '' } : { name: text.slice(0, slash), suffix: text.slice(slash) };
    };
    const names: { name: string; suffix: string; index: number | null }[] = reference.many
      ? list<unknown>(value).flatMap((n, index) => (typeof n === 'string' ? [{ ...split(n), index }] : []))
      : typeof value === 'string'
        ? [{ ...split(value), index: null }]
        : [];
    if (names.length === 0 && !reference.many) return;
    out.push({
      reference,
      path,
      holder,
      targets: names.map(({ name, suffix, index }) => ({
        name,
        suffix,
        index,
        ids: reference.to.map((kind) => `${kind}:${parent === null ? '' : `${parent}/`}${name}`),
      })),
    });
  }
}

function valueAt(doc: unknown, path: readonly Key[]): unknown {
  let node = doc;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as { [k: string]: unknown })[key as string];
  }
  return node;
}

/**
 * The reference the table declares at `path` (`['loadBalancers', 0, 'loadBalancingRules', 2,
 * 'probe']` matches `loadBalancers[*].loadBalancingRules[*].probe`), with the name of its target's
 * parent when the target is unique only in its parent (read at the parent's field, with the same
 * indices), or null when no row declares the field. Validation looks references up through it.
 */
export function referenceAt(
  doc: unknown,
  path: readonly Key[],
): { readonly reference: Reference; readonly parent: string | null } | null {
  for (const reference of REFERENCES) {
    const keys = KEYS.get(reference) ?? patternKeys(reference.field);
    // A list of names is looked up item by item: its path ends with the item's index.
    const item = reference.many === true && path.length === keys.length + 1 && typeof path[keys.length] === 'number';
    if (keys.length !== path.length && !item) continue;
    if (!keys.every((k, i) => (k === '*' ? typeof path[i] === 'number' : k === path[i]))) continue;
    const parentKeys = PARENT_KEYS.get(reference) ?? null;
    if (parentKeys === null) return { reference, parent: null };
    const name = valueAt(
      doc,
      parentKeys.map((k, i) => (k === '*' ? (path[i] as Key) : k)),
    );
    return { reference, parent: typeof name === 'string' ? name : null };
  }
  return null;
}

/** The name a reference of `reference` writes for the element `id`: its own name, or its whole id name. */
export function nameInReference(reference: Reference, id: string): string {
  const name = id.slice(id.indexOf(':') + 1);
  if (reference.parent === undefined) return name;
  const kind = descriptorOf(id.slice(0, id.indexOf(':')));
  return kind?.scope === 'parent' ? name.slice(name.indexOf('/') + 1) : name;
}
