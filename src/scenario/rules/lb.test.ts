/**
 * Load balancers (rules/lb.ts), beyond the one-per-rule tests of rules.test.ts: the rules no test
 * reached when lb.ts was first measured (inbound NAT port 65535, a NAT rule's NIC outside an
 * internal load balancer's VNet, TCP reset on a Udp outbound rule).
 */

import { describe, expect, it } from 'vitest';
import { nicWithAddress } from '../members';
import { createRichScenario } from '../testScenarios';
import type { LoadBalancer, Scenario } from '../types';
import { validateScenario } from '../validate';

function rich(change: (s: Scenario) => void) {
  const s = createRichScenario();
  change(s);
  return validateScenario(s);
}
const lb = (s: Scenario, i: number) => (s.loadBalancers as LoadBalancer[])[i] as LoadBalancer;
const at = (list: { path: string; message: string }[], path: string) => list.filter((d) => d.path === path);

describe('inbound NAT rules', () => {
  it('a frontend port goes up to 65534', () => {
    const path = 'loadBalancers[1].inboundNatRules[0].frontendPort';
    expect(
      at(rich((s) => Object.assign(lb(s, 1).inboundNatRules?.[0] as object, { frontendPort: 65535 })).errors, path),
    ).toEqual([{ path, message: 'an inbound NAT rule frontend port goes up to 65534, got 65535' }]);
    expect(
      at(rich((s) => Object.assign(lb(s, 1).inboundNatRules?.[0] as object, { frontendPort: 65534 })).errors, path),
    ).toEqual([]);
  });
  it("an internal load balancer's NAT rule names a NIC of its own VNet", () => {
    const path = 'loadBalancers[0].inboundNatRules[0].networkInterface';
    const withNat = (nic: string) =>
      rich((s) => {
        s.virtualMachines?.push({
          name: 'hub01',
          networkInterfaces: [nicWithAddress('hub01-nic1', 'hub/gw', '10.1.0.4')],
        });
        lb(s, 0).inboundNatRules = [
          { name: 'ssh', frontendIPConfiguration: 'fe', frontendPort: 50022, backendPort: 22, networkInterface: nic },
        ];
      });
    expect(at(withNat('hub01-nic1').errors, path)).toEqual([
      { path, message: `"hub01-nic1" is in virtual network "hub", outside the internal load balancer's "spoke"` },
    ]);
    expect(at(withNat('web01-nic1').errors, path)).toEqual([]);
  });
});

describe('outbound rules', () => {
  it('TCP reset on a Udp outbound rule does nothing: warning', () => {
    const path = 'loadBalancers[1].outboundRules[0].enableTcpReset';
    const warned = (protocol: 'Udp' | 'Tcp' | 'All') =>
      at(
        rich((s) => Object.assign(lb(s, 1).outboundRules?.[0] as object, { protocol, enableTcpReset: true })).warnings,
        path,
      );
    expect(warned('Udp')).toEqual([{ path, message: 'TCP reset does nothing on a Udp outbound rule' }]);
    expect(warned('Tcp')).toEqual([]);
    expect(warned('All')).toEqual([]);
  });
});
