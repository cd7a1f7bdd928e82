import { NAT_RULE } from '../schema';
import type { KindDescriptor } from './kind';

/** An inbound NAT rule: a row of its load balancer in the inspector. */
export const natRule = {
  kind: 'natRule',
  schema: NAT_RULE,
  list: 'inboundNatRules',
  parent: 'lb',
  scope: 'parent',
  canvas: 'row',
} as const satisfies KindDescriptor;
