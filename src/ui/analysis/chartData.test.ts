import { describe, expect, it } from 'vitest';
import { spreadOf } from '../../shared/stats';
import type { ModeOutcome } from '../../sim/service';
import {
  distributionChart,
  formatP,
  formatPercent,
  formatRatio,
  SMALL_MULTIPLE,
  sharedMax,
  verdict,
} from './chartData';

const outcome = (mode: ModeOutcome['mode'], counts: Record<string, number>, down: string[] = []): ModeOutcome => {
  const members = Object.entries(counts).map(([member, count]) => ({ member, count, up: !down.includes(member) }));
  return {
    mode,
    members,
    total: members.reduce((s, m) => s + m.count, 0),
    spread: spreadOf(members.filter((m) => m.up).map((m) => m.count)),
    outcomes: {},
    reasons: {},
    simulatedSeconds: 1,
    remap: null,
  };
};

describe('sharedMax', () => {
  it('is the largest count or even share of every run, made nice, so the small multiples share one scale', () => {
    const even = outcome('Default', { a: 498, b: 502 });
    const lopsided = outcome('SourceIP', { a: 0, b: 1000 });
    expect(sharedMax([even, lopsided])).toBe(1000);
    expect(sharedMax([even])).toBe(600);
    expect(sharedMax([outcome('Default', { a: 0, b: 0 })])).toBe(1);
  });
});

describe('distributionChart', () => {
  const run = outcome('Default', { 'web01-nic1': 300, 'web02-nic1': 100, 'web03-nic1': 200 });
  const m = distributionChart(run, 400);
  const { plot } = m;

  it('draws one bar per member in pool order, its height proportional to its count from the axis', () => {
    expect(m.bars.map((b) => b.member)).toEqual(['web01-nic1', 'web02-nic1', 'web03-nic1']);
    const h = plot.bottom - plot.top;
    expect(m.bars.map((b) => b.height)).toEqual([h * 0.75, h * 0.25, h * 0.5].map((v) => expect.closeTo(v, 6)));
    for (const b of m.bars) expect(b.y + b.height).toBeCloseTo(plot.bottom, 6);
    // Left to right, inside the plot, not overlapping.
    for (let i = 1; i < m.bars.length; i++) {
      const prev = m.bars[i - 1];
      const bar = m.bars[i];
      if (prev === undefined || bar === undefined) throw new Error('bars');
      expect(bar.x).toBeGreaterThanOrEqual(prev.x + prev.width);
    }
    expect(m.bars[0]?.x).toBeGreaterThanOrEqual(plot.left);
    const last = m.bars.at(-1);
    expect((last?.x ?? 0) + (last?.width ?? 0)).toBeLessThanOrEqual(plot.right);
    expect(m.bars.map((b) => b.share)).toEqual([0.5, 1 / 6, 1 / 3]);
  });

  it('marks the even share (total over members up) on the same scale', () => {
    expect(m.even).toBe(200);
    expect(m.evenY).toBeCloseTo(plot.bottom - (plot.bottom - plot.top) * 0.5, 6);
    const oneDown = distributionChart(outcome('Default', { a: 600, b: 0 }, ['b']), 600);
    expect(oneDown.even).toBe(600);
    expect(oneDown.evenY).toBeCloseTo(oneDown.plot.top, 6);
  });

  it('labels the y axis with nice ticks from 0 to the top, in SI form', () => {
    expect(m.ticks.map((t) => t.value)).toEqual([0, 100, 200, 300, 400]);
    expect(m.ticks[0]?.y).toBe(plot.bottom);
    expect(m.ticks.at(-1)?.y).toBe(plot.top);
    const big = distributionChart(outcome('Default', { a: 500_000, b: 500_000 }), 600_000);
    expect(big.ticks.map((t) => t.label)).toEqual(['0', '200k', '400k', '600k']);
  });

  it('slants member names that do not fit under their bar, and drops counts that do not fit over it', () => {
    expect(m.slantLabels).toBe(false);
    expect(m.dataLabels).toBe(true);
    const many = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`member-${i}-nic1`, 125_000]));
    const crowded = distributionChart(outcome('Default', many), 200_000, SMALL_MULTIPLE);
    expect(crowded.slantLabels).toBe(true);
    expect(crowded.memberLabels).toBe(true);
    expect(crowded.dataLabels).toBe(false);
    const pool = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`vm${i}-nic1`, 100]));
    expect(distributionChart(outcome('Default', pool), 200, SMALL_MULTIPLE).memberLabels).toBe(false);
    expect(m.memberLabels).toBe(true);
  });
});

describe('formatting', () => {
  it('prints ratios, p-values and shares as the panel shows them', () => {
    expect(formatRatio(1.0432)).toBe('1.04×');
    expect(formatRatio(Number.POSITIVE_INFINITY)).toBe('∞');
    expect(formatRatio(250)).toBe('250×');
    expect(formatP(0.4321)).toBe('0.432');
    expect(formatP(0.5)).toBe('0.5');
    expect(formatP(1)).toBe('1');
    expect(formatP(0.00001)).toBe('< 0.0001');
    expect(formatPercent(1 / 3)).toBe('33.3 %');
  });

  it('says in words what the p-value means', () => {
    expect(verdict(outcome('SourceIP', { a: 0, b: 1000 }))).toMatch(/uneven than chance/);
    expect(verdict(outcome('Default', { a: 500, b: 500 }))).toMatch(/as even as a fair hash/i);
    expect(verdict(outcome('Default', { a: 500 }))).toMatch(/One member/);
  });
});
