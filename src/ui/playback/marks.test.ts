import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DropMark } from '../../sim/service';
import type { ProbeResult } from '../../sim/simulate';
import {
  dropMarks,
  estimateMarkSize,
  MARK_MARGIN,
  type MarkPlacement,
  type MarkRequest,
  memberStates,
  placeMarks,
  type Rect,
} from './marks';

const drop = (index: number, element: string, code: string, connection: string, expected = false): DropMark => ({
  index,
  at: index,
  element,
  connection,
  code,
  detail: `${code} sentence`,
  packet: null,
  expected: expected ? { src: '10.2.1.100:80', dst: '10.2.1.4:5000' } : null,
});

describe('dropMarks', () => {
  const drops = [
    drop(3, 'vm:web01', 'TCP_SYNACK_MISMATCH', 'a#0', true),
    drop(7, 'vm:web01', 'TCP_SYNACK_MISMATCH', 'a#1', true),
    drop(9, 'nsg:web', 'NSG_DENY', 'b#0'),
  ];
  it('groups drops by element and code, up to the current event', () => {
    expect(dropMarks(drops, 5, null)).toEqual([
      {
        element: 'vm:web01',
        reasons: [
          { code: 'TCP_SYNACK_MISMATCH', detail: 'TCP_SYNACK_MISMATCH sentence', count: 1, mismatch: drops[0] },
        ],
      },
    ]);
    const all = dropMarks(drops, null, null);
    expect(all.map((m) => [m.element, m.reasons[0]?.count])).toEqual([
      ['vm:web01', 2],
      ['nsg:web', 1],
    ]);
    expect(all[0]?.reasons[0]?.mismatch).toBe(drops[1]);
  });
  it('keeps only the replayed connection', () => {
    expect(dropMarks(drops, null, 'b#0').map((m) => m.element)).toEqual(['nsg:web']);
  });
});

describe('memberStates', () => {
  const probe: ProbeResult = {
    loadBalancer: 'ilb',
    probe: 'p80',
    member: 'web01-nic1',
    state: 'down',
    healthStatus: { state: 'down', reasonCode: 'Down_Probe_TcpProbeTimeout' },
    transitions: [
      { at: 0, state: 'up' },
      { at: 30, state: 'down' },
    ],
    lastFailure: null,
  };
  it('gives the state at a time, with the portal’s code where the state is the final one', () => {
    expect(memberStates([probe], 10)).toEqual([
      { member: 'web01-nic1', probe: 'ilb/p80', state: 'up', reasonCode: 'Up_Probe_Success' },
    ]);
    expect(memberStates([probe], 30)[0]).toMatchObject({ state: 'down', reasonCode: 'Down_Probe_TcpProbeTimeout' });
  });
  it('an admin state holds for the whole run, whatever the probe did', () => {
    const admin: ProbeResult = { ...probe, state: 'up', healthStatus: { state: 'down', reasonCode: 'Down_Admin' } };
    expect(memberStates([admin], 10)[0]).toMatchObject({ state: 'down', reasonCode: 'Down_Admin' });
    expect(memberStates([admin], 40)[0]).toMatchObject({ state: 'down', reasonCode: 'Down_Admin' });
  });
  it("a turned-off VM (no health status) shows the probe's state and last failure", () => {
    const off: ProbeResult = {
      ...probe,
      healthStatus: null,
      lastFailure: { code: 'VM_STOPPED', at: 'vm:web01', rule: null, detail: 'stopped' },
    };
    expect(memberStates([off], 40)[0]).toMatchObject({ state: 'down', reasonCode: 'VM_STOPPED' });
  });
});

describe('placeMarks', () => {
  const view = { width: 850, height: 520 };
  const full = { width: 300, height: 120 };
  const compact = { width: 180, height: 26 };
  const request = (id: string, anchor: Rect, o: Partial<MarkRequest> = {}): MarkRequest => ({
    id,
    anchor,
    full,
    compact,
    collapsed: false,
    first: false,
    ...o,
  });
  const node = (x: number, y: number): Rect => ({ x, y, width: 80, height: 30 });
  const overlap = (a: Rect, b: Rect) =>
    a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  const expectApart = (placed: readonly MarkPlacement[], anchors: readonly Rect[] = []) => {
    for (const [i, a] of placed.entries()) {
      for (const b of placed.slice(i + 1)) expect(overlap(a, b), `${a.id} over ${b.id}`).toBe(false);
      for (const n of anchors) expect(overlap(a, n), `${a.id} over an element`).toBe(false);
    }
  };

  it("keeps a displaced mark's leader line off a group label when a spot nearly as close allows", () => {
    // A band just above the element pushes its mark 70 px up (its leader then passes between
    // the band and the element); one just below would push it 40 px down, plus the cost of
    // going below. Between the band above and the element lies a group label.
    const anchor: Rect = { x: 300, y: 300, width: 100, height: 40 };
    const bands: Rect[] = [
      { x: 0, y: 230, width: 850, height: 60 },
      { x: 0, y: 340, width: 850, height: 40 },
    ];
    const label: Rect = { x: 330, y: 292, width: 40, height: 6 };
    const tall = { width: 300, height: 100 };
    const r = request('vm:web01', anchor, { full: tall });
    const [without] = placeMarks([r], view, bands);
    expect(without).toMatchObject({ side: 'above', displaced: true });
    const [withLabel] = placeMarks([r], view, bands, [], [label]);
    expect(withLabel).toMatchObject({ side: 'below', displaced: true });
    expect(withLabel?.y).toBe(380 + 6);
  });

  it('puts a lone mark just above its element, aligned to its left edge', () => {
    const [p] = placeMarks([request('vm:web01', node(400, 300))], view);
    expect(p).toMatchObject({ x: 400, y: 300 - 6 - 120, side: 'above', compact: false, displaced: false });
  });

  it('goes below an element at the top of the view, and stays inside it at the right edge', () => {
    const [p] = placeMarks([request('vm:web01', node(700, 20))], view);
    expect(p).toMatchObject({ side: 'below', y: 56, compact: false });
    expect((p as MarkPlacement).x + 300).toBeLessThanOrEqual(view.width - MARK_MARGIN);
  });

  it('stacks the marks of two neighbouring elements instead of overlapping them', () => {
    // The NIC and the VM of the hairpin lab side by side, 110 px apart on screen.
    const nic = node(500, 300);
    const vm = node(610, 300);
    const placed = placeMarks([request('nic:web01-nic1', nic), request('vm:web01', vm)], view);
    expectApart(placed, [nic, vm]);
    expect(placed.map((p) => p.compact)).toEqual([false, false]);
    // One above its element, the other below its own (cheaper than stacking it higher).
    expect(placed.map((p) => p.side).sort()).toEqual(['above', 'below']);
  });

  it('stacks the second mark above the first when there is no room below', () => {
    const nic = node(500, 340);
    const vm = node(610, 340);
    const placed = placeMarks([request('nic', nic), request('vm', vm)], { width: 850, height: 400 });
    expectApart(placed, [nic, vm]);
    expect(placed.map((p) => [p.side, p.y, p.displaced])).toEqual([
      ['above', 214, false],
      ['above', 88, true],
    ]);
  });

  it('collapses marks to one line when full ones fit nowhere, and keeps them apart', () => {
    const anchors = [node(100, 240), node(200, 240), node(300, 240), node(400, 240)];
    const placed = placeMarks(
      anchors.map((a, i) => request(`vm:${i}`, a)),
      { width: 850, height: 330 },
    );
    expectApart(placed, anchors);
    expect(placed.some((p) => p.compact)).toBe(true);
    expect(placed.some((p) => !p.compact)).toBe(true);
  });

  it('places the current event’s element first, with its full mark where it belongs', () => {
    const a = node(400, 300);
    const b = node(460, 300);
    const [pa, pb] = placeMarks([request('a', a), request('b', b, { first: true })], view);
    expect(pb).toMatchObject({ x: 460, y: 300 - 6 - 120, side: 'above', displaced: false });
    expect(pa?.side).toBe('below');
  });

  it('goes elsewhere than over an unmarked element beside its own (a health probe)', () => {
    const vm = node(400, 300);
    const probe = node(420, 230);
    // Without the canvas's other elements, the mark would hide the probe.
    const [blind] = placeMarks([request('vm:web01', vm)], view);
    expect(overlap(blind as MarkPlacement, probe)).toBe(true);
    const [p] = placeMarks([request('vm:web01', vm)], view, [], [vm, probe]);
    expect(overlap(p as MarkPlacement, probe)).toBe(false);
    expect(overlap(p as MarkPlacement, vm)).toBe(false);
    expect(p).toMatchObject({ compact: false, crowded: false });
  });

  it('covers an unmarked element rather than another mark when no spot is clear of both', () => {
    // A strip of view around the VM, with unmarked elements filling everything above and below.
    const strip = { width: 850, height: 200 };
    const vm = node(400, 80);
    const others = [
      { x: 0, y: 0, width: 850, height: 75 },
      { x: 0, y: 115, width: 850, height: 85 },
    ];
    const [p] = placeMarks([request('vm:web01', vm)], strip, [], [vm, ...others]);
    expect(p).toMatchObject({ compact: true, crowded: false, side: 'above' });
    expect(overlap(p as MarkPlacement, vm)).toBe(false);
  });

  it('goes elsewhere than over a VNet or subnet label, counting the line that names a displaced mark', () => {
    // The load balancer under its subnet's label, under its VNet's label (all-probes-down lab).
    // Its frontend below it: going below would be displaced farther.
    const lb = node(320, 172);
    const frontend = node(320, 248);
    const subnetLabel = { x: 300, y: 142, width: 116, height: 16 };
    const vnetLabel = { x: 290, y: 116, width: 133, height: 16 };
    const r = request('lb:ilb', lb, { full: { width: 300, height: 80 }, atHeight: 21 });
    const [blind] = placeMarks([r], view, [], [lb, frontend]);
    expect(overlap(blind as MarkPlacement, subnetLabel)).toBe(true);
    const [p] = placeMarks([r], view, [], [lb, frontend], [subnetLabel, vnetLabel]);
    const mark = p as MarkPlacement;
    expect(overlap(mark, subnetLabel)).toBe(false);
    expect(overlap(mark, vnetLabel)).toBe(false);
    // Stacked past both labels, it names its element on a line of its own: 21 px taller.
    expect(mark).toMatchObject({ side: 'above', displaced: true, height: 101, y: 116 - 6 - 101 });
  });

  it('covers an unmarked element rather than a label when no spot is clear of both', () => {
    const strip = { width: 850, height: 200 };
    const vm = node(400, 80);
    const above = { x: 0, y: 0, width: 850, height: 75 };
    const below = { x: 0, y: 115, width: 850, height: 85 };
    // A label above, an element below (and the other way round): the mark goes over the element.
    const [p] = placeMarks([request('vm:web01', vm)], strip, [], [vm, below], [above]);
    expect(p).toMatchObject({ side: 'below', compact: true, crowded: false });
    const [q] = placeMarks([request('vm:web01', vm)], strip, [], [vm, above], [below]);
    expect(q).toMatchObject({ side: 'above', compact: true, crowded: false });
  });

  it('keeps a collapsed mark collapsed, and out of the playback bar', () => {
    const bar = { x: 120, y: 470, width: 600, height: 44 };
    const [p] = placeMarks([request('vm:web01', node(300, 420), { collapsed: true })], view, [bar]);
    expect(p?.compact).toBe(true);
    expect(overlap(p as MarkPlacement, bar)).toBe(false);
  });

  it('never overlaps two marks while there is room for them collapsed (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ x: fc.integer({ min: 0, max: 760 }), y: fc.integer({ min: 100, max: 420 }) }), {
          maxLength: 6,
        }),
        (points) => {
          // Elements that do not overlap each other, as on a laid-out canvas.
          const anchors: Rect[] = [];
          for (const p of points) {
            const n = node(p.x, p.y);
            if (!anchors.some((a) => overlap(a, { ...n, x: n.x - 10, width: n.width + 20 }))) anchors.push(n);
          }
          const placed = placeMarks(
            anchors.map((a, i) => request(`e${i}`, a)),
            { width: 850, height: 1200 },
          );
          const clean = placed.filter((p) => !p.crowded);
          expectApart(clean, anchors);
          for (const p of placed) {
            expect(p.x).toBeGreaterThanOrEqual(MARK_MARGIN);
            expect(p.x + p.width).toBeLessThanOrEqual(850 - MARK_MARGIN);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('guesses a taller size for a mismatch with its tuples than for a one-line reason', () => {
    const [mismatch] = dropMarks([drop(3, 'vm:web01', 'TCP_SYNACK_MISMATCH', 'a#0', true)], null, null);
    const short = { element: 'x', reasons: [{ code: 'NSG_DENY', detail: 'Denied.', count: 1, mismatch: null }] };
    expect(estimateMarkSize(mismatch as never, false).height).toBeGreaterThan(estimateMarkSize(short, false).height);
    expect(estimateMarkSize(short, true).height).toBeLessThan(40);
  });
});
