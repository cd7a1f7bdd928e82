/**
 * The format's defaults, Azure's own where Azure has one. Every reader
 * of a document (the validator, the compile step, the editor's inspector) takes defaults from
 * here, never from a literal of its own.
 */
import type {
  Client,
  Firewall,
  HealthProbe,
  InboundNatRule,
  Listener,
  LoadBalancer,
  LoadBalancingRule,
  LoopbackInterface,
  NetworkInterface,
  OperatingSystem,
  OutboundRule,
  Traffic,
  VirtualMachine,
} from './types';

export const DEFAULT_SEED = 1;

export const VM_DEFAULTS = {
  os: 'linux',
  powerState: 'running',
  ipForwarding: false,
  acceptLocal: false,
  /** Linux `net.ipv4.tcp_syn_linear_timeouts` of current kernels (engine-model.md "Time and TCP"). */
  tcpSynLinearTimeouts: 4,
} as const;

export const NIC_DEFAULTS = { enableIPForwarding: false } as const;

export const LISTENER_DEFAULTS = { protocol: 'Tcp', address: '0.0.0.0' } as const;

export const FIREWALL_DEFAULTS = { enabled: true, defaultInboundAction: 'Allow' } as const;

export const NSG_RULE_DEFAULTS = { protocol: '*', portRange: '*', addressPrefix: '*' } as const;

export const LB_DEFAULTS = { sku: 'Standard' } as const;

/** A pool member follows its probe unless its admin state says otherwise (admin-state-overview.md). */
export const BACKEND_ADDRESS_DEFAULTS = { adminState: 'None' } as const;

/** Azure's probe defaults: learn.microsoft.com/azure/load-balancer/load-balancer-custom-probe-overview. */
export const PROBE_DEFAULTS = {
  protocol: 'Tcp',
  intervalInSeconds: 15,
  probeThreshold: 1,
  requestPath: '/',
  noHealthyBackendsBehavior: 'AllProbedDown',
} as const;

export const RULE_DEFAULTS = {
  protocol: 'Tcp',
  loadDistribution: 'Default',
  enableFloatingIP: false,
  idleTimeoutInMinutes: 4,
  enableTcpReset: false,
  disableOutboundSnat: false,
} as const;

export const OUTBOUND_RULE_DEFAULTS = {
  protocol: 'All',
  allocatedOutboundPorts: 0,
  idleTimeoutInMinutes: 4,
  enableTcpReset: false,
} as const;

export const CLIENT_DEFAULTS = { os: 'linux', location: 'internet', count: 1 } as const;

export const TRAFFIC_DEFAULTS = {
  protocol: 'Tcp',
  connections: 1,
  startAt: 0,
  interval: 1,
  sourcePort: null,
  duration: 0,
  dataEvery: 0,
} as const;

/** Ranges Azure enforces on deployment (ARM validation), used by the validator and the inspector. */
export const RANGES = {
  port: { min: 1, max: 65535 },
  /** NSG custom rule priorities: learn.microsoft.com/azure/virtual-network/network-security-groups-overview. */
  nsgPriority: { min: 100, max: 4096 },
  /** Probe interval: at least 5 s (engine-model.md "Health probes"; Azure's probe overview). */
  probeInterval: { min: 5, max: 2147483646 },
  probeThreshold: { min: 1, max: 2147483647 },
  /** Load-balancing and inbound NAT rules 4–100 minutes; outbound rules 4–120 (engine-model.md "Idle timeout"). */
  ruleIdleTimeout: { min: 4, max: 100 },
  outboundIdleTimeout: { min: 4, max: 120 },
  /** Outbound rule ports per instance: a multiple of 8 up to 64,000 (Azure outbound rules doc). */
  allocatedOutboundPorts: { min: 0, max: 64000 },
  /** Standard SKU pools hold up to 1,000 instances, Basic up to 100 (“What is Azure Load Balancer?” SKU table). */
  poolSize: { Standard: 1000, Basic: 100 },
  tcpSynLinearTimeouts: { min: 0, max: 10 },
  clientCount: { min: 1, max: 1_000_000 },
  connections: { min: 1, max: 10_000_000 },
} as const;

/** Azure's platform address for health probes (“Understand Load Balancer probes”; “Troubleshoot Azure Load Balancer health probe status” Cause 3). */
export const AZURE_PROBE_SOURCE = '168.63.129.16';

/** Strong host model on Windows, weak host on Linux (engine-model.md "The guest"). */
export function defaultWeakHost(os: OperatingSystem): boolean {
  return os === 'linux';
}

export const osOf = (vm: Pick<VirtualMachine, 'os'>): OperatingSystem => vm.os ?? VM_DEFAULTS.os;

export function weakHostOf(
  vm: Pick<VirtualMachine, 'os'>,
  iface: Pick<NetworkInterface | LoopbackInterface, 'weakHostSend' | 'weakHostReceive'>,
): { send: boolean; receive: boolean } {
  const fallback = defaultWeakHost(osOf(vm));
  return { send: iface.weakHostSend ?? fallback, receive: iface.weakHostReceive ?? fallback };
}

export const skuOf = (lb: Pick<LoadBalancer, 'sku'>) => lb.sku ?? LB_DEFAULTS.sku;
export const ruleProtocolOf = (rule: Pick<LoadBalancingRule, 'protocol'>) => rule.protocol ?? RULE_DEFAULTS.protocol;
/** `backendPort` defaults to the frontend port (spec "Defaults"). */
export const backendPortOf = (rule: Pick<LoadBalancingRule, 'frontendPort' | 'backendPort'>) =>
  rule.backendPort ?? rule.frontendPort;
export const natProtocolOf = (rule: Pick<InboundNatRule, 'protocol'>) => rule.protocol ?? 'Tcp';
export const outboundProtocolOf = (rule: Pick<OutboundRule, 'protocol'>) =>
  rule.protocol ?? OUTBOUND_RULE_DEFAULTS.protocol;
export const probeProtocolOf = (probe: Pick<HealthProbe, 'protocol'>) => probe.protocol ?? PROBE_DEFAULTS.protocol;
export const listenerProtocolOf = (l: Pick<Listener, 'protocol'>) => l.protocol ?? LISTENER_DEFAULTS.protocol;
export const listenerAddressOf = (l: Pick<Listener, 'address'>) => l.address ?? LISTENER_DEFAULTS.address;
export const clientCountOf = (c: Pick<Client, 'count'>) => c.count ?? CLIENT_DEFAULTS.count;
export const clientLocationOf = (c: Pick<Client, 'location'>) => c.location ?? CLIENT_DEFAULTS.location;
export const trafficProtocolOf = (t: Pick<Traffic, 'protocol'>) => t.protocol ?? TRAFFIC_DEFAULTS.protocol;
export const firewallEnabledOf = (f: Firewall | undefined) =>
  f !== undefined && (f.enabled ?? FIREWALL_DEFAULTS.enabled);

/**
 * Azure's default SNAT port allocation per instance by pool size (engine-model.md step 4;
 * learn.microsoft.com/azure/load-balancer/load-balancer-outbound-connections, "Default port allocation").
 */
export function defaultSnatPorts(poolSize: number): number {
  if (poolSize <= 50) return 1024;
  if (poolSize <= 100) return 512;
  if (poolSize <= 200) return 256;
  if (poolSize <= 400) return 128;
  if (poolSize <= 800) return 64;
  return 32;
}
