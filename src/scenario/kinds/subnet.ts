import {
  Draft,
  done,
  freeName,
  freeSubnetPrefix,
  indexByName,
  list,
  NEW_GROUP_SIZE,
  namesOf,
  place,
  refuse,
} from '../draft';
import { SUBNET } from '../schema';
import type { Subnet, VirtualNetwork } from '../types';
import type { KindDescriptor } from './kind';

export const subnet = {
  kind: 'subnet',
  schema: SUBNET,
  list: 'subnets',
  parent: 'vnet',
  scope: 'parent',
  canvas: 'group',
  container: true,
  palette: { subnet: { label: 'Subnet', description: 'A subnet of a VNet, where NICs take addresses' } },
  add(s, _entry, placement) {
    const d = new Draft(s);
    const vnetName = placement.vnet ?? list<VirtualNetwork>(s.vnets)[0]?.name;
    const vnetIndex = indexByName(s.vnets, vnetName ?? '');
    if (vnetIndex === -1) return refuse('A subnet is part of a virtual network: drop it inside one.');
    const vnet = list<VirtualNetwork>(s.vnets)[vnetIndex] as VirtualNetwork;
    const prefix = freeSubnetPrefix(vnet);
    if (prefix === null) return refuse(`Virtual network ${vnet.name} has no free /24 left in its address space.`);
    const name = freeName('subnet', namesOf(vnet.subnets));
    d.list<Subnet>(d.at(['vnets', vnetIndex]), 'subnets').push({ name, addressPrefix: prefix });
    place(d, `subnet:${vnet.name}/${name}`, placement.position, { ...NEW_GROUP_SIZE.subnet });
    return done(d.root, [`subnet:${vnet.name}/${name}`]);
  },
} as const satisfies KindDescriptor;
