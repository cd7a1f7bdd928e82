/**
 * How each kind of element is named and marked in the UI: one table shared by the palette, the
 * canvas nodes and the inspector, so a kind looks the same everywhere. Names and palette entries
 * come from the kind registry (scenario/kinds); this file adds only the look — glyph, short
 * caption, colour and palette group — keyed by the registry's ids, so that a new kind drawn on
 * the canvas, or a new palette entry, does not type-check until it has its look here.
 */
import {
  FABRIC_LABELS,
  type FabricKind,
  labelOf,
  type NewElementKind,
  type NodeKind,
  PALETTE_ENTRIES,
} from '../scenario/kinds';
import type { CanvasKind } from './canvas/toFlow';

export interface KindInfo {
  /** Azure's name for the kind, as the palette and the inspector print it. */
  readonly label: string;
  /** A short mark drawn in the kind's colour. */
  readonly glyph: string;
  /**
   * The kind's caption on a canvas node when `label` does not fit beside the node's badges (a
   * node keeps its size, and an ellipsis in the kind would hide what the element is).
   */
  readonly short: string;
}

/** The look of every kind the canvas draws: the registry's node and group kinds, and the fabric. */
const LOOK: Record<NodeKind | FabricKind, Omit<KindInfo, 'label'>> = {
  vnet: { glyph: 'VN', short: 'VNet' },
  subnet: { glyph: 'SN', short: 'Subnet' },
  vm: { glyph: 'VM', short: 'VM' },
  nic: { glyph: 'NIC', short: 'NIC' },
  loopback: { glyph: 'LO', short: 'Loopback' },
  lb: { glyph: 'LB', short: 'LB' },
  frontend: { glyph: 'FE', short: 'Frontend' },
  pool: { glyph: 'BP', short: 'Pool' },
  probe: { glyph: 'HP', short: 'Probe' },
  client: { glyph: 'CL', short: 'Client' },
  nsg: { glyph: 'NSG', short: 'NSG' },
  routeTable: { glyph: 'RT', short: 'Route table' },
  gateway: { glyph: 'GW', short: 'VNet GW' },
  internet: { glyph: 'WWW', short: 'Internet' },
};

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

export const KIND_INFO: Record<CanvasKind, KindInfo> = Object.fromEntries(
  Object.entries(LOOK).map(([kind, look]) => [
    kind,
    {
      label: capitalized(Object.hasOwn(FABRIC_LABELS, kind) ? FABRIC_LABELS[kind as FabricKind] : labelOf(kind)),
      ...look,
    },
  ]),
) as Record<CanvasKind, KindInfo>;

export interface PaletteItem {
  /** What it adds to the document (edit.ts `addElement`). */
  readonly kind: NewElementKind;
  /** The accessible name (issue 5 item 1 names them; tests find items by it). */
  readonly label: string;
  readonly glyph: string;
  /** The colour family, a `kind-*` class shared with the canvas nodes. */
  readonly tone: CanvasKind | 'loopback' | 'proxy';
  readonly description: string;
}

export interface PaletteGroup {
  readonly heading: string;
  readonly items: readonly PaletteItem[];
}

/** The look of every palette entry of the registry, and the group it is listed in, in order. */
const PALETTE_LOOK: Record<NewElementKind, { readonly glyph: string; readonly tone: PaletteItem['tone'] }> = {
  vm: { glyph: 'VM', tone: 'vm' },
  nic: { glyph: 'NIC', tone: 'nic' },
  loopback: { glyph: 'LO', tone: 'loopback' },
  proxy: { glyph: 'RP', tone: 'proxy' },
  lb: { glyph: 'LB', tone: 'lb' },
  frontend: { glyph: 'FE', tone: 'frontend' },
  pool: { glyph: 'BP', tone: 'pool' },
  probe: { glyph: 'HP', tone: 'probe' },
  vnet: { glyph: 'VN', tone: 'vnet' },
  subnet: { glyph: 'SN', tone: 'subnet' },
  nsg: { glyph: 'NSG', tone: 'nsg' },
  routeTable: { glyph: 'RT', tone: 'routeTable' },
  onPremisesClient: { glyph: 'ON', tone: 'client' },
  internetClient: { glyph: 'WWW', tone: 'internet' },
};

/** The palette's groups; `kinds.test.ts` checks that they list every entry of the registry once. */
export const PALETTE_GROUPS: readonly { readonly heading: string; readonly entries: readonly NewElementKind[] }[] = [
  { heading: 'Compute', entries: ['vm', 'nic', 'loopback', 'proxy'] },
  { heading: 'Load balancing', entries: ['lb', 'frontend', 'pool', 'probe'] },
  { heading: 'Network', entries: ['vnet', 'subnet', 'nsg', 'routeTable'] },
  { heading: 'Outside Azure', entries: ['onPremisesClient', 'internetClient'] },
];

export const PALETTE: readonly PaletteGroup[] = PALETTE_GROUPS.map(({ heading, entries }) => ({
  heading,
  items: entries.map((kind) => {
    const { label, description } = PALETTE_ENTRIES[kind];
    return { kind, label, description, ...PALETTE_LOOK[kind] };
  }),
}));
