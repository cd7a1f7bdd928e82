/**
 * The app's state: the scenario document (the one truth the canvas and panels derive from), its
 * undo history, the selection, and what the last attempt to open a link or file left to say.
 *
 * Every change of the document goes through `commit`: the document actions of
 * scenario/edit.ts are pure, and the store only applies them and remembers the document before,
 * so that undo and redo cover every edit. A node drag is not an edit until it ends: while it
 * lasts, positions live in `dragging` (an overlay the canvas draws), and the move is committed
 * once, when `dragging` turns false (as xyflow recommends).
 *
 * Opening links follows docs/architecture.md "Share links": a link that cannot be read never
 * replaces the current scenario, and a readable one never replaces work without offering to
 * keep it. A file is the same: an unreadable one is refused with its errors, one with problems
 * is offered with its errors by field, and opening one is undoable.
 */
import { create } from 'zustand';
import {
  type Diagnostic,
  formatDiagnostic,
  type LinkOptions,
  loadScenarioLink,
  loadScenarioText,
  type Scenario,
  UNVERIFIED_LINK_NOTICE,
  validateScenario,
} from '../scenario';
import {
  addElement,
  type Clipboard,
  clipboardFromText,
  clipboardToText,
  copyElements,
  createEmptyScenario,
  deleteElements,
  disconnect,
  type EditResult,
  locateElement,
  moveElements,
  type Placement,
  type Position,
  pasteElements,
} from '../scenario/edit';
import { isNewElementKind } from '../scenario/kinds';
import { autoLayout, hasNoLayout } from './canvas/layout';
import { stripSolution } from './lesson/solution';
import {
  AUTOSAVE_KEY,
  type Diagnostics,
  defaultStored,
  type KeyValueStore,
  ORIGINAL_KEY,
  PREVIOUS_KEY,
  read,
  readAutosave,
  readTabCopies,
  type StoredScenario,
  storedFromText,
  wouldReplaceWork,
  write,
  writeTabCopy,
} from './persistence';
import type { RightPanel } from './rightPanel';

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
  /** Where the document comes from: a share link, or the built-in library. */
  readonly origin: 'link' | 'library';
  /** Opened as a challenge (`&lesson=challenge`): the lesson's solution was left out. */
  readonly challenge: boolean;
}

/** A file that was read but has errors: shown by field, opened only if the user says so. */
export interface PendingFile {
  readonly name: string;
  readonly scenario: Scenario;
  readonly errors: readonly Diagnostic[];
  readonly warnings: readonly Diagnostic[];
  readonly repairs: readonly Diagnostic[];
}

/** The scenario another tab saved over this tab's autosave, waiting for the user's choice. */
export interface OtherTab {
  readonly scenario: Scenario;
  readonly diagnostics: Diagnostics;
  /** The autosave text that other tab wrote. */
  readonly text: string;
}

/** Work a tab could not autosave (another tab had saved over it), found when this page started. */
export interface RecoveredWork {
  readonly tab: string;
  readonly title: string;
  readonly text: string;
}

/** A short message about the last action, such as why a connection was refused. */
export interface Toast {
  readonly message: string;
  readonly tone: 'info' | 'refused';
  /** Bumped on every toast, so that the same message shown twice is announced twice. */
  readonly serial: number;
}

export interface LayoutOverlay {
  readonly x: number;
  readonly y: number;
  readonly width?: number;
  readonly height?: number;
}

/** The relation an edge draws, for deleting a selected edge (edit.ts `disconnect`). */
export interface EdgeEnds {
  readonly source: string;
  readonly target: string;
  readonly removable: boolean;
}

/** `run`: the traffic and Run; `events` and `connections`: what the last run did (src/ui/run). */
export type BottomTab = 'run' | 'events' | 'connections' | 'probes' | 'analysis' | 'problems';

export interface AppState {
  readonly scenario: Scenario;
  readonly diagnostics: Diagnostics;
  /** True while `diagnostics` belong to an earlier version of the document (validation deferred). */
  readonly validating: boolean;
  /** Selected element ids and edge ids; the inspector shows the element when exactly one is selected. */
  readonly selection: readonly string[];
  /** The field a problem names, to highlight in the inspector (a diagnostic path). */
  readonly focusPath: string | null;
  /** The read-only viewer of a `&view=1` link: it shows the linked scenario and never autosaves it. */
  readonly viewer: boolean;
  /** The open document came from a challenge link: its lesson's solution was taken out. */
  readonly challenge: boolean;
  readonly loadError: LoadError | null;
  readonly notice: Notice | null;
  readonly toast: Toast | null;
  /** A link waiting for the user to choose between it and their current work. */
  readonly pendingLink: PendingLink | null;
  readonly pendingFile: PendingFile | null;
  /** Bumped whenever a different document is opened, so the canvas fits the new one into view. */
  readonly revision: number;
  /** Documents before the current one (most recent last), and those undone. */
  readonly past: readonly Scenario[];
  readonly future: readonly Scenario[];
  /** Positions (and sizes) of nodes being dragged or resized, not yet committed. */
  readonly dragging: ReadonlyMap<string, LayoutOverlay> | null;
  readonly clipboard: Clipboard | null;
  readonly bottomTab: BottomTab;
  /**
   * The panel of the right-hand column the user asked for last (rightPanel.ts derives what is
   * shown): a non-empty selection asks for the element inspector, seeking to an event for the
   * packet inspector, opening a document with a lesson for the lesson.
   */
  readonly rightPanel: RightPanel;
  /** The autosave was read with these repairs; its original is kept until they are accepted. */
  readonly autosaveRepairs: readonly string[] | null;
  /** Another tab saved over this tab's autosave: this tab's work is kept aside until the user chooses. */
  readonly otherTab: OtherTab | null;
  readonly recovered: RecoveredWork | null;

  select(ids: string | readonly string[] | null): void;
  /** Selects the element a problem is about and remembers the field to highlight. */
  selectProblem(element: string | null, path: string): void;
  dismissError(): void;
  dismissNotice(): void;
  showToast(message: string, tone?: Toast['tone']): void;
  setBottomTab(tab: BottomTab): void;
  showPanel(panel: RightPanel): void;

  /**
   * Applies an edit. A function may return a document or an edit result; a refused result shows
   * its reason and changes nothing. `coalesce` merges consecutive edits with the same key (typing
   * in one field) into one undo step; `select` chooses the selection afterwards.
   */
  apply(
    edit: (s: Scenario) => Scenario | EditResult,
    options?: { coalesce?: string; select?: 'result' | readonly string[] },
  ): boolean;
  /**
   * Adds a palette element (edit.ts `addElement`) and selects it; a refusal says why. `adjust`
   * may change the result before it is committed (the canvas keeps a drop inside its subnet).
   */
  addElement(kind: string, placement: Placement, adjust?: (result: EditResult) => EditResult): void;
  undo(): void;
  redo(): void;
  setDragging(overlay: ReadonlyMap<string, LayoutOverlay> | null): void;
  /** Commits the drag overlay (or the given entries) as one move. */
  commitLayout(entries?: { readonly [id: string]: LayoutOverlay }): void;
  deleteSelection(edges: ReadonlyMap<string, EdgeEnds>): void;
  /**
   * Copies the selected elements to the in-app clipboard and returns their text form (edit.ts
   * `clipboardToText`) for the system clipboard; null when nothing that can be copied is selected.
   */
  copySelection(): string | null;
  /**
   * Pastes `text` from the system clipboard when it holds some, else the in-app clipboard: names
   * that clash are renamed, positions offset, and the pasted elements selected. Text that is not a
   * Hairpin clipboard is refused with a message and changes nothing.
   */
  paste(text?: string): void;

  newScenario(): void;
  /** Opens the text of a file through the load pipeline (the name is for messages). */
  openFile(name: string, text: string): void;
  confirmPendingFile(): void;
  cancelPendingFile(): void;

  /** Opens the share link in `href` (a full URL, or a `#s=…` fragment). */
  openLink(href: string): void;
  /** Opens a scenario of the built-in library, offering to keep the user's work as a link does. */
  openLibraryScenario(scenario: Scenario, diagnostics: Diagnostics): void;
  confirmPendingLink(): void;
  keepCurrentScenario(): void;
  restorePrevious(): void;
  /** Leaves the viewer, making the viewed scenario the user's own (with the same care for work). */
  editViewedScenario(): void;

  /** Accepts the repairs of the autosave read at start: its original is no longer kept. */
  acceptAutosaveRepairs(): void;
  /** The autosave as it was before its repairs, while it is kept (for download). */
  autosaveOriginal(): string | null;
  /** Shows the scenario another tab saved; this tab's work is kept as the previous scenario. */
  showOtherTabScenario(): void;
  /** Makes this tab's scenario the autosave again (the other tab keeps its own and is asked in turn). */
  keepThisTabScenario(): void;
  openRecovered(): void;
  discardRecovered(): void;
  /** A defect on the way to showing a document: says so, and keeps the current work. */
  reportLoadFailure(title: string, error: unknown): void;
}

let storage: KeyValueStore | null = null;

/** The storage that autosave and the previous scenario use; null keeps everything in memory. */
export function setStorage(next: KeyValueStore | null): void {
  storage = next;
}

const titleOf = (s: Scenario): string => (typeof s.title === 'string' && s.title.trim() !== '' ? s.title : 'Untitled');

/** How many documents undo remembers. Each shares its unchanged parts with the next. */
const HISTORY_LIMIT = 200;
/** Keystrokes in one field within this time are one undo step. */
const COALESCE_MS = 1200;

// ---------------------------------------------------------------------------------------------
// Validation, deferred on large documents

/**
 * Validating a 1,000-element scenario takes tens of milliseconds: done after every keystroke or
 * drag it would drop frames. Small documents are validated at once (inline errors appear as you
 * type); once a validation has taken longer than a frame's worth of budget, later ones wait until
 * the edits pause.
 */
const SYNC_VALIDATION_MS = 6;
const DEFER_VALIDATION_MS = 250;
let lastValidationMs = 0;
let validationTimer: ReturnType<typeof setTimeout> | null = null;

function timed(scenario: Scenario): Diagnostics {
  const start = performance.now();
  const result = validateScenario(scenario);
  lastValidationMs = performance.now() - start;
  return result;
}

let lastEdit: { key: string; at: number } | null = null;

let toastSerial = 0;

/** A document opens on its lesson when it has one, else on the element inspector. */
const panelForNewDocument = (scenario: Scenario): RightPanel => (scenario.lesson !== undefined ? 'lesson' : 'element');

/** A new selection: choosing something brings its inspector back to the right-hand column. */
const selecting = (
  selection: readonly string[],
): Pick<AppState, 'selection'> & Partial<Pick<AppState, 'rightPanel'>> =>
  selection.length > 0 ? { selection, rightPanel: 'element' } : { selection };

export const useAppStore = create<AppState>()((set, get) => {
  const scheduleValidation = () => {
    if (validationTimer !== null) clearTimeout(validationTimer);
    validationTimer = null;
    if (lastValidationMs <= SYNC_VALIDATION_MS) {
      set({ diagnostics: timed(get().scenario), validating: false });
      return;
    }
    set({ validating: true });
    validationTimer = setTimeout(() => {
      validationTimer = null;
      set({ diagnostics: timed(get().scenario), validating: false });
    }, DEFER_VALIDATION_MS);
  };

  /** Replaces the document, remembering the one before (unless this edit continues the last). */
  const commit = (edited: Scenario, coalesce?: string) => {
    const { scenario, past } = get();
    if (edited === scenario) return;
    // The first edit that writes a position into a document laid out automatically (a dropped
    // element, a drag) keeps every other element where the canvas showed it.
    const next =
      hasNoLayout(scenario) && !hasNoLayout(edited)
        ? { ...edited, layout: { ...autoLayout(scenario), ...edited.layout } }
        : edited;
    const now = Date.now();
    const continues = coalesce !== undefined && lastEdit?.key === coalesce && now - lastEdit.at < COALESCE_MS;
    lastEdit = coalesce === undefined ? null : { key: coalesce, at: now };
    set({
      scenario: next,
      past: continues ? past : [...past, scenario].slice(-HISTORY_LIMIT),
      future: [],
    });
    scheduleValidation();
  };

  /** The user's own work: what is open, unless the viewer is showing someone else's link. */
  const currentWork = (): Scenario => (get().viewer ? readAutosave(storage).scenario : get().scenario);

  /** Opens another document. Outside the viewer, the one it replaces stays in the undo history. */
  const open = (scenario: Scenario, diagnostics: Diagnostics, viewer: boolean, challenge = false) => {
    const before = get();
    lastEdit = null;
    set((s) => ({
      scenario,
      diagnostics,
      validating: false,
      viewer,
      challenge,
      selection: [],
      focusPath: null,
      rightPanel: panelForNewDocument(scenario),
      loadError: null,
      pendingLink: null,
      pendingFile: null,
      dragging: null,
      revision: s.revision + 1,
      past: viewer || before.viewer ? [] : [...before.past, before.scenario].slice(-HISTORY_LIMIT),
      future: [],
    }));
  };

  /** Opens `scenario` as the user's work, unless that would lose other work: then asks. */
  const offer = (
    scenario: Scenario,
    diagnostics: Diagnostics,
    { origin = 'link', challenge = false }: { origin?: PendingLink['origin']; challenge?: boolean } = {},
  ) => {
    const work = currentWork();
    if (wouldReplaceWork(work, scenario)) {
      set({
        pendingLink: { scenario, diagnostics, currentTitle: titleOf(work), origin, challenge },
        loadError: null,
      });
    } else {
      open(scenario, diagnostics, false, challenge);
    }
  };

  return {
    ...initialState(null),

    select: (ids) => {
      const selection = ids === null ? [] : typeof ids === 'string' ? [ids] : [...ids];
      const current = get().selection;
      if (selection.length === current.length && selection.every((id, i) => id === current[i])) return;
      set({ ...selecting(selection), focusPath: null });
    },
    selectProblem: (element, path) => set({ ...selecting(element === null ? [] : [element]), focusPath: path }),
    dismissError: () => set({ loadError: null }),
    dismissNotice: () => set({ notice: null }),
    showToast: (message, tone = 'info') => set({ toast: { message, tone, serial: ++toastSerial } }),
    setBottomTab: (bottomTab) => set({ bottomTab }),
    showPanel: (rightPanel) => set({ rightPanel }),

    apply: (edit, options = {}) => {
      if (get().viewer) return false;
      const outcome = edit(get().scenario);
      if ('ok' in outcome && typeof outcome.ok === 'boolean' && !('format' in outcome)) {
        const result = outcome as EditResult;
        if (!result.ok) {
          get().showToast(result.reason, 'refused');
          return false;
        }
        commit(result.scenario, options.coalesce);
        if (options.select === 'result') set(selecting(result.ids.slice(0, 1)));
        else if (options.select !== undefined) set(selecting([...options.select]));
        return true;
      }
      commit(outcome as Scenario, options.coalesce);
      if (options.select !== undefined && options.select !== 'result') set(selecting([...options.select]));
      return true;
    },

    addElement: (kind, placement, adjust = (r) => r) => {
      if (!isNewElementKind(kind)) return;
      get().apply((s) => adjust(addElement(s, kind, placement)), { select: 'result' });
    },

    undo: () => {
      const { past, future, scenario, viewer } = get();
      const previous = past[past.length - 1];
      if (viewer || previous === undefined) return;
      lastEdit = null;
      set({ scenario: previous, past: past.slice(0, -1), future: [scenario, ...future], dragging: null });
      scheduleValidation();
    },
    redo: () => {
      const { past, future, scenario, viewer } = get();
      const next = future[0];
      if (viewer || next === undefined) return;
      lastEdit = null;
      set({ scenario: next, past: [...past, scenario], future: future.slice(1), dragging: null });
      scheduleValidation();
    },

    setDragging: (dragging) => set({ dragging }),
    commitLayout: (entries) => {
      const overlay = entries ?? Object.fromEntries(get().dragging ?? []);
      set({ dragging: null });
      if (Object.keys(overlay).length === 0) return;
      get().apply((s) => moveElements(s, overlay));
    },

    deleteSelection: (edges) => {
      const { selection } = get();
      if (selection.length === 0) return;
      get().apply(
        (s) => {
          const elements = selection.filter((id) => !edges.has(id) || id.startsWith('rule:'));
          let current = s;
          let deleted = false;
          for (const id of selection) {
            const ends = edges.get(id);
            if (ends === undefined || id.startsWith('rule:')) continue;
            if (!ends.removable) continue;
            const r = disconnect(current, ends.source, ends.target);
            if (r.ok) {
              current = r.scenario;
              deleted = true;
            }
          }
          if (elements.length === 0) {
            return deleted
              ? { ok: true, scenario: current, ids: [] }
              : { ok: false, reason: 'This line shows where an element belongs; delete the element instead.' };
          }
          const r = deleteElements(current, elements);
          return r.ok || !deleted ? r : { ok: true, scenario: current, ids: [] };
        },
        { select: [] },
      );
    },

    copySelection: () => {
      const { scenario, selection } = get();
      const clip = copyElements(scenario, selection);
      if (clip === null) return null;
      pasteCount = 0;
      set({ clipboard: clip });
      const count = selection.filter((id) => locateElement(scenario, id) !== null).length;
      get().showToast(`Copied ${count} element${count === 1 ? '' : 's'}.`);
      return clipboardToText(clip);
    },
    paste: (text) => {
      let clip = get().clipboard;
      if (text !== undefined && text.trim() !== '') {
        const read = clipboardFromText(text);
        if (!read.ok) {
          get().showToast(read.reason, 'refused');
          return;
        }
        clip = read.clipboard;
      }
      if (clip === null) {
        get().showToast('Nothing to paste: select elements and copy them first (Ctrl+C).', 'refused');
        return;
      }
      const from = clip;
      pasteCount++;
      const offset: Position = { x: 40 * pasteCount, y: 40 * pasteCount };
      let pasted: readonly string[] = [];
      const ok = get().apply((s) => {
        const r = pasteElements(s, from, offset);
        if (r.ok) pasted = r.ids;
        return r;
      });
      if (ok) set(selecting([...pasted]));
    },

    newScenario: () => {
      if (get().viewer) return;
      const previous = titleOf(get().scenario);
      const empty = createEmptyScenario();
      open(empty, validateScenario(empty), false);
      set({ notice: { message: `New scenario. “${previous}” is one undo away (Ctrl+Z).`, canRestore: false } });
    },

    openFile: (name, text) => {
      const outcome = loadScenarioText(text);
      if (outcome.scenario === null) {
        set({
          loadError: {
            title: `${name} could not be opened`,
            messages: outcome.errors.map(formatDiagnostic),
          },
        });
        return;
      }
      if (outcome.errors.length > 0 || outcome.repairs.length > 0) {
        set({
          pendingFile: {
            name,
            scenario: outcome.scenario,
            errors: outcome.errors,
            warnings: outcome.warnings,
            repairs: outcome.repairs,
          },
        });
        return;
      }
      open(outcome.scenario, outcome, false);
      set({
        notice: { message: `Opened ${name}. Undo (Ctrl+Z) brings back what was open before.`, canRestore: false },
      });
    },
    confirmPendingFile: () => {
      const pending = get().pendingFile;
      if (pending === null) return;
      open(pending.scenario, pending, false);
    },
    cancelPendingFile: () => set({ pendingFile: null }),

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
      // A challenge leaves the solution out of the document itself, so the inspector cannot show it.
      const scenario = options.challenge ? stripSolution(outcome.scenario) : outcome.scenario;
      const diagnostics = scenario === outcome.scenario ? outcome : validateScenario(scenario);
      if (options.view) {
        open(scenario, diagnostics, true, options.challenge);
        // The viewer is for watching (slides, embedding): the run's events, not the traffic's fields.
        set({ bottomTab: 'events' });
      } else offer(scenario, diagnostics, { challenge: options.challenge });
      // Codecs 1 and 2 carry no checksum: say so (docs/architecture.md "Share links").
      if (!outcome.verified) set({ notice: { message: UNVERIFIED_LINK_NOTICE, canRestore: false } });
    },

    openLibraryScenario: (scenario, diagnostics) => offer(scenario, diagnostics, { origin: 'library' }),

    confirmPendingLink: () => {
      const pending = get().pendingLink;
      if (pending === null) return;
      const work = currentWork();
      write(storage, PREVIOUS_KEY, JSON.stringify(work));
      open(pending.scenario, pending.diagnostics, false, pending.challenge);
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
      const { scenario, diagnostics, viewer, challenge } = get();
      if (viewer) offer(scenario, diagnostics, { challenge });
    },

    acceptAutosaveRepairs: () => {
      write(storage, ORIGINAL_KEY, null);
      set({ autosaveRepairs: null });
    },
    autosaveOriginal: () => read(storage, ORIGINAL_KEY),

    showOtherTabScenario: () => {
      const other = get().otherTab;
      if (other === null) return;
      const mine = get().scenario;
      write(storage, PREVIOUS_KEY, JSON.stringify(mine));
      writeTabCopy(storage, thisTab.id, null);
      thisTab.base = other.text;
      thisTab.saved = other.scenario;
      open(other.scenario, other.diagnostics, false);
      set({
        otherTab: null,
        notice: {
          message: `Showing the scenario the other tab saved. “${titleOf(mine)}” from this tab was kept.`,
          canRestore: true,
        },
      });
    },
    keepThisTabScenario: () => {
      if (get().otherTab === null) return;
      writeTabCopy(storage, thisTab.id, null);
      // Saving over the other tab's autosave is now the user's choice: that tab keeps its
      // scenario open and is asked in its turn.
      thisTab.base = read(storage, AUTOSAVE_KEY);
      thisTab.saved = null;
      set({ otherTab: null });
      thisTab.save();
    },
    openRecovered: () => {
      const found = get().recovered;
      if (found === null) return;
      const stored = storedFromText(found.text);
      writeTabCopy(storage, found.tab, null);
      set({ recovered: null });
      if (stored.problem !== null) {
        set({ loadError: { title: `“${found.title}” could not be opened`, messages: [stored.problem] } });
        return;
      }
      const work = get().scenario;
      write(storage, PREVIOUS_KEY, JSON.stringify(work));
      open(stored.scenario, stored.diagnostics, false);
      set({
        notice: { message: `Opened “${found.title}” from another tab. “${titleOf(work)}” was kept.`, canRestore: true },
      });
    },
    discardRecovered: () => {
      const found = get().recovered;
      if (found !== null) writeTabCopy(storage, found.tab, null);
      set({ recovered: null });
    },
    reportLoadFailure: (title, error) =>
      set({ loadError: { title, messages: [error instanceof Error ? error.message : String(error)] } }),
  };
});

let pasteCount = 0;

function initialState(
  stored: StoredScenario | null,
): Pick<
  AppState,
  | 'scenario'
  | 'diagnostics'
  | 'validating'
  | 'selection'
  | 'focusPath'
  | 'viewer'
  | 'challenge'
  | 'loadError'
  | 'notice'
  | 'toast'
  | 'pendingLink'
  | 'pendingFile'
  | 'revision'
  | 'past'
  | 'future'
  | 'dragging'
  | 'clipboard'
  | 'bottomTab'
  | 'rightPanel'
  | 'autosaveRepairs'
  | 'otherTab'
  | 'recovered'
> {
  const start = stored ?? defaultStored();
  return {
    scenario: start.scenario,
    diagnostics: start.diagnostics,
    validating: false,
    selection: [],
    focusPath: null,
    viewer: false,
    challenge: false,
    loadError: null,
    notice:
      start.problem === null
        ? null
        : {
            message: `The autosaved scenario could not be read (${start.problem}); the default lab is open instead.`,
            canRestore: false,
          },
    toast: null,
    pendingLink: null,
    pendingFile: null,
    revision: 0,
    past: [],
    future: [],
    dragging: null,
    clipboard: null,
    bottomTab: 'run',
    rightPanel: panelForNewDocument(start.scenario),
    autosaveRepairs: start.repairs.length > 0 ? start.repairs : null,
    otherTab: null,
    recovered: null,
  };
}

/** Autosave waits this long after the last change (a drag or typing), and is flushed on leaving. */
const AUTOSAVE_DELAY_MS = 200;

/** A tab's id, for the copies of its work kept aside (random: it only tells open tabs apart). */
function newTabId(): string {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * This tab's side of the autosave. Every tab of the browser shares one autosave (localStorage), so
 * a tab writes it only while it still holds what this tab last read or wrote there (`base`):
 * otherwise another tab saved in between, and overwriting it would silently lose that tab's work.
 * The user then chooses (`otherTab`), and meanwhile this tab's work is kept under its own id
 * (TAB_COPIES_KEY), so closing either tab loses nothing; a later visit offers what was left there.
 */
const thisTab = {
  id: newTabId(),
  /** The autosave text this tab last read or wrote. */
  base: null as string | null,
  /** The document last written (to the autosave or to this tab's copy). */
  saved: null as Scenario | null,
  save: () => {},
};

/** Where another tab's writes to storage are heard (the window's `storage` event in the page). */
export type StorageEvents = (listener: (key: string | null, newValue: string | null) => void) => () => void;

/**
 * Starts from the autosave (or the default lab), then keeps the autosave current: a change of
 * the user's scenario is written once edits pause, and at once when the page is hidden or left,
 * so a reload restores exactly what was there. The viewer's scenario is someone else's and is
 * not saved. With `events`, a write of another tab is noticed at once (else at this tab's next
 * save). Returns `flush` (write now) and `stop`.
 */
export function startAutosave(events?: StorageEvents): { flush: () => void; stop: () => void } {
  thisTab.base = read(storage, AUTOSAVE_KEY);
  thisTab.saved = null;
  const recovered = [...readTabCopies(storage)].find(([, copy]) => copy.text !== thisTab.base);
  useAppStore.setState((s) => ({
    ...initialState(readAutosave(storage)),
    recovered: recovered === undefined ? null : { tab: recovered[0], ...recovered[1] },
    revision: s.revision + 1,
  }));
  const start = performance.now();
  validateScenario(useAppStore.getState().scenario);
  lastValidationMs = performance.now() - start;
  let timer: ReturnType<typeof setTimeout> | null = null;

  /** Another tab's autosave is not this tab's: hold this tab's work aside and ask. */
  const conflict = (text: string) => {
    const other = storedFromText(text);
    if (other.problem !== null) return false; // not a Hairpin document: nothing of anyone's to keep
    useAppStore.setState({ otherTab: { scenario: other.scenario, diagnostics: other.diagnostics, text } });
    return true;
  };

  const save = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    const state = useAppStore.getState();
    if (state.viewer || state.scenario === thisTab.saved) return;
    let text: string;
    try {
      text = JSON.stringify(state.scenario);
    } catch {
      return; // a failed save costs the autosave, never the page
    }
    thisTab.saved = state.scenario;
    const current = read(storage, AUTOSAVE_KEY);
    const overwrites = current !== null && current !== thisTab.base && current !== text;
    if (state.otherTab !== null || (overwrites && conflict(current))) {
      writeTabCopy(storage, thisTab.id, { title: titleOf(state.scenario), text });
      return;
    }
    write(storage, AUTOSAVE_KEY, text);
    thisTab.base = text;
  };
  thisTab.save = save;
  save();
  const stopSaving = useAppStore.subscribe((state, previous) => {
    if (state.scenario === previous.scenario && state.viewer === previous.viewer) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(save, AUTOSAVE_DELAY_MS);
  });
  const stopListening = events?.((key, text) => {
    if (key !== AUTOSAVE_KEY || text === null || text === thisTab.base) return;
    const state = useAppStore.getState();
    // The viewer's work is the autosave itself, and a tab showing the very same document loses nothing.
    if (state.viewer || text === JSON.stringify(state.scenario)) {
      thisTab.base = text;
      return;
    }
    conflict(text);
  });
  return {
    flush: save,
    stop: () => {
      stopSaving();
      stopListening?.();
    },
  };
}
