import { type ReactNode, useEffect, useMemo, useRef } from 'react';
import type { Lesson, LessonCheck, Scenario } from '../../scenario';
import { Markdown } from '../markdown/Markdown';
import type { RightPanel } from '../rightPanel';
import { useAppStore } from '../store';
import { describeCheck, observedFor } from './checks';
import { type CheckStatus, startLessonTracking, useLessonStore } from './lessonStore';
import { applySolution, describeChanges } from './solution';

/** Starts the lesson's bookkeeping once for the page (a new document resets it). */
export function useLessonTracking() {
  useEffect(() => startLessonTracking(), []);
}

/**
 * The right-hand column when the document has a lesson: a Lesson tab beside the inspector (the
 * element or packet inspector given as `children`), the tab of the panel `shown` selected
 * (rightPanel.ts). Without a lesson, or in the viewer, the inspector alone.
 */
export function LessonSide({ shown, children }: { shown: RightPanel | null; children: ReactNode }) {
  const lesson = useAppStore((s) => s.scenario.lesson);
  const viewer = useAppStore((s) => s.viewer);
  if (lesson === undefined || viewer) return children;
  const side = shown === 'lesson' ? 'lesson' : 'inspector';
  const choose = (next: 'lesson' | 'inspector') => {
    // The Inspector tab shows the inspector that the lesson covered: the element's.
    if (next === 'lesson') useAppStore.getState().showPanel('lesson');
    else if (side === 'lesson') useAppStore.getState().showPanel('element');
  };
  return (
    <div className="lesson-side">
      <div className="side-tabs" role="tablist" aria-label="Side panel">
        <button
          type="button"
          role="tab"
          id="side-tab-lesson"
          aria-selected={side === 'lesson'}
          className="side-tab"
          onClick={() => choose('lesson')}
        >
          Lesson
          <LessonBadge />
        </button>
        <button
          type="button"
          role="tab"
          id="side-tab-inspector"
          aria-selected={side === 'inspector'}
          className="side-tab"
          onClick={() => choose('inspector')}
        >
          Inspector
        </button>
      </div>
      {side === 'lesson' ? <LessonPanel lesson={lesson} /> : children}
    </div>
  );
}

/** The verdict of the current document, if it was checked: the scenario must be the one checked. */
function useVerdict(): { status: CheckStatus; current: boolean } {
  const status = useLessonStore((s) => s.check);
  const scenario = useAppStore((s) => s.scenario);
  const current = 'scenario' in status && status.scenario === scenario;
  return { status, current };
}

function LessonBadge() {
  const { status, current } = useVerdict();
  if (status.state !== 'done' || !current || status.result.lesson === undefined) return null;
  const { checks } = status.result.lesson;
  const passed = checks.filter((c) => c.passed).length;
  return (
    <span className={`tab-count${passed === checks.length ? ' is-pass' : ' is-error'}`}>
      {passed}/{checks.length}
    </span>
  );
}

export function LessonPanel({ lesson }: { lesson: Lesson }) {
  const scenario = useAppStore((s) => s.scenario);
  const { status, current } = useVerdict();
  return (
    <aside className="app-inspector panel lesson-panel" aria-label="Lesson" aria-labelledby="side-tab-lesson">
      <div className="lesson-head">
        <p className="panel-heading">Lesson</p>
        <h2 className="lesson-title">{scenario.title?.trim() ? scenario.title : 'Untitled scenario'}</h2>
      </div>
      {lesson.goal !== undefined && lesson.goal.trim() !== '' && (
        <section className="lesson-section" aria-labelledby="lesson-goal">
          <h3 id="lesson-goal" className="lesson-section-title">
            Goal
          </h3>
          <Markdown source={lesson.goal} className="lesson-goal markdown" />
        </section>
      )}
      {(lesson.steps?.length ?? 0) > 0 && (
        <section className="lesson-section" aria-labelledby="lesson-steps">
          <h3 id="lesson-steps" className="lesson-section-title">
            Steps
          </h3>
          <ol className="lesson-steps">
            {lesson.steps?.map((step, i) => (
              // Steps are fixed text of the document: their position is their identity.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <li key={i}>
                <Markdown source={step} className="markdown" />
              </li>
            ))}
          </ol>
        </section>
      )}
      <Hints hints={lesson.hints ?? []} />
      <Checks checks={lesson.checks ?? []} scenario={scenario} status={status} current={current} />
      <Solution lesson={lesson} scenario={scenario} />
    </aside>
  );
}

/** The success state, where the eye is after pressing Check my work (scrolled into view). */
function Success() {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'nearest' });
  }, []);
  return (
    <div ref={ref} className="lesson-success" role="status">
      <svg viewBox="0 0 24 24" aria-hidden="true" className="lesson-success-mark">
        <circle cx="12" cy="12" r="11" />
        <path d="M7 12.5l3.2 3.2L17.5 8.5" />
      </svg>
      <div>
        <strong>Lesson complete</strong>
        <p>Every check passes. Well done.</p>
      </div>
    </div>
  );
}

function Hints({ hints }: { hints: readonly string[] }) {
  const shown = useLessonStore((s) => Math.min(s.hintsShown, hints.length));
  if (hints.length === 0) return null;
  return (
    <section className="lesson-section" aria-labelledby="lesson-hints">
      <h3 id="lesson-hints" className="lesson-section-title">
        Hints <span className="muted">{`${shown} of ${hints.length} shown`}</span>
      </h3>
      {shown > 0 && (
        <ol className="lesson-hints">
          {hints.slice(0, shown).map((hint, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: hints are revealed in order and never move
            <li key={i} className="lesson-hint">
              <Markdown source={hint} className="markdown" />
            </li>
          ))}
        </ol>
      )}
      {shown < hints.length ? (
        <button type="button" className="button" onClick={() => useLessonStore.getState().showNextHint()}>
          Show hint {shown + 1} of {hints.length}
        </button>
      ) : (
        <p className="muted lesson-note">All hints are shown.</p>
      )}
    </section>
  );
}

function CheckMark({ state }: { state: 'pass' | 'fail' | 'pending' | 'running' }) {
  const label = { pass: 'Passed', fail: 'Failed', pending: 'Not yet run', running: 'Running' }[state];
  const glyph = { pass: '✓', fail: '✗', pending: '○', running: '…' }[state];
  return (
    <span className={`check-mark check-${state}`} role="img" aria-label={label} title={label}>
      {glyph}
    </span>
  );
}

function Checks({
  checks,
  scenario,
  status,
  current,
}: {
  checks: readonly LessonCheck[];
  scenario: Scenario;
  status: CheckStatus;
  current: boolean;
}) {
  const setBottomTab = useAppStore((s) => s.setBottomTab);
  const errors = useAppStore((s) => s.diagnostics.errors.length);
  const running = status.state === 'running';
  const judged = status.state === 'done' ? (status.result.lesson?.checks ?? []) : [];
  const result = status.state === 'done' ? status.result : null;
  return (
    <section className="lesson-section" aria-labelledby="lesson-checks">
      <h3 id="lesson-checks" className="lesson-section-title">
        Checks
      </h3>
      {checks.length === 0 ? (
        <p className="muted lesson-note">This lesson has no checks.</p>
      ) : (
        <ul className="lesson-checks" aria-label="Checks">
          {checks.map((check, i) => {
            const verdict = judged[i];
            const state = running ? 'running' : verdict === undefined ? 'pending' : verdict.passed ? 'pass' : 'fail';
            // The engine's own sentence when it gives one; else what the panel reads in the result.
            const observed = verdict?.detail ?? (result !== null ? observedFor(check, result) : null);
            return (
              <li
                // biome-ignore lint/suspicious/noArrayIndexKey: checks are matched to the engine's verdicts by position
                key={i}
                className={`lesson-check is-${state}${verdict !== undefined && !current ? ' is-stale' : ''}`}
                aria-label={`${check.name}: ${{ pass: 'passed', fail: 'failed', pending: 'not yet run', running: 'running' }[state]}`}
              >
                <CheckMark state={state} />
                <div className="lesson-check-body">
                  <span className="lesson-check-name">{check.name}</span>
                  <span className="muted lesson-check-what">{describeCheck(check)}</span>
                  {observed !== null && <span className="lesson-check-seen">→ {observed}</span>}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {status.state === 'done' && !current && (
        <p className="lesson-note lesson-stale" role="status">
          These results are from before your last edit. Check again.
        </p>
      )}
      {status.state === 'done' && current && status.result.lesson?.passed === true && <Success />}
      {status.state === 'done' && current && status.result.lesson !== undefined && !status.result.lesson.passed && (
        <p className="lesson-note" role="status">
          {status.result.lesson.checks.filter((c) => !c.passed).length} of {status.result.lesson.checks.length} checks
          fail. Run the traffic to see where the packets go.
        </p>
      )}
      {status.state === 'invalid' && (
        <div className="lesson-note lesson-problem" role="alert">
          The scenario has {status.errors.length === 1 ? 'an error' : `${status.errors.length} errors`}: the engine
          checks only a valid scenario.{' '}
          <button type="button" className="link-button" onClick={() => setBottomTab('problems')}>
            Show problems
          </button>
        </div>
      )}
      {status.state === 'error' && (
        <p className="lesson-note lesson-problem" role="alert">
          {status.message}
        </p>
      )}
      <button
        type="button"
        className="button button-primary lesson-check-button"
        disabled={running || checks.length === 0}
        title={
          errors > 0 ? 'The scenario has errors: the check will list them' : 'Run the engine and judge every check'
        }
        onClick={() => void useLessonStore.getState().checkWork(scenario)}
      >
        {running ? 'Checking…' : 'Check my work'}
      </button>
    </section>
  );
}

function Solution({ lesson, scenario }: { lesson: Lesson; scenario: Scenario }) {
  const challenge = useAppStore((s) => s.challenge);
  const shown = useLessonStore((s) => s.solutionShown);
  const applied = useMemo(
    () => (shown && lesson.solution !== undefined ? applySolution(scenario) : null),
    [shown, lesson.solution, scenario],
  );
  const changes = useMemo(() => (applied?.ok ? describeChanges(scenario, applied.scenario) : []), [applied, scenario]);
  if (lesson.solution === undefined) {
    return (
      <section className="lesson-section" aria-labelledby="lesson-solution">
        <h3 id="lesson-solution" className="lesson-section-title">
          Solution
        </h3>
        <p className="muted lesson-note">
          {challenge ? 'Solution hidden in challenge mode.' : 'This lesson comes without a solution.'}
        </p>
      </section>
    );
  }
  return (
    <section className="lesson-section" aria-labelledby="lesson-solution">
      <h3 id="lesson-solution" className="lesson-section-title">
        Solution
      </h3>
      {!shown ? (
        <button type="button" className="button" onClick={() => useLessonStore.getState().setSolutionShown(true)}>
          Reveal the solution
        </button>
      ) : (
        <>
          {applied !== null && !applied.ok ? (
            <p className="lesson-note lesson-problem" role="alert">
              {applied.reason} {applied.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}
            </p>
          ) : changes.length === 0 ? (
            <p className="lesson-note" role="status">
              Your scenario already has every change the solution makes.
            </p>
          ) : (
            <>
              <p className="muted lesson-note">What the solution changes in your scenario:</p>
              <ul className="solution-changes" aria-label="Solution changes">
                {changes.map((c) => (
                  <li key={`${c.kind} ${c.path}`} className={`solution-change change-${c.kind}`}>
                    <span className="solution-kind">{c.kind}</span>
                    <code className="solution-path">{c.path}</code>
                    {c.before !== undefined && <del className="solution-before">{c.before}</del>}
                    {c.after !== undefined && <ins className="solution-after">{c.after}</ins>}
                  </li>
                ))}
              </ul>
            </>
          )}
          <div className="lesson-actions">
            <button
              type="button"
              className="button"
              disabled={applied === null || !applied.ok || changes.length === 0}
              onClick={() => {
                const store = useAppStore.getState();
                const next = applySolution(store.scenario);
                if (!next.ok) return;
                if (store.apply(() => next.scenario)) store.showToast('Solution applied. Ctrl+Z undoes it.');
              }}
            >
              Apply the solution
            </button>
            <button
              type="button"
              className="button button-quiet"
              onClick={() => useLessonStore.getState().setSolutionShown(false)}
            >
              Hide
            </button>
          </div>
        </>
      )}
    </section>
  );
}
