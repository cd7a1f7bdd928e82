import { useEffect, useMemo } from 'react';
import { experimentRules, MAX_EXPERIMENT_CONNECTIONS } from '../../scenario/experiment';
import type { ExperimentResult, ModeOutcome } from '../../sim/service';
import { useAppStore } from '../store';
import { formatCount, formatP, formatPercent, formatRatio, sharedMax, smallMultipleSize, verdict } from './chartData';
import { DistributionChart } from './DistributionChart';
import { useExperimentStore } from './experimentStore';
import { ProgressBar } from './ProgressBar';
import { useWidth } from './useWidth';

/** What each mode hashes (“What is Azure Load Balancer?” "Load balancing"). */
const TUPLE: Record<ModeOutcome['mode'], { short: string; long: string }> = {
  Default: { short: '5-tuple', long: 'source IP and port, destination IP and port, protocol' },
  SourceIPProtocol: { short: '3-tuple', long: 'source IP, destination IP, protocol' },
  SourceIP: { short: '2-tuple', long: 'source IP, destination IP' },
};
const GAP = 14;

/**
 * The distribution experiment (issue 8): choose a rule, who connects and how many times, and see
 * how Default, SourceIPProtocol and SourceIP spread those connections over the pool, and what a
 * member added or removed does to existing and new flows.
 */
export function ExperimentPanel() {
  const scenario = useAppStore((s) => s.scenario);
  const errors = useAppStore((s) => s.diagnostics.errors.length);
  const form = useExperimentStore((s) => s.form);
  const status = useExperimentStore((s) => s.status);
  const progress = useExperimentStore((s) => s.progress);
  const startedAt = useExperimentStore((s) => s.startedAt);
  const message = useExperimentStore((s) => s.message);
  const result = useExperimentStore((s) => s.result);
  const finishedAt = useExperimentStore((s) => s.finishedAt);
  const rules = useMemo(() => experimentRules(scenario), [scenario]);
  const running = status === 'running';
  const store = useExperimentStore.getState;

  useEffect(() => useExperimentStore.getState().adopt(scenario), [scenario]);

  const rule = rules.find((r) => r.key === form.rule);
  const disabledWhy =
    rules.length === 0
      ? 'The scenario has no load-balancing rule with a frontend address.'
      : errors > 0
        ? 'Fix the errors in Problems first.'
        : undefined;

  return (
    <div className="analysis">
      <form
        className="analysis-form"
        aria-label="Distribution experiment"
        onSubmit={(e) => {
          e.preventDefault();
          if (!running && disabledWhy === undefined) void store().run(useAppStore.getState().scenario);
        }}
      >
        <label className="analysis-field">
          <span>Rule</span>
          <select
            value={form.rule}
            disabled={running || rules.length === 0}
            onChange={(e) => {
              const next = rules.find((r) => r.key === e.target.value);
              if (next !== undefined) store().setForm({ rule: next.key });
            }}
          >
            {rules.length === 0 && <option value="">No load-balancing rule</option>}
            {rules.map((r) => (
              <option key={r.key} value={r.key}>
                {r.key} · {r.frontendAddress}:{r.port}
              </option>
            ))}
          </select>
          {rule !== undefined && (
            <span className="analysis-hint">
              {rule.sku} · {rule.protocol === 'Tcp' ? 'TCP' : 'UDP'} · {rule.pool}: {rule.members.length} member
              {rule.members.length === 1 ? '' : 's'} · now {rule.loadDistribution}
            </span>
          )}
        </label>
        <fieldset className="analysis-population" disabled={running}>
          <legend>Clients</legend>
          {(
            [
              ['single', 'One address'],
              ['prefix', 'Many addresses'],
              ['proxy', 'Behind a proxy'],
            ] as const
          ).map(([kind, label]) => (
            <label key={kind} className="analysis-radio">
              <input
                type="radio"
                name="population"
                value={kind}
                checked={form.kind === kind}
                onChange={() => store().setForm({ kind })}
              />
              {label}
            </label>
          ))}
          {form.kind === 'single' && (
            <label className="analysis-field">
              <span>Client address</span>
              <input value={form.address} onChange={(e) => store().setForm({ address: e.target.value })} />
            </label>
          )}
          {form.kind === 'prefix' && (
            <div className="analysis-pair">
              <label className="analysis-field">
                <span>Prefix</span>
                <input value={form.prefix} onChange={(e) => store().setForm({ prefix: e.target.value })} />
              </label>
              <label className="analysis-field analysis-narrow">
                <span>Addresses</span>
                <input
                  inputMode="numeric"
                  value={form.count}
                  onChange={(e) => store().setForm({ count: e.target.value })}
                />
              </label>
            </div>
          )}
          {form.kind === 'proxy' && (
            <label className="analysis-field">
              <span>Proxy address (one SNAT address, many source ports)</span>
              <input value={form.proxyAddress} onChange={(e) => store().setForm({ proxyAddress: e.target.value })} />
            </label>
          )}
        </fieldset>
        <label className="analysis-field">
          <span>Connections (up to {formatCount(MAX_EXPERIMENT_CONNECTIONS)})</span>
          <input
            inputMode="numeric"
            value={form.connections}
            disabled={running}
            onChange={(e) => store().setForm({ connections: e.target.value })}
          />
        </label>
        <div className="analysis-actions">
          {running ? (
            // Keyed apart from the submit button: were React to reuse one element, the click that
            // cancels would end on a submit button and start the experiment again.
            <button key="cancel" type="button" className="button button-danger" onClick={() => store().cancel()}>
              ■ Cancel
            </button>
          ) : (
            <button
              key="run"
              type="submit"
              className="button button-primary"
              disabled={disabledWhy !== undefined}
              title={disabledWhy ?? 'Three bulk runs in the background: Default, SourceIPProtocol, SourceIP'}
            >
              Run experiment
            </button>
          )}
        </div>
        {running && progress !== null && <ProgressBar progress={progress} startedAt={startedAt} />}
        {!running && (message !== null || disabledWhy !== undefined) && (
          <p
            className={`analysis-message${status === 'invalid' || status === 'error' ? ' is-error' : ''}`}
            role="status"
          >
            {message ?? disabledWhy}
          </p>
        )}
      </form>
      <section className="analysis-results" aria-label="Experiment results">
        {result === null ? (
          <p className="muted analysis-empty">
            Run an experiment to see how each hash mode spreads the connections over the pool, and how many flows change
            member when one is added or removed. It runs in bulk mode in a worker of its own.
          </p>
        ) : (
          <ExperimentResults result={result} seconds={(finishedAt - startedAt) / 1000} />
        )}
      </section>
    </div>
  );
}

function populationText(result: ExperimentResult): string {
  const p = result.spec.population;
  switch (p.kind) {
    case 'single':
      return `from ${p.address}`;
    case 'proxy':
      return `from behind the proxy ${p.address}`;
    case 'prefix':
      return `from ${formatCount(p.count)} addresses of ${p.prefix}`;
  }
}

function ExperimentResults({ result, seconds }: { result: ExperimentResult; seconds: number }) {
  const yMax = sharedMax(result.runs);
  const [ref, width] = useWidth<HTMLDivElement>();
  const size = smallMultipleSize(width, GAP);
  const members = result.rule.members;
  return (
    <>
      <p className="analysis-caption" role="status">
        <strong>{result.rule.key}</strong> · {formatCount(result.spec.connections)} connections {populationText(result)}{' '}
        · seed {result.seed} · 3 bulk runs in {seconds.toFixed(1)} s
      </p>
      <div className="small-multiples" ref={ref} style={{ gap: `10px ${GAP}px` }}>
        {result.runs.map((run) => (
          <figure
            key={run.mode}
            className="small-multiple"
            aria-label={`${run.mode} distribution`}
            style={{ width: size.width }}
          >
            <figcaption title={`${run.mode} hashes the ${TUPLE[run.mode].short}: ${TUPLE[run.mode].long}`}>
              <strong>{run.mode}</strong> <span className="muted">{TUPLE[run.mode].short}</span>
            </figcaption>
            <DistributionChart run={run} yMax={yMax} size={size} />
            <dl className="spread" aria-label={`Spread, ${run.mode}`}>
              <div>
                <dt>max/min</dt>
                <dd data-stat="ratio" data-value={run.spread.maxMinRatio}>
                  {formatRatio(run.spread.maxMinRatio)}
                </dd>
              </div>
              <div>
                <dt>CV</dt>
                <dd data-stat="cv" data-value={run.spread.coefficientOfVariation}>
                  {run.spread.coefficientOfVariation.toFixed(3)}
                </dd>
              </div>
              <div>
                <dt title="chi-square test against an even spread">χ² p</dt>
                <dd data-stat="p" data-value={run.spread.pValue}>
                  {formatP(run.spread.pValue)}
                </dd>
              </div>
            </dl>
            <p className="spread-verdict">{verdict(run)}</p>
          </figure>
        ))}
      </div>
      <p className="analysis-legend muted">
        <span className="legend-even" aria-hidden="true" /> even share: connections ÷ members probed up
        {result.runs.some((r) => r.members.some((m) => !m.up)) && (
          <>
            {' '}
            · <span className="legend-down" aria-hidden="true" /> probed down: takes no new flow
          </>
        )}
      </p>
      <table className="analysis-table" aria-label="Connections per member">
        <thead>
          <tr>
            <th scope="col">Member</th>
            {result.runs.map((r) => (
              <th key={r.mode} scope="col">
                {r.mode}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {members.map((member) => (
            <tr key={member}>
              <th scope="row">{member}</th>
              {result.runs.map((r) => {
                const m = r.members.find((x) => x.member === member);
                return (
                  <td key={r.mode} data-count={m?.count ?? 0}>
                    {formatCount(m?.count ?? 0)}{' '}
                    <span className="muted">{formatPercent(r.total === 0 ? 0 : (m?.count ?? 0) / r.total)}</span>
                    {m !== undefined && !m.up && <span className="badge badge-warning">down</span>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" title="Connections whose member the hash chose">
              New flows
            </th>
            {result.runs.map((r) => (
              <td key={r.mode} data-count={r.total}>
                {formatCount(r.total)}
              </td>
            ))}
          </tr>
          {result.runs.some((r) => r.total !== result.spec.connections) && (
            <tr>
              <th
                scope="row"
                title="A connection that reused a 5-tuple whose flow the load balancer still held follows that flow (engine-model.md step 7); one that failed before the frontend never reaches the hash"
              >
                Not hashed
              </th>
              {result.runs.map((r) => (
                <td key={r.mode} data-count={result.spec.connections - r.total}>
                  {formatCount(result.spec.connections - r.total)}
                </td>
              ))}
            </tr>
          )}
          <tr>
            <th scope="row">Even share</th>
            {result.runs.map((r) => (
              <td key={r.mode}>{formatCount(Math.round(r.spread.expected))}</td>
            ))}
          </tr>
        </tfoot>
      </table>
      <MemberChanges result={result} />
    </>
  );
}

/**
 * New flows: the share of the population's tuples whose member changes (the engine's hash over
 * the new member list). Existing flows: what the load balancer's flow table does with them
 * (engine-model.md step 7 and "Health probes").
 */
function MemberChanges({ result }: { result: ExperimentResult }) {
  const first = result.runs[0]?.remap ?? null;
  const tcp = result.rule.protocol === 'Tcp';
  return (
    <section className="analysis-changes" aria-label="A member added or removed">
      <h3>A member added or removed</h3>
      {first === null ? (
        <p className="muted">No member is probed up, so no new flow is placed at all (LB_NO_HEALTHY_BACKEND).</p>
      ) : (
        <table className="analysis-table" aria-label="New flows that change member">
          <caption>
            New flows that change member, over {formatCount(first.sample)} tuples of these clients hashed as the
            simulator does (Azure's own hash is not public; the simulator's picks ⌊hash × n / 2³²⌋ over the members
            probed up).
          </caption>
          <thead>
            <tr>
              <th scope="col">Change</th>
              {result.runs.map((r) => (
                <th key={r.mode} scope="col">
                  {r.mode}
                </th>
              ))}
              <th scope="col" title="The least any hash must move: the new member's share, or the removed one's flows">
                at least
              </th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">add a member</th>
              {result.runs.map((r) => (
                <td key={r.mode} data-share={r.remap?.added.moved ?? 0}>
                  {r.remap === null ? '—' : formatPercent(r.remap.added.moved)}
                </td>
              ))}
              <td>{formatPercent(first.added.minimum)}</td>
            </tr>
            {first.removed.map((x, i) => (
              <tr key={x.member}>
                <th scope="row">remove {x.member}</th>
                {result.runs.map((r) => {
                  const row = r.remap?.removed[i];
                  return (
                    <td
                      key={r.mode}
                      data-share={row?.moved ?? 0}
                      title={row === undefined ? undefined : `${formatPercent(row.heldByRemoved)} were on ${x.member}`}
                    >
                      {row === undefined ? '—' : formatPercent(row.moved)}
                    </td>
                  );
                })}
                <td>{formatPercent(1 / first.candidates.length)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ul className="analysis-notes">
        <li>
          <strong>Existing flows stay</strong> where they went: the load balancer sends a packet of a known flow to the
          member it chose before, so adding a member moves none of them.
        </li>
        <li>
          {tcp ? (
            <>
              <strong>A member removed from the pool or probed down keeps its TCP flows</strong> until they close
              {result.rule.sku === 'Basic'
                ? '; Basic ends every TCP flow of the rule when all members are probed down'
                : ', even when every member is probed down (Standard)'}
              . A stopped VM&apos;s flows end.
            </>
          ) : (
            <>
              <strong>UDP flows of a removed or probed-down member move</strong> to a healthy member (hashed again over
              the rest); when every member is down they end.
            </>
          )}
        </li>
      </ul>
    </section>
  );
}
