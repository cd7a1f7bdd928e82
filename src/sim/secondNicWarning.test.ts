/**
 * The second-NIC workaround on a Linux guest (the ILB hairpin write-up §3.1): validation's warning
 * must say what the engine then does — a martian source dropped, or with acceptLocal a SYN-ACK
 * that matches no connecting socket — so each variant is run and the code compared.
 */
import { describe, expect, it } from 'vitest';
import { createDefaultScenario } from '../scenario/defaultScenario';
import { nicWithAddress } from '../scenario/members';
import type { Scenario } from '../scenario/types';
import { validateScenario } from '../scenario/validate';
import { runScenario } from './simulate';

function secondNic(acceptLocal: boolean): Scenario {
  const s = createDefaultScenario();
  const vm = s.virtualMachines?.[0];
  if (vm === undefined) throw new Error('no VM');
  vm.os = 'linux';
  vm.listeners = [{ name: 'nginx', port: 80, http: { '/': 200 } }];
  if (acceptLocal) vm.linux = { acceptLocal: true };
  vm.networkInterfaces.push(nicWithAddress('web01-nic2', 'spoke/web', '10.2.1.5'));
  vm.routes = [{ addressPrefix: '10.2.1.100/32', interface: 'web01-nic2', nextHop: '10.2.1.1' }];
  s.traffic = [{ name: 'self', from: 'web01', to: '10.2.1.100:80', connections: 1 }];
  return s;
}

describe('the second-NIC workaround on Linux: the warning names what the engine does', () => {
  it.each([
    [false, 'GUEST_MARTIAN_SOURCE'],
    [true, 'TCP_SYNACK_MISMATCH'],
  ])('acceptLocal %s → %s', (acceptLocal, code) => {
    const s = secondNic(acceptLocal);
    const { errors, warnings } = validateScenario(s);
    expect(errors).toEqual([]);
    const warning = warnings.find((w) => w.path === 'traffic[0].to')?.message ?? '';
    expect(warning).toContain(`(${code}`);
    const result = runScenario(s);
    const connection = result.connections[0];
    expect(connection?.outcome).toBe('timeout');
    expect(connection?.reason?.code).toBe(code);
  });
});
