/**
 * Clients: addresses, counts and where they are.
 */
import { cidrSize, cidrsOverlap, formatCidr, parseCidr } from '../../shared/ipv4';
import { clientLocationOf } from '../defaults';
import { LISTENER } from '../schema';
import { joinPath } from '../shape';
import type { Listener } from '../types';
import {
  each,
  type FrontendEntry,
  type Index,
  type LbEntry,
  notPublicBecause,
  parseAddress,
  q,
  type Report,
} from './common';
import { checkListeners } from './vm';

// ---------------------------------------------------------------------------------------------
// Clients and traffic

export function checkClients(report: Report, ix: Index): void {
  for (const client of ix.clients.values()) {
    const path = joinPath(client.path, 'ipAddress');
    const parsed = parseCidr(client.v.ipAddress);
    if (parsed === null) {
      report.error(
        path,
        `${q(client.v.ipAddress)} is not an address or a prefix (expected 203.0.113.7 or 203.0.113.0/24)`,
      );
      continue;
    }
    if (parsed.hostBitsSet) {
      report.error(
        path,
        `${q(client.v.ipAddress)} is not a valid prefix: host bits are set (did you mean ${formatCidr(parsed.cidr)}?)`,
      );
      continue;
    }
    const isPrefix = client.v.ipAddress.includes('/');
    const size = cidrSize(parsed.cidr);
    const hosts = isPrefix ? (size > 2 ? size - 2 : size) : 1;
    if (client.count > hosts) {
      report.error(
        joinPath(client.path, 'count'),
        isPrefix
          ? `${client.count} clients do not fit in ${client.v.ipAddress}, which has ${hosts} host addresses`
          : `${client.count} clients need a prefix (such as 203.0.113.0/24), but ipAddress is the single address ${client.v.ipAddress}`,
      );
    }
    const location = clientLocationOf(client.v);
    const vnet = [...ix.vnets.values()].find((v) => v.spaces.some((s) => cidrsOverlap(s, parsed.cidr)));
    if (vnet !== undefined) {
      report.error(
        path,
        `${client.v.ipAddress} overlaps virtual network ${q(vnet.v.name)} (${vnet.spaces.map(formatCidr).join(', ')}): a client outside the VNets needs addresses of its own`,
      );
    } else if (location === 'internet') {
      const why = notPublicBecause(parsed.cidr.base);
      if (why !== null)
        report.error(
          path,
          `an internet client cannot have ${client.v.ipAddress}: it is ${why} (use location "onPremises" for a host behind the gateway)`,
        );
    }
    const listeners = each<Listener>(client.v, 'listeners', LISTENER, client.path);
    const first = client.first ?? 0;
    checkListeners(report, listeners, (a) => a >= first && a < first + client.count, `client ${q(client.v.name)}`);
  }
}

/** What owns an address, for traffic destinations. */
export function ownerOf(ix: Index, address: number): { frontend?: FrontendEntry; lb?: LbEntry; known: boolean } {
  for (const lb of ix.lbs.values()) {
    for (const fe of lb.frontends.values()) if (fe.address === address) return { frontend: fe, lb, known: true };
  }
  for (const nic of ix.nics.values()) {
    if (nic.address === address) return { known: true };
    const publicIp = nic.config?.v.publicIPAddress;
    if (publicIp !== undefined && parseAddress(publicIp) === address) return { known: true };
  }
  for (const vm of ix.vms.values())
    if (vm.loopbacks.some((l) => parseAddress(l.v.ipAddress) === address)) return { known: true };
  for (const c of ix.clients.values())
    if (c.first !== null && address >= c.first && address < c.first + c.count) return { known: true };
  return { known: address >>> 24 === 127 };
}
