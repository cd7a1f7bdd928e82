/**
 * Visual polish (issue 8 follow-up), each defect of a screenshot pass measured in real Chromium:
 * kind captions that fit their node, inspector labels and inputs that fit its width, the view
 * refitting when the window is resized, run tables whose columns fit, marks clear of group labels,
 * popovers that close with Escape or an outside click, and a traffic form that fits. Any console
 * error or page error fails the test; screenshots go to test-results/screenshots/.
 */
import { readFileSync } from 'node:fs';
import { expect, type Locator, type Page, test } from '@playwright/test';
import { encodeSharePayload } from '../src/scenario/shareLink';
import type { Scenario } from '../src/scenario/types';
import { failOnConsoleErrors, shot } from './support';

failOnConsoleErrors();
const library = (name: string): Scenario => JSON.parse(readFileSync(`public/library/${name}.json`, 'utf8')) as Scenario;

async function open(page: Page, baseURL: string | undefined, scenario: Scenario) {
  await page.goto(`${new URL('/', baseURL).href}#s=${encodeSharePayload(scenario)}`);
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

/**
 * Every label, list heading, input and select of the inspector's open form: labels break only
 * between words, nothing runs past the form's right edge, and a select's chosen text fits it.
 */
async function expectFormFits(page: Page, what: string) {
  const problems = await page.locator('.app-inspector').evaluate((inspector) => {
    const found: string[] = [];
    const right = inspector.getBoundingClientRect().right;
    // Where each label or heading breaks into lines: a break must fall at a word's start.
    for (const label of inspector.querySelectorAll<HTMLElement>('.form-label, .list-table th')) {
      const text = label.textContent ?? '';
      let offset = 0;
      let lastTop: number | null = null;
      const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
        const value = node.nodeValue ?? '';
        for (let i = 0; i < value.length; i++) {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const top = range.getBoundingClientRect().top;
          const at = offset + i;
          if (lastTop !== null && top > lastTop + 4) {
            const startsWord = /[A-Z]/.test(text[at] ?? '') || /[^A-Za-z0-9]/.test(text[at - 1] ?? '');
            if (!startsWord) found.push(`"${text}" breaks mid-word at "${text.slice(0, at)}|${text.slice(at)}"`);
          }
          lastTop = top;
        }
        offset += value.length;
      }
    }
    for (const th of inspector.querySelectorAll<HTMLElement>('.list-table th')) {
      // The text's laid-out width (an ellipsis is only painted): cut even by a fraction of a pixel.
      const text = document.createRange();
      text.selectNodeContents(th);
      const style = getComputedStyle(th);
      const room = th.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (text.getBoundingClientRect().width > room + 0.01) found.push(`heading "${th.textContent}" is cut`);
    }
    const canvas = document.createElement('canvas').getContext('2d') as CanvasRenderingContext2D;
    for (const field of inspector.querySelectorAll<HTMLInputElement | HTMLSelectElement>(
      '.form-input input, .form-input select',
    )) {
      const box = field.getBoundingClientRect();
      const name = field.labels?.[0]?.textContent ?? field.id;
      if (box.right > right + 0.5) found.push(`${name} runs ${Math.round(box.right - right)} px past the inspector`);
      if (field instanceof HTMLSelectElement) {
        const style = getComputedStyle(field);
        canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const shown = field.selectedOptions[0]?.textContent ?? '';
        // Chromium draws the arrow in the select's right padding plus about 20 px of its own.
        const room = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
        const width = canvas.measureText(shown).width;
        if (width > room) found.push(`${name}'s "${shown}" needs ${Math.round(width)} px, has ${Math.round(room)}`);
      }
    }
    return found;
  });
  expect(problems, what).toEqual([]);
}

for (const width of [1440, 1100]) {
  test(`at ${width} px the inspector's labels wrap between words and its inputs fit`, async ({ page, baseURL }) => {
    await page.setViewportSize({ width, height: 900 });
    await open(page, baseURL, library('nsg-blocks-data-port'));
    await page.getByRole('tab', { name: 'Inspector' }).click();
    for (const kind of ['probe', 'nic', 'vm', 'lb', 'nsg', 'frontend', 'pool', 'client']) {
      await page.locator(`.react-flow__node:has(.kind-${kind})`).first().click();
      await expect(page.locator('.app-inspector .form-row').first()).toBeVisible();
      await expectFormFits(page, kind);
      if (kind === 'probe' || kind === 'nic') await shot(page, `polish-inspector-${kind}-${width}`);
      if (kind === 'nsg') {
        // Each rule's name whole, what it matches on a line of its own, under its direction.
        const rules = page.getByRole('table', { name: 'Security rules' });
        await expect(rules.getByRole('columnheader', { name: 'Inbound' })).toBeVisible();
        const nameCell = rules.locator('.list-row td').nth(1);
        await expect(nameCell).toContainText('deny-onprem-http');
        await expect(nameCell.locator('.list-row-summary')).toHaveText('Deny · TCP 80 · from 192.168.0.0/16');
        expect(await nameCell.evaluate((td) => td.scrollWidth <= td.clientWidth)).toBe(true);
      }
    }
    // A list row opened into its own form: an NSG rule.
    await page.locator('.react-flow__node:has(.kind-nsg)').first().click();
    await page.locator('.app-inspector .row-toggle').first().click();
    await expect(page.locator('.app-inspector .list-detail .form-row').first()).toBeVisible();
    await expectFormFits(page, 'security rule');
    await shot(page, `polish-inspector-rule-${width}`);
  });
}

const viewTransform = (page: Page) =>
  page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform);

/** Every node of the scenario lies inside the canvas. */
async function expectAllNodesInView(page: Page) {
  const canvas = await page.locator('.react-flow').boundingBox();
  const boxes = await page
    .locator('.react-flow__node')
    .evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON() as DOMRect));
  expect(canvas).not.toBeNull();
  if (canvas === null) return;
  for (const b of boxes) {
    expect(b.left).toBeGreaterThanOrEqual(canvas.x - 1);
    expect(b.top).toBeGreaterThanOrEqual(canvas.y - 1);
    expect(b.right).toBeLessThanOrEqual(canvas.x + canvas.width + 1);
    expect(b.bottom).toBeLessThanOrEqual(canvas.y + canvas.height + 1);
  }
}

test('the view refits when the window is resized, until the user moves it by hand', async ({ page, baseURL }) => {
  await open(page, baseURL, library('nsg-blocks-data-port'));
  await expect(page.locator('.react-flow__node').first()).toBeVisible();
  await page.waitForTimeout(400);
  const first = await viewTransform(page);

  // Smaller: the fitted view follows, the whole scenario still in view.
  await page.setViewportSize({ width: 1100, height: 700 });
  await expect.poll(() => viewTransform(page)).not.toBe(first);
  await expectAllNodesInView(page);
  await shot(page, 'polish-refit-small');
  // And back.
  await page.setViewportSize({ width: 1440, height: 900 });
  await expect.poll(() => viewTransform(page)).toBe(first);

  // A hand pan: the user's view is kept through a resize.
  const pane = await page.locator('.react-flow__pane').boundingBox();
  if (pane === null) throw new Error('no pane');
  await page.mouse.move(pane.x + 40, pane.y + 40);
  await page.mouse.down();
  await page.mouse.move(pane.x + 140, pane.y + 90, { steps: 5 });
  await page.mouse.up();
  const panned = await viewTransform(page);
  expect(panned).not.toBe(first);
  await page.setViewportSize({ width: 1200, height: 760 });
  await page.waitForTimeout(600);
  expect(await viewTransform(page)).toBe(panned);

  // Zoom to fit makes it fitted again: the next resize refits.
  await page.getByRole('button', { name: 'Zoom to fit' }).click();
  await page.waitForTimeout(400);
  const refitted = await viewTransform(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await expect.poll(() => viewTransform(page)).not.toBe(refitted);
  await expectAllNodesInView(page);
});

/**
 * A run table: every heading whole, the head's last column inside the table (or reachable by its
 * sideways scroll), the `whole` columns of every row unshortened, and any other cell that is
 * shortened carrying its text in a title.
 */
async function expectColumnsFit(page: Page, table: string, head: string, row: string, whole: readonly number[]) {
  const problems = await page.locator(table).evaluate(
    (list, { head, row, whole }) => {
      const found: string[] = [];
      const cut = (el: Element) => el.scrollWidth > el.clientWidth + 0.5;
      const headCells = [...(list.querySelector(head)?.children ?? [])];
      for (const cell of headCells) if (cut(cell)) found.push(`heading "${cell.textContent}" is cut`);
      const last = headCells.at(-1)?.getBoundingClientRect();
      // Past the table's right edge only when the table scrolls sideways to it.
      const scrolls = ['auto', 'scroll'].includes(getComputedStyle(list).overflowX);
      const right = list.getBoundingClientRect().right + (scrolls ? list.scrollWidth - list.clientWidth : 0);
      if (last !== undefined && last.right > right + 0.5) found.push('the last heading runs past the table');
      for (const r of list.querySelectorAll(row)) {
        [...r.children].forEach((cell, column) => {
          if (!cut(cell)) return;
          if (whole.includes(column)) found.push(`column ${column} "${cell.textContent}" is cut`);
          else if (!(cell as HTMLElement).title)
            found.push(`column ${column} "${cell.textContent}" is cut without a title`);
        });
      }
      return found;
    },
    { head, row, whole },
  );
  expect(problems, table).toEqual([]);
}

for (const width of [1440, 1100]) {
  test(`at ${width} px the event list and connections table columns fit`, async ({ page, baseURL }) => {
    await page.setViewportSize({ width, height: 900 });
    await open(page, baseURL, library('hairpin-one-backend'));
    await page.getByRole('button', { name: '▶ Run' }).click();
    await expect(page.getByRole('status').filter({ hasText: /events ·/ })).toBeVisible({ timeout: 30_000 });
    await page.getByRole('tab', { name: /Events/ }).click();
    await expect(page.getByRole('listbox', { name: 'Events' }).getByRole('option').first()).toBeVisible();
    // #, time and element are short: they are never cut (a probe's connection id may be).
    await expectColumnsFit(page, '.event-list', '.event-head', '.event-row', [0, 1, 2]);
    await shot(page, `polish-events-${width}`);
    await page.getByRole('tab', { name: /Connections/ }).click();
    await expect(page.getByRole('listbox', { name: 'Connections' }).getByRole('option').first()).toBeVisible();
    // Connection, source → destination and backend whole; the outcome with its HTTP status,
    // handshake and close, and the reason, may be long.
    await expectColumnsFit(page, '.connections', '.connections-head', '.connection-row', [0, 1, 3]);
    await shot(page, `polish-connections-${width}`);
    // Every bottom tab in sight, Problems and its count included: none hides past the edge.
    const tabs = page.getByRole('tablist', { name: 'Run and problems' });
    expect(await tabs.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  });
}

test('the packet inspector closes from a button beside its title, not a stray chip', async ({ page, baseURL }) => {
  await open(page, baseURL, library('hairpin-one-backend'));
  await page.getByRole('button', { name: '▶ Run' }).click();
  await expect(page.getByRole('status').filter({ hasText: /events ·/ })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('tab', { name: /Events/ }).click();
  await page.getByRole('listbox', { name: 'Events' }).getByRole('option').nth(3).click();
  const inspector = page.getByRole('complementary', { name: 'Packet inspector' });
  await expect(inspector.getByRole('heading', { level: 2 })).toHaveText(/SYN #\d+/);
  await expect(inspector.getByText(/Element\s*[✕×]/)).toHaveCount(0);
  const close = inspector.getByRole('button', { name: 'Close the packet inspector' });
  const title = await inspector.getByRole('heading', { level: 2 }).boundingBox();
  const button = await close.boundingBox();
  const panel = await inspector.boundingBox();
  if (title === null || button === null || panel === null) throw new Error('no boxes');
  // On the title's row, at the panel's right, not under the title.
  expect(button.y).toBeLessThan(title.y + title.height);
  expect(button.x).toBeGreaterThan(title.x + title.width);
  expect(button.x + button.width).toBeGreaterThan(panel.x + panel.width - 40);
  await shot(page, 'polish-packet-inspector');
  await close.click();
  await expect(inspector).toHaveCount(0);
});

/** Which drop marks cover the text of a VNet or subnet label. */
const marksOverLabels = (page: Page) =>
  page.evaluate(() => {
    const labels = [...document.querySelectorAll('.canvas-network-label')].map((label) => {
      const strip = label.getBoundingClientRect();
      const text = [...label.children].map((c) => c.getBoundingClientRect()).filter((r) => r.width > 0);
      const right = Math.min(strip.right, Math.max(...text.map((r) => r.right)));
      return { name: label.textContent, left: strip.left, top: strip.top, right, bottom: strip.bottom };
    });
    const found: string[] = [];
    for (const mark of document.querySelectorAll('.run-marks [data-mark-for]')) {
      const m = mark.getBoundingClientRect();
      for (const l of labels)
        if (m.left < l.right && l.left < m.right && m.top < l.bottom && l.top < m.bottom)
          found.push(`${mark.getAttribute('data-mark-for')} covers ${l.name}`);
    }
    return found;
  });

// Labs whose marks covered the spoke VNet's or subnet's label before marks avoided them.
for (const [lab, width] of [
  ['all-probes-down-basic-vs-standard', 1440],
  ['unhealthy-vm-stopped', 1440],
  ['lab-baseline', 1100],
  ['nsg-deny-all-blocks-probe', 1100],
] as const) {
  test(`${lab} at ${width} px: drop marks leave the VNet and subnet labels readable`, async ({ page, baseURL }) => {
    await page.setViewportSize({ width, height: 900 });
    await open(page, baseURL, library(lab));
    await page.getByRole('button', { name: '▶ Run' }).click();
    await expect(page.getByRole('status').filter({ hasText: /events ·/ })).toBeVisible({ timeout: 30_000 });
    await expect(page.locator('.run-marks [data-mark-for]').first()).toBeVisible();
    await expect.poll(() => marksOverLabels(page)).toEqual([]);
    await shot(page, `polish-marks-${lab}-${width}`);
  });
}

/** `popup` opens from `button`, and Escape or a click outside (on the title) closes it, the focus back on `button`. */
async function expectDismissible(page: Page, button: Locator, popup: Locator) {
  for (const dismiss of [() => page.keyboard.press('Escape'), () => page.getByRole('heading', { level: 1 }).click()]) {
    await button.click();
    await expect(popup).toBeVisible();
    await dismiss();
    await expect(popup).toHaveCount(0);
    await expect(button).toBeFocused();
  }
}

test('the share popover and the File menu close with Escape or a click outside, the focus back on their button', async ({
  page,
  baseURL,
}) => {
  await open(page, baseURL, library('nsg-blocks-data-port'));
  const shareButton = page.getByRole('button', { name: 'Share link', exact: true });
  const popover = page.getByRole('dialog', { name: 'Share link' });

  // Opened, the link has the focus, ready to copy.
  await shareButton.click();
  await expect(popover.getByRole('textbox', { name: 'Share link' })).toBeFocused();
  await shot(page, 'polish-share-open');
  await page.keyboard.press('Escape');
  await expectDismissible(page, shareButton, popover);

  // A click inside (an option) keeps it open; Close closes it.
  await shareButton.click();
  await popover.getByRole('checkbox', { name: /Read-only viewer/ }).click();
  await expect(popover).toBeVisible();
  await expect(popover.getByRole('textbox', { name: 'Share link' })).toHaveValue(/view=1/);
  await popover.getByRole('button', { name: 'Close' }).click();
  await expect(popover).toHaveCount(0);
  await expect(shareButton).toBeFocused();

  // The File menu: the same.
  await expectDismissible(
    page,
    page.getByRole('button', { name: 'File', exact: true }),
    page.getByRole('menu', { name: 'File' }),
  );
});

/** Each traffic field's text (value or placeholder, a select's choice) fits its box; no stray lines. */
const trafficProblems = (page: Page) =>
  page.locator('.traffic-panel').evaluate((panel) => {
    const found: string[] = [];
    const canvas = document.createElement('canvas').getContext('2d') as CanvasRenderingContext2D;
    for (const row of panel.querySelectorAll('fieldset')) {
      const rowBox = row.getBoundingClientRect();
      for (const field of row.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')) {
        const name = field.getAttribute('aria-label') ?? '';
        const style = getComputedStyle(field);
        canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const isSelect = field instanceof HTMLSelectElement;
        const text = isSelect
          ? (field.selectedOptions[0]?.textContent ?? '')
          : field.value !== ''
            ? field.value
            : field.placeholder;
        // Chromium draws a select's arrow, and a number's spin buttons, in about 20 and 15 px.
        const controls = isSelect ? 20 : field.type === 'number' && style.appearance !== 'textfield' ? 15 : 0;
        const room = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - controls;
        const width = canvas.measureText(text).width;
        if (width > room) found.push(`${name}: "${text}" needs ${Math.round(width)} px, has ${Math.round(room)}`);
        const box = field.getBoundingClientRect();
        if (box.right > rowBox.right) found.push(`${name} runs past its row`);
        const label = field.closest('label');
        if (label !== null && getComputedStyle(label).borderBottomWidth !== '0px')
          found.push(`${name} has a line under it`);
      }
    }
    return found;
  });

for (const width of [1440, 1100]) {
  test(`at ${width} px every traffic field shows its whole value or placeholder`, async ({ page, baseURL }) => {
    await page.setViewportSize({ width, height: 900 });
    await open(page, baseURL, library('hairpin-one-backend'));
    await expect(page.getByRole('tabpanel').locator('fieldset').first()).toBeVisible();
    expect(await trafficProblems(page)).toEqual([]);
    await page
      .locator('.traffic-panel fieldset')
      .first()
      .screenshot({ path: `test-results/screenshots/polish-traffic-${width}.png` });
  });
}
