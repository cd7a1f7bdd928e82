import { Draft, done, freeName, namesOf, place } from '../draft';
import { NSG } from '../schema';
import type { NetworkSecurityGroup } from '../types';
import type { KindDescriptor } from './kind';

export const nsg = {
  kind: 'nsg',
  schema: NSG,
  list: 'networkSecurityGroups',
  scope: 'document',
  canvas: 'node',
  palette: {
    nsg: {
      label: 'Network security group',
      description: 'Security rules by priority, on a subnet or a NIC, on top of the Azure default rules',
    },
  },
  add(s, _entry, placement) {
    const d = new Draft(s);
    const name = freeName('nsg', namesOf(s.networkSecurityGroups));
    d.list<NetworkSecurityGroup>(d.root, 'networkSecurityGroups').push({ name, securityRules: [] });
    place(d, `nsg:${name}`, placement.position);
    return done(d.root, [`nsg:${name}`]);
  },
} as const satisfies KindDescriptor;
