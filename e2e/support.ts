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

/** Opens the header's File menu with the mouse and picks `item` in it. */
export async function fromFileMenu(page: Page, item: string): Promise<void> {
  await page.getByRole('button', { name: 'File', exact: true }).click();
  await page.getByRole('menu', { name: 'File' }).getByRole('menuitem', { name: item, exact: true }).click();
}
