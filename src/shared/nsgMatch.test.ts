import { describe, expect, it } from 'vitest';
import { parseIpv4 } from './ipv4';
import { addressMatches, parseAddressMatch, parsePortRange, portInRanges } from './nsgMatch';

const ip = (text: string) => parseIpv4(text) as number;
const inVnet = (a: number) => a >>> 24 === 10;

describe('NSG syntax and matching, shared by rules, compile and the engine', () => {
  it('reads port ranges', () => {
    expect(parsePortRange('*')).toEqual({ from: 0, to: 65535 });
    expect(parsePortRange(' 8000 - 8999 ')).toEqual({ from: 8000, to: 8999 });
    expect(parsePortRange('80')).toEqual({ from: 80, to: 80 });
    expect(parsePortRange('http')).toBeNull();
    expect(portInRanges([{ from: 80, to: 80 }], 81)).toBe(false);
    expect(portInRanges(null, 81)).toBe(true);
  });

  it('matches tags, prefixes and any', () => {
    const tag = parseAddressMatch('Internet');
    const vnet = parseAddressMatch('VirtualNetwork');
    const lb = parseAddressMatch('AzureLoadBalancer');
    const prefix = parseAddressMatch('10.1.0.0/16');
    expect(parseAddressMatch('internet')).toBeNull();
    if (tag === null || vnet === null || lb === null || prefix === null) throw new Error('unparsed');
    expect(addressMatches(tag, ip('20.1.1.1'), inVnet)).toBe(true);
    expect(addressMatches(tag, ip('10.1.1.1'), inVnet)).toBe(false);
    expect(addressMatches(tag, ip('168.63.129.16'), inVnet)).toBe(false);
    expect(addressMatches(lb, ip('168.63.129.16'), inVnet)).toBe(true);
    expect(addressMatches(vnet, ip('10.9.0.1'), inVnet)).toBe(true);
    expect(addressMatches(prefix, ip('10.2.0.1'), inVnet)).toBe(false);
    expect(addressMatches({ kind: 'any' }, ip('1.2.3.4'), inVnet)).toBe(true);
  });
});
