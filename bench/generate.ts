/**
 * A generated scenario of a given size, for benchmarks and scale tests. Elements are counted as
 * the canvas will draw them (issue 5): one node per VNet, subnet, NSG, VM, NIC, load balancer,
 * frontend, pool, probe and client, and one edge per NIC→VM, NIC→pool, frontend→pool (rule) and
 * NSG→subnet.
 */
import { membersOf } from '../src/scenario/members';
import type { Scenario, VirtualMachine } from '../src/scenario/types';

export function generateScenario(targetElements: number): { scenario: Scenario; elements: number } {
  const vms: VirtualMachine[] = [];
  const subnets = [];
  // Fixed part: vnet, nsg, lb, frontend, pool, probe, client + rule edge = 8; per subnet: node + NSG edge.
  let elements = 8;
  let subnetIndex = -1;
  for (let i = 0; elements < targetElements; i++) {
    if (i % 200 === 0) {
      subnetIndex++;
      subnets.push({ name: `s${subnetIndex}`, addressPrefix: `10.1.${subnetIndex}.0/24`, networkSecurityGroup: 'nsg' });
      elements += 2;
    }
    const host = (i % 200) + 4;
    vms.push({
      name: `vm${i}`,
      os: i % 2 === 0 ? 'linux' : 'windows',
      networkInterfaces: [
        {
          name: `vm${i}-nic`,
          ipConfigurations: [
            { name: 'ipconfig1', subnet: `big/s${subnetIndex}`, privateIPAddress: `10.1.${subnetIndex}.${host}` },
          ],
        },
      ],
      listeners: [{ name: 'web', port: 80, http: { '/': 200 } }],
    });
    elements += 4; // VM, NIC, NIC→VM, NIC→pool
  }
  const scenario: Scenario = {
    format: 'hairpin-scenario',
    version: 2,
    title: `Generated: ${vms.length} VMs`,
    vnets: [{ name: 'big', addressSpace: ['10.1.0.0/16'], subnets }],
    networkSecurityGroups: [
      {
        name: 'nsg',
        securityRules: [
          {
            name: 'allow-http',
            priority: 100,
            direction: 'Inbound',
            access: 'Allow',
            protocol: 'Tcp',
            sourceAddressPrefix: '*',
            sourcePortRange: '*',
            destinationAddressPrefix: '*',
            destinationPortRange: '80',
          },
        ],
      },
    ],
    virtualMachines: vms,
    loadBalancers: [
      {
        name: 'ilb',
        frontendIPConfigurations: [{ name: 'fe', privateIPAddress: '10.1.0.250', subnet: 'big/s0' }],
        backendAddressPools: [
          { name: 'pool', loadBalancerBackendAddresses: membersOf(vms.map((vm) => `${vm.name}-nic`)) },
        ],
        probes: [{ name: 'p80', port: 80 }],
        loadBalancingRules: [
          { name: 'http', frontendIPConfiguration: 'fe', backendAddressPool: 'pool', probe: 'p80', frontendPort: 80 },
        ],
      },
    ],
    clients: [{ name: 'onprem', ipAddress: '192.168.2.1', location: 'onPremises' }],
    traffic: [{ name: 't', from: 'onprem', to: '10.1.0.250:80', connections: 10 }],
    layout: Object.fromEntries(
      vms.map((vm, i) => [`vm:${vm.name}`, { x: (i % 20) * 160, y: Math.floor(i / 20) * 120 }]),
    ),
  };
  return { scenario, elements };
}
