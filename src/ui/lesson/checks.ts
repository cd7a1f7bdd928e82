/**
 * How a lesson check reads in the panel. Whether it passed is the engine's verdict
 * (sim/simulate.ts `judgeLesson`, `result.lesson.checks`); this only says, in a line, what it asks
 * and what the run saw, so that a failed check points somewhere.
 */
import type { LessonCheck } from '../../scenario';
import type { SimulationResult } from '../../sim/simulate';

type Check = LessonCheck & { readonly [key: string]: unknown };

/** What the check asks, in words. Kinds this page does not know yet are named by their fields. */
export function describeCheck(check: LessonCheck): string {
  const c = check as Check;
  if (typeof c.traffic === 'string' && typeof c.rule !== 'string') {
    let text = `${c.all === true ? 'every connection' : 'at least one connection'} of ${c.traffic} is ${String(c.expect)}`;
    if (typeof c.reason === 'string') text += ` with ${c.reason}`;
    if (typeof c.closedBy === 'string') text += `, closed by ${c.closedBy}`;
    if (typeof c.closedBefore === 'number') text += ` before ${c.closedBefore} s`;
    return text;
  }
  if (typeof c.probe === 'string' && typeof c.member === 'string') {
    return `${c.member} is probed ${String(c.expect)} by ${String(c.loadBalancer)}/${c.probe}`;
  }
  if (typeof c.rule === 'string' && typeof c.loadBalancer === 'string') {
    const members = Array.isArray(c.members) ? c.members.join(', ') : 'every member of the pool';
    const what =
      c.expect === 'allMembers'
        ? `${members}: each gets connections`
        : c.expect === 'even'
          ? `${members}: an even share each${typeof c.tolerance === 'number' ? ` (±${Math.round(c.tolerance * 100)} %)` : ''}`
          : c.expect === 'none'
            ? `${members}: none gets a connection`
            : `${members}: ${String(c.expect)}`;
    return `${c.loadBalancer}/${c.rule}${typeof c.traffic === 'string' ? ` (${c.traffic})` : ''} — ${what}`;
  }
  const { name: _, ...rest } = c;
  return Object.entries(rest)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * What the run saw for this check, in a line, when the engine's verdict carries no `detail`;
 * null when there is nothing more to say.
 */
export function observedFor(check: LessonCheck, result: SimulationResult): string | null {
  const c = check as Check;
  if (typeof c.traffic === 'string') {
    const rows = result.connections.filter((r) => r.traffic === c.traffic);
    if (rows.length === 0) return `no connection of ${c.traffic} ran`;
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
    const tally = [...counts].map(([outcome, n]) => `${n} ${outcome}`).join(', ');
    const failed = rows.find((r) => r.outcome !== c.expect && (r.reason ?? r.closed?.reason) != null);
    const reason = failed === undefined ? null : (failed.reason ?? failed.closed?.reason ?? null);
    return `${plural(rows.length, 'connection')}: ${tally}${reason === null ? '' : ` — ${reason.code} at ${reason.at}`}`;
  }
  if (typeof c.probe === 'string' && typeof c.member === 'string') {
    const row = result.probes.find(
      (p) => p.loadBalancer === c.loadBalancer && p.probe === c.probe && p.member === c.member,
    );
    if (row === undefined) return `no probe ${String(c.loadBalancer)}/${c.probe} of ${c.member} ran`;
    return row.healthStatus === null
      ? `no health status (the VM is turned off); probed ${row.state}`
      : `health status ${row.healthStatus.state} (${row.healthStatus.reasonCode})`;
  }
  return null;
}
