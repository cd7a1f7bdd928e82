import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { create } from 'zustand';
import { useModal } from '../panels/useModal';
import { useAppStore } from '../store';
import { fetchLibraryIndex, fetchLibraryScenario, filterLibrary, type LibraryEntry, tagsOf } from './library';

/** Whether the library is open (the header's Library button, and the dialog's own close). */
export const useLibraryStore = create<{ open: boolean; setOpen(open: boolean): void }>()((set) => ({
  open: false,
  setOpen: (open) => set({ open }),
}));

type IndexState =
  | { readonly state: 'loading' }
  | { readonly state: 'ready'; readonly entries: LibraryEntry[]; readonly problems: string[] }
  | { readonly state: 'failed'; readonly message: string };

/**
 * The built-in scenarios: search, a tag filter, and Open. Opening replaces the document the way a
 * share link does — never the user's work without offering to keep it (store.ts `offer`).
 */
export function LibraryDialog() {
  const open = useLibraryStore((s) => s.open);
  const setOpen = useLibraryStore((s) => s.setOpen);
  const ref = useModal(open);
  const [index, setIndex] = useState<IndexState>({ state: 'loading' });
  const [query, setQuery] = useState('');
  const [tag, setTag] = useState<string | null>(null);
  const [opening, setOpening] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const load = useCallback(() => {
    setIndex({ state: 'loading' });
    fetchLibraryIndex().then(
      (r) => setIndex({ state: 'ready', ...r }),
      (e: unknown) => setIndex({ state: 'failed', message: e instanceof Error ? e.message : String(e) }),
    );
  }, []);
  // Read on first opening; a failed read is tried again by the user (Try again), not on every open.
  const requested = useRef(false);
  useEffect(() => {
    if (!open || requested.current) return;
    requested.current = true;
    load();
  }, [open, load]);

  const entries = index.state === 'ready' ? index.entries : [];
  const tags = useMemo(() => tagsOf(entries), [entries]);
  const shown = useMemo(() => filterLibrary(entries, query, tag), [entries, query, tag]);

  const close = () => {
    setOpen(false);
    setFailure(null);
  };
  const openEntry = async (entry: LibraryEntry) => {
    setOpening(entry.file);
    setFailure(null);
    try {
      const loaded = await fetchLibraryScenario(entry.file);
      close();
      useAppStore.getState().openLibraryScenario(loaded.scenario, loaded);
    } catch (e) {
      setFailure(e instanceof Error ? e.message : String(e));
    } finally {
      setOpening(null);
    }
  };

  return (
    <dialog
      ref={ref}
      className="dialog library-dialog"
      aria-labelledby="library-title"
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
    >
      {open && (
        <>
          <div className="library-head">
            <h2 id="library-title" className="dialog-title">
              Scenario library
            </h2>
            <button type="button" className="button button-quiet" onClick={close}>
              Close
            </button>
          </div>
          <p className="muted library-intro">
            The seeds’ situations, each with a lesson: open one, press Run, then follow the Lesson tab.
          </p>
          <div className="library-filters">
            <input
              type="search"
              className="library-search"
              placeholder="Search by title, seed or tag"
              aria-label="Search the library"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
            <fieldset className="library-tags" aria-label="Filter by tag">
              <button type="button" className="chip" aria-pressed={tag === null} onClick={() => setTag(null)}>
                all
              </button>
              {tags.map((t) => (
                <button
                  key={t}
                  type="button"
                  className="chip"
                  aria-pressed={tag === t}
                  onClick={() => setTag(tag === t ? null : t)}
                >
                  {t}
                </button>
              ))}
            </fieldset>
          </div>
          {failure !== null && (
            <p className="library-error" role="alert">
              {failure}
            </p>
          )}
          {index.state === 'loading' && <p className="muted library-status">Loading the library…</p>}
          {index.state === 'failed' && (
            <div className="library-error" role="alert">
              <p>The library could not be loaded: {index.message}</p>
              <button type="button" className="button button-small" onClick={load}>
                Try again
              </button>
            </div>
          )}
          {index.state === 'ready' && index.problems.length > 0 && (
            <p className="library-error" role="alert">
              Some entries were left out: {index.problems.join('; ')}
            </p>
          )}
          {index.state === 'ready' && (
            <>
              <p className="muted library-status" role="status">
                {shown.length === entries.length
                  ? `${entries.length} scenarios`
                  : `${shown.length} of ${entries.length} scenarios`}
              </p>
              <ul className="library-list" aria-label="Library scenarios">
                {shown.map((entry) => (
                  <li key={entry.file} className="library-entry">
                    <div className="library-entry-text">
                      <span className="library-entry-title">{entry.title}</span>
                      {entry.seed !== '' && <span className="library-entry-seed">{entry.seed}</span>}
                      <span className="library-entry-tags">
                        {entry.tags.map((t) => (
                          <span key={t} className="tag">
                            {t}
                          </span>
                        ))}
                      </span>
                    </div>
                    <button
                      type="button"
                      className="button"
                      aria-label={`Open ${entry.title}`}
                      disabled={opening !== null}
                      onClick={() => void openEntry(entry)}
                    >
                      {opening === entry.file ? 'Opening…' : 'Open'}
                    </button>
                  </li>
                ))}
                {shown.length === 0 && <li className="muted library-status">No scenario matches.</li>}
              </ul>
            </>
          )}
        </>
      )}
    </dialog>
  );
}
