/**
 * The shape of a version-2 document, declared once and read by two consumers: `checkShape`
 * (validate.ts: type and range errors, unknown-field warnings) and `restoreScenario` (restore.ts:
 * drop a broken item, remove a field of the wrong type so its default applies). Cross-references
 * and Azure's deployment rules are not shape: validate.ts checks them.
 */

import { RANGES } from './defaults';
import {
  CLOSED_BY,
  DISTRIBUTION_EXPECT,
  EVENT_ACTIONS,
  lessonCheckKind,
  REASON_CODES,
  SCENARIO_VERSION,
} from './types';

export type FieldType =
  | { readonly t: 'string'; readonly nonEmpty?: boolean }
  | { readonly t: 'int'; readonly min: number; readonly max: number; readonly unit?: string }
  | {
      readonly t: 'number';
      readonly min: number;
      readonly max?: number;
      readonly unit?: string;
      /** 0 is allowed besides `min`–`max` (0 switches the feature off: `dataEvery`). */
      readonly orZero?: boolean;
    }
  | { readonly t: 'bool' }
  | { readonly t: 'enum'; readonly values: readonly string[] }
  | { readonly t: 'array'; readonly of: FieldType; readonly nonEmpty?: boolean }
  | { readonly t: 'object'; readonly schema: ObjectSchema }
  | { readonly t: 'map'; readonly of: FieldType; readonly keyLabel: string }
  | { readonly t: 'union'; readonly key: string; readonly variants: { readonly [tag: string]: ObjectSchema } }
  /** An object whose schema is told by its fields (lesson checks). */
  | { readonly t: 'pick'; readonly pick: (value: unknown) => ObjectSchema }
  | { readonly t: 'any' };

export interface FieldSpec {
  readonly type: FieldType;
  readonly required?: boolean;
  readonly nullable?: boolean;
}

export interface ObjectSchema {
  /** What a network engineer calls one of these, for messages: "load-balancing rule". */
  readonly label: string;
  readonly fields: { readonly [field: string]: FieldSpec };
}

const str: FieldType = { t: 'string' };
const name: FieldSpec = { type: { t: 'string', nonEmpty: true }, required: true };
const bool: FieldSpec = { type: { t: 'bool' } };
const port: FieldType = { t: 'int', min: RANGES.port.min, max: RANGES.port.max };
/** Load-balancing rule ports: 0 is allowed for HA ports (protocol All, ports 0). */
const rulePort: FieldType = { t: 'int', min: 0, max: RANGES.port.max };
const enumOf = (...values: string[]): FieldType => ({ t: 'enum', values });
const arrayOf = (of: FieldType, nonEmpty = false): FieldType => ({ t: 'array', of, nonEmpty });
const objectOf = (schema: ObjectSchema): FieldType => ({ t: 'object', schema });
const required = (type: FieldType): FieldSpec => ({ type, required: true });
const optional = (type: FieldType): FieldSpec => ({ type });

export const SUBNET: ObjectSchema = {
  label: 'subnet',
  fields: {
    name,
    addressPrefix: required(str),
    networkSecurityGroup: optional(str),
    routeTable: optional(str),
  },
};

export const VNET: ObjectSchema = {
  label: 'virtual network',
  fields: { name, addressSpace: required(arrayOf(str, true)), subnets: required(arrayOf(objectOf(SUBNET))) },
};

export const SECURITY_RULE: ObjectSchema = {
  label: 'security rule',
  fields: {
    name,
    priority: required({ t: 'int', min: RANGES.nsgPriority.min, max: RANGES.nsgPriority.max }),
    direction: required(enumOf('Inbound', 'Outbound')),
    access: required(enumOf('Allow', 'Deny')),
    protocol: optional(enumOf('Tcp', 'Udp', 'Icmp', '*')),
    sourceAddressPrefix: optional(str),
    sourceAddressPrefixes: optional(arrayOf(str, true)),
    sourcePortRange: optional(str),
    sourcePortRanges: optional(arrayOf(str, true)),
    destinationAddressPrefix: optional(str),
    destinationAddressPrefixes: optional(arrayOf(str, true)),
    destinationPortRange: optional(str),
    destinationPortRanges: optional(arrayOf(str, true)),
    description: optional(str),
  },
};

export const NSG: ObjectSchema = {
  label: 'network security group',
  fields: { name, securityRules: required(arrayOf(objectOf(SECURITY_RULE))) },
};

export const ROUTE: ObjectSchema = {
  label: 'route',
  fields: {
    name,
    addressPrefix: required(str),
    nextHopType: required(enumOf('VirtualAppliance', 'Internet', 'VnetLocal', 'None')),
    nextHopIpAddress: optional(str),
  },
};

export const ROUTE_TABLE: ObjectSchema = {
  label: 'route table',
  fields: { name, routes: required(arrayOf(objectOf(ROUTE))) },
};

export const IP_CONFIGURATION: ObjectSchema = {
  label: 'IP configuration',
  fields: { name, subnet: required(str), privateIPAddress: required(str), publicIPAddress: optional(str) },
};

export const NIC: ObjectSchema = {
  label: 'network interface',
  fields: {
    name,
    ipConfigurations: required(arrayOf(objectOf(IP_CONFIGURATION), true)),
    networkSecurityGroup: optional(str),
    enableIPForwarding: bool,
    weakHostSend: bool,
    weakHostReceive: bool,
  },
};

export const LOOPBACK: ObjectSchema = {
  label: 'loopback interface',
  fields: { name, ipAddress: required(str), weakHostSend: bool, weakHostReceive: bool },
};

export const GUEST_ROUTE: ObjectSchema = {
  label: 'guest route',
  fields: { addressPrefix: required(str), interface: required(str), nextHop: optional(str) },
};

export const FIREWALL_RULE: ObjectSchema = {
  label: 'firewall rule',
  fields: {
    name,
    direction: required(enumOf('Inbound', 'Outbound')),
    action: required(enumOf('Allow', 'Block')),
    protocol: optional(enumOf('Tcp', 'Udp', 'Icmp', 'Any')),
    localPorts: optional(str),
    remotePorts: optional(str),
    localAddresses: optional(str),
    remoteAddresses: optional(str),
  },
};

export const FIREWALL: ObjectSchema = {
  label: 'guest firewall',
  fields: {
    enabled: bool,
    defaultInboundAction: optional(enumOf('Allow', 'Block')),
    rules: optional(arrayOf(objectOf(FIREWALL_RULE))),
  },
};

const httpMap: FieldType = { t: 'map', of: { t: 'int', min: 100, max: 599 }, keyLabel: 'request path' };

export const LISTENER_TLS: ObjectSchema = { label: 'TLS settings', fields: { sha256: bool } };

export const LISTENER: ObjectSchema = {
  label: 'listener',
  fields: {
    name,
    protocol: optional(enumOf('Tcp', 'Udp')),
    address: optional(str),
    port: required(port),
    http: optional(httpMap),
    proxyTo: optional(arrayOf(str, true)),
    tls: optional(objectOf(LISTENER_TLS)),
  },
};

export const LINUX: ObjectSchema = {
  label: 'Linux settings',
  fields: {
    acceptLocal: bool,
    tcpSynLinearTimeouts: optional({
      t: 'int',
      min: RANGES.tcpSynLinearTimeouts.min,
      max: RANGES.tcpSynLinearTimeouts.max,
    }),
  },
};

export const VM: ObjectSchema = {
  label: 'virtual machine',
  fields: {
    name,
    os: optional(enumOf('windows', 'linux')),
    powerState: optional(enumOf('running', 'stopped')),
    networkInterfaces: required(arrayOf(objectOf(NIC), true)),
    loopbackInterfaces: optional(arrayOf(objectOf(LOOPBACK))),
    routes: optional(arrayOf(objectOf(GUEST_ROUTE))),
    ipForwarding: bool,
    linux: optional(objectOf(LINUX)),
    firewall: optional(objectOf(FIREWALL)),
    listeners: optional(arrayOf(objectOf(LISTENER))),
  },
};

export const FRONTEND: ObjectSchema = {
  label: 'frontend IP configuration',
  fields: { name, privateIPAddress: optional(str), subnet: optional(str), publicIPAddress: optional(str) },
};

export const BACKEND_ADDRESS: ObjectSchema = {
  label: 'backend pool member',
  fields: {
    networkInterfaceIPConfiguration: required({ t: 'string', nonEmpty: true }),
    adminState: optional(enumOf('None', 'Up', 'Down')),
  },
};

export const POOL: ObjectSchema = {
  label: 'backend pool',
  fields: { name, loadBalancerBackendAddresses: required(arrayOf(objectOf(BACKEND_ADDRESS))) },
};

export const PROBE: ObjectSchema = {
  label: 'health probe',
  fields: {
    name,
    protocol: optional(enumOf('Tcp', 'Http', 'Https')),
    port: required(port),
    requestPath: optional(str),
    intervalInSeconds: optional({ t: 'int', min: RANGES.probeInterval.min, max: RANGES.probeInterval.max, unit: 's' }),
    probeThreshold: optional({ t: 'int', min: RANGES.probeThreshold.min, max: RANGES.probeThreshold.max }),
    noHealthyBackendsBehavior: optional(enumOf('AllProbedDown', 'AllProbedUp')),
  },
};

const ruleIdle: FieldType = {
  t: 'int',
  min: RANGES.ruleIdleTimeout.min,
  max: RANGES.ruleIdleTimeout.max,
  unit: ' minutes',
};

export const LB_RULE: ObjectSchema = {
  label: 'load-balancing rule',
  fields: {
    name,
    frontendIPConfiguration: required(str),
    backendAddressPool: required(str),
    probe: optional(str),
    protocol: optional(enumOf('Tcp', 'Udp', 'All')),
    frontendPort: required(rulePort),
    backendPort: optional(rulePort),
    loadDistribution: optional(enumOf('Default', 'SourceIPProtocol', 'SourceIP')),
    enableFloatingIP: bool,
    idleTimeoutInMinutes: optional(ruleIdle),
    enableTcpReset: bool,
    disableOutboundSnat: bool,
  },
};

export const NAT_RULE: ObjectSchema = {
  label: 'inbound NAT rule',
  fields: {
    name,
    frontendIPConfiguration: required(str),
    protocol: optional(enumOf('Tcp', 'Udp')),
    frontendPort: required(port),
    backendPort: required(port),
    networkInterface: required(str),
    enableFloatingIP: bool,
    idleTimeoutInMinutes: optional(ruleIdle),
    enableTcpReset: bool,
  },
};

export const OUTBOUND_RULE: ObjectSchema = {
  label: 'outbound rule',
  fields: {
    name,
    frontendIPConfigurations: required(arrayOf(str, true)),
    backendAddressPool: required(str),
    protocol: optional(enumOf('Tcp', 'Udp', 'All')),
    allocatedOutboundPorts: optional({
      t: 'int',
      min: RANGES.allocatedOutboundPorts.min,
      max: RANGES.allocatedOutboundPorts.max,
    }),
    idleTimeoutInMinutes: optional({
      t: 'int',
      min: RANGES.outboundIdleTimeout.min,
      max: RANGES.outboundIdleTimeout.max,
      unit: ' minutes',
    }),
    enableTcpReset: bool,
  },
};

export const LOAD_BALANCER: ObjectSchema = {
  label: 'load balancer',
  fields: {
    name,
    sku: optional(enumOf('Standard', 'Basic')),
    frontendIPConfigurations: required(arrayOf(objectOf(FRONTEND), true)),
    backendAddressPools: required(arrayOf(objectOf(POOL))),
    probes: optional(arrayOf(objectOf(PROBE))),
    loadBalancingRules: optional(arrayOf(objectOf(LB_RULE))),
    inboundNatRules: optional(arrayOf(objectOf(NAT_RULE))),
    outboundRules: optional(arrayOf(objectOf(OUTBOUND_RULE))),
  },
};

export const CLIENT: ObjectSchema = {
  label: 'client',
  fields: {
    name,
    os: optional(enumOf('windows', 'linux')),
    ipAddress: required(str),
    location: optional(enumOf('internet', 'onPremises')),
    count: optional({ t: 'int', min: RANGES.clientCount.min, max: RANGES.clientCount.max }),
    listeners: optional(arrayOf(objectOf(LISTENER))),
  },
};

/**
 * Bounds on the times of a run (issue 13: a valid document must make a run that ends). A run is
 * a lab, not a week:
 * - `startAt`, `interval`, `duration` and an event's `at`: at most a day. Azure's longest idle
 *   timeout is 120 minutes (outbound rules; 4–100 for load-balancing and inbound NAT rules,
 *   articles/load-balancer/load-balancer-tcp-idle-timeout.md) and TCP gives up in minutes, so
 *   nothing the engine models needs longer; a day keeps each time far inside the engine's
 *   integer-microsecond clock (8.64e10 µs) and inside a run's time budget of seven days.
 * - `dataEvery`: 0 (no data) or at least a millisecond. Each data segment is a few queue events,
 *   so a segment every microsecond costs seconds of engine time per simulated second; keepalives
 *   and pings come seconds apart (the library uses 10–360 s), and a millisecond is already a
 *   thousand segments per second per connection.
 * `connections` and a client's `count` are bounded in `RANGES` (defaults.ts); what a run can do
 * with many of them is bounded by the engine's event budget.
 */
export const TIME_BOUNDS = { maxSeconds: 86_400, minDataEvery: 0.001 } as const;

const seconds: FieldType = { t: 'number', min: 0, max: TIME_BOUNDS.maxSeconds, unit: ' s' };

export const TRAFFIC: ObjectSchema = {
  label: 'traffic',
  fields: {
    name,
    from: required({ t: 'string', nonEmpty: true }),
    to: required({ t: 'string', nonEmpty: true }),
    protocol: optional(enumOf('Tcp', 'Udp', 'Icmp')),
    connections: optional({ t: 'int', min: RANGES.connections.min, max: RANGES.connections.max }),
    startAt: optional(seconds),
    interval: optional(seconds),
    sourcePort: { type: port, nullable: true },
    http: optional(str),
    duration: optional(seconds),
    dataEvery: optional({ ...seconds, min: TIME_BOUNDS.minDataEvery, orZero: true }),
  },
};

const at: FieldSpec = required(seconds);
const event = (fields: ObjectSchema['fields']): ObjectSchema => ({
  label: 'event',
  fields: { at, action: required(enumOf(...EVENT_ACTIONS)), ...fields },
});
const listenerPatch = Object.fromEntries(
  Object.entries(LISTENER.fields).filter(([k]) => k !== 'name'),
) as ObjectSchema['fields'];
const withoutRequired = (fields: ObjectSchema['fields']): ObjectSchema['fields'] =>
  Object.fromEntries(Object.entries(fields).map(([k, spec]) => [k, { ...spec, required: false }]));

export const EVENT_VARIANTS: { readonly [action: string]: ObjectSchema } = {
  stopVm: event({ vm: required(str) }),
  startVm: event({ vm: required(str) }),
  removePoolMember: event({ loadBalancer: required(str), pool: required(str), networkInterface: required(str) }),
  addPoolMember: event({ loadBalancer: required(str), pool: required(str), networkInterface: required(str) }),
  setListener: event({ vm: required(str), listener: required(str), ...withoutRequired(listenerPatch) }),
  removeListener: event({ vm: required(str), listener: required(str) }),
  setSecurityRule: event({ networkSecurityGroup: required(str), rule: required(objectOf(SECURITY_RULE)) }),
  removeSecurityRule: event({ networkSecurityGroup: required(str), rule: required(str) }),
  setProbe: event({ loadBalancer: required(str), probe: required(objectOf(PROBE)) }),
  setRule: event({ loadBalancer: required(str), rule: required(objectOf(LB_RULE)) }),
  setFirewallRule: event({ vm: required(str), rule: required(objectOf(FIREWALL_RULE)) }),
  removeFirewallRule: event({ vm: required(str), rule: required(str) }),
};

export const LAYOUT_ENTRY: ObjectSchema = {
  label: 'layout entry',
  fields: {
    x: required({ t: 'number', min: -1e7, max: 1e7 }),
    y: required({ t: 'number', min: -1e7, max: 1e7 }),
    width: optional({ t: 'number', min: 0, max: 1e7 }),
    height: optional({ t: 'number', min: 0, max: 1e7 }),
  },
};

/**
 * A lesson check is a traffic check, a probe check or (project extension) a distribution check;
 * which one is told by its fields.
 */
export const TRAFFIC_CHECK: ObjectSchema = {
  label: 'lesson check',
  fields: {
    name,
    traffic: required(str),
    expect: required(enumOf('established', 'reset', 'timeout', 'answered', 'unanswered')),
    all: bool,
    reason: optional(enumOf(...REASON_CODES)),
    closedBy: optional(enumOf(...CLOSED_BY)),
    closedBefore: optional({ t: 'number', min: 0, unit: 's' }),
  },
};

export const PROBE_CHECK: ObjectSchema = {
  label: 'lesson check',
  fields: {
    name,
    loadBalancer: required(str),
    probe: required(str),
    member: required(str),
    expect: required(enumOf('up', 'down')),
  },
};

export const DISTRIBUTION_CHECK: ObjectSchema = {
  label: 'distribution check',
  fields: {
    name,
    loadBalancer: required(str),
    rule: required(str),
    expect: required(enumOf(...DISTRIBUTION_EXPECT)),
    members: optional(arrayOf({ t: 'string', nonEmpty: true }, true)),
    traffic: optional(str),
    tolerance: optional({ t: 'number', min: 0, max: 1 }),
  },
};

export const LESSON: ObjectSchema = {
  label: 'lesson',
  fields: {
    goal: optional(str),
    steps: optional(arrayOf(str)),
    hints: optional(arrayOf(str)),
    checks: optional(arrayOf({ t: 'pick', pick: (value) => lessonCheckSchema(value) })),
    solution: optional({ t: 'map', of: { t: 'any' }, keyLabel: 'field' }),
  },
};

export const SCENARIO: ObjectSchema = {
  label: 'scenario',
  fields: {
    format: required(enumOf('hairpin-scenario')),
    version: required({ t: 'int', min: 1, max: SCENARIO_VERSION }),
    title: optional(str),
    description: optional(str),
    seed: optional({ t: 'int', min: 0, max: 4294967295 }),
    vnets: optional(arrayOf(objectOf(VNET))),
    networkSecurityGroups: optional(arrayOf(objectOf(NSG))),
    routeTables: optional(arrayOf(objectOf(ROUTE_TABLE))),
    virtualMachines: optional(arrayOf(objectOf(VM))),
    loadBalancers: optional(arrayOf(objectOf(LOAD_BALANCER))),
    clients: optional(arrayOf(objectOf(CLIENT))),
    traffic: optional(arrayOf(objectOf(TRAFFIC))),
    events: optional(arrayOf({ t: 'union', key: 'action', variants: EVENT_VARIANTS })),
    layout: optional({ t: 'map', of: objectOf(LAYOUT_ENTRY), keyLabel: 'element id' }),
    lesson: optional(objectOf(LESSON)),
  },
};

/** Which schema a lesson check follows (`lessonCheckKind`). */
export function lessonCheckSchema(check: unknown): ObjectSchema {
  const kind = lessonCheckKind(check);
  return kind === 'distribution' ? DISTRIBUTION_CHECK : kind === 'probe' ? PROBE_CHECK : TRAFFIC_CHECK;
}
