import type { ModeOutcome } from '../../sim/service';
import { type ChartSize, distributionChart, formatCount, formatPercent, SMALL_MULTIPLE } from './chartData';

/**
 * One small multiple: connections per pool member (bars, with their counts), the even share (a
 * dashed rule, named in the legend under the charts: a label on it would collide with the bars'
 * counts, which sit at the same height when the spread is even), on a y scale shared with its neighbours (`yMax`). A member probed down is drawn
 * hatched: it takes no new flow and is left out of the even share.
 */
export function DistributionChart({
  run,
  yMax,
  size = SMALL_MULTIPLE,
}: {
  run: ModeOutcome;
  yMax: number;
  size?: ChartSize;
}) {
  const m = distributionChart(run, yMax, size);
  const { width, height } = m.size;
  const summary = `${run.mode}: ${run.members.map((b) => `${b.member} ${formatCount(b.count)}`).join(', ')}; even share ${formatCount(Math.round(m.even))}`;
  return (
    <svg
      className="dist-chart"
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      role="img"
      aria-label={summary}
    >
      <defs>
        <pattern id="dist-down" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="5" height="5" className="dist-down-bg" />
          <line x1="0" y1="0" x2="0" y2="5" className="dist-down-line" />
        </pattern>
      </defs>
      {m.ticks.map((t) => (
        <g key={t.value} className="dist-tick">
          <line x1={m.plot.left} x2={m.plot.right} y1={t.y} y2={t.y} />
          <text x={m.plot.left - 5} y={t.y} dy="0.32em" textAnchor="end">
            {t.label}
          </text>
        </g>
      ))}
      {m.bars.map((b) => (
        <g key={b.member} className={`dist-bar${b.up ? '' : ' is-down'}`} data-member={b.member} data-count={b.count}>
          <title>{`${b.member}: ${formatCount(b.count)} connections (${formatPercent(b.share)})${b.up ? '' : ' — probed down'}`}</title>
          <rect x={b.x} y={b.y} width={b.width} height={Math.max(b.count > 0 ? 1 : 0, b.height)} />
          {m.dataLabels && (
            <text className="dist-value" x={b.labelX} y={b.y - 4} textAnchor="middle">
              {formatCount(b.count)}
            </text>
          )}
          {m.memberLabels && (
            <text
              className="dist-member"
              x={b.labelX}
              y={m.plot.bottom + 12}
              textAnchor={m.slantLabels ? 'end' : 'middle'}
              transform={m.slantLabels ? `rotate(-25 ${b.labelX} ${m.plot.bottom + 12})` : undefined}
            >
              {b.member}
            </text>
          )}
        </g>
      ))}
      <line className="dist-axis" x1={m.plot.left} x2={m.plot.right} y1={m.plot.bottom} y2={m.plot.bottom} />
      {run.total > 0 && (
        <g className="dist-even" data-even={m.even}>
          <title>{`Even share: ${formatCount(Math.round(m.even))}`}</title>
          <line x1={m.plot.left} x2={m.plot.right} y1={m.evenY} y2={m.evenY} />
        </g>
      )}
    </svg>
  );
}
