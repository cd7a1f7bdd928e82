/**
 * Lesson checks: what they name, resolved in the document with the solution applied.
 */

import { formatIpv4, parseIpv4 } from '../../shared/ipv4';
import { trafficProtocolOf } from '../defaults';
import { poolMemberNics } from '../members';
import { mergePatch } from '../mergePatch';
import { DISTRIBUTION_CHECK, LESSON, lessonCheckSchema, PROBE_CHECK, SCENARIO, TRAFFIC_CHECK } from '../schema';
import { joinPath } from '../shape';
import type { DistributionCheck, ProbeCheck, TrafficCheck } from '../types';
import {
  type At,
  buildIndex,
  child,
  type Index,
  isObject,
  type LbEntry,
  listClipped,
  lookup,
  type Obj,
  parseEndpoint,
  q,
  Report,
  register,
  typed,
} from './common';

/**
 * Lesson checks are judged twice: on the document as shipped (where they should fail) and with the
 * lesson's solution applied (where they must pass). So their references resolve against the
 * document with the solution applied when there is one, and a check may name what the solution
 * adds (a traffic, a rule, a member).
 */
export function checkLesson(report: Report, shipped: Index, doc: Obj): void {
  const lesson = child<unknown>(doc, 'lesson', LESSON, '');
  if (lesson === undefined || !isObject(lesson.v) || !Array.isArray(lesson.v.checks)) return;
  let ix = shipped;
  let where = '';
  if (isObject(lesson.v.solution)) {
    const solved = mergePatch(doc, lesson.v.solution);
    if (isObject(solved) && typed(SCENARIO, solved)) {
      // Problems of the solved document itself are not this document's: a scratch report.
      ix = buildIndex(solved, new Report());
      where = " once the lesson's solution is applied";
    }
  }
  const names = new Map<string, At<{ name: string }>>();
  lesson.v.checks.forEach((check, index) => {
    const path = joinPath(joinPath('lesson', 'checks'), index);
    const schema = lessonCheckSchema(check);
    if (!typed(schema, check)) return;
    register(report, names, { v: check as { name: string }, path }, 'lesson check', '');
    if (schema === TRAFFIC_CHECK) checkTrafficCheck(report, ix, check as TrafficCheck, path, where);
    else if (schema === PROBE_CHECK) checkProbeCheck(report, ix, check as ProbeCheck, path, where);
    else if (schema === DISTRIBUTION_CHECK) checkDistributionCheck(report, ix, check as DistributionCheck, path, where);
  });
}

/** The NIC names a pool lists (from the index alone: the solved document's index is not checked). */
export const poolMemberNames = (lb: LbEntry, pool: string): readonly string[] => poolMemberNics(lb.pools.get(pool)?.v);

export function checkTrafficCheck(report: Report, ix: Index, c: TrafficCheck, path: string, where: string): void {
  const t = lookup(report, ix, joinPath(path, 'traffic'), c.traffic, ix.traffic, where);
  if (t === undefined) return;
  const tcp = trafficProtocolOf(t.v) === 'Tcp';
  const fits = tcp ? ['established', 'reset', 'timeout'] : ['answered', 'unanswered'];
  if (!fits.includes(c.expect)) {
    report.error(
      joinPath(path, 'expect'),
      `traffic ${q(t.v.name)} is ${trafficProtocolOf(t.v)}, whose connections end ${fits.join(', ')}; got ${q(c.expect)}`,
    );
  }
  for (const field of ['closedBy', 'closedBefore'] as const) {
    if (c[field] !== undefined && c.expect !== 'established') {
      report.error(
        joinPath(path, field),
        `only an established connection is closed: ${field} needs "expect": "established" (got ${q(c.expect)})`,
      );
    }
  }
}

/** The load balancer a lesson check names in its `loadBalancer` field. */
export function resolveLoadBalancer(report: Report, ix: Index, path: string, name: string, where: string) {
  return lookup(report, ix, joinPath(path, 'loadBalancer'), name, ix.lbs, where);
}

export function checkProbeCheck(report: Report, ix: Index, c: ProbeCheck, path: string, where: string): void {
  const lb = resolveLoadBalancer(report, ix, path, c.loadBalancer, where);
  if (lb === undefined) return;
  const probe = lookup(report, ix, joinPath(path, 'probe'), c.probe, lb.probes, where);
  if (probe === undefined) return;
  const members = new Set<string>();
  for (const rule of lb.rules) {
    if (rule.v.probe !== c.probe) continue;
    for (const m of poolMemberNames(lb, rule.v.backendAddressPool)) members.add(m);
  }
  if (!members.has(c.member)) {
    report.error(
      joinPath(path, 'member'),
      `${q(c.member)} is not probed by ${q(c.probe)}${where}: a member is a network interface in a pool of a rule that uses the probe (${members.size > 0 ? `members: ${listClipped(members)}` : 'it probes none'})`,
    );
  }
}

export function checkDistributionCheck(
  report: Report,
  ix: Index,
  c: DistributionCheck,
  path: string,
  where: string,
): void {
  if (c.traffic !== undefined) {
    lookup(report, ix, joinPath(path, 'traffic'), c.traffic, ix.traffic, where);
  }
  if (c.tolerance !== undefined && c.expect !== 'even') {
    report.warn(
      joinPath(path, 'tolerance'),
      `tolerance only applies to "expect": "even" (got ${q(c.expect)}); it is ignored`,
    );
  }
  const lb = resolveLoadBalancer(report, ix, path, c.loadBalancer, where);
  if (lb === undefined) return;
  const rule = lookup(report, ix, joinPath(path, 'rule'), c.rule, new Map(lb.rules.map((r) => [r.v.name, r])), where);
  if (rule === undefined) return;
  // A traffic that does not go to the rule's frontend never lands through it: say so.
  const t = c.traffic === undefined ? undefined : ix.traffic.get(c.traffic);
  const fe = lb.frontends.get(rule.v.frontendIPConfiguration);
  const endpoint = t === undefined || typeof t.v.to !== 'string' ? null : parseEndpoint(t.v.to);
  // ICMP traffic names an address only: the load balancer places none of it.
  const to = typeof endpoint === 'string' ? { address: parseIpv4(t?.v.to ?? ''), port: null } : endpoint;
  if (t !== undefined && fe !== undefined && fe.address !== null && to !== null && to.address !== null) {
    const allPorts = rule.v.frontendPort === 0;
    if (to.address !== fe.address || to.port === null || (!allPorts && to.port !== rule.v.frontendPort)) {
      report.warn(
        joinPath(path, 'traffic'),
        `traffic ${q(t.v.name)} goes to ${t.v.to}, not to the frontend of rule ${q(c.rule)} (${formatIpv4(fe.address)}:${allPorts ? 'any port' : rule.v.frontendPort}): none of its connections is placed by that rule`,
      );
    }
  }
  const pool = poolMemberNames(lb, rule.v.backendAddressPool);
  const seen = new Set<string>();
  (c.members ?? []).forEach((member, i) => {
    const at = joinPath(joinPath(path, 'members'), i);
    if (seen.has(member)) report.error(at, `${q(member)} is listed twice`);
    seen.add(member);
    if (!pool.includes(member)) {
      report.error(
        at,
        `${q(member)} is not a member of the pool of rule ${q(c.rule)}${where} (${pool.length > 0 ? `members: ${listClipped(pool)}` : 'its pool is empty'})`,
      );
    }
  });
  const counted = c.members?.length ?? pool.length;
  if (c.expect === 'even' && counted < 2) {
    report.warn(
      joinPath(path, c.members === undefined ? 'expect' : 'members'),
      `an even distribution needs at least two members to compare; this check looks at ${counted}`,
    );
  }
}
