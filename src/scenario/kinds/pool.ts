import { freeName, namesOf } from '../draft';
import { POOL } from '../schema';
import type { BackendAddressPool } from '../types';
import type { KindDescriptor } from './kind';
import { addToLoadBalancer } from './lb';

export const pool = {
  kind: 'pool',
  schema: POOL,
  list: 'backendAddressPools',
  parent: 'lb',
  scope: 'parent',
  canvas: 'node',
  parentEdge: 'owner',
  palette: {
    pool: {
      label: 'Backend pool',
      description: 'A backend address pool of NIC IP configurations that load-balancing rules send flows to',
    },
  },
  add: (s, _entry, placement, context) =>
    addToLoadBalancer(s, 'pool', placement, context, (d, owned, lb) => {
      const name = freeName('pool', namesOf(lb.backendAddressPools));
      d.list<BackendAddressPool>(owned, 'backendAddressPools').push({ name, loadBalancerBackendAddresses: [] });
      return name;
    }),
} as const satisfies KindDescriptor;
