import { Draft, done, freeAddressIn, freeName, namesOf, place } from '../draft';
import { CLIENT } from '../schema';
import type { Client } from '../types';
import type { KindDescriptor } from './kind';

export const client = {
  kind: 'client',
  schema: CLIENT,
  list: 'clients',
  scope: 'document',
  canvas: 'node',
  palette: {
    onPremisesClient: {
      label: 'On-premises client',
      description: 'A host reached through the VNet gateway; counts as VirtualNetwork for NSG tags',
    },
    internetClient: {
      label: 'Internet client',
      description: 'One or many hosts on the internet (set count in the inspector), reaching public frontends',
    },
  },
  add(s, entry, placement) {
    const d = new Draft(s);
    const onPremises = entry === 'onPremisesClient';
    const name = freeName(onPremises ? 'onprem' : 'client', namesOf(s.clients));
    // On-premises hosts in 192.168.0.0/16 (the spec's example), internet ones in TEST-NET-2.
    const ipAddress = onPremises ? freeAddressIn(s, '192.168.2.0/24', 1) : freeAddressIn(s, '198.51.100.0/24', 1);
    const client: Client = onPremises ? { name, ipAddress, location: 'onPremises' } : { name, ipAddress };
    d.list<Client>(d.root, 'clients').push(client);
    place(d, `client:${name}`, placement.position);
    return done(d.root, [`client:${name}`]);
  },
} as const satisfies KindDescriptor;
