/**
 * Route tables (rules/routeTable.ts), beyond the one-per-rule tests of rules.test.ts: what an
 * appliance lacks to forward, said exactly.
 */

import { describe, expect, it } from 'vitest';
import { createRichScenario } from '../testScenarios';
import type { Scenario, VirtualMachine } from '../types';
import { validateScenario } from '../validate';

/** The rich fixture's appliance nva01 (10.2.9.4, the next hop of rt-web), forwarding as given. */
function appliance(vmForwards: boolean, nicForwards: boolean) {
  const s: Scenario = createRichScenario();
  const nva = (s.virtualMachines as VirtualMachine[])[2] as VirtualMachine;
  nva.ipForwarding = vmForwards;
  (nva.networkInterfaces[0] as { enableIPForwarding?: boolean }).enableIPForwarding = nicForwards;
  return validateScenario(s).warnings.filter((w) => w.path === 'routeTables[0].routes[0].nextHopIpAddress');
}
const warning = (needs: string) => ({
  path: 'routeTables[0].routes[0].nextHopIpAddress',
  message: `the appliance 10.2.9.4 will drop forwarded packets: it needs ${needs}`,
});

describe('an appliance that does not forward', () => {
  it('forwarding on the VM and on its NIC: no warning', () => {
    expect(appliance(true, true)).toEqual([]);
  });
  it('the VM does not forward', () => {
    expect(appliance(false, true)).toEqual([warning('ipForwarding on virtual machine "nva01"')]);
  });
  it('the NIC does not forward', () => {
    expect(appliance(true, false)).toEqual([warning('enableIPForwarding on network interface "nva01-nic1"')]);
  });
  it('neither: both, joined', () => {
    expect(appliance(false, false)).toEqual([
      warning('enableIPForwarding on network interface "nva01-nic1" and ipForwarding on virtual machine "nva01"'),
    ]);
  });
});
