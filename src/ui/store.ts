/**
 * The app's state: the scenario document (the one truth the canvas and panels derive from), the
 * selection, and what the last attempt to open a share link left to say. Opening links follows
 * spec/scenario-format.md "Share links": a link that cannot be read never replaces the current
 * scenario, and a readable one never replaces work without offering to keep it.
 */
import { create } from 'zustand';
import { formatDiagnostic, type LinkOptions, loadScenarioLink, loadScenarioText, type Scenario } from '../scenario';
import {
  AUTOSAVE_KEY,
  type Diagnostics,
  defaultStored,
  type KeyValueStore,
  PREVIOUS_KEY,
  read,
  readAutosave,
  type StoredScenario,
  wouldReplaceWork,
  write,
} from './persistence';

export interface LoadError {
  readonly title: string;
  readonly messages: readonly string[];
}

export interface Notice {
  readonly message: string;
  /** Offer to bring back the scenario a link replaced (kept under PREVIOUS_KEY). */
  readonly canRestore: boolean;
}

export interface PendingLink {
  readonly scenario: Scenario;
  readonly diagnostics: Diagnostics;
  /** The title of the work the link would replace. */
  readonly currentTitle: string;
}

export interface AppState {
  readonly scenario: Scenario;
  readonly diagnostics: Diagnostics;
  /** An element id (`vm:web01`, `rule:ilb/http`), or null for the scenario itself. */
  readonly selection: string | null;
  /** The read-only viewer of a `&view=1` link: it shows the linked scenario and never autosaves it. */
  readonly viewer: boolean;
  readonly loadError: LoadError | null;
  readonly notice: Notice | null;
  /** A link waiting for the user to choose between it and their current work. */
  readonly pendingLink: PendingLink | null;
  /** Bumped whenever a different document is opened, so the canvas fits the new one into view. */
  readonly revision: number;

  select(id: string | null): void;
  dismissError(): void;
  dismissNotice(): void;
  /** Opens the share link in `href` (a full URL, or a `#s=…` fragment). */
  openLink(href: string): void;
  confirmPendingLink(): void;
  keepCurrentScenario(): void;
  restorePrevious(): void;
  /** Leaves the viewer, making the viewed scenario the user's own (with the same care for work). */
  editViewedScenario(): void;
}

let storage: KeyValueStore | null = null;

/** The storage that autosave and the previous scenario use; null keeps everything in memory. */
export function setStorage(next: KeyValueStore | null): void {
  storage = next;
}

const titleOf = (s: Scenario): string => (typeof s.title === 'string' && s.title.trim() !== '' ? s.title : 'Untitled');

export const useAppStore = create<AppState>()((set, get) => {
  /** The user's own work: what is open, unless the viewer is showing someone else's link. */
  const currentWork = (): Scenario => (get().viewer ? readAutosave(storage).scenario : get().scenario);

  const open = (scenario: Scenario, diagnostics: Diagnostics, viewer: boolean) =>
    set((s) => ({
      scenario,
      diagnostics,
      viewer,
      selection: null,
      loadError: null,
      pendingLink: null,
      revision: s.revision + 1,
    }));

  /** Opens `scenario` as the user's work, unless that would lose other work: then asks. */
  const offer = (scenario: Scenario, diagnostics: Diagnostics) => {
    const work = currentWork();
    if (wouldReplaceWork(work, scenario)) {
      set({ pendingLink: { scenario, diagnostics, currentTitle: titleOf(work) }, loadError: null });
    } else {
      open(scenario, diagnostics, false);
    }
  };

  return {
    ...initialState(null),

    select: (id) => set({ selection: id }),
    dismissError: () => set({ loadError: null }),
    dismissNotice: () => set({ notice: null }),

    openLink: (href) => {
      const outcome = loadScenarioLink(href);
      if (outcome.scenario === null) {
        set({
          loadError: {
            title: 'This share link could not be opened',
            messages: outcome.errors.map(formatDiagnostic),
          },
        });
        return;
      }
      const options: LinkOptions = outcome.options;
      if (options.view) open(outcome.scenario, outcome, true);
      else offer(outcome.scenario, outcome);
    },

    confirmPendingLink: () => {
      const pending = get().pendingLink;
      if (pending === null) return;
      const work = currentWork();
      write(storage, PREVIOUS_KEY, JSON.stringify(work));
      open(pending.scenario, pending.diagnostics, false);
      set({
        notice: { message: `Opened “${titleOf(pending.scenario)}”. “${titleOf(work)}” was kept.`, canRestore: true },
      });
    },

    keepCurrentScenario: () => set({ pendingLink: null }),

    restorePrevious: () => {
      const text = read(storage, PREVIOUS_KEY);
      const outcome = text === null ? null : loadScenarioText(text);
      if (outcome === null || outcome.scenario === null) {
        set({ notice: { message: 'The previous scenario is no longer stored in this browser.', canRestore: false } });
        return;
      }
      write(storage, PREVIOUS_KEY, null);
      open(outcome.scenario, outcome, false);
      set({ notice: null });
    },

    editViewedScenario: () => {
      const { scenario, diagnostics, viewer } = get();
      if (viewer) offer(scenario, diagnostics);
    },
  };
});

function initialState(
  stored: StoredScenario | null,
): Pick<
  AppState,
  'scenario' | 'diagnostics' | 'selection' | 'viewer' | 'loadError' | 'notice' | 'pendingLink' | 'revision'
> {
  const start = stored ?? defaultStored();
  return {
    scenario: start.scenario,
    diagnostics: start.diagnostics,
    selection: null,
    viewer: false,
    loadError: null,
    notice:
      start.problem === null
        ? null
        : {
            message: `The autosaved scenario could not be read (${start.problem}); the default lab is open instead.`,
            canRestore: false,
          },
    pendingLink: null,
    revision: 0,
  };
}

/**
 * Starts from the autosave (or the default lab), then keeps the autosave current: every change
 * of the user's scenario is written at once, so a reload restores exactly what was there. The
 * viewer's scenario is someone else's and is not saved.
 */
export function startAutosave(): () => void {
  useAppStore.setState((s) => ({ ...initialState(readAutosave(storage)), revision: s.revision + 1 }));
  const save = (state: AppState) => {
    if (!state.viewer) write(storage, AUTOSAVE_KEY, JSON.stringify(state.scenario));
  };
  save(useAppStore.getState());
  return useAppStore.subscribe((state, previous) => {
    if (state.scenario !== previous.scenario || state.viewer !== previous.viewer) save(state);
  });
}
