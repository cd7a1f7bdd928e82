/**
 * Presenter mode (issue 7 §4): for a room watching a projector — large type (a class on the app
 * root, app.css "Workshop"), slow playback (0.25×, the speed before it restored when it ends) and
 * a taller event list.
 */
import { create } from 'zustand';
import { useRunStore } from '../run/runStore';

export const PRESENTER_SPEED = 0.25;

interface PresenterState {
  readonly presenter: boolean;
  /** The playback speed before presenter mode, brought back when it ends. */
  readonly speedBefore: number | null;
  toggle(): void;
}

export const usePresenterStore = create<PresenterState>()((set, get) => ({
  presenter: false,
  speedBefore: null,
  toggle() {
    const run = useRunStore.getState();
    if (!get().presenter) {
      set({ presenter: true, speedBefore: run.speed });
      run.setSpeed(PRESENTER_SPEED);
    } else {
      const before = get().speedBefore;
      set({ presenter: false, speedBefore: null });
      // Someone who chose another speed while presenting keeps it.
      if (before !== null && run.speed === PRESENTER_SPEED) run.setSpeed(before);
    }
  },
}));
