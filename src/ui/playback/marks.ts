/**
 * What the canvas marks at a point of playback: the drops so far (grouped by element and reason
 * code), and each probed member's state at that time. Pure, so it is tested in Node.
 */

import type { DropMark } from '../../sim/service';
import type { ProbeResult } from '../../sim/simulate';

export interface ElementMark {
  readonly element: string;
  readonly reasons: readonly {
    readonly code: string;
    readonly detail: string;
    readonly count: number;
    readonly mismatch: DropMark | null;
  }[];
}

/**
 * Drops up to event `upto` (every one when null), of connection `connection` only when given,
 * grouped by element, each reason code once with how often it happened and the first sentence.
 */
export function dropMarks(drops: readonly DropMark[], upto: number | null, connection: string | null): ElementMark[] {
  const byElement = new Map<
    string,
    Map<string, { code: string; detail: string; count: number; mismatch: DropMark | null }>
  >();
  for (const d of drops) {
    if (upto !== null && d.index > upto) break;
    if (connection !== null && d.connection !== connection) continue;
    const codes = byElement.get(d.element) ?? new Map();
    byElement.set(d.element, codes);
    const entry = codes.get(d.code);
    if (entry === undefined)
      codes.set(d.code, { code: d.code, detail: d.detail, count: 1, mismatch: d.expected === null ? null : d });
    else {
      entry.count++;
      // The latest mismatch: the one the playback just reached.
      if (d.expected !== null) entry.mismatch = d;
    }
  }
  return [...byElement].map(([element, codes]) => ({ element, reasons: [...codes.values()] }));
}

export interface MemberState {
  readonly member: string;
  readonly probe: string;
  readonly state: 'up' | 'down';
  /** Azure's code where the state is the final one (what the portal shows), else the raw verdict. */
  readonly reasonCode: string;
}

/** Each probed member's state at `time` (the transitions so far), with Azure's reason code. */
export function memberStates(probes: readonly ProbeResult[], time: number): MemberState[] {
  return probes.map((p) => {
    let state: 'up' | 'down' = p.transitions[0]?.state ?? p.state;
    for (const t of p.transitions) if (t.at <= time) state = t.state;
    const reasonCode =
      state === p.healthStatus.state
        ? p.healthStatus.reasonCode
        : state === 'up'
          ? 'Up_Probe_Success'
          : (p.lastFailure?.code ?? 'Down');
    return { member: p.member, probe: `${p.loadBalancer}/${p.probe}`, state, reasonCode };
  });
}
