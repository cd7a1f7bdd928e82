/**
 * report: the result documents (scenario-format.md "Result of a simulation") built from the state
 * a run ends in: one row per connection (trace mode), the probes' rows and the distribution.
 *
 * Inputs: the connections' final state, the probes' runtimes, the flow counts per rule, the
 *   aggregates of bulk mode, the trace.
 * Outputs: `SimulationResult` (`buildResult`) and `BulkResult` (`buildBulkResult`), and `rowReason`,
 *   the one rule for a row's `reason` that trace rows and bulk aggregates share.
 * Invariants: reads only (bulk mode folds its last counts into the aggregator before, in
 *   simulation.ts); key order fixed by construction, so the same run serialises byte for byte.
 */
import { formatIpv4 } from '../shared/ipv4';
import type { Aggregator, BulkResult } from './bulk';
import type { EngineInput, LoadBalancerIn, TrafficIn } from './input';
import { adminStateForProbe, healthStatusOf, type ProbeRuntime } from './probe';
import type { ConnectionResult, ProbeResult, RunStopped, SimulationResult } from './result';
import { microsToMillis, microsToSeconds } from './sched';
import type { Conn, FlowCount, StopState } from './state';
import type { Reason, Tracer } from './trace';
import { formatEndpoint } from './wire';

/** The row's `reason` (scenario-format.md): null when it worked, else the first event that doomed it. */
export function rowReason(conn: Conn): Reason | null {
  if (conn.outcome === 'established' || conn.outcome === 'answered') return null;
  return conn.reason ?? (conn.outcome === 'pending' ? null : conn.doom);
}

function connectionRow(conn: Conn): ConnectionResult {
  const t = conn.spec;
  const src = conn.source;
  return {
    traffic: t.name,
    index: conn.index,
    protocol: t.protocol,
    from: t.from,
    source:
      src === null ? null : t.protocol === 'Icmp' ? formatIpv4(src.address) : formatEndpoint(src.address, src.port),
    destination: t.protocol === 'Icmp' ? formatIpv4(t.destination) : formatEndpoint(t.destination, t.destinationPort),
    outcome: conn.outcome,
    backend: conn.backend,
    reason: rowReason(conn),
    handshakeMs: conn.handshakeUs === null ? null : microsToMillis(conn.handshakeUs),
    http: conn.http,
    closed:
      conn.outcome === 'established' && conn.closed !== null
        ? { at: microsToSeconds(conn.closed.atUs), by: conn.closed.by, reason: conn.closed.reason }
        : null,
  };
}

/** A connection the run stopped before opening (`until`). */
function unopenedRow(traffic: TrafficIn, index: number): ConnectionResult {
  return {
    traffic: traffic.name,
    index,
    protocol: traffic.protocol,
    from: traffic.from,
    source: null,
    destination:
      traffic.protocol === 'Icmp'
        ? formatIpv4(traffic.destination)
        : formatEndpoint(traffic.destination, traffic.destinationPort),
    outcome: 'pending',
    backend: null,
    reason: null,
    handshakeMs: null,
    http: null,
    closed: null,
  };
}

function probeResults(input: EngineInput, probes: readonly ProbeRuntime[]): ProbeResult[] {
  const out: ProbeResult[] = [];
  for (const rt of probes) {
    for (const m of rt.members) {
      out.push({
        loadBalancer: rt.lbName,
        probe: rt.probe.name,
        member: m.name,
        state: m.state,
        healthStatus: healthStatusOf(rt, m, adminStateForProbe(input, rt, m.nic)),
        transitions: m.transitions.map((tr) => ({ at: microsToSeconds(tr.at), state: tr.state })),
        lastFailure: m.lastFailure,
      });
    }
  }
  return out;
}

/** Flows per rule and member, rules in the order of the load balancers as the events left them. */
function distributionResult(
  input: EngineInput,
  lbs: readonly LoadBalancerIn[],
  flowCounts: ReadonlyMap<string, FlowCount>,
): Record<string, Record<string, number>> {
  // Keyed by the user's names: null-prototype objects, so that a NIC named "__proto__" is a key
  // like any other (JSON.stringify writes them as plain objects, in insertion order).
  const distribution: Record<string, Record<string, number>> = Object.create(null);
  for (const lb of lbs) {
    for (const r of [...lb.rules, ...lb.natRules]) {
      const row = flowCounts.get(r.id);
      if (row === undefined) continue;
      const out: Record<string, number> = Object.create(null);
      for (const [n, count] of row.counts) {
        const nic = input.nics[n];
        if (nic === undefined) throw new Error(`no NIC ${n}`);
        out[nic.name] = count;
      }
      distribution[row.key] = out;
    }
  }
  return distribution;
}

/** `stopped` when the budget stopped the run, else nothing: a run that ended keeps its bytes. */
function stoppedField(stop: StopState | null): { stopped?: RunStopped } {
  if (stop === null) return {};
  return { stopped: { reason: stop.reason, limit: stop.limit, at: microsToSeconds(stop.atUs), events: stop.events } };
}

/** Trace mode: one row per connection of each traffic entry, in order (never opened: pending). */
export function buildResult(
  input: EngineInput,
  seed: number,
  endUs: number,
  rows: readonly (readonly Conn[])[],
  probes: readonly ProbeRuntime[],
  lbs: readonly LoadBalancerIn[],
  flowCounts: ReadonlyMap<string, FlowCount>,
  tracer: Tracer,
  stop: StopState | null,
): SimulationResult {
  const connections: ConnectionResult[] = [];
  input.traffic.forEach((traffic, ti) => {
    const conns = rows[ti] as Conn[];
    for (let i = 0; i < traffic.connections; i++) {
      const c = conns[i];
      connections.push(c === undefined ? unopenedRow(traffic, i) : connectionRow(c));
    }
  });
  return {
    format: 'hairpin-result',
    version: 1,
    seed,
    simulatedSeconds: microsToSeconds(endUs),
    ...stoppedField(stop),
    warnings: [],
    connections,
    probes: probeResults(input, probes),
    distribution: distributionResult(input, lbs, flowCounts),
    ...(tracer.enabled ? { events: tracer.events } : {}),
  };
}

/** Bulk mode: the aggregates (every connection already counted in `aggregator`). */
export function buildBulkResult(
  input: EngineInput,
  seed: number,
  endUs: number,
  aggregator: Aggregator,
  probes: readonly ProbeRuntime[],
  lbs: readonly LoadBalancerIn[],
  flowCounts: ReadonlyMap<string, FlowCount>,
  stop: StopState | null,
): BulkResult {
  return {
    format: 'hairpin-bulk-result',
    version: 1,
    seed,
    simulatedSeconds: microsToSeconds(endUs),
    ...stoppedField(stop),
    warnings: [],
    ...aggregator.build(),
    probes: probeResults(input, probes),
    distribution: distributionResult(input, lbs, flowCounts),
  };
}
