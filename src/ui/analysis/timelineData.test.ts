import { describe, expect, it } from 'vitest';
import type { ProbeAttempt } from '../../sim/service';
import type { ProbeResult } from '../../sim/simulate';
import { eventLabel, eventMarks, timeAt, timeAxis, timelineRows } from './timelineData';

const probe = (member: string, transitions: ProbeResult['transitions']): ProbeResult => ({
  loadBalancer: 'ilb',
  probe: 'p80',
  member,
  state: transitions.at(-1)?.state ?? 'up',
  healthStatus: { state: transitions.at(-1)?.state ?? 'up', reasonCode: 'Up_Probe_Success' },
  transitions,
  lastFailure: null,
});
const attempt = (member: string, at: number, ok: boolean, index: number): ProbeAttempt => ({
  index,
  at,
  loadBalancer: 'ilb',
  probe: 'p80',
  member,
  ok,
  code: ok ? null : 'VM_STOPPED',
});

describe('timelineRows', () => {
  const rows = timelineRows(
    [
      probe('web01-nic1', [{ at: 0, state: 'up' }]),
      probe('web02-nic1', [
        { at: 0, state: 'up' },
        { at: 20, state: 'down' },
        { at: 40.0002, state: 'up' },
      ]),
    ],
    [
      attempt('web01-nic1', 0.0002, true, 1),
      attempt('web02-nic1', 0.0002, true, 2),
      attempt('web02-nic1', 20, false, 9),
      attempt('web02-nic1', 25, false, 12),
      attempt('web02-nic1', 40.0002, true, 20),
    ],
    60,
  );

  it('cuts each member into up and down segments that cover the run', () => {
    expect(rows[0]?.segments).toEqual([{ from: 0, to: 60, state: 'up' }]);
    expect(rows[1]?.segments).toEqual([
      { from: 0, to: 20, state: 'up' },
      { from: 20, to: 40.0002, state: 'down' },
      { from: 40.0002, to: 60, state: 'up' },
    ]);
  });

  it('gives each row its own attempts, the changes after time 0, and the failures counted', () => {
    expect(rows[0]?.attempts.map((a) => a.index)).toEqual([1]);
    expect(rows[1]?.attempts.map((a) => a.index)).toEqual([2, 9, 12, 20]);
    expect(rows[0]?.changes).toEqual([]);
    expect(rows[1]?.changes).toEqual([
      { at: 20, state: 'down' },
      { at: 40.0002, state: 'up' },
    ]);
    expect(rows.map((r) => r.failures)).toEqual([0, 2]);
    // A member down from the start shows that as its first change.
    const down = timelineRows([probe('x', [{ at: 3, state: 'down' }])], [], 10);
    expect(down[0]?.changes).toEqual([{ at: 3, state: 'down' }]);
  });
});

describe('eventMarks', () => {
  const { x } = timeAxis(100, 0, 500);
  it('labels each event in the run at its time, and puts labels that would collide on the next lane', () => {
    const marks = eventMarks(
      [
        { at: 30, action: 'stopVm', vm: 'web02' },
        { at: 31, action: 'startVm', vm: 'web02' },
        { at: 80, action: 'removePoolMember', loadBalancer: 'ilb', pool: 'pool', networkInterface: 'web02-nic1' },
        { at: 500, action: 'startVm', vm: 'late' },
      ],
      x,
      100,
      500,
    );
    expect(marks.map((m) => [m.label, m.x, m.lane])).toEqual([
      ['30 s stop web02', 150, 0],
      ['31 s start web02', 155, 1],
      ['80 s remove web02-nic1', 400, 0],
    ]);
    // Near the right edge the label is drawn to the left of its rule.
    expect(marks.map((m) => m.anchor)).toEqual(['start', 'start', 'end']);
  });

  it('names every action', () => {
    expect(eventLabel({ at: 1, action: 'removeListener', vm: 'web01', listener: 'iis' })).toBe('remove web01/iis');
    expect(eventLabel({ at: 1, action: 'removeSecurityRule', networkSecurityGroup: 'nsg', rule: 'deny' })).toBe(
      'remove nsg/deny',
    );
  });
});

describe('timeAxis and timeAt', () => {
  it('maps the run onto the plot, with about one tick per 80 px, and a click back to a time inside the run', () => {
    const { x, ticks } = timeAxis(60, 100, 740);
    expect(x(0)).toBe(100);
    expect(x(60)).toBe(740);
    expect(ticks.map((t) => t.label)).toEqual(['0 s', '10 s', '20 s', '30 s', '40 s', '50 s', '60 s']);
    expect(timeAt(x, 420, 60)).toBeCloseTo(30, 9);
    expect(timeAt(x, 0, 60)).toBe(0);
    expect(timeAt(x, 2000, 60)).toBe(60);
  });
});
