/**
 * The edges the canvas draws, by id, for what needs them outside the canvas: Delete removes a
 * selected relation (edit.ts `disconnect` takes its two ends), and the inspector describes it.
 * Written by the canvas whenever the document's flow changes.
 */
import type { EdgeEnds } from '../store';

let index: ReadonlyMap<string, EdgeEnds> = new Map();

export function setEdgeIndex(next: ReadonlyMap<string, EdgeEnds>): void {
  index = next;
}

export function edgeIndex(): ReadonlyMap<string, EdgeEnds> {
  return index;
}
