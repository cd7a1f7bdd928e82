import { lazy, Suspense } from 'react';
import { ConnectionsTable, EventList } from '../lazy';
import { RunBar } from '../run/RunBar';
import { useRunStore } from '../run/runStore';
import { TrafficPanel } from '../run/TrafficPanel';
import '../run/run.css';
import { type BottomTab, useAppStore } from '../store';
import { formatProblemCount } from './Inspector';
import { ProblemsList } from './Problems';

const TABS: { id: BottomTab; label: string }[] = [
  { id: 'run', label: 'Traffic' },
  { id: 'events', label: 'Events' },
  { id: 'connections', label: 'Connections' },
  { id: 'probes', label: 'Probe timeline' },
  { id: 'analysis', label: 'Distribution' },
];

// The analysis views (src/ui/analysis, d3) load when first opened: a first visit does not need them.
const ProbeTimeline = lazy(() => import('../analysis/ProbeTimeline').then((m) => ({ default: m.ProbeTimeline })));
const ExperimentPanel = lazy(() => import('../analysis/ExperimentPanel').then((m) => ({ default: m.ExperimentPanel })));
const ANALYSIS_TABS: readonly BottomTab[] = ['probes', 'analysis'];

function TabBody({ tab }: { tab: BottomTab }) {
  switch (tab) {
    case 'run':
      return <TrafficPanel />;
    case 'events':
      return <EventList />;
    case 'probes':
    case 'analysis':
      return (
        <Suspense fallback={<p className="muted analysis-empty">Loading…</p>}>
          {tab === 'probes' ? <ProbeTimeline /> : <ExperimentPanel />}
        </Suspense>
      );
    default:
      return <ConnectionsTable />;
  }
}

/**
 * The area under the canvas: the run bar (Run, mode, progress), then tabs for the traffic, the
 * run's events and connections (src/ui/run), and the Problems panel.
 */
export function BottomPanel() {
  const tab = useAppStore((s) => s.bottomTab);
  const setTab = useAppStore((s) => s.setBottomTab);
  const errors = useAppStore((s) => s.diagnostics.errors.length);
  const warnings = useAppStore((s) => s.diagnostics.warnings.length);
  const events = useRunStore((s) => (s.summary?.mode === 'trace' ? s.summary.eventCount : null));
  const connections = useRunStore((s) =>
    s.summary !== null && 'connections' in s.summary.result && Array.isArray(s.summary.result.connections)
      ? s.summary.result.connections.length
      : null,
  );
  const count = errors + warnings;
  const counts: Partial<Record<BottomTab, number | null>> = { events, connections };
  return (
    <div className={`app-run panel${ANALYSIS_TABS.includes(tab) ? ' is-analysis' : ''}`}>
      <RunBar />
      <div className="bottom-tabs" role="tablist" aria-label="Run and problems">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            className="bottom-tab"
            onClick={() => setTab(t.id)}
          >
            {t.label}
            {counts[t.id] != null && <span className="tab-count">{(counts[t.id] as number).toLocaleString('en')}</span>}
          </button>
        ))}
        <button
          type="button"
          role="tab"
          id="tab-problems"
          aria-selected={tab === 'problems'}
          aria-controls="panel-problems"
          className="bottom-tab"
          onClick={() => setTab('problems')}
          title={count > 0 ? formatProblemCount(errors, warnings) : 'No problems'}
        >
          Problems
          <span className={`tab-count${errors > 0 ? ' is-error' : warnings > 0 ? ' is-warning' : ''}`}>{count}</span>
        </button>
      </div>
      {tab === 'problems' ? (
        <section className="problems-body" id="panel-problems" role="tabpanel" aria-labelledby="tab-problems">
          <ProblemsList />
        </section>
      ) : (
        <section className="run-panel" id={`panel-${tab}`} role="tabpanel" aria-labelledby={`tab-${tab}`}>
          <TabBody tab={tab} />
        </section>
      )}
    </div>
  );
}
