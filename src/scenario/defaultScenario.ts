import type { Scenario } from './types';

/**
 * The scenario a first visit opens: the lab of the ILB hairpin write-up §2 ("Lab Topology", "2.1 Baseline").
 * An on-premises Windows client (192.168.2.1) reaches IIS on web01 (10.2.1.4) through the
 * internal Standard load balancer's frontend 10.2.1.100:80; a TCP probe watches port 80.
 */
export function createDefaultScenario(): Scenario {
  return {
    format: 'hairpin-scenario',
    version: 2,
    title: 'ILB hairpin lab',
    description:
      'The lab of the ILB hairpin write-up: an on-premises client loads a page from web01 through the internal load balancer frontend 10.2.1.100.',
    seed: 1,
    vnets: [
      {
        name: 'spoke',
        addressSpace: ['10.2.0.0/16'],
        subnets: [{ name: 'web', addressPrefix: '10.2.1.0/24' }],
      },
    ],
    virtualMachines: [
      {
        name: 'web01',
        os: 'windows',
        networkInterfaces: [
          {
            name: 'web01-nic1',
            ipConfigurations: [{ name: 'ipconfig1', subnet: 'spoke/web', privateIPAddress: '10.2.1.4' }],
          },
        ],
        listeners: [{ name: 'iis', protocol: 'Tcp', address: '0.0.0.0', port: 80, http: { '/': 200 } }],
      },
    ],
    loadBalancers: [
      {
        name: 'ilb',
        sku: 'Standard',
        frontendIPConfigurations: [{ name: 'fe', privateIPAddress: '10.2.1.100', subnet: 'spoke/web' }],
        backendAddressPools: [
          { name: 'pool', loadBalancerBackendAddresses: [{ networkInterfaceIPConfiguration: 'web01-nic1/ipconfig1' }] },
        ],
        probes: [{ name: 'p80', protocol: 'Tcp', port: 80, intervalInSeconds: 5 }],
        loadBalancingRules: [
          {
            name: 'http',
            frontendIPConfiguration: 'fe',
            backendAddressPool: 'pool',
            probe: 'p80',
            protocol: 'Tcp',
            frontendPort: 80,
            backendPort: 80,
          },
        ],
      },
    ],
    clients: [{ name: 'onprem', os: 'windows', ipAddress: '192.168.2.1', location: 'onPremises' }],
    traffic: [
      { name: 'onprem-to-vip', from: 'onprem', to: '10.2.1.100:80', protocol: 'Tcp', connections: 3, http: '/' },
    ],
    layout: {
      'client:onprem': { x: 40, y: 220 },
      'gateway:onPremises': { x: 220, y: 220 },
      'vnet:spoke': { x: 360, y: 40, width: 760, height: 440 },
      'subnet:spoke/web': { x: 380, y: 100, width: 720, height: 360 },
      'lb:ilb': { x: 420, y: 160 },
      'frontend:ilb/fe': { x: 420, y: 240 },
      'pool:ilb/pool': { x: 640, y: 240 },
      'probe:ilb/p80': { x: 640, y: 360 },
      'vm:web01': { x: 860, y: 220 },
      'nic:web01-nic1': { x: 860, y: 320 },
    },
  };
}
