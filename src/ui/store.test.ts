/**
 * The editor's store, in Node: every edit goes through `apply` and is undoable, the selection,
 * deleting, copy and paste (the system clipboard's text form included), a drag committed as one
 * move, and the autosave round trip through a storage that behaves like localStorage.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDefaultScenario, type Scenario } from '../scenario';
import { clipboardToText, copyElements, setField } from '../scenario/edit';
import { toFlow } from './canvas/toFlow';
import { AUTOSAVE_KEY, type KeyValueStore, ORIGINAL_KEY, TAB_COPIES_KEY, UNREADABLE_KEY } from './persistence';
import { type EdgeEnds, setStorage, startAutosave, useAppStore } from './store';

const store = () => useAppStore.getState();
const title = (s: Scenario = store().scenario) => s.title;
const vmNames = () => (store().scenario.virtualMachines ?? []).map((v) => v.name);

class MemoryStorage implements KeyValueStore {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

beforeEach(() => {
  setStorage(null);
  useAppStore.setState(useAppStore.getInitialState(), true);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('apply, undo and redo', () => {
  it('applies an edit, and undo and redo walk back and forth over it', () => {
    const before = store().scenario;
    expect(store().apply((s) => setField(s, ['title'], 'One'))).toBe(true);
    expect(title()).toBe('One');
    store().apply((s) => setField(s, ['title'], 'Two'));
    store().undo();
    expect(title()).toBe('One');
    store().undo();
    expect(store().scenario).toBe(before);
    store().undo(); // nothing left: no change
    expect(store().scenario).toBe(before);
    store().redo();
    store().redo();
    expect(title()).toBe('Two');
    expect(store().future).toEqual([]);
  });

  it('a new edit after an undo drops what was undone', () => {
    store().apply((s) => setField(s, ['title'], 'One'));
    store().undo();
    store().apply((s) => setField(s, ['title'], 'Other'));
    store().redo();
    expect(title()).toBe('Other');
  });

  it('typing in one field is one undo step; another field is another', () => {
    const before = title();
    for (const text of ['W', 'We', 'Web']) store().apply((s) => setField(s, ['title'], text), { coalesce: 'title' });
    store().apply((s) => setField(s, ['seed'], 7), { coalesce: 'seed' });
    store().undo();
    expect(title()).toBe('Web');
    store().undo();
    expect(title()).toBe(before);
  });

  it('a refused edit changes nothing and says why', () => {
    const before = store().scenario;
    expect(store().apply(() => ({ ok: false, reason: 'Not here.' }))).toBe(false);
    expect(store().scenario).toBe(before);
    expect(store().past).toEqual([]);
    expect(store().toast).toMatchObject({ message: 'Not here.', tone: 'refused' });
  });

  it('re-validates after each edit and after undo (at once, or once edits pause)', () => {
    vi.useFakeTimers();
    store().apply((s) => setField(s, ['loadBalancers', 0, 'probes', 0, 'port'], 0));
    vi.advanceTimersByTime(300);
    expect(store().validating).toBe(false);
    expect(store().diagnostics.errors.map((e) => e.path)).toEqual(['loadBalancers[0].probes[0].port']);
    store().undo();
    vi.advanceTimersByTime(300);
    expect(store().diagnostics.errors).toEqual([]);
  });
});

describe('selection', () => {
  it('selects one id, several, or none, and keeps the same state for the same selection', () => {
    store().select('vm:web01');
    expect(store().selection).toEqual(['vm:web01']);
    const state = store();
    store().select(['vm:web01']);
    expect(store()).toBe(state);
    store().select(['vm:web01', 'nic:web01-nic1']);
    expect(store().selection).toHaveLength(2);
    store().select(null);
    expect(store().selection).toEqual([]);
  });

  it('a problem selects its element and the field to focus', () => {
    store().selectProblem('probe:ilb/p80', 'loadBalancers[0].probes[0].port');
    expect(store().selection).toEqual(['probe:ilb/p80']);
    expect(store().focusPath).toBe('loadBalancers[0].probes[0].port');
    store().select('vm:web01');
    expect(store().focusPath).toBeNull();
  });
});

describe('adding and deleting', () => {
  it('adds a palette element, selects it, and ignores what the palette does not offer', () => {
    store().addElement('vm', { subnet: 'spoke/web', position: { x: 500, y: 500 } });
    expect(vmNames()).toEqual(['web01', 'vm1']);
    expect(store().selection).toEqual(['vm:vm1']);
    const state = store().scenario;
    store().addElement('spaceship', {});
    expect(store().scenario).toBe(state);
  });

  it('lets the canvas adjust an addition before it is committed, as one step', () => {
    store().addElement('nsg', { position: { x: 0, y: 0 } }, (r) =>
      r.ok ? { ...r, scenario: { ...r.scenario, title: 'adjusted' } } : r,
    );
    expect(title()).toBe('adjusted');
    expect(store().past).toHaveLength(1);
  });

  it('deletes the selection with what cannot stay without it, and undo brings it all back', () => {
    const before = store().scenario;
    store().select('vm:web01');
    store().deleteSelection(new Map());
    expect(vmNames()).toEqual([]);
    expect(store().scenario.loadBalancers?.[0]?.backendAddressPools?.[0]?.loadBalancerBackendAddresses).toEqual([]);
    expect(store().selection).toEqual([]);
    store().undo();
    expect(store().scenario).toBe(before);
  });

  it('deletes a selected membership edge by disconnecting its two ends, and refuses an owner line', () => {
    const edges = new Map<string, EdgeEnds>([
      ['edge:member:pool:ilb/pool:web01-nic1', { source: 'nic:web01-nic1', target: 'pool:ilb/pool', removable: true }],
      ['edge:owner:pool:ilb/pool', { source: 'lb:ilb', target: 'pool:ilb/pool', removable: false }],
    ]);
    store().select('edge:member:pool:ilb/pool:web01-nic1');
    store().deleteSelection(edges);
    expect(store().scenario.loadBalancers?.[0]?.backendAddressPools?.[0]?.loadBalancerBackendAddresses).toEqual([]);
    const state = store().scenario;
    store().select('edge:owner:pool:ilb/pool');
    store().deleteSelection(edges);
    expect(store().scenario).toBe(state);
    expect(store().toast?.message).toMatch(/delete the element instead/);
  });
});

describe('copy and paste', () => {
  it('copies the selection as clipboard text and pastes it renamed, offset and selected', () => {
    store().select('vm:web01');
    const text = store().copySelection();
    expect(JSON.parse(text ?? 'null')).toMatchObject({ 'hairpin-clipboard': 2, holders: [] });
    expect(store().toast?.message).toBe('Copied 1 element.');
    store().paste(text ?? undefined);
    expect(vmNames()).toEqual(['web01', 'web1']);
    expect(store().selection).toEqual(['vm:web1', 'nic:web01-nic2']);
    expect(store().scenario.layout?.['vm:web1']).toEqual({ x: 900, y: 260 });
    // A second paste goes further, so that the copies do not pile up.
    store().paste(text ?? undefined);
    expect(store().scenario.layout?.['vm:web2']).toEqual({ x: 940, y: 300 });
    store().undo();
    expect(vmNames()).toEqual(['web01', 'web1']);
  });

  it('pastes the text of another scenario, and the in-app clipboard when there is no text', () => {
    const other: Scenario = {
      format: 'hairpin-scenario',
      version: 2,
      networkSecurityGroups: [{ name: 'edge', securityRules: [] }],
    };
    const clip = copyElements(other, ['nsg:edge']);
    if (clip === null) throw new Error('nothing copied');
    store().paste(clipboardToText(clip));
    expect(store().scenario.networkSecurityGroups?.map((n) => n.name)).toEqual(['edge']);

    store().select('probe:ilb/p80');
    store().copySelection();
    store().paste('');
    expect(store().scenario.loadBalancers?.[0]?.probes?.map((p) => p.name)).toEqual(['p80', 'p1']);
  });

  it('refuses text that is not a Hairpin clipboard, and says so when there is nothing to paste', () => {
    const before = store().scenario;
    store().paste('just some words');
    expect(store().scenario).toBe(before);
    expect(store().toast).toMatchObject({ tone: 'refused', message: expect.stringContaining('not elements copied') });
    store().paste();
    expect(store().toast?.message).toMatch(/Nothing to paste/);
    expect(store().scenario).toBe(before);
  });
});

describe('moves', () => {
  it('a drag is an overlay until it ends, then one undoable move', () => {
    const before = store().scenario;
    store().setDragging(new Map([['vm:web01', { x: 10, y: 20 }]]));
    expect(store().scenario).toBe(before);
    store().setDragging(new Map([['vm:web01', { x: 30, y: 40 }]]));
    store().commitLayout();
    expect(store().dragging).toBeNull();
    expect(store().scenario.layout?.['vm:web01']).toEqual({ x: 30, y: 40 });
    expect(store().past).toHaveLength(1);
    store().undo();
    expect(store().scenario).toBe(before);
  });

  it('the first move in a document laid out automatically keeps everything else where it was drawn', () => {
    const s = createDefaultScenario();
    delete s.layout;
    useAppStore.setState({ scenario: s });
    const drawn = new Map(toFlow(s).nodes.map((n) => [n.id, n.position]));
    store().commitLayout({ 'vm:web01': { x: 5000, y: 5000 } });
    const after = toFlow(store().scenario).nodes;
    for (const n of after) {
      const expected = n.id === 'vm:web01' ? { x: 5000, y: 5000 } : drawn.get(n.id);
      expect({ id: n.id, at: n.position }).toEqual({ id: n.id, at: expected });
    }
  });
});

describe('autosave (persistence.ts)', () => {
  it('writes once edits pause, and a reload restores exactly that document', () => {
    vi.useFakeTimers();
    const storage = new MemoryStorage();
    setStorage(storage);
    const { stop } = startAutosave();
    store().apply((s) => setField(s, ['title'], 'Saved lab'));
    store().addElement('nsg', { position: { x: 1, y: 2 } });
    expect(JSON.parse(storage.getItem(AUTOSAVE_KEY) ?? '{}').title).not.toBe('Saved lab');
    vi.advanceTimersByTime(250);
    const saved = storage.getItem(AUTOSAVE_KEY);
    expect(JSON.parse(saved ?? '{}').title).toBe('Saved lab');
    const edited = store().scenario;
    stop();

    // A reload: a fresh state from the same storage.
    useAppStore.setState(useAppStore.getInitialState(), true);
    const again = startAutosave();
    expect(store().scenario).toEqual(edited);
    expect(store().past).toEqual([]);
    again.stop();
  });

  it('flush writes at once (the page is being left)', () => {
    const storage = new MemoryStorage();
    setStorage(storage);
    const { flush, stop } = startAutosave();
    store().apply((s) => setField(s, ['title'], 'Now'));
    flush();
    expect(JSON.parse(storage.getItem(AUTOSAVE_KEY) ?? '{}').title).toBe('Now');
    stop();
  });

  it('keeps an unreadable autosave aside, opens the default lab and says why', () => {
    const storage = new MemoryStorage();
    storage.setItem(AUTOSAVE_KEY, '{"format": "hairpin-scenario", "version": 1,');
    setStorage(storage);
    const { stop } = startAutosave();
    expect(title()).toBe(createDefaultScenario().title);
    expect(store().notice?.message).toMatch(/could not be read/);
    expect(storage.getItem(UNREADABLE_KEY)).toBe('{"format": "hairpin-scenario", "version": 1,');
    stop();
  });

  it('keeps a repaired autosave’s original, listed on every start, until the repairs are accepted', () => {
    const storage = new MemoryStorage();
    const lab = createDefaultScenario();
    const broken = JSON.stringify({ ...lab, virtualMachines: [{ ...lab.virtualMachines?.[0], name: 7 }] });
    storage.setItem(AUTOSAVE_KEY, broken);
    setStorage(storage);
    let autosave = startAutosave();
    expect(store().autosaveRepairs?.join(' ')).toMatch(/virtualMachines\[0\]/);
    expect(storage.getItem(ORIGINAL_KEY)).toBe(broken);
    // The repaired document is what is saved and worked on; the original stays aside.
    expect(storage.getItem(AUTOSAVE_KEY)).not.toBe(broken);
    autosave.stop();

    useAppStore.setState(useAppStore.getInitialState(), true);
    autosave = startAutosave();
    expect(store().autosaveRepairs?.join(' ')).toMatch(/virtualMachines\[0\]/);
    expect(store().autosaveOriginal()).toBe(broken);
    store().acceptAutosaveRepairs();
    expect(storage.getItem(ORIGINAL_KEY)).toBeNull();
    autosave.stop();

    useAppStore.setState(useAppStore.getInitialState(), true);
    autosave = startAutosave();
    expect(store().autosaveRepairs).toBeNull();
    autosave.stop();
  });

  it('never saves over another tab’s autosave: it asks, keeps its own work aside, and a later visit offers it', () => {
    const storage = new MemoryStorage();
    setStorage(storage);
    const { flush, stop } = startAutosave();
    // Another tab saves in between (no storage event here: the next save notices).
    const theirs = JSON.stringify({ ...createDefaultScenario(), title: 'Their lab' });
    storage.setItem(AUTOSAVE_KEY, theirs);
    store().apply((s) => setField(s, ['title'], 'My lab'));
    flush();
    expect(storage.getItem(AUTOSAVE_KEY)).toBe(theirs);
    expect(store().otherTab?.scenario.title).toBe('Their lab');
    expect(storage.getItem(TAB_COPIES_KEY)).toContain('My lab');
    stop();

    // The tab closed without choosing: the next visit opens the autosave and offers the rest.
    useAppStore.setState(useAppStore.getInitialState(), true);
    const again = startAutosave();
    expect(title()).toBe('Their lab');
    expect(store().recovered?.title).toBe('My lab');
    store().openRecovered();
    expect(title()).toBe('My lab');
    expect(store().notice?.canRestore).toBe(true);
    expect(storage.getItem(TAB_COPIES_KEY)).toBeNull();
    again.stop();
  });

  it('hears another tab’s save at once, and keeping this tab’s work saves it over on the user’s word', () => {
    const storage = new MemoryStorage();
    setStorage(storage);
    let hear: (key: string | null, value: string | null) => void = () => {};
    const { flush, stop } = startAutosave((listener) => {
      hear = listener;
      return () => {};
    });
    store().apply((s) => setField(s, ['title'], 'Mine'));
    flush();
    const theirs = JSON.stringify({ ...createDefaultScenario(), title: 'Theirs' });
    storage.setItem(AUTOSAVE_KEY, theirs);
    hear(AUTOSAVE_KEY, theirs);
    expect(store().otherTab?.scenario.title).toBe('Theirs');
    expect(title()).toBe('Mine');
    store().keepThisTabScenario();
    expect(store().otherTab).toBeNull();
    expect(JSON.parse(storage.getItem(AUTOSAVE_KEY) ?? '{}').title).toBe('Mine');

    // The same document saved by another tab is no conflict.
    const same = storage.getItem(AUTOSAVE_KEY);
    hear(AUTOSAVE_KEY, same);
    expect(store().otherTab).toBeNull();
    stop();
  });

  it('never saves the scenario of a read-only share link', () => {
    vi.useFakeTimers();
    const storage = new MemoryStorage();
    setStorage(storage);
    const { stop } = startAutosave();
    vi.advanceTimersByTime(250);
    const mine = storage.getItem(AUTOSAVE_KEY);
    useAppStore.setState({ viewer: true, scenario: { ...store().scenario, title: 'Someone else' } });
    vi.advanceTimersByTime(250);
    expect(storage.getItem(AUTOSAVE_KEY)).toBe(mine);
    expect(store().apply((s) => setField(s, ['title'], 'x'))).toBe(false);
    stop();
  });
});
