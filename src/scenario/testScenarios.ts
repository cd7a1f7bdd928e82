/**
 * Fixtures for the scenario tests: valid documents that exercise every kind of resource, so that
 * each rule test can start from a clean document and change one thing.
 */
import { createDefaultScenario } from './defaultScenario';
import type { Scenario } from './types';

/**
 * The default lab plus a hub VNet, an NVA behind a UDR, an NSG, a public Standard load balancer
 * with an outbound rule and an inbound NAT rule, internet clients, events and a lesson. It
 * validates with no error and no warning.
 */
export function createRichScenario(): Scenario {
  const s = createDefaultScenario();
  s.vnets = [
    {
      name: 'spoke',
      addressSpace: ['10.2.0.0/16'],
      subnets: [
        { name: 'web', addressPrefix: '10.2.1.0/24', networkSecurityGroup: 'nsg-web', routeTable: 'rt-web' },
        { name: 'nva', addressPrefix: '10.2.9.0/24' },
      ],
    },
    { name: 'hub', addressSpace: ['10.1.0.0/16'], subnets: [{ name: 'gw', addressPrefix: '10.1.0.0/24' }] },
  ];
  s.networkSecurityGroups = [
    {
      name: 'nsg-web',
      securityRules: [
        {
          name: 'allow-http-internet',
          priority: 100,
          direction: 'Inbound',
          access: 'Allow',
          protocol: 'Tcp',
          sourceAddressPrefix: 'Internet',
          sourcePortRange: '*',
          destinationAddressPrefix: '*',
          destinationPortRange: '80',
        },
        {
          name: 'allow-ssh-corp',
          priority: 110,
          direction: 'Inbound',
          access: 'Allow',
          protocol: 'Tcp',
          sourceAddressPrefixes: ['198.51.100.0/24', '203.0.113.7'],
          destinationPortRanges: ['22', '2200-2299'],
        },
        {
          name: 'allow-dns',
          priority: 120,
          direction: 'Inbound',
          access: 'Allow',
          protocol: 'Udp',
          sourceAddressPrefix: '*',
          destinationAddressPrefix: '20.50.1.11',
          destinationPortRange: '53',
        },
      ],
    },
  ];
  s.routeTables = [
    {
      name: 'rt-web',
      routes: [
        {
          name: 'to-onprem',
          addressPrefix: '192.168.0.0/16',
          nextHopType: 'VirtualAppliance',
          nextHopIpAddress: '10.2.9.4',
        },
      ],
    },
  ];
  s.virtualMachines = [
    ...(s.virtualMachines ?? []),
    {
      name: 'web02',
      os: 'linux',
      networkInterfaces: [
        {
          name: 'web02-nic1',
          ipConfigurations: [{ name: 'ipconfig1', subnet: 'spoke/web', privateIPAddress: '10.2.1.5' }],
        },
      ],
      loopbackInterfaces: [{ name: 'lo-pub', ipAddress: '20.50.1.11' }],
      listeners: [
        { name: 'nginx', port: 80, http: { '/': 200, '/health': 200 } },
        { name: 'app', protocol: 'Udp', address: '20.50.1.11', port: 53 },
        { name: 'proxy', address: '127.0.0.1', port: 8080, proxyTo: ['10.2.1.4:80'] },
      ],
      routes: [{ addressPrefix: '10.9.0.0/16', interface: 'web02-nic1', nextHop: '10.2.1.1' }],
      firewall: {
        rules: [
          {
            name: 'block-telnet',
            direction: 'Inbound',
            action: 'Block',
            protocol: 'Tcp',
            localPorts: '23,2323',
            remoteAddresses: '10.0.0.0/8, 192.168.1.1-192.168.1.9',
          },
        ],
      },
    },
    {
      name: 'nva01',
      ipForwarding: true,
      networkInterfaces: [
        {
          name: 'nva01-nic1',
          ipConfigurations: [{ name: 'ipconfig1', subnet: 'spoke/nva', privateIPAddress: '10.2.9.4' }],
          enableIPForwarding: true,
        },
      ],
    },
  ];
  s.loadBalancers = [
    ...(s.loadBalancers ?? []),
    {
      name: 'plb',
      sku: 'Standard',
      frontendIPConfigurations: [
        { name: 'fe-pub', publicIPAddress: '20.50.1.10' },
        { name: 'fe-dns', publicIPAddress: '20.50.1.11' },
      ],
      backendAddressPools: [
        { name: 'web', loadBalancerBackendAddresses: [{ networkInterfaceIPConfiguration: 'web02-nic1/ipconfig1' }] },
      ],
      probes: [{ name: 'http-health', protocol: 'Http', port: 80, requestPath: '/health' }],
      loadBalancingRules: [
        {
          name: 'http',
          frontendIPConfiguration: 'fe-pub',
          backendAddressPool: 'web',
          probe: 'http-health',
          frontendPort: 80,
          disableOutboundSnat: true,
        },
        {
          name: 'dns',
          frontendIPConfiguration: 'fe-dns',
          backendAddressPool: 'web',
          probe: 'http-health',
          protocol: 'Udp',
          frontendPort: 53,
          enableFloatingIP: true,
        },
      ],
      inboundNatRules: [
        {
          name: 'ssh-web02',
          frontendIPConfiguration: 'fe-pub',
          frontendPort: 50001,
          backendPort: 22,
          networkInterface: 'web02-nic1',
        },
      ],
      outboundRules: [
        {
          name: 'out',
          frontendIPConfigurations: ['fe-pub'],
          backendAddressPool: 'web',
          allocatedOutboundPorts: 1024,
        },
      ],
    },
  ];
  s.clients = [
    ...(s.clients ?? []),
    { name: 'users', ipAddress: '203.0.113.0/24', count: 200 },
    { name: 'echo', ipAddress: '198.51.100.7', listeners: [{ name: 'http', port: 80 }] },
  ];
  s.traffic = [
    ...(s.traffic ?? []),
    { name: 'users-to-web', from: 'users', to: '20.50.1.10:80', connections: 200, http: '/' },
    { name: 'ping-web01', from: 'web02', to: '10.2.1.4', protocol: 'Icmp' },
    { name: 'web02-out', from: 'web02', to: '198.51.100.7:80', duration: 30, dataEvery: 10 },
  ];
  s.events = [
    { at: 30, action: 'stopVm', vm: 'web02' },
    { at: 35, action: 'startVm', vm: 'web02' },
    { at: 40, action: 'removePoolMember', loadBalancer: 'plb', pool: 'web', networkInterface: 'web02-nic1' },
    { at: 45, action: 'addPoolMember', loadBalancer: 'plb', pool: 'web', networkInterface: 'web02-nic1' },
    { at: 50, action: 'setListener', vm: 'web02', listener: 'nginx', http: { '/health': 500 } },
    {
      at: 55,
      action: 'setSecurityRule',
      networkSecurityGroup: 'nsg-web',
      rule: { name: 'deny-all', priority: 4000, direction: 'Inbound', access: 'Deny' },
    },
    { at: 60, action: 'removeSecurityRule', networkSecurityGroup: 'nsg-web', rule: 'deny-all' },
    { at: 65, action: 'setProbe', loadBalancer: 'ilb', probe: { name: 'p80', port: 80, intervalInSeconds: 5 } },
    {
      at: 70,
      action: 'setRule',
      loadBalancer: 'ilb',
      rule: { name: 'http', frontendIPConfiguration: 'fe', backendAddressPool: 'pool', probe: 'p80', frontendPort: 80 },
    },
    {
      at: 75,
      action: 'setFirewallRule',
      vm: 'web01',
      rule: { name: 'block-probe', direction: 'Inbound', action: 'Block', remoteAddresses: '168.63.129.16' },
    },
    { at: 80, action: 'removeFirewallRule', vm: 'web01', rule: 'block-probe' },
    { at: 85, action: 'removeListener', vm: 'web02', listener: 'proxy' },
  ];
  s.lesson = {
    goal: 'Keep the site up.',
    checks: [
      { name: 'on-premises reaches the VIP', traffic: 'onprem-to-vip', expect: 'established', all: true },
      { name: 'ping answered', traffic: 'ping-web01', expect: 'answered' },
      { name: 'web01 up', loadBalancer: 'ilb', probe: 'p80', member: 'web01-nic1', expect: 'up' },
    ],
  };
  return s;
}
