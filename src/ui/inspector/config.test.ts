import { describe, expect, it } from 'vitest';
import { securityRuleSummary } from './config';

describe('securityRuleSummary', () => {
  it('says what a rule matches, as the portal would: action, protocol and ports, source', () => {
    expect(
      securityRuleSummary({
        access: 'Deny',
        protocol: 'Tcp',
        destinationPortRange: '80',
        sourceAddressPrefix: '192.168.0.0/16',
      }),
    ).toBe('Deny · TCP 80 · from 192.168.0.0/16');
  });

  it('joins the plural fields and reads "*" and missing fields as any', () => {
    expect(
      securityRuleSummary({
        access: 'Allow',
        protocol: '*',
        destinationPortRanges: ['80', '443'],
        sourceAddressPrefixes: ['10.0.0.0/8', 'VirtualNetwork'],
      }),
    ).toBe('Allow · any protocol 80, 443 · from 10.0.0.0/8, VirtualNetwork');
    expect(securityRuleSummary({ access: 'Deny', protocol: 'Udp', destinationPortRange: '*' })).toBe(
      'Deny · UDP · from any',
    );
  });
});
