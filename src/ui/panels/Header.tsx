import { useReactFlow } from '@xyflow/react';
import { useRef, useState } from 'react';
import { createShareLink } from '../../scenario';
import { autoLayout } from '../canvas/layout';
import { useAppStore } from '../store';
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

export function Header() {
  const title = useAppStore((s) => s.scenario.title);
  const viewer = useAppStore((s) => s.viewer);
  const errors = useAppStore((s) => s.diagnostics.errors.length);
  const warnings = useAppStore((s) => s.diagnostics.warnings.length);
  const canUndo = useAppStore((s) => s.past.length > 0 && !s.viewer);
  const canRedo = useAppStore((s) => s.future.length > 0 && !s.viewer);
  const editViewedScenario = useAppStore((s) => s.editViewedScenario);
  const setBottomTab = useAppStore((s) => s.setBottomTab);
  const { fitView } = useReactFlow();
  const fileInput = useRef<HTMLInputElement>(null);
  const [share, setShare] = useState<{ link: string; copied: boolean } | null>(null);
  const problems = formatProblemCount(errors, warnings);

  const shareLink = async () => {
    const link = createShareLink(useAppStore.getState().scenario, window.location.origin + window.location.pathname);
    let copied = false;
    try {
      await navigator.clipboard.writeText(link);
      copied = true;
    } catch {
      copied = false; // no clipboard permission: the link is shown to copy by hand
    }
    setShare({ link, copied });
  };

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
          <button type="button" className="button" onClick={editViewedScenario}>
            Open for editing
          </button>
        ) : (
          <>
            <div className="toolbar-group">
              <button type="button" className="button" onClick={() => useAppStore.getState().newScenario()}>
                New
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
              <button type="button" className="button" onClick={shareLink}>
                Share link
              </button>
            </div>
            <div className="toolbar-group">
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
            <div className="toolbar-group">
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
          <p className="muted share-note">The scenario travels in the link’s fragment: it never reaches a server.</p>
          <button type="button" className="button button-small" onClick={() => setShare(null)}>
            Close
          </button>
        </div>
      )}
    </header>
  );
}
