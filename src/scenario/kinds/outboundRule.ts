import { OUTBOUND_RULE } from '../schema';
import type { KindDescriptor } from './kind';

/** An outbound rule: a row of its load balancer in the inspector. */
export const outboundRule = {
  kind: 'outboundRule',
  schema: OUTBOUND_RULE,
  list: 'outboundRules',
  parent: 'lb',
  scope: 'parent',
  canvas: 'row',
} as const satisfies KindDescriptor;
