import { useAppStore } from '../store';

export function Header() {
  const title = useAppStore((s) => s.scenario.title);
  const viewer = useAppStore((s) => s.viewer);
  const errors = useAppStore((s) => s.diagnostics.errors.length);
  const warnings = useAppStore((s) => s.diagnostics.warnings.length);
  const editViewedScenario = useAppStore((s) => s.editViewedScenario);
  const problems = [
    errors > 0 && `${errors} error${errors === 1 ? '' : 's'}`,
    warnings > 0 && `${warnings} warning${warnings === 1 ? '' : 's'}`,
  ]
    .filter(Boolean)
    .join(', ');

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
      </div>
      <div className="header-actions" role="toolbar" aria-label="Scenario actions">
        {problems !== '' && (
          <span className={`badge ${errors > 0 ? 'badge-error' : 'badge-warning'}`} title="Listed in the inspector">
            {problems}
          </span>
        )}
        {viewer && (
          <button type="button" className="button" onClick={editViewedScenario}>
            Open for editing
          </button>
        )}
      </div>
    </header>
  );
}
