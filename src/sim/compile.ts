/**
 * compile: a validated scenario document → the engine's strict input (the project's style: "A compile step
 * turns it into engine input where illegal states cannot be represented").
 *
 * Inputs: a `Scenario` that already passed `src/scenario/validate.ts` (references resolve, addresses
 *   parse, names are unique). A reference that does not resolve here is a bug, and throws.
 * Outputs: `EngineInput`: defaults filled from `src/scenario/defaults.ts` (never a literal of our
 *   own), addresses as uint32, names resolved to indices, times in whole microseconds, element
 *   ids of scenario-format.md "Element ids".
 */

import type {
  AddressMatch,
  ClientIn,
  EngineInput,
  EventIn,
  FirewallIn,
  FirewallRuleIn,
  GuestRouteIn,
  LbRuleIn,
  ListenerIn,
  LoadBalancerIn,
  NatRuleIn,
  NicIn,
  NsgIn,
  OutboundRuleIn,
  PortRange,
  ProbeIn,
  RouteTableIn,
  SecurityRuleIn,
  SubnetIn,
  TrafficIn,
  VmIn,
  VnetIn,
} from '../engine/input';
import { secondsToMicros } from '../engine/sched';
import {
  BACKEND_ADDRESS_DEFAULTS,
  backendPortOf,
  CLIENT_DEFAULTS,
  clientCountOf,
  clientLocationOf,
  DEFAULT_SEED,
  defaultSnatPorts,
  FIREWALL_DEFAULTS,
  firewallEnabledOf,
  listenerAddressOf,
  listenerProtocolOf,
  NIC_DEFAULTS,
  NSG_RULE_DEFAULTS,
  natProtocolOf,
  OUTBOUND_RULE_DEFAULTS,
  osOf,
  outboundProtocolOf,
  PROBE_DEFAULTS,
  probeProtocolOf,
  RULE_DEFAULTS,
  ruleProtocolOf,
  skuOf,
  TRAFFIC_DEFAULTS,
  trafficProtocolOf,
  VM_DEFAULTS,
  weakHostOf,
} from '../scenario/defaults';
import { poolMemberNics, splitIpConfigurationRef } from '../scenario/members';
import {
  elementId,
  type Firewall,
  type FirewallRule,
  type HealthProbe,
  type Listener,
  type LoadBalancer,
  type LoadBalancingRule,
  type Scenario,
  type ScenarioEvent,
  type SecurityRule,
  type Traffic,
  type VirtualMachine,
} from '../scenario/types';
import { type Cidr, parseCidr, parseIpv4, rangeToCidrs } from '../shared/ipv4';
import { parseAddressMatch, parsePortRange } from '../shared/nsgMatch';

/** Thrown when the document references something that does not exist: validation should have caught it. */
export class CompileError extends Error {
  override readonly name = 'CompileError';
}

function fail(message: string): never {
  throw new CompileError(message);
}

function address(text: string, where: string): number {
  const value = parseIpv4(text.trim());
  return value ?? fail(`${where}: not an IPv4 address: ${text}`);
}

function cidr(text: string, where: string): Cidr {
  return parseCidr(text.trim())?.cidr ?? fail(`${where}: not a CIDR prefix: ${text}`);
}

function indexByName<T extends { name: string }>(items: readonly T[]): Map<string, number> {
  const map = new Map<string, number>();
  items.forEach((item, i) => {
    map.set(item.name, i);
  });
  return map;
}

function lookup(map: Map<string, number>, name: string, what: string): number {
  return map.get(name) ?? fail(`unknown ${what}: ${name}`);
}

/** `*`, `80`, `8000-8999`, or comma-separated lists of those (guest firewall syntax). */
export function parsePortRanges(texts: readonly string[], where: string): PortRange[] | null {
  const out: PortRange[] = [];
  for (const text of texts) {
    for (const raw of text.split(',')) {
      const part = raw.trim();
      if (part === '*' || part.toLowerCase() === 'any') return null;
      out.push(parsePortRange(part) ?? fail(`${where}: not a port range: ${part}`));
    }
  }
  return out;
}

/** NSG address prefix: `*`, a CIDR, an address, or a service tag (scenario-format.md "Network"). */
function parseAddressMatches(texts: readonly string[], where: string): AddressMatch[] {
  return texts.map((text): AddressMatch => {
    const t = text.trim();
    if (t === 'Any') return { kind: 'any' };
    return parseAddressMatch(t) ?? fail(`${where}: not a CIDR prefix: ${t}`);
  });
}

/** The singular field, else the plural one (ARM accepts both), else `*`. */
function either(single: string | undefined, plural: string[] | undefined, fallback: string): string[] {
  if (plural !== undefined && plural.length > 0) return plural;
  return [single ?? fallback];
}

function compileSecurityRule(r: SecurityRule, where: string): SecurityRuleIn {
  return {
    name: r.name,
    priority: r.priority,
    direction: r.direction,
    access: r.access,
    protocol: r.protocol ?? NSG_RULE_DEFAULTS.protocol,
    sources: parseAddressMatches(
      either(r.sourceAddressPrefix, r.sourceAddressPrefixes, NSG_RULE_DEFAULTS.addressPrefix),
      where,
    ),
    sourcePorts: parsePortRanges(either(r.sourcePortRange, r.sourcePortRanges, NSG_RULE_DEFAULTS.portRange), where),
    destinations: parseAddressMatches(
      either(r.destinationAddressPrefix, r.destinationAddressPrefixes, NSG_RULE_DEFAULTS.addressPrefix),
      where,
    ),
    destinationPorts: parsePortRanges(
      either(r.destinationPortRange, r.destinationPortRanges, NSG_RULE_DEFAULTS.portRange),
      where,
    ),
  };
}

function parseFirewallAddresses(text: string | undefined, where: string): Cidr[] | null {
  if (text === undefined) return null;
  const out: Cidr[] = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (part === '*' || part.toLowerCase() === 'any') return null;
    // A range (Windows Defender Firewall's 10.0.0.1-10.0.0.9), which validation accepts, is the
    // prefixes that hold exactly it.
    const [from, to, ...more] = part.split('-');
    const first = parseIpv4(from ?? '');
    const last = parseIpv4(to ?? '');
    if (more.length === 0 && to !== undefined && first !== null && last !== null && first <= last) {
      out.push(...rangeToCidrs(first, last));
      continue;
    }
    out.push(cidr(part, where));
  }
  return out;
}

function compileFirewallRule(r: FirewallRule, at: string): FirewallRuleIn {
  return {
    name: r.name,
    direction: r.direction,
    action: r.action,
    protocol: r.protocol ?? 'Any',
    localPorts: r.localPorts === undefined ? null : parsePortRanges([r.localPorts], at),
    remotePorts: r.remotePorts === undefined ? null : parsePortRanges([r.remotePorts], at),
    localAddresses: parseFirewallAddresses(r.localAddresses, at),
    remoteAddresses: parseFirewallAddresses(r.remoteAddresses, at),
  };
}

function compileFirewall(fw: Firewall | undefined, where: string): FirewallIn | null {
  if (fw === undefined || !firewallEnabledOf(fw)) return null;
  const rules: FirewallRuleIn[] = (fw.rules ?? []).map((r, i) => compileFirewallRule(r, `${where}.rules[${i}]`));
  return { defaultInboundAction: fw.defaultInboundAction ?? FIREWALL_DEFAULTS.defaultInboundAction, rules };
}

function compileListener(l: Listener, where: string): ListenerIn {
  return {
    name: l.name,
    protocol: listenerProtocolOf(l),
    address: address(listenerAddressOf(l), where),
    port: l.port,
    http: l.http === undefined ? null : { ...l.http },
    proxyTo: (l.proxyTo ?? []).map((target) => {
      const [a = '', p = ''] = target.split(':');
      return { address: address(a, where), port: Number(p) };
    }),
    tls: l.tls === undefined ? null : { sha256: l.tls.sha256 ?? true },
  };
}

/** `"10.2.1.100:80"` (or `"10.2.1.100"` for ICMP). */
function parseTarget(to: string, where: string): { address: number; port: number } {
  const colon = to.lastIndexOf(':');
  if (colon === -1) return { address: address(to, where), port: 0 };
  return { address: address(to.slice(0, colon), where), port: Number(to.slice(colon + 1)) };
}

const vmRunning = (vm: VirtualMachine) => (vm.powerState ?? VM_DEFAULTS.powerState) === 'running';

export function compileScenario(scenario: Scenario): EngineInput {
  const vnetDocs = scenario.vnets ?? [];
  const nsgDocs = scenario.networkSecurityGroups ?? [];
  const vmDocs = scenario.virtualMachines ?? [];
  const lbDocs = scenario.loadBalancers ?? [];
  const clientDocs = scenario.clients ?? [];

  const nsgIndex = indexByName(nsgDocs);
  const nsgs: NsgIn[] = nsgDocs.map((n, i) => ({
    id: elementId('nsg', n.name),
    name: n.name,
    rules: n.securityRules.map((r, j) => compileSecurityRule(r, `networkSecurityGroups[${i}].securityRules[${j}]`)),
  }));

  const routeTableDocs = scenario.routeTables ?? [];
  const routeTableIndex = indexByName(routeTableDocs);
  const routeTables: RouteTableIn[] = routeTableDocs.map((t, i) => ({
    id: elementId('routeTable', t.name),
    name: t.name,
    routes: t.routes.map((r, j) => ({
      name: r.name,
      prefix: cidr(r.addressPrefix, `routeTables[${i}].routes[${j}].addressPrefix`),
      nextHopType: r.nextHopType,
      nextHop:
        r.nextHopType === 'VirtualAppliance' && r.nextHopIpAddress !== undefined
          ? address(r.nextHopIpAddress, `routeTables[${i}].routes[${j}].nextHopIpAddress`)
          : null,
    })),
  }));

  const vnets: VnetIn[] = [];
  const subnets: SubnetIn[] = [];
  const subnetIndex = new Map<string, number>();
  vnetDocs.forEach((v, i) => {
    vnets.push({
      id: elementId('vnet', v.name),
      name: v.name,
      addressSpace: v.addressSpace.map((s) => cidr(s, `vnets[${i}].addressSpace`)),
    });
    v.subnets.forEach((s, j) => {
      const name = `${v.name}/${s.name}`;
      subnetIndex.set(name, subnets.length);
      subnets.push({
        id: elementId('subnet', name),
        name,
        vnet: i,
        prefix: cidr(s.addressPrefix, `vnets[${i}].subnets[${j}].addressPrefix`),
        nsg: s.networkSecurityGroup === undefined ? null : lookup(nsgIndex, s.networkSecurityGroup, 'NSG'),
        routeTable: s.routeTable === undefined ? null : lookup(routeTableIndex, s.routeTable, 'route table'),
      });
    });
  });

  // NICs are top-level resources with names unique across the scenario (scenario-format.md).
  const nics: NicIn[] = [];
  const nicIndex = new Map<string, number>();
  vmDocs.forEach((vm, v) => {
    vm.networkInterfaces.forEach((nic, j) => {
      const weak = weakHostOf(vm, nic);
      // The NIC's address is its primary IP configuration's (validation refuses a secondary one).
      const where = `virtualMachines[${v}].networkInterfaces[${j}].ipConfigurations[0]`;
      const config = nic.ipConfigurations[0] ?? fail(`${where}: missing`);
      nicIndex.set(nic.name, nics.length);
      nics.push({
        id: elementId('nic', nic.name),
        name: nic.name,
        vm: v,
        subnet: lookup(subnetIndex, config.subnet, 'subnet'),
        address: address(config.privateIPAddress, `${where}.privateIPAddress`),
        nsg: nic.networkSecurityGroup === undefined ? null : lookup(nsgIndex, nic.networkSecurityGroup, 'NSG'),
        publicIp:
          config.publicIPAddress === undefined ? null : address(config.publicIPAddress, `${where}.publicIPAddress`),
        enableIPForwarding: nic.enableIPForwarding ?? NIC_DEFAULTS.enableIPForwarding,
        weakHostSend: weak.send,
        weakHostReceive: weak.receive,
      });
    });
  });

  const vms: VmIn[] = vmDocs.map((vm, v) => {
    const where = `virtualMachines[${v}]`;
    return {
      id: elementId('vm', vm.name),
      name: vm.name,
      os: osOf(vm),
      running: vmRunning(vm),
      nics: vm.networkInterfaces.map((nic) => lookup(nicIndex, nic.name, 'NIC')),
      loopbacks: (vm.loopbackInterfaces ?? []).map((lo, j) => {
        const weak = weakHostOf(vm, lo);
        return {
          id: elementId('loopback', `${vm.name}/${lo.name}`),
          name: lo.name,
          address: address(lo.ipAddress, `${where}.loopbackInterfaces[${j}].ipAddress`),
          weakHostSend: weak.send,
          weakHostReceive: weak.receive,
        };
      }),
      routes: (vm.routes ?? []).map(
        (r, j): GuestRouteIn => ({
          prefix: cidr(r.addressPrefix, `${where}.routes[${j}].addressPrefix`),
          nic: lookup(nicIndex, r.interface, 'NIC'),
          nextHop: r.nextHop === undefined ? null : address(r.nextHop, `${where}.routes[${j}].nextHop`),
        }),
      ),
      ipForwarding: vm.ipForwarding ?? VM_DEFAULTS.ipForwarding,
      acceptLocal: vm.linux?.acceptLocal ?? VM_DEFAULTS.acceptLocal,
      tcpSynLinearTimeouts: vm.linux?.tcpSynLinearTimeouts ?? VM_DEFAULTS.tcpSynLinearTimeouts,
      firewall: compileFirewall(vm.firewall, `${where}.firewall`),
      listeners: (vm.listeners ?? []).map((l, j) => compileListener(l, `${where}.listeners[${j}]`)),
    };
  });

  const clients: ClientIn[] = clientDocs.map((c, i) => {
    const where = `clients[${i}]`;
    const parsed = parseCidr(c.ipAddress.trim()) ?? fail(`${where}.ipAddress: not an address or prefix`);
    const single = !c.ipAddress.includes('/') || parsed.cidr.prefixLength === 32;
    // scenario-format.md "Clients": consecutive addresses from the prefix, from its first host address.
    const first = single ? address(c.ipAddress.split('/')[0] ?? '', where) : (parsed.cidr.base + 1) >>> 0;
    return {
      id: elementId('client', c.name),
      name: c.name,
      os: c.os ?? CLIENT_DEFAULTS.os,
      location: clientLocationOf(c),
      prefix: single ? { base: first, prefixLength: 32 } : parsed.cidr,
      firstAddress: first,
      count: clientCountOf(c),
      acceptLocal: VM_DEFAULTS.acceptLocal,
      tcpSynLinearTimeouts: VM_DEFAULTS.tcpSynLinearTimeouts,
      listeners: (c.listeners ?? []).map((l, j) => compileListener(l, `${where}.listeners[${j}]`)),
    };
  });

  const loadBalancers: LoadBalancerIn[] = lbDocs.map((lb, l) => {
    const where = `loadBalancers[${l}]`;
    const feIndex = indexByName(lb.frontendIPConfigurations);
    const poolIndex = indexByName(lb.backendAddressPools);
    const probeDocs = lb.probes ?? [];
    const probeIndex = indexByName(probeDocs);
    const probes: ProbeIn[] = probeDocs.map((p) => compileProbe(lb, p));
    const rules: LbRuleIn[] = (lb.loadBalancingRules ?? []).map((r) =>
      compileLbRule(lb, r, feIndex, poolIndex, probeIndex),
    );
    const natRules: NatRuleIn[] = (lb.inboundNatRules ?? []).map((r) => ({
      id: elementId('natRule', `${lb.name}/${r.name}`),
      name: r.name,
      frontend: lookup(feIndex, r.frontendIPConfiguration, 'frontend'),
      protocol: natProtocolOf(r),
      frontendPort: r.frontendPort,
      backendPort: r.backendPort,
      nic: lookup(nicIndex, r.networkInterface, 'NIC'),
      enableFloatingIP: r.enableFloatingIP ?? RULE_DEFAULTS.enableFloatingIP,
      idleTimeoutUs: secondsToMicros(60 * (r.idleTimeoutInMinutes ?? RULE_DEFAULTS.idleTimeoutInMinutes)),
      enableTcpReset: r.enableTcpReset ?? RULE_DEFAULTS.enableTcpReset,
    }));
    const outboundRules: OutboundRuleIn[] = (lb.outboundRules ?? []).map((r) => {
      const pool = lookup(poolIndex, r.backendAddressPool, 'backend pool');
      const ports = r.allocatedOutboundPorts ?? OUTBOUND_RULE_DEFAULTS.allocatedOutboundPorts;
      return {
        id: elementId('outboundRule', `${lb.name}/${r.name}`),
        name: r.name,
        frontends: r.frontendIPConfigurations.map((f) => lookup(feIndex, f, 'frontend')),
        pool,
        protocol: outboundProtocolOf(r),
        // outbound-rules.md: 0 is Azure's default allocation, by pool size and frontend IPs (snat.ts).
        allocatedPorts: ports,
        idleTimeoutUs: secondsToMicros(60 * (r.idleTimeoutInMinutes ?? OUTBOUND_RULE_DEFAULTS.idleTimeoutInMinutes)),
        enableTcpReset: r.enableTcpReset ?? OUTBOUND_RULE_DEFAULTS.enableTcpReset,
      };
    });
    return {
      id: elementId('lb', lb.name),
      name: lb.name,
      sku: skuOf(lb),
      frontends: lb.frontendIPConfigurations.map((fe, f) => {
        const text =
          fe.privateIPAddress ?? fe.publicIPAddress ?? fail(`${where}.frontendIPConfigurations[${f}]: no address`);
        return {
          id: elementId('frontend', `${lb.name}/${fe.name}`),
          name: fe.name,
          address: address(text, `${where}.frontendIPConfigurations[${f}]`),
          isPublic: fe.privateIPAddress === undefined,
        };
      }),
      pools: lb.backendAddressPools.map((p) => ({
        id: elementId('pool', `${lb.name}/${p.name}`),
        name: p.name,
        members: poolMemberNics(p).map((n) => lookup(nicIndex, n, 'NIC')),
        defaultSnatPorts: defaultSnatPorts(poolMemberNics(p).length),
        adminStates: p.loadBalancerBackendAddresses.flatMap((member) => {
          const state = member.adminState ?? BACKEND_ADDRESS_DEFAULTS.adminState;
          if (state === 'None') return [];
          const nic = splitIpConfigurationRef(member.networkInterfaceIPConfiguration).nic;
          return [{ nic: lookup(nicIndex, nic, 'NIC'), state }];
        }),
      })),
      probes,
      rules,
      natRules,
      outboundRules,
    };
  });

  const vmIndex = indexByName(vmDocs);
  const clientIndex = indexByName(clientDocs);
  const traffic: TrafficIn[] = (scenario.traffic ?? []).map((t: Traffic, i) => {
    const where = `traffic[${i}]`;
    const vm = vmIndex.get(t.from);
    const source =
      vm !== undefined
        ? { kind: 'vm' as const, vm }
        : { kind: 'client' as const, client: lookup(clientIndex, t.from, 'VM or client') };
    const target = parseTarget(t.to, `${where}.to`);
    return {
      name: t.name,
      source,
      from: t.from,
      destination: target.address,
      destinationPort: target.port,
      protocol: trafficProtocolOf(t),
      connections: t.connections ?? TRAFFIC_DEFAULTS.connections,
      startAtUs: secondsToMicros(t.startAt ?? TRAFFIC_DEFAULTS.startAt),
      intervalUs: secondsToMicros(t.interval ?? TRAFFIC_DEFAULTS.interval),
      sourcePort: t.sourcePort ?? TRAFFIC_DEFAULTS.sourcePort,
      http: t.http ?? null,
      durationUs: secondsToMicros(t.duration ?? TRAFFIC_DEFAULTS.duration),
      dataEveryUs: secondsToMicros(t.dataEvery ?? TRAFFIC_DEFAULTS.dataEvery),
    };
  });

  return {
    seed: scenario.seed ?? DEFAULT_SEED,
    vnets,
    subnets,
    nsgs,
    vms,
    nics,
    clients,
    loadBalancers,
    traffic,
    routeTables,
    events: compileEvents(scenario, { vms, nsgs, loadBalancers, nicIndex }),
  };
}

function compileProbe(lb: LoadBalancer, p: HealthProbe): ProbeIn {
  return {
    id: elementId('probe', `${lb.name}/${p.name}`),
    name: p.name,
    protocol: probeProtocolOf(p),
    port: p.port,
    requestPath: p.requestPath ?? PROBE_DEFAULTS.requestPath,
    intervalUs: secondsToMicros(p.intervalInSeconds ?? PROBE_DEFAULTS.intervalInSeconds),
    threshold: p.probeThreshold ?? PROBE_DEFAULTS.probeThreshold,
    noHealthyBackendsBehavior: p.noHealthyBackendsBehavior ?? PROBE_DEFAULTS.noHealthyBackendsBehavior,
  };
}

function compileLbRule(
  lb: LoadBalancer,
  r: LoadBalancingRule,
  feIndex: Map<string, number>,
  poolIndex: Map<string, number>,
  probeIndex: Map<string, number>,
): LbRuleIn {
  return {
    id: elementId('rule', `${lb.name}/${r.name}`),
    name: r.name,
    frontend: lookup(feIndex, r.frontendIPConfiguration, 'frontend'),
    pool: lookup(poolIndex, r.backendAddressPool, 'backend pool'),
    probe: r.probe === undefined ? null : lookup(probeIndex, r.probe, 'probe'),
    protocol: ruleProtocolOf(r),
    frontendPort: r.frontendPort,
    backendPort: backendPortOf(r),
    loadDistribution: r.loadDistribution ?? RULE_DEFAULTS.loadDistribution,
    enableFloatingIP: r.enableFloatingIP ?? RULE_DEFAULTS.enableFloatingIP,
    idleTimeoutUs: secondsToMicros(60 * (r.idleTimeoutInMinutes ?? RULE_DEFAULTS.idleTimeoutInMinutes)),
    enableTcpReset: r.enableTcpReset ?? RULE_DEFAULTS.enableTcpReset,
    disableOutboundSnat: r.disableOutboundSnat ?? RULE_DEFAULTS.disableOutboundSnat,
  };
}

/** Replaces the item of the same name, or appends it. */
function upsert<T extends { name: string }>(items: readonly T[], item: T): T[] {
  const i = items.findIndex((x) => x.name === item.name);
  return i === -1 ? [...items, item] : items.map((x, j) => (j === i ? item : x));
}

/**
 * scenario-format.md "events": sorted by time (stable, so scenario order decides at one instant),
 * each resolved against the document as the earlier events left it (a `setProbe` may add a probe
 * that a later `setRule` names; a `setListener` on an unknown name with a port adds a listener).
 */
function compileEvents(
  scenario: Scenario,
  built: {
    vms: readonly VmIn[];
    nsgs: readonly NsgIn[];
    loadBalancers: readonly LoadBalancerIn[];
    nicIndex: Map<string, number>;
  },
): EventIn[] {
  const vmDocs = scenario.virtualMachines ?? [];
  const lbDocs = scenario.loadBalancers ?? [];
  const nsgDocs = scenario.networkSecurityGroups ?? [];
  const vmIndex = indexByName(vmDocs);
  const lbIndex = indexByName(lbDocs);
  const nsgIndex = indexByName(nsgDocs);
  // The lists as the events so far left them.
  const listeners = vmDocs.map((vm) => [...(vm.listeners ?? [])]);
  const fwRules = vmDocs.map((vm) => [...(vm.firewall?.rules ?? [])]);
  const nsgRules = nsgDocs.map((n) => [...n.securityRules]);
  const probes = lbDocs.map((lb) => [...(lb.probes ?? [])]);
  const rules = lbDocs.map((lb) => [...(lb.loadBalancingRules ?? [])]);
  const sorted = (scenario.events ?? []).map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i);
  const compileOne = ({ e, i }: { e: ScenarioEvent; i: number }): EventIn => {
    const where = `events[${i}]`;
    const base = { atUs: secondsToMicros(e.at), detail: describeEvent(e) };
    switch (e.action) {
      case 'stopVm':
      case 'startVm': {
        const vm = lookup(vmIndex, e.vm, 'VM');
        return { ...base, action: e.action, vm, element: built.vms[vm]?.id ?? '' };
      }
      case 'removePoolMember':
      case 'addPoolMember': {
        const lb = lookup(lbIndex, e.loadBalancer, 'load balancer');
        const doc = lbDocs[lb] as LoadBalancer;
        const pool = lookup(indexByName(doc.backendAddressPools), e.pool, 'backend pool');
        const nic = lookup(built.nicIndex, e.networkInterface, 'NIC');
        return { ...base, action: e.action, lb, pool, nic, element: elementId('pool', `${doc.name}/${e.pool}`) };
      }
      case 'setListener':
      case 'removeListener': {
        const vm = lookup(vmIndex, e.vm, 'VM');
        const list = listeners[vm] as Listener[];
        let next: Listener[];
        if (e.action === 'removeListener') next = list.filter((l) => l.name !== e.listener);
        else {
          // scenario-format.md: setListener changes the listener's fields that the event gives.
          const { at: _at, action: _action, vm: _vm, listener: name, ...fields } = e;
          const old = list.find((l) => l.name === name);
          const merged = { ...(old ?? { port: 0 }), ...fields, name } as Listener;
          next = upsert(list, merged);
        }
        listeners[vm] = next;
        return {
          ...base,
          action: e.action,
          vm,
          listeners: next.map((l, j) => compileListener(l, `${where}.listeners[${j}]`)),
          element: built.vms[vm]?.id ?? '',
        };
      }
      case 'setSecurityRule':
      case 'removeSecurityRule': {
        const nsg = lookup(nsgIndex, e.networkSecurityGroup, 'NSG');
        const list = nsgRules[nsg] as SecurityRule[];
        const next = e.action === 'setSecurityRule' ? upsert(list, e.rule) : list.filter((r) => r.name !== e.rule);
        nsgRules[nsg] = next;
        return {
          ...base,
          action: e.action,
          nsg,
          rules: next.map((r) => compileSecurityRule(r, `${where}.rule`)),
          element: built.nsgs[nsg]?.id ?? '',
        };
      }
      case 'setProbe': {
        const lb = lookup(lbIndex, e.loadBalancer, 'load balancer');
        const doc = lbDocs[lb] as LoadBalancer;
        const list = upsert(probes[lb] as HealthProbe[], e.probe);
        probes[lb] = list;
        const probe = compileProbe(doc, e.probe);
        return {
          ...base,
          action: e.action,
          lb,
          index: list.findIndex((p) => p.name === e.probe.name),
          probe,
          element: probe.id,
        };
      }
      case 'setRule': {
        const lb = lookup(lbIndex, e.loadBalancer, 'load balancer');
        const doc = lbDocs[lb] as LoadBalancer;
        const list = upsert(rules[lb] as LoadBalancingRule[], e.rule);
        rules[lb] = list;
        const rule = compileLbRule(
          doc,
          e.rule,
          indexByName(doc.frontendIPConfigurations),
          indexByName(doc.backendAddressPools),
          indexByName(probes[lb] as HealthProbe[]),
        );
        return {
          ...base,
          action: e.action,
          lb,
          index: list.findIndex((r) => r.name === e.rule.name),
          rule,
          element: rule.id,
        };
      }
      case 'setFirewallRule':
      case 'removeFirewallRule': {
        const vm = lookup(vmIndex, e.vm, 'VM');
        const list = fwRules[vm] as FirewallRule[];
        const next = e.action === 'setFirewallRule' ? upsert(list, e.rule) : list.filter((r) => r.name !== e.rule);
        fwRules[vm] = next;
        // Assumption: a firewall rule set on a VM without a `firewall` turns on a firewall with
        // Azure's defaults (enabled, inbound Allow); a disabled firewall stays disabled.
        const fw: Firewall = { ...(vmDocs[vm]?.firewall ?? {}), rules: next };
        return {
          ...base,
          action: e.action,
          vm,
          firewall: compileFirewall(fw, `${where}.rule`),
          element: built.vms[vm]?.id ?? '',
        };
      }
    }
  };
  return sorted.map(compileOne);
}

/** One sentence for the trace: what the event changes. */
function describeEvent(e: ScenarioEvent): string {
  switch (e.action) {
    case 'stopVm':
      return `${e.vm} is stopped.`;
    case 'startVm':
      return `${e.vm} is started.`;
    case 'removePoolMember':
      return `${e.networkInterface} is removed from pool ${e.pool} of ${e.loadBalancer}.`;
    case 'addPoolMember':
      return `${e.networkInterface} is added to pool ${e.pool} of ${e.loadBalancer}.`;
    case 'setListener':
      return `Listener ${e.listener} on ${e.vm} is set.`;
    case 'removeListener':
      return `Listener ${e.listener} on ${e.vm} is removed.`;
    case 'setSecurityRule':
      return `Security rule ${e.rule.name} of ${e.networkSecurityGroup} is set (new flows only).`;
    case 'removeSecurityRule':
      return `Security rule ${e.rule} of ${e.networkSecurityGroup} is removed (new flows only).`;
    case 'setProbe':
      return `Probe ${e.probe.name} of ${e.loadBalancer} is set.`;
    case 'setRule':
      return `Load-balancing rule ${e.rule.name} of ${e.loadBalancer} is set.`;
    case 'setFirewallRule':
      return `Firewall rule ${e.rule.name} on ${e.vm} is set.`;
    case 'removeFirewallRule':
      return `Firewall rule ${e.rule} on ${e.vm} is removed.`;
  }
}
