/**
 * Virtual networks and their subnets: address spaces, prefixes, associations.
 */
import { cidrContains, cidrsOverlap, formatCidr } from '../../shared/ipv4';
import { joinPath } from '../shape';
import { type Index, lookup, parsePrefix, q, type Report, type SubnetEntry } from './common';

export function checkNetwork(report: Report, ix: Index): void {
  for (const vnet of ix.vnets.values()) {
    const placed: SubnetEntry[] = [];
    for (const subnet of vnet.subnets.values()) {
      const path = joinPath(subnet.path, 'addressPrefix');
      const prefix = parsePrefix(subnet.v.addressPrefix);
      // Azure: "invalid address prefix" when host bits are set (NetcfgInvalidSubnet).
      if ('problem' in prefix) {
        report.error(path, prefix.problem);
        continue;
      }
      const { cidr } = prefix;
      if (
        vnet.spaces.length > 0 &&
        !vnet.spaces.some((s) => s.prefixLength <= cidr.prefixLength && cidrContains(s, cidr.base))
      ) {
        report.error(
          path,
          `${subnet.v.addressPrefix} is outside the address space of virtual network ${q(vnet.v.name)} (${vnet.spaces.map(formatCidr).join(', ')})`,
        );
      }
      // learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet: subnet ranges cannot overlap.
      const clash = placed.find((p) => p.cidr !== null && cidrsOverlap(p.cidr, cidr));
      if (clash !== undefined) {
        report.error(
          path,
          `${subnet.v.addressPrefix} overlaps subnet ${q(clash.v.name)} (${clash.v.addressPrefix}) of the same virtual network`,
        );
      }
      // Azure's smallest subnet is a /29 (virtual-networks-faq: "The smallest supported IPv4 subnet is /29").
      if (cidr.prefixLength > 29) {
        report.error(path, `${subnet.v.addressPrefix} is too small: Azure's smallest subnet is a /29`);
      }
      placed.push(subnet);
      if (subnet.v.networkSecurityGroup !== undefined) {
        lookup(report, ix, joinPath(subnet.path, 'networkSecurityGroup'), subnet.v.networkSecurityGroup, ix.nsgs);
      }
      if (subnet.v.routeTable !== undefined) {
        lookup(report, ix, joinPath(subnet.path, 'routeTable'), subnet.v.routeTable, ix.routeTables);
      }
    }
  }
  // Assumption: the lab models peered VNets (hub and spoke, the ILB hairpin write-up), and Azure cannot peer
  // VNets whose address spaces overlap (virtual-network-peering-overview), so this is an error.
  const all = [...ix.vnets.values()];
  all.forEach((a, i) => {
    for (const b of all.slice(i + 1)) {
      for (const [k, sb] of b.spaces.entries()) {
        const sa = a.spaces.find((s) => cidrsOverlap(s, sb));
        if (sa === undefined) continue;
        report.error(
          joinPath(joinPath(b.path, 'addressSpace'), k),
          `${formatCidr(sb)} overlaps ${formatCidr(sa)} of virtual network ${q(a.v.name)}: overlapping virtual networks cannot be peered`,
        );
      }
    }
  });
}
