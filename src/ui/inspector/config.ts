/**
 * What the inspector knows beyond the schema: which schema each element kind follows, the
 * default Azure applies to each optional field (from scenario/defaults.ts, never a literal of its
 * own), which fields name other elements (and so offer a choice), which nested lists are tables
 * and which of their columns show, and what a new row of each table holds. Pure, so it is tested
 * without a browser.
 */
import {
  BACKEND_ADDRESS_DEFAULTS,
  CLIENT_DEFAULTS,
  defaultWeakHost,
  FIREWALL_DEFAULTS,
  LB_DEFAULTS,
  LISTENER_DEFAULTS,
  NSG_RULE_DEFAULTS,
  OUTBOUND_RULE_DEFAULTS,
  PROBE_DEFAULTS,
  RULE_DEFAULTS,
  TRAFFIC_DEFAULTS,
  VM_DEFAULTS,
} from '../../scenario/defaults';
import { freeName, getAt, nextPriority, parseElementId } from '../../scenario/edit';
import { poolMemberNics } from '../../scenario/members';
import {
  BACKEND_ADDRESS,
  CLIENT,
  FIREWALL,
  FIREWALL_RULE,
  FRONTEND,
  GUEST_ROUTE,
  IP_CONFIGURATION,
  LB_RULE,
  LINUX,
  LISTENER,
  LOAD_BALANCER,
  LOOPBACK,
  NAT_RULE,
  NIC,
  NSG,
  type ObjectSchema,
  OUTBOUND_RULE,
  POOL,
  PROBE,
  ROUTE_TABLE,
  SECURITY_RULE,
  SUBNET,
  TRAFFIC,
  VM,
  VNET,
} from '../../scenario/schema';
import type { Scenario } from '../../scenario/types';

export type Key = string | number;

/** The schema of each element kind the inspector edits. */
export const SCHEMA_OF: { readonly [kind: string]: ObjectSchema } = {
  vnet: VNET,
  subnet: SUBNET,
  nsg: NSG,
  routeTable: ROUTE_TABLE,
  vm: VM,
  nic: NIC,
  loopback: LOOPBACK,
  lb: LOAD_BALANCER,
  frontend: FRONTEND,
  pool: POOL,
  probe: PROBE,
  rule: LB_RULE,
  natRule: NAT_RULE,
  outboundRule: OUTBOUND_RULE,
  client: CLIENT,
  traffic: TRAFFIC,
};

type Obj = { readonly [key: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const items = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
const names = (v: unknown): string[] => items(v).flatMap((o) => (typeof o.name === 'string' ? [o.name] : []));

/**
 * The default that applies when an optional field is absent, as the inspector prints it, or
 * undefined when the field has none. `path` is the item's path (weak-host defaults depend on the
 * VM's OS).
 */
export function defaultOf(s: Scenario, schema: ObjectSchema, field: string, path: readonly Key[]): string | undefined {
  switch (schema) {
    case VM:
      return { os: VM_DEFAULTS.os, powerState: VM_DEFAULTS.powerState, ipForwarding: 'false' }[field];
    case LINUX:
      return { acceptLocal: 'false', tcpSynLinearTimeouts: String(VM_DEFAULTS.tcpSynLinearTimeouts) }[field];
    case NIC:
    case LOOPBACK: {
      if (field === 'enableIPForwarding') return 'false';
      if (field === 'weakHostSend' || field === 'weakHostReceive') {
        const os = (getAt(s, path.slice(0, 2)) as Obj | undefined)?.os === 'windows' ? 'windows' : VM_DEFAULTS.os;
        // engine-model.md "The guest": strong host on Windows, weak host on Linux.
        return `${defaultWeakHost(os)} (${os})`;
      }
      return undefined;
    }
    case LISTENER:
      return { protocol: LISTENER_DEFAULTS.protocol, address: LISTENER_DEFAULTS.address }[field];
    case FIREWALL:
      return {
        enabled: String(FIREWALL_DEFAULTS.enabled),
        defaultInboundAction: FIREWALL_DEFAULTS.defaultInboundAction,
      }[field];
    case FIREWALL_RULE:
      return { protocol: 'Any', localPorts: 'Any', remotePorts: 'Any', localAddresses: 'Any', remoteAddresses: 'Any' }[
        field
      ];
    case SECURITY_RULE:
      if (field === 'protocol') return NSG_RULE_DEFAULTS.protocol;
      if (field.endsWith('PortRange')) return NSG_RULE_DEFAULTS.portRange;
      if (field.endsWith('AddressPrefix')) return NSG_RULE_DEFAULTS.addressPrefix;
      return undefined;
    case LOAD_BALANCER:
      return field === 'sku' ? LB_DEFAULTS.sku : undefined;
    case BACKEND_ADDRESS:
      return field === 'adminState' ? `${BACKEND_ADDRESS_DEFAULTS.adminState} (follows the probe)` : undefined;
    case PROBE:
      return field in PROBE_DEFAULTS ? String(PROBE_DEFAULTS[field as keyof typeof PROBE_DEFAULTS]) : undefined;
    case LB_RULE:
      if (field === 'backendPort') return 'the frontend port';
      return field in RULE_DEFAULTS ? String(RULE_DEFAULTS[field as keyof typeof RULE_DEFAULTS]) : undefined;
    case NAT_RULE:
      return {
        protocol: 'Tcp',
        enableFloatingIP: 'false',
        idleTimeoutInMinutes: String(RULE_DEFAULTS.idleTimeoutInMinutes),
        enableTcpReset: 'false',
      }[field];
    case OUTBOUND_RULE:
      if (field === 'allocatedOutboundPorts') return '0 (Azure’s table by pool size)';
      return field in OUTBOUND_RULE_DEFAULTS
        ? String(OUTBOUND_RULE_DEFAULTS[field as keyof typeof OUTBOUND_RULE_DEFAULTS])
        : undefined;
    case CLIENT:
      return field in CLIENT_DEFAULTS ? String(CLIENT_DEFAULTS[field as keyof typeof CLIENT_DEFAULTS]) : undefined;
    case TRAFFIC:
      if (field === 'sourcePort') return 'ephemeral';
      return field in TRAFFIC_DEFAULTS ? String(TRAFFIC_DEFAULTS[field as keyof typeof TRAFFIC_DEFAULTS]) : undefined;
    default:
      return undefined;
  }
}

/** The load balancer or VM an item at `path` belongs to. */
const lbAt = (s: Scenario, path: readonly Key[]): Obj | undefined =>
  path[0] === 'loadBalancers' ? (getAt(s, path.slice(0, 2)) as Obj | undefined) : undefined;
const vmAt = (s: Scenario, path: readonly Key[]): Obj | undefined =>
  path[0] === 'virtualMachines' ? (getAt(s, path.slice(0, 2)) as Obj | undefined) : undefined;

export const subnetRefs = (s: Scenario): string[] =>
  items(s.vnets).flatMap((v) => names(v.subnets).map((x) => `${String(v.name)}/${x}`));
const allNics = (s: Scenario): string[] => items(s.virtualMachines).flatMap((vm) => names(vm.networkInterfaces));
/** Every IP configuration a pool member can name: `nic/ipconfig`. */
const ipConfigurationRefs = (s: Scenario): string[] =>
  items(s.virtualMachines).flatMap((vm) =>
    items(vm.networkInterfaces).flatMap((nic) => names(nic.ipConfigurations).map((c) => `${String(nic.name)}/${c}`)),
  );

/**
 * The choices for a field that names another element, or null for a free-text field. `optional`
 * choices include "none" (the field removed).
 */
export function referenceOptions(
  s: Scenario,
  schema: ObjectSchema,
  field: string,
  path: readonly Key[],
): string[] | null {
  if (field === 'subnet' && (schema === IP_CONFIGURATION || schema === FRONTEND)) return subnetRefs(s);
  if (field === 'networkInterfaceIPConfiguration' && schema === BACKEND_ADDRESS) return ipConfigurationRefs(s);
  if (field === 'networkSecurityGroup' && (schema === NIC || schema === SUBNET)) return names(s.networkSecurityGroups);
  if (field === 'routeTable' && schema === SUBNET) return names(s.routeTables);
  const lb = lbAt(s, path);
  if (lb !== undefined) {
    if (field === 'frontendIPConfiguration') return names(lb.frontendIPConfigurations);
    if (field === 'backendAddressPool') return names(lb.backendAddressPools);
    if (field === 'probe') return names(lb.probes);
    if (field === 'networkInterface' && schema === NAT_RULE) return allNics(s);
  }
  if (schema === GUEST_ROUTE && field === 'interface') return names(vmAt(s, path)?.networkInterfaces);
  if (schema === TRAFFIC && field === 'from') return [...names(s.virtualMachines), ...names(s.clients)];
  return null;
}

/** A nested list shown as a table: its columns, and what kind of element its rows are (for renames and deletes). */
export interface ListConfig {
  readonly title: string;
  readonly columns: readonly string[];
  /** The element kind of a row (`probe`), when rows are elements with ids; otherwise plain items. */
  readonly element?: string;
  /** A second, quieter line under a row's name: what the row does, in words. */
  readonly summary?: (row: Obj) => string;
  /** A list that usually holds one row (a NIC's IP configurations) shows that row open. */
  readonly openSingle?: true;
  /** NSG rules: shown by direction (a heading each) and priority, reordered by swapping priorities. */
  readonly byPriority?: boolean;
  /** What a new row holds; null when a new row is an element added through edit.ts. */
  readonly create?: (s: Scenario, path: readonly Key[]) => unknown;
}

/** An NSG rule in words: "Deny · TCP 80 · from 192.168.0.0/16". */
export function securityRuleSummary(rule: Obj): string {
  const list = (one: unknown, many: unknown): string => {
    const all = [...(typeof one === 'string' ? [one] : []), ...(Array.isArray(many) ? many.map(String) : [])];
    return all.length === 0 || all.includes('*') ? 'any' : all.join(', ');
  };
  const protocol =
    typeof rule.protocol === 'string' && rule.protocol !== '*' ? rule.protocol.toUpperCase() : 'any protocol';
  const ports = list(rule.destinationPortRange, rule.destinationPortRanges);
  const source = list(rule.sourceAddressPrefix, rule.sourceAddressPrefixes);
  const what = ports === 'any' ? protocol : `${protocol} ${ports}`;
  return `${String(rule.access ?? 'Allow')} · ${what} · from ${source}`;
}

/**
 * Table headings as the Azure portal writes them (the ARM name is the heading's title), and the
 * widths of columns whose values are short, so that the name column gets the rest.
 */
export const COLUMN_HEADINGS: { readonly [field: string]: string } = {
  priority: 'Priority',
  name: 'Name',
  direction: 'Direction',
  access: 'Action',
  action: 'Action',
  protocol: 'Protocol',
  port: 'Port',
  destinationPortRange: 'Port',
  localPorts: 'Ports',
  addressPrefix: 'Prefix',
  nextHopType: 'Next hop',
  nextHop: 'Next hop',
  interface: 'Interface',
  subnet: 'Subnet',
  ipAddress: 'IP address',
  privateIPAddress: 'Private IP',
  publicIPAddress: 'Public IP',
  ipConfigurations: 'Private IP',
  loadBalancerBackendAddresses: 'Members',
  networkInterfaceIPConfiguration: 'IP configuration',
  adminState: 'Admin state',
  networkInterface: 'NIC',
  frontendPort: 'Frontend port',
  backendPort: 'Backend port',
  backendAddressPool: 'Pool',
  frontendIPConfigurations: 'Frontends',
  from: 'From',
  to: 'To',
};

export const COLUMN_WIDTHS: { readonly [field: string]: string } = {
  priority: '60px',
  access: '48px',
  action: '48px',
  protocol: '62px',
  port: '40px',
  destinationPortRange: '40px',
  localPorts: '44px',
  frontendPort: '70px',
  backendPort: '70px',
  adminState: '70px',
};

export const LISTS: { readonly [schemaLabel: string]: { readonly [field: string]: ListConfig } } = {
  [VNET.label]: {
    subnets: { title: 'Subnets', columns: ['name', 'addressPrefix'], element: 'subnet' },
  },
  [NSG.label]: {
    securityRules: {
      title: 'Security rules',
      // Grouped under Inbound and Outbound headings, as the portal lists them; what each rule
      // matches goes on a second line, so that the name keeps the width a narrow inspector has.
      columns: ['priority', 'name'],
      summary: securityRuleSummary,
      byPriority: true,
      create: (s, path) => {
        const rules = items(getAt(s, path));
        return {
          name: freeName('rule', names(rules)),
          priority: nextPriority(rules, 'Inbound'),
          direction: 'Inbound',
          access: 'Allow',
          protocol: 'Tcp',
          destinationPortRange: '80',
        };
      },
    },
  },
  [ROUTE_TABLE.label]: {
    routes: {
      title: 'Routes',
      columns: ['name', 'addressPrefix', 'nextHopType'],
      create: (s, path) => ({
        name: freeName('route', names(getAt(s, path))),
        addressPrefix: '0.0.0.0/0',
        nextHopType: 'Internet',
      }),
    },
  },
  [VM.label]: {
    networkInterfaces: { title: 'Network interfaces', columns: ['name', 'ipConfigurations'], element: 'nic' },
    loopbackInterfaces: { title: 'Loopback interfaces', columns: ['name', 'ipAddress'], element: 'loopback' },
    listeners: {
      title: 'Listeners',
      columns: ['name', 'protocol', 'port'],
      create: (s, path) => ({ name: freeName('app', names(getAt(s, path))), port: 80 }),
    },
    routes: {
      title: 'Guest routes',
      columns: ['addressPrefix', 'interface', 'nextHop'],
      create: (s, path) => ({
        addressPrefix: '10.0.0.0/8',
        interface: names(getAt(s, [...path.slice(0, -1), 'networkInterfaces']))[0] ?? '',
      }),
    },
  },
  [NIC.label]: {
    // No "Add": the simulation reads one IP configuration per NIC, and validation says so of a second.
    ipConfigurations: {
      title: 'IP configurations',
      columns: ['name', 'subnet', 'privateIPAddress'],
      openSingle: true,
    },
  },
  [FIREWALL.label]: {
    rules: {
      title: 'Firewall rules',
      columns: ['name', 'direction', 'action', 'localPorts'],
      create: (s, path) => ({
        name: freeName('rule', names(getAt(s, path))),
        direction: 'Inbound',
        action: 'Block',
        protocol: 'Tcp',
        localPorts: '80',
      }),
    },
  },
  [LOAD_BALANCER.label]: {
    frontendIPConfigurations: {
      title: 'Frontend IP configurations',
      columns: ['name', 'privateIPAddress', 'publicIPAddress'],
      element: 'frontend',
    },
    backendAddressPools: { title: 'Backend pools', columns: ['name', 'loadBalancerBackendAddresses'], element: 'pool' },
    probes: { title: 'Health probes', columns: ['name', 'protocol', 'port'], element: 'probe' },
    loadBalancingRules: {
      title: 'Load-balancing rules',
      columns: ['name', 'frontendPort', 'backendAddressPool'],
      element: 'rule',
      create: (s, path) => {
        const lb = getAt(s, path.slice(0, -1)) as Obj;
        const used = items(lb.loadBalancingRules).map((r) => r.frontendPort);
        let port = 80;
        while (used.includes(port)) port = port === 80 ? 443 : port + 1;
        const probe = names(lb.probes)[0];
        return {
          name: freeName('rule', names(lb.loadBalancingRules)),
          frontendIPConfiguration: names(lb.frontendIPConfigurations)[0] ?? '',
          backendAddressPool: names(lb.backendAddressPools)[0] ?? '',
          ...(probe !== undefined ? { probe } : {}),
          frontendPort: port,
        };
      },
    },
    inboundNatRules: {
      title: 'Inbound NAT rules',
      columns: ['name', 'frontendPort', 'backendPort', 'networkInterface'],
      element: 'natRule',
      create: (s, path) => {
        const lb = getAt(s, path.slice(0, -1)) as Obj;
        const used = items(lb.inboundNatRules).map((r) => r.frontendPort);
        let port = 50001;
        while (used.includes(port)) port++;
        const member = items(lb.backendAddressPools).flatMap((p) => poolMemberNics(p))[0];
        return {
          name: freeName('nat', names(lb.inboundNatRules)),
          frontendIPConfiguration: names(lb.frontendIPConfigurations)[0] ?? '',
          frontendPort: port,
          backendPort: 22,
          networkInterface: typeof member === 'string' ? member : (allNics(s)[0] ?? ''),
        };
      },
    },
    outboundRules: {
      title: 'Outbound rules',
      columns: ['name', 'frontendIPConfigurations', 'backendAddressPool'],
      element: 'outboundRule',
      create: (s, path) => {
        const lb = getAt(s, path.slice(0, -1)) as Obj;
        const publicFe = items(lb.frontendIPConfigurations).find((f) => typeof f.publicIPAddress === 'string');
        return {
          name: freeName('outbound', names(lb.outboundRules)),
          frontendIPConfigurations: [String(publicFe?.name ?? names(lb.frontendIPConfigurations)[0] ?? '')],
          backendAddressPool: names(lb.backendAddressPools)[0] ?? '',
        };
      },
    },
  },
  [POOL.label]: {
    loadBalancerBackendAddresses: {
      title: 'Members',
      columns: ['networkInterfaceIPConfiguration', 'adminState'],
      create: (s, path) => {
        const taken = new Set(items(getAt(s, path)).map((m) => m.networkInterfaceIPConfiguration));
        const ref = ipConfigurationRefs(s).find((r) => !taken.has(r)) ?? ipConfigurationRefs(s)[0] ?? '';
        return { networkInterfaceIPConfiguration: ref };
      },
    },
  },
  [CLIENT.label]: {
    listeners: {
      title: 'Listeners',
      columns: ['name', 'protocol', 'port'],
      create: (s, path) => ({ name: freeName('app', names(getAt(s, path))), port: 80 }),
    },
  },
};

/** The traffic table of the scenario inspector. */
export const TRAFFIC_LIST: ListConfig = {
  title: 'Traffic',
  columns: ['name', 'from', 'to'],
  element: 'traffic',
  create: (s) => {
    const from = names(s.clients)[0] ?? names(s.virtualMachines)[0] ?? '';
    const fe = items(s.loadBalancers).flatMap((lb) => items(lb.frontendIPConfigurations))[0];
    const address = fe?.privateIPAddress ?? fe?.publicIPAddress ?? '10.0.0.4';
    return { name: freeName('traffic', names(s.traffic)), from, to: `${String(address)}:80` };
  },
};

/** The id of a row of an element table (`probe:ilb/p80`), or null for plain items. */
export function rowElementId(s: Scenario, config: ListConfig, path: readonly Key[], row: Obj): string | null {
  const name = typeof row.name === 'string' ? row.name : null;
  if (config.element === undefined || name === null) return null;
  const owner = getAt(s, path.slice(0, 2)) as Obj | undefined;
  const ownerName = typeof owner?.name === 'string' ? owner.name : '';
  switch (config.element) {
    case 'nic':
    case 'traffic':
      return `${config.element}:${name}`;
    case 'subnet':
    case 'loopback':
      return `${config.element}:${ownerName}/${name}`;
    default:
      return `${config.element}:${ownerName}/${name}`;
  }
}

export const kindOfId = (id: string): string => parseElementId(id).kind;
