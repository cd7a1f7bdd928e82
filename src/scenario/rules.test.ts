/**
 * One test per rule of rules/ (one file per kind): start from a valid scenario (the default lab, or the rich
 * fixture), change one thing, and assert the exact path and the telling part of the message.
 */

import { describe, expect, it } from 'vitest';
import { createDefaultScenario } from './defaultScenario';
import { membersOf, nicWithAddress } from './members';
import { createRichScenario } from './testScenarios';
import type {
  Client,
  LoadBalancer,
  NetworkSecurityGroup,
  Scenario,
  SecurityRule,
  Traffic,
  VirtualMachine,
  VirtualNetwork,
} from './types';
import { validateScenario } from './validate';

type Change = (s: Scenario) => void;

function validate(change: Change, base: () => Scenario = createDefaultScenario) {
  const s = base();
  change(s);
  return validateScenario(s);
}
const rich = (change: Change) => validate(change, createRichScenario);

const at = (path: string, fragment: string) => ({ path, message: expect.stringContaining(fragment) });

function expectError(result: ReturnType<typeof validateScenario>, path: string, fragment: string): void {
  expect(result.errors).toContainEqual(at(path, fragment));
}
function expectWarning(result: ReturnType<typeof validateScenario>, path: string, fragment: string): void {
  expect(result.warnings).toContainEqual(at(path, fragment));
}

// Accessors for the fixtures (their shape is fixed by createDefaultScenario and createRichScenario).
const vnet = (s: Scenario, i = 0) => (s.vnets as VirtualNetwork[])[i] as VirtualNetwork;
const vm = (s: Scenario, i = 0) => (s.virtualMachines as VirtualMachine[])[i] as VirtualMachine;
const lb = (s: Scenario, i = 0) => (s.loadBalancers as LoadBalancer[])[i] as LoadBalancer;
const nsg = (s: Scenario) => (s.networkSecurityGroups as NetworkSecurityGroup[])[0] as NetworkSecurityGroup;
const client = (s: Scenario, i = 0) => (s.clients as Client[])[i] as Client;
const traffic = (s: Scenario, i = 0) => (s.traffic as Traffic[])[i] as Traffic;
const first = <T>(list: T[] | undefined): T => (list as T[])[0] as T;
const second = <T>(list: T[] | undefined): T => (list as T[])[1] as T;

describe('the fixtures are valid', () => {
  it('the default scenario has no error and no warning', () => {
    expect(validateScenario(createDefaultScenario())).toEqual({ errors: [], warnings: [] });
  });
  it('the rich scenario has no error and no warning', () => {
    expect(validateScenario(createRichScenario())).toEqual({ errors: [], warnings: [] });
  });
});

describe('address prefixes', () => {
  it('a VNet address space must be CIDR', () => {
    expectError(
      validate((s) => (vnet(s).addressSpace = ['10.2.0.0'])),
      'vnets[0].addressSpace[0]',
      'is not an address prefix',
    );
  });
  it('a subnet prefix with host bits set is invalid, with the prefix it meant', () => {
    expectError(
      validate((s) => (first(vnet(s).subnets).addressPrefix = '10.2.1.5/24')),
      'vnets[0].subnets[0].addressPrefix',
      'host bits are set past /24 (did you mean 10.2.1.0/24?)',
    );
  });
  it('a route prefix must be CIDR', () => {
    expectError(
      rich((s) => (first(first(s.routeTables).routes).addressPrefix = '192.168.0.0/33')),
      'routeTables[0].routes[0].addressPrefix',
      '"192.168.0.0/33" is not an address prefix',
    );
  });
  it('a guest route prefix must be CIDR', () => {
    expectError(
      rich((s) => (first(vm(s, 1).routes).addressPrefix = '10.9.0.0/ab')),
      'virtualMachines[1].routes[0].addressPrefix',
      'is not an address prefix',
    );
  });
  it('a VNet cannot use a range Azure reserves', () => {
    expectError(
      validate((s) => vnet(s).addressSpace.push('169.254.0.0/16')),
      'vnets[0].addressSpace[1]',
      'link-local',
    );
  });
  it('two ranges of one VNet cannot overlap', () => {
    expectError(
      validate((s) => vnet(s).addressSpace.push('10.2.128.0/17')),
      'vnets[0].addressSpace[1]',
      'overlaps 10.2.0.0/16, another range of this virtual network',
    );
  });
  it('a subnet lies inside its VNet', () => {
    expectError(
      validate((s) => (first(vnet(s).subnets).addressPrefix = '10.3.1.0/24')),
      'vnets[0].subnets[0].addressPrefix',
      'outside the address space of virtual network "spoke" (10.2.0.0/16)',
    );
  });
  it('subnets of one VNet do not overlap', () => {
    expectError(
      rich((s) => (second(vnet(s).subnets).addressPrefix = '10.2.1.128/25')),
      'vnets[0].subnets[1].addressPrefix',
      'overlaps subnet "web" (10.2.1.0/24)',
    );
  });
  it("a subnet is at least Azure's smallest, a /29", () => {
    expectError(
      rich((s) => (second(vnet(s).subnets).addressPrefix = '10.2.9.0/30')),
      'vnets[0].subnets[1].addressPrefix',
      "Azure's smallest subnet is a /29",
    );
  });
  it('VNets with overlapping address spaces cannot be peered', () => {
    expectError(
      rich((s) => (vnet(s, 1).addressSpace = ['10.2.200.0/24'])),
      'vnets[1].addressSpace[0]',
      'overlaps 10.2.0.0/16 of virtual network "spoke": overlapping virtual networks cannot be peered',
    );
  });
});

describe('NSG rules', () => {
  const rule = (s: Scenario, i = 0) => nsg(s).securityRules[i] as SecurityRule;
  it('an address prefix is *, a tag, a CIDR or an address', () => {
    expectError(
      rich((s) => (rule(s).destinationAddressPrefix = '10.2.1.300')),
      'networkSecurityGroups[0].securityRules[0].destinationAddressPrefix',
      'is not an address prefix',
    );
  });
  it('a service tag is case-sensitive, with a did-you-mean', () => {
    expectError(
      rich((s) => (rule(s).sourceAddressPrefix = 'internet')),
      'networkSecurityGroups[0].securityRules[0].sourceAddressPrefix',
      '"internet" is not a service tag: tags are written exactly "Internet"',
    );
  });
  it('an unknown word is neither a tag nor a prefix', () => {
    expectError(
      rich((s) => (rule(s).sourceAddressPrefix = 'Storage')),
      'networkSecurityGroups[0].securityRules[0].sourceAddressPrefix',
      'not an address prefix or a service tag',
    );
  });
  it('a CIDR prefix with host bits set is refused', () => {
    expectError(
      rich((s) => (rule(s).destinationAddressPrefix = '10.2.1.4/24')),
      'networkSecurityGroups[0].securityRules[0].destinationAddressPrefix',
      'host bits are set',
    );
  });
  it('a port range is *, a port or low-high', () => {
    expectError(
      rich((s) => (rule(s).destinationPortRange = '80,443')),
      'networkSecurityGroups[0].securityRules[0].destinationPortRange',
      'is not a port range',
    );
  });
  it('a port range starts at or below where it ends', () => {
    expectError(
      rich((s) => (rule(s).destinationPortRange = '9000-8000')),
      'networkSecurityGroups[0].securityRules[0].destinationPortRange',
      'starts above where it ends',
    );
  });
  it('ports go to 65535', () => {
    expectError(
      rich((s) => (rule(s).sourcePortRange = '70000')),
      'networkSecurityGroups[0].securityRules[0].sourcePortRange',
      'ports go from 0 to 65535',
    );
  });
  it('an item of a plural list is checked at its index', () => {
    expectError(
      rich((s) => (rule(s, 1).destinationPortRanges = ['22', 'ssh'])),
      'networkSecurityGroups[0].securityRules[1].destinationPortRanges[1]',
      '"ssh" is not a port range',
    );
  });
  it('the singular and plural forms cannot both be set', () => {
    expectError(
      rich((s) => (rule(s, 1).sourceAddressPrefix = '10.0.0.0/8')),
      'networkSecurityGroups[0].securityRules[1].sourceAddressPrefixes',
      'set either sourceAddressPrefix or sourceAddressPrefixes, not both',
    );
  });
  it('the plural form holds no service tag', () => {
    expectError(
      rich((s) => (rule(s, 1).sourceAddressPrefixes = ['198.51.100.0/24', 'VirtualNetwork'])),
      'networkSecurityGroups[0].securityRules[1].sourceAddressPrefixes[1]',
      'Azure accepts "*" and service tags only in sourceAddressPrefix',
    );
  });
  it('two rules of one direction cannot share a priority', () => {
    expectError(
      rich((s) => (rule(s, 1).priority = 100)),
      'networkSecurityGroups[0].securityRules[1].priority',
      'priority 100 is already used by inbound rule "allow-http-internet"',
    );
  });
  it('the same priority in the other direction is fine', () => {
    const result = rich((s) => {
      rule(s, 1).priority = 100;
      rule(s, 1).direction = 'Outbound';
    });
    expect(result.errors).toEqual([]);
  });
  it('security rule names are unique within their NSG', () => {
    expectError(
      rich((s) => (rule(s, 1).name = 'allow-http-internet')),
      'networkSecurityGroups[0].securityRules[1].name',
      'another security rule in network security group "nsg-web" is already named "allow-http-internet"',
    );
  });
});

describe('duplicate names', () => {
  it('VNets', () => {
    expectError(
      rich((s) => (vnet(s, 1).name = 'spoke')),
      'vnets[1].name',
      'another virtual network is already named "spoke" (vnets[0])',
    );
  });
  it('NSGs', () => {
    expectError(
      rich((s) => s.networkSecurityGroups?.push({ name: 'nsg-web', securityRules: [] })),
      'networkSecurityGroups[1].name',
      'duplicate name',
    );
  });
  it('route tables', () => {
    expectError(
      rich((s) => s.routeTables?.push({ name: 'rt-web', routes: [] })),
      'routeTables[1].name',
      'duplicate name',
    );
  });
  it('VMs', () => {
    expectError(
      rich((s) => (vm(s, 2).name = 'web01')),
      'virtualMachines[2].name',
      'another virtual machine is already named "web01"',
    );
  });
  it('NICs across the whole scenario', () => {
    expectError(
      rich((s) => (first(vm(s, 2).networkInterfaces).name = 'web01-nic1')),
      'virtualMachines[2].networkInterfaces[0].name',
      'another network interface in the scenario is already named "web01-nic1" (virtualMachines[0].networkInterfaces[0])',
    );
  });
  it('load balancers', () => {
    expectError(
      rich((s) => (lb(s, 1).name = 'ilb')),
      'loadBalancers[1].name',
      'another load balancer is already named "ilb"',
    );
  });
  it('clients', () => {
    expectError(
      rich((s) => (client(s, 1).name = 'onprem')),
      'clients[1].name',
      'another client is already named "onprem"',
    );
  });
  it('traffic', () => {
    expectError(
      rich((s) => (traffic(s, 1).name = 'onprem-to-vip')),
      'traffic[1].name',
      'another traffic is already named',
    );
  });
  it('subnets within their VNet', () => {
    expectError(
      rich((s) => (second(vnet(s).subnets).name = 'web')),
      'vnets[0].subnets[1].name',
      'another subnet in virtual network "spoke" is already named "web"',
    );
  });
  it('a subnet name may repeat in another VNet', () => {
    expect(rich((s) => (first(vnet(s, 1).subnets).name = 'web')).errors).toEqual([]);
  });
  it('frontends within their load balancer', () => {
    expectError(
      rich((s) => (second(lb(s, 1).frontendIPConfigurations).name = 'fe-pub')),
      'loadBalancers[1].frontendIPConfigurations[1].name',
      'another frontend IP configuration in load balancer "plb" is already named "fe-pub"',
    );
  });
  it('pools, probes, rules, NAT rules and outbound rules within their load balancer', () => {
    const result = rich((s) => {
      const l = lb(s, 1);
      l.backendAddressPools.push({ name: 'web', loadBalancerBackendAddresses: [] });
      l.probes?.push({ name: 'http-health', port: 80 });
      second(l.loadBalancingRules).name = 'http';
      l.inboundNatRules?.push({ ...first(l.inboundNatRules), frontendPort: 50002 });
      l.outboundRules?.push({ ...first(l.outboundRules) });
    });
    expectError(result, 'loadBalancers[1].backendAddressPools[1].name', 'another backend pool in load balancer "plb"');
    expectError(result, 'loadBalancers[1].probes[1].name', 'another health probe in load balancer "plb"');
    expectError(
      result,
      'loadBalancers[1].loadBalancingRules[1].name',
      'another load-balancing rule in load balancer "plb"',
    );
    expectError(result, 'loadBalancers[1].inboundNatRules[1].name', 'another inbound NAT rule in load balancer "plb"');
    expectError(result, 'loadBalancers[1].outboundRules[1].name', 'another outbound rule in load balancer "plb"');
  });
  it('loopbacks and listeners within their VM', () => {
    const result = rich((s) => {
      vm(s, 1).loopbackInterfaces?.push({ name: 'lo-pub', ipAddress: '20.50.1.12' });
      second(vm(s, 1).listeners).name = 'nginx';
    });
    expectError(
      result,
      'virtualMachines[1].loopbackInterfaces[1].name',
      'another loopback interface on virtual machine "web02"',
    );
    expectError(result, 'virtualMachines[1].listeners[1].name', 'another listener on virtual machine "web02"');
  });
  it('firewall rules within their VM', () => {
    expectError(
      rich((s) => vm(s, 1).firewall?.rules?.push({ name: 'block-telnet', direction: 'Outbound', action: 'Allow' })),
      'virtualMachines[1].firewall.rules[1].name',
      'another firewall rule on virtual machine "web02"',
    );
  });
  it('routes within their route table', () => {
    expectError(
      rich((s) =>
        first(s.routeTables).routes.push({ name: 'to-onprem', addressPrefix: '0.0.0.0/0', nextHopType: 'Internet' }),
      ),
      'routeTables[0].routes[1].name',
      'another route in route table "rt-web"',
    );
  });
});

describe('dangling references', () => {
  it('a NIC subnet reference is vnet/subnet', () => {
    expectError(
      validate((s) => (first(first(vm(s).networkInterfaces).ipConfigurations).subnet = 'web')),
      'virtualMachines[0].networkInterfaces[0].ipConfigurations[0].subnet',
      'is not a subnet reference: write "vnetName/subnetName"',
    );
  });
  it('a NIC names an existing VNet', () => {
    expectError(
      validate((s) => (first(first(vm(s).networkInterfaces).ipConfigurations).subnet = 'hub/web')),
      'virtualMachines[0].networkInterfaces[0].ipConfigurations[0].subnet',
      'no virtual network named "hub" (it has: spoke)',
    );
  });
  it('a NIC names an existing subnet, with a did-you-mean', () => {
    expectError(
      validate((s) => (first(first(vm(s).networkInterfaces).ipConfigurations).subnet = 'spoke/Web')),
      'virtualMachines[0].networkInterfaces[0].ipConfigurations[0].subnet',
      'no subnet named "Web" in virtual network "spoke" (did you mean "web"?) (it has: web)',
    );
  });
  it('a frontend names an existing subnet', () => {
    expectError(
      validate((s) => (first(lb(s).frontendIPConfigurations).subnet = 'spoke/db')),
      'loadBalancers[0].frontendIPConfigurations[0].subnet',
      'no subnet named "db"',
    );
  });
  it('a subnet names an existing NSG and route table', () => {
    const result = rich((s) => {
      const subnet = first(vnet(s).subnets);
      subnet.networkSecurityGroup = 'nsg-db';
      subnet.routeTable = 'rt-db';
    });
    expectError(
      result,
      'vnets[0].subnets[0].networkSecurityGroup',
      'no network security group named "nsg-db" (it has: nsg-web)',
    );
    expectError(result, 'vnets[0].subnets[0].routeTable', 'no route table named "rt-db" (it has: rt-web)');
  });
  it('a NIC names an existing NSG', () => {
    expectError(
      validate((s) => (first(vm(s).networkInterfaces).networkSecurityGroup = 'nsg-nic')),
      'virtualMachines[0].networkInterfaces[0].networkSecurityGroup',
      'no network security group named "nsg-nic" (it has none)',
    );
  });
  it('a rule names an existing frontend, pool and probe', () => {
    const result = validate((s) => {
      const r = first(lb(s).loadBalancingRules);
      r.frontendIPConfiguration = 'fe2';
      r.backendAddressPool = 'pool2';
      r.probe = 'p81';
    });
    expectError(
      result,
      'loadBalancers[0].loadBalancingRules[0].frontendIPConfiguration',
      'no frontend IP configuration named "fe2" in load balancer "ilb" (it has: fe)',
    );
    expectError(
      result,
      'loadBalancers[0].loadBalancingRules[0].backendAddressPool',
      'no backend pool named "pool2" in load balancer "ilb" (it has: pool)',
    );
    expectError(
      result,
      'loadBalancers[0].loadBalancingRules[0].probe',
      'no health probe named "p81" in load balancer "ilb" (it has: p80)',
    );
  });
  it('a NAT rule names an existing frontend and NIC', () => {
    const result = rich((s) => {
      const r = first(lb(s, 1).inboundNatRules);
      r.frontendIPConfiguration = 'fe';
      r.networkInterface = 'web03-nic1';
    });
    expectError(
      result,
      'loadBalancers[1].inboundNatRules[0].frontendIPConfiguration',
      'no frontend IP configuration named "fe" in load balancer "plb"',
    );
    expectError(
      result,
      'loadBalancers[1].inboundNatRules[0].networkInterface',
      'no network interface named "web03-nic1" in the scenario',
    );
  });
  it('an outbound rule names existing frontends and pool', () => {
    const result = rich((s) => {
      const r = first(lb(s, 1).outboundRules);
      r.frontendIPConfigurations = ['fe-pub', 'fe-out'];
      r.backendAddressPool = 'all';
    });
    expectError(
      result,
      'loadBalancers[1].outboundRules[0].frontendIPConfigurations[1]',
      'no frontend IP configuration named "fe-out"',
    );
    expectError(result, 'loadBalancers[1].outboundRules[0].backendAddressPool', 'no backend pool named "all"');
  });
  it('a pool lists existing NICs', () => {
    expectError(
      validate((s) => first(lb(s).backendAddressPools).loadBalancerBackendAddresses.push(...membersOf(['web02-nic1']))),
      'loadBalancers[0].backendAddressPools[0].loadBalancerBackendAddresses[1].networkInterfaceIPConfiguration',
      'no network interface named "web02-nic1" in the scenario (it has: web01-nic1)',
    );
  });
  it('a pool lists a NIC once', () => {
    expectError(
      validate((s) => first(lb(s).backendAddressPools).loadBalancerBackendAddresses.push(...membersOf(['web01-nic1']))),
      'loadBalancers[0].backendAddressPools[0].loadBalancerBackendAddresses[1].networkInterfaceIPConfiguration',
      'is already a member of this pool',
    );
  });
  it('a pool member names an IP configuration as nic/ipconfig', () => {
    const member =
      'loadBalancers[0].backendAddressPools[0].loadBalancerBackendAddresses[0].networkInterfaceIPConfiguration';
    const setMember = (ref: string) =>
      validate((s) => {
        first(first(lb(s).backendAddressPools).loadBalancerBackendAddresses).networkInterfaceIPConfiguration = ref;
      });
    expectError(
      setMember('web01-nic1'),
      member,
      '"web01-nic1" is not an IP configuration reference: write "nicName/ipConfigurationName", for example "web01-nic1/ipconfig1"',
    );
    expectError(
      setMember('web01-nic1/ipconfig2'),
      member,
      'no IP configuration named "ipconfig2" on network interface "web01-nic1" (it has: ipconfig1)',
    );
    expectError(setMember('web09-nic1/ipconfig1'), member, 'no network interface named "web09-nic1" in the scenario');
    expect(setMember('web01-nic1/ipconfig1').errors).toEqual([]);
  });
  it('a renamed IP configuration is the one the pool names', () => {
    const result = validate((s) => {
      first(first(vm(s).networkInterfaces).ipConfigurations).name = 'primary';
    });
    expectError(
      result,
      'loadBalancers[0].backendAddressPools[0].loadBalancerBackendAddresses[0].networkInterfaceIPConfiguration',
      'no IP configuration named "ipconfig1" on network interface "web01-nic1" (it has: primary)',
    );
  });
  it('a NIC has one IP configuration: a secondary one is refused, saying it is not simulated', () => {
    const result = validate((s) => {
      first(vm(s).networkInterfaces).ipConfigurations.push({
        name: 'ipconfig2',
        subnet: 'spoke/web',
        privateIPAddress: '10.2.1.9',
      });
    });
    expectError(
      result,
      'virtualMachines[0].networkInterfaces[0].ipConfigurations[1]',
      'a secondary IP configuration is not simulated: Hairpin gives "web01-nic1" the address of its primary IP configuration (the first) only; remove "ipconfig2"',
    );
    expect(result.errors).toHaveLength(1);
  });
  it('IP configuration names are unique on their NIC, and a NIC needs one', () => {
    const twice = validate((s) => {
      first(vm(s).networkInterfaces).ipConfigurations.push({
        name: 'ipconfig1',
        subnet: 'spoke/web',
        privateIPAddress: '10.2.1.9',
      });
    });
    expectError(
      twice,
      'virtualMachines[0].networkInterfaces[0].ipConfigurations[1].name',
      'duplicate name: another IP configuration of network interface "web01-nic1" is already named "ipconfig1"',
    );
    const none = validate((s) => {
      first(vm(s).networkInterfaces).ipConfigurations = [];
    });
    expectError(none, 'virtualMachines[0].networkInterfaces[0].ipConfigurations', 'must list at least one item');
  });
  it("a guest route leaves by one of the VM's NICs", () => {
    expectError(
      rich((s) => (first(vm(s, 1).routes).interface = 'web01-nic1')),
      'virtualMachines[1].routes[0].interface',
      'no network interface named "web01-nic1" on virtual machine "web02" (it has: web02-nic1)',
    );
  });
  it('traffic comes from a VM or a client', () => {
    expectError(
      validate((s) => (traffic(s).from = 'laptop')),
      'traffic[0].from',
      'no virtual machine or client named "laptop" (VMs: web01; clients: onprem)',
    );
  });
  it('a VM and a client of one name make the traffic source ambiguous', () => {
    expectError(
      validate((s) => {
        client(s).name = 'web01';
        traffic(s).from = 'web01';
      }),
      'traffic[0].from',
      '"web01" is both a virtual machine and a client',
    );
  });
  it('a reference to an item that is broken is not reported again as dangling', () => {
    const result = validate((s) => {
      (
        first(first(vm(s).networkInterfaces).ipConfigurations) as unknown as { privateIPAddress: number }
      ).privateIPAddress = 4;
    });
    expect(result.errors).toEqual([
      {
        path: 'virtualMachines[0].networkInterfaces[0].ipConfigurations[0].privateIPAddress',
        message: 'must be text, got 4',
      },
    ]);
  });
});

describe('addresses', () => {
  it('an address is four numbers', () => {
    expectError(
      validate((s) => (first(first(vm(s).networkInterfaces).ipConfigurations).privateIPAddress = '10.2.1.04')),
      'virtualMachines[0].networkInterfaces[0].ipConfigurations[0].privateIPAddress',
      '"10.2.1.04" is not an IPv4 address',
    );
  });
  it('a NIC address lies in its subnet', () => {
    expectError(
      validate((s) => (first(first(vm(s).networkInterfaces).ipConfigurations).privateIPAddress = '10.2.2.4')),
      'virtualMachines[0].networkInterfaces[0].ipConfigurations[0].privateIPAddress',
      '10.2.2.4 is outside subnet "spoke/web" (10.2.1.0/24)',
    );
  });
  it.each(['10.2.1.0', '10.2.1.1', '10.2.1.2', '10.2.1.3', '10.2.1.255'])('%s is reserved by Azure', (address) => {
    expectError(
      validate((s) => (first(first(vm(s).networkInterfaces).ipConfigurations).privateIPAddress = address)),
      'virtualMachines[0].networkInterfaces[0].ipConfigurations[0].privateIPAddress',
      `${address} is reserved by Azure in 10.2.1.0/24`,
    );
  });
  it('two NICs cannot share an address', () => {
    expectError(
      rich((s) => (first(first(vm(s, 1).networkInterfaces).ipConfigurations).privateIPAddress = '10.2.1.4')),
      'virtualMachines[1].networkInterfaces[0].ipConfigurations[0].privateIPAddress',
      '10.2.1.4 is already used by network interface "web01-nic1" (virtualMachines[0].networkInterfaces[0].ipConfigurations[0].privateIPAddress)',
    );
  });
  it('a NIC cannot take the address of a frontend', () => {
    expectError(
      validate((s) => (first(lb(s).frontendIPConfigurations).privateIPAddress = '10.2.1.4')),
      'loadBalancers[0].frontendIPConfigurations[0].privateIPAddress',
      'already used by network interface "web01-nic1"',
    );
  });
  it('a loopback with the frontend address is expected, not a duplicate', () => {
    const result = validate((s) => {
      vm(s).loopbackInterfaces = [{ name: 'lo-vip', ipAddress: '10.2.1.100' }];
      first(lb(s).loadBalancingRules).enableFloatingIP = true;
    });
    expect(result).toEqual({ errors: [], warnings: [] });
  });
  it('an internal frontend needs a subnet', () => {
    expectError(
      validate((s) => delete first(lb(s).frontendIPConfigurations).subnet),
      'loadBalancers[0].frontendIPConfigurations[0].subnet',
      'missing: an internal frontend needs the subnet',
    );
  });
  it('an internal frontend address lies in its subnet', () => {
    expectError(
      validate((s) => (first(lb(s).frontendIPConfigurations).privateIPAddress = '10.2.3.100')),
      'loadBalancers[0].frontendIPConfigurations[0].privateIPAddress',
      'outside subnet "spoke/web"',
    );
  });
  it('a frontend is internal or public, not both', () => {
    expectError(
      validate((s) => (first(lb(s).frontendIPConfigurations).publicIPAddress = '20.50.1.10')),
      'loadBalancers[0].frontendIPConfigurations[0]',
      'a frontend is internal (privateIPAddress and subnet) or public (publicIPAddress), not both',
    );
  });
  it('a frontend has an address', () => {
    expectError(
      validate((s) => (lb(s).frontendIPConfigurations = [{ name: 'fe' }])),
      'loadBalancers[0].frontendIPConfigurations[0]',
      'a frontend needs an address',
    );
  });
  it('a public frontend has no subnet', () => {
    expectError(
      rich((s) => (first(lb(s, 1).frontendIPConfigurations).subnet = 'spoke/web')),
      'loadBalancers[1].frontendIPConfigurations[0].subnet',
      'a public frontend has no subnet',
    );
  });
  it('a load balancer is public or internal', () => {
    expectError(
      validate((s) => lb(s).frontendIPConfigurations.push({ name: 'fe-pub', publicIPAddress: '20.50.1.10' })),
      'loadBalancers[0].frontendIPConfigurations[1]',
      'mixes public and internal frontends',
    );
  });
  it('a public frontend address is not private', () => {
    expectError(
      rich((s) => (first(lb(s, 1).frontendIPConfigurations).publicIPAddress = '172.20.0.10')),
      'loadBalancers[1].frontendIPConfigurations[0].publicIPAddress',
      '172.20.0.10 cannot be a public IP: it is a private address',
    );
  });
  it('an instance public IP is not private', () => {
    expectError(
      validate((s) => (first(first(vm(s).networkInterfaces).ipConfigurations).publicIPAddress = '192.168.9.9')),
      'virtualMachines[0].networkInterfaces[0].ipConfigurations[0].publicIPAddress',
      'cannot be a public IP',
    );
  });
  it('two public IPs cannot be the same', () => {
    expectError(
      rich((s) => (first(first(vm(s).networkInterfaces).ipConfigurations).publicIPAddress = '20.50.1.10')),
      'loadBalancers[1].frontendIPConfigurations[0].publicIPAddress',
      '20.50.1.10 is already used by the public IP of network interface "web01-nic1"',
    );
  });
  it('an on-premises client is outside the VNets', () => {
    expectError(
      validate((s) => (client(s).ipAddress = '10.2.5.1')),
      'clients[0].ipAddress',
      '10.2.5.1 overlaps virtual network "spoke" (10.2.0.0/16)',
    );
  });
  it('an internet client has a public address', () => {
    expectError(
      rich((s) => (client(s, 1).ipAddress = '192.168.50.0/24')),
      'clients[1].ipAddress',
      'an internet client cannot have 192.168.50.0/24: it is a private address',
    );
  });
  it('a client address is an address or a prefix', () => {
    expectError(
      validate((s) => (client(s).ipAddress = 'onprem.local')),
      'clients[0].ipAddress',
      'is not an address or a prefix',
    );
  });
  it('a client prefix has its host bits clear', () => {
    expectError(
      rich((s) => (client(s, 1).ipAddress = '203.0.113.9/24')),
      'clients[1].ipAddress',
      'host bits are set (did you mean 203.0.113.0/24?)',
    );
  });
  it('a client count fits in its prefix', () => {
    expectError(
      rich((s) => (client(s, 1).ipAddress = '203.0.113.0/25')),
      'clients[1].count',
      '200 clients do not fit in 203.0.113.0/25, which has 126 host addresses',
    );
  });
  it('a client count above 1 needs a prefix', () => {
    expectError(
      validate((s) => (client(s).count = 5)),
      'clients[0].count',
      '5 clients need a prefix',
    );
  });
});

describe('load balancers', () => {
  const rule = (s: Scenario) => first(lb(s).loadBalancingRules);
  it('two rules cannot take one frontend, protocol and port', () => {
    expectError(
      validate((s) => lb(s).loadBalancingRules?.push({ ...rule(s), name: 'http2', backendPort: 8080 })),
      'loadBalancers[0].loadBalancingRules[1].frontendPort',
      'frontend "fe" already takes Tcp port 80 in load-balancing rule "http"',
    );
  });
  it('the same port over another protocol is fine', () => {
    const result = validate((s) =>
      lb(s).loadBalancingRules?.push({ ...rule(s), name: 'udp80', protocol: 'Udp', backendPort: 8080 }),
    );
    expect(result.errors).toEqual([]);
  });
  it('an inbound NAT rule collides with a load-balancing rule on the same frontend port', () => {
    expectError(
      rich((s) => (first(lb(s, 1).inboundNatRules).frontendPort = 80)),
      'loadBalancers[1].inboundNatRules[0].frontendPort',
      'frontend "fe-pub" already takes Tcp port 80 in load-balancing rule "http"',
    );
  });
  it('two inbound NAT rules collide on one frontend port', () => {
    expectError(
      rich((s) =>
        lb(s, 1).inboundNatRules?.push({ ...first(lb(s, 1).inboundNatRules), name: 'ssh2', backendPort: 2222 }),
      ),
      'loadBalancers[1].inboundNatRules[1].frontendPort',
      'already takes Tcp port 50001 in inbound NAT rule "ssh-web02"',
    );
  });
  it('HA ports work on a Standard internal frontend', () => {
    const result = validate((s) => Object.assign(rule(s), { protocol: 'All', frontendPort: 0, backendPort: 0 }));
    expect(result.errors).toEqual([]);
  });
  it('HA ports need Standard', () => {
    expectError(
      validate((s) => {
        lb(s).sku = 'Basic';
        Object.assign(rule(s), { protocol: 'All', frontendPort: 0, backendPort: 0 });
      }),
      'loadBalancers[0].loadBalancingRules[0].protocol',
      'HA ports (protocol All, ports 0) need a Standard load balancer',
    );
  });
  it('HA ports need an internal frontend', () => {
    expectError(
      rich((s) =>
        Object.assign(first(lb(s, 1).loadBalancingRules), { protocol: 'All', frontendPort: 0, backendPort: 0 }),
      ),
      'loadBalancers[1].loadBalancingRules[0].protocol',
      'HA ports (protocol All, ports 0) work on internal frontends only; "fe-pub" is public',
    );
  });
  it('port 0 needs protocol All', () => {
    expectError(
      validate((s) => Object.assign(rule(s), { frontendPort: 0, backendPort: 0 })),
      'loadBalancers[0].loadBalancingRules[0].frontendPort',
      'port 0 means every port (HA ports) and needs protocol All',
    );
  });
  it('protocol All needs ports 0', () => {
    expectError(
      validate((s) => (rule(s).protocol = 'All')),
      'loadBalancers[0].loadBalancingRules[0].protocol',
      'protocol All is for HA ports: frontendPort and backendPort must both be 0, got 80 and 80',
    );
  });
  it('a rule frontend port goes to 65534', () => {
    expectError(
      validate((s) => (rule(s).frontendPort = 65535)),
      'loadBalancers[0].loadBalancingRules[0].frontendPort',
      'goes up to 65534',
    );
  });
  it('reusing a backend port on one pool needs floating IP on both rules', () => {
    expectError(
      validate((s) => {
        lb(s).frontendIPConfigurations.push({ name: 'fe2', privateIPAddress: '10.2.1.101', subnet: 'spoke/web' });
        vm(s).loopbackInterfaces = [{ name: 'lo', ipAddress: '10.2.1.101' }];
        lb(s).loadBalancingRules?.push({
          ...rule(s),
          name: 'http2',
          frontendIPConfiguration: 'fe2',
          enableFloatingIP: true,
        });
      }),
      'loadBalancers[0].loadBalancingRules[1].backendPort',
      'backend port 80 of pool "pool" is already used by rule "http": reusing a backend port needs enableFloatingIP on both rules',
    );
  });
  it('two floating IP rules may share a backend port', () => {
    const result = validate((s) => {
      lb(s).frontendIPConfigurations.push({ name: 'fe2', privateIPAddress: '10.2.1.101', subnet: 'spoke/web' });
      vm(s).loopbackInterfaces = [
        { name: 'lo', ipAddress: '10.2.1.100' },
        { name: 'lo2', ipAddress: '10.2.1.101' },
      ];
      rule(s).enableFloatingIP = true;
      lb(s).loadBalancingRules?.push({ ...rule(s), name: 'http2', frontendIPConfiguration: 'fe2' });
    });
    expect(result).toEqual({ errors: [], warnings: [] });
  });
  it('an HA ports rule and another rule on one pool need floating IP', () => {
    expectError(
      validate((s) => {
        lb(s).frontendIPConfigurations.push({ name: 'fe2', privateIPAddress: '10.2.1.101', subnet: 'spoke/web' });
        lb(s).loadBalancingRules?.push({
          ...rule(s),
          name: 'ha',
          frontendIPConfiguration: 'fe2',
          protocol: 'All',
          frontendPort: 0,
          backendPort: 0,
        });
      }),
      'loadBalancers[0].loadBalancingRules[1].backendPort',
      'HA ports rule and rule "http" both send to pool "pool"',
    );
  });
  it('a Basic load balancer is retired: a warning in the upgrade guidance words; Standard, written or not, has none', () => {
    const basic = validate((s) => (lb(s).sku = 'Basic'));
    expect(basic.errors).toEqual([]);
    expectWarning(basic, 'loadBalancers[0].sku', 'On September 30, 2025, Basic Load Balancer was retired');
    expect(basic.warnings.find((w) => w.path === 'loadBalancers[0].sku')?.message).toContain(
      'unsupported and without SLA',
    );
    expect(validate((s) => (lb(s).sku = 'Standard')).warnings).toEqual([]);
    expect(validate((s) => delete lb(s).sku).warnings).toEqual([]);
  });
  it('Basic has no HTTPS probe', () => {
    expectError(
      validate((s) => {
        lb(s).sku = 'Basic';
        first(lb(s).probes).protocol = 'Https';
      }),
      'loadBalancers[0].probes[0].protocol',
      'HTTPS probes need a Standard load balancer',
    );
  });
  it('Basic has no outbound rules', () => {
    expectError(
      rich((s) => (lb(s, 1).sku = 'Basic')),
      'loadBalancers[1].outboundRules[0]',
      'outbound rules need a Standard load balancer',
    );
  });
  it('Basic has no TCP reset', () => {
    const result = rich((s) => {
      lb(s, 1).sku = 'Basic';
      first(lb(s, 1).loadBalancingRules).enableTcpReset = true;
      first(lb(s, 1).inboundNatRules).enableTcpReset = true;
    });
    expectError(
      result,
      'loadBalancers[1].loadBalancingRules[0].enableTcpReset',
      'TCP reset on idle needs a Standard load balancer',
    );
    expectError(
      result,
      'loadBalancers[1].inboundNatRules[0].enableTcpReset',
      'TCP reset on idle needs a Standard load balancer',
    );
  });
  it('a Basic pool holds at most 100 members', () => {
    const result = validate((s) => {
      lb(s).sku = 'Basic';
      const names: string[] = [];
      for (let i = 0; i < 101; i++) {
        const name = `vm${i}`;
        names.push(`${name}-nic`);
        s.virtualMachines?.push({
          name,
          networkInterfaces: [
            {
              name: `${name}-nic`,
              ipConfigurations: [{ name: 'ipconfig1', subnet: 'spoke/web', privateIPAddress: `10.2.1.${i + 10}` }],
            },
          ],
        });
      }
      first(lb(s).backendAddressPools).loadBalancerBackendAddresses = membersOf(names);
    });
    expectError(
      result,
      'loadBalancers[0].backendAddressPools[0].loadBalancerBackendAddresses',
      "a Basic load balancer's pool holds at most 100 members, got 101",
    );
  });
  it('pool members are in one VNet', () => {
    expectError(
      rich((s) => {
        first(first(vm(s, 2).networkInterfaces).ipConfigurations).subnet = 'hub/gw';
        first(first(vm(s, 2).networkInterfaces).ipConfigurations).privateIPAddress = '10.1.0.4';
        first(s.routeTables).routes = [];
        first(lb(s, 1).backendAddressPools).loadBalancerBackendAddresses.push(...membersOf(['nva01-nic1']));
      }),
      'loadBalancers[1].backendAddressPools[0].loadBalancerBackendAddresses[1].networkInterfaceIPConfiguration',
      '"nva01-nic1/ipconfig1" is in virtual network "hub" but "web02-nic1" is in "spoke": a backend pool\'s members are all in one virtual network',
    );
  });
  it("an internal load balancer's members are in its VNet", () => {
    expectError(
      rich((s) => {
        first(first(vm(s, 2).networkInterfaces).ipConfigurations).subnet = 'hub/gw';
        first(first(vm(s, 2).networkInterfaces).ipConfigurations).privateIPAddress = '10.1.0.4';
        first(s.routeTables).routes = [];
        first(lb(s).backendAddressPools).loadBalancerBackendAddresses = membersOf(['nva01-nic1']);
      }),
      'loadBalancers[0].backendAddressPools[0].loadBalancerBackendAddresses',
      '"nva01-nic1" is in virtual network "hub", but the internal load balancer "ilb" is in "spoke"',
    );
  });
  it('a VM is behind one internal load balancer only', () => {
    expectError(
      validate((s) => {
        s.loadBalancers?.push({
          name: 'ilb2',
          frontendIPConfigurations: [{ name: 'fe', privateIPAddress: '10.2.1.200', subnet: 'spoke/web' }],
          backendAddressPools: [
            {
              name: 'pool',
              loadBalancerBackendAddresses: [{ networkInterfaceIPConfiguration: 'web01-nic1/ipconfig1' }],
            },
          ],
        });
      }),
      'loadBalancers[1].backendAddressPools[0].loadBalancerBackendAddresses[0].networkInterfaceIPConfiguration',
      'virtual machine "web01" is already in a pool of internal load balancer "ilb": a VM can be behind one internal load balancer only',
    );
  });
  it('a VM is not behind both a Basic and a Standard load balancer', () => {
    expectError(
      rich((s) => {
        lb(s, 1).sku = 'Basic';
        lb(s, 1).outboundRules = [];
        first(lb(s).backendAddressPools).loadBalancerBackendAddresses.push(...membersOf(['web02-nic1']));
      }),
      'loadBalancers[1].backendAddressPools[0].loadBalancerBackendAddresses[0].networkInterfaceIPConfiguration',
      'Azure does not mix Basic and Standard load balancers on one VM',
    );
  });
  it('an HTTP probe path starts with /', () => {
    expectError(
      rich((s) => (first(lb(s, 1).probes).requestPath = 'health')),
      'loadBalancers[1].probes[0].requestPath',
      'an HTTP request path starts with "/", got "health"',
    );
  });
  it('a TCP probe with a request path: warning', () => {
    expectWarning(
      validate((s) => (first(lb(s).probes).requestPath = '/health')),
      'loadBalancers[0].probes[0].requestPath',
      'a Tcp probe sends no request',
    );
  });
  it('a probe no rule uses: warning', () => {
    expectWarning(
      validate((s) => lb(s).probes?.push({ name: 'p443', port: 443 })),
      'loadBalancers[0].probes[1]',
      'health probe "p443" is used by no load-balancing rule',
    );
  });
  it('a rule without a probe: warning', () => {
    expectWarning(
      validate((s) => {
        delete rule(s).probe;
        lb(s).probes = [];
      }),
      'loadBalancers[0].loadBalancingRules[0].probe',
      'no health probe',
    );
  });
  it('an outbound rule uses public frontends only', () => {
    expectError(
      validate((s) => {
        lb(s).outboundRules = [{ name: 'out', frontendIPConfigurations: ['fe'], backendAddressPool: 'pool' }];
      }),
      'loadBalancers[0].outboundRules[0].frontendIPConfigurations[0]',
      'frontend "fe" is internal: outbound rules translate to public frontends only',
    );
  });
  it('a rule on the frontend and pool of an outbound rule disables outbound SNAT', () => {
    expectError(
      rich((s) => delete first(lb(s, 1).loadBalancingRules).disableOutboundSnat),
      'loadBalancers[1].loadBalancingRules[0].disableOutboundSnat',
      'must be true: frontend "fe-pub" and pool "web" are also used by outbound rule "out"',
    );
  });
  it('allocated outbound ports are a multiple of 8', () => {
    expectError(
      rich((s) => (first(lb(s, 1).outboundRules).allocatedOutboundPorts = 1000 + 4)),
      'loadBalancers[1].outboundRules[0].allocatedOutboundPorts',
      'must be a multiple of 8, got 1004',
    );
  });
  it('allocated outbound ports fit the frontend IPs', () => {
    expectError(
      rich((s) => {
        first(lb(s, 1).outboundRules).allocatedOutboundPorts = 40000;
        first(lb(s, 1).backendAddressPools).loadBalancerBackendAddresses.push(...membersOf(['web01-nic1']));
        first(lb(s).backendAddressPools).loadBalancerBackendAddresses = [];
        lb(s).loadBalancingRules = [];
        lb(s).probes = [];
        s.lesson = undefined;
      }),
      'loadBalancers[1].outboundRules[0].allocatedOutboundPorts',
      '40000 ports × 2 members exceeds the 64000 ports of 1 frontend IP(s)',
    );
  });
});

describe('virtual machines', () => {
  it('a loopback does not repeat a NIC address of its VM', () => {
    expectError(
      validate((s) => (vm(s).loopbackInterfaces = [{ name: 'lo', ipAddress: '10.2.1.4' }])),
      'virtualMachines[0].loopbackInterfaces[0].ipAddress',
      '10.2.1.4 is already the address of network interface "web01-nic1" of this VM',
    );
  });
  it('a loopback address is an address', () => {
    expectError(
      validate((s) => (vm(s).loopbackInterfaces = [{ name: 'lo', ipAddress: '10.2.1.100/32' }])),
      'virtualMachines[0].loopbackInterfaces[0].ipAddress',
      'is not an IPv4 address',
    );
  });
  it('a listener binds an address the VM owns', () => {
    expectError(
      validate((s) => (first(vm(s).listeners).address = '10.2.1.100')),
      'virtualMachines[0].listeners[0].address',
      '10.2.1.100 is not an address of virtual machine "web01"',
    );
  });
  it('a listener may bind its NIC address, a loopback address or 127.0.0.1', () => {
    const result = rich((s) => {
      first(vm(s, 1).listeners).address = '10.2.1.5';
    });
    expect(result.errors).toEqual([]);
  });
  it('two listeners cannot bind one protocol, address and port (0.0.0.0 overlaps all)', () => {
    expectError(
      validate((s) => vm(s).listeners?.push({ name: 'other', address: '10.2.1.4', port: 80 })),
      'virtualMachines[0].listeners[1].port',
      'Tcp 10.2.1.4:80 is already bound by listener "iis" (0.0.0.0:80): the second bind fails (EADDRINUSE)',
    );
  });
  it('the same port over UDP is another socket', () => {
    expect(validate((s) => vm(s).listeners?.push({ name: 'dns', protocol: 'Udp', port: 80 })).errors).toEqual([]);
  });
  it('a proxy upstream is address:port', () => {
    expectError(
      rich((s) =>
        ((vm(s, 1).listeners as { proxyTo: string[] }[])[2] as { proxyTo: string[] }).proxyTo.push('10.2.1.4'),
      ),
      'virtualMachines[1].listeners[2].proxyTo[1]',
      'is not address:port',
    );
  });
  it('an HTTP map path starts with /', () => {
    expectError(
      validate((s) => (first(vm(s).listeners).http = { health: 200 })),
      'virtualMachines[0].listeners[0].http.health',
      'a request path starts with "/"',
    );
  });
  it('a UDP listener has no HTTP map', () => {
    expectError(
      validate((s) => (first(vm(s).listeners).protocol = 'Udp')),
      'virtualMachines[0].listeners[0].http',
      'a Udp listener cannot answer HTTP',
    );
  });
  it('linux settings on a windows VM: warning', () => {
    expectWarning(
      validate((s) => (vm(s).linux = { acceptLocal: true })),
      'virtualMachines[0].linux',
      'its linux kernel settings are ignored',
    );
  });
  it('every NIC of a VM is in one VNet', () => {
    expectError(
      rich((s) => vm(s, 2).networkInterfaces.push(nicWithAddress('nva01-nic2', 'hub/gw', '10.1.0.4'))),
      'virtualMachines[2].networkInterfaces[1].ipConfigurations[0].subnet',
      'all NICs of a VM must be in one virtual network',
    );
  });
  it('a guest route next hop is an address', () => {
    expectError(
      rich((s) => (first(vm(s, 1).routes).nextHop = 'gateway')),
      'virtualMachines[1].routes[0].nextHop',
      'is not an IPv4 address',
    );
  });
  it('a guest route next hop off the subnet: warning', () => {
    expectWarning(
      rich((s) => (first(vm(s, 1).routes).nextHop = '10.2.9.1')),
      'virtualMachines[1].routes[0].nextHop',
      '10.2.9.1 is not in subnet 10.2.1.0/24 of "web02-nic1"',
    );
  });
  it('firewall ports are Any or a list of ports and ranges', () => {
    expectError(
      rich((s) => (first(vm(s, 1).firewall?.rules).localPorts = '23,telnet')),
      'virtualMachines[1].firewall.rules[0].localPorts',
      '"telnet" is not a port or range',
    );
  });
  it('firewall addresses are Any or a list of addresses, prefixes and ranges', () => {
    expectError(
      rich((s) => (first(vm(s, 1).firewall?.rules).remoteAddresses = '10.0.0.0/8,10.0.0.9-10.0.0.1')),
      'virtualMachines[1].firewall.rules[0].remoteAddresses',
      '"10.0.0.9-10.0.0.1" is not an address, prefix or range',
    );
  });
  it('an ICMP firewall rule has no ports', () => {
    expectError(
      rich((s) => (first(vm(s, 1).firewall?.rules).protocol = 'Icmp')),
      'virtualMachines[1].firewall.rules[0].localPorts',
      'ICMP has no ports',
    );
  });
  it('a client listener binds an address of the client', () => {
    expectError(
      rich((s) => (first(client(s, 2).listeners).address = '198.51.100.8')),
      'clients[2].listeners[0].address',
      '198.51.100.8 is not an address of client "echo"',
    );
  });
});

describe('route tables', () => {
  const route = (s: Scenario) => first(first(s.routeTables).routes);
  it('a virtual appliance next hop needs an address', () => {
    expectError(
      rich((s) => delete route(s).nextHopIpAddress),
      'routeTables[0].routes[0].nextHopIpAddress',
      'missing: a VirtualAppliance next hop needs the address',
    );
  });
  it('other next hops take no address', () => {
    expectError(
      rich((s) => (route(s).nextHopType = 'Internet')),
      'routeTables[0].routes[0].nextHopIpAddress',
      "only a VirtualAppliance next hop takes an address; this route's next hop is Internet",
    );
  });
  it('the appliance address is an address', () => {
    expectError(
      rich((s) => (route(s).nextHopIpAddress = '10.2.9')),
      'routeTables[0].routes[0].nextHopIpAddress',
      'is not an IPv4 address',
    );
  });
  it('an appliance without IP forwarding: warning', () => {
    expectWarning(
      rich((s) => {
        vm(s, 2).ipForwarding = false;
        first(vm(s, 2).networkInterfaces).enableIPForwarding = false;
      }),
      'routeTables[0].routes[0].nextHopIpAddress',
      'it needs enableIPForwarding on network interface "nva01-nic1" and ipForwarding on virtual machine "nva01"',
    );
  });
  it('an appliance address no NIC has: warning', () => {
    expectWarning(
      rich((s) => (route(s).nextHopIpAddress = '10.2.9.5')),
      'routeTables[0].routes[0].nextHopIpAddress',
      'no network interface has 10.2.9.5',
    );
  });
  it('two routes of a table cannot cover one prefix', () => {
    expectError(
      rich((s) =>
        first(s.routeTables).routes.push({ name: 'dup', addressPrefix: '192.168.0.0/16', nextHopType: 'None' }),
      ),
      'routeTables[0].routes[1].addressPrefix',
      'route "to-onprem" already covers 192.168.0.0/16',
    );
  });
});

describe('traffic', () => {
  it('TCP traffic goes to address:port', () => {
    expectError(
      validate((s) => (traffic(s).to = '10.2.1.100')),
      'traffic[0].to',
      '"10.2.1.100" is not address:port',
    );
  });
  it('the port is 1–65535', () => {
    expectError(
      validate((s) => (traffic(s).to = '10.2.1.100:0')),
      'traffic[0].to',
      'the port must be a whole number 1–65535, got "0"',
    );
  });
  it('ICMP traffic goes to an address without a port', () => {
    expectError(
      rich((s) => (traffic(s, 2).to = '10.2.1.4:80')),
      'traffic[2].to',
      'ICMP has no ports: write the address alone',
    );
  });
  it('ICMP traffic carries no HTTP request', () => {
    expectError(
      rich((s) => (traffic(s, 2).http = '/')),
      'traffic[2].http',
      'ICMP carries no HTTP request',
    );
  });
  it('ICMP traffic has no source port', () => {
    expectError(
      rich((s) => (traffic(s, 2).sourcePort = 40000)),
      'traffic[2].sourcePort',
      'ICMP has no ports',
    );
  });
  it('UDP traffic carries no HTTP request', () => {
    expectError(
      validate((s) => (traffic(s).protocol = 'Udp')),
      'traffic[0].http',
      'HTTP runs over TCP',
    );
  });
  it('an HTTP path starts with /', () => {
    expectError(
      validate((s) => (traffic(s).http = 'index.html')),
      'traffic[0].http',
      'an HTTP request path starts with "/"',
    );
  });
  it('a fixed source port for simultaneous connections: warning', () => {
    expectWarning(
      validate((s) => Object.assign(traffic(s), { sourcePort: 50000, interval: 0 })),
      'traffic[0].sourcePort',
      '3 connections at once from the fixed source port 50000 reuse one 4-tuple',
    );
  });
  it('dataEvery longer than the connection lasts: warning', () => {
    expectWarning(
      rich((s) => (traffic(s, 3).dataEvery = 60)),
      'traffic[3].dataEvery',
      'no data segment is sent',
    );
  });
  it('traffic from a stopped VM: warning', () => {
    expectWarning(
      rich((s) => (vm(s, 1).powerState = 'stopped')),
      'traffic[2].from',
      'virtual machine "web02" is stopped',
    );
  });
  it('traffic to an address nothing owns: warning', () => {
    expectWarning(
      validate((s) => (traffic(s).to = '10.2.1.99:80')),
      'traffic[0].to',
      'nothing in the scenario has address 10.2.1.99',
    );
  });
  it('traffic to a frontend port no rule serves: warning', () => {
    expectWarning(
      validate((s) => (traffic(s).to = '10.2.1.100:443')),
      'traffic[0].to',
      'has no rule for Tcp port 443',
    );
  });
  it('an internet client sending to a VNet address: warning', () => {
    expectWarning(
      validate((s) => (client(s).location = 'internet')),
      'traffic[0].to',
      '10.2.1.100 is a VNet address, which internet client "onprem" cannot reach',
    );
  });
  it('a pool member calling its own internal frontend: hairpin warning', () => {
    expectWarning(
      validate((s) => (traffic(s).from = 'web01')),
      'traffic[0].to',
      'hairpin: connections mapped back to this VM will fail (“Troubleshoot Azure Load Balancer” Cause 4)',
    );
  });
  it('no hairpin warning for the second-NIC workaround on Windows (the ILB hairpin write-up §3.1)', () => {
    const result = validate((s) => {
      traffic(s).from = 'web01';
      vm(s).networkInterfaces.push(nicWithAddress('web01-nic2', 'spoke/web', '10.2.1.5'));
      vm(s).routes = [{ addressPrefix: '10.2.1.100/32', interface: 'web01-nic2', nextHop: '10.2.1.1' }];
    });
    expect(result).toEqual({ errors: [], warnings: [] });
  });
  it('the second-NIC workaround on Linux: warning', () => {
    expectWarning(
      validate((s) => {
        traffic(s).from = 'web01';
        vm(s).os = 'linux';
        vm(s).networkInterfaces.push(nicWithAddress('web01-nic2', 'spoke/web', '10.2.1.5'));
        vm(s).routes = [{ addressPrefix: '10.2.1.100/32', interface: 'web01-nic2', nextHop: '10.2.1.1' }];
      }),
      'traffic[0].to',
      'the second-NIC workaround fails on Linux: the SYN from "web01-nic2" comes back to "web01" with one of its own addresses as source and is dropped as a martian source (GUEST_MARTIAN_SOURCE',
    );
  });
  it('the second-NIC workaround on Linux with acceptLocal: the warning says what the engine then does', () => {
    const result = validate((s) => {
      traffic(s).from = 'web01';
      vm(s).os = 'linux';
      vm(s).linux = { acceptLocal: true };
      vm(s).networkInterfaces.push(nicWithAddress('web01-nic2', 'spoke/web', '10.2.1.5'));
      vm(s).routes = [{ addressPrefix: '10.2.1.100/32', interface: 'web01-nic2', nextHop: '10.2.1.1' }];
    });
    expectWarning(result, 'traffic[0].to', 'fails on Linux, even with acceptLocal');
    expectWarning(result, 'traffic[0].to', 'matches no connecting socket (TCP_SYNACK_MISMATCH');
    expect(result.warnings.map((w) => w.message).join(' ')).not.toContain('martian');
  });
  it('no hairpin warning under floating IP', () => {
    const result = validate((s) => {
      traffic(s).from = 'web01';
      first(lb(s).loadBalancingRules).enableFloatingIP = true;
      vm(s).loopbackInterfaces = [{ name: 'lo', ipAddress: '10.2.1.100' }];
    });
    expect(result.warnings).toEqual([]);
  });
});

describe('warnings: deploys but will not work', () => {
  it('a floating IP rule whose members own no loopback with the frontend address', () => {
    expectWarning(
      validate((s) => (first(lb(s).loadBalancingRules).enableFloatingIP = true)),
      'loadBalancers[0].loadBalancingRules[0].enableFloatingIP',
      'virtual machine "web01" (member "web01-nic1") has no loopback interface with that address',
    );
  });
  it('a probe on a port nothing listens on', () => {
    expectWarning(
      validate((s) => (first(lb(s).probes).port = 8080)),
      'loadBalancers[0].probes[0].port',
      'virtual machine "web01" (member "web01-nic1") has no Tcp listener on port 8080: this probe will mark it down',
    );
  });
  it('a probe on a port only a loopback listener serves', () => {
    expectWarning(
      rich((s) => (first(lb(s, 1).probes).port = 53)),
      'loadBalancers[1].probes[0].port',
      'has no Tcp listener on port 53',
    );
  });
  it('a rule backend port nothing listens on', () => {
    expectWarning(
      validate((s) => (first(lb(s).loadBalancingRules).backendPort = 8080)),
      'loadBalancers[0].loadBalancingRules[0].backendPort',
      'has no Tcp listener on port 8080: connections will be reset',
    );
  });
  it('an NSG rule that denies the probe ahead of AllowAzureLoadBalancerInBound', () => {
    expectWarning(
      rich((s) =>
        nsg(s).securityRules.push({
          name: 'deny-alb',
          priority: 200,
          direction: 'Inbound',
          access: 'Deny',
          sourceAddressPrefix: 'AzureLoadBalancer',
        }),
      ),
      'networkSecurityGroups[0].securityRules[3].access',
      'denies the health probe from 168.63.129.16 (AzureLoadBalancer) to "web01-nic1" port 80',
    );
  });
  it('an NSG that allows the probe first is fine', () => {
    const result = rich((s) => {
      nsg(s).securityRules.push(
        {
          name: 'allow-alb',
          priority: 150,
          direction: 'Inbound',
          access: 'Allow',
          sourceAddressPrefix: 'AzureLoadBalancer',
        },
        { name: 'deny-all', priority: 4000, direction: 'Inbound', access: 'Deny' },
      );
    });
    expect(result.warnings.filter((w) => w.message.includes('denies the health probe'))).toEqual([]);
  });
  it('a Standard public frontend whose members no NSG opens to the internet', () => {
    expectWarning(
      rich((s) => (first(vnet(s).subnets).networkSecurityGroup = undefined)),
      'loadBalancers[1].loadBalancingRules[0].frontendIPConfiguration',
      'Standard is secure by default: no network security group on the path of "web02-nic1" allows inbound traffic from the internet to port 80',
    );
  });
});

describe('events', () => {
  const events = (s: Scenario) => s.events as unknown as Record<string, unknown>[];
  it('name existing VMs, load balancers, pools, NICs and NSGs', () => {
    const result = rich((s) => {
      const e = events(s);
      Object.assign(e[0] as object, { vm: 'web03' });
      Object.assign(e[2] as object, { pool: 'pool9' });
      Object.assign(e[3] as object, { networkInterface: 'web09-nic1' });
      Object.assign(e[5] as object, { networkSecurityGroup: 'nsg-x' });
      Object.assign(e[7] as object, { loadBalancer: 'lb-x' });
    });
    expectError(result, 'events[0].vm', 'no virtual machine named "web03" (it has: web01, web02, nva01)');
    expectError(result, 'events[2].pool', 'no backend pool named "pool9" in load balancer "plb" (it has: web)');
    expectError(result, 'events[3].networkInterface', 'no network interface named "web09-nic1"');
    expectError(result, 'events[5].networkSecurityGroup', 'no network security group named "nsg-x"');
    expectError(result, 'events[7].loadBalancer', 'no load balancer named "lb-x" (it has: ilb, plb)');
  });
  it('remove a listener that exists', () => {
    expectError(
      rich((s) => Object.assign(events(s)[11] as object, { listener: 'ftp' })),
      'events[11].listener',
      'no listener named "ftp" on virtual machine "web02" (it has: nginx, app, proxy)',
    );
  });
  it('remove a security rule that exists or an earlier event set', () => {
    expectError(
      rich((s) => Object.assign(events(s)[6] as object, { rule: 'deny-everything' })),
      'events[6].rule',
      'no security rule named "deny-everything" in network security group "nsg-web"',
    );
  });
  it('remove a firewall rule that an earlier event set, not a later one', () => {
    expectError(
      rich((s) => Object.assign(events(s)[10] as object, { at: 70 })),
      'events[10].rule',
      'no firewall rule named "block-probe" on virtual machine "web01"',
    );
  });
  it('a rule set by an event names existing frontend, pool and probe', () => {
    expectError(
      rich((s) => Object.assign((events(s)[8] as { rule: object }).rule, { backendAddressPool: 'web' })),
      'events[8].rule.backendAddressPool',
      'no backend pool named "web" in load balancer "ilb" (it has: pool)',
    );
  });
  it('a security rule set by an event is checked like one in an NSG', () => {
    expectError(
      rich((s) => Object.assign((events(s)[5] as { rule: object }).rule, { destinationPortRange: '80-' })),
      'events[5].rule.destinationPortRange',
      'is not a port range',
    );
  });
  it('a security rule set by an event cannot take the priority of another rule', () => {
    expectError(
      rich((s) => Object.assign((events(s)[5] as { rule: object }).rule, { priority: 110 })),
      'events[5].rule.priority',
      'priority 110 is already used by inbound rule "allow-ssh-corp"',
    );
  });
  it('a probe set by an event is checked like one in a load balancer', () => {
    expectError(
      rich((s) => Object.assign((events(s)[7] as { probe: object }).probe, { protocol: 'Http', requestPath: 'x' })),
      'events[7].probe.requestPath',
      'an HTTP request path starts with "/"',
    );
  });
  it('a firewall rule set by an event is checked', () => {
    expectError(
      rich((s) => Object.assign((events(s)[9] as { rule: object }).rule, { remoteAddresses: '168.63.129' })),
      'events[9].rule.remoteAddresses',
      'is not an address, prefix or range',
    );
  });
  it('setListener on a listener that does not exist needs a port', () => {
    expectError(
      rich((s) => Object.assign(events(s)[4] as object, { listener: 'new' })),
      'events[4].listener',
      'no listener named "new" on virtual machine "web02"',
    );
  });
  it('setListener with a port creates the listener', () => {
    expect(rich((s) => Object.assign(events(s)[4] as object, { listener: 'new', port: 81 })).errors).toEqual([]);
  });
});

describe('lesson', () => {
  const checks = (s: Scenario) => s.lesson?.checks as unknown as Record<string, unknown>[];
  it('a traffic check names existing traffic', () => {
    expectError(
      rich((s) => Object.assign(checks(s)[0] as object, { traffic: 'web01-to-vip' })),
      'lesson.checks[0].traffic',
      'no traffic named "web01-to-vip"',
    );
  });
  it('a traffic check expects an outcome of its protocol', () => {
    const result = rich((s) => {
      Object.assign(checks(s)[0] as object, { expect: 'answered' });
      Object.assign(checks(s)[1] as object, { expect: 'established' });
    });
    expectError(
      result,
      'lesson.checks[0].expect',
      'traffic "onprem-to-vip" is Tcp, whose connections end established, reset, timeout; got "answered"',
    );
    expectError(
      result,
      'lesson.checks[1].expect',
      'traffic "ping-web01" is Icmp, whose connections end answered, unanswered',
    );
  });
  it('a probe check names an existing load balancer and probe', () => {
    const result = rich((s) => {
      Object.assign(checks(s)[2] as object, { probe: 'p81' });
    });
    expectError(result, 'lesson.checks[2].probe', 'no health probe named "p81" in load balancer "ilb" (it has: p80)');
    expectError(
      rich((s) => Object.assign(checks(s)[2] as object, { loadBalancer: 'elb' })),
      'lesson.checks[2].loadBalancer',
      'no load balancer named "elb"',
    );
  });
  it("a probe check's member is probed by that probe", () => {
    expectError(
      rich((s) => Object.assign(checks(s)[2] as object, { member: 'web02-nic1' })),
      'lesson.checks[2].member',
      '"web02-nic1" is not probed by "p80"',
    );
  });
  it('closedBy and closedBefore need an established connection', () => {
    expectError(
      rich((s) => Object.assign(checks(s)[0] as object, { expect: 'reset', closedBefore: 10 })),
      'lesson.checks[0].closedBefore',
      'closedBefore needs "expect": "established" (got "reset")',
    );
    expectError(
      rich((s) => Object.assign(checks(s)[0] as object, { closedBefore: -1 })),
      'lesson.checks[0].closedBefore',
      'got -1',
    );
    expectError(
      rich((s) => Object.assign(checks(s)[0] as object, { expect: 'timeout', closedBy: 'idleTimeout' })),
      'lesson.checks[0].closedBy',
      'closedBy needs "expect": "established" (got "timeout")',
    );
  });
  it('a reason is one of the reason codes, and a close one of closed.by', () => {
    const result = rich((s) => Object.assign(checks(s)[0] as object, { reason: 'IDLE_TIMOUT', closedBy: 'idle' }));
    expectError(
      result,
      'lesson.checks[0].reason',
      'IDLE_TIMEOUT, NO_ANSWER, IP_FORWARDING_DISABLED, GUEST_NO_EPHEMERAL_PORT, PROBE_TLS_FAILED, got "IDLE_TIMOUT"',
    );
    expectError(result, 'lesson.checks[0].closedBy', 'got "idle"');
  });
  it('a distribution check names a load balancer, one of its rules, and members of its pool', () => {
    const add = (c: Record<string, unknown>) => rich((s) => s.lesson?.checks?.push(c as never));
    const base = { name: 'spread', loadBalancer: 'ilb', rule: 'http', expect: 'allMembers' };
    expect(add(base).errors).toEqual([]);
    expectError(add({ ...base, loadBalancer: 'elb' }), 'lesson.checks[3].loadBalancer', 'no load balancer named "elb"');
    expectError(
      add({ ...base, rule: 'https' }),
      'lesson.checks[3].rule',
      'no load-balancing rule named "https" in load balancer "ilb"',
    );
    expectError(
      add({ ...base, members: ['web01-nic1', 'web02-nic1'] }),
      'lesson.checks[3].members[1]',
      '"web02-nic1" is not a member of the pool of rule "http" (members: web01-nic1)',
    );
    expectError(add({ ...base, members: ['web01-nic1', 'web01-nic1'] }), 'lesson.checks[3].members[1]', 'listed twice');
    expectError(add({ ...base, expect: 'uneven' }), 'lesson.checks[3].expect', 'got "uneven"');
    expectError(add({ ...base, tolerance: 2 }), 'lesson.checks[3].tolerance', 'got 2');
    expectError(add({ ...base, traffic: 'nope' }), 'lesson.checks[3].traffic', 'no traffic named "nope"');
    expectWarning(add({ ...base, tolerance: 0.2 }), 'lesson.checks[3].tolerance', 'only applies to "expect": "even"');
    expectWarning(add({ ...base, expect: 'even' }), 'lesson.checks[3].expect', 'needs at least two members');
    expect(add({ ...base, traffic: 'onprem-to-vip' }).warnings).toEqual([]);
    expectWarning(
      add({ ...base, traffic: 'users-to-web' }),
      'lesson.checks[3].traffic',
      'traffic "users-to-web" goes to 20.50.1.10:80, not to the frontend of rule "http" (10.2.1.100:80)',
    );
    expectWarning(add({ ...base, traffic: 'ping-web01' }), 'lesson.checks[3].traffic', 'goes to 10.2.1.4, not to');
  });
  it('checks may name what the lesson solution adds; the message says the solution was applied', () => {
    const withSolution = (extra: Record<string, unknown>) =>
      rich((s) => {
        const lesson = s.lesson as NonNullable<Scenario['lesson']>;
        lesson.checks?.push({
          name: 'https',
          traffic: 'onprem-to-vip-https',
          expect: 'established',
          ...extra,
        } as never);
        lesson.solution = {
          traffic: [
            ...(s.traffic ?? []),
            { name: 'onprem-to-vip-https', from: 'onprem', to: '10.2.1.100:80', protocol: 'Tcp' },
          ],
        };
      });
    expect(withSolution({}).errors).toEqual([]);
    expectError(
      withSolution({ traffic: 'typo' }),
      'lesson.checks[3].traffic',
      `no traffic named "typo" once the lesson's solution is applied`,
    );
    // Without a solution, the shipped document is the reference.
    expectError(
      rich((s) => s.lesson?.checks?.push({ name: 'https', traffic: 'onprem-to-vip-https', expect: 'established' })),
      'lesson.checks[3].traffic',
      'no traffic named "onprem-to-vip-https" (',
    );
  });
  it('lesson check names are unique', () => {
    expectError(
      rich((s) => Object.assign(checks(s)[1] as object, { name: 'web01 up' })),
      'lesson.checks[2].name',
      'another lesson check is already named "web01 up"',
    );
  });
});
