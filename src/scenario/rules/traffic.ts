/**
 * Traffic: its source, its destination and what it can reach.
 */
import { cidrContains, formatIpv4 } from '../../shared/ipv4';
import {
  clientLocationOf,
  natProtocolOf,
  osOf,
  ruleProtocolOf,
  TRAFFIC_DEFAULTS,
  trafficProtocolOf,
  VM_DEFAULTS,
} from '../defaults';
import { GUEST_ROUTE } from '../schema';
import { joinPath } from '../shape';
import type { GuestRoute } from '../types';
import { ownerOf } from './client';
import {
  badAddress,
  didYouMean,
  each,
  type Index,
  listClipped,
  parseAddress,
  parseEndpoint,
  parsePrefix,
  q,
  type Report,
  type VmEntry,
} from './common';
import { inAnyVnet, isHaPorts, protocolsOf } from './lb';

export function checkTraffic(report: Report, ix: Index): void {
  for (const t of ix.traffic.values()) {
    const vm = ix.vms.get(t.v.from);
    const client = ix.clients.get(t.v.from);
    const fromPath = joinPath(t.path, 'from');
    if (vm !== undefined && client !== undefined) {
      report.error(
        fromPath,
        `${q(t.v.from)} is both a virtual machine and a client: rename one so the traffic has one source`,
      );
    } else if (vm === undefined && client === undefined && !ix.vmNames.has(t.v.from) && !ix.clientNames.has(t.v.from)) {
      report.error(
        fromPath,
        `no virtual machine or client named ${q(t.v.from)}${didYouMean(t.v.from, [...ix.vmNames, ...ix.clientNames])} (VMs: ${listClipped(ix.vmNames) || 'none'}; clients: ${listClipped(ix.clientNames) || 'none'})`,
      );
    }
    if (vm !== undefined && (vm.v.powerState ?? 'running') === 'stopped') {
      report.warn(fromPath, `virtual machine ${q(vm.v.name)} is stopped: it sends nothing until a startVm event`);
    }

    const protocol = trafficProtocolOf(t.v);
    const toPath = joinPath(t.path, 'to');
    let address: number | null = null;
    let port: number | null = null;
    if (protocol === 'Icmp') {
      address = parseAddress(t.v.to);
      if (address === null) {
        report.error(
          toPath,
          t.v.to.includes(':') ? `ICMP has no ports: write the address alone, got ${q(t.v.to)}` : badAddress(t.v.to),
        );
      }
      if (t.v.http !== undefined)
        report.error(joinPath(t.path, 'http'), 'ICMP carries no HTTP request: http needs protocol Tcp');
      if (t.v.sourcePort != null) report.error(joinPath(t.path, 'sourcePort'), 'ICMP has no ports: remove sourcePort');
    } else {
      const parsed = parseEndpoint(t.v.to);
      if (typeof parsed === 'string') report.error(toPath, parsed);
      else ({ address, port } = parsed);
      if (t.v.http !== undefined && protocol === 'Udp')
        report.error(joinPath(t.path, 'http'), 'HTTP runs over TCP: http needs protocol Tcp');
    }
    if (t.v.http !== undefined && !t.v.http.startsWith('/')) {
      report.error(joinPath(t.path, 'http'), `an HTTP request path starts with "/", got ${q(t.v.http)}`);
    }
    const connections = t.v.connections ?? TRAFFIC_DEFAULTS.connections;
    const interval = t.v.interval ?? TRAFFIC_DEFAULTS.interval;
    if (t.v.sourcePort != null && connections > 1 && interval === 0) {
      report.warn(
        joinPath(t.path, 'sourcePort'),
        `${connections} connections at once from the fixed source port ${t.v.sourcePort} reuse one 4-tuple: only the first can connect`,
      );
    }
    const duration = t.v.duration ?? TRAFFIC_DEFAULTS.duration;
    const dataEvery = t.v.dataEvery ?? TRAFFIC_DEFAULTS.dataEvery;
    if (dataEvery > 0 && dataEvery > duration) {
      report.warn(
        joinPath(t.path, 'dataEvery'),
        `${dataEvery} s is longer than the connection stays open (duration ${duration} s): no data segment is sent`,
      );
    }
    if (address === null) continue;
    const owner = ownerOf(ix, address);
    if (!owner.known) {
      report.warn(
        toPath,
        `nothing in the scenario has address ${formatIpv4(address)} (no NIC, frontend, loopback or client): the traffic goes nowhere`,
      );
      continue;
    }
    // engine-model.md step 5: an internet client reaches only public addresses; VNet addresses
    // are private to the VNets and networks connected through the gateway.
    if (
      client !== undefined &&
      vm === undefined &&
      clientLocationOf(client.v) === 'internet' &&
      inAnyVnet(ix, address)
    ) {
      report.warn(
        toPath,
        `${formatIpv4(address)} is a VNet address, which internet client ${q(client.v.name)} cannot reach (use a public frontend, or location "onPremises")`,
      );
      continue;
    }
    const { frontend: fe, lb } = owner;
    if (fe === undefined || lb === undefined || protocol === 'Icmp' || port === null) continue;
    const matching = lb.rules.filter(
      (r) =>
        r.v.frontendIPConfiguration === fe.v.name &&
        (isHaPorts(r.v) || (r.v.frontendPort === port && protocolsOf(ruleProtocolOf(r.v)).includes(protocol))),
    );
    const nat = lb.natRules.some(
      (r) => r.v.frontendIPConfiguration === fe.v.name && r.v.frontendPort === port && natProtocolOf(r.v) === protocol,
    );
    if (matching.length === 0 && !nat) {
      report.warn(
        toPath,
        `frontend ${q(fe.v.name)} of load balancer ${q(lb.v.name)} has no rule for ${protocol} port ${port}: the load balancer drops it (LB_NO_RULE)`,
      );
      continue;
    }
    // “Troubleshoot Azure Load Balancer” Cause 4 (and “What is Azure Load Balancer?”): an internal LB never SNATs a member's call to its own
    // frontend, so a flow mapped back to the caller fails; floating IP rules are left to the guest.
    if (vm !== undefined && fe.kind === 'internal') {
      const target = address;
      for (const rule of matching) {
        if (rule.v.enableFloatingIP === true) continue;
        const pool = lb.pools.get(rule.v.backendAddressPool);
        if (!pool?.members.some((m) => m.vm === vm)) continue;
        // the ILB hairpin write-up §3.1, the second-NIC workaround: a guest route sends the frontend address out
        // of a NIC that is not in the pool, so the SYN's source is not the member's address. It
        // works on Windows; on Linux the DNATed SYN is a martian source (engine-model.md).
        const via = guestRouteFor(vm, target);
        const viaOther = via !== undefined && !pool.members.some((m) => m.v.name === via);
        if (viaOther && osOf(vm.v) === 'windows') break;
        report.warn(
          toPath,
          viaOther
            ? secondNicFailure(vm, via as string)
            : `hairpin: connections mapped back to this VM will fail (“Troubleshoot Azure Load Balancer” Cause 4): ${q(vm.v.name)} is a member of pool ${q(pool.v.name)} behind ${formatIpv4(target)} and an internal load balancer never source-NATs it`,
        );
        break;
      }
    }
  }
}

/**
 * Why the second-NIC workaround fails on a Linux guest, as the engine will show it: the DNATed SYN
 * comes back with one of the guest's own addresses as its source, which Linux drops as a martian
 * (GUEST_MARTIAN_SOURCE) unless `accept_local` is on; with it on, the SYN is accepted, but the
 * SYN-ACK is answered from the member's own address inside the guest, never passes the load
 * balancer's reverse translation, and matches no connecting socket (TCP_SYNACK_MISMATCH).
 */
function secondNicFailure(vm: VmEntry, via: string): string {
  const acceptLocal = vm.v.linux?.acceptLocal ?? VM_DEFAULTS.acceptLocal;
  return acceptLocal
    ? `the second-NIC workaround fails on Linux, even with acceptLocal: the SYN from ${q(via)} comes back to ${q(vm.v.name)} with one of its own addresses as source and is accepted, but the SYN-ACK goes from the member's own address inside the guest, never passes the load balancer, and matches no connecting socket (TCP_SYNACK_MISMATCH; the ILB hairpin write-up §3.1)`
    : `the second-NIC workaround fails on Linux: the SYN from ${q(via)} comes back to ${q(vm.v.name)} with one of its own addresses as source and is dropped as a martian source (GUEST_MARTIAN_SOURCE; the ILB hairpin write-up §3.1)`;
}

/** The NIC of the longest guest route that holds `address`, if a guest route does. */
export function guestRouteFor(vm: VmEntry, address: number): string | undefined {
  let best: { length: number; nic: string } | undefined;
  for (const route of each<GuestRoute>(vm.v, 'routes', GUEST_ROUTE, vm.path)) {
    const prefix = parsePrefix(route.v.addressPrefix);
    if ('problem' in prefix || !cidrContains(prefix.cidr, address)) continue;
    if (best === undefined || prefix.cidr.prefixLength > best.length) {
      best = { length: prefix.cidr.prefixLength, nic: route.v.interface };
    }
  }
  return best?.nic;
}
