import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlowTable } from './flowtable';
import { tupleKeyOf } from './wire';

type Tuple = [protocol: 'Tcp' | 'Udp' | 'Icmp', src: number, srcPort: number, dst: number, dstPort: number];

const keyOf = ([p, s, sp, d, dp]: Tuple) => tupleKeyOf(p, s, sp, d, dp);

/**
 * Few distinct values per field, so that operations hit the same keys often and collide in the
 * probe sequences; the edges of each field's range are among them.
 */
const tuple: fc.Arbitrary<Tuple> = fc.tuple(
  fc.constantFrom('Tcp' as const, 'Udp' as const, 'Icmp' as const),
  fc.constantFrom(0, 0x0a020105, 0xffffffff),
  fc.constantFrom(0, 49152, 65535),
  fc.constantFrom(0x0a020164, 0x80000000),
  fc.constantFrom(80, 65535),
);

type Op =
  | { op: 'set'; t: Tuple; v: number; numeric: boolean }
  | { op: 'delete'; t: Tuple; numeric: boolean }
  | { op: 'deleteIf'; t: Tuple; v: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), t: tuple, v: fc.integer({ min: 0, max: 5 }), numeric: fc.boolean() }),
  fc.record({ op: fc.constant('delete' as const), t: tuple, numeric: fc.boolean() }),
  fc.record({ op: fc.constant('deleteIf' as const), t: tuple, v: fc.integer({ min: 0, max: 5 }) }),
);

describe('FlowTable', () => {
  it('behaves exactly as a Map keyed by tupleKeyOf: values, size and insertion order', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 400, size: 'max' }), (ops) => {
        const table = new FlowTable<{ v: number }>();
        const model = new Map<string, { v: number }>();
        const boxes = [0, 1, 2, 3, 4, 5].map((v) => ({ v }));
        for (const o of ops) {
          const key = keyOf(o.t);
          const [p, s, sp, d, dp] = o.t;
          const code = p.charCodeAt(0);
          if (o.op === 'set') {
            const box = boxes[o.v] as { v: number };
            if (o.numeric) table.setTuple(code, s, sp, d, dp, box);
            else table.set(key, box);
            model.set(key, box);
          } else if (o.op === 'delete') {
            const deleted = o.numeric ? table.deleteTuple(code, s, sp, d, dp) : table.delete(key);
            expect(deleted).toBe(model.delete(key));
          } else {
            const box = boxes[o.v] as { v: number };
            const expected = model.get(key) === box;
            expect(table.deleteTuple(code, s, sp, d, dp, box)).toBe(expected);
            if (expected) model.delete(key);
          }
          expect(table.size).toBe(model.size);
          expect(table.getTuple(code, s, sp, d, dp)).toBe(model.get(key));
          expect(table.get(key)).toBe(model.get(key));
        }
        expect(table.entries()).toEqual([...model.entries()]);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps every entry through growth and mass deletion (backward shift leaves no holes)', () => {
    const table = new FlowTable<number>();
    const n = 5000;
    for (let i = 0; i < n; i++) table.setTuple(84, 0x0a000000 + i, 1024 + (i % 7), 0x0a020164, 80, i);
    expect(table.size).toBe(n);
    for (let i = 0; i < n; i += 2)
      expect(table.deleteTuple(84, 0x0a000000 + i, 1024 + (i % 7), 0x0a020164, 80)).toBe(true);
    expect(table.size).toBe(n / 2);
    for (let i = 0; i < n; i++) {
      expect(table.getTuple(84, 0x0a000000 + i, 1024 + (i % 7), 0x0a020164, 80)).toBe(i % 2 === 0 ? undefined : i);
    }
    // Insertion order survives the moves of growth and backward shifts.
    expect(table.entries().map(([, v]) => v)).toEqual(Array.from({ length: n / 2 }, (_, k) => 2 * k + 1));
  });

  it('lets the caller delete while walking the entries, as a Map does', () => {
    const table = new FlowTable<string>();
    table.set(tupleKeyOf('Tcp', 1, 2, 3, 80), 'a');
    table.set(tupleKeyOf('Udp', 1, 2, 3, 80), 'b');
    table.set(tupleKeyOf('Tcp', 4, 5, 3, 80), 'c');
    const seen: string[] = [];
    for (const [key, value] of table) {
      seen.push(value);
      table.delete(key);
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(table.size).toBe(0);
  });
});
