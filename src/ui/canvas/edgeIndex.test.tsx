/**
 * The edge index is derived from the document it is given, never written by the canvas after it
 * draws: an edit followed at once by a read — Delete pressed, the inspector rendered, before any
 * canvas has drawn the new document — sees the new document's edges.
 */

import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, disconnect } from '../../scenario/edit';
import { poolMemberNics } from '../../scenario/members';
import { Inspector } from '../panels/Inspector';
import { setStorage, useAppStore } from '../store';
import { edgeIndexOf, flowOf } from './edgeIndex';
import { toFlow } from './toFlow';

const app = () => useAppStore.getState();
const MEMBER = 'edge:member:pool:ilb/pool:web01-nic1';
const poolNics = () => poolMemberNics(app().scenario.loadBalancers?.[0]?.backendAddressPools?.[0]);

beforeEach(() => {
  setStorage(null);
  useAppStore.setState(useAppStore.getInitialState(), true);
});
afterEach(cleanup);

describe('edgeIndexOf', () => {
  it('holds every edge the canvas draws, with its two ends and whether it can be deleted', () => {
    const scenario = app().scenario;
    const index = edgeIndexOf(scenario);
    expect([...index.keys()]).toEqual(toFlow(scenario).edges.map((e) => e.id));
    expect(index.get(MEMBER)).toEqual({ source: 'nic:web01-nic1', target: 'pool:ilb/pool', removable: true });
    expect(index.get('edge:owner:pool:ilb/pool')?.removable).toBe(false);
  });

  it('an edit, then an immediate read: the index is the new document’s', () => {
    expect(edgeIndexOf(app().scenario).has(MEMBER)).toBe(true);
    app().apply((s) => disconnect(s, 'nic:web01-nic1', 'pool:ilb/pool'));
    expect(edgeIndexOf(app().scenario).has(MEMBER)).toBe(false);
    app().undo();
    expect(edgeIndexOf(app().scenario).has(MEMBER)).toBe(true);
  });

  it('Delete right after connecting removes the new relation', () => {
    app().apply((s) => disconnect(s, 'nic:web01-nic1', 'pool:ilb/pool'));
    app().apply((s) => connect(s, 'nic:web01-nic1', 'pool:ilb/pool'), { select: [MEMBER] });
    expect(poolNics()).toEqual(['web01-nic1']);
    // What App's Delete key does, with no canvas drawn in between.
    app().deleteSelection(edgeIndexOf(app().scenario));
    expect(poolNics()).toEqual([]);
  });

  it('is memoised per document object', () => {
    const scenario = app().scenario;
    expect(edgeIndexOf(scenario)).toBe(edgeIndexOf(scenario));
    expect(flowOf(scenario)).toBe(flowOf(scenario));
    app().apply((s) => disconnect(s, 'nic:web01-nic1', 'pool:ilb/pool'));
    expect(flowOf(app().scenario)).not.toBe(flowOf(scenario));
  });
});

describe('the inspector of a relation', () => {
  it('describes a relation selected right after the edit that made it', () => {
    app().apply((s) => disconnect(s, 'nic:web01-nic1', 'pool:ilb/pool'));
    app().apply((s) => connect(s, 'nic:web01-nic1', 'pool:ilb/pool'), { select: [MEMBER] });
    render(<Inspector />);
    expect(screen.getByRole('heading', { name: 'Backend pool membership' })).toBeTruthy();
    expect(screen.getByRole('button', { name: /Remove/ })).toBeTruthy();
  });
});
