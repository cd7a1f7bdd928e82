/**
 * Workshop mode (issue 7) in real Chromium: a challenge link of a library lesson, its hints one by
 * one, the fix made with the mouse in the inspector, Check my work judged by the engine in its
 * worker, and the success state; the solution revealed and applied as one undoable edit; the
 * library browser (and its error when a file cannot be fetched); the viewer; presenter mode; the
 * canvas as PNG (decoded and looked into, not only downloaded); the connection table as CSV.
 * Any console error or page error fails the test; screenshots go to test-results/screenshots/.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { loadScenarioLink } from '../src/scenario';
import { encodeSharePayload } from '../src/scenario/shareLink';
import type { Scenario } from '../src/scenario/types';
import { failOnConsoleErrors, fromFileMenu, shot } from './support';

failOnConsoleErrors();

const library = (name: string): Scenario => JSON.parse(readFileSync(`public/library/${name}.json`, 'utf8')) as Scenario;
/** A share link to the app under test, built with the project's own encoder. */
const linkTo = (baseURL: string | undefined, scenario: Scenario, options = '') =>
  `${new URL('/', baseURL).href}#s=${encodeSharePayload(scenario)}${options}`;

const lessonPanel = (page: Page) => page.getByRole('complementary', { name: 'Lesson' });
const inspector = (page: Page) => page.getByRole('complementary', { name: 'Inspector' });
const check = (page: Page, name: string) => lessonPanel(page).getByRole('listitem', { name: new RegExp(`^${name}:`) });
const CLIENT_CHECK = 'the on-premises client loads the page every time';
const PROBE_CHECK = 'web01 is probed up';

test('a challenge link: hints one by one, the fix made with the mouse, every check passes', async ({
  page,
  baseURL,
}) => {
  const lesson = library('nsg-blocks-data-port');
  const hints = lesson.lesson?.hints ?? [];
  expect(hints.length).toBeGreaterThanOrEqual(2);
  await page.goto(linkTo(baseURL, lesson, '&lesson=challenge'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(lesson.title ?? '');

  // The lesson panel opens with the goal, the steps, and checks not yet run.
  const panel = lessonPanel(page);
  await expect(page.getByRole('tab', { name: /Lesson/ })).toHaveAttribute('aria-selected', 'true');
  await expect(panel).toContainText(lesson.lesson?.goal ?? '');
  await expect(panel.getByRole('listitem').filter({ hasText: 'Read the rules of nsg-web' })).toBeVisible();
  await expect(check(page, CLIENT_CHECK)).toHaveAttribute('aria-label', `${CLIENT_CHECK}: not yet run`);
  await expect(check(page, PROBE_CHECK)).toHaveAttribute('aria-label', `${PROBE_CHECK}: not yet run`);
  // A challenge: no solution to reveal, and none in the document the inspector shows.
  await expect(panel).toContainText('Solution hidden in challenge mode.');
  await expect(panel.getByRole('button', { name: /Reveal the solution/ })).toHaveCount(0);
  await shot(page, 'lesson-challenge-before');

  // Check my work on the scenario as shipped: the engine says the client check fails.
  await panel.getByRole('button', { name: 'Check my work' }).click();
  await expect(check(page, CLIENT_CHECK)).toHaveAttribute('aria-label', `${CLIENT_CHECK}: failed`);
  await expect(check(page, PROBE_CHECK)).toHaveAttribute('aria-label', `${PROBE_CHECK}: passed`);
  await expect(check(page, CLIENT_CHECK)).toContainText('0 of 3 connections established (seen: 3 timeout, NSG_DENY)');
  await expect(panel).not.toContainText('Lesson complete');

  // Hints, one at a time.
  for (let i = 0; i < hints.length; i++) {
    await expect(panel.locator('.lesson-hint')).toHaveCount(i);
    await panel.getByRole('button', { name: `Show hint ${i + 1} of ${hints.length}` }).click();
    await expect(panel.locator('.lesson-hint').nth(i)).toContainText((hints[i] as string).slice(0, 40));
  }
  await expect(panel).toContainText('All hints are shown.');
  await shot(page, 'lesson-challenge-hints');

  // The inspector's view of the document has the lesson, but not its solution.
  await page.getByRole('tab', { name: 'Inspector' }).click();
  await inspector(page)
    .locator('summary')
    .filter({ hasText: /^lesson/ })
    .click();
  const lessonJson = await inspector(page).getByRole('textbox', { name: 'lesson as JSON' }).inputValue();
  expect(lessonJson).toContain('onprem-to-vip');
  expect(lessonJson).not.toContain('solution');

  // The fix, with the mouse: select the NSG on the canvas, open its rule, make it allow.
  await page.getByRole('group', { name: 'Network security group nsg-web', exact: true }).click();
  await expect(inspector(page).getByRole('heading', { name: 'nsg-web' })).toBeVisible();
  await inspector(page).getByRole('button', { name: 'Edit deny-onprem-http' }).click();
  const access = inspector(page).getByLabel('access', { exact: true });
  await access.click();
  await access.selectOption('Allow');
  await expect(access).toHaveValue('Allow');

  // Back to the lesson: the earlier verdict is marked as stale until checked again.
  await page.getByRole('tab', { name: /Lesson/ }).click();
  await expect(panel).toContainText('These results are from before your last edit.');
  await panel.getByRole('button', { name: 'Check my work' }).click();
  await expect(check(page, CLIENT_CHECK)).toHaveAttribute('aria-label', `${CLIENT_CHECK}: passed`);
  await expect(check(page, PROBE_CHECK)).toHaveAttribute('aria-label', `${PROBE_CHECK}: passed`);
  await expect(check(page, CLIENT_CHECK)).toContainText('3 of 3 connections established');
  await expect(panel.getByRole('status').filter({ hasText: 'Lesson complete' })).toBeVisible();
  await expect(page.getByRole('tab', { name: /Lesson/ })).toContainText('2/2');
  await shot(page, 'lesson-challenge-success');

  // Undo takes the fix back, and the success with it.
  await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
  await page.keyboard.press('Control+z');
  await page.getByRole('tab', { name: /Lesson/ }).click();
  await expect(panel).not.toContainText('Lesson complete');
});

test('a lesson link: the solution is shown as a list of changes and applied as one undoable edit', async ({
  page,
  baseURL,
}) => {
  await page.goto(linkTo(baseURL, library('nsg-blocks-data-port')));
  const panel = lessonPanel(page);
  await panel.getByRole('button', { name: 'Reveal the solution' }).click();
  const changes = panel.getByRole('list', { name: 'Solution changes' });
  const access = changes.getByRole('listitem').filter({ hasText: '› access' });
  await expect(access).toContainText('Deny');
  await expect(access).toContainText('Allow');
  await expect(access).toContainText('securityRules › deny-onprem-http → allow-onprem-http');
  await changes.scrollIntoViewIfNeeded();
  await shot(page, 'lesson-solution');

  await panel.getByRole('button', { name: 'Apply the solution' }).click();
  await expect(panel).toContainText('Your scenario already has every change the solution makes.');
  await panel.getByRole('button', { name: 'Check my work' }).click();
  await expect(panel.getByRole('status').filter({ hasText: 'Lesson complete' })).toBeVisible();

  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(panel.getByRole('listitem').filter({ hasText: '› access' })).toContainText('Deny');
  await expect(panel).not.toContainText('Lesson complete');

  // Share it as a challenge: the link carries the lesson without its solution.
  await page.getByRole('button', { name: 'Share link' }).click();
  const popover = page.getByRole('dialog', { name: 'Share link' });
  await expect(popover.getByRole('textbox', { name: 'Share link' })).not.toHaveValue(/lesson=challenge/);
  await popover.getByRole('checkbox', { name: /Challenge/ }).click();
  await expect(popover.getByRole('checkbox', { name: /Challenge/ })).toBeChecked();
  await expect(popover.getByRole('textbox', { name: 'Share link' })).toHaveValue(/&lesson=challenge$/);
  const link = await popover.getByRole('textbox', { name: 'Share link' }).inputValue();
  expect(link).toMatch(/&lesson=challenge$/);
  const shared = loadScenarioLink(link);
  expect(shared.options).toEqual({ view: false, challenge: true });
  expect(shared.scenario?.lesson?.hints).toEqual(library('nsg-blocks-data-port').lesson?.hints);
  expect(shared.scenario?.lesson?.solution).toBeUndefined();
  await popover.getByRole('checkbox', { name: /Read-only viewer/ }).click();
  await expect(popover.getByRole('textbox', { name: 'Share link' })).toHaveValue(/&view=1&lesson=challenge$/);
  await shot(page, 'share-challenge');
});

test('the library browser lists the scenarios, filters them, and opens one without losing work', async ({ page }) => {
  await page.goto('/');
  // Some work of one's own: an edit of the default lab.
  await page.getByRole('group', { name: 'Virtual machine web01', exact: true }).click();
  await inspector(page).getByLabel('os').selectOption('linux');

  await fromFileMenu(page, 'Library…');
  const dialog = page.getByRole('dialog', { name: 'Scenario library' });
  await expect(dialog).toBeVisible();
  const list = dialog.getByRole('list', { name: 'Library scenarios' });
  const index = JSON.parse(readFileSync('public/library/index.json', 'utf8')) as { title: string; seed: string }[];
  await expect(list.getByRole('listitem')).toHaveCount(index.length);
  await expect(list).toContainText(index[0]?.seed ?? '');
  await shot(page, 'library-browser');

  await dialog.getByRole('button', { name: 'linux', exact: true }).click();
  await expect(dialog.getByRole('status')).toContainText(`of ${index.length} scenarios`);
  await dialog.getByRole('button', { name: 'all', exact: true }).click();
  await dialog.getByRole('searchbox', { name: 'Search the library' }).fill('nsg blocks the data port');
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await list.getByRole('button', { name: 'Open An NSG rule blocks the data port' }).click();

  // The edited lab is work: the page asks before replacing it.
  const ask = page.getByRole('dialog', { name: 'Open the library scenario?' });
  await expect(ask).toBeVisible();
  await ask.getByRole('button', { name: 'Open the library scenario' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('An NSG rule blocks the data port');
  await expect(lessonPanel(page)).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'was kept' })).toBeVisible();
  await page.getByRole('button', { name: 'Restore previous' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('ILB hairpin lab');
});

test('the library says so when a file cannot be fetched, and keeps the scenario', async ({ page }) => {
  // Served, but not a scenario (an HTTP error would also log a console error, which fails the test).
  await page.route('**/library/nsg-blocks-data-port.json', (route) => route.fulfill({ status: 200, body: '<html>' }));
  await page.goto('/');
  await fromFileMenu(page, 'Library…');
  const dialog = page.getByRole('dialog', { name: 'Scenario library' });
  await dialog.getByRole('button', { name: 'Open An NSG rule blocks the data port' }).click();
  await expect(dialog.getByRole('alert')).toContainText('library/nsg-blocks-data-port.json could not be read:');
  await expect(dialog.getByRole('alert')).toContainText('line 1');
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('ILB hairpin lab');

  await page.route('**/library/index.json', (route) => route.fulfill({ status: 200, body: '{"truncated' }));
  await page.reload();
  await fromFileMenu(page, 'Library…');
  const reopened = page.getByRole('dialog', { name: 'Scenario library' });
  await expect(reopened.getByRole('alert')).toContainText('The library could not be loaded: index.json is not JSON');
  // Try again reads it afresh.
  await page.unroute('**/library/index.json');
  await reopened.getByRole('button', { name: 'Try again' }).click();
  await expect(reopened.getByRole('list', { name: 'Library scenarios' }).getByRole('listitem').first()).toBeVisible();
});

test('the viewer shows the canvas and the run, without palette or inspector', async ({ page, baseURL }) => {
  await page.goto(linkTo(baseURL, library('hairpin-one-backend'), '&view=1'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(library('hairpin-one-backend').title ?? '');
  await expect(page.getByRole('navigation', { name: 'Palette' })).toHaveCount(0);
  await expect(inspector(page)).toHaveCount(0);
  await expect(lessonPanel(page)).toHaveCount(0);
  // It opens on the run's events, not on the traffic's fields.
  await expect(page.getByRole('tab', { name: /Events/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('button', { name: '▶ Run' })).toBeEnabled();
  await page.getByRole('button', { name: '▶ Run' }).click();
  await expect(page.getByRole('status').filter({ hasText: /events ·/ })).toBeVisible({ timeout: 30_000 });
  await shot(page, 'lesson-viewer');
});

test('presenter mode: large type, slow playback, toggled from the header and with P', async ({ page, baseURL }) => {
  await page.goto(linkTo(baseURL, library('hairpin-one-backend')));
  const app = page.locator('.app');
  const speed = page.getByRole('combobox', { name: 'Speed' });
  await expect(app).not.toHaveClass(/is-presenter/);
  await page.getByRole('button', { name: 'Presenter' }).click();
  await expect(app).toHaveClass(/is-presenter/);
  await expect(page.getByRole('button', { name: 'Presenter' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('navigation', { name: 'Palette' })).toBeHidden();
  await page.getByRole('button', { name: '▶ Run' }).click();
  await expect(page.getByRole('status').filter({ hasText: /events ·/ })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('tab', { name: /Events/ }).click();
  await expect(speed).toHaveValue('0.25');
  // Large type: the event list's text is drawn bigger than outside presenter mode.
  const row = page.locator('.event-row').first();
  const presented = (await row.boundingBox())?.height ?? 0;
  await shot(page, 'lesson-presenter');

  await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
  await page.keyboard.press('p');
  await expect(app).not.toHaveClass(/is-presenter/);
  await expect(speed).toHaveValue('1');
  const normal = (await row.boundingBox())?.height ?? 0;
  expect(presented).toBeGreaterThan(normal * 1.2);
  await page.keyboard.press('p');
  await expect(app).toHaveClass(/is-presenter/);
});

/** Width, height and how much of the image is drawn, decoded by the browser from the PNG's bytes. */
async function inspectPng(page: Page, bytes: Buffer) {
  return page.evaluate(async (base64) => {
    // Decoded in place: the app's Content-Security-Policy (connect-src 'self') refuses fetching a data: URL.
    const blob = new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type: 'image/png' });
    const bitmap = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    let inked = 0;
    let vmBlue = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i] as number, data[i + 1] as number, data[i + 2] as number];
      if (r < 235 || g < 235 || b < 235) inked++;
      // --kind-vm #0f6cbd: the left border of a VM node.
      if (Math.abs(r - 0x0f) < 24 && Math.abs(g - 0x6c) < 24 && Math.abs(b - 0xbd) < 24) vmBlue++;
    }
    return { width: bitmap.width, height: bitmap.height, inked: inked / (data.length / 4), vmBlue };
  }, bytes.toString('base64'));
}

test('Export PNG downloads the whole canvas with its nodes drawn', async ({ page, baseURL }) => {
  await page.goto(linkTo(baseURL, library('nsg-blocks-data-port')));
  const downloading = page.waitForEvent('download');
  await fromFileMenu(page, 'Export PNG');
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('an-nsg-rule-blocks-the-data-port.png');
  const bytes = readFileSync(await download.path());
  mkdirSync('test-results/screenshots', { recursive: true });
  writeFileSync('test-results/screenshots/canvas-export.png', bytes);
  // A PNG: the signature, then IHDR with the size.
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  // The layout spans about 1,600 × 760 flow pixels, drawn at 2×: the whole scenario, not the view.
  expect(width).toBeGreaterThan(2800);
  expect(height).toBeGreaterThan(1300);
  const seen = await inspectPng(page, bytes);
  expect(seen).toMatchObject({ width, height });
  expect(seen.inked).toBeGreaterThan(0.01);
  expect(seen.vmBlue).toBeGreaterThan(200);
});

test('the connection table exports as CSV and JSON', async ({ page, baseURL }) => {
  await page.goto(linkTo(baseURL, library('nsg-blocks-data-port')));
  await page.getByRole('button', { name: '▶ Run' }).click();
  await expect(page.getByRole('status').filter({ hasText: /events ·/ })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('tab', { name: /Connections/ }).click();

  let downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  let download = await downloading;
  expect(download.suggestedFilename()).toBe('an-nsg-rule-blocks-the-data-port-connections.csv');
  const csv = readFileSync(await download.path(), 'utf8').split('\r\n');
  expect(csv[0]).toMatch(/^connection,traffic,index,protocol,from,source,destination,outcome,backend,/);
  expect(csv.filter((line) => line.startsWith('onprem-to-vip#'))).toHaveLength(3);
  expect(csv[1]).toContain(',timeout,web01-nic1,');
  expect(csv[1]).toContain(',NSG_DENY,nsg:nsg-web,');

  downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export JSON' }).click();
  download = await downloading;
  const rows = JSON.parse(readFileSync(await download.path(), 'utf8')) as { outcome: string }[];
  expect(rows.map((r) => r.outcome)).toEqual(['timeout', 'timeout', 'timeout']);
});
