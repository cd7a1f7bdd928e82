import { useEffect, useState } from 'react';
import { useAppStore } from '../store';

/** The last action's message (a refused connection says why), over the bottom of the canvas. */
export function Toast() {
  const toast = useAppStore((s) => s.toast);
  const [shown, setShown] = useState(toast);
  useEffect(() => {
    setShown(toast);
    if (toast === null) return;
    const timer = setTimeout(() => setShown(null), 6000);
    return () => clearTimeout(timer);
  }, [toast]);
  return (
    <div className="toast-region" role="status" aria-live="polite">
      {shown !== null && (
        <div key={shown.serial} className={`toast toast-${shown.tone}`}>
          <span className="toast-message">
            {shown.tone === 'refused' && <strong>Not connected: </strong>}
            {shown.message}
          </span>
          <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => setShown(null)}>
            ×
          </button>
        </div>
      )}
    </div>
  );
}
