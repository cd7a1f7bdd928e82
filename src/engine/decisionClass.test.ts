import { describe, expect, it } from 'vitest';
import { HostSlots } from './decisionClass';

describe('HostSlots', () => {
  it.each([
    ['a typed array', 65_536],
    ['a map', 1 << 24],
  ])('with %s: -1 for a free host, the value set until cleared', (_, hosts) => {
    const slots = new HostSlots(hosts);
    expect(slots.get(0)).toBe(-1);
    expect(slots.get(hosts - 1)).toBe(-1);
    slots.set(5, 0);
    slots.set(hosts - 1, 42);
    expect([slots.get(5), slots.get(hosts - 1), slots.get(6)]).toEqual([0, 42, -1]);
    slots.clear(5);
    expect([slots.get(5), slots.get(hosts - 1)]).toEqual([-1, 42]);
  });
});
