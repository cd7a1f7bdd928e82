import { useEffect, useState } from 'react';
import { formatTime } from '../run/describe';
import { SPEEDS, useRunStore } from '../run/runStore';

const ICON = {
  back: 'M5 3h2v10H5zM13 3v10L7.5 8z',
  forward: 'M9 3h2v10H9zM3 3v10l5.5-5z',
  play: 'M4 2.5v11L13.5 8z',
  pause: 'M4 3h3v10H4zM9 3h3v10H9z',
} as const;

function Icon({ d }: { d: string }) {
  return (
    <svg viewBox="0 0 16 16" aria-hidden="true">
      <path d={d} />
    </svg>
  );
}

/**
 * Playback of a trace run, floating over the canvas: play and pause, one event back and forward,
 * speed from 0.1× to 4×, a scrubber over the events of the current view, and jump to the next drop.
 * Shown once a trace run is there.
 */
export function PlaybackBar() {
  const summary = useRunStore((s) => s.summary);
  const playing = useRunStore((s) => s.playing);
  const cursor = useRunStore((s) => s.cursor);
  const viewCount = useRunStore((s) => s.viewCount);
  const speed = useRunStore((s) => s.speed);
  const current = useRunStore((s) => s.current);
  const connection = useRunStore((s) => s.filter.connection);
  const kind = useRunStore((s) => s.filter.kind);
  const follow = useRunStore((s) => s.follow);
  // The scrubber moves freely while dragged; the store seeks (reads a page) as it goes.
  const [scrub, setScrub] = useState<number | null>(null);
  useEffect(() => {
    if (scrub === null) return;
    const id = setTimeout(() => void useRunStore.getState().seek(scrub), 30);
    return () => clearTimeout(id);
  }, [scrub]);

  if (summary === null || summary.mode !== 'trace') return null;
  const store = useRunStore.getState();
  const position = scrub ?? cursor;
  const atEnd = cursor >= viewCount - 1;
  return (
    <section className="playback" aria-label="Playback">
      <div className="playback-buttons">
        <button
          type="button"
          className="playback-button"
          aria-label="Step back"
          title="One event back"
          disabled={cursor <= 0}
          onClick={() => void store.step(-1)}
        >
          <Icon d={ICON.back} />
        </button>
        {playing ? (
          <button type="button" className="playback-button is-primary" aria-label="Pause" onClick={() => store.pause()}>
            <Icon d={ICON.pause} />
          </button>
        ) : (
          <button
            type="button"
            className="playback-button is-primary"
            aria-label="Play"
            title={atEnd ? 'Play from the first event' : 'Play'}
            disabled={viewCount === 0}
            onClick={() => store.play()}
          >
            <Icon d={ICON.play} />
          </button>
        )}
        <button
          type="button"
          className="playback-button"
          aria-label="Step forward"
          title="One event forward"
          disabled={viewCount === 0 || atEnd}
          onClick={() => void store.step(1)}
        >
          <Icon d={ICON.forward} />
        </button>
        <button
          type="button"
          className="button button-quiet playback-drop"
          title="Jump to the next dropped packet"
          disabled={summary.dropCount === 0}
          onClick={() => void store.nextDrop()}
        >
          Next drop →
        </button>
      </div>
      <input
        className="playback-scrubber"
        type="range"
        min={0}
        max={Math.max(0, viewCount - 1)}
        value={Math.max(0, position)}
        aria-label="Timeline"
        aria-valuetext={current === null ? 'no event' : `event ${position + 1} at ${formatTime(current.event.at)}`}
        onChange={(e) => setScrub(Number(e.target.value))}
        onPointerUp={() => setScrub(null)}
        onKeyUp={() => setScrub(null)}
      />
      <span className="playback-position" aria-live="off">
        {cursor < 0 ? '—' : (cursor + 1).toLocaleString('en')} / {viewCount.toLocaleString('en')}
        <span className="muted"> · {current === null ? 'end of run' : formatTime(current.event.at)}</span>
      </span>
      <button
        type="button"
        className={`playback-follow${follow ? ' is-on' : ''}`}
        aria-pressed={follow}
        title={
          follow
            ? 'The canvas pans to keep the packet in view (panning by hand turns this off)'
            : 'Pan the canvas to keep the packet in view'
        }
        onClick={() => store.setFollow(!follow)}
      >
        Follow
      </button>
      <label className="playback-speed">
        <span className="visually-hidden">Speed</span>
        <select aria-label="Speed" value={speed} onChange={(e) => store.setSpeed(Number(e.target.value))}>
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
      </label>
      {(connection !== null || kind !== 'all') && (
        <span className="playback-filter">
          <span className="playback-filter-text" title={`Showing ${connection ?? kind} only`}>
            {connection ?? kind}
          </span>
          <button
            type="button"
            className="chip-close"
            aria-label="Show every event"
            onClick={() => void store.setFilter({ connection: null, kind: 'all' })}
          >
            ✕
          </button>
        </span>
      )}
    </section>
  );
}
