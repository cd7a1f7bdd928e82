/**
 * Refitting the view when the canvas changes size (a window resized, presenter mode, a taller run
 * area), as long as the view is still the fit of the whole scenario: once the user pans or zooms
 * by hand (or Follow or a focused event moves it), their view is kept. Whether the view is the
 * fit is judged after every move by comparing it to the fit for the canvas's size, so that any
 * fit counts (the first view, Zoom to fit, presenter mode) without each one reporting itself.
 */
import { type FitViewOptions, getViewportForBounds, type ReactFlowState, useReactFlow, useStore } from '@xyflow/react';
import { useCallback, useEffect, useRef } from 'react';

/** Resizes come in bursts (a window dragged by its corner): refit once they stop. */
export const REFIT_DELAY_MS = 150;

const sizeOf = (s: ReactFlowState) => `${s.width}x${s.height}`;

/**
 * Returns the handler for the end of every move of the view; `revision` is the document's (a new
 * document is drawn fitted).
 */
export function useRefitOnResize(options: FitViewOptions & { padding: number; maxZoom: number }, revision: number) {
  const { fitView, getNodes, getNodesBounds, getViewport } = useReactFlow();
  const fitted = useRef(true);
  const size = useStore(sizeOf);
  const minZoom = useStore((s) => s.minZoom);

  // A new document is remounted and fitted (Canvas.tsx `key={revision}`).
  const fittedFor = useRef(revision);
  if (fittedFor.current !== revision) {
    fittedFor.current = revision;
    fitted.current = true;
  }

  const onMoveEnd = useCallback(() => {
    const nodes = getNodes();
    const [width, height] = size.split('x').map(Number) as [number, number];
    if (nodes.length === 0 || width === 0 || height === 0) return;
    const fit = getViewportForBounds(getNodesBounds(nodes), width, height, minZoom, options.maxZoom, options.padding);
    const now = getViewport();
    fitted.current = Math.abs(now.x - fit.x) < 1 && Math.abs(now.y - fit.y) < 1 && Math.abs(now.zoom - fit.zoom) < 1e-3;
  }, [getNodes, getNodesBounds, getViewport, size, minZoom, options]);

  const previous = useRef(size);
  useEffect(() => {
    const before = previous.current;
    previous.current = size;
    // The first measure of the pane is the first fit's, not a resize.
    if (before === size || before.startsWith('0x') || before.endsWith('x0') || !fitted.current) return;
    const timer = setTimeout(() => {
      if (fitted.current) void fitView(options);
    }, REFIT_DELAY_MS);
    return () => clearTimeout(timer);
  }, [size, fitView, options]);

  return onMoveEnd;
}
