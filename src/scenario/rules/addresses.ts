/**
 * Addresses across kinds: each NIC, frontend and loopback address in its subnet, used once.
 */
import { cidrContains, isAzureReservedInSubnet } from '../../shared/ipv4';
import { joinPath } from '../shape';
import {
  badAddress,
  type Index,
  notPublicBecause,
  parseAddress,
  q,
  type Report,
  resolveSubnet,
  type SubnetEntry,
} from './common';

/** Private addresses of NICs and frontends: in their subnet, not reserved, not used twice. */
export function checkAddresses(report: Report, ix: Index): void {
  const used = new Map<number, { what: string; path: string }>();
  const claim = (address: number, path: string, what: string, text: string) => {
    const first = used.get(address);
    if (first !== undefined) report.error(path, `${text} is already used by ${first.what} (${first.path})`);
    else used.set(address, { what, path });
  };
  const inSubnet = (path: string, text: string, address: number, subnet: SubnetEntry | undefined) => {
    if (subnet?.cidr == null) return;
    if (!cidrContains(subnet.cidr, address)) {
      report.error(
        path,
        `${text} is outside subnet ${q(`${subnet.vnet.v.name}/${subnet.v.name}`)} (${subnet.v.addressPrefix})`,
      );
    } else if (isAzureReservedInSubnet(subnet.cidr, address)) {
      // virtual-networks-faq: Azure reserves the first four and the last address of every subnet.
      report.error(
        path,
        `${text} is reserved by Azure in ${subnet.v.addressPrefix} (the network address, .1 gateway, .2 and .3 DNS, and the broadcast address are not usable)`,
      );
    }
  };
  for (const nic of ix.nics.values()) {
    const config = nic.config;
    if (config === undefined) continue;
    const path = joinPath(config.path, 'privateIPAddress');
    if (nic.address === null) report.error(path, badAddress(config.v.privateIPAddress));
    else {
      inSubnet(path, config.v.privateIPAddress, nic.address, nic.subnet);
      claim(nic.address, path, `network interface ${q(nic.v.name)}`, config.v.privateIPAddress);
    }
    if (config.v.publicIPAddress !== undefined) {
      const publicPath = joinPath(config.path, 'publicIPAddress');
      const address = parseAddress(config.v.publicIPAddress);
      if (address === null) report.error(publicPath, badAddress(config.v.publicIPAddress));
      else {
        const why = notPublicBecause(address);
        if (why !== null) report.error(publicPath, `${config.v.publicIPAddress} cannot be a public IP: it is ${why}`);
        claim(address, publicPath, `the public IP of network interface ${q(nic.v.name)}`, config.v.publicIPAddress);
      }
    }
  }
  for (const lb of ix.lbs.values()) {
    for (const fe of lb.frontends.values()) {
      const where = `frontend ${q(fe.v.name)} of load balancer ${q(lb.v.name)}`;
      if (fe.kind === 'invalid') {
        report.error(
          fe.path,
          fe.v.privateIPAddress === undefined
            ? 'a frontend needs an address: privateIPAddress and subnet (internal) or publicIPAddress (public)'
            : 'a frontend is internal (privateIPAddress and subnet) or public (publicIPAddress), not both',
        );
        continue;
      }
      if (fe.kind === 'internal') {
        const path = joinPath(fe.path, 'privateIPAddress');
        if (fe.v.subnet === undefined) {
          report.error(
            joinPath(fe.path, 'subnet'),
            'missing: an internal frontend needs the subnet its privateIPAddress is in',
          );
        } else fe.subnet = resolveSubnet(report, ix, joinPath(fe.path, 'subnet'), fe.v.subnet);
        const text = fe.v.privateIPAddress ?? '';
        if (fe.address === null) report.error(path, badAddress(text));
        else {
          inSubnet(path, text, fe.address, fe.subnet);
          claim(fe.address, path, where, text);
        }
      } else {
        const path = joinPath(fe.path, 'publicIPAddress');
        const text = fe.v.publicIPAddress ?? '';
        if (fe.v.subnet !== undefined) {
          report.error(
            joinPath(fe.path, 'subnet'),
            'a public frontend has no subnet: remove it, or make the frontend internal with a privateIPAddress',
          );
        }
        if (fe.address === null) report.error(path, badAddress(text));
        else {
          const why = notPublicBecause(fe.address);
          if (why !== null) report.error(path, `${text} cannot be a public IP: it is ${why}`);
          claim(fe.address, path, where, text);
        }
      }
    }
    // A load balancer is public or internal (load-balancer-overview; “What is Azure Load Balancer?” "public vs internal").
    const kinds = new Set([...lb.frontends.values()].map((f) => f.kind).filter((k) => k !== 'invalid'));
    if (kinds.size > 1) {
      const firstKind = [...lb.frontends.values()].find((f) => f.kind !== 'invalid')?.kind;
      const odd = [...lb.frontends.values()].find((f) => f.kind !== 'invalid' && f.kind !== firstKind);
      report.error(
        odd?.path ?? lb.path,
        `load balancer ${q(lb.v.name)} mixes public and internal frontends: a load balancer is either public or internal`,
      );
    }
  }
}
