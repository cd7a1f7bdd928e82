import {
  BELOW,
  Draft,
  done,
  type EditResult,
  freeAddressIn,
  freeAddressInSubnet,
  freeName,
  indexByName,
  list,
  moveElements,
  namesOf,
  type Placement,
  PUBLIC_POOL,
  parseElementId,
  place,
} from '../draft';
import { LOAD_BALANCER } from '../schema';
import type { FrontendIpConfiguration, LoadBalancer, Scenario } from '../types';
import type { AddContext, KindDescriptor } from './kind';

export const lb = {
  kind: 'lb',
  schema: LOAD_BALANCER,
  list: 'loadBalancers',
  scope: 'document',
  canvas: 'node',
  palette: {
    lb: { label: 'Load balancer', description: 'An Azure Load Balancer, Standard or Basic SKU, public or internal' },
  },
  add(s, _entry, placement) {
    const d = new Draft(s);
    const at = placement.position;
    const name = freeName('lb', namesOf(s.loadBalancers));
    const frontend = newFrontend(s, 'fe', [], placement.subnet);
    const lb: LoadBalancer = { name, frontendIPConfigurations: [frontend], backendAddressPools: [] };
    d.list<LoadBalancer>(d.root, 'loadBalancers').push(lb);
    place(d, `lb:${name}`, at);
    place(d, `frontend:${name}/${frontend.name}`, at === undefined ? undefined : { x: at.x, y: at.y + BELOW });
    return done(d.root, [`lb:${name}`, `frontend:${name}/${frontend.name}`]);
  },
} as const satisfies KindDescriptor;

/** Dropped in a subnet: an internal frontend there; elsewhere, a public one. */
export function newFrontend(
  s: Scenario,
  base: string,
  taken: string[],
  subnet: string | undefined,
): FrontendIpConfiguration {
  const name = freeName(base, taken);
  const address = subnet !== undefined ? freeAddressInSubnet(s, subnet) : null;
  if (subnet !== undefined && address !== null) return { name, privateIPAddress: address, subnet };
  return { name, publicIPAddress: freeAddressIn(s, PUBLIC_POOL, 10) };
}

/**
 * Adds a part of a load balancer (a frontend, pool or probe) to the one it was dropped on, else
 * the first; where there is none, one is made for it, just above. `push` adds the part to the
 * owned load balancer and returns its name.
 */
export function addToLoadBalancer(
  s: Scenario,
  kind: 'frontend' | 'pool' | 'probe',
  placement: Placement,
  context: AddContext,
  push: (d: Draft, owned: LoadBalancer, lb: LoadBalancer) => string,
): EditResult {
  const at = placement.position;
  let lbIndex = indexByName(s.loadBalancers, placement.lb ?? '');
  if (lbIndex === -1) lbIndex = list(s.loadBalancers).length > 0 ? 0 : -1;
  if (lbIndex === -1) {
    const made = context.add(s, 'lb', {
      ...placement,
      ...(at !== undefined ? { position: { x: at.x, y: at.y - BELOW } } : {}),
    });
    if (!made.ok) return made;
    const [lbId = '', feId = ''] = made.ids;
    if (kind === 'frontend') {
      // The new load balancer's own frontend is the one that was dropped.
      const layout = { ...(made.scenario.layout ?? {}) };
      if (at !== undefined) layout[feId] = { x: Math.round(at.x), y: Math.round(at.y) };
      return done({ ...made.scenario, layout }, [feId, lbId]);
    }
    const added = context.add(made.scenario, kind, { ...placement, lb: parseElementId(lbId).name });
    if (!added.ok) return added;
    let scenario = added.scenario;
    // The LB's own frontend goes beside it rather than where the pool or probe was dropped.
    if (at !== undefined) scenario = moveElements(scenario, { [feId]: { x: at.x - 200, y: at.y } });
    return done(scenario, [...added.ids, lbId, feId]);
  }
  const d = new Draft(s);
  const lb = list<LoadBalancer>(s.loadBalancers)[lbIndex] as LoadBalancer;
  const owned = d.at<LoadBalancer>(['loadBalancers', lbIndex]);
  const id = `${kind}:${lb.name}/${push(d, owned, lb)}`;
  place(d, id, at);
  return done(d.root, [id]);
}
