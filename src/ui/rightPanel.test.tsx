/**
 * The right-hand column: one `rightPanel` value that the choosing actions set, and the panel shown
 * derived from it. Choosing an element brings its inspector back; choosing an event shows the
 * packet inspector; the Lesson tab brings the lesson back; the viewer shows only the packet
 * inspector. The run goes through the real service, in process, in place of the worker.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadScenarioText, type Scenario } from '../scenario';
import { LessonSide } from './lesson/LessonPanel';
import { type RightPanelContext, shownPanel, useShownPanel } from './rightPanel';
import { useRunStore } from './run/runStore';
import { setStorage, useAppStore } from './store';

vi.mock('./run/simClient', async () => {
  const { createSimService } = await import('../sim/service');
  const service = createSimService();
  return {
    callWorker: async <T,>(call: (remote: typeof service) => Promise<T>) => call(service),
    cancelWorker: () => undefined,
    progressProxy: <T,>(fn: T) => fn,
    WorkerGone: class WorkerGone extends Error {},
  };
});

const libraryText = (name: string) => readFileSync(join(__dirname, `../../public/library/${name}.json`), 'utf8');
const app = () => useAppStore.getState();
const runStore = () => useRunStore.getState();

/** Opens a library scenario as a file would (a new document). */
function openLibrary(name: string) {
  app().openFile(`${name}.json`, libraryText(name));
  app().confirmPendingFile();
}

beforeEach(() => {
  setStorage(null);
  useAppStore.setState(useAppStore.getInitialState(), true);
  useRunStore.setState(useRunStore.getInitialState(), true);
});
afterEach(cleanup);

describe('shownPanel', () => {
  const context = (c: Partial<RightPanelContext>): RightPanelContext => ({
    lesson: false,
    viewer: false,
    trace: false,
    ...c,
  });

  it('shows what was asked for when there is something to show', () => {
    expect(shownPanel('element', context({}))).toBe('element');
    expect(shownPanel('packet', context({ trace: true }))).toBe('packet');
    expect(shownPanel('lesson', context({ lesson: true }))).toBe('lesson');
  });

  it('falls back to the element inspector without a lesson or a kept trace', () => {
    expect(shownPanel('lesson', context({}))).toBe('element');
    expect(shownPanel('packet', context({ lesson: true }))).toBe('element');
  });

  it('in the viewer, shows the packet inspector or nothing', () => {
    expect(shownPanel('packet', context({ viewer: true, trace: true }))).toBe('packet');
    expect(shownPanel('element', context({ viewer: true, trace: true }))).toBeNull();
    expect(shownPanel('lesson', context({ viewer: true, lesson: true }))).toBeNull();
    expect(shownPanel('packet', context({ viewer: true }))).toBeNull();
  });
});

describe('rightPanel in the store', () => {
  it('a document with a lesson opens on it; one without, on the element inspector', () => {
    openLibrary('nsg-blocks-data-port');
    expect(app().rightPanel).toBe('lesson');
    app().newScenario();
    expect(app().rightPanel).toBe('element');
    openLibrary('nsg-blocks-data-port');
    expect(app().rightPanel).toBe('lesson');
  });

  it('choosing an element asks for its inspector; clearing the selection changes nothing', () => {
    openLibrary('nsg-blocks-data-port');
    app().select(null);
    expect(app().rightPanel).toBe('lesson');
    app().select('nsg:nsg-web');
    expect(app().rightPanel).toBe('element');
    app().showPanel('lesson');
    app().selectProblem('nsg:nsg-web', 'networkSecurityGroups[0]');
    expect(app().rightPanel).toBe('element');
    // An added element is selected, and so shown.
    app().showPanel('lesson');
    app().addElement('nsg', { position: { x: 0, y: 0 } });
    expect(app().rightPanel).toBe('element');
  });

  it('choosing an event shows the packet inspector; a new run gives the column back to the element', async () => {
    const scenario = loadScenarioText(libraryText('hairpin-one-backend')).scenario as Scenario;
    useAppStore.setState({ scenario });
    await runStore().run(scenario);
    expect(runStore().summary?.mode).toBe('trace');
    await runStore().seek(3);
    expect(runStore().current?.event.packet).not.toBeNull();
    expect(app().rightPanel).toBe('packet');
    app().select('vm:web01');
    expect(app().rightPanel).toBe('element');
    await runStore().seek(4);
    expect(app().rightPanel).toBe('packet');
    await runStore().run(scenario);
    expect(app().rightPanel).toBe('element');
  });
});

/** The column as App composes it, with stand-ins for the two inspectors. */
function Column() {
  const shown = useShownPanel();
  if (shown === null) return null;
  return (
    <LessonSide shown={shown}>{shown === 'packet' ? <p>packet inspector</p> : <p>element inspector</p>}</LessonSide>
  );
}

describe('the column', () => {
  const tab = (name: RegExp) => screen.getByRole('tab', { name });

  it('the tabs switch between the lesson and the inspector; a selection brings the inspector', () => {
    openLibrary('nsg-blocks-data-port');
    render(<Column />);
    expect(tab(/Lesson/).getAttribute('aria-selected')).toBe('true');
    expect(screen.getByRole('complementary', { name: 'Lesson' })).toBeTruthy();
    fireEvent.click(tab(/Inspector/));
    expect(tab(/Inspector/).getAttribute('aria-selected')).toBe('true');
    expect(screen.getByText('element inspector')).toBeTruthy();
    fireEvent.click(tab(/Lesson/));
    expect(screen.getByRole('complementary', { name: 'Lesson' })).toBeTruthy();
    act(() => app().select('nsg:nsg-web'));
    expect(screen.getByText('element inspector')).toBeTruthy();
    expect(tab(/Lesson/).getAttribute('aria-selected')).toBe('false');
  });

  it('shows the packet inspector under the Inspector tab, and the Lesson tab covers it', async () => {
    openLibrary('nsg-blocks-data-port');
    const scenario = app().scenario;
    render(<Column />);
    await act(async () => {
      await runStore().run(scenario);
      await runStore().seek(0);
    });
    expect(screen.getByText('packet inspector')).toBeTruthy();
    expect(tab(/Inspector/).getAttribute('aria-selected')).toBe('true');
    fireEvent.click(tab(/Lesson/));
    expect(screen.queryByText('packet inspector')).toBeNull();
    // Back from the lesson, the inspector is the element's (the packet is chosen again from the run).
    fireEvent.click(tab(/Inspector/));
    expect(screen.getByText('element inspector')).toBeTruthy();
  });

  it('in the viewer: no column until an event is chosen, then the packet inspector alone', async () => {
    const scenario = loadScenarioText(libraryText('nsg-blocks-data-port')).scenario as Scenario;
    useAppStore.setState({ scenario, viewer: true, rightPanel: 'lesson' });
    const view = render(<Column />);
    expect(view.container.textContent).toBe('');
    await act(async () => {
      await runStore().run(scenario);
      await runStore().seek(0);
    });
    expect(view.container.textContent).toBe('packet inspector');
    expect(screen.queryByRole('tab')).toBeNull();
  });
});
