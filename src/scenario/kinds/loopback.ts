import {
  Draft,
  done,
  freeAddressInSubnet,
  freeName,
  indexByName,
  list,
  namesOf,
  place,
  refuse,
  vmByName,
} from '../draft';
import { nicSubnet, poolMemberNics } from '../members';
import { LOOPBACK } from '../schema';
import type {
  BackendAddressPool,
  FrontendIpConfiguration,
  LoadBalancer,
  LoadBalancingRule,
  LoopbackInterface,
  NetworkInterface,
  Scenario,
  VirtualMachine,
} from '../types';
import type { KindDescriptor } from './kind';

export const loopback = {
  kind: 'loopback',
  schema: LOOPBACK,
  list: 'loopbackInterfaces',
  parent: 'vm',
  scope: 'parent',
  canvas: 'node',
  parentEdge: 'attached',
  palette: {
    loopback: {
      label: 'Loopback interface',
      description: 'A guest loopback address, such as the frontend address for a floating-IP rule',
    },
  },
  add(s, _entry, placement) {
    const d = new Draft(s);
    const vmIndex = indexByName(s.virtualMachines, placement.vm ?? '');
    const vm = vmByName(s, placement.vm);
    if (vm === undefined) return refuse('A loopback interface lives inside a guest: drop it onto a virtual machine.');
    const name = freeName('lo', namesOf(vm.loopbackInterfaces));
    const address = frontendAddressServing(s, vm) ?? freeLoopbackAddress(s, vm);
    const owned = d.at<VirtualMachine>(['virtualMachines', vmIndex]);
    d.list<LoopbackInterface>(owned, 'loopbackInterfaces').push({ name, ipAddress: address });
    place(d, `loopback:${vm.name}/${name}`, placement.position);
    return done(d.root, [`loopback:${vm.name}/${name}`]);
  },
} as const satisfies KindDescriptor;

/** The frontend address of a rule whose pool holds one of this VM's NICs: what a loopback is for (floating IP). */
function frontendAddressServing(s: Scenario, vm: VirtualMachine): string | undefined {
  const nics = new Set(namesOf(vm.networkInterfaces));
  const taken = new Set(list<LoopbackInterface>(vm.loopbackInterfaces).map((l) => l.ipAddress));
  for (const lb of list<LoadBalancer>(s.loadBalancers)) {
    for (const rule of list<LoadBalancingRule>(lb.loadBalancingRules)) {
      const pool = list<BackendAddressPool>(lb.backendAddressPools).find((p) => p.name === rule.backendAddressPool);
      if (!pool || !poolMemberNics(pool).some((n) => nics.has(n))) continue;
      const fe = list<FrontendIpConfiguration>(lb.frontendIPConfigurations).find(
        (f) => f.name === rule.frontendIPConfiguration,
      );
      const address = fe?.privateIPAddress ?? fe?.publicIPAddress;
      if (address !== undefined && !taken.has(address)) return address;
    }
  }
  return undefined;
}

function freeLoopbackAddress(s: Scenario, vm: VirtualMachine): string {
  const subnet = nicSubnet(list<NetworkInterface>(vm.networkInterfaces)[0]);
  return (subnet !== undefined ? freeAddressInSubnet(s, subnet) : null) ?? '10.255.255.4';
}
