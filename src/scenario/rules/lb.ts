/**
 * Load balancers: frontends, pools, probes, rules, NAT and outbound rules, SKU limits, and
 * warnings for what deploys but will not work (a simplified NSG evaluation among them).
 */

import { cidrContains, formatIpv4 } from '../../shared/ipv4';
import { portInRanges, addressMatches as sharedAddressMatches } from '../../shared/nsgMatch';
import { HTTP_PROBE_UNSUPPORTED_PORTS } from '../../shared/probePorts';
import {
  AZURE_PROBE_SOURCE,
  backendPortOf,
  listenerAddressOf,
  listenerProtocolOf,
  natProtocolOf,
  outboundProtocolOf,
  probeProtocolOf,
  RANGES,
  ruleProtocolOf,
  skuOf,
} from '../defaults';
import { splitIpConfigurationRef } from '../members';
import { BACKEND_ADDRESS } from '../schema';
import { joinPath } from '../shape';
import type { HealthProbe, LoadBalancerBackendAddress, LoadBalancingRule, SecurityRule } from '../types';
import {
  type At,
  each,
  type FrontendEntry,
  type Index,
  type LbEntry,
  lookup,
  type NicEntry,
  type PoolEntry,
  parseAddress,
  parseNsgAddress,
  parsePortRange,
  q,
  type Report,
  resolveIpConfiguration,
  type VmEntry,
} from './common';
import { pair } from './nsg';

export const isHaPorts = (r: LoadBalancingRule) => ruleProtocolOf(r) === 'All' && r.frontendPort === 0;
export const protocolsOf = (p: 'Tcp' | 'Udp' | 'All'): ('Tcp' | 'Udp')[] => (p === 'All' ? ['Tcp', 'Udp'] : [p]);
export function lbKind(lb: LbEntry): 'internal' | 'public' | null {
  for (const f of lb.frontends.values()) if (f.kind !== 'invalid') return f.kind;
  return null;
}

/**
 * Admin state (articles/load-balancer/admin-state-overview.md, ms.date 05/29/2024, Limitations):
 * "Admin state isn't supported with inbound NAT rule", "isn't supported for nonprobed load
 * balancing rules", and "will only take effect when there's a health probe configured on the load
 * balancing rules". Both deploy; the warning says where it takes no effect.
 */
function checkAdminState(report: Report, lb: LbEntry, pool: PoolEntry, member: At<LoadBalancerBackendAddress>): void {
  const state = member.v.adminState;
  if (state === undefined || state === 'None') return;
  const path = joinPath(member.path, 'adminState');
  const rules = lb.rules.filter((r) => r.v.backendAddressPool === pool.v.name);
  const probed = rules.filter((r) => r.v.probe !== undefined);
  if (probed.length === 0) {
    report.warn(
      path,
      `admin state ${state} takes no effect: admin state isn't supported for nonprobed load balancing rules, and no rule to pool ${q(pool.v.name)} has a health probe`,
    );
  } else if (probed.length < rules.length) {
    const unprobed = rules.filter((r) => r.v.probe === undefined).map((r) => r.v.name);
    report.warn(
      path,
      `admin state ${state} takes no effect on ${unprobed.map((n) => q(n)).join(', ')}: admin state isn't supported for nonprobed load balancing rules`,
    );
  }
  const nic = splitIpConfigurationRef(member.v.networkInterfaceIPConfiguration).nic;
  const nat = lb.natRules.find((r) => r.v.networkInterface === nic);
  if (nat !== undefined) {
    report.warn(
      path,
      `admin state isn't supported with inbound NAT rule: ${q(nat.v.name)} still sends to ${q(nic)} whatever its admin state`,
    );
  }
}

/** The warning on every Basic load balancer, in the words of Azure's upgrade guidance. */
export const BASIC_RETIRED =
  'On September 30, 2025, Basic Load Balancer was retired (“Upgrading from Basic Load Balancer - Guidance”): one that still exists keeps working, unsupported and without SLA. Hairpin keeps Basic to show how it differs; a new load balancer is Standard.';

export function checkLoadBalancers(report: Report, ix: Index): void {
  const lbsOfNic = new Map<string, { lb: LbEntry; path: string }[]>();
  for (const lb of ix.lbs.values()) {
    const sku = skuOf(lb.v);
    // articles/load-balancer/load-balancer-basic-upgrade-guidance.md (ms.date 09/02/2026): "On
    // September 30, 2025, Basic Load Balancer was retired", and those left "remain operational"
    // but "unsupported and not covered by SLA guarantees". Kept to teach the difference, with this.
    if (lb.v.sku === 'Basic') report.warn(joinPath(lb.path, 'sku'), BASIC_RETIRED);
    const frontendOf = (path: string, name: string) => lookup(report, ix, path, name, lb.frontends);
    const poolOf = (path: string, name: string) => lookup(report, ix, path, name, lb.pools);

    // Pools: members exist, one VNet, size limits.
    for (const pool of lb.pools.values()) {
      const seen = new Set<string>();
      for (const member of each<LoadBalancerBackendAddress>(
        pool.v,
        'loadBalancerBackendAddresses',
        BACKEND_ADDRESS,
        pool.path,
      )) {
        const path = joinPath(member.path, 'networkInterfaceIPConfiguration');
        const ref = member.v.networkInterfaceIPConfiguration;
        const nic = resolveIpConfiguration(report, ix, path, ref);
        if (nic === undefined) continue;
        const name = nic.v.name;
        if (seen.has(name)) {
          report.error(path, `network interface ${q(name)} is already a member of this pool`);
          continue;
        }
        seen.add(name);
        const first = pool.members[0];
        // “What is Azure Load Balancer?” SKU table: "Any virtual machine in a single virtual network".
        if (first?.subnet !== undefined && nic.subnet !== undefined && first.subnet.vnet !== nic.subnet.vnet) {
          report.error(
            path,
            `${q(ref)} is in virtual network ${q(nic.subnet.vnet.v.name)} but ${q(first.v.name)} is in ${q(first.subnet.vnet.v.name)}: a backend pool's members are all in one virtual network`,
          );
        }
        pool.members.push(nic);
        checkAdminState(report, lb, pool, member);
        const list = lbsOfNic.get(nic.vm.v.name) ?? [];
        list.push({ lb, path });
        lbsOfNic.set(nic.vm.v.name, list);
      }
      // “What is Azure Load Balancer?” SKU table: Standard pools hold up to 1,000 instances, Basic up to 100.
      const limit = RANGES.poolSize[sku];
      if (pool.members.length > limit) {
        report.error(
          joinPath(pool.path, 'loadBalancerBackendAddresses'),
          `a ${sku} load balancer's pool holds at most ${limit} members, got ${pool.members.length}`,
        );
      }
      // backend-pool-management: backend resources are in the same virtual network as an internal load balancer.
      const fe = [...lb.frontends.values()].find((f) => f.kind === 'internal' && f.subnet !== undefined);
      const outsider = pool.members.find(
        (m) => m.subnet !== undefined && fe?.subnet !== undefined && m.subnet.vnet !== fe.subnet.vnet,
      );
      if (outsider?.subnet !== undefined && fe?.subnet !== undefined) {
        report.error(
          joinPath(pool.path, 'loadBalancerBackendAddresses'),
          `${q(outsider.v.name)} is in virtual network ${q(outsider.subnet.vnet.v.name)}, but the internal load balancer ${q(lb.v.name)} is in ${q(fe.subnet.vnet.v.name)}`,
        );
      }
    }

    // Probes.
    const usedProbes = new Set<string>();
    for (const probe of lb.probes.values()) checkProbeBody(report, probe.v, probe.path, sku);

    // Load-balancing rules and inbound NAT rules share the frontend's (protocol, port) space.
    const taken = new Map<string, string>();
    const claimPort = (fe: string, protocol: 'Tcp' | 'Udp' | 'All', port: number, path: string, what: string) => {
      for (const p of protocolsOf(protocol)) {
        const key = `${fe}/${p}/${port}`;
        const first = taken.get(key);
        if (first !== undefined) {
          report.error(
            path,
            `frontend ${q(fe)} already takes ${p} port ${port === 0 ? '0 (all ports)' : port} in ${first}: one frontend, protocol and port can have one rule`,
          );
          return;
        }
      }
      for (const p of protocolsOf(protocol)) taken.set(`${fe}/${p}/${port}`, what);
    };

    const ruleInfo: { rule: At<LoadBalancingRule>; pool: PoolEntry | undefined; fe: FrontendEntry | undefined }[] = [];
    for (const rule of lb.rules) {
      const r = rule.v;
      const fe = frontendOf(joinPath(rule.path, 'frontendIPConfiguration'), r.frontendIPConfiguration);
      const pool = poolOf(joinPath(rule.path, 'backendAddressPool'), r.backendAddressPool);
      ruleInfo.push({ rule, pool, fe });
      if (r.probe !== undefined) {
        usedProbes.add(r.probe);
        lookup(report, ix, joinPath(rule.path, 'probe'), r.probe, lb.probes);
      } else {
        // load-balancer-custom-probe-overview: "Azure Load Balancer rules require a health probe".
        report.warn(
          joinPath(rule.path, 'probe'),
          'no health probe: Azure load-balancing rules need one to know which members are up',
        );
      }
      const protocol = ruleProtocolOf(r);
      const backendPort = backendPortOf(r);
      // Ports 0 are HA ports: protocol All with both ports 0 (load-balancer-ha-ports-overview).
      if (protocol === 'All' && (r.frontendPort !== 0 || backendPort !== 0)) {
        report.error(
          joinPath(rule.path, 'protocol'),
          `protocol All is for HA ports: frontendPort and backendPort must both be 0, got ${r.frontendPort} and ${backendPort}`,
        );
      } else if (protocol !== 'All' && (r.frontendPort === 0 || backendPort === 0)) {
        report.error(
          joinPath(rule.path, r.frontendPort === 0 ? 'frontendPort' : 'backendPort'),
          `port 0 means every port (HA ports) and needs protocol All; a ${protocol} rule needs a port 1–65535`,
        );
      }
      // ARM (LoadBalancingRulePropertiesFormat.frontendPort): "Acceptable values are between 0 and 65534".
      if (r.frontendPort === 65535)
        report.error(
          joinPath(rule.path, 'frontendPort'),
          'a load-balancing rule frontend port goes up to 65534, got 65535',
        );
      if (isHaPorts(r)) {
        // “What is Azure Load Balancer?” SKU table: HA ports on Standard internal load balancers only.
        if (sku === 'Basic')
          report.error(
            joinPath(rule.path, 'protocol'),
            'HA ports (protocol All, ports 0) need a Standard load balancer; Basic has none',
          );
        else if (fe !== undefined && fe.kind === 'public')
          report.error(
            joinPath(rule.path, 'protocol'),
            `HA ports (protocol All, ports 0) work on internal frontends only; ${q(fe.v.name)} is public`,
          );
      }
      // load-balancer-tcp-reset.md (ms.date 07/31/2024), Limitations: "TCP reset isn't supported
      // for ILB HA ports when a network virtual appliance is in the path" (a member that forwards).
      if (r.enableTcpReset === true && isHaPorts(r) && fe?.kind === 'internal') {
        const appliance = pool?.members.find((m) => m.v.enableIPForwarding === true && m.vm.v.ipForwarding === true);
        if (appliance !== undefined)
          report.warn(
            joinPath(rule.path, 'enableTcpReset'),
            `TCP reset isn't supported for ILB HA ports when a network virtual appliance is in the path (“Load Balancer TCP Reset and idle timeout”): ${q(appliance.v.name)} forwards, so an idle flow through it is dropped silently, without a reset`,
          );
      }
      if (sku === 'Basic' && r.enableTcpReset === true) {
        report.error(
          joinPath(rule.path, 'enableTcpReset'),
          'TCP reset on idle needs a Standard load balancer (“What is Azure Load Balancer?” SKU table: Basic "Not available")',
        );
      }
      if (fe !== undefined)
        claimPort(
          fe.v.name,
          protocol,
          r.frontendPort,
          joinPath(rule.path, 'frontendPort'),
          `load-balancing rule ${q(r.name)}`,
        );
    }

    // Backend port reuse on one pool needs floating IP on every rule involved (load-balancer-multivip-overview).
    ruleInfo.forEach((a, i) => {
      for (const b of ruleInfo.slice(0, i)) {
        if (a.pool === undefined || a.pool !== b.pool) continue;
        const pa = protocolsOf(ruleProtocolOf(a.rule.v));
        const shared = protocolsOf(ruleProtocolOf(b.rule.v)).some((p) => pa.includes(p));
        const ha = isHaPorts(a.rule.v) || isHaPorts(b.rule.v);
        if (!shared || (!ha && backendPortOf(a.rule.v) !== backendPortOf(b.rule.v))) continue;
        if (a.rule.v.enableFloatingIP === true && b.rule.v.enableFloatingIP === true) continue;
        report.error(
          joinPath(a.rule.path, 'backendPort'),
          ha
            ? `HA ports rule and rule ${q(b.rule.v.name)} both send to pool ${q(a.pool.v.name)}: Azure accepts that only when both enable floating IP (load-balancer-ha-ports-overview)`
            : `backend port ${backendPortOf(a.rule.v)} of pool ${q(a.pool.v.name)} is already used by rule ${q(b.rule.v.name)}: reusing a backend port needs enableFloatingIP on both rules`,
        );
        return;
      }
    });

    for (const nat of lb.natRules) {
      const fe = frontendOf(joinPath(nat.path, 'frontendIPConfiguration'), nat.v.frontendIPConfiguration);
      const nic = lookup(report, ix, joinPath(nat.path, 'networkInterface'), nat.v.networkInterface, ix.nics);
      if (nat.v.frontendPort === 65535)
        report.error(
          joinPath(nat.path, 'frontendPort'),
          'an inbound NAT rule frontend port goes up to 65534, got 65535',
        );
      if (sku === 'Basic' && nat.v.enableTcpReset === true) {
        report.error(
          joinPath(nat.path, 'enableTcpReset'),
          'TCP reset on idle needs a Standard load balancer (“What is Azure Load Balancer?” SKU table: Basic "Not available")',
        );
      }
      if (fe !== undefined)
        claimPort(
          fe.v.name,
          natProtocolOf(nat.v),
          nat.v.frontendPort,
          joinPath(nat.path, 'frontendPort'),
          `inbound NAT rule ${q(nat.v.name)}`,
        );
      if (
        nic !== undefined &&
        fe?.subnet !== undefined &&
        nic.subnet !== undefined &&
        nic.subnet.vnet !== fe.subnet.vnet
      ) {
        report.error(
          joinPath(nat.path, 'networkInterface'),
          `${q(nic.v.name)} is in virtual network ${q(nic.subnet.vnet.v.name)}, outside the internal load balancer's ${q(fe.subnet.vnet.v.name)}`,
        );
      }
    }

    for (const out of lb.outboundRules) {
      // “What is Azure Load Balancer?” SKU table: outbound rules "Not available" on Basic.
      if (sku === 'Basic')
        report.error(
          out.path,
          'outbound rules need a Standard load balancer (“What is Azure Load Balancer?” SKU table: Basic "Not available")',
        );
      const pool = poolOf(joinPath(out.path, 'backendAddressPool'), out.v.backendAddressPool);
      let publicFrontends = 0;
      out.v.frontendIPConfigurations.forEach((name, i) => {
        const path = joinPath(joinPath(out.path, 'frontendIPConfigurations'), i);
        const fe = frontendOf(path, name);
        if (fe === undefined) return;
        // load-balancer-outbound-rules: outbound rules translate to a public IP.
        if (fe.kind === 'internal')
          report.error(path, `frontend ${q(name)} is internal: outbound rules translate to public frontends only`);
        else publicFrontends++;
        // ARM: LoadBalancingRuleMustDisableSNATSinceSameFrontendIPConfigurationIsReferencedByOutboundRule.
        for (const info of ruleInfo) {
          if (
            info.fe === fe &&
            info.pool !== undefined &&
            info.pool === pool &&
            info.rule.v.disableOutboundSnat !== true
          ) {
            report.error(
              joinPath(info.rule.path, 'disableOutboundSnat'),
              `must be true: frontend ${q(name)} and pool ${q(info.pool.v.name)} are also used by outbound rule ${q(out.v.name)} (Azure rejects the rule otherwise)`,
            );
          }
        }
      });
      const ports = out.v.allocatedOutboundPorts;
      if (ports !== undefined && ports > 0) {
        // articles/load-balancer/outbound-rules.md (ms.date 05/08/2023), "Modify SNAT port
        // allocation": "Load balancer gives SNAT ports in multiples of 8. If you provide a value not
        // divisible by 8, the configuration operation is rejected", and "If you attempt to give out
        // more SNAT ports than are available (based on the number of public IP addresses), the
        // configuration operation is rejected" — each public IP contributes 64,000.
        if (ports % 8 !== 0)
          report.error(
            joinPath(out.path, 'allocatedOutboundPorts'),
            `must be a multiple of 8, got ${ports}: Azure gives SNAT ports in multiples of 8 and rejects any other number`,
          );
        else if (pool !== undefined && publicFrontends > 0 && ports * pool.members.length > 64000 * publicFrontends) {
          report.error(
            joinPath(out.path, 'allocatedOutboundPorts'),
            `${ports} ports × ${pool.members.length} members exceeds the ${64000 * publicFrontends} ports of ${publicFrontends} frontend IP(s): each public IP gives 64,000 SNAT ports, and Azure rejects an allocation beyond them (add frontend IPs, or give fewer ports)`,
          );
        }
      }
      if (outboundProtocolOf(out.v) !== 'All' && out.v.enableTcpReset === true && outboundProtocolOf(out.v) === 'Udp') {
        report.warn(joinPath(out.path, 'enableTcpReset'), 'TCP reset does nothing on a Udp outbound rule');
      }
    }

    for (const probe of lb.probes.values()) {
      if (!usedProbes.has(probe.v.name))
        report.warn(
          probe.path,
          `health probe ${q(probe.v.name)} is used by no load-balancing rule, so it probes nothing`,
        );
    }

    checkLbWarnings(report, ix, lb, ruleInfo);
  }

  // A VM's NICs reference backend pools of at most one public and one internal load balancer,
  // and never mix SKUs (learn.microsoft.com/dotnet/api/azure.resourcemanager.compute.models.
  // virtualmachinenetworkinterfaceipconfiguration.loadbalancerbackendaddresspools).
  for (const [vmName, list] of lbsOfNic) {
    const firstOf = new Map<string, LbEntry>();
    const skus = new Map<string, LbEntry>();
    for (const { lb, path } of list) {
      const kind = lbKind(lb);
      const sku = skuOf(lb.v);
      const other = [...skus.values()].find((o) => skuOf(o.v) !== sku);
      if (other !== undefined) {
        report.error(
          path,
          `virtual machine ${q(vmName)} is already in a pool of ${skuOf(other.v)} load balancer ${q(other.v.name)}: Azure does not mix Basic and Standard load balancers on one VM`,
        );
        continue;
      }
      skus.set(lb.v.name, lb);
      if (kind === null) continue;
      const first = firstOf.get(kind);
      if (first !== undefined && first !== lb) {
        report.error(
          path,
          `virtual machine ${q(vmName)} is already in a pool of ${kind} load balancer ${q(first.v.name)}: a VM can be behind one ${kind} load balancer only`,
        );
      } else firstOf.set(kind, lb);
    }
  }
}

export function checkProbeBody(report: Report, probe: HealthProbe, path: string, sku: 'Standard' | 'Basic'): void {
  const protocol = probeProtocolOf(probe);
  // “What is Azure Load Balancer?” SKU table: Basic probes are TCP and HTTP only.
  if (protocol === 'Https' && sku === 'Basic')
    report.error(
      joinPath(path, 'protocol'),
      'HTTPS probes need a Standard load balancer; Basic probes are Tcp or Http',
    );
  // load-balancer-custom-probe-overview.md, Limitations: "HTTP probes don't support probing on
  // the following ports due to security concerns: 19, 21, 25, 70, 110, 119, 143, 220, 993."
  if (protocol !== 'Tcp' && HTTP_PROBE_UNSUPPORTED_PORTS.includes(probe.port)) {
    report.warn(
      joinPath(path, 'port'),
      `HTTP probes don't support probing on port ${probe.port} (Azure: "due to security concerns", with 19, 21, 25, 70, 110, 119, 143, 220 and 993): no member is ever probed up; probe another port, or use a Tcp probe`,
    );
  }
  if (probe.requestPath === undefined) return;
  if (protocol === 'Tcp') {
    report.warn(
      joinPath(path, 'requestPath'),
      'a Tcp probe sends no request: requestPath is used by Http and Https probes only',
    );
  } else if (!probe.requestPath.startsWith('/')) {
    report.error(joinPath(path, 'requestPath'), `an HTTP request path starts with "/", got ${q(probe.requestPath)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// NSG evaluation, simplified, for warnings

export interface Flow {
  readonly source: number | 'internet';
  readonly destination: number;
  readonly protocol: 'Tcp' | 'Udp';
  readonly port: number;
}

export function inAnyVnet(ix: Index, address: number): boolean {
  for (const vnet of ix.vnets.values()) if (vnet.spaces.some((s) => cidrContains(s, address))) return true;
  return false;
}

export function addressMatches(ix: Index, prefixes: At<string>[], address: number | 'internet'): boolean {
  return prefixes.some(({ v }) => {
    const parsed = parseNsgAddress(v);
    if (typeof parsed === 'string') return false;
    if (address !== 'internet') {
      // Assumption: the probe source matches AzureLoadBalancer only, never Internet.
      if (parsed.kind === 'tag' && formatIpv4(address) === AZURE_PROBE_SOURCE)
        return parsed.tag === 'AzureLoadBalancer';
      return sharedAddressMatches(parsed, address, (a) => inAnyVnet(ix, a));
    }
    if (parsed.kind === 'any') return true;
    if (parsed.kind === 'tag') return parsed.tag === 'Internet';
    // A specific prefix outside the VNets lets some of the internet in.
    return !inAnyVnet(ix, parsed.cidr.base);
  });
}

export function portMatches(ranges: At<string>[], port: number): boolean {
  return ranges.some(({ v }) => {
    const r = parsePortRange(v);
    return typeof r !== 'string' && portInRanges([r], port);
  });
}

/** The first custom inbound rule of the NSG that matches the flow (Azure evaluates by priority). */
export function firstMatch(ix: Index, rules: At<SecurityRule>[], flow: Flow): At<SecurityRule> | undefined {
  return [...rules]
    .filter((r) => r.v.direction === 'Inbound')
    .sort((a, b) => a.v.priority - b.v.priority)
    .find((r) => {
      const protocol = r.v.protocol ?? '*';
      if (protocol !== '*' && protocol !== flow.protocol) return false;
      // Assumption: the source port is ephemeral, so only a rule for any source port surely matches.
      if (!pair(r.v, r.path, 'sourcePortRange', 'sourcePortRanges').some((p) => p.v === '*')) return false;
      return (
        addressMatches(ix, pair(r.v, r.path, 'sourceAddressPrefix', 'sourceAddressPrefixes'), flow.source) &&
        addressMatches(
          ix,
          pair(r.v, r.path, 'destinationAddressPrefix', 'destinationAddressPrefixes'),
          flow.destination,
        ) &&
        portMatches(pair(r.v, r.path, 'destinationPortRange', 'destinationPortRanges'), flow.port)
      );
    });
}

/** The NSGs on the inbound path of a NIC: its subnet's, then its own (engine-model.md step 10). */
export function nsgsOf(ix: Index, nic: NicEntry) {
  const names = [nic.subnet?.v.networkSecurityGroup, nic.v.networkSecurityGroup];
  return names.flatMap((name) => {
    const nsg = name === undefined ? undefined : ix.nsgs.get(name);
    return nsg === undefined ? [] : [nsg];
  });
}

/**
 * An HTTPS probe needs TLS at its port: "HTTPS probes are the same as HTTP probes with the
 * addition of a Transport Layer Security (TLS)", with "a minimum signature hash of SHA256 in the
 * entire chain" (load-balancer-custom-probe-overview.md). The engine fails the handshake otherwise.
 */
function checkTlsListener(report: Report, vm: VmEntry, nic: NicEntry, probe: At<HealthProbe>): void {
  const listener = vm.listeners.find((l) => {
    if (listenerProtocolOf(l.v) !== 'Tcp' || l.v.port !== probe.v.port) return false;
    const bound = listenerAddressOf(l.v);
    return bound === '0.0.0.0' || (nic.address !== null && parseAddress(bound) === nic.address);
  });
  if (listener === undefined) return;
  if (listener.v.tls === undefined) {
    report.warn(
      joinPath(listener.path, 'tls'),
      `HTTPS probe ${q(probe.v.name)} needs TLS here: listener ${q(listener.v.name)} serves plain TCP, so the probe's TLS handshake fails and ${q(nic.v.name)} is marked down (PROBE_TLS_FAILED)`,
    );
  } else if (listener.v.tls.sha256 === false) {
    report.warn(
      joinPath(joinPath(listener.path, 'tls'), 'sha256'),
      `HTTPS probe ${q(probe.v.name)} requires a certificate chain signed with SHA-256 throughout: the handshake fails and ${q(nic.v.name)} is marked down (PROBE_TLS_FAILED)`,
    );
  }
}

export function listensOn(vm: VmEntry, protocol: 'Tcp' | 'Udp', address: number | null, port: number): boolean {
  return vm.listeners.some((l) => {
    if (listenerProtocolOf(l.v) !== protocol || l.v.port !== port) return false;
    const bound = listenerAddressOf(l.v);
    return bound === '0.0.0.0' || (address !== null && parseAddress(bound) === address);
  });
}

export function checkLbWarnings(
  report: Report,
  ix: Index,
  lb: LbEntry,
  ruleInfo: { rule: At<LoadBalancingRule>; pool: PoolEntry | undefined; fe: FrontendEntry | undefined }[],
): void {
  const warnedProbe = new Set<string>();
  for (const { rule, pool, fe } of ruleInfo) {
    if (pool === undefined || fe === undefined) continue;
    const r = rule.v;
    const floating = r.enableFloatingIP === true;
    const protocols = protocolsOf(ruleProtocolOf(r));
    const backendPort = backendPortOf(r);
    const probe = r.probe === undefined ? undefined : lb.probes.get(r.probe);
    for (const nic of pool.members) {
      const vm = nic.vm;
      // engine-model.md step 9: with floating IP the destination stays the frontend address,
      // which the guest must own on a loopback (the ILB hairpin write-up §3.2).
      if (floating && fe.address !== null && !vm.loopbacks.some((lo) => parseAddress(lo.v.ipAddress) === fe.address)) {
        report.warn(
          joinPath(rule.path, 'enableFloatingIP'),
          `floating IP keeps destination ${formatIpv4(fe.address)}, but virtual machine ${q(vm.v.name)} (member ${q(nic.v.name)}) has no loopback interface with that address: it will not accept the traffic`,
        );
      }
      // “Troubleshoot Azure Load Balancer”: a VM not listening on the data port answers with a reset.
      if (backendPort !== 0 && nic.primary) {
        const dst = floating ? fe.address : nic.address;
        for (const p of protocols) {
          if (!listensOn(vm, p, dst, backendPort)) {
            report.warn(
              joinPath(rule.path, 'backendPort'),
              `virtual machine ${q(vm.v.name)} (member ${q(nic.v.name)}) has no ${p} listener on port ${backendPort}${floating && dst !== null ? ` for ${formatIpv4(dst)}` : ''}: connections will be ${p === 'Tcp' ? 'reset' : 'unanswered'}`,
            );
          }
        }
      }
      if (probe !== undefined && nic.primary) {
        const key = `${probe.v.name}/${nic.v.name}`;
        if (!warnedProbe.has(key)) {
          warnedProbe.add(key);
          // “Troubleshoot Azure Load Balancer health probe status”: the probe fails when nothing listens on its port. The probe goes to the
          // primary NIC address, never the frontend (the ILB hairpin write-up §3.2 call-out 3).
          if (!listensOn(vm, 'Tcp', nic.address, probe.v.port)) {
            report.warn(
              joinPath(probe.path, 'port'),
              `virtual machine ${q(vm.v.name)} (member ${q(nic.v.name)}) has no Tcp listener on port ${probe.v.port}: this probe will mark it down`,
            );
          }
          if (probeProtocolOf(probe.v) === 'Https') checkTlsListener(report, vm, nic, probe);
          if (nic.address !== null) {
            for (const nsg of nsgsOf(ix, nic)) {
              const match = firstMatch(ix, nsg.rules, {
                source: parseAddress(AZURE_PROBE_SOURCE) ?? 0,
                destination: nic.address,
                protocol: 'Tcp',
                port: probe.v.port,
              });
              // “Troubleshoot Azure Load Balancer health probe status” Cause 3: an NSG that blocks 168.63.129.16 marks every member down.
              if (match !== undefined && match.v.access === 'Deny') {
                report.warn(
                  joinPath(match.path, 'access'),
                  `denies the health probe from ${AZURE_PROBE_SOURCE} (AzureLoadBalancer) to ${q(nic.v.name)} port ${probe.v.port} before Azure's AllowAzureLoadBalancerInBound (65001): probe ${q(probe.v.name)} will mark it down`,
                );
              }
            }
          }
        }
      }
      // engine-model.md step 10: a Standard public frontend passes nothing from the internet
      // unless an NSG on the path allows it (“What is Azure Load Balancer?” "Secure by default").
      if (fe.kind === 'public' && skuOf(lb.v) === 'Standard' && nic.address !== null) {
        const nsgs = nsgsOf(ix, nic);
        const dst = floating ? (fe.address ?? nic.address) : nic.address;
        const allowed =
          nsgs.length > 0 &&
          nsgs.every((nsg) =>
            protocols.some(
              (p) =>
                firstMatch(ix, nsg.rules, {
                  source: 'internet',
                  destination: dst,
                  protocol: p,
                  port: backendPort === 0 ? 1 : backendPort,
                })?.v.access === 'Allow',
            ),
          );
        if (!allowed) {
          report.warn(
            joinPath(rule.path, 'frontendIPConfiguration'),
            `Standard is secure by default: no network security group on the path of ${q(nic.v.name)} allows inbound traffic from the internet to port ${backendPort}, so nothing from the internet gets through`,
          );
        }
      }
    }
  }
}
