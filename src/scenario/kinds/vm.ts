import {
  allNicNames,
  BELOW,
  Draft,
  done,
  firstSubnetRef,
  freeAddressInSubnet,
  freeName,
  list,
  namesOf,
  place,
  refuse,
  subnetOf,
} from '../draft';
import { nicAddress } from '../members';
import { FIRST_IP_CONFIGURATION } from '../migrate';
import { VM } from '../schema';
import type { Listener, NetworkInterface, Scenario, VirtualMachine } from '../types';
import type { KindDescriptor } from './kind';

export const vm = {
  kind: 'vm',
  schema: VM,
  list: 'virtualMachines',
  scope: 'document',
  canvas: 'node',
  palette: {
    vm: {
      label: 'Virtual machine',
      description: 'A Windows or Linux guest with NICs, listeners, guest routes and a firewall',
    },
    proxy: {
      label: 'Reverse proxy',
      description: 'A VM running an nginx-style listener that opens a new connection upstream',
    },
  },
  add(s, entry, placement) {
    const d = new Draft(s);
    const at = placement.position;
    const subnet = placement.subnet ?? firstSubnetRef(s);
    if (subnet === undefined || subnetOf(s, subnet) === undefined) {
      return refuse('A virtual machine needs a subnet for its network interface: add a virtual network first.');
    }
    const address = freeAddressInSubnet(s, subnet);
    if (address === null) return refuse(`Subnet ${subnet} has no free address left.`);
    const name = freeName(entry === 'proxy' ? 'proxy' : 'vm', namesOf(s.virtualMachines));
    const nicName = freeName(`${name}-nic`, allNicNames(s));
    const vm: VirtualMachine = {
      name,
      networkInterfaces: [
        { name: nicName, ipConfigurations: [{ name: FIRST_IP_CONFIGURATION, subnet, privateIPAddress: address }] },
      ],
    };
    if (entry === 'proxy') {
      // An nginx-style reverse proxy: terminates on 80 and opens a new connection upstream.
      const upstream = firstOtherNicAddress(s) ?? address;
      vm.listeners = [{ name: 'nginx', port: 80, proxyTo: [`${upstream}:80`] } satisfies Listener];
    }
    d.list<VirtualMachine>(d.root, 'virtualMachines').push(vm);
    place(d, `vm:${name}`, at);
    place(d, `nic:${nicName}`, at === undefined ? undefined : { x: at.x, y: at.y + BELOW });
    return done(d.root, [`vm:${name}`, `nic:${nicName}`]);
  },
} as const satisfies KindDescriptor;

function firstOtherNicAddress(s: Scenario): string | undefined {
  for (const vm of list<VirtualMachine>(s.virtualMachines)) {
    const address = nicAddress(list<NetworkInterface>(vm.networkInterfaces)[0]);
    if (typeof address === 'string') return address;
  }
  return undefined;
}
