import { namesOf } from '../draft';
import { FRONTEND } from '../schema';
import type { FrontendIpConfiguration } from '../types';
import type { KindDescriptor } from './kind';
import { addToLoadBalancer, newFrontend } from './lb';

export const frontend = {
  kind: 'frontend',
  schema: FRONTEND,
  label: 'frontend IP',
  list: 'frontendIPConfigurations',
  parent: 'lb',
  scope: 'parent',
  canvas: 'node',
  parentEdge: 'owner',
  lastOne: (lb: string) =>
    `A load balancer needs at least one frontend IP: delete ${lb} itself to remove its last frontend.`,
  palette: {
    frontend: {
      label: 'Frontend IP',
      description: 'A frontend IP configuration: a private address in a subnet or a public address',
    },
  },
  add: (s, _entry, placement, context) =>
    addToLoadBalancer(s, 'frontend', placement, context, (d, owned, lb) => {
      const fe = newFrontend(s, 'fe', namesOf(lb.frontendIPConfigurations), placement.subnet);
      d.list<FrontendIpConfiguration>(owned, 'frontendIPConfigurations').push(fe);
      return fe.name;
    }),
} as const satisfies KindDescriptor;
