/**
 * trace: the vocabulary the engine reports in (engine-model.md "Reason codes", "Two ways to run").
 * The UI may `import type` from this file; it holds types and tiny pure helpers only.
 *
 * Inputs: none. Outputs: `Reason`, `ReasonCode`, `Decision`, `TraceEvent`, and `Tracer`, which
 *   collects trace events when trace mode is on and costs nothing when it is off.
 * Invariants: every value here is plain serialisable data (no classes, no functions, no
 *   undefined fields), so that `JSON.stringify` of the same run is byte-identical.
 */
import type { PacketView } from './wire';

/** The codes of engine-model.md "Reason codes" (the project may add codes, never rename these). */
export type ReasonCode =
  | 'NO_ROUTE'
  | 'UDR_NONE'
  | 'NO_OUTBOUND_CONNECTIVITY'
  | 'SNAT_PORT_EXHAUSTED'
  | 'LB_NO_RULE'
  | 'LB_PROTOCOL_UNSUPPORTED'
  | 'LB_NO_FLOW'
  | 'LB_NO_HEALTHY_BACKEND'
  | 'NSG_DENY'
  | 'NSG_SECURE_BY_DEFAULT'
  | 'VM_STOPPED'
  | 'GUEST_FIREWALL_BLOCK'
  | 'GUEST_DST_NOT_OWNED'
  | 'GUEST_STRONG_HOST_RECEIVE'
  | 'GUEST_STRONG_HOST_SEND'
  | 'GUEST_MARTIAN_SOURCE'
  | 'TCP_NO_LISTENER'
  | 'TCP_SYNACK_MISMATCH'
  | 'TCP_RESET'
  | 'TCP_TIMEOUT'
  | 'UDP_NO_LISTENER'
  | 'HTTP_STATUS'
  | 'PROBE_TIMEOUT'
  | 'IDLE_TIMEOUT'
  /** Project addition: a UDP or ICMP request got no answer and nothing on the path dropped it. */
  | 'NO_ANSWER'
  /**
   * Project addition: a packet for another address reached a NIC without `enableIPForwarding` or a
   * guest without `ipForwarding` (a virtual appliance next hop that does not forward).
   */
  | 'IP_FORWARDING_DISABLED'
  /**
   * Project addition: the client's guest has no free ephemeral port for the connection (every port
   * of its range is held by an open socket), so connect() fails before a packet leaves
   * (EADDRNOTAVAIL on Linux, WSAEADDRINUSE/WSAENOBUFS on Windows).
   */
  | 'GUEST_NO_EPHEMERAL_PORT'
  /**
   * Project addition: an HTTPS probe's TLS handshake failed — the listener serves no TLS, or its
   * certificate chain is not SHA-256 throughout, which HTTPS probes require.
   */
  | 'PROBE_TLS_FAILED';

export type RuleKind =
  | 'securityRule'
  | 'firewallRule'
  | 'loadBalancingRule'
  | 'inboundNatRule'
  | 'outboundRule'
  | 'guestRoute'
  | 'route';
export type Direction = 'Inbound' | 'Outbound';

export interface RuleRef {
  readonly kind: RuleKind;
  readonly name: string;
  readonly direction: Direction;
}

/** Why a packet was dropped or a connection failed (engine-model.md "Reason codes"). */
export interface Reason {
  readonly code: ReasonCode;
  /** The element id where it happened (`vm:web01`, `nsg:nsg-web`, `lb:ilb` ...). */
  readonly at: string;
  readonly rule: RuleRef | null;
  /** One sentence a trainee can read. */
  readonly detail: string;
}

export type TcpState =
  | 'CLOSED'
  | 'LISTEN'
  | 'SYN-SENT'
  | 'SYN-RECEIVED'
  | 'ESTABLISHED'
  | 'FIN-WAIT-1'
  | 'FIN-WAIT-2'
  | 'CLOSE-WAIT'
  | 'LAST-ACK'
  | 'TIME-WAIT';

/** What decided at a hop: the rule, route, socket or hash that the UI's packet inspector shows. */
export type Decision =
  | {
      readonly kind: 'securityRule';
      readonly nsg: string;
      readonly attachedTo: string;
      readonly direction: Direction;
      readonly rule: string;
      readonly priority: number;
      readonly access: 'Allow' | 'Deny';
    }
  | { readonly kind: 'nsgFlow'; readonly attachedTo: string; readonly note: string }
  | { readonly kind: 'noNsg'; readonly attachedTo: string }
  | {
      readonly kind: 'guestRoute';
      readonly via: 'local' | 'route' | 'onLink' | 'default';
      readonly prefix: string;
      readonly interface: string;
      readonly nextHop: string | null;
    }
  | {
      readonly kind: 'firewallRule';
      readonly rule: string | null;
      readonly direction: Direction;
      readonly action: 'Allow' | 'Block';
    }
  | {
      readonly kind: 'loadBalancingRule' | 'inboundNatRule';
      readonly rule: string;
      readonly distribution: string;
      readonly hashInputs: string[];
      readonly hash: number | null;
      readonly candidates: string[];
      readonly chosen: string;
      readonly floatingIp: boolean;
      /** Members whose admin state overrode their probe for this choice (`web02-nic1 Down`); absent when none. */
      readonly admin?: string[];
    }
  | { readonly kind: 'lbFlow'; readonly rule: string; readonly member: string }
  | { readonly kind: 'reverseNat'; readonly rule: string }
  | {
      readonly kind: 'socket';
      readonly local: string;
      readonly remote: string;
      readonly state: TcpState | 'UDP';
    }
  | { readonly kind: 'listener'; readonly listener: string; readonly address: string; readonly port: number }
  | { readonly kind: 'retransmission'; readonly attempt: number }
  | { readonly kind: 'probe'; readonly probe: string; readonly member: string; readonly result: string }
  /** A scenario event (scenario-format.md "events") and what it changed. */
  | { readonly kind: 'event'; readonly action: string; readonly detail: string }
  /** A flow the load balancer or a host forgot or ended (idle timeout, all members down, stopped VM). */
  | { readonly kind: 'flowEnd'; readonly flow: string; readonly why: string }
  /** Outbound translation (engine-model.md step 4). */
  | { readonly kind: 'snat'; readonly method: string; readonly rule: string | null; readonly port: number }
  /** A user-defined route (engine-model.md step 5). */
  | {
      readonly kind: 'udr';
      readonly routeTable: string;
      readonly route: string;
      readonly prefix: string;
      readonly nextHopType: string;
      readonly nextHop: string | null;
    };

/** `event`: a scenario event happened (a project addition to engine-model.md's list). */
export type TraceKind = 'send' | 'hop' | 'rewrite' | 'deliver' | 'drop' | 'state' | 'event';

export interface TraceEvent {
  /** Seconds since the start (at most six decimals). */
  readonly at: number;
  readonly kind: TraceKind;
  readonly element: string;
  readonly connection: string | null;
  /** The header after the event (for `rewrite`, the new header). */
  readonly packet: PacketView | null;
  /** For `rewrite`: the header before. */
  readonly before: PacketView | null;
  readonly reason: Reason | null;
  readonly decision: Decision | null;
  /** For `state`: the socket's TCP state change. */
  readonly state: { readonly from: TcpState; readonly to: TcpState } | null;
}

/** Collects trace events in trace mode; a no-op otherwise (bulk-style runs pay nothing). */
export class Tracer {
  readonly events: TraceEvent[] = [];
  constructor(readonly enabled: boolean) {}

  record(event: TraceEvent): void {
    if (this.enabled) this.events.push(event);
  }
}

export function makeReason(code: ReasonCode, at: string, rule: RuleRef | null, detail: string): Reason {
  return { code, at, rule, detail };
}
