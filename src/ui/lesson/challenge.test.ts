/**
 * Opening lessons through the store (spec "Share links"): a challenge link takes the solution out
 * of the document itself; a library scenario never replaces work without offering to keep it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDefaultScenario, encodeSharePayload, type Scenario, validateScenario } from '../../scenario';
import { setStorage, useAppStore } from '../store';

const lesson = JSON.parse(
  readFileSync(join(__dirname, '../../../public/library/nsg-blocks-data-port.json'), 'utf8'),
) as Scenario;

function fresh() {
  setStorage(null);
  const scenario = createDefaultScenario();
  useAppStore.setState({
    scenario,
    diagnostics: validateScenario(scenario),
    viewer: false,
    challenge: false,
    pendingLink: null,
    past: [],
    future: [],
  });
}

describe('opening a lesson', () => {
  beforeEach(fresh);

  it('a challenge link opens the lesson without its solution, and says it is a challenge', () => {
    useAppStore.getState().openLink(`#s=${encodeSharePayload(lesson)}&lesson=challenge`);
    const { scenario, challenge } = useAppStore.getState();
    expect(scenario.title).toBe(lesson.title);
    expect(scenario.lesson?.checks).toEqual(lesson.lesson?.checks);
    expect(scenario.lesson?.solution).toBeUndefined();
    expect(challenge).toBe(true);
  });

  it('a plain link keeps the solution', () => {
    useAppStore.getState().openLink(`#s=${encodeSharePayload(lesson)}`);
    expect(useAppStore.getState().scenario.lesson?.solution).toEqual(lesson.lesson?.solution);
    expect(useAppStore.getState().challenge).toBe(false);
  });

  it('a challenge link over work asks first, and stays a challenge once confirmed', () => {
    useAppStore.getState().apply((s) => ({ ...s, title: 'my own lab' }));
    useAppStore.getState().openLink(`#s=${encodeSharePayload(lesson)}&lesson=challenge`);
    const pending = useAppStore.getState().pendingLink;
    expect(pending).toMatchObject({ origin: 'link', challenge: true, currentTitle: 'my own lab' });
    expect(pending?.scenario.lesson?.solution).toBeUndefined();
    expect(useAppStore.getState().scenario.title).toBe('my own lab');
    useAppStore.getState().confirmPendingLink();
    expect(useAppStore.getState()).toMatchObject({ challenge: true, pendingLink: null });
    expect(useAppStore.getState().scenario.lesson?.solution).toBeUndefined();
  });

  it('a library scenario opens at once over the untouched default lab, and asks over work', () => {
    useAppStore.getState().openLibraryScenario(lesson, validateScenario(lesson));
    expect(useAppStore.getState().scenario.title).toBe(lesson.title);
    expect(useAppStore.getState().past).toHaveLength(1); // undo brings the lab back

    useAppStore.getState().apply((s) => ({ ...s, title: 'edited' }));
    const other = { ...lesson, title: 'another' };
    useAppStore.getState().openLibraryScenario(other, validateScenario(other));
    expect(useAppStore.getState().pendingLink).toMatchObject({ origin: 'library', challenge: false });
    useAppStore.getState().keepCurrentScenario();
    expect(useAppStore.getState().scenario.title).toBe('edited');
  });
});

describe('opening a link of an older codec', () => {
  beforeEach(() => {
    fresh();
    useAppStore.setState({ notice: null });
  });

  it('opens it and says it could not be verified; a current link says nothing', () => {
    useAppStore.getState().openLink(`#s=${encodeSharePayload(lesson, 2)}`);
    expect(useAppStore.getState().scenario.title).toBe(lesson.title);
    expect(useAppStore.getState().notice?.message).toMatch(/made by an older Hairpin and could not be verified/);

    fresh();
    useAppStore.setState({ notice: null });
    useAppStore.getState().openLink(`#s=${encodeSharePayload(lesson)}`);
    expect(useAppStore.getState().scenario.title).toBe(lesson.title);
    expect(useAppStore.getState().notice).toBeNull();
  });
});
