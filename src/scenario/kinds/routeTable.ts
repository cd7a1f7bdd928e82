import { Draft, done, freeName, namesOf, place } from '../draft';
import { ROUTE_TABLE } from '../schema';
import type { RouteTable } from '../types';
import type { KindDescriptor } from './kind';

export const routeTable = {
  kind: 'routeTable',
  schema: ROUTE_TABLE,
  list: 'routeTables',
  scope: 'document',
  canvas: 'node',
  palette: {
    routeTable: {
      label: 'Route table',
      description: 'User-defined routes for a subnet, for example to a network virtual appliance',
    },
  },
  add(s, _entry, placement) {
    const d = new Draft(s);
    const name = freeName('rt', namesOf(s.routeTables));
    d.list<RouteTable>(d.root, 'routeTables').push({ name, routes: [] });
    place(d, `routeTable:${name}`, placement.position);
    return done(d.root, [`routeTable:${name}`]);
  },
} as const satisfies KindDescriptor;
