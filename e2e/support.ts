/** What every end-to-end spec shares: failing on any console or page error, and screenshots to look at. */
import { expect, type Page, test } from '@playwright/test';

/** Registers hooks so that any console error or uncaught page error fails the test that caused it. */
export function failOnConsoleErrors(): void {
  let problems: string[] = [];
  test.beforeEach(({ page }) => {
    problems = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  });
  test.afterEach(() => {
    expect(problems, 'console errors and page errors').toEqual([]);
  });
}

/** A screenshot of the page in test-results/screenshots/<name>.png (kept as an artifact). */
export const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/screenshots/${name}.png` });
