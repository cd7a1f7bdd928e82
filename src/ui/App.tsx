import { ReactFlowProvider } from '@xyflow/react';
import { useEffect } from 'react';
import { duplicateElements } from '../scenario/edit';
import { Canvas } from './canvas/Canvas';
import { edgeIndexOf } from './canvas/edgeIndex';
import { PacketInspector } from './lazy';
import { LessonSide, useLessonTracking } from './lesson/LessonPanel';
import { LibraryDialog } from './library/LibraryDialog';
import { Banners } from './panels/Banners';
import { FileDialog } from './panels/FileDialog';
import { Header } from './panels/Header';
import { Inspector } from './panels/Inspector';
import { LinkDialog } from './panels/LinkDialog';
import { Palette } from './panels/Palette';
import { BottomPanel } from './panels/RunPanel';
import { Toast } from './panels/Toast';
import { PlaybackBar } from './playback/PlaybackBar';
import { useShownPanel } from './rightPanel';
import { useRunStore } from './run/runStore';
import { useAppStore } from './store';
import { usePresenterStore } from './workshop/presenter';

const isEditable = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (target.isContentEditable ||
    target.tagName === 'INPUT' ||
    target.tagName === 'TEXTAREA' ||
    target.tagName === 'SELECT');

/**
 * Editing shortcuts: undo and redo everywhere (they cover every edit, typing included); delete,
 * copy, paste and duplicate when focus is not in a field, where the keys belong to the text.
 * Copy and paste go through the system clipboard's `copy` and `paste` events (Ctrl+C, Ctrl+V,
 * the browser's menu), which need no permission prompt, so that elements paste into another tab
 * or scenario; the in-app clipboard is the fallback when the browser hands over no text.
 */
function useEditorKeys() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const store = useAppStore.getState();
      if (store.viewer || document.querySelector('dialog[open]') !== null) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === 'z') {
        e.preventDefault();
        if (e.shiftKey) store.redo();
        else store.undo();
        return;
      }
      if (mod && key === 'y') {
        e.preventDefault();
        store.redo();
        return;
      }
      if (isEditable(e.target)) return;
      if (e.key === 'Delete' || e.key === 'Backspace') {
        e.preventDefault();
        store.deleteSelection(edgeIndexOf(store.scenario));
      } else if (mod && key === 'd') {
        e.preventDefault();
        const ids = store.selection.filter((id) => !id.startsWith('edge:'));
        if (ids.length > 0) store.apply((s) => duplicateElements(s, ids), { select: 'result' });
      } else if (e.key === 'Escape') {
        store.select(null);
      }
    };
    const ignored = (e: ClipboardEvent) =>
      useAppStore.getState().viewer || document.querySelector('dialog[open]') !== null || isEditable(e.target);
    const onCopy = (e: ClipboardEvent) => {
      if (ignored(e) || document.getSelection()?.isCollapsed === false) return;
      const text = useAppStore.getState().copySelection();
      if (text === null) return;
      e.preventDefault();
      if (e.clipboardData !== null) e.clipboardData.setData('text/plain', text);
      else void navigator.clipboard?.writeText(text).catch(() => undefined); // the in-app copy remains
    };
    const onPaste = (e: ClipboardEvent) => {
      if (ignored(e)) return;
      e.preventDefault();
      useAppStore.getState().paste(e.clipboardData?.getData('text/plain') ?? undefined);
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('copy', onCopy);
    window.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('copy', onCopy);
      window.removeEventListener('paste', onPaste);
    };
  }, []);
}

/** The page: header, palette, canvas, inspector and the run and problems area on one CSS grid. */
export function App() {
  const viewer = useAppStore((s) => s.viewer);
  const shown = useShownPanel();
  const hasRun = useRunStore((s) => s.summary !== null);
  const presenter = usePresenterStore((s) => s.presenter);
  useEditorKeys();
  useLessonTracking();
  return (
    <ReactFlowProvider>
      <div
        className={`app${viewer ? ' is-viewer' : ''}${hasRun ? ' has-run' : ''}${presenter ? ' is-presenter' : ''}${shown === null ? ' no-side' : ''}`}
      >
        <Header />
        {!viewer && <Palette />}
        <main className="app-canvas" aria-label="Canvas">
          <Canvas />
          <PlaybackBar />
          <Banners />
          <Toast />
        </main>
        {/* The lesson (src/ui/lesson) shares the right-hand column with the inspectors. */}
        {/* The viewer (slides, embedding) is the canvas and the run: the packet inspector only. */}
        {shown !== null && (
          <LessonSide shown={shown}>{shown === 'packet' ? <PacketInspector /> : <Inspector />}</LessonSide>
        )}
        <BottomPanel />
        <LinkDialog />
        <FileDialog />
        <LibraryDialog />
      </div>
    </ReactFlowProvider>
  );
}
