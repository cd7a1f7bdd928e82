/**
 * result: the result document of scenario-format.md "Result of a simulation".
 *
 * Inputs: none (types and formatting helpers).
 * Invariants: key order is fixed by construction, values are plain data, times are seconds with at
 *   most six decimals and `handshakeMs` has at most three, so the same run serialises byte for byte.
 */
import type { HealthReasonCode } from './probe';
import type { Reason, TraceEvent } from './trace';

export type Outcome = 'established' | 'reset' | 'timeout' | 'answered' | 'unanswered' | 'pending';

export type ClosedBy = 'client' | 'reset' | 'idleTimeout' | 'loadBalancer' | 'timeout';

export interface ConnectionResult {
  readonly traffic: string;
  readonly index: number;
  readonly protocol: 'Tcp' | 'Udp' | 'Icmp';
  readonly from: string;
  /** `address:port` (ICMP: the address); null when the connection never started. */
  readonly source: string | null;
  readonly destination: string;
  /** `pending`: the simulation stopped (`until`) before the connection ended (a project addition). */
  readonly outcome: Outcome;
  /** The pool member (NIC name) the load balancer chose, or null. */
  readonly backend: string | null;
  readonly reason: Reason | null;
  readonly handshakeMs: number | null;
  readonly http: { readonly path: string; readonly status: number } | null;
  readonly closed: { readonly at: number; readonly by: ClosedBy; readonly reason: Reason | null } | null;
}

export interface ProbeResult {
  readonly loadBalancer: string;
  readonly probe: string;
  readonly member: string;
  readonly state: 'up' | 'down';
  /**
   * What the portal's health status shows; null when the VM is turned off: "health status
   * returns empty values since the health status isn't retrievable" (load-balancer-manage-health-status.md).
   */
  readonly healthStatus: { readonly state: 'up' | 'down'; readonly reasonCode: HealthReasonCode } | null;
  readonly transitions: { readonly at: number; readonly state: 'up' | 'down' }[];
  readonly lastFailure: Reason | null;
}

export interface Diagnostic {
  readonly path: string;
  readonly message: string;
}

export interface LessonResult {
  readonly passed: boolean;
  /**
   * `detail` (project addition): one sentence saying what the check saw, e.g. "2 of 8 connections
   * established (seen: 2 established, closed by client; 6 reset, TCP_NO_LISTENER)".
   */
  readonly checks: { readonly name: string; readonly passed: boolean; readonly detail?: string }[];
}

/**
 * A run its budget stopped (project addition; engine state.ts `DEFAULT_BUDGET`): which budget,
 * its `limit` (handled events, simulated seconds, or connections under way at once), when the run
 * stopped (simulated seconds, equal to `simulatedSeconds`) and after how many handled events.
 * Connections still under way are as `until` leaves them (never opened: `pending`). Present only
 * when the run was stopped, so a run that ends by itself serialises exactly as before.
 */
export interface RunStopped {
  readonly reason: 'eventBudget' | 'timeBudget' | 'connectionBudget';
  readonly limit: number;
  readonly at: number;
  readonly events: number;
}

export interface SimulationResult {
  readonly format: 'hairpin-result';
  readonly version: 1;
  readonly seed: number;
  readonly simulatedSeconds: number;
  readonly stopped?: RunStopped;
  readonly warnings: Diagnostic[];
  readonly connections: ConnectionResult[];
  readonly probes: ProbeResult[];
  /** New flows per rule (`lb/rule`) and member (NIC name). */
  readonly distribution: Record<string, Record<string, number>>;
  readonly lesson?: LessonResult;
  /** Only in trace mode. */
  readonly events?: TraceEvent[];
}
