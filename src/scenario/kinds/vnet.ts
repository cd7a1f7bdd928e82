import { type Cidr, formatCidr, parseCidr } from '../../shared/ipv4';
import { Draft, done, freeName, freeVnetSpace, NEW_GROUP_SIZE, namesOf, place } from '../draft';
import { VNET } from '../schema';
import type { VirtualNetwork } from '../types';
import type { KindDescriptor } from './kind';

export const vnet = {
  kind: 'vnet',
  schema: VNET,
  list: 'vnets',
  scope: 'document',
  canvas: 'group',
  container: true,
  palette: { vnet: { label: 'Virtual network', description: 'A VNet with its address space; subnets sit inside it' } },
  add(s, _entry, placement) {
    const d = new Draft(s);
    const at = placement.position;
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
  },
} as const satisfies KindDescriptor;
