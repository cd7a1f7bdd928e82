/**
 * A menu button as the WAI-ARIA Authoring Practices describe it: a button with
 * `aria-haspopup="menu"` opening a `role="menu"` of `menuitem`s. Arrow keys, Home and End move
 * between the items, Escape closes and gives the focus back to the button, Tab and a click
 * outside close it.
 */
import { type KeyboardEvent, type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';
import { useDismiss } from './useDismiss';

type Move = 'first' | 'last' | 1 | -1;

/** Focuses the first, last, next or previous enabled item of `menu`, wrapping around. */
function focusItemOf(menu: HTMLElement | null, which: Move): void {
  const list = [...(menu?.querySelectorAll<HTMLElement>('[role="menuitem"]:not(:disabled)') ?? [])];
  if (list.length === 0) return;
  const at = list.indexOf(document.activeElement as HTMLElement);
  const index = which === 'first' ? 0 : which === 'last' ? list.length - 1 : (at + which + list.length) % list.length;
  list[index]?.focus();
}

export interface MenuItem {
  readonly label: string;
  readonly onSelect: () => void;
  readonly disabled?: boolean;
  /** The tooltip: what the item does, in a sentence. */
  readonly title?: string;
  /** A line drawn above this item, to group the items. */
  readonly separatorBefore?: boolean;
}

export function MenuButton({
  label,
  items,
  title,
  icon,
}: {
  readonly label: string;
  readonly items: readonly MenuItem[];
  readonly title?: string;
  readonly icon?: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  const focusItem = (which: Move) => focusItemOf(menu.current, which);

  // Opened, the first item takes the focus; Escape or a pointer press anywhere outside closes it.
  useEffect(() => {
    if (open) focusItemOf(menu.current, 'first');
  }, [open]);
  const dismiss = useCallback(() => setOpen(false), []);
  useDismiss(open, root, button, dismiss);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  const onMenuKey = (e: KeyboardEvent) => {
    const moves: Record<string, Move> = {
      ArrowDown: 1,
      ArrowUp: -1,
      Home: 'first',
      End: 'last',
    };
    const move = moves[e.key];
    if (move !== undefined) {
      e.preventDefault();
      focusItem(move);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close(true);
    } else if (e.key === 'Tab') {
      setOpen(false);
    }
  };

  return (
    <div className="menu-button" ref={root}>
      <button
        ref={button}
        type="button"
        className="button menu-trigger"
        id={`${id}-button`}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? `${id}-menu` : undefined}
        title={title}
        onClick={() => setOpen(!open)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            setOpen(true);
            if (e.key === 'ArrowUp') requestAnimationFrame(() => focusItem('last'));
          }
        }}
      >
        {icon}
        {label}
        <svg className="menu-caret" viewBox="0 0 10 6" aria-hidden="true">
          <path d="M1 1l4 4 4-4" />
        </svg>
      </button>
      {open && (
        <div
          ref={menu}
          className="menu"
          role="menu"
          id={`${id}-menu`}
          aria-labelledby={`${id}-button`}
          tabIndex={-1}
          onKeyDown={onMenuKey}
        >
          {items.map((item) => (
            <div key={item.label} role="none" className={item.separatorBefore === true ? 'menu-group' : undefined}>
              <button
                type="button"
                role="menuitem"
                className="menu-item"
                tabIndex={-1}
                disabled={item.disabled}
                title={item.title}
                onClick={() => {
                  close(true);
                  item.onSelect();
                }}
              >
                {item.label}
              </button>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
