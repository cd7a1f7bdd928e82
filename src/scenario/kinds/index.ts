/**
 * The registry of element kinds: one descriptor per kind (kinds/<kind>.ts, shape in kind.ts),
 * in document order — the order of `elementIds`, a parent before its children. Adding a kind
 * is a descriptor here, its references in references.ts, its rules in rules/<kind>.ts and its
 * look in ui/kinds.ts (which the type checker asks for); docs/architecture.md "Adding a kind".
 */
import { client } from './client';
import { frontend } from './frontend';
import type { KindDescriptor, PaletteEntry } from './kind';
import { lb } from './lb';
import { loopback } from './loopback';
import { natRule } from './natRule';
import { nic } from './nic';
import { nsg } from './nsg';
import { outboundRule } from './outboundRule';
import { pool } from './pool';
import { probe } from './probe';
import { routeTable } from './routeTable';
import { rule } from './rule';
import { subnet } from './subnet';
import { traffic } from './traffic';
import { vm } from './vm';
import { vnet } from './vnet';

export type { AddContext, KindDescriptor, PaletteEntry } from './kind';

export const KINDS = {
  vnet,
  subnet,
  nsg,
  routeTable,
  vm,
  nic,
  loopback,
  lb,
  frontend,
  pool,
  probe,
  rule,
  natRule,
  outboundRule,
  client,
  traffic,
} as const satisfies { readonly [K in string]: KindDescriptor & { readonly kind: K } };

type Kinds = typeof KINDS;
/** Every kind of element of the document. */
export type ElementKind = keyof Kinds;
/** The kinds drawn as nodes or groups on the canvas. */
export type NodeKind = {
  [K in ElementKind]: Kinds[K]['canvas'] extends 'node' | 'group' ? K : never;
}[ElementKind];
/** What the palette offers: the entries of every kind's `palette` (`proxy` is a VM, `internetClient` a client). */
export type NewElementKind = {
  [K in ElementKind]: Kinds[K] extends { palette: infer P } ? keyof P & string : never;
}[ElementKind];

/**
 * What the canvas draws that is not in the file: the VNet gateway and the internet, drawn for
 * the clients beyond them. Named here because the editor's sentences name them too.
 */
export const FABRIC_LABELS = { gateway: 'VNet gateway', internet: 'internet' } as const;
export type FabricKind = keyof typeof FABRIC_LABELS;

export const KIND_LIST: readonly KindDescriptor[] = Object.values(KINDS);

export const isElementKind = (kind: string): kind is ElementKind => Object.hasOwn(KINDS, kind);

export const descriptorOf = (kind: string): KindDescriptor | undefined =>
  isElementKind(kind) ? KINDS[kind] : undefined;

/** The kind's name in a sentence: `frontend IP`, `virtual machine` (the schema's, unless shorter). */
export function labelOf(kind: string): string {
  const descriptor = descriptorOf(kind);
  if (descriptor !== undefined) return descriptor.label ?? descriptor.schema.label;
  return (FABRIC_LABELS as { readonly [k: string]: string })[kind] ?? kind;
}

/** The kinds whose lists are in an element of `kind` (a VM's NICs and loopbacks), in registry order. */
export const childKinds = (kind: string): readonly KindDescriptor[] => KIND_LIST.filter((k) => k.parent === kind);

/** The kinds whose lists are in the document itself. */
export const topKinds = (): readonly KindDescriptor[] => KIND_LIST.filter((k) => k.parent === undefined);

/** An element's id: `nic:web01-nic1`, or with its parent's name when its name is unique only there (`subnet:spoke/web`). */
export function idOf(kind: KindDescriptor, parentName: string, name: string): string {
  return kind.scope === 'parent' ? `${kind.kind}:${parentName}/${name}` : `${kind.kind}:${name}`;
}

/** Every palette entry, by id, with the kind that adds it. */
export const PALETTE_ENTRIES: { readonly [E in NewElementKind]: PaletteEntry & { readonly kind: ElementKind } } =
  Object.fromEntries(
    KIND_LIST.flatMap((k) =>
      Object.entries(k.palette ?? {}).map(([entry, item]) => [entry, { ...item, kind: k.kind as ElementKind }]),
    ),
  ) as never;

export const isNewElementKind = (entry: string): entry is NewElementKind => Object.hasOwn(PALETTE_ENTRIES, entry);
