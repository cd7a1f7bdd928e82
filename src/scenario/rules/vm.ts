/**
 * Virtual machines: NICs, loopbacks, listeners, guest routes and the guest firewall.
 */
import { cidrContains } from '../../shared/ipv4';
import { listenerAddressOf, listenerProtocolOf, osOf } from '../defaults';
import { GUEST_ROUTE } from '../schema';
import { joinPath } from '../shape';
import type { FirewallRule, GuestRoute, Listener, LoopbackInterface } from '../types';
import {
  type At,
  badAddress,
  each,
  firewallAddressesProblem,
  firewallPortsProblem,
  type Index,
  lookup,
  type NicEntry,
  noSuch,
  parseAddress,
  parseEndpoint,
  parsePrefix,
  q,
  type Report,
  register,
  resolveSubnet,
} from './common';

export const overlapsAddress = (a: string, b: string): boolean => a === b || a === '0.0.0.0' || b === '0.0.0.0';

/** Listeners of a VM or a client: syntax, the address the guest must own, and EADDRINUSE. */
export function checkListeners(
  report: Report,
  listeners: At<Listener>[],
  owned: (address: number) => boolean,
  owner: string,
): void {
  const names = new Map<string, At<Listener>>();
  const bound: At<Listener>[] = [];
  for (const l of listeners) {
    register(report, names, l, 'listener', ` on ${owner}`);
    const addressText = listenerAddressOf(l.v);
    const address = parseAddress(addressText);
    if (address === null) {
      report.error(joinPath(l.path, 'address'), badAddress(addressText));
    } else if (address !== 0 && address >>> 24 !== 127 && !owned(address)) {
      report.error(
        joinPath(l.path, 'address'),
        `${addressText} is not an address of ${owner}: a listener binds 0.0.0.0, 127.0.0.1, or an address of one of its interfaces (EADDRNOTAVAIL)`,
      );
    } else {
      const clash = bound.find(
        (b) =>
          listenerProtocolOf(b.v) === listenerProtocolOf(l.v) &&
          b.v.port === l.v.port &&
          overlapsAddress(listenerAddressOf(b.v), addressText),
      );
      if (clash !== undefined) {
        report.error(
          joinPath(l.path, 'port'),
          `${listenerProtocolOf(l.v)} ${addressText}:${l.v.port} is already bound by listener ${q(clash.v.name)} (${listenerAddressOf(clash.v)}:${clash.v.port}): the second bind fails (EADDRINUSE)`,
        );
      } else bound.push(l);
    }
    checkListenerBody(report, l.v, l.path);
  }
}

export function checkListenerBody(report: Report, l: Partial<Listener>, path: string): void {
  if (l.http !== undefined && listenerProtocolOf(l) === 'Udp') {
    report.error(joinPath(path, 'http'), 'HTTP runs over TCP: a Udp listener cannot answer HTTP');
  }
  if (l.http !== undefined) {
    for (const key of Object.keys(l.http)) {
      if (!key.startsWith('/'))
        report.error(joinPath(joinPath(path, 'http'), key), `a request path starts with "/", got ${q(key)}`);
    }
  }
  if (Array.isArray(l.proxyTo)) {
    l.proxyTo.forEach((target, i) => {
      const parsed = parseEndpoint(target);
      if (typeof parsed === 'string') report.error(joinPath(joinPath(path, 'proxyTo'), i), parsed);
    });
  }
}

export function checkFirewallRule(report: Report, rule: FirewallRule, path: string): void {
  for (const key of ['localPorts', 'remotePorts'] as const) {
    const value = rule[key];
    if (value === undefined) continue;
    const problem = firewallPortsProblem(value);
    if (problem !== null) report.error(joinPath(path, key), problem);
    else if (rule.protocol === 'Icmp' && value !== '*' && value !== 'Any') {
      report.error(joinPath(path, key), 'ICMP has no ports: a port filter needs protocol Tcp or Udp');
    }
  }
  for (const key of ['localAddresses', 'remoteAddresses'] as const) {
    const value = rule[key];
    if (value === undefined) continue;
    const problem = firewallAddressesProblem(value);
    if (problem !== null) report.error(joinPath(path, key), problem);
  }
}

export function checkVirtualMachines(report: Report, ix: Index): void {
  for (const vm of ix.vms.values()) {
    const owner = `virtual machine ${q(vm.v.name)}`;
    const vnetsOfVm = new Map<string, NicEntry>();
    for (const nic of vm.nics) {
      const config = nic.config;
      if (config !== undefined)
        nic.subnet = resolveSubnet(report, ix, joinPath(config.path, 'subnet'), config.v.subnet);
      if (config !== undefined && nic.subnet !== undefined) {
        const first = [...vnetsOfVm.values()][0];
        // Azure: every NIC of a VM is in the same virtual network (virtual-network-network-interface-vm).
        if (first !== undefined && first.subnet !== undefined && first.subnet.vnet !== nic.subnet.vnet) {
          report.error(
            joinPath(config.path, 'subnet'),
            `${q(config.v.subnet)} is in virtual network ${q(nic.subnet.vnet.v.name)}, but ${q(first.v.name)} of the same VM is in ${q(first.subnet.vnet.v.name)}: all NICs of a VM must be in one virtual network`,
          );
        }
        vnetsOfVm.set(nic.subnet.vnet.v.name, nic);
      }
      if (nic.v.networkSecurityGroup !== undefined) {
        lookup(report, ix, joinPath(nic.path, 'networkSecurityGroup'), nic.v.networkSecurityGroup, ix.nsgs);
      }
    }
    const nicAddresses = new Map<number, NicEntry>();
    for (const nic of vm.nics) if (nic.address !== null) nicAddresses.set(nic.address, nic);

    const loopbacks = new Map<string, At<LoopbackInterface>>();
    const loopbackAddresses = new Set<number>();
    for (const lo of vm.loopbacks) {
      register(report, loopbacks, lo, 'loopback interface', ` on ${owner}`);
      const path = joinPath(lo.path, 'ipAddress');
      const address = parseAddress(lo.v.ipAddress);
      if (address === null) {
        report.error(path, badAddress(lo.v.ipAddress));
        continue;
      }
      const nic = nicAddresses.get(address);
      if (nic !== undefined) {
        report.error(
          path,
          `${lo.v.ipAddress} is already the address of network interface ${q(nic.v.name)} of this VM: a loopback needs an address of its own (the frontend address, for floating IP)`,
        );
      }
      loopbackAddresses.add(address);
    }

    const routes = each<GuestRoute>(vm.v, 'routes', GUEST_ROUTE, vm.path);
    for (const route of routes) {
      const prefix = parsePrefix(route.v.addressPrefix);
      if ('problem' in prefix) report.error(joinPath(route.path, 'addressPrefix'), prefix.problem);
      const nic = vm.nics.find((n) => n.v.name === route.v.interface);
      if (nic === undefined) {
        report.error(
          joinPath(route.path, 'interface'),
          noSuch(
            'network interface',
            route.v.interface,
            ` on ${owner}`,
            vm.nics.map((n) => n.v.name),
          ),
        );
      }
      if (route.v.nextHop !== undefined) {
        const hop = parseAddress(route.v.nextHop);
        if (hop === null) report.error(joinPath(route.path, 'nextHop'), badAddress(route.v.nextHop));
        else if (nic?.subnet?.cidr && !cidrContains(nic.subnet.cidr, hop)) {
          // A gateway must be on-link for its interface (Linux refuses it: "Nexthop has invalid gateway").
          report.warn(
            joinPath(route.path, 'nextHop'),
            `${route.v.nextHop} is not in subnet ${nic.subnet.v.addressPrefix} of ${q(nic.v.name)}: the guest cannot reach that gateway on-link`,
          );
        }
      }
    }

    const owned = (a: number) => nicAddresses.has(a) || loopbackAddresses.has(a);
    checkListeners(report, vm.listeners, owned, owner);

    const firewallRules = new Map<string, At<FirewallRule>>();
    for (const rule of vm.firewallRules) {
      register(report, firewallRules, rule, 'firewall rule', ` on ${owner}`);
      checkFirewallRule(report, rule.v, rule.path);
    }

    if (osOf(vm.v) === 'windows' && vm.v.linux !== undefined) {
      report.warn(joinPath(vm.path, 'linux'), 'this VM runs windows: its linux kernel settings are ignored');
    }
  }
}
