import { freeName, namesOf } from '../draft';
import { PROBE } from '../schema';
import type { HealthProbe } from '../types';
import type { KindDescriptor } from './kind';
import { addToLoadBalancer } from './lb';

export const probe = {
  kind: 'probe',
  schema: PROBE,
  list: 'probes',
  parent: 'lb',
  scope: 'parent',
  canvas: 'node',
  parentEdge: 'owner',
  palette: {
    probe: {
      label: 'Health probe',
      description: 'A TCP, HTTP or HTTPS probe from 168.63.129.16 that marks members up or down',
    },
  },
  add: (s, _entry, placement, context) =>
    addToLoadBalancer(s, 'probe', placement, context, (d, owned, lb) => {
      const name = freeName('probe', namesOf(lb.probes));
      d.list<HealthProbe>(owned, 'probes').push({ name, port: 80 });
      return name;
    }),
} as const satisfies KindDescriptor;
