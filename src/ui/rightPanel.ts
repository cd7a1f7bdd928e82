/**
 * The right-hand column shows one panel at a time: the element inspector, the packet inspector
 * or the lesson. Which one the user asked for last is one value, `rightPanel` in the app store
 * (store.ts), set by the actions that choose: selecting an element asks for its inspector, seeking
 * to an event (run/runStore.ts `seek`) for the packet inspector, the Lesson tab for the lesson.
 *
 * What is shown also depends on what there is to show, so it is derived here rather than kept in
 * step: the lesson needs a document with a lesson, the packet inspector a run that kept its trace
 * (a bulk run has no packets), and the viewer shows no element inspector and no lesson.
 */
import { useRunStore } from './run/runStore';
import { useAppStore } from './store';

export type RightPanel = 'element' | 'packet' | 'lesson';

export interface RightPanelContext {
  /** The document has a lesson. */
  readonly lesson: boolean;
  /** The read-only viewer of a `&view=1` link. */
  readonly viewer: boolean;
  /** The last run kept its trace, so there are packets to inspect. */
  readonly trace: boolean;
}

/** The panel the column shows for the one asked for; null: no column (the viewer without a packet). */
export function shownPanel(asked: RightPanel, { lesson, viewer, trace }: RightPanelContext): RightPanel | null {
  if (asked === 'packet' && trace) return 'packet';
  if (viewer) return null;
  if (asked === 'lesson' && lesson) return 'lesson';
  return 'element';
}

/** The panel of the right-hand column to show now, null for none. */
export function useShownPanel(): RightPanel | null {
  const asked = useAppStore((s) => s.rightPanel);
  const lesson = useAppStore((s) => s.scenario.lesson !== undefined);
  const viewer = useAppStore((s) => s.viewer);
  const trace = useRunStore((s) => s.summary?.mode === 'trace');
  return shownPanel(asked, { lesson, viewer, trace });
}
