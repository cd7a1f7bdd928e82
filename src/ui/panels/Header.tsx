import { useReactFlow } from '@xyflow/react';
import { useEffect, useRef, useState } from 'react';
import { createShareLink, type Scenario } from '../../scenario';
import { autoLayout } from '../canvas/layout';
import { stripSolution } from '../lesson/solution';
import { useLibraryStore } from '../library/LibraryDialog';
import { useAppStore } from '../store';
import { canvasPng } from '../workshop/exportPng';
import { download, slugOf } from '../workshop/exportTable';
import { usePresenterStore } from '../workshop/presenter';
import { formatProblemCount } from './Inspector';

const FIT = { padding: 0.08, maxZoom: 1.25 };

function fileNameOf(title: string | undefined): string {
  const slug = (title ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${slug === '' ? 'scenario' : slug}.hairpin.json`;
}

/** Downloads the document as written (not after defaults), pretty-printed. */
function saveFile(): void {
  const { scenario } = useAppStore.getState();
  const blob = new Blob([`${JSON.stringify(scenario, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileNameOf(scenario.title);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export interface ShareOptions {
  /** `&view=1`: the read-only viewer. */
  readonly view: boolean;
  /** `&lesson=challenge`: the lesson without its solution (taken out before encoding). */
  readonly challenge: boolean;
}

/** The share link of `scenario` with the spec's options ("Share links"). */
export function shareLinkOf(scenario: Scenario, options: ShareOptions, base: string): string {
  const document = options.challenge ? stripSolution(scenario) : scenario;
  return `${createShareLink(document, base)}${options.view ? '&view=1' : ''}${options.challenge ? '&lesson=challenge' : ''}`;
}

/** Presenter mode on P (outside fields and dialogs), like the header's toggle. */
function usePresenterKey() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() !== 'p' || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target;
      if (t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      if (document.querySelector('dialog[open]') !== null) return;
      e.preventDefault();
      usePresenterStore.getState().toggle();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export function Header() {
  const title = useAppStore((s) => s.scenario.title);
  const viewer = useAppStore((s) => s.viewer);
  const errors = useAppStore((s) => s.diagnostics.errors.length);
  const warnings = useAppStore((s) => s.diagnostics.warnings.length);
  const canUndo = useAppStore((s) => s.past.length > 0 && !s.viewer);
  const canRedo = useAppStore((s) => s.future.length > 0 && !s.viewer);
  const editViewedScenario = useAppStore((s) => s.editViewedScenario);
  const setBottomTab = useAppStore((s) => s.setBottomTab);
  const hasSolution = useAppStore((s) => s.scenario.lesson?.solution !== undefined);
  const presenter = usePresenterStore((s) => s.presenter);
  const { fitView, getNodes, getNodesBounds } = useReactFlow();
  const fileInput = useRef<HTMLInputElement>(null);
  const [share, setShare] = useState<({ link: string; copied: boolean } & ShareOptions) | null>(null);
  const [exporting, setExporting] = useState(false);
  const problems = formatProblemCount(errors, warnings);
  usePresenterKey();
  // Presenter mode changes the columns (no palette, a wider side): fit the scenario to the new canvas.
  useEffect(
    () =>
      usePresenterStore.subscribe((state, previous) => {
        if (state.presenter !== previous.presenter) requestAnimationFrame(() => fitView(FIT));
      }),
    [fitView],
  );

  const shareLink = async (options: ShareOptions = { view: false, challenge: false }) => {
    const link = shareLinkOf(
      useAppStore.getState().scenario,
      options,
      window.location.origin + window.location.pathname,
    );
    let copied = false;
    try {
      await navigator.clipboard.writeText(link);
      copied = true;
    } catch {
      copied = false; // no clipboard permission: the link is shown to copy by hand
    }
    setShare({ link, copied, ...options });
  };

  const exportPng = async () => {
    const root = document.querySelector<HTMLElement>('.app-canvas .react-flow');
    const nodes = getNodes();
    if (root === null || nodes.length === 0) {
      useAppStore.getState().showToast('The canvas is empty: there is nothing to export.');
      return;
    }
    setExporting(true);
    try {
      const blob = await canvasPng(root, getNodesBounds(nodes));
      download(`${slugOf(useAppStore.getState().scenario.title)}.png`, blob);
    } catch (error) {
      useAppStore
        .getState()
        .showToast(`The PNG could not be made: ${error instanceof Error ? error.message : String(error)}.`);
    } finally {
      setExporting(false);
    }
  };

  const workshopButtons = (
    <div className="toolbar-group">
      <button
        type="button"
        className="button"
        title="Download the whole canvas as a PNG image"
        disabled={exporting}
        onClick={() => void exportPng()}
      >
        {exporting ? 'Exporting…' : 'Export PNG'}
      </button>
      <button
        type="button"
        className="button"
        aria-pressed={presenter}
        title="Presenter mode: large type, slow playback, a large event list (P)"
        aria-keyshortcuts="P"
        onClick={() => usePresenterStore.getState().toggle()}
      >
        Presenter
      </button>
    </div>
  );

  return (
    <header className="app-header">
      <div className="brand">
        <svg className="brand-mark" viewBox="0 0 24 24" aria-hidden="true">
          <path d="M6 21V10a6 6 0 0 1 12 0v9" />
          <path d="M14.5 16l3.5 3.5 3.5-3.5" />
        </svg>
        <span className="brand-name">Hairpin</span>
      </div>
      <div className="header-title">
        <h1 className="scenario-title">{title?.trim() ? title : 'Untitled scenario'}</h1>
        {viewer && (
          <span className="badge badge-viewer" title="Opened from a view-only link; nothing here is saved">
            Viewer
          </span>
        )}
        {problems !== '' && (
          <button
            type="button"
            className={`badge ${errors > 0 ? 'badge-error' : 'badge-warning'}`}
            title="Show them in the Problems panel"
            onClick={() => setBottomTab('problems')}
          >
            {problems}
          </button>
        )}
      </div>
      <div className="header-actions" role="toolbar" aria-label="Scenario actions">
        {viewer ? (
          <>
            {workshopButtons}
            <button type="button" className="button" onClick={editViewedScenario}>
              Open for editing
            </button>
          </>
        ) : (
          <>
            <div className="toolbar-group toolbar-edit">
              <button type="button" className="button" onClick={() => useAppStore.getState().newScenario()}>
                New
              </button>
              <button type="button" className="button" onClick={() => useLibraryStore.getState().setOpen(true)}>
                Library
              </button>
              <button type="button" className="button" onClick={() => fileInput.current?.click()}>
                Open…
              </button>
              <input
                ref={fileInput}
                type="file"
                accept=".json,application/json"
                className="visually-hidden"
                aria-label="Open a scenario file"
                tabIndex={-1}
                onChange={async (e) => {
                  const file = e.target.files?.[0];
                  e.target.value = '';
                  if (file === undefined) return;
                  useAppStore.getState().openFile(file.name, await file.text());
                }}
              />
              <button type="button" className="button" onClick={saveFile}>
                Save
              </button>
              <button type="button" className="button" onClick={() => void shareLink()}>
                Share link
              </button>
            </div>
            <div className="toolbar-group toolbar-edit">
              <button
                type="button"
                className="button icon-only"
                aria-label="Undo"
                title="Undo (Ctrl+Z)"
                aria-keyshortcuts="Control+Z"
                disabled={!canUndo}
                onClick={() => useAppStore.getState().undo()}
              >
                ↶
              </button>
              <button
                type="button"
                className="button icon-only"
                aria-label="Redo"
                title="Redo (Ctrl+Shift+Z)"
                aria-keyshortcuts="Control+Shift+Z"
                disabled={!canRedo}
                onClick={() => useAppStore.getState().redo()}
              >
                ↷
              </button>
            </div>
            <div className="toolbar-group toolbar-edit">
              <button
                type="button"
                className="button"
                title="Lay every element out again, from the document"
                onClick={() => {
                  useAppStore.getState().apply((s) => ({ ...s, layout: autoLayout(s) }));
                  requestAnimationFrame(() => fitView(FIT));
                }}
              >
                Auto layout
              </button>
            </div>
            {workshopButtons}
          </>
        )}
        <button type="button" className="button" onClick={() => fitView(FIT)}>
          Zoom to fit
        </button>
      </div>
      {share !== null && (
        <div className="share-popover" role="dialog" aria-label="Share link">
          <p className="share-status" role="status">
            {share.copied ? 'Link copied' : 'Copy this link'} · {share.link.length.toLocaleString('en')} characters
          </p>
          <input
            className="share-link"
            type="text"
            readOnly
            value={share.link}
            aria-label="Share link"
            onFocus={(e) => e.target.select()}
          />
          <fieldset className="share-options">
            <legend className="visually-hidden">Link options</legend>
            <label>
              <input
                type="checkbox"
                checked={share.view}
                onChange={(e) => void shareLink({ view: e.target.checked, challenge: share.challenge })}
              />
              Read-only viewer (for slides and embedding)
            </label>
            {(hasSolution || share.challenge) && (
              <label>
                <input
                  type="checkbox"
                  checked={share.challenge}
                  onChange={(e) => void shareLink({ view: share.view, challenge: e.target.checked })}
                />
                Challenge: the lesson without its solution
              </label>
            )}
          </fieldset>
          <p className="muted share-note">The scenario travels in the link’s fragment: it never reaches a server.</p>
          <button type="button" className="button button-small" onClick={() => setShare(null)}>
            Close
          </button>
        </div>
      )}
    </header>
  );
}
