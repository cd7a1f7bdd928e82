import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrContains, formatCidr, parseIpv4, rangeToCidrs } from './ipv4';

const ip = (t: string) => parseIpv4(t) as number;

describe('rangeToCidrs', () => {
  it('covers a firewall range with the fewest prefixes', () => {
    expect(rangeToCidrs(ip('192.168.1.1'), ip('192.168.1.9')).map(formatCidr)).toEqual([
      '192.168.1.1/32',
      '192.168.1.2/31',
      '192.168.1.4/30',
      '192.168.1.8/31',
    ]);
    expect(rangeToCidrs(ip('10.0.0.0'), ip('10.0.0.255')).map(formatCidr)).toEqual(['10.0.0.0/24']);
    expect(rangeToCidrs(ip('0.0.0.0'), ip('255.255.255.255')).map(formatCidr)).toEqual(['0.0.0.0/0']);
    expect(rangeToCidrs(ip('10.0.0.7'), ip('10.0.0.7')).map(formatCidr)).toEqual(['10.0.0.7/32']);
  });

  it('holds exactly the addresses of the range (property)', () => {
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.nat(5000), fc.nat(6000), (first, width, probe) => {
        const last = Math.min(first + width, 0xffffffff);
        const cidrs = rangeToCidrs(first, last);
        const inside = (a: number) => cidrs.some((c) => cidrContains(c, a));
        const a = Math.min(first + probe, 0xffffffff);
        expect(inside(a)).toBe(a >= first && a <= last);
        if (first > 0) expect(inside(first - 1)).toBe(false);
        expect(inside(first) && inside(last)).toBe(true);
      }),
    );
  });
});
