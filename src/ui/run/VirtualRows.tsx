import { type ReactNode, useEffect, useLayoutEffect, useRef, useState } from 'react';

export const ROW_HEIGHT = 26;
const OVERSCAN = 8;

/**
 * A list that draws only the rows in view (thousands of events would otherwise be thousands of
 * DOM nodes): a spacer as tall as every row, and the visible ones placed in it. `onRange` says
 * which rows are on screen (to read their page), and the selected row is scrolled into view when
 * it changes.
 */
export function VirtualRows({
  count,
  selected,
  label,
  onRange,
  onPick,
  renderRow,
}: {
  count: number;
  selected: number;
  label: string;
  onRange?: (first: number, last: number) => void;
  /** Arrow keys on the list choose the row above or below the selected one. */
  onPick?: (index: number) => void;
  renderRow: (index: number, style: React.CSSProperties) => ReactNode;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(0);
  const [height, setHeight] = useState(200);

  useLayoutEffect(() => {
    const el = box.current;
    if (el === null) return;
    setHeight(el.clientHeight);
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(count - 1, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);

  useEffect(() => {
    if (count > 0) onRange?.(first, last);
  }, [first, last, count, onRange]);

  useEffect(() => {
    const el = box.current;
    if (el === null || selected < 0) return;
    const y = selected * ROW_HEIGHT;
    if (y < el.scrollTop) el.scrollTop = y;
    else if (y + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = y + ROW_HEIGHT - el.clientHeight;
  }, [selected]);

  const rows: ReactNode[] = [];
  for (let i = first; i <= last; i++) {
    rows.push(renderRow(i, { position: 'absolute', top: i * ROW_HEIGHT, height: ROW_HEIGHT, left: 0, right: 0 }));
  }
  return (
    <div
      ref={box}
      className="virtual-rows"
      role="listbox"
      aria-label={label}
      tabIndex={0}
      onScroll={(e) => setTop(e.currentTarget.scrollTop)}
      onKeyDown={(e) => {
        if (onPick === undefined || count === 0) return;
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          e.preventDefault();
          onPick(Math.max(0, Math.min(count - 1, selected + (e.key === 'ArrowDown' ? 1 : -1))));
        }
      }}
    >
      <div style={{ height: count * ROW_HEIGHT, position: 'relative' }}>{rows}</div>
    </div>
  );
}
