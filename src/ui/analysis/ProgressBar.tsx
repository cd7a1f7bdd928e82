import { useEffect, useState } from 'react';
import type { ExperimentProgress } from '../../sim/service';

/** Seconds since `start`, ticking while shown. */
function useElapsed(start: number): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const id = setInterval(() => setNow(performance.now()), 200);
    return () => clearInterval(id);
  }, []);
  return Math.max(0, now - start) / 1000;
}

/** The share of the experiment done: finished runs, plus the current run's part. */
export const progressShare = (p: ExperimentProgress): number => Math.min(1, (p.done + p.fraction) / p.runs);

/** An experiment's progress: which run of how many, and how far the engine is in the current one. */
export function ProgressBar({ progress, startedAt }: { progress: ExperimentProgress; startedAt: number }) {
  const elapsed = useElapsed(startedAt);
  const share = progressShare(progress);
  const run = Math.min(progress.done + 1, progress.runs);
  return (
    <div className="analysis-progress" role="status" aria-live="polite">
      <div
        className="progress-track"
        role="progressbar"
        aria-label="Experiment progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(share * 1000) / 10}
      >
        <div className="progress-fill" style={{ width: `${share * 100}%` }} />
      </div>
      <span>
        {progress.mode === null
          ? 'Finishing'
          : `${progress.mode}: run ${run} of ${progress.runs}, ${Math.floor(progress.fraction * 100)} %`}{' '}
        … {elapsed.toFixed(1)} s
      </span>
    </div>
  );
}
