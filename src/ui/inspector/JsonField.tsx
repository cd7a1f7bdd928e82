import { useEffect, useId, useState } from 'react';
import { getAt, setField } from '../../scenario/edit';
import { parseJson } from '../../scenario/parseJson';
import { useAppStore } from '../store';
import { pathText, useProblemsAt } from './forms';

/**
 * Events and the lesson, edited as JSON (their shapes are many and rarely changed by hand on a
 * canvas): applied when valid JSON, undoable, and checked by the same validation as the rest.
 */
export function JsonField({
  label,
  path,
  readOnly,
}: {
  label: string;
  path: readonly (string | number)[];
  readOnly: boolean;
}) {
  const id = useId();
  const value = useAppStore((s) => getAt(s.scenario, path));
  const text = value === undefined ? '' : JSON.stringify(value, null, 2);
  const [draft, setDraft] = useState(text);
  const [problem, setProblem] = useState<string | null>(null);
  const { errors, warnings } = useProblemsAt(pathText(path));
  useEffect(() => {
    setDraft(text);
    setProblem(null);
  }, [text]);
  const apply = () => {
    if (draft === text) return;
    if (draft.trim() === '') {
      useAppStore.getState().apply((s) => setField(s, path, undefined));
      return;
    }
    // The pipeline's parser: a line and column on error, and the document's depth limit counted
    // from this field down (a deeper value could not be saved and read back).
    const parsed = parseJson(draft, path.length);
    if (!parsed.ok) {
      setProblem(parsed.error.message);
      return;
    }
    setProblem(null);
    useAppStore.getState().apply((s) => setField(s, path, parsed.value));
  };
  return (
    <details className="json-field">
      <summary>
        {label}{' '}
        <span className="muted">
          {Array.isArray(value) ? `(${value.length})` : value === undefined ? '(none)' : ''}
        </span>
        {errors.length > 0 && <span className="badge badge-error">{errors.length}</span>}
      </summary>
      <label htmlFor={id} className="visually-hidden">
        {label} as JSON
      </label>
      <textarea
        id={id}
        value={draft}
        disabled={readOnly}
        rows={8}
        spellCheck={false}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={apply}
      />
      {problem !== null && <p className="form-error">{problem}</p>}
      <ul className="form-problems">
        {[...errors, ...warnings].map((d) => (
          <li key={`${d.path}${d.message}`} className={errors.includes(d) ? 'form-error' : 'form-warning'}>
            {d.path}: {d.message}
          </li>
        ))}
      </ul>
    </details>
  );
}
