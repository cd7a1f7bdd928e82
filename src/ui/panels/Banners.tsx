import { useAppStore } from '../store';

/** The error of a link that could not be opened, and notices; drawn over the top of the canvas. */
export function Banners() {
  const loadError = useAppStore((s) => s.loadError);
  const notice = useAppStore((s) => s.notice);
  const dismissError = useAppStore((s) => s.dismissError);
  const dismissNotice = useAppStore((s) => s.dismissNotice);
  const restorePrevious = useAppStore((s) => s.restorePrevious);
  if (loadError === null && notice === null) return null;
  return (
    <div className="banners">
      {loadError !== null && (
        <div className="banner banner-error" role="alert">
          <div className="banner-body">
            <strong className="banner-title">{loadError.title}</strong>
            <ul className="banner-messages">
              {loadError.messages.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
            <p className="banner-note">Your current scenario is unchanged.</p>
          </div>
          <button type="button" className="button button-quiet" onClick={dismissError}>
            Dismiss
          </button>
        </div>
      )}
      {notice !== null && (
        <div className="banner banner-notice" role="status">
          <div className="banner-body">{notice.message}</div>
          {notice.canRestore && (
            <button type="button" className="button" onClick={restorePrevious}>
              Restore previous
            </button>
          )}
          <button type="button" className="button button-quiet" onClick={dismissNotice}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
