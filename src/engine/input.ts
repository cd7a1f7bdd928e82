/**
 * input: the engine's own strict input (the project's style: "the document is permissive and versioned; the
 * engine input is strict"). `src/sim/compile.ts` builds it from a validated scenario.
 *
 * Inputs: none (types only).
 * Invariants: every default is filled; addresses are uint32 numbers and prefixes `Cidr`s; times are
 *   whole microseconds; references are indices into the arrays of `EngineInput` (so the input is
 *   plain data that can be cloned or sent to a worker); element ids (`vm:web01`) are precomputed
 *   with the spec's "Element ids" table. The engine never reads a scenario document.
 */
import type { Cidr } from '../shared/ipv4';
import type { Protocol } from './wire';

export type Os = 'windows' | 'linux';
export type Sku = 'Standard' | 'Basic';

export interface EngineInput {
  readonly seed: number;
  readonly vnets: readonly VnetIn[];
  readonly subnets: readonly SubnetIn[];
  readonly nsgs: readonly NsgIn[];
  readonly vms: readonly VmIn[];
  readonly nics: readonly NicIn[];
  readonly clients: readonly ClientIn[];
  readonly loadBalancers: readonly LoadBalancerIn[];
  readonly traffic: readonly TrafficIn[];
  /** User-defined route tables (engine-model.md step 5), referenced by `SubnetIn.routeTable`. */
  readonly routeTables: readonly RouteTableIn[];
  /** Timed changes, sorted by time (scenario order kept at one instant). */
  readonly events: readonly EventIn[];
}

export interface VnetIn {
  readonly id: string;
  readonly name: string;
  readonly addressSpace: readonly Cidr[];
}

export interface SubnetIn {
  readonly id: string;
  /** `vnet/subnet`. */
  readonly name: string;
  readonly vnet: number;
  readonly prefix: Cidr;
  readonly nsg: number | null;
  /** Index into `EngineInput.routeTables`, or null. */
  readonly routeTable: number | null;
}

export type NextHopType = 'VirtualAppliance' | 'Internet' | 'VnetLocal' | 'None';

export interface RouteIn {
  readonly name: string;
  readonly prefix: Cidr;
  readonly nextHopType: NextHopType;
  /** VirtualAppliance only: the appliance's address. */
  readonly nextHop: number | null;
}

export interface RouteTableIn {
  readonly id: string;
  readonly name: string;
  readonly routes: readonly RouteIn[];
}

export type ServiceTag = 'VirtualNetwork' | 'AzureLoadBalancer' | 'Internet';

export type AddressMatch =
  | { readonly kind: 'any' }
  | { readonly kind: 'cidr'; readonly cidr: Cidr }
  | { readonly kind: 'tag'; readonly tag: ServiceTag };

/** An inclusive port range. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export interface SecurityRuleIn {
  readonly name: string;
  readonly priority: number;
  readonly direction: 'Inbound' | 'Outbound';
  readonly access: 'Allow' | 'Deny';
  readonly protocol: 'Tcp' | 'Udp' | 'Icmp' | '*';
  readonly sources: readonly AddressMatch[];
  /** null: any port (`*`). */
  readonly sourcePorts: readonly PortRange[] | null;
  readonly destinations: readonly AddressMatch[];
  readonly destinationPorts: readonly PortRange[] | null;
}

export interface NsgIn {
  readonly id: string;
  readonly name: string;
  /** The custom rules as written (the engine adds Azure's default rules). */
  readonly rules: readonly SecurityRuleIn[];
}

export interface NicIn {
  readonly id: string;
  readonly name: string;
  readonly vm: number;
  readonly subnet: number;
  readonly address: number;
  readonly nsg: number | null;
  readonly publicIp: number | null;
  readonly enableIPForwarding: boolean;
  readonly weakHostSend: boolean;
  readonly weakHostReceive: boolean;
}

export interface LoopbackIn {
  readonly id: string;
  readonly name: string;
  readonly address: number;
  readonly weakHostSend: boolean;
  readonly weakHostReceive: boolean;
}

export interface GuestRouteIn {
  readonly prefix: Cidr;
  /** Index into `EngineInput.nics`. */
  readonly nic: number;
  readonly nextHop: number | null;
}

export interface FirewallRuleIn {
  readonly name: string;
  readonly direction: 'Inbound' | 'Outbound';
  readonly action: 'Allow' | 'Block';
  readonly protocol: 'Tcp' | 'Udp' | 'Icmp' | 'Any';
  /** null: any. */
  readonly localPorts: readonly PortRange[] | null;
  readonly remotePorts: readonly PortRange[] | null;
  readonly localAddresses: readonly Cidr[] | null;
  readonly remoteAddresses: readonly Cidr[] | null;
}

/** An enabled guest firewall (an absent or disabled firewall compiles to null). */
export interface FirewallIn {
  readonly defaultInboundAction: 'Allow' | 'Block';
  readonly rules: readonly FirewallRuleIn[];
}

export interface ListenerIn {
  readonly name: string;
  readonly protocol: 'Tcp' | 'Udp';
  /** 0 stands for 0.0.0.0 (every address of the guest). */
  readonly address: number;
  readonly port: number;
  /** HTTP status per path; null: the listener speaks TCP only. */
  readonly http: Readonly<Record<string, number>> | null;
  /** Reverse-proxy upstreams: a GET is answered with the status of an upstream (connections.ts). */
  readonly proxyTo: readonly { readonly address: number; readonly port: number }[];
  /** The listener serves TLS (null: plain TCP), and whether its certificate chain is SHA-256 throughout. */
  readonly tls: { readonly sha256: boolean } | null;
}

export interface VmIn {
  readonly id: string;
  readonly name: string;
  readonly os: Os;
  readonly running: boolean;
  /** Indices into `EngineInput.nics`; the first is the primary NIC. */
  readonly nics: readonly number[];
  readonly loopbacks: readonly LoopbackIn[];
  readonly routes: readonly GuestRouteIn[];
  readonly ipForwarding: boolean;
  readonly acceptLocal: boolean;
  readonly tcpSynLinearTimeouts: number;
  readonly firewall: FirewallIn | null;
  readonly listeners: readonly ListenerIn[];
}

export interface ClientIn {
  readonly id: string;
  readonly name: string;
  readonly os: Os;
  readonly location: 'internet' | 'onPremises';
  /** The prefix the client's addresses come from (a single address is a /32). */
  readonly prefix: Cidr;
  /** The first address: the prefix's first host address (or the single address). */
  readonly firstAddress: number;
  readonly count: number;
  readonly acceptLocal: boolean;
  readonly tcpSynLinearTimeouts: number;
  readonly listeners: readonly ListenerIn[];
}

export interface FrontendIn {
  readonly id: string;
  readonly name: string;
  readonly address: number;
  readonly isPublic: boolean;
}

export interface PoolIn {
  readonly id: string;
  readonly name: string;
  /** Indices into `EngineInput.nics`. */
  readonly members: readonly number[];
  /**
   * SNAT ports per member from Azure's default table for this pool's size at the start
   * (engine-model.md step 4; assumption: not re-allocated when events change the pool's size).
   */
  readonly defaultSnatPorts: number;
  /**
   * Members whose admin state overrides their probe (admin-state-overview.md): Up always eligible,
   * Down never for new flows. Members not listed follow the probe (admin state None).
   */
  readonly adminStates: readonly { readonly nic: number; readonly state: 'Up' | 'Down' }[];
}

export interface OutboundRuleIn {
  readonly id: string;
  readonly name: string;
  /** Indices into `LoadBalancerIn.frontends` (public frontends). */
  readonly frontends: readonly number[];
  readonly pool: number;
  readonly protocol: 'Tcp' | 'Udp' | 'All';
  /**
   * SNAT ports per member, over the rule's frontend IPs: `allocatedOutboundPorts`; 0 for Azure's
   * default allocation (the pool's `defaultSnatPorts` per frontend IP, at most 1,024; snat.ts).
   */
  readonly allocatedPorts: number;
  readonly idleTimeoutUs: number;
  readonly enableTcpReset: boolean;
}

export interface ProbeIn {
  readonly id: string;
  readonly name: string;
  readonly protocol: 'Tcp' | 'Http' | 'Https';
  readonly port: number;
  readonly requestPath: string;
  readonly intervalUs: number;
  readonly threshold: number;
  readonly noHealthyBackendsBehavior: 'AllProbedDown' | 'AllProbedUp';
}

export type LoadDistribution = 'Default' | 'SourceIPProtocol' | 'SourceIP';

export interface LbRuleIn {
  readonly id: string;
  readonly name: string;
  readonly frontend: number;
  readonly pool: number;
  readonly probe: number | null;
  readonly protocol: 'Tcp' | 'Udp' | 'All';
  /** 0 with protocol All: an HA-ports rule. */
  readonly frontendPort: number;
  /** 0: keep the port. */
  readonly backendPort: number;
  readonly loadDistribution: LoadDistribution;
  readonly enableFloatingIP: boolean;
  readonly idleTimeoutUs: number;
  readonly enableTcpReset: boolean;
  readonly disableOutboundSnat: boolean;
}

export interface NatRuleIn {
  readonly id: string;
  readonly name: string;
  readonly frontend: number;
  readonly protocol: 'Tcp' | 'Udp';
  readonly frontendPort: number;
  readonly backendPort: number;
  readonly nic: number;
  readonly enableFloatingIP: boolean;
  readonly idleTimeoutUs: number;
  readonly enableTcpReset: boolean;
}

export interface LoadBalancerIn {
  readonly id: string;
  readonly name: string;
  readonly sku: Sku;
  readonly frontends: readonly FrontendIn[];
  readonly pools: readonly PoolIn[];
  readonly probes: readonly ProbeIn[];
  readonly rules: readonly LbRuleIn[];
  readonly natRules: readonly NatRuleIn[];
  readonly outboundRules: readonly OutboundRuleIn[];
}

export type TrafficSource =
  | { readonly kind: 'vm'; readonly vm: number }
  | { readonly kind: 'client'; readonly client: number };

export interface TrafficIn {
  readonly name: string;
  readonly source: TrafficSource;
  /** The name of the VM or client, as the result prints it. */
  readonly from: string;
  readonly destination: number;
  /** 0 for ICMP. */
  readonly destinationPort: number;
  readonly protocol: Protocol;
  readonly connections: number;
  readonly startAtUs: number;
  readonly intervalUs: number;
  readonly sourcePort: number | null;
  readonly http: string | null;
  readonly durationUs: number;
  readonly dataEveryUs: number;
}

/**
 * A timed change (scenario-format.md "events"), resolved to indices. Where an event edits a list
 * (listeners, security rules, firewall rules) the compile step hands over the whole list as it is
 * after the event, so the engine only swaps it in.
 */
export type EventIn = { readonly atUs: number; readonly element: string; readonly detail: string } & (
  | { readonly action: 'stopVm' | 'startVm'; readonly vm: number }
  | {
      readonly action: 'removePoolMember' | 'addPoolMember';
      readonly lb: number;
      readonly pool: number;
      readonly nic: number;
    }
  | {
      readonly action: 'setListener' | 'removeListener';
      readonly vm: number;
      readonly listeners: readonly ListenerIn[];
    }
  | {
      readonly action: 'setSecurityRule' | 'removeSecurityRule';
      readonly nsg: number;
      readonly rules: readonly SecurityRuleIn[];
    }
  | { readonly action: 'setProbe'; readonly lb: number; readonly index: number; readonly probe: ProbeIn }
  | { readonly action: 'setRule'; readonly lb: number; readonly index: number; readonly rule: LbRuleIn }
  | {
      readonly action: 'setFirewallRule' | 'removeFirewallRule';
      readonly vm: number;
      readonly firewall: FirewallIn | null;
    }
);
