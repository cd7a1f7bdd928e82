import {
  allNicNames,
  Draft,
  done,
  firstSubnetRef,
  freeAddressInSubnet,
  freeName,
  indexByName,
  list,
  parseElementId,
  place,
  refuse,
  subnetOf,
  vmByName,
} from '../draft';
import { nicSubnet } from '../members';
import { FIRST_IP_CONFIGURATION } from '../migrate';
import { NIC } from '../schema';
import type { NetworkInterface, VirtualMachine } from '../types';
import type { KindDescriptor } from './kind';

export const nic = {
  kind: 'nic',
  schema: NIC,
  list: 'networkInterfaces',
  parent: 'vm',
  // NICs are top-level resources in Azure: their names are unique across the scenario (spec).
  scope: 'document',
  canvas: 'node',
  parentEdge: 'attached',
  lastOne: (vm: string) =>
    `A virtual machine needs at least one network interface: delete ${vm} itself to remove its last NIC.`,
  palette: {
    nic: {
      label: 'Network interface',
      description:
        'A NIC whose IP configuration takes a private address in a subnet; the first NIC of a VM is its primary',
    },
  },
  add(s, _entry, placement) {
    const d = new Draft(s);
    const vmIndex = indexByName(s.virtualMachines, placement.vm ?? '');
    const vm = vmByName(s, placement.vm);
    if (vm === undefined) {
      return refuse('A network interface belongs to a virtual machine: drop it onto one.');
    }
    const primarySubnet = nicSubnet(list<NetworkInterface>(vm.networkInterfaces)[0]);
    const primaryVnet = primarySubnet !== undefined ? parseElementId(`subnet:${primarySubnet}`).parent : undefined;
    const wanted = placement.subnet;
    // Every NIC of a VM is in one VNet (Azure: virtual-network-network-interface-vm).
    const subnet =
      wanted !== undefined && (primaryVnet === undefined || parseElementId(`subnet:${wanted}`).parent === primaryVnet)
        ? wanted
        : (primarySubnet ?? firstSubnetRef(s));
    if (subnet === undefined || subnetOf(s, subnet) === undefined) {
      return refuse('A network interface takes an address in a subnet: add a virtual network first.');
    }
    const address = freeAddressInSubnet(s, subnet);
    if (address === null) return refuse(`Subnet ${subnet} has no free address left.`);
    const name = freeName(`${vm.name}-nic`, allNicNames(s));
    const owned = d.at<VirtualMachine>(['virtualMachines', vmIndex]);
    d.list<NetworkInterface>(owned, 'networkInterfaces').push({
      name,
      ipConfigurations: [{ name: FIRST_IP_CONFIGURATION, subnet, privateIPAddress: address }],
    });
    place(d, `nic:${name}`, placement.position);
    return done(d.root, [`nic:${name}`]);
  },
} as const satisfies KindDescriptor;
