import { LB_RULE } from '../schema';
import type { KindDescriptor } from './kind';

/** A load-balancing rule: drawn as the edge from its frontend to its pool, made by connecting them. */
export const rule = {
  kind: 'rule',
  schema: LB_RULE,
  list: 'loadBalancingRules',
  parent: 'lb',
  scope: 'parent',
  canvas: 'edge',
} as const satisfies KindDescriptor;
