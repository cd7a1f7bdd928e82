import { formatDiagnostic } from '../../scenario';
import { useAppStore } from '../store';
import { useModal } from './useModal';

/**
 * A file that was read but has errors: its problems by field, and the choice. The current work
 * stays until the user opens the file anyway (and then one undo brings it back).
 */
export function FileDialog() {
  const pending = useAppStore((s) => s.pendingFile);
  const confirm = useAppStore((s) => s.confirmPendingFile);
  const cancel = useAppStore((s) => s.cancelPendingFile);
  const ref = useModal(pending !== null);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="file-dialog-title"
      onCancel={(event) => {
        event.preventDefault();
        cancel();
      }}
    >
      {pending !== null && (
        <>
          <h2 id="file-dialog-title" className="dialog-title">
            {pending.name} has problems
          </h2>
          <p>Your current scenario is unchanged. The file has these problems, by field:</p>
          <ul className="banner-messages dialog-problems">
            {pending.errors.map((d) => (
              <li key={`e${d.path}${d.message}`} className="form-error">
                {formatDiagnostic(d)}
              </li>
            ))}
            {pending.repairs.map((d) => (
              <li key={`r${d.path}${d.message}`} className="form-warning">
                {formatDiagnostic(d)}
              </li>
            ))}
          </ul>
          <div className="dialog-actions">
            <button type="button" className="button" onClick={cancel}>
              Keep my current scenario
            </button>
            <button type="button" className="button button-primary" onClick={confirm}>
              Open it anyway
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
