import { type RefObject, useEffect } from 'react';

/**
 * Closing a popover or menu the way people expect (WAI-ARIA menu button and disclosure patterns):
 * Escape closes it and gives the focus back to its button; a pointer press outside `root` (the
 * button and its popup) closes it, and when that press leaves the focus nowhere (on the page's
 * body), the focus goes back to the button too, so the keyboard carries on from where it was.
 */
export function useDismiss(
  open: boolean,
  root: RefObject<HTMLElement | null>,
  button: RefObject<HTMLElement | null>,
  close: () => void,
): void {
  useEffect(() => {
    if (!open) return;
    const inside = (target: EventTarget | null) => target instanceof Node && root.current?.contains(target) === true;
    const onPointerDown = (e: PointerEvent) => {
      if (inside(e.target)) return;
      close();
      // After the press has moved the focus (or not).
      requestAnimationFrame(() => {
        const active = document.activeElement;
        if (active === null || active === document.body) button.current?.focus();
      });
    };
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      close();
      button.current?.focus();
    };
    document.addEventListener('pointerdown', onPointerDown, true);
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown, true);
      document.removeEventListener('keydown', onKeyDown);
    };
  }, [open, root, button, close]);
}
