/**
 * Route tables: their routes and next hops.
 */
import { formatCidr } from '../../shared/ipv4';
import { joinPath } from '../shape';
import type { Route } from '../types';
import { type At, badAddress, type Index, parseAddress, parsePrefix, q, type Report, register } from './common';

export function checkRouteTables(report: Report, ix: Index): void {
  for (const table of ix.routeTables.values()) {
    const names = new Map<string, At<Route>>();
    const prefixes = new Map<string, At<Route>>();
    for (const route of table.routes) {
      register(report, names, route, 'route', ` in route table ${q(table.v.name)}`);
      const path = joinPath(route.path, 'addressPrefix');
      const prefix = parsePrefix(route.v.addressPrefix);
      if ('problem' in prefix) report.error(path, prefix.problem);
      else {
        // Assumption (consistent with ARM refusing two routes for one prefix in a table).
        const key = formatCidr(prefix.cidr);
        const first = prefixes.get(key);
        if (first !== undefined)
          report.error(path, `route ${q(first.v.name)} already covers ${key} in this route table`);
        else prefixes.set(key, route);
      }
      const hopPath = joinPath(route.path, 'nextHopIpAddress');
      // virtual-networks-udr-overview: only a virtual appliance next hop takes an address.
      if (route.v.nextHopType === 'VirtualAppliance') {
        if (route.v.nextHopIpAddress === undefined) {
          report.error(hopPath, 'missing: a VirtualAppliance next hop needs the address of the appliance');
          continue;
        }
        const hop = parseAddress(route.v.nextHopIpAddress);
        if (hop === null) {
          report.error(hopPath, badAddress(route.v.nextHopIpAddress));
          continue;
        }
        // engine-model.md step 5: the appliance must be a NIC with enableIPForwarding on a VM with ipForwarding.
        const nic = [...ix.nics.values()].find((n) => n.address === hop);
        if (nic === undefined) {
          report.warn(
            hopPath,
            `no network interface has ${route.v.nextHopIpAddress}: packets sent to this appliance are lost`,
          );
        } else if (nic.v.enableIPForwarding !== true || nic.vm.v.ipForwarding !== true) {
          const missing = [
            nic.v.enableIPForwarding !== true ? `enableIPForwarding on network interface ${q(nic.v.name)}` : '',
            nic.vm.v.ipForwarding !== true ? `ipForwarding on virtual machine ${q(nic.vm.v.name)}` : '',
          ].filter((s) => s !== '');
          report.warn(
            hopPath,
            `the appliance ${route.v.nextHopIpAddress} will drop forwarded packets: it needs ${missing.join(' and ')}`,
          );
        }
      } else if (route.v.nextHopIpAddress !== undefined) {
        report.error(
          hopPath,
          `only a VirtualAppliance next hop takes an address; this route's next hop is ${route.v.nextHopType}`,
        );
      }
    }
  }
}
