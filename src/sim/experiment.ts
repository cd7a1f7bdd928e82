/**
 * experiment: runs a distribution experiment (issue 8) — one bulk run per hash mode of the
 * experiment's variant of a scenario (src/scenario/experiment.ts), read back as connections per
 * pool member with the spread, and what adding or removing a member does to new flows, computed
 * with the engine's own tuple hash and member choice (src/engine/lb.ts `hashOf`, `pickIndex`).
 *
 * Inputs: a validated scenario and an `ExperimentSpec`; an optional progress listener.
 * Outputs: `ExperimentResult`, plain structured-cloneable data (it crosses the worker boundary).
 * Invariants: deterministic (the runs are seeded by the scenario's seed, the remap sample by a PRNG
 *   seeded from it); the counts are the engine's bulk-mode `distribution`, never estimated.
 */
import type { BulkResult, Os } from '../engine/index';
import { hashOf, pickIndex } from '../engine/lb';
import { ephemeralRange } from '../engine/tcp';
import type { Header } from '../engine/wire';
import {
  DISTRIBUTION_MODES,
  deriveExperiment,
  type ExperimentRule,
  type ExperimentSpec,
  experimentRules,
  type Population,
} from '../scenario/experiment';
import { type Diagnostic, loadScenarioValue } from '../scenario/index';
import type { LoadDistribution, Scenario } from '../scenario/types';
import { cidrSize, parseCidr, parseIpv4 } from '../shared/ipv4';
import { createPrng, nextInt } from '../shared/prng';
import { type SpreadStats, spreadOf } from '../shared/stats';
import { runScenarioBulk } from './simulate';

/** How many tuples of the population the remap fractions are computed over (at most). */
export const REMAP_SAMPLE = 100_000;

export interface MemberCount {
  /** The pool member (NIC name). */
  readonly member: string;
  /** New flows the rule sent to it. */
  readonly count: number;
  /** Probed up at the end of the run (a member probed down gets no new flow: engine-model.md step 8). */
  readonly up: boolean;
}

/** What adding or removing one member does to the tuples of the population (new flows). */
export interface RemapOutcome {
  /** How many tuples of the population were hashed (see `REMAP_SAMPLE`). */
  readonly sample: number;
  /** Members the hash chose among (probed up), in pool order. */
  readonly candidates: readonly string[];
  /** A member appended to the pool: the share of tuples whose member changes. */
  readonly added: { readonly moved: number; readonly toNewMember: number; readonly minimum: number };
  /** Each candidate removed in turn: the share whose member changes, and of those the ones it held. */
  readonly removed: readonly {
    readonly member: string;
    readonly moved: number;
    readonly heldByRemoved: number;
  }[];
}

export interface ModeOutcome {
  readonly mode: LoadDistribution;
  /** Every member of the rule's pool, in pool order. */
  readonly members: readonly MemberCount[];
  /** New flows the rule spread (the sum of `members`' counts). */
  readonly total: number;
  /** The spread over the members probed up (the ones a new flow may go to). */
  readonly spread: SpreadStats;
  /** Connections per outcome (`established`, `timeout` …) and failures per reason code. */
  readonly outcomes: Record<string, number>;
  readonly reasons: Record<string, number>;
  readonly simulatedSeconds: number;
  /** Null when no member is probed up (nothing to remap). */
  readonly remap: RemapOutcome | null;
}

export interface ExperimentResult {
  readonly valid: true;
  readonly rule: ExperimentRule;
  readonly spec: ExperimentSpec;
  readonly seed: number;
  /** Default, SourceIPProtocol and SourceIP, in that order. */
  readonly runs: readonly ModeOutcome[];
}

export interface ExperimentInvalid {
  readonly valid: false;
  readonly errors: readonly Diagnostic[];
  readonly warnings: readonly Diagnostic[];
}

export interface ExperimentProgress {
  /** Runs finished so far, of `runs`. */
  readonly done: number;
  readonly runs: number;
  /** The mode running now (null when done). */
  readonly mode: LoadDistribution | null;
  /** Progress inside the current run, 0–1 (the engine's connections ended of those asked for). */
  readonly fraction: number;
}
export type ExperimentProgressListener = (progress: ExperimentProgress) => unknown;

/** The source addresses of the population's hosts and how many connections each one opens. */
function populationHosts(population: Population, connections: number): { first: number; hosts: number } {
  if (population.kind === 'prefix') {
    const cidr = parseCidr(population.prefix)?.cidr;
    // scenario-format.md "Clients": the prefix's first host address, then consecutive ones.
    const first = cidr === undefined ? 0 : cidrSize(cidr) > 2 ? cidr.base + 1 : cidr.base;
    return { first: first >>> 0, hosts: Math.min(population.count, connections) };
  }
  return { first: parseIpv4(population.address) ?? 0, hosts: 1 };
}

/**
 * The source side of `sample` tuples of the population (at most one per connection): the hosts in
 * the engine's round-robin order (evenly spaced when there are more hosts than the sample), each
 * with an ephemeral port from the client OS's range drawn by a PRNG seeded from `seed`.
 */
export function sampleTuples(
  seed: number,
  population: Population,
  connections: number,
  sample = REMAP_SAMPLE,
  os: Os = 'linux',
): { readonly sources: Uint32Array; readonly ports: Uint16Array } {
  const { first, hosts } = populationHosts(population, connections);
  const size = Math.max(1, Math.min(sample, connections));
  const { min, max } = ephemeralRange(os);
  const prng = createPrng((seed ^ 0x2545f491) >>> 0);
  const sources = new Uint32Array(size);
  const ports = new Uint16Array(size);
  for (let k = 0; k < size; k++) {
    const host = hosts <= size ? k % hosts : Math.floor((k * hosts) / size);
    sources[k] = (first + host) >>> 0;
    ports[k] = nextInt(prng, min, max);
  }
  return { sources, ports };
}

/**
 * The share of the population's tuples whose member changes when a member is appended to the
 * candidates, or when each candidate is removed, with the engine's hash: `floor(hash × n / 2³²)`
 * over the candidates in pool order (src/engine/lb.ts), over the tuples of `sampleTuples`.
 */
export function remapOf(
  seed: number,
  mode: LoadDistribution,
  rule: Pick<ExperimentRule, 'frontendAddress' | 'port' | 'protocol'>,
  population: Population,
  connections: number,
  candidates: readonly string[],
  sample = REMAP_SAMPLE,
  os: Os = 'linux',
): RemapOutcome | null {
  const n = candidates.length;
  if (n === 0) return null;
  const tuples = sampleTuples(seed, population, connections, sample, os);
  const size = tuples.sources.length;
  const dst = parseIpv4(rule.frontendAddress) ?? 0;
  let movedAdd = 0;
  let toNew = 0;
  const moves = new Array<number>(n + 1).fill(0);
  const held = new Array<number>(n).fill(0);
  const header: { -readonly [K in keyof Header]: Header[K] } = {
    protocol: rule.protocol,
    src: 0,
    srcPort: 0,
    dst,
    dstPort: rule.port,
    flags: 0,
    icmp: null,
    http: null,
  };
  for (let k = 0; k < size; k++) {
    header.src = tuples.sources[k] as number;
    header.srcPort = tuples.ports[k] as number;
    const hash = hashOf(seed, mode, header);
    const before = pickIndex(hash, n);
    const afterAdd = pickIndex(hash, n + 1);
    // The new member is appended (an addPoolMember event appends to the pool), so indices below n
    // are the same members as before.
    if (afterAdd !== before) {
      movedAdd++;
      if (afterAdd === n) toNew++;
    }
    held[before] = (held[before] as number) + 1;
    if (n > 1) {
      // Without candidate r, index `pick` names candidate pick (pick < r) or pick + 1 (pick ≥ r):
      // the tuple moves for every r above pick when pick ≠ before, and for every r up to pick when
      // pick + 1 ≠ before. Counted as ranges (a difference array), so big pools cost no more.
      const pick = pickIndex(hash, n - 1);
      if (pick !== before) {
        moves[pick + 1] = (moves[pick + 1] as number) + 1;
        moves[n] = (moves[n] as number) - 1;
      }
      if (pick + 1 !== before) {
        moves[0] = (moves[0] as number) + 1;
        moves[pick + 1] = (moves[pick + 1] as number) - 1;
      }
    }
  }
  const movedRemove: number[] = [];
  let running = 0;
  for (let r = 0; r < n; r++) {
    running += moves[r] as number;
    movedRemove.push(running);
  }
  return {
    sample: size,
    candidates: [...candidates],
    added: { moved: movedAdd / size, toNewMember: toNew / size, minimum: 1 / (n + 1) },
    removed:
      n > 1
        ? candidates.map((member, r) => ({
            member,
            moved: (movedRemove[r] as number) / size,
            heldByRemoved: (held[r] as number) / size,
          }))
        : [],
  };
}

/** The rule's members with their counts and final probe state, from one bulk run. */
export function membersOf(rule: ExperimentRule, result: BulkResult): MemberCount[] {
  // Own keys only: a member named "constructor" must not find Object.prototype's.
  const counts = Object.hasOwn(result.distribution, rule.key) ? (result.distribution[rule.key] ?? {}) : {};
  return rule.members.map((member) => {
    const row =
      rule.probe === null
        ? undefined
        : result.probes.find(
            (p) => p.loadBalancer === rule.loadBalancer && p.probe === rule.probe && p.member === member,
          );
    return {
      member,
      count: Object.hasOwn(counts, member) ? (counts[member] ?? 0) : 0,
      up: row === undefined || row.state === 'up',
    };
  });
}

/**
 * Runs the experiment: for each of Default, SourceIPProtocol and SourceIP, the variant of
 * `scenario` in bulk mode, then the remap fractions of that mode over the members probed up.
 */
export function runExperiment(
  scenario: Scenario,
  spec: ExperimentSpec,
  onProgress?: ExperimentProgressListener,
): ExperimentResult | ExperimentInvalid {
  const rule = experimentRules(scenario).find((r) => r.key === spec.rule);
  const invalid = (message: string): ExperimentInvalid => ({
    valid: false,
    errors: [{ path: 'experiment', message }],
    warnings: [],
  });
  if (rule === undefined) return invalid(`rule: no load-balancing rule "${spec.rule}" with a frontend address`);
  const runs: ModeOutcome[] = [];
  let seed = 0;
  for (const [i, mode] of DISTRIBUTION_MODES.entries()) {
    const total = DISTRIBUTION_MODES.length;
    onProgress?.({ done: i, runs: total, mode, fraction: 0 });
    const variant = deriveExperiment(scenario, spec, mode);
    if (!variant.ok) return invalid(variant.error);
    // The variant is a new document: it goes through the one pipeline like any input.
    const loaded = loadScenarioValue(variant.value);
    if (loaded.scenario === null || loaded.errors.length > 0)
      return { valid: false, errors: loaded.errors, warnings: loaded.warnings };
    const result: BulkResult = runScenarioBulk(loaded.scenario, {
      // The engine's hook (counted in events, read-only): connections ended of those asked for.
      onProgress:
        onProgress === undefined
          ? undefined
          : (p) =>
              onProgress({
                done: i,
                runs: total,
                mode,
                fraction: p.done ? 1 : p.connectionsTotal === 0 ? 0 : p.connectionsDone / p.connectionsTotal,
              }),
    });
    // A connection holds its port until it ends, and SYNs that time out hold theirs for minutes:
    // when the population's range runs out, the guest refuses the connection (GUEST_NO_EPHEMERAL_PORT).
    if ((result.reasons.GUEST_NO_EPHEMERAL_PORT ?? 0) > 0)
      return invalid(
        `connections: ${spec.connections.toLocaleString('en')} connections ran out of source ports on ${rule.key}: a connection holds its port until it ends, and these do not end quickly (run the scenario's traffic to see why). Try fewer connections or more addresses.`,
      );
    seed = result.seed;
    // The population's ports come from its OS's range (a client of the document keeps its OS).
    const from = loaded.scenario.traffic?.[0]?.from;
    const os = loaded.scenario.clients?.find((c) => c.name === from)?.os ?? 'linux';
    const members = membersOf(rule, result);
    const up = members.filter((m) => m.up);
    // engine-model.md step 8: with every member down, AllProbedUp chooses among all of them.
    const candidates = (up.length > 0 ? up : members.filter((m) => m.count > 0)).map((m) => m.member);
    const eligible = members.filter((m) => candidates.includes(m.member));
    runs.push({
      mode,
      members,
      total: members.reduce((sum, m) => sum + m.count, 0),
      spread: spreadOf(eligible.map((m) => m.count)),
      outcomes: result.outcomes,
      reasons: result.reasons,
      simulatedSeconds: result.simulatedSeconds,
      remap: remapOf(seed, mode, rule, spec.population, spec.connections, candidates, REMAP_SAMPLE, os),
    });
  }
  onProgress?.({ done: DISTRIBUTION_MODES.length, runs: DISTRIBUTION_MODES.length, mode: null, fraction: 0 });
  return { valid: true, rule, spec, seed, runs };
}
