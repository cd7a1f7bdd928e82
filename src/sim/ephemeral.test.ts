/**
 * A guest that runs out of ephemeral ports: connect() fails before a packet leaves (the project's
 * GUEST_NO_EPHEMERAL_PORT), instead of the engine giving up. The situation is “Troubleshoot Azure Load Balancer”'s clients
 * behind a proxy taken to the extreme: one proxy address opening more connections than its
 * Linux range (32768–60999, 28,232 ports) while each still holds its port.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../scenario/types';
import { runScenarioBulk } from './simulate';

const FILE = fileURLToPath(new URL('../../public/library/clients-behind-proxy.json', import.meta.url));
const LINUX_RANGE = 60999 - 32768 + 1;

function proxyOpening(connections: number): Scenario {
  const s = JSON.parse(readFileSync(FILE, 'utf8')) as Scenario;
  return {
    ...s,
    lesson: undefined,
    // Every SYN is held unanswered: the proxy's connections keep their ports until they time out.
    networkSecurityGroups: (s.networkSecurityGroups ?? []).map((n) => ({
      ...n,
      securityRules: [
        {
          name: 'deny-proxy',
          priority: 100,
          direction: 'Inbound',
          access: 'Deny',
          protocol: '*',
          sourceAddressPrefix: '198.51.100.7',
          destinationPortRange: '*',
        },
        ...n.securityRules,
      ],
    })),
    traffic: [
      { name: 'partner', from: 'corp-proxy', to: '20.50.1.10:80', protocol: 'Tcp', connections, interval: 0.001 },
    ],
  };
}

describe('a client out of ephemeral ports', () => {
  it('uses every port of its range, then fails the rest with GUEST_NO_EPHEMERAL_PORT', () => {
    const result = runScenarioBulk(proxyOpening(LINUX_RANGE + 25));
    // Every port was used (the seeded draws miss near the end; a scan finds the last free ones).
    expect(result.reasons.GUEST_NO_EPHEMERAL_PORT).toBe(25);
    expect(result.reasons.NSG_DENY).toBe(LINUX_RANGE);
  });
});
