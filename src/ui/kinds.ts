/**
 * How each kind of element is named and marked in the UI: one table shared by the palette, the
 * canvas nodes and the inspector, so a kind looks the same everywhere.
 */
import type { NewElementKind } from '../scenario/edit';
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

export const KIND_INFO: Record<CanvasKind, KindInfo> = {
  vnet: { label: 'Virtual network', glyph: 'VN', short: 'VNet' },
  subnet: { label: 'Subnet', glyph: 'SN', short: 'Subnet' },
  vm: { label: 'Virtual machine', glyph: 'VM', short: 'VM' },
  nic: { label: 'Network interface', glyph: 'NIC', short: 'NIC' },
  loopback: { label: 'Loopback interface', glyph: 'LO', short: 'Loopback' },
  lb: { label: 'Load balancer', glyph: 'LB', short: 'LB' },
  frontend: { label: 'Frontend IP', glyph: 'FE', short: 'Frontend' },
  pool: { label: 'Backend pool', glyph: 'BP', short: 'Pool' },
  probe: { label: 'Health probe', glyph: 'HP', short: 'Probe' },
  client: { label: 'Client', glyph: 'CL', short: 'Client' },
  nsg: { label: 'Network security group', glyph: 'NSG', short: 'NSG' },
  routeTable: { label: 'Route table', glyph: 'RT', short: 'Route table' },
  gateway: { label: 'VNet gateway', glyph: 'GW', short: 'VNet GW' },
  internet: { label: 'Internet', glyph: 'WWW', short: 'Internet' },
};

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

export const PALETTE: readonly PaletteGroup[] = [
  {
    heading: 'Compute',
    items: [
      {
        kind: 'vm',
        label: 'Virtual machine',
        glyph: 'VM',
        tone: 'vm',
        description: 'A Windows or Linux guest with NICs, listeners, guest routes and a firewall',
      },
      {
        kind: 'nic',
        label: 'Network interface',
        glyph: 'NIC',
        tone: 'nic',
        description: 'A NIC with a private address in a subnet; the first NIC of a VM is its primary',
      },
      {
        kind: 'loopback',
        label: 'Loopback interface',
        glyph: 'LO',
        tone: 'loopback',
        description: 'A guest loopback address, such as the frontend address for a floating-IP rule',
      },
      {
        kind: 'proxy',
        label: 'Reverse proxy',
        glyph: 'RP',
        tone: 'proxy',
        description: 'A VM running an nginx-style listener that opens a new connection upstream',
      },
    ],
  },
  {
    heading: 'Load balancing',
    items: [
      {
        kind: 'lb',
        label: 'Load balancer',
        glyph: 'LB',
        tone: 'lb',
        description: 'An Azure Load Balancer, Standard or Basic SKU, public or internal',
      },
      {
        kind: 'frontend',
        label: 'Frontend IP',
        glyph: 'FE',
        tone: 'frontend',
        description: 'A frontend IP configuration: a private address in a subnet or a public address',
      },
      {
        kind: 'pool',
        label: 'Backend pool',
        glyph: 'BP',
        tone: 'pool',
        description: 'A backend address pool of NICs that load-balancing rules send flows to',
      },
      {
        kind: 'probe',
        label: 'Health probe',
        glyph: 'HP',
        tone: 'probe',
        description: 'A TCP, HTTP or HTTPS probe from 168.63.129.16 that marks members up or down',
      },
    ],
  },
  {
    heading: 'Network',
    items: [
      {
        kind: 'vnet',
        label: 'Virtual network',
        glyph: 'VN',
        tone: 'vnet',
        description: 'A VNet with its address space; subnets sit inside it',
      },
      {
        kind: 'subnet',
        label: 'Subnet',
        glyph: 'SN',
        tone: 'subnet',
        description: 'A subnet of a VNet, where NICs take addresses',
      },
      {
        kind: 'nsg',
        label: 'Network security group',
        glyph: 'NSG',
        tone: 'nsg',
        description: 'Security rules by priority, on a subnet or a NIC, on top of the Azure default rules',
      },
      {
        kind: 'routeTable',
        label: 'Route table',
        glyph: 'RT',
        tone: 'routeTable',
        description: 'User-defined routes for a subnet, for example to a network virtual appliance',
      },
    ],
  },
  {
    heading: 'Outside Azure',
    items: [
      {
        kind: 'onPremisesClient',
        label: 'On-premises client',
        glyph: 'ON',
        tone: 'client',
        description: 'A host reached through the VNet gateway; counts as VirtualNetwork for NSG tags',
      },
      {
        kind: 'internetClient',
        label: 'Internet client',
        glyph: 'WWW',
        tone: 'internet',
        description: 'One or many hosts on the internet (set count in the inspector), reaching public frontends',
      },
    ],
  },
];
