/**
 * experiment: the document side of a distribution experiment (issue 8, "is my distribution
 * even?"). Pure functions on the scenario document, like the document actions of edit.ts.
 *
 * Inputs: a scenario, the load-balancing rule to study (`lb/rule`), a client population and a
 *   number of connections.
 * Outputs: the rules one can study (`experimentRules`), the population a document suggests
 *   (`suggestedPopulation`), and the experiment's variant of the document (`deriveExperiment`):
 *   the same network with its traffic replaced by the population's connections to the rule's
 *   frontend, and the rule's `loadDistribution` set to the mode under study.
 * Invariants: the input document is never changed; the variant keeps the seed (the load balancer's
 *   hash is seeded by it), the members, probes and NSGs, and drops what would change the pool during
 *   the run or name traffic that is gone (`events`, `lesson`). A bad spec is refused with one
 *   sentence naming the field.
 */

import { cidrSize, formatCidr, formatIpv4, parseCidr, parseIpv4 } from '../shared/ipv4';
import { err, ok, type Result } from '../shared/result';
import { clientCountOf, RANGES } from './defaults';
import { nicAddress, poolMemberNics } from './members';
import type { Client, ClientLocation, LoadDistribution, OperatingSystem, Scenario, Traffic } from './types';

/** The three hash tuples of “What is Azure Load Balancer?” "Load balancing", in the order the analysis shows them. */
export const DISTRIBUTION_MODES: readonly LoadDistribution[] = ['Default', 'SourceIPProtocol', 'SourceIP'];

/** Enough for the question, and what bulk mode is built for (engine-model.md "Two ways to run"). */
export const MAX_EXPERIMENT_CONNECTIONS = 1_000_000;

/**
 * Simulated time between two connections of one client host, and the least between two
 * connections of the experiment. In bulk mode a connection from a host that has another one open
 * takes the full packet path (src/engine/decisionClass.ts), so each host's connections come one after
 * another; the timing does not change which member the hash picks. 1,000,000 connections from one
 * address then span 100,000 simulated seconds; from 1,000 or more hosts, 100.
 */
export const EXPERIMENT_HOST_SPACING_S = 0.1;
export const EXPERIMENT_INTERVAL_S = 0.0001;

/** The traffic's `interval` for `connections` spread round-robin over `hosts` addresses. */
export function experimentInterval(hosts: number, connections: number): number {
  const used = Math.max(1, Math.min(hosts, connections));
  // Rounded to whole microseconds, the engine's clock.
  return Math.max(EXPERIMENT_INTERVAL_S, Math.ceil((EXPERIMENT_HOST_SPACING_S / used) * 1e6) / 1e6);
}

/** Who connects: the tuple's source side, which is what the hash modes differ on. */
export type Population =
  /** One client host: every connection from one address, each from its own ephemeral port. */
  | { readonly kind: 'single'; readonly address: string }
  /** `count` hosts with consecutive addresses from `prefix`; connections go round-robin over them. */
  | { readonly kind: 'prefix'; readonly prefix: string; readonly count: number }
  /**
   * Clients behind a proxy (“Troubleshoot Azure Load Balancer”, uneven distribution, Cause 2): however many users, the load
   * balancer sees the proxy's one SNAT address, with the proxy's varying source ports.
   */
  | { readonly kind: 'proxy'; readonly address: string };

export interface ExperimentSpec {
  /** The load-balancing rule, as `lb/rule` (the key of the result's `distribution`). */
  readonly rule: string;
  readonly population: Population;
  readonly connections: number;
}

/** A load-balancing rule one can run an experiment on. */
export interface ExperimentRule {
  /** `lb/rule`. */
  readonly key: string;
  readonly loadBalancer: string;
  readonly rule: string;
  readonly sku: 'Standard' | 'Basic';
  readonly frontendAddress: string;
  readonly isPublic: boolean;
  readonly protocol: 'Tcp' | 'Udp';
  /** The destination port the experiment's connections use (80 for an HA-ports rule). */
  readonly port: number;
  readonly pool: string;
  /** The pool's members (NIC names) in pool order: the order the hash picks among. */
  readonly members: readonly string[];
  readonly probe: string | null;
  readonly loadDistribution: LoadDistribution;
}

/** Every load-balancing rule of the document whose frontend has an address, in document order. */
export function experimentRules(scenario: Scenario): ExperimentRule[] {
  const out: ExperimentRule[] = [];
  for (const lb of scenario.loadBalancers ?? []) {
    for (const rule of lb.loadBalancingRules ?? []) {
      const fe = lb.frontendIPConfigurations.find((f) => f.name === rule.frontendIPConfiguration);
      const address = fe?.publicIPAddress ?? fe?.privateIPAddress;
      if (fe === undefined || address === undefined || parseIpv4(address) === null) continue;
      const protocol = rule.protocol ?? 'Tcp';
      const pool = lb.backendAddressPools.find((p) => p.name === rule.backendAddressPool);
      out.push({
        key: `${lb.name}/${rule.name}`,
        loadBalancer: lb.name,
        rule: rule.name,
        sku: lb.sku ?? 'Standard',
        frontendAddress: address,
        isPublic: fe.publicIPAddress !== undefined,
        // An HA-ports rule (All, port 0) takes TCP and UDP on every port: study TCP to port 80.
        protocol: protocol === 'Udp' ? 'Udp' : 'Tcp',
        port: rule.frontendPort === 0 ? 80 : rule.frontendPort,
        pool: rule.backendAddressPool,
        members: poolMemberNics(pool),
        probe: rule.probe ?? null,
        loadDistribution: rule.loadDistribution ?? 'Default',
      });
    }
  }
  return out;
}

/** Where the experiment's clients sit: the internet for a public frontend, on-premises otherwise. */
const locationFor = (rule: ExperimentRule): ClientLocation => (rule.isPublic ? 'internet' : 'onPremises');

/**
 * A population to start from: the address of a client that already sends traffic to the rule's
 * frontend, or a documentation address (RFC 5737 for the internet, RFC 1918 on-premises).
 */
export function suggestedPopulation(scenario: Scenario, rule: ExperimentRule, kind: Population['kind']): Population {
  const target = `${rule.frontendAddress}:${rule.port}`;
  const senders = (scenario.traffic ?? [])
    .filter((t) => t.to === target)
    .map((t) => (scenario.clients ?? []).find((c) => c.name === t.from))
    .filter((c): c is Client => c !== undefined);
  const single = senders.find((c) => !c.ipAddress.includes('/'));
  const many = senders.find((c) => c.ipAddress.includes('/'));
  const internet = rule.isPublic;
  // Documentation and private ranges (RFC 5737, RFC 2544, RFC 1918), the first that is free.
  const free = (options: readonly Population[]): Population => {
    const fits = options.find((p) => {
      const c = populationClient(p, '', 'internet');
      return c.ok && addressClash(scenario, c.value) === null;
    });
    return fits ?? (options[0] as Population);
  };
  switch (kind) {
    case 'single':
      if (single !== undefined) return { kind, address: single.ipAddress };
      return free(
        (internet ? ['203.0.113.10', '198.51.100.10'] : ['192.168.2.1', '192.168.200.10', '172.16.0.10']).map(
          (address) => ({ kind, address }),
        ),
      );
    case 'proxy':
      return free(
        (internet ? ['198.51.100.7', '203.0.113.7'] : ['192.168.200.7', '172.16.0.7']).map((address) => ({
          kind,
          address,
        })),
      );
    case 'prefix':
      if (many !== undefined) return { kind, prefix: many.ipAddress, count: clientCountOf(many) };
      return free(
        (internet ? ['203.0.113.0/24', '198.18.0.0/16'] : ['192.168.200.0/24', '172.16.0.0/16']).map((prefix) => ({
          kind,
          prefix,
          count: 200,
        })),
      );
  }
}

/** The client the experiment's connections come from (`name`), or why the population is refused. */
export function populationClient(
  population: Population,
  name: string,
  location: ClientLocation,
): Result<Client, string> {
  // A proxy is a Linux box in most estates; its port range is the one the hash sees (assumption).
  const os: OperatingSystem = 'linux';
  if (population.kind === 'prefix') {
    const parsed = parseCidr(population.prefix);
    if (parsed === null || !population.prefix.includes('/'))
      return err(`population.prefix: must be an address prefix such as 203.0.113.0/24, got "${population.prefix}"`);
    if (parsed.hostBitsSet)
      return err(
        `population.prefix: host bits are set in ${population.prefix} (did you mean ${formatCidr(parsed.cidr)}?)`,
      );
    const { min, max } = RANGES.clientCount;
    if (!Number.isInteger(population.count) || population.count < min || population.count > max)
      return err(
        `population.count: must be a whole number ${min}–${max.toLocaleString('en')}, got ${population.count}`,
      );
    // As rules/common.ts counts them: a prefix's network and broadcast addresses are not hosts.
    const size = cidrSize(parsed.cidr);
    const hosts = size > 2 ? size - 2 : size;
    if (population.count > hosts)
      return err(
        `population.count: ${population.count.toLocaleString('en')} addresses do not fit in ${population.prefix}, which has ${hosts.toLocaleString('en')} host addresses`,
      );
    return ok({ name, os, ipAddress: population.prefix, count: population.count, location });
  }
  const address = parseIpv4(population.address);
  if (address === null)
    return err(`population.address: must be an IPv4 address such as 203.0.113.10, got "${population.address}"`);
  return ok({ name, os, ipAddress: formatIpv4(address), location });
}

/** The first and last address a client stands for (scenario-format.md "Clients"). */
function clientRange(c: Client): { first: number; last: number } | null {
  const parsed = parseCidr(c.ipAddress);
  if (parsed === null) return null;
  const size = cidrSize(parsed.cidr);
  const first = c.ipAddress.includes('/') && size > 2 ? parsed.cidr.base + 1 : parsed.cidr.base;
  return { first, last: first + clientCountOf(c) - 1 };
}

/** Why `client` cannot join the document: an address a client or a NIC already has; else null. */
function addressClash(scenario: Scenario, client: Client): string | null {
  const mine = clientRange(client);
  if (mine === null) return null;
  const overlaps = (a: number) => a >= mine.first && a <= mine.last;
  for (const other of scenario.clients ?? []) {
    const theirs = clientRange(other);
    if (theirs !== null && theirs.first <= mine.last && mine.first <= theirs.last)
      return `it overlaps client "${other.name}" (${other.ipAddress})`;
  }
  for (const vm of scenario.virtualMachines ?? [])
    for (const nic of vm.networkInterfaces) {
      const address = nicAddress(nic) ?? '';
      const a = parseIpv4(address);
      if (a !== null && overlaps(a)) return `${address} is the address of ${nic.name}`;
    }
  return null;
}

const uniqueName = (base: string, taken: ReadonlySet<string>): string => {
  if (!taken.has(base)) return base;
  let i = 2;
  while (taken.has(`${base}-${i}`)) i++;
  return `${base}-${i}`;
};

/**
 * The experiment's variant of `scenario` for one hash mode: the population as a client, one traffic
 * item of `spec.connections` connections from it to the rule's frontend, and the rule's
 * `loadDistribution` set to `mode`. Every other rule keeps its mode. The variant still goes
 * through validation before it runs (the population's addresses may collide with the network's).
 */
export function deriveExperiment(
  scenario: Scenario,
  spec: ExperimentSpec,
  mode: LoadDistribution,
): Result<Scenario, string> {
  const rule = experimentRules(scenario).find((r) => r.key === spec.rule);
  if (rule === undefined)
    return err(`rule: no load-balancing rule "${spec.rule}" with a frontend address in this scenario`);
  if (!Number.isInteger(spec.connections) || spec.connections < 1 || spec.connections > MAX_EXPERIMENT_CONNECTIONS)
    return err(
      `connections: must be a whole number 1–${MAX_EXPERIMENT_CONNECTIONS.toLocaleString('en')}, got ${spec.connections}`,
    );
  const taken = new Set<string>([
    ...(scenario.clients ?? []).map((c) => c.name),
    ...(scenario.virtualMachines ?? []).map((v) => v.name),
  ]);
  const clientName = uniqueName(spec.population.kind === 'proxy' ? 'experiment-proxy' : 'experiment-clients', taken);
  const made = populationClient(spec.population, clientName, locationFor(rule));
  if (!made.ok) return made;
  const field = spec.population.kind === 'prefix' ? 'population.prefix' : 'population.address';
  // The same addresses as a client of the document: that client is the population (its OS, its
  // place). Overlapping ones would be two hosts with one address, which no network has.
  const same = (scenario.clients ?? []).find(
    (c) => c.ipAddress === made.value.ipAddress && clientCountOf(c) === clientCountOf(made.value),
  );
  if (same === undefined) {
    const clash = addressClash(scenario, made.value);
    if (clash !== null) return err(`${field}: ${clash}; choose other addresses, or exactly that client's`);
  }
  const source = same ?? made.value;
  const traffic: Traffic = {
    name: 'experiment',
    from: source.name,
    to: `${rule.frontendAddress}:${rule.port}`,
    protocol: rule.protocol,
    connections: spec.connections,
    interval: experimentInterval(clientCountOf(source), spec.connections),
  };
  const { events: _events, lesson: _lesson, ...rest } = scenario;
  return ok({
    ...rest,
    clients: same === undefined ? [...(scenario.clients ?? []), made.value] : scenario.clients,
    traffic: [traffic],
    loadBalancers: (scenario.loadBalancers ?? []).map((lb) =>
      lb.name !== rule.loadBalancer
        ? lb
        : {
            ...lb,
            loadBalancingRules: (lb.loadBalancingRules ?? []).map((r) =>
              r.name === rule.rule ? { ...r, loadDistribution: mode } : r,
            ),
          },
    ),
  });
}
