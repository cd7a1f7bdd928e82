/**
 * The lesson panel against the store: hints one at a time, the engine's verdict per check, the
 * success state only for the document that was checked, the solution hidden in a challenge, and
 * applied as one undoable edit.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadScenarioText, type Scenario, validateScenario } from '../../scenario';
import { runScenario } from '../../sim/simulate';
import { useAppStore } from '../store';
import { LessonPanel } from './LessonPanel';
import { useLessonStore } from './lessonStore';
import { applySolution, stripSolution } from './solution';

const text = readFileSync(join(__dirname, '../../../public/library/nsg-blocks-data-port.json'), 'utf8');
const shipped = loadScenarioText(text).scenario as Scenario;

function openDocument(scenario: Scenario, challenge = false) {
  useAppStore.setState({ scenario, diagnostics: validateScenario(scenario), challenge, past: [], future: [] });
  useLessonStore.getState().reset();
}
const renderPanel = () => render(<LessonPanel lesson={useAppStore.getState().scenario.lesson ?? {}} />);
const checkItem = (name: string) => screen.getByRole('listitem', { name: new RegExp(`^${name}:`) });

beforeEach(() => openDocument(shipped));
afterEach(cleanup);

describe('LessonPanel', () => {
  it('reveals the hints one at a time', () => {
    renderPanel();
    const hints = shipped.lesson?.hints ?? [];
    expect(screen.queryByText(hints[0] as string)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: `Show hint 1 of ${hints.length}` }));
    expect(screen.getByText(hints[0] as string)).toBeTruthy();
    expect(screen.queryByText(hints[1] as string)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: `Show hint 2 of ${hints.length}` }));
    expect(screen.getByText(hints[1] as string)).toBeTruthy();
  });

  it('shows the engine’s verdict per check, and success only when all pass for this document', () => {
    const view = renderPanel();
    expect(checkItem('web01 is probed up').getAttribute('aria-label')).toBe('web01 is probed up: not yet run');
    const before = runScenario(shipped);
    act(() => useLessonStore.setState({ check: { state: 'done', scenario: shipped, result: before } }));
    expect(checkItem('the on-premises client loads the page every time').getAttribute('aria-label')).toMatch(
      /: failed$/,
    );
    expect(checkItem('web01 is probed up').getAttribute('aria-label')).toMatch(/: passed$/);
    expect(screen.queryByText('Lesson complete')).toBeNull();

    const applied = applySolution(shipped);
    if (!applied.ok) throw new Error(applied.reason);
    const after = runScenario(applied.scenario);
    act(() => {
      useAppStore.setState({ scenario: applied.scenario });
      useLessonStore.setState({ check: { state: 'done', scenario: applied.scenario, result: after } });
    });
    view.rerender(<LessonPanel lesson={applied.scenario.lesson ?? {}} />);
    expect(screen.getByText('Lesson complete')).toBeTruthy();

    // Any edit after the check: the verdict is stale, and the success goes.
    act(() => useAppStore.setState({ scenario: { ...applied.scenario, title: 'edited' } }));
    expect(screen.queryByText('Lesson complete')).toBeNull();
    expect(screen.getByText(/These results are from before your last edit/)).toBeTruthy();
  });

  it('hides the solution entirely in a challenge', () => {
    openDocument(stripSolution(shipped), true);
    renderPanel();
    expect(screen.getByText('Solution hidden in challenge mode.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Reveal/ })).toBeNull();
  });

  it('reveals the solution as a list of changes and applies it as one undoable edit', () => {
    renderPanel();
    fireEvent.click(screen.getByRole('button', { name: 'Reveal the solution' }));
    const changes = screen.getByRole('list', { name: 'Solution changes' });
    expect(changes.textContent).toContain('› access');
    fireEvent.click(screen.getByRole('button', { name: 'Apply the solution' }));
    const state = useAppStore.getState();
    expect(state.scenario.networkSecurityGroups?.[0]?.securityRules?.[0]?.access).toBe('Allow');
    expect(state.past).toHaveLength(1);
    act(() => useAppStore.getState().undo());
    expect(useAppStore.getState().scenario).toBe(shipped);
  });
});
