import { useEffect, useState } from 'react';
import type { RunProgress } from '../../sim/service';
import { useAppStore } from '../store';
import { type ModeChoice, TRACE_LIMIT, useRunStore } from './runStore';
import { describeStop } from './stopText';
import { connectionCount } from './traffic';

const PHASE_LABEL = {
  validating: 'Validating',
  simulating: 'Simulating',
  indexing: 'Indexing the trace',
  done: 'Finishing',
} as const;

/** Seconds since `start`, ticking while a run lasts. */
function useElapsed(start: number, running: boolean): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!running) return;
    const id = setInterval(() => setNow(performance.now()), 500);
    return () => clearInterval(id);
  }, [running]);
  return Math.max(0, (running ? now : performance.now()) - start) / 1000;
}

async function downloadResult() {
  const text = await useRunStore.getState().resultJson();
  if (text === null) return;
  const seed = useRunStore.getState().summary?.result.seed ?? 1;
  const url = URL.createObjectURL(new Blob([`${text}\n`], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `hairpin-result-seed${seed}.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * The run's progress as a share done (the worker reports it about four times a second: engine
 * counters, then the indexing of a trace), with what is being done and the time so far.
 */
function Progress({ progress, elapsed }: { progress: RunProgress; elapsed: number }) {
  const percent = Math.floor(progress.fraction * 100);
  const detail =
    progress.phase === 'simulating' && progress.total > 0
      ? `${progress.done.toLocaleString('en')} connections done`
      : progress.phase === 'indexing'
        ? `${progress.done.toLocaleString('en')} / ${progress.total.toLocaleString('en')} events`
        : '';
  return (
    <div className="run-progress">
      <div
        className="progress-track"
        role="progressbar"
        aria-label="Run progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${PHASE_LABEL[progress.phase]} ${percent}%`}
      >
        <div className="progress-fill" style={{ transform: `scaleX(${progress.fraction})` }} />
      </div>
      <span
        className="run-progress-text"
        role="status"
        // Not announced four times a second: the progress bar carries the value.
        aria-live="off"
        title={
          progress.simulatedSeconds > 0 ? `${formatSeconds(progress.simulatedSeconds)} simulated so far` : undefined
        }
      >
        <strong className="run-percent">{percent}%</strong> {PHASE_LABEL[progress.phase]}
        {detail !== '' && <span className="muted"> · {detail}</span>}
        <span className="muted"> · {elapsed.toFixed(1)} s</span>
      </span>
    </div>
  );
}

const formatSeconds = (s: number): string => (s < 10 ? `${s.toFixed(2)} s` : `${Math.round(s).toLocaleString('en')} s`);

/** Run and Cancel, the mode, progress while running, and what the last run left to say. */
export function RunBar() {
  const scenario = useAppStore((s) => s.scenario);
  const errors = useAppStore((s) => s.diagnostics.errors.length);
  const status = useRunStore((s) => s.status);
  const progress = useRunStore((s) => s.progress);
  const startedAt = useRunStore((s) => s.startedAt);
  const finishedAt = useRunStore((s) => s.finishedAt);
  const message = useRunStore((s) => s.message);
  const summary = useRunStore((s) => s.summary);
  const atRun = useRunStore((s) => s.scenarioAtRun);
  const modeChoice = useRunStore((s) => s.modeChoice);
  const running = status === 'running';
  const elapsed = useElapsed(startedAt, running);
  const count = connectionCount(scenario);
  const autoMode = count > TRACE_LIMIT ? 'bulk' : 'trace';
  const noTraffic = count === 0;
  const disabledWhy =
    errors > 0 ? 'Fix the errors in Problems first.' : noTraffic ? 'Add traffic to run first.' : undefined;

  return (
    <div className="run-bar">
      {running ? (
        <button
          type="button"
          className="button run-cancel"
          title="Stop the run now (the worker is stopped; the next Run starts a fresh one)"
          onClick={() => useRunStore.getState().cancel()}
        >
          ■ Cancel
        </button>
      ) : (
        <button
          type="button"
          className="button button-primary"
          disabled={disabledWhy !== undefined}
          title={disabledWhy ?? 'Simulate the scenario in the background (the page stays responsive)'}
          onClick={() => void useRunStore.getState().run(useAppStore.getState().scenario)}
        >
          ▶ Run
        </button>
      )}
      <label className="run-mode">
        <span className="visually-hidden">Mode</span>
        <select
          value={modeChoice}
          disabled={running}
          onChange={(e) => useRunStore.getState().setModeChoice(e.target.value as ModeChoice)}
          aria-label="Mode"
        >
          <option value="auto">Auto ({autoMode === 'trace' ? 'trace' : 'bulk'})</option>
          <option value="trace">Trace: every packet</option>
          <option value="bulk">Bulk: statistics only</option>
        </select>
      </label>
      <span className="muted run-count">
        {count.toLocaleString('en')} connection{count === 1 ? '' : 's'}
      </span>
      {running && progress !== null && <Progress progress={progress} elapsed={elapsed} />}
      {!running && message !== null && (
        <span className={`run-message${status === 'error' || status === 'invalid' ? ' is-error' : ''}`} role="status">
          {message}
        </span>
      )}
      {!running && summary !== null && (
        <>
          <span className="run-summary" role="status">
            {summary.mode === 'trace'
              ? `${summary.eventCount.toLocaleString('en')} events · ${summary.result.simulatedSeconds} s simulated`
              : `Bulk: ${('connections' in summary.result && typeof summary.result.connections === 'number' ? summary.result.connections : 0).toLocaleString('en')} connections · ${summary.result.simulatedSeconds} s simulated`}{' '}
            · ran in {((finishedAt - startedAt) / 1000).toFixed(1)} s
          </span>
          {summary.result.stopped !== undefined && (
            <span className="run-message is-stopped" role="alert">
              {describeStop(summary.result.stopped)}
            </span>
          )}
          {atRun !== scenario && <span className="badge badge-warning">scenario changed since this run</span>}
          <button type="button" className="button button-quiet run-json" onClick={() => void downloadResult()}>
            Result JSON
          </button>
        </>
      )}
    </div>
  );
}
