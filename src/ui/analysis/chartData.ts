/**
 * The shapes the analysis charts draw, as pure functions (d3 for scales and ticks, React draws the
 * SVG): connections per member with the even share, and the numbers printed beside them.
 */
import { format } from 'd3-format';
import { scaleBand, scaleLinear } from 'd3-scale';
import type { ModeOutcome } from '../../sim/service';

export interface ChartSize {
  readonly width: number;
  readonly height: number;
  readonly margin: { readonly top: number; readonly right: number; readonly bottom: number; readonly left: number };
}

export const SMALL_MULTIPLE: ChartSize = {
  width: 250,
  height: 176,
  margin: { top: 18, right: 8, bottom: 30, left: 36 },
};

/** Three small multiples side by side in `available` pixels (`gap` between), none under 170. */
export function smallMultipleSize(available: number, gap: number, count = 3): ChartSize {
  if (available <= 0) return SMALL_MULTIPLE;
  const width = Math.max(170, Math.min(320, Math.floor((available - gap * (count - 1)) / count)));
  return { ...SMALL_MULTIPLE, width };
}

export interface Bar {
  readonly member: string;
  readonly count: number;
  readonly up: boolean;
  /** count / total of the run (0 when nothing was counted). */
  readonly share: number;
  readonly x: number;
  readonly width: number;
  readonly y: number;
  readonly height: number;
  /** Where the member's label is centred. */
  readonly labelX: number;
}

export interface Tick {
  readonly value: number;
  readonly y: number;
  readonly label: string;
}

export interface DistributionChartModel {
  readonly size: ChartSize;
  readonly bars: readonly Bar[];
  /** The even share (total / members probed up) and where its line is drawn. */
  readonly even: number;
  readonly evenY: number;
  readonly ticks: readonly Tick[];
  /** The plot's box inside the margins. */
  readonly plot: { readonly left: number; readonly right: number; readonly top: number; readonly bottom: number };
  /** Members' names are drawn slanted when they do not fit under their bar… */
  readonly slantLabels: boolean;
  /** …and not at all when even slanted they would overlap (the table has them). */
  readonly memberLabels: boolean;
  /** Counts are printed over the bars when they fit (the table below always has them). */
  readonly dataLabels: boolean;
}

/** Roughly how wide a label is at the charts' 10.5px type (for layout decisions, not drawing). */
export const textWidth = (text: string, px = 10.5): number => text.length * px * 0.58;

/**
 * The top of the shared y scale of the small multiples: the largest count or even share over
 * every run, made nice, so that the same height means the same number in each chart.
 */
export function sharedMax(runs: readonly ModeOutcome[]): number {
  let max = 0;
  for (const r of runs) {
    max = Math.max(max, r.spread.expected);
    for (const m of r.members) max = Math.max(max, m.count);
  }
  return scaleLinear()
    .domain([0, Math.max(1, max)])
    .nice(4)
    .domain()[1] as number;
}

const tickFormat = format('~s');

/** One small multiple: bars per member in pool order on a y scale from 0 to `yMax`. */
export function distributionChart(run: ModeOutcome, yMax: number, size: ChartSize = SMALL_MULTIPLE) {
  const { width, height, margin } = size;
  const plot = { left: margin.left, right: width - margin.right, top: margin.top, bottom: height - margin.bottom };
  const x = scaleBand<string>()
    .domain(run.members.map((m) => m.member))
    .range([plot.left, plot.right])
    .paddingInner(0.25)
    .paddingOuter(0.15);
  const y = scaleLinear().domain([0, yMax]).range([plot.bottom, plot.top]);
  const bars: Bar[] = run.members.map((m) => {
    const bx = x(m.member) ?? plot.left;
    const top = y(m.count);
    return {
      member: m.member,
      count: m.count,
      up: m.up,
      share: run.total === 0 ? 0 : m.count / run.total,
      x: bx,
      width: x.bandwidth(),
      y: top,
      height: plot.bottom - top,
      labelX: bx + x.bandwidth() / 2,
    };
  });
  const ticks: Tick[] = y.ticks(4).map((value) => ({ value, y: y(value), label: tickFormat(value) }));
  const step = x.step();
  const model: DistributionChartModel = {
    size,
    bars,
    even: run.spread.expected,
    evenY: y(run.spread.expected),
    ticks,
    plot,
    slantLabels: run.members.some((m) => textWidth(m.member) > step - 2),
    // A slanted label needs about its type size of step to clear its neighbour.
    memberLabels: step >= 12,
    dataLabels: run.members.every((m) => textWidth(m.count.toLocaleString('en')) <= step),
  };
  return model;
}

/** Counts as people read them: 1,000,000. */
export const formatCount = (n: number): string => n.toLocaleString('en');

/** A share as a percentage with one decimal (`33.3 %`). */
export const formatPercent = (share: number): string => `${(share * 100).toFixed(1)} %`;

/** max / min: `1.04×`, `∞` when a member probed up got nothing. */
export const formatRatio = (ratio: number): string =>
  Number.isFinite(ratio) ? `${ratio.toFixed(ratio >= 100 ? 0 : 2)}×` : '∞';

/** A p-value: three significant digits, and `< 0.0001` below that. */
export const formatP = (p: number): string => (p < 0.0001 ? '< 0.0001' : p.toPrecision(3).replace(/\.?0+$/, ''));

/** What the p-value means for a uniform hash (shown under the numbers). */
export function verdict(run: ModeOutcome): string {
  if (run.spread.members <= 1) return 'One member can take new flows: nothing to spread.';
  if (run.total === 0) return 'No connection reached the rule.';
  if (run.spread.pValue < 0.01) return 'More uneven than chance: the tuple repeats.';
  return 'As even as a fair hash gives.';
}
