import { describe, expect, it } from 'vitest';
import { createPrng, nextInt } from '../shared/prng';
import { EventQueue, microsToMillis, microsToSeconds, PHASE, type Phase, secondsToMicros } from './sched';

describe('EventQueue', () => {
  it('pops in time order whatever the push order', () => {
    const q = new EventQueue<number>();
    const prng = createPrng(7);
    const times: number[] = [];
    for (let i = 0; i < 500; i++) {
      const t = nextInt(prng, 0, 50);
      times.push(t);
      q.push(t, PHASE.packet, i);
    }
    const popped: number[] = [];
    for (let e = q.pop(); e !== undefined; e = q.pop()) popped.push(e.time);
    expect(popped).toEqual([...times].sort((a, b) => a - b));
  });

  it('compact drops refused events and keeps the order of the others', () => {
    const build = () => {
      const q = new EventQueue<number>();
      const prng = createPrng(11);
      for (let i = 0; i < 2000; i++) q.push(nextInt(prng, 0, 40), nextInt(prng, 0, 3) as 0 | 1 | 2 | 3, i);
      return q;
    };
    const drain = (q: EventQueue<number>) => {
      const out: number[] = [];
      for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e.payload);
      return out;
    };
    const compacted = build();
    compacted.compact((i) => i % 3 !== 0);
    expect(compacted.size).toBe(2000 - 667);
    expect(drain(compacted)).toEqual(drain(build()).filter((i) => i % 3 !== 0));
  });

  it('runs one instant as scenario events, probes, traffic, then packets (engine-model.md "Time and TCP")', () => {
    const q = new EventQueue<string>();
    q.push(5, PHASE.packet, 'packet-1');
    q.push(5, PHASE.traffic, 'traffic-1');
    q.push(5, PHASE.probe, 'probe-1');
    q.push(5, PHASE.scenario, 'scenario-1');
    q.push(5, PHASE.packet, 'packet-2');
    q.push(5, PHASE.traffic, 'traffic-2');
    q.push(4, PHASE.packet, 'earlier');
    const order: string[] = [];
    for (let e = q.pop(); e !== undefined; e = q.pop()) order.push(e.payload);
    expect(order).toEqual(['earlier', 'scenario-1', 'probe-1', 'traffic-1', 'traffic-2', 'packet-1', 'packet-2']);
  });

  it('keeps scheduling order within a phase at one instant, even across many pushes', () => {
    const q = new EventQueue<number>();
    for (let i = 0; i < 100; i++) q.push(10, PHASE.packet, i);
    const order: number[] = [];
    for (let e = q.pop(); e !== undefined; e = q.pop()) order.push(e.payload);
    expect(order).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('pops in the same order when popped entries are recycled into later pushes', () => {
    const ops = Array.from({ length: 2000 }, (_, i) => ({ push: (i * 7919) % 5 !== 0, time: (i * 104729) % 50 }));
    const drain = (recycle: boolean) => {
      const q = new EventQueue<number>();
      const out: string[] = [];
      ops.forEach((op, i) => {
        if (op.push) q.push(op.time, (i % 4) as Phase, i);
        else {
          const e = q.pop();
          if (e === undefined) return;
          out.push(`${e.time}/${e.phase}/${e.seq}/${e.payload}`);
          if (recycle) q.recycle(e);
        }
      });
      for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(`${e.time}/${e.phase}/${e.seq}/${e.payload}`);
      return out;
    };
    const plain = drain(false);
    expect(plain.length).toBeGreaterThan(1000);
    expect(drain(true)).toEqual(plain);
  });

  it('refuses a time that is not whole microseconds', () => {
    const q = new EventQueue<number>();
    expect(() => q.push(1.5, PHASE.packet, 0)).toThrow(RangeError);
  });
});

describe('time conversions', () => {
  it('prints seconds with at most six decimals and milliseconds with at most three', () => {
    expect(secondsToMicros(0.1 + 0.2)).toBe(300_000);
    expect(String(microsToSeconds(20_750))).toBe('0.02075');
    expect(String(microsToSeconds(131_000_123))).toBe('131.000123');
    expect(String(microsToMillis(20_750))).toBe('20.75');
    expect(String(microsToMillis(123))).toBe('0.123');
  });
});
