/**
 * fastpath: the decision classes of bulk mode's fast path (engine-model.md "Two ways to run":
 * "Decisions that do not depend on the tuple ... may be reused; every connection still gets its
 * own ephemeral port, hash, flow-table entry (with eviction) and SNAT port").
 *
 * Inputs: the engine input (walked once for every prefix, address and port it names), then one
 *   client address and ephemeral port per connection.
 * Outputs: `classOf`: a key that is equal for two connections exactly when every prefix and every
 *   port range anywhere in the input (NSG and firewall rules, routes, address spaces, clients,
 *   events' new configuration, each named address as a /32) contains both addresses or neither,
 *   and both ports or neither. Two connections of one traffic with the same class, at the same
 *   configuration, take the same packet path except for what the tuple hash decides.
 * Invariants: over-inclusive by design (a number that is not really an address only splits a
 *   class further, which costs a reference run, never a wrong decision); pure.
 */
import { type Cidr, cidrContains } from '../shared/ipv4';
import type { EngineInput } from './input';
import { AZURE_LB_ADDRESS } from './nsg';

export interface ClassSpace {
  readonly prefixes: readonly Cidr[];
  /** Inclusive port ranges: from, to, from, to ... */
  readonly ports: readonly number[];
}

const ADDRESS_KEY = /address|destination|ip|gateway|hop/i;
const PORT_KEY = /port/i;

/** Walks the input for every prefix, address (as a /32) and port (range) it names. */
export function classSpace(input: EngineInput): ClassSpace {
  const prefixes = new Map<string, Cidr>();
  const ports = new Map<string, [number, number]>();
  const addPrefix = (c: Cidr) => prefixes.set(`${c.base}/${c.prefixLength}`, c);
  addPrefix({ base: AZURE_LB_ADDRESS, prefixLength: 32 });
  const visit = (value: unknown, key: string): void => {
    if (typeof value === 'number') {
      if (ADDRESS_KEY.test(key) && Number.isInteger(value) && value >= 0 && value <= 0xffffffff) {
        addPrefix({ base: value, prefixLength: 32 });
      }
      if (PORT_KEY.test(key) && Number.isInteger(value)) ports.set(`${value}`, [value, value]);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const v of value) visit(v, key);
      return;
    }
    const o = value as Record<string, unknown>;
    if (typeof o.base === 'number' && typeof o.prefixLength === 'number') addPrefix(o as unknown as Cidr);
    if (typeof o.from === 'number' && typeof o.to === 'number') ports.set(`${o.from}-${o.to}`, [o.from, o.to]);
    for (const k of Object.keys(o)) visit(o[k], k);
  };
  visit(input, '');
  return { prefixes: [...prefixes.values()], ports: [...ports.values()].flat() };
}

/** The decision class of one source address and port (see the module header). */
export function classOf(space: ClassSpace, address: number, port: number): string {
  let key = '';
  let bits = 0;
  let n = 0;
  const prefixes = space.prefixes;
  for (let i = 0; i < prefixes.length; i++) {
    if (cidrContains(prefixes[i] as Cidr, address)) bits |= 1 << n;
    if (++n === 30) {
      key += `${bits},`;
      bits = 0;
      n = 0;
    }
  }
  key += `${bits}|`;
  bits = 0;
  n = 0;
  const ports = space.ports;
  for (let i = 0; i < ports.length; i += 2) {
    if (port >= (ports[i] as number) && port <= (ports[i + 1] as number)) bits |= 1 << n;
    if (++n === 30) {
      key += `${bits},`;
      bits = 0;
      n = 0;
    }
  }
  return key + bits;
}
