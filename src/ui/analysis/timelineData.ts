/**
 * The probe timeline's shapes, as pure functions: one row per probe and member with its up/down
 * segments (the result's `transitions`) and its attempts (the kept trace's probe verdicts), the
 * scenario's events as labelled rules, and the time scale between them.
 */
import { scaleLinear } from 'd3-scale';
import type { ScenarioEvent } from '../../scenario/types';
import type { ProbeAttempt } from '../../sim/service';
import type { ProbeResult } from '../../sim/simulate';
import { textWidth } from './chartData';

export interface Segment {
  readonly from: number;
  readonly to: number;
  readonly state: 'up' | 'down';
}

export interface TimelineRow {
  /** `lb/probe/member`. */
  readonly key: string;
  readonly loadBalancer: string;
  readonly probe: string;
  readonly member: string;
  readonly segments: readonly Segment[];
  readonly attempts: readonly ProbeAttempt[];
  /** The state changes after time 0, for the text beside the row. */
  readonly changes: readonly { readonly at: number; readonly state: 'up' | 'down' }[];
  readonly finalState: 'up' | 'down';
  readonly failures: number;
}

/** Rows in the result's probe order; `end` is where the last segment stops (the run's length). */
export function timelineRows(
  probes: readonly ProbeResult[],
  attempts: readonly ProbeAttempt[],
  end: number,
): TimelineRow[] {
  const byKey = new Map<string, ProbeAttempt[]>();
  for (const a of attempts) {
    const key = `${a.loadBalancer}/${a.probe}/${a.member}`;
    let list = byKey.get(key);
    if (list === undefined) {
      list = [];
      byKey.set(key, list);
    }
    list.push(a);
  }
  return probes.map((p) => {
    const key = `${p.loadBalancer}/${p.probe}/${p.member}`;
    const t = p.transitions;
    const segments: Segment[] = t.map((tr, i) => ({
      from: tr.at,
      to: Math.max(tr.at, i + 1 < t.length ? (t[i + 1]?.at ?? end) : end),
      state: tr.state,
    }));
    const mine = byKey.get(key) ?? [];
    return {
      key,
      loadBalancer: p.loadBalancer,
      probe: p.probe,
      member: p.member,
      segments,
      attempts: mine,
      changes: t.filter((tr, i) => i > 0 || tr.at > 0),
      finalState: p.state,
      failures: mine.filter((a) => !a.ok).length,
    };
  });
}

/** A scenario event as the timeline labels it: what happened to what. */
export function eventLabel(e: ScenarioEvent): string {
  switch (e.action) {
    case 'stopVm':
      return `stop ${e.vm}`;
    case 'startVm':
      return `start ${e.vm}`;
    case 'removePoolMember':
      return `remove ${e.networkInterface}`;
    case 'addPoolMember':
      return `add ${e.networkInterface}`;
    case 'setListener':
      return `set ${e.vm}/${e.listener}`;
    case 'removeListener':
      return `remove ${e.vm}/${e.listener}`;
    case 'setSecurityRule':
      return `set ${e.networkSecurityGroup}/${e.rule.name}`;
    case 'removeSecurityRule':
      return `remove ${e.networkSecurityGroup}/${e.rule}`;
    case 'setProbe':
      return `set probe ${e.probe.name}`;
    case 'setRule':
      return `set rule ${e.rule.name}`;
    case 'setFirewallRule':
      return `set ${e.vm} firewall ${e.rule.name}`;
    case 'removeFirewallRule':
      return `remove ${e.vm} firewall ${e.rule}`;
  }
}

export interface EventMark {
  readonly at: number;
  readonly label: string;
  readonly x: number;
  /** Labels that would overlap go on the next line (lane 0 is the top one). */
  readonly lane: number;
  /** Drawn to the left of the rule when it would run past the right edge. */
  readonly anchor: 'start' | 'end';
}

/** The events inside the run, placed on `x`, each label on the first lane where it fits. */
export function eventMarks(
  events: readonly ScenarioEvent[],
  x: (t: number) => number,
  end: number,
  right: number,
): EventMark[] {
  const lanes: number[] = [];
  return [...events]
    .filter((e) => e.at >= 0 && e.at <= end)
    .sort((a, b) => a.at - b.at)
    .map((e) => {
      const label = `${e.at} s ${eventLabel(e)}`;
      const px = x(e.at);
      const w = textWidth(label) + 8;
      const anchor = px + w > right ? 'end' : 'start';
      const from = anchor === 'start' ? px : px - w;
      let lane = lanes.findIndex((busyUntil) => busyUntil <= from);
      if (lane < 0) lane = lanes.length;
      lanes[lane] = from + w;
      return { at: e.at, label, x: px, lane, anchor };
    });
}

/** The time axis: 0 to the run's end over the plot's width, with about one tick per 80 px. */
export function timeAxis(end: number, left: number, right: number) {
  const x = scaleLinear()
    .domain([0, Math.max(end, 1e-6)])
    .range([left, right]);
  const ticks = x.ticks(Math.max(2, Math.floor((right - left) / 80))).map((value) => ({
    value,
    x: x(value),
    label: `${value} s`,
  }));
  return { x, ticks };
}

/** The time under a click at `px`, inside the run. */
export function timeAt(x: { invert(px: number): number }, px: number, end: number): number {
  return Math.min(end, Math.max(0, x.invert(px)));
}
