import { useAppStore } from '../store';
import { useModal } from './useModal';

/**
 * Asked when a share link or a library scenario would replace the user's own work (spec "Share links": never without
 * offering to keep it). A native modal dialog: focus stays inside, and Escape keeps the work.
 */
export function LinkDialog() {
  const pending = useAppStore((s) => s.pendingLink);
  const confirm = useAppStore((s) => s.confirmPendingLink);
  const keep = useAppStore((s) => s.keepCurrentScenario);
  const ref = useModal(pending !== null);
  const library = pending?.origin === 'library';

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="link-dialog-title"
      onCancel={(event) => {
        event.preventDefault();
        keep();
      }}
    >
      {pending !== null && (
        <>
          <h2 id="link-dialog-title" className="dialog-title">
            {library ? 'Open the library scenario?' : 'Open the linked scenario?'}
          </h2>
          <p>
            {library ? 'The library scenario is ' : 'The link holds '}
            <strong>{pending.scenario.title?.trim() ? pending.scenario.title : 'Untitled'}</strong>
            {pending.challenge ? ', a lesson opened as a challenge (its solution is hidden)' : ''}. Opening it replaces
            your current scenario, <strong>{pending.currentTitle}</strong>, which has changes saved only in this
            browser. If you open it, your scenario is kept and can be restored.
          </p>
          <div className="dialog-actions">
            <button type="button" className="button" onClick={keep}>
              Keep my current scenario
            </button>
            <button type="button" className="button button-primary" onClick={confirm}>
              {library ? 'Open the library scenario' : 'Open the linked scenario'}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
