/**
 * Element ids and where elements live, read from the kind registry: `vm:web01` is the VM named
 * web01 of `virtualMachines`; `subnet:spoke/web` the subnet web of the VNet spoke (its name is
 * unique only there); `nic:web01-nic1` a NIC of whichever VM holds it (unique in the document).
 */
import { indexByName, isObj, type Key, list, namesOf, parseElementId } from './draft';
import { childKinds, descriptorOf, idOf, type KindDescriptor, topKinds } from './kinds';
import type { Scenario } from './types';

type Obj = { [key: string]: unknown };

/** One element of a document, with its path and the id of the element holding it. */
export interface ElementAt {
  readonly kind: KindDescriptor;
  readonly id: string;
  readonly name: string;
  readonly path: readonly Key[];
  readonly parentId: string | null;
}

/** Every element of the document (traffic too), in document order: each one, then its children. */
export function allElements(s: Scenario): ElementAt[] {
  const out: ElementAt[] = [];
  const walk = (kind: KindDescriptor, holder: unknown, path: Key[], parent: ElementAt | null) => {
    if (!isObj(holder)) return;
    for (const [i, item] of list<unknown>(holder[kind.list]).entries()) {
      if (!isObj(item) || typeof item.name !== 'string') continue;
      const at: ElementAt = {
        kind,
        id: idOf(kind, parent?.name ?? '', item.name),
        name: item.name,
        path: [...path, kind.list, i],
        parentId: parent?.id ?? null,
      };
      out.push(at);
      for (const child of childKinds(kind.kind)) walk(child, item, at.path as Key[], at);
    }
  };
  for (const kind of topKinds()) walk(kind, s, [], null);
  return out;
}

/**
 * The path of the element `id` in the document (`['loadBalancers', 0, 'probes', 1]`), or null.
 * `traffic:<name>` is accepted too: traffic is edited in the inspector, not drawn.
 */
export function locateElement(s: Scenario, id: string): Key[] | null {
  const { kind: kindId, name, parent, child } = parseElementId(id);
  const kind = descriptorOf(kindId);
  if (kind === undefined) return null;
  if (kind.parent === undefined) {
    const i = indexByName(s[kind.list as keyof Scenario], name);
    return i === -1 ? null : [kind.list, i];
  }
  const parentKind = descriptorOf(kind.parent) as KindDescriptor;
  const parents = list<unknown>(s[parentKind.list as keyof Scenario]);
  if (kind.scope === 'document') {
    // Unique in the document, whichever parent holds it.
    for (const [p, item] of parents.entries()) {
      const i = isObj(item) ? indexByName(item[kind.list], name) : -1;
      if (i !== -1) return [parentKind.list, p, kind.list, i];
    }
    return null;
  }
  const p = indexByName(parents, parent);
  const holder = parents[p];
  const i = isObj(holder) ? indexByName(holder[kind.list], child) : -1;
  return i === -1 ? null : [parentKind.list, p, kind.list, i];
}

/** Every element id of the document, in document order (traffic not included). */
export function elementIds(s: Scenario): string[] {
  return allElements(s)
    .filter((e) => e.kind.canvas !== 'none')
    .map((e) => e.id);
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
  return elementOfKeys(s, parsePath(path));
}

/** `elementOfPath` for a path already split into keys (`['vnets', 0, 'subnets', 1, 'routeTable']`). */
export function elementOfKeys(s: Scenario, keys: readonly Key[]): string | null {
  const nameAt = (depth: number): string | null => {
    const item = getAt(s, keys.slice(0, depth));
    return isObj(item) && typeof item.name === 'string' ? item.name : null;
  };
  const [top, , nested] = keys;
  if (top === 'layout' && typeof keys[1] === 'string') return keys[1];
  const topKind = topKinds().find((k) => k.list === top);
  if (topKind === undefined || topKind.canvas === 'none' || typeof keys[1] !== 'number') return null;
  const own = nameAt(2);
  if (own === null) return null;
  if (typeof keys[3] === 'number') {
    const kind = childKinds(topKind.kind).find((k) => k.list === nested);
    const sub = nameAt(4);
    if (kind !== undefined && sub !== null) return idOf(kind, own, sub);
  }
  return `${topKind.kind}:${own}`;
}

/** Every name already used in the scope where `id`'s name must be unique. */
export function siblingNames(s: Scenario, id: string): string[] {
  const { kind: kindId, parent } = parseElementId(id);
  const kind = descriptorOf(kindId);
  if (kind === undefined) return [];
  if (kind.parent === undefined) return namesOf(s[kind.list as keyof Scenario]);
  const parents = list<unknown>(s[(descriptorOf(kind.parent) as KindDescriptor).list as keyof Scenario]);
  if (kind.scope === 'document') return parents.flatMap((p) => (isObj(p) ? namesOf(p[kind.list]) : []));
  const holder = parents.find((p): p is Obj => isObj(p) && p.name === parent);
  return namesOf(holder?.[kind.list]);
}
