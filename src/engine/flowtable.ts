/**
 * flowtable: a load-balancer frontend's flow table (engine-model.md step 7), keyed by the exact
 * 5-tuple of the client's packet.
 *
 * Inputs: 5-tuples, either as numbers (the bulk fast path, fastPath.ts `tryFast`: no string is
 *   built per connection) or as the 7-character keys of wire.ts `tupleKeyOf` (everywhere else).
 * Outputs: the value stored under a tuple; the entries in insertion order.
 * Invariants: behaves exactly as a `Map` keyed by `tupleKeyOf` (the property test in
 *   flowtable.test.ts checks it against one): setting a key already present keeps its place in the
 *   order, deleting and setting again moves it to the end. Open addressing with linear probing in
 *   typed arrays, deleted by backward shift (no tombstones), so a million short flows allocate
 *   nothing per flow and never degrade the probes. No clock, no randomness: the hash is a fixed mix.
 */
import { tupleKeyOf } from './wire';

const INITIAL_CAPACITY = 16;

/** A mix of the tuple's four 32-bit words (deterministic; flows are not adversarial here). */
function slotHash(protocol: number, src: number, ports: number, dst: number): number {
  let h = Math.imul(src ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ ports, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ dst, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 15) ^ protocol, 0x165667b1);
  return h ^ (h >>> 16);
}

export class FlowTable<V> {
  /** Per slot: the protocol's character code (0: empty), source, ports (src << 16 | dst), destination. */
  private protocols = new Int32Array(INITIAL_CAPACITY);
  private sources = new Int32Array(INITIAL_CAPACITY);
  private ports = new Int32Array(INITIAL_CAPACITY);
  private destinations = new Int32Array(INITIAL_CAPACITY);
  /** Per slot: when its key was first set (the insertion order), and its value. */
  private orders = new Float64Array(INITIAL_CAPACITY);
  private values: (V | undefined)[] = new Array(INITIAL_CAPACITY).fill(undefined);
  private mask = INITIAL_CAPACITY - 1;
  private count = 0;
  private nextOrder = 0;

  get size(): number {
    return this.count;
  }

  /** The slot holding the tuple, or -1. */
  private find(protocol: number, src: number, ports: number, dst: number): number {
    const protocols = this.protocols;
    let i = slotHash(protocol, src, ports, dst) & this.mask;
    for (;;) {
      const p = protocols[i] as number;
      if (p === 0) return -1;
      if (p === protocol && this.sources[i] === src && this.ports[i] === ports && this.destinations[i] === dst)
        return i;
      i = (i + 1) & this.mask;
    }
  }

  getTuple(protocol: number, src: number, srcPort: number, dst: number, dstPort: number): V | undefined {
    const i = this.find(protocol, src | 0, (srcPort << 16) | dstPort, dst | 0);
    return i < 0 ? undefined : this.values[i];
  }

  setTuple(protocol: number, src: number, srcPort: number, dst: number, dstPort: number, value: V): void {
    const s = src | 0;
    const ports = (srcPort << 16) | dstPort;
    const d = dst | 0;
    const found = this.find(protocol, s, ports, d);
    if (found >= 0) {
      this.values[found] = value;
      return;
    }
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    this.place(protocol, s, ports, d, this.nextOrder++, value);
    this.count++;
  }

  /** Deletes the tuple's entry when its value is `expected` (any value when undefined). */
  deleteTuple(protocol: number, src: number, srcPort: number, dst: number, dstPort: number, expected?: V): boolean {
    const i = this.find(protocol, src | 0, (srcPort << 16) | dstPort, dst | 0);
    if (i < 0 || (expected !== undefined && this.values[i] !== expected)) return false;
    this.removeAt(i);
    return true;
  }

  get(key: string): V | undefined {
    return this.getTuple(key.charCodeAt(0), keySource(key), key.charCodeAt(3), keyDestination(key), key.charCodeAt(6));
  }

  set(key: string, value: V): this {
    this.setTuple(key.charCodeAt(0), keySource(key), key.charCodeAt(3), keyDestination(key), key.charCodeAt(6), value);
    return this;
  }

  delete(key: string): boolean {
    return this.deleteTuple(
      key.charCodeAt(0),
      keySource(key),
      key.charCodeAt(3),
      keyDestination(key),
      key.charCodeAt(6),
    );
  }

  /**
   * The entries as `[tupleKeyOf key, value]`, in insertion order, as a snapshot: the caller may
   * delete while it walks them (as a `Map`'s iteration allows).
   */
  entries(): [string, V][] {
    const slots: number[] = [];
    for (let i = 0; i <= this.mask; i++) if (this.protocols[i] !== 0) slots.push(i);
    slots.sort((left, right) => (this.orders[left] as number) - (this.orders[right] as number));
    return slots.map((i) => {
      const ports = this.ports[i] as number;
      const key = tupleKeyOf(
        String.fromCharCode(this.protocols[i] as number),
        (this.sources[i] as number) >>> 0,
        ports >>> 16,
        (this.destinations[i] as number) >>> 0,
        ports & 0xffff,
      );
      return [key, this.values[i] as V];
    });
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries()[Symbol.iterator]();
  }

  private place(protocol: number, src: number, ports: number, dst: number, order: number, value: V): void {
    let i = slotHash(protocol, src, ports, dst) & this.mask;
    while (this.protocols[i] !== 0) i = (i + 1) & this.mask;
    this.protocols[i] = protocol;
    this.sources[i] = src;
    this.ports[i] = ports;
    this.destinations[i] = dst;
    this.orders[i] = order;
    this.values[i] = value;
  }

  /** Empties slot `i` and shifts back the entries after it that probed past it (no tombstones). */
  private removeAt(slot: number): void {
    const mask = this.mask;
    let hole = slot;
    let i = (slot + 1) & mask;
    while (this.protocols[i] !== 0) {
      const home =
        slotHash(
          this.protocols[i] as number,
          this.sources[i] as number,
          this.ports[i] as number,
          this.destinations[i] as number,
        ) & mask;
      // The entry at i may fill the hole when the hole lies on its probe path (home .. i, cyclic).
      if (((i - home) & mask) >= ((i - hole) & mask)) {
        this.protocols[hole] = this.protocols[i] as number;
        this.sources[hole] = this.sources[i] as number;
        this.ports[hole] = this.ports[i] as number;
        this.destinations[hole] = this.destinations[i] as number;
        this.orders[hole] = this.orders[i] as number;
        this.values[hole] = this.values[i];
        hole = i;
      }
      i = (i + 1) & mask;
    }
    this.protocols[hole] = 0;
    this.values[hole] = undefined;
    this.count--;
  }

  private grow(): void {
    const { protocols, sources, ports, destinations, orders, values } = this;
    const capacity = (this.mask + 1) * 2;
    this.protocols = new Int32Array(capacity);
    this.sources = new Int32Array(capacity);
    this.ports = new Int32Array(capacity);
    this.destinations = new Int32Array(capacity);
    this.orders = new Float64Array(capacity);
    this.values = new Array(capacity).fill(undefined);
    this.mask = capacity - 1;
    for (let i = 0; i < protocols.length; i++) {
      const p = protocols[i] as number;
      if (p !== 0) {
        this.place(
          p,
          sources[i] as number,
          ports[i] as number,
          destinations[i] as number,
          orders[i] as number,
          values[i] as V,
        );
      }
    }
  }
}

function keySource(key: string): number {
  return ((key.charCodeAt(1) << 16) | key.charCodeAt(2)) >>> 0;
}

function keyDestination(key: string): number {
  return ((key.charCodeAt(4) << 16) | key.charCodeAt(5)) >>> 0;
}
