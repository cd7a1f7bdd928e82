/**
 * decisionClass: the decision classes of bulk mode's fast path (engine-model.md "Two ways to run":
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
import type { Cidr } from '../shared/ipv4';
import type { EngineInput, TrafficIn } from './input';
import { AZURE_LB_ADDRESS } from './nsg';

export interface ClassSpace {
  /** Network addresses and masks of the prefixes, as unsigned 32-bit numbers. */
  readonly bases: Uint32Array;
  readonly masks: Uint32Array;
  /** Inclusive port ranges: from, to, from, to ... */
  readonly ports: Uint32Array;
}

/**
 * A class: a number (bit i of the low 31 bits: prefix i contains the address; above: the port
 * ranges) when the input names at most 31 prefixes and 21 port ranges, else a string of the bits.
 */
export type ClassKey = number | string;

const ADDRESS_KEY = /address|destination|ip|gateway|hop/i;
const PORT_KEY = /port/i;

/** Walks the input for every prefix, address (as a /32) and port (range) it names. */
export function classSpace(input: EngineInput): ClassSpace {
  const prefixes = new Map<string, Cidr>();
  const ports = new Map<string, [number, number]>();
  const addPrefix = (cidr: Cidr) => prefixes.set(`${cidr.base}/${cidr.prefixLength}`, cidr);
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
  const cidrs = [...prefixes.values()];
  return {
    bases: Uint32Array.from(cidrs, (cidr) => cidr.base >>> 0),
    masks: Uint32Array.from(cidrs, (cidr) =>
      cidr.prefixLength === 0 ? 0 : (0xffffffff << (32 - cidr.prefixLength)) >>> 0,
    ),
    ports: Uint32Array.from([...ports.values()].flat()),
  };
}

/** The decision class of one source address and port (see the module header). */
export function classOf(space: ClassSpace, address: number, port: number): ClassKey {
  const { bases, masks, ports } = space;
  const a = address >>> 0;
  if (bases.length <= 31 && ports.length <= 42) {
    let bits = 0;
    for (let i = 0; i < bases.length; i++) if ((a & (masks[i] as number)) >>> 0 === bases[i]) bits |= 1 << i;
    let portBits = 0;
    for (let i = 0, b = 1; i < ports.length; i += 2, b *= 2) {
      if (port >= (ports[i] as number) && port <= (ports[i + 1] as number)) portBits += b;
    }
    return (bits >>> 0) + portBits * 2 ** 31;
  }
  let key = '';
  for (let i = 0; i < bases.length; i++) key += (a & (masks[i] as number)) >>> 0 === bases[i] ? '1' : '0';
  key += '|';
  for (let i = 0; i < ports.length; i += 2) {
    key += port >= (ports[i] as number) && port <= (ports[i + 1] as number) ? '1' : '0';
  }
  return key;
}

/**
 * The shortest idle timeout anywhere in the input (rules, NAT and outbound rules, events' new
 * ones): a fast-path connection must be released before it, so that no idle timeout can fire
 * during one. Infinity when there is none.
 */
export function shortestIdleTimeoutUs(input: EngineInput): number {
  let shortest = Number.POSITIVE_INFINITY;
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
      return;
    }
    const o = value as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (k === 'idleTimeoutUs' && typeof v === 'number') shortest = Math.min(shortest, v);
      else visit(v);
    }
  };
  visit(input);
  return shortest;
}

/** Clients of at most this many hosts keep their slots in a typed array (4 bytes a host). */
const DENSE_HOSTS = 1 << 20;

/**
 * Per client: which fast-path connection (a number ≥ 0 given by the caller) is under way on each
 * of its hosts; -1 for none. A typed array for clients of up to 2^20 hosts (no hashing per
 * connection), a map above.
 */
export class HostSlots {
  private readonly dense: Int32Array | null;
  private readonly sparse: Map<number, number> | null;

  constructor(hosts: number) {
    this.dense = hosts <= DENSE_HOSTS ? new Int32Array(hosts).fill(-1) : null;
    this.sparse = this.dense === null ? new Map() : null;
  }

  get(host: number): number {
    return this.dense !== null ? (this.dense[host] as number) : ((this.sparse as Map<number, number>).get(host) ?? -1);
  }

  set(host: number, value: number): void {
    if (this.dense !== null) this.dense[host] = value;
    else (this.sparse as Map<number, number>).set(host, value);
  }

  clear(host: number): void {
    if (this.dense !== null) this.dense[host] = -1;
    else (this.sparse as Map<number, number>).delete(host);
  }
}

/** Traffic the bulk fast path may take (fastPath.ts `tryFast`; never UDP, so never a long-lived UDP flow). */
export function fastEligible(traffic: TrafficIn): boolean {
  return (
    traffic.protocol === 'Tcp' && traffic.sourcePort === null && traffic.durationUs === 0 && traffic.dataEveryUs === 0
  );
}

/** Scenarios the bulk fast path covers: no traffic from a VM and no reverse proxy, so no SNAT. */
export function fastPathCovers(input: EngineInput): boolean {
  if (input.traffic.some((traffic) => traffic.source.kind === 'vm')) return false;
  const proxies = (value: unknown): boolean => {
    if (value === null || typeof value !== 'object') return false;
    if (Array.isArray(value)) return value.some(proxies);
    const o = value as Record<string, unknown>;
    if (Array.isArray(o.proxyTo) && o.proxyTo.length > 0) return true;
    return Object.values(o).some(proxies);
  };
  return !proxies(input);
}
