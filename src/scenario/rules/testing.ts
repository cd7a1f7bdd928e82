/**
 * For the rules' tests: the rich fixture (testScenarios.ts) changed by `change`, then validated.
 * One definition for every `rules/<kind>.test.ts`.
 */
import { createRichScenario } from '../testScenarios';
import type { Scenario } from '../types';
import { validateScenario } from '../validate';

export function rich(change: (s: Scenario) => void): ReturnType<typeof validateScenario> {
  const s = createRichScenario();
  change(s);
  return validateScenario(s);
}
