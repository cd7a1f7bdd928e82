/**
 * The lesson panel's state, apart from the document (store.ts): how many hints are revealed,
 * whether the solution is shown, and the last "Check my work" — a run of the engine in the worker
 * (run/simClient.ts) whose `lesson` field is the engine's verdict. Whether the lesson is the panel
 * shown is the app store's `rightPanel` (rightPanel.ts).
 *
 * Everything here belongs to the open document: opening another one (`revision` changes) starts
 * the lesson afresh.
 */
import { create } from 'zustand';
import type { Diagnostic, Scenario } from '../../scenario';
import type { ServiceResult } from '../../sim/service';
import type { SimulationResult } from '../../sim/simulate';
import { callWorker, WorkerGone } from '../run/simClient';
import { useAppStore } from '../store';

export type CheckStatus =
  | { readonly state: 'idle' }
  | { readonly state: 'running'; readonly scenario: Scenario }
  | { readonly state: 'done'; readonly scenario: Scenario; readonly result: SimulationResult }
  | { readonly state: 'invalid'; readonly scenario: Scenario; readonly errors: readonly Diagnostic[] }
  | { readonly state: 'error'; readonly message: string };

export interface LessonState {
  readonly hintsShown: number;
  readonly solutionShown: boolean;
  readonly check: CheckStatus;
  showNextHint(): void;
  setSolutionShown(shown: boolean): void;
  /** Runs the engine on `scenario` and keeps its verdict. */
  checkWork(scenario: Scenario): Promise<void>;
  reset(): void;
}

const fresh = { hintsShown: 0, solutionShown: false, check: { state: 'idle' } } as const;
let serial = 0;

export const useLessonStore = create<LessonState>()((set, get) => ({
  ...fresh,
  showNextHint: () => set((s) => ({ hintsShown: s.hintsShown + 1 })),
  setSolutionShown: (solutionShown) => set({ solutionShown }),
  reset: () => {
    serial++;
    set(fresh);
  },

  async checkWork(scenario) {
    if (get().check.state === 'running') return;
    const mine = ++serial;
    set({ check: { state: 'running', scenario } });
    try {
      // A plain run (no trace kept): it leaves the run view's kept run alone.
      const result = await callWorker((r) => r.run(scenario, { mode: 'trace' }) as Promise<ServiceResult>);
      if (mine !== serial) return;
      if ('valid' in result) set({ check: { state: 'invalid', scenario, errors: result.errors } });
      else if (result.format !== 'hairpin-result' || result.lesson === undefined)
        set({ check: { state: 'error', message: 'The run came back without a lesson verdict.' } });
      else set({ check: { state: 'done', scenario, result } });
    } catch (error) {
      if (mine !== serial) return;
      const message =
        error instanceof WorkerGone
          ? error.why === 'cancelled'
            ? 'The check was stopped with the run. Check again.'
            : `${error.message} Check again to start a fresh worker.`
          : `The check failed: ${error instanceof Error ? error.message : String(error)}`;
      set({ check: { state: 'error', message } });
    }
  },
}));

/** A new document, a new lesson: hints hidden again, no verdict. */
export function startLessonTracking(): () => void {
  return useAppStore.subscribe((state, previous) => {
    if (state.revision !== previous.revision) useLessonStore.getState().reset();
  });
}
