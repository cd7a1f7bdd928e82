import { TRAFFIC } from '../schema';
import type { KindDescriptor } from './kind';

/** Traffic: edited in the inspector's traffic table, not drawn; `traffic:<name>` is still an id (lesson checks name it). */
export const traffic = {
  kind: 'traffic',
  schema: TRAFFIC,
  list: 'traffic',
  scope: 'document',
  canvas: 'none',
} as const satisfies KindDescriptor;
