/**
 * The canvas's nodes and edges, and its edges by id, as pure functions of the document: the canvas
 * draws `flowOf(scenario)`, Delete removes a selected relation (edit.ts `disconnect` takes its two
 * ends) and the inspector describes it from `edgeIndexOf(scenario)`. Both are derived from the
 * document they are given, so an edit followed at once by a read (a keystroke before the canvas
 * has drawn) sees the edges of the new document.
 *
 * A document is never changed in place (an edit makes a new object), so each is memoised by
 * identity: the flow of the last document asked for (a flow per document of the undo history would
 * hold thousands of objects each), the edge index of every document still alive.
 */
import type { Scenario } from '../../scenario';
import type { EdgeEnds } from '../store';
import { type Flow, REMOVABLE, toFlow } from './toFlow';

let last: { readonly scenario: Scenario; readonly flow: Flow } | null = null;

/** `toFlow(scenario)`, computed once for the same document object. */
export function flowOf(scenario: Scenario): Flow {
  if (last?.scenario !== scenario) last = { scenario, flow: toFlow(scenario) };
  return last.flow;
}

const indexes = new WeakMap<Scenario, ReadonlyMap<string, EdgeEnds>>();

/** The edges of the document's flow by id: each relation's two ends, and whether it can be deleted. */
export function edgeIndexOf(scenario: Scenario): ReadonlyMap<string, EdgeEnds> {
  let index = indexes.get(scenario);
  if (index === undefined) {
    index = new Map(
      flowOf(scenario).edges.map((e) => [
        e.id,
        { source: e.source, target: e.target, removable: REMOVABLE.has(e.data?.relation ?? 'attached') },
      ]),
    );
    indexes.set(scenario, index);
  }
  return index;
}
