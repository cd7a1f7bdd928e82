/**
 * The scenario document, version 2: the Azure resource model with
 * Azure Resource Manager property names, references by name, layout on the side.
 *
 * These types describe a document *as written*: every field the spec gives a default for is
 * optional here. `resolveDefaults` (defaults.ts) produces the fully-filled `Resolved*` form that
 * the compile step reads. Unknown fields are kept (forward compatibility): every object type
 * allows extra keys through `Extra`.
 */

/** Unknown fields survive load and save (spec: "Unknown fields are kept on load and save"). */
export type Extra = { readonly [unknownField: string]: unknown };

export const SCENARIO_FORMAT = 'hairpin-scenario';
export const SCENARIO_VERSION = 2;

export type OperatingSystem = 'windows' | 'linux';
export type PowerState = 'running' | 'stopped';
export type LbSku = 'Standard' | 'Basic';
export type TransportProtocol = 'Tcp' | 'Udp';
export type NsgProtocol = 'Tcp' | 'Udp' | 'Icmp' | '*';
export type RuleProtocol = 'Tcp' | 'Udp' | 'All';
export type TrafficProtocol = 'Tcp' | 'Udp' | 'Icmp';
export type ProbeProtocol = 'Tcp' | 'Http' | 'Https';
export type LoadDistribution = 'Default' | 'SourceIPProtocol' | 'SourceIP';
export type NoHealthyBackendsBehavior = 'AllProbedDown' | 'AllProbedUp';
export type NextHopType = 'VirtualAppliance' | 'Internet' | 'VnetLocal' | 'None';
export type SecurityDirection = 'Inbound' | 'Outbound';
export type SecurityAccess = 'Allow' | 'Deny';
export type FirewallAction = 'Allow' | 'Block';
export type ClientLocation = 'internet' | 'onPremises';
export type ServiceTag = 'VirtualNetwork' | 'AzureLoadBalancer' | 'Internet';

export interface Subnet extends Extra {
  name: string;
  addressPrefix: string;
  networkSecurityGroup?: string;
  routeTable?: string;
}

export interface VirtualNetwork extends Extra {
  name: string;
  addressSpace: string[];
  subnets: Subnet[];
}

export interface SecurityRule extends Extra {
  name: string;
  priority: number;
  direction: SecurityDirection;
  access: SecurityAccess;
  protocol?: NsgProtocol;
  sourceAddressPrefix?: string;
  sourceAddressPrefixes?: string[];
  sourcePortRange?: string;
  sourcePortRanges?: string[];
  destinationAddressPrefix?: string;
  destinationAddressPrefixes?: string[];
  destinationPortRange?: string;
  destinationPortRanges?: string[];
  description?: string;
}

export interface NetworkSecurityGroup extends Extra {
  name: string;
  securityRules: SecurityRule[];
}

export interface Route extends Extra {
  name: string;
  addressPrefix: string;
  nextHopType: NextHopType;
  nextHopIpAddress?: string;
}

export interface RouteTable extends Extra {
  name: string;
  routes: Route[];
}

/**
 * One IP configuration of a NIC (ARM `ipConfigurations[]`): its address in a subnet, and the
 * public IP address on it. The first of a NIC's list is its primary (format version 2; version 1
 * wrote `subnet`, `privateIPAddress` and `publicIPAddress` on the NIC itself).
 */
export interface IpConfiguration extends Extra {
  name: string;
  /** `"vnetName/subnetName"`. */
  subnet: string;
  privateIPAddress: string;
  publicIPAddress?: string;
}

export interface NetworkInterface extends Extra {
  name: string;
  /** The primary first; the simulation reads one IP configuration per NIC (rules/vm.ts). */
  ipConfigurations: IpConfiguration[];
  networkSecurityGroup?: string;
  enableIPForwarding?: boolean;
  weakHostSend?: boolean;
  weakHostReceive?: boolean;
}

export interface LoopbackInterface extends Extra {
  name: string;
  ipAddress: string;
  weakHostSend?: boolean;
  weakHostReceive?: boolean;
}

export interface GuestRoute extends Extra {
  addressPrefix: string;
  /** The NIC name the route leaves by. */
  interface: string;
  nextHop?: string;
}

export interface LinuxSettings extends Extra {
  acceptLocal?: boolean;
  tcpSynLinearTimeouts?: number;
}

export interface FirewallRule extends Extra {
  name: string;
  direction: SecurityDirection;
  action: FirewallAction;
  protocol?: 'Tcp' | 'Udp' | 'Icmp' | 'Any';
  localPorts?: string;
  remotePorts?: string;
  localAddresses?: string;
  remoteAddresses?: string;
}

export interface Firewall extends Extra {
  enabled?: boolean;
  defaultInboundAction?: FirewallAction;
  rules?: FirewallRule[];
}

/** HTTP status per request path; other paths answer 404. */
export type HttpMap = { [path: string]: number };

export interface Listener extends Extra {
  name: string;
  protocol?: TransportProtocol;
  address?: string;
  port: number;
  http?: HttpMap;
  /** A reverse proxy: `"address:port"` upstreams, tried in order of a seeded round robin. */
  proxyTo?: string[];
  /** The listener serves TLS (what an HTTPS probe needs). */
  tls?: ListenerTls;
}

export interface ListenerTls extends Extra {
  /** Its certificate chain is signed with SHA-256 throughout (default true), as HTTPS probes require. */
  sha256?: boolean;
}

export interface VirtualMachine extends Extra {
  name: string;
  os?: OperatingSystem;
  powerState?: PowerState;
  networkInterfaces: NetworkInterface[];
  loopbackInterfaces?: LoopbackInterface[];
  routes?: GuestRoute[];
  ipForwarding?: boolean;
  linux?: LinuxSettings;
  firewall?: Firewall;
  listeners?: Listener[];
}

export interface FrontendIpConfiguration extends Extra {
  name: string;
  privateIPAddress?: string;
  subnet?: string;
  publicIPAddress?: string;
}

/**
 * One member of a backend pool (ARM `loadBalancerBackendAddresses[]`): a NIC's IP configuration,
 * by `"nicName/ipConfigurationName"`. Per-member settings (`adminState`) and members by IP
 * address (`ipAddress` with its `virtualNetwork`) are added to this shape.
 */
export type AdminState = 'None' | 'Up' | 'Down';

export interface LoadBalancerBackendAddress extends Extra {
  networkInterfaceIPConfiguration: string;
  /** Overrides the probe for this member (admin-state-overview.md); None (the default) follows it. */
  adminState?: AdminState;
}

export interface BackendAddressPool extends Extra {
  name: string;
  loadBalancerBackendAddresses: LoadBalancerBackendAddress[];
}

export interface HealthProbe extends Extra {
  name: string;
  protocol?: ProbeProtocol;
  port: number;
  requestPath?: string;
  intervalInSeconds?: number;
  probeThreshold?: number;
  noHealthyBackendsBehavior?: NoHealthyBackendsBehavior;
}

export interface LoadBalancingRule extends Extra {
  name: string;
  frontendIPConfiguration: string;
  backendAddressPool: string;
  probe?: string;
  protocol?: RuleProtocol;
  frontendPort: number;
  backendPort?: number;
  loadDistribution?: LoadDistribution;
  enableFloatingIP?: boolean;
  idleTimeoutInMinutes?: number;
  enableTcpReset?: boolean;
  disableOutboundSnat?: boolean;
}

export interface InboundNatRule extends Extra {
  name: string;
  frontendIPConfiguration: string;
  protocol?: TransportProtocol;
  frontendPort: number;
  backendPort: number;
  networkInterface: string;
  enableFloatingIP?: boolean;
  idleTimeoutInMinutes?: number;
  enableTcpReset?: boolean;
}

export interface OutboundRule extends Extra {
  name: string;
  frontendIPConfigurations: string[];
  backendAddressPool: string;
  protocol?: RuleProtocol;
  allocatedOutboundPorts?: number;
  idleTimeoutInMinutes?: number;
  enableTcpReset?: boolean;
}

export interface LoadBalancer extends Extra {
  name: string;
  sku?: LbSku;
  frontendIPConfigurations: FrontendIpConfiguration[];
  backendAddressPools: BackendAddressPool[];
  probes?: HealthProbe[];
  loadBalancingRules?: LoadBalancingRule[];
  inboundNatRules?: InboundNatRule[];
  outboundRules?: OutboundRule[];
}

export interface Client extends Extra {
  name: string;
  os?: OperatingSystem;
  /** One address, or a prefix whose first `count` host addresses are the clients. */
  ipAddress: string;
  location?: ClientLocation;
  count?: number;
  listeners?: Listener[];
}

export interface Traffic extends Extra {
  name: string;
  /** A VM or a client, by name. */
  from: string;
  /** `"address:port"`, or an address for ICMP. */
  to: string;
  protocol?: TrafficProtocol;
  connections?: number;
  startAt?: number;
  interval?: number;
  sourcePort?: number | null;
  http?: string;
  duration?: number;
  dataEvery?: number;
}

interface EventBase extends Extra {
  at: number;
}

export type ScenarioEvent =
  | (EventBase & { action: 'stopVm'; vm: string })
  | (EventBase & { action: 'startVm'; vm: string })
  | (EventBase & { action: 'removePoolMember'; loadBalancer: string; pool: string; networkInterface: string })
  | (EventBase & { action: 'addPoolMember'; loadBalancer: string; pool: string; networkInterface: string })
  | (EventBase & { action: 'setListener'; vm: string; listener: string } & Partial<Omit<Listener, 'name'>>)
  | (EventBase & { action: 'removeListener'; vm: string; listener: string })
  | (EventBase & { action: 'setSecurityRule'; networkSecurityGroup: string; rule: SecurityRule })
  | (EventBase & { action: 'removeSecurityRule'; networkSecurityGroup: string; rule: string })
  | (EventBase & { action: 'setProbe'; loadBalancer: string; probe: HealthProbe })
  | (EventBase & { action: 'setRule'; loadBalancer: string; rule: LoadBalancingRule })
  | (EventBase & { action: 'setFirewallRule'; vm: string; rule: FirewallRule })
  | (EventBase & { action: 'removeFirewallRule'; vm: string; rule: string });

export type EventAction = ScenarioEvent['action'];

export const EVENT_ACTIONS: readonly EventAction[] = [
  'stopVm',
  'startVm',
  'removePoolMember',
  'addPoolMember',
  'setListener',
  'removeListener',
  'setSecurityRule',
  'removeSecurityRule',
  'setProbe',
  'setRule',
  'setFirewallRule',
  'removeFirewallRule',
];

export interface LayoutEntry extends Extra {
  x: number;
  y: number;
  width?: number;
  height?: number;
}

/** How an established connection ended (the result's `closed.by`). */
export type ClosedBy = 'client' | 'reset' | 'idleTimeout' | 'loadBalancer' | 'timeout';
export const CLOSED_BY: readonly ClosedBy[] = ['client', 'reset', 'idleTimeout', 'loadBalancer', 'timeout'];

/**
 * The reason codes of engine-model.md "Reason codes" and the project's additions, as a lesson
 * check may name them (the engine's `ReasonCode`; src/sim/lessonChecks.test.ts keeps both equal).
 */
export const REASON_CODES = [
  'NO_ROUTE',
  'UDR_NONE',
  'NO_OUTBOUND_CONNECTIVITY',
  'SNAT_PORT_EXHAUSTED',
  'LB_NO_RULE',
  'LB_PROTOCOL_UNSUPPORTED',
  'LB_NO_FLOW',
  'LB_NO_HEALTHY_BACKEND',
  'NSG_DENY',
  'NSG_SECURE_BY_DEFAULT',
  'VM_STOPPED',
  'GUEST_FIREWALL_BLOCK',
  'GUEST_DST_NOT_OWNED',
  'GUEST_STRONG_HOST_RECEIVE',
  'GUEST_STRONG_HOST_SEND',
  'GUEST_MARTIAN_SOURCE',
  'TCP_NO_LISTENER',
  'TCP_SYNACK_MISMATCH',
  'TCP_RESET',
  'TCP_TIMEOUT',
  'UDP_NO_LISTENER',
  'HTTP_STATUS',
  'PROBE_TIMEOUT',
  'IDLE_TIMEOUT',
  'NO_ANSWER',
  'IP_FORWARDING_DISABLED',
  'GUEST_NO_EPHEMERAL_PORT',
  'PROBE_TLS_FAILED',
] as const;
export type CheckReasonCode = (typeof REASON_CODES)[number];

/**
 * A traffic check (scenario-format.md "Lesson"): the outcome of its connections, every one
 * (`all`) or at least one. Project extension: `reason` also asks for the reason code a connection
 * failed with (or, for an established one, the reason it was closed with), `closedBy` how an
 * established connection ended, and `closedBefore` by when (seconds).
 */
export type TrafficCheck = Extra & {
  name: string;
  traffic: string;
  expect: 'established' | 'reset' | 'timeout' | 'answered' | 'unanswered';
  all?: boolean;
  reason?: CheckReasonCode;
  closedBy?: ClosedBy;
  /** Seconds from the start: an established connection counts only if it closed by then. */
  closedBefore?: number;
};

export type ProbeCheck = Extra & {
  name: string;
  loadBalancer: string;
  probe: string;
  member: string;
  expect: 'up' | 'down';
};

/** What a distribution check asks of the members it looks at. */
export type DistributionExpect = 'allMembers' | 'even' | 'none';
export const DISTRIBUTION_EXPECT: readonly DistributionExpect[] = ['allMembers', 'even', 'none'];
/** The default `tolerance` of an `even` distribution check: within ±50 % of a fair share. */
export const DEFAULT_EVEN_TOLERANCE = 0.5;

/**
 * Project extension: a distribution check on the connections a load-balancing rule placed (the
 * result's `distribution`, or the `backend` of one traffic's connections when `traffic` is given),
 * over `members` (default: every member of the rule's pool). `allMembers`: each receives at least
 * one; `even`: each receives its fair share within ±`tolerance` (a fraction, default 0.5);
 * `none`: none receives any.
 */
export type DistributionCheck = Extra & {
  name: string;
  loadBalancer: string;
  rule: string;
  expect: DistributionExpect;
  members?: string[];
  traffic?: string;
  tolerance?: number;
};

export type LessonCheck = TrafficCheck | ProbeCheck | DistributionCheck;

/**
 * Which kind a lesson check is, told by its fields: one naming a load balancer is a distribution
 * check when it names a rule and no probe, else a probe check; any other is a traffic check.
 */
export function lessonCheckKind(check: unknown): 'traffic' | 'probe' | 'distribution' {
  if (typeof check !== 'object' || check === null || !('loadBalancer' in check)) return 'traffic';
  return 'rule' in check && !('probe' in check) ? 'distribution' : 'probe';
}

export interface Lesson extends Extra {
  goal?: string;
  steps?: string[];
  hints?: string[];
  checks?: LessonCheck[];
  /** A JSON Merge Patch (RFC 7386) of the scenario that makes every check pass. */
  solution?: { [key: string]: unknown };
}

export interface Scenario extends Extra {
  format: typeof SCENARIO_FORMAT;
  version: typeof SCENARIO_VERSION;
  title?: string;
  description?: string;
  seed?: number;
  vnets?: VirtualNetwork[];
  networkSecurityGroups?: NetworkSecurityGroup[];
  routeTables?: RouteTable[];
  virtualMachines?: VirtualMachine[];
  loadBalancers?: LoadBalancer[];
  clients?: Client[];
  traffic?: Traffic[];
  events?: ScenarioEvent[];
  /** Canvas positions keyed by element id (`vm:web01`); ignored by the engine. */
  layout?: { [elementId: string]: LayoutEntry };
  lesson?: Lesson;
}

/** A problem found in a document, named by the path of the field (`loadBalancers[0].probes[1].port`). */
export interface Diagnostic {
  readonly path: string;
  readonly message: string;
}

/** Element ids of the spec's "Element ids" table: `"<kind>:<name>"`. */
export type ElementKind =
  | 'vnet'
  | 'subnet'
  | 'nsg'
  | 'routeTable'
  | 'vm'
  | 'nic'
  | 'loopback'
  | 'lb'
  | 'frontend'
  | 'pool'
  | 'probe'
  | 'rule'
  | 'natRule'
  | 'outboundRule'
  | 'client'
  | 'gateway'
  | 'internet';

export const elementId = (kind: ElementKind, name: string): string => `${kind}:${name}`;
