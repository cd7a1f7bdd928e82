import { useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { createShareLink, type Diagnostic, type Scenario } from '../../scenario';
import type { Result } from '../../shared/result';
import { autoLayout } from '../canvas/layout';
import { stripSolution } from '../lesson/solution';
import { useLibraryStore } from '../library/LibraryDialog';
import { useAppStore } from '../store';
import { canvasPng } from '../workshop/exportPng';
import { download, slugOf } from '../workshop/exportTable';
import { usePresenterStore } from '../workshop/presenter';
import { formatProblemCount } from './Inspector';
import { MenuButton } from './MenuButton';
import { useDismiss } from './useDismiss';

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

/** A 24×24 line icon of the toolbar, drawn in the text's colour. */
function Icon({ d }: { readonly d: string }) {
  return (
    <svg className="toolbar-icon" viewBox="0 0 24 24" aria-hidden="true">
      <path d={d} />
    </svg>
  );
}

export interface ShareOptions {
  /** `&view=1`: the read-only viewer. */
  readonly view: boolean;
  /** `&lesson=challenge`: the lesson without its solution (taken out before encoding). */
  readonly challenge: boolean;
}

/** The share link of `scenario` with the spec's options ("Share links"), or why it has none. */
export function shareLinkOf(scenario: Scenario, options: ShareOptions, base: string): Result<string, Diagnostic> {
  const document = options.challenge ? stripSolution(scenario) : scenario;
  const link = createShareLink(document, base);
  if (!link.ok) return link;
  return {
    ok: true,
    value: `${link.value}${options.view ? '&view=1' : ''}${options.challenge ? '&lesson=challenge' : ''}`,
  };
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
  // `link` null: the app makes no link it would refuse to open, and `refused` says why.
  const [share, setShare] = useState<({ link: string | null; refused: string; copied: boolean } & ShareOptions) | null>(
    null,
  );
  const [exporting, setExporting] = useState(false);
  const problems = formatProblemCount(errors, warnings);
  // The share popover: opened, the link takes the focus (selected, ready to copy); Escape, Close
  // or a press outside closes it and gives the focus back to Share link.
  const shareRoot = useRef<HTMLDivElement>(null);
  const shareButton = useRef<HTMLButtonElement>(null);
  const shareInput = useRef<HTMLInputElement>(null);
  const shareOpen = share !== null;
  useEffect(() => {
    if (shareOpen) shareInput.current?.focus();
  }, [shareOpen]);
  const closeShare = useCallback(() => setShare(null), []);
  useDismiss(shareOpen, shareRoot, shareButton, closeShare);
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
    const made = shareLinkOf(
      useAppStore.getState().scenario,
      options,
      window.location.origin + window.location.pathname,
    );
    if (!made.ok) {
      setShare({ link: null, refused: made.error.message, copied: false, ...options });
      return;
    }
    const link = made.value;
    let copied = false;
    try {
      await navigator.clipboard.writeText(link);
      copied = true;
    } catch {
      copied = false; // no clipboard permission: the link is shown to copy by hand
    }
    setShare({ link, refused: '', copied, ...options });
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

  const presenterButton = (
    <button
      type="button"
      className="button button-with-icon"
      aria-pressed={presenter}
      title="Presenter mode: large type, slow playback, a large event list (P)"
      aria-keyshortcuts="P"
      onClick={() => usePresenterStore.getState().toggle()}
    >
      <Icon d="M3 4h18v12H3zM12 16v4M8 20h8" />
      Presenter
    </button>
  );
  const zoomToFit = (
    <button
      type="button"
      className="button icon-only"
      aria-label="Zoom to fit"
      title="Zoom to fit: show the whole scenario"
      onClick={() => fitView(FIT)}
    >
      <Icon d="M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5" />
    </button>
  );
  const shownTitle = title?.trim() ? title : 'Untitled scenario';

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
        <h1 className="scenario-title" title={shownTitle}>
          {shownTitle}
        </h1>
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
              {zoomToFit}
            </div>
            <div className="toolbar-group">{presenterButton}</div>
            <button type="button" className="button button-primary" onClick={editViewedScenario}>
              Open for editing
            </button>
          </>
        ) : (
          <>
            <div className="toolbar-group">
              <MenuButton
                label="File"
                title="New, open, save, the library, export"
                items={[
                  {
                    label: 'New',
                    title: 'Start an empty scenario',
                    onSelect: () => useAppStore.getState().newScenario(),
                  },
                  {
                    label: 'Library…',
                    title: 'The built-in scenarios and their lessons',
                    onSelect: () => useLibraryStore.getState().setOpen(true),
                  },
                  {
                    label: 'Open…',
                    title: 'Open a scenario file',
                    separatorBefore: true,
                    onSelect: () => fileInput.current?.click(),
                  },
                  { label: 'Save', title: 'Download the scenario as a file', onSelect: saveFile },
                  {
                    label: 'Export PNG',
                    title: 'Download the whole canvas as a PNG image',
                    separatorBefore: true,
                    disabled: exporting,
                    onSelect: () => void exportPng(),
                  },
                ]}
              />
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
              <div className="share-anchor" ref={shareRoot}>
                <button
                  ref={shareButton}
                  type="button"
                  className="button button-with-icon"
                  title="Copy a link that opens this scenario"
                  onClick={() => void shareLink()}
                >
                  <Icon d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1" />
                  Share link
                </button>
                {share !== null && (
                  <div className="share-popover" role="dialog" aria-label="Share link">
                    {share.link === null ? (
                      <p className="share-status" role="alert">
                        No link: {share.refused}
                      </p>
                    ) : (
                      <>
                        <p className="share-status" role="status">
                          {share.copied ? 'Link copied' : 'Copy this link'} · {share.link.length.toLocaleString('en')}{' '}
                          characters
                        </p>
                        <input
                          ref={shareInput}
                          className="share-link"
                          type="text"
                          readOnly
                          value={share.link}
                          aria-label="Share link"
                          onFocus={(e) => e.target.select()}
                        />
                      </>
                    )}
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
                    <p className="muted share-note">
                      The scenario travels in the link’s fragment: it never reaches a server.
                    </p>
                    <button
                      type="button"
                      className="button button-small"
                      onClick={() => {
                        setShare(null);
                        shareButton.current?.focus();
                      }}
                    >
                      Close
                    </button>
                  </div>
                )}
              </div>
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
                <Icon d="M9 14L4 9l5-5M4 9h10.5a5.5 5.5 0 0 1 0 11H11" />
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
                <Icon d="M15 14l5-5-5-5M20 9H9.5a5.5 5.5 0 0 0 0 11H13" />
              </button>
            </div>
            <div className="toolbar-group">
              <button
                type="button"
                className="button icon-only toolbar-edit"
                aria-label="Auto layout"
                title="Auto layout: lay every element out again, from the document"
                onClick={() => {
                  useAppStore.getState().apply((s) => ({ ...s, layout: autoLayout(s) }));
                  requestAnimationFrame(() => fitView(FIT));
                }}
              >
                <Icon d="M4 4h6v6H4zM14 14h6v6h-6zM14 4h6v6h-6zM7 10v7h7" />
              </button>
              {zoomToFit}
            </div>
            <div className="toolbar-group">{presenterButton}</div>
          </>
        )}
      </div>
    </header>
  );
}
