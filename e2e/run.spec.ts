/**
 * Run and watch (issue 6) in real Chromium: the engine in its worker, the traffic panel, the
 * animation's marks on the canvas, playback, the event list, the packet inspector, the connections
 * table, cancelling a run, and the result byte for byte the command line's. Scenarios come in
 * through share links. Any console error or page error fails the test; a screenshot of each view
 * goes to test-results/screenshots/.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, type Locator, type Page, test } from '@playwright/test';
import { loadScenarioValue } from '../src/scenario';
import { createShareLink } from '../src/scenario/shareLink';
import type { Scenario } from '../src/scenario/types';
import { runScenario } from '../src/sim/simulate';
import { failOnConsoleErrors, shot } from './support';

failOnConsoleErrors();
const libraryFile = (name: string) => `public/library/${name}.json`;
const library = (name: string): Scenario => JSON.parse(readFileSync(libraryFile(name), 'utf8')) as Scenario;

async function open(page: Page, baseURL: string | undefined, scenario: Scenario) {
  await page.goto(createShareLink(scenario, new URL('/', baseURL).href));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(scenario.title ?? '');
}

const runButton = (page: Page) => page.getByRole('button', { name: '▶ Run' });
const playback = (page: Page) => page.getByRole('region', { name: 'Playback' });
const packetInspector = (page: Page) => page.getByRole('complementary', { name: 'Packet inspector' });

/** The element lies wholly inside the canvas (not clipped by its edges). */
async function expectInsideCanvas(page: Page, element: Locator) {
  await expect(async () => {
    const canvas = await page.locator('.react-flow').boundingBox();
    const box = await element.boundingBox();
    expect(canvas).not.toBeNull();
    expect(box).not.toBeNull();
    if (canvas === null || box === null) return;
    expect(box.x).toBeGreaterThanOrEqual(canvas.x);
    expect(box.y).toBeGreaterThanOrEqual(canvas.y);
    expect(box.x + box.width).toBeLessThanOrEqual(canvas.x + canvas.width);
    expect(box.y + box.height).toBeLessThanOrEqual(canvas.y + canvas.height);
  }).toPass({ timeout: 3000 });
}

async function run(page: Page) {
  await runButton(page).click();
  await expect(page.getByRole('status').filter({ hasText: /events ·|Bulk:/ })).toBeVisible({ timeout: 30_000 });
}

test('the seeds/003 hairpin: web01 shows the SYN-ACK mismatch with the tuple it expected', async ({
  page,
  baseURL,
}) => {
  await open(page, baseURL, library('hairpin-one-backend'));
  await run(page);
  const mark = page.locator('[data-mark="vm:web01"]');
  await expect(mark).toBeVisible();
  await expect(mark).toContainText('TCP_SYNACK_MISMATCH');
  await expect(mark).toContainText('matches no connecting socket');
  const mismatch = mark.getByRole('table', { name: 'SYN-ACK mismatch' });
  await expect(mismatch.getByRole('row', { name: /expected/ })).toContainText('10.2.1.100:80');
  await expect(mismatch.getByRole('row', { name: /arrived/ })).toContainText('10.2.1.4:80');
  // The pool member's probe state, with Azure's reason code.
  await expect(page.locator('[data-probe-member="web01-nic1"]')).toContainText('Up_Probe_Success');
  await expectInsideCanvas(page, mark);
  await shot(page, 'run-hairpin-mismatch');

  // Jump to the drop: the canvas and the packet inspector show it.
  await playback(page)
    .getByRole('button', { name: /Next drop/ })
    .click();
  await expect(packetInspector(page)).toContainText('TCP_SYNACK_MISMATCH');
  await expect(page.getByTestId('packet-token')).toContainText('SYN-ACK');
  // The jump brings web01 into view at a readable zoom, its mark wholly inside the canvas.
  await expect(page.locator('.react-flow__viewport')).toHaveAttribute('style', /scale\((1(\.\d+)?|0\.[89]\d*)\)/);
  await expectInsideCanvas(page, mark);
  await shot(page, 'run-hairpin-drop');
});

test('the baseline: every connection from on-premises is established', async ({ page, baseURL }) => {
  await open(page, baseURL, library('lab-baseline'));
  await run(page);
  await page.getByRole('tab', { name: /Connections/ }).click();
  const rows = page.getByRole('listbox', { name: 'Connections' }).getByRole('option');
  for (const i of [0, 1, 2]) {
    await expect(rows.filter({ hasText: `onprem-to-vip#${i}` })).toContainText('established');
  }
  await shot(page, 'run-baseline-connections');

  // Choosing a connection replays it alone.
  await rows.filter({ hasText: 'onprem-to-vip#1' }).click();
  await expect(playback(page)).toContainText('onprem-to-vip#1');
  await expect(packetInspector(page)).toContainText('onprem-to-vip#1');
  await playback(page).getByRole('button', { name: 'Pause' }).click();
});

test('stepping through events moves the canvas, the event list and the packet inspector together', async ({
  page,
  baseURL,
}) => {
  await open(page, baseURL, library('hairpin-one-backend'));
  await run(page);
  await page.getByRole('tab', { name: /Events/ }).click();
  const list = page.getByRole('listbox', { name: 'Events' });
  await expect(list.getByRole('option').first()).toBeVisible();

  const step = playback(page).getByRole('button', { name: 'Step forward' });
  await step.click();
  await expect(playback(page)).toContainText('1 /');
  await expect(packetInspector(page)).toContainText('#1 at 0 s');
  await expect(list.getByRole('option', { selected: true })).toContainText('probe:ilb/p80');
  await step.click();
  await step.click();
  await expect(packetInspector(page)).toContainText('#3 at 0 s');
  await expect(list.getByRole('option', { selected: true })).toContainText('web01-to-vip#0');

  // Only the web01 connection, then the load balancer's rewrite: hash inputs and the chosen member.
  const connection = page.getByRole('combobox', { name: 'Connection' });
  await connection.fill('web01-to-vip#0');
  await connection.press('Enter');
  await expect(list.getByRole('option').first()).toContainText('web01-to-vip#0');
  await page.getByRole('combobox', { name: 'Event kind' }).selectOption('all');
  const rewrite = list.getByRole('option').filter({ hasText: 'rewritten' }).first();
  await rewrite.click();
  const inspector = packetInspector(page);
  await expect(inspector).toContainText('Load-balancing rule');
  await expect(inspector).toContainText('hash inputs');
  await expect(inspector).toContainText('chosen web01-nic1');
  await expect(inspector.locator('.hop.is-current .is-changed').last()).toContainText('10.2.1.4:80');
  await expect(page.getByRole('note', { name: /Rewritten at/ })).toContainText('10.2.1.100:80');
  await shot(page, 'run-events-inspector');

  await playback(page).getByRole('button', { name: 'Step back' }).click();
  await expect(inspector).toContainText('frontend');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('4');
  await playback(page).getByRole('button', { name: 'Play' }).click();
  await expect(playback(page).getByRole('button', { name: 'Pause' })).toBeVisible();
  await page.waitForTimeout(700);
  await shot(page, 'run-playing');
  await playback(page).getByRole('button', { name: 'Pause' }).click();
});

test('a long run shows progress, can be cancelled, and the next run works', async ({ page, baseURL }) => {
  const s = library('lab-baseline');
  const big: Scenario = {
    ...s,
    traffic: (s.traffic ?? []).map((t, i) => (i === 0 ? { ...t, connections: 300_000, interval: 0.001 } : t)),
  };
  await open(page, baseURL, big);
  await runButton(page).click();
  await expect(page.getByRole('progressbar', { name: 'Run progress' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Simulating' })).toBeVisible();
  await shot(page, 'run-progress');
  // The page stays responsive while the worker runs: typing in the traffic panel works.
  await page.getByRole('button', { name: '■ Cancel' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Run cancelled' })).toBeVisible();

  await page.getByRole('spinbutton', { name: 'Connections of onprem-to-vip', exact: true }).fill('3');
  await run(page);
  await page.getByRole('tab', { name: /Connections/ }).click();
  // The first traffic's 3 connections and the HTTPS traffic's 3.
  await expect(page.getByRole('listbox', { name: 'Connections' }).getByRole('option')).toHaveCount(6);
});

test('a worker that crashes mid-run shows a clear error, and the next run starts a fresh one', async ({
  page,
  baseURL,
}) => {
  await open(page, baseURL, library('hairpin-one-backend'));
  // The first worker loads, then throws on the first call it gets: an uncaught error in the worker.
  let crashes = 0;
  await page.route(/engine\.worker[^/]*\.(js|ts)(\?.*)?$/, async (route) => {
    if (crashes > 0) return route.fallback();
    crashes++;
    await route.fulfill({
      contentType: 'text/javascript',
      body: "self.addEventListener('message', () => { throw new Error('engine exploded'); });",
    });
  });
  await runButton(page).click();
  const error = page.getByRole('status').filter({ hasText: 'stopped unexpectedly' });
  await expect(error).toBeVisible({ timeout: 10_000 });
  await expect(error).toContainText('engine exploded');
  await expect(error).toContainText('Run again to start a fresh worker');
  await expect(runButton(page)).toBeEnabled();
  await shot(page, 'run-worker-crashed');

  // The next run loads the real worker and completes.
  await run(page);
  await expect(page.locator('[data-mark="vm:web01"]')).toContainText('TCP_SYNACK_MISMATCH');
  expect(crashes).toBe(1);
});

test('the result in the browser is byte for byte the command line’s', async ({ page, baseURL }) => {
  const s = library('hairpin-one-backend');
  await open(page, baseURL, s);
  await run(page);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Result JSON' }).click();
  const file = await (await download).path();
  const browser = readFileSync(file, 'utf8');
  const inProcess = `${JSON.stringify(runScenario(s, { warnings: loadScenarioValue(s).warnings }), null, 2)}\n`;
  expect(browser).toBe(inProcess);
  const cli = execFileSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', libraryFile('hairpin-one-backend'), '--json'],
    {
      encoding: 'utf8',
    },
  );
  expect(browser.trimEnd()).toBe(cli.trimEnd());
});

test('the traffic panel offers the scenario’s clients, VMs and frontends, and edits undo', async ({
  page,
  baseURL,
}) => {
  await open(page, baseURL, library('hairpin-one-backend'));
  await page.getByRole('tab', { name: 'Traffic' }).click();
  const from = page.getByRole('combobox', { name: 'From of web01-to-vip' });
  await expect(from.locator('option')).toContainText(['onprem · 192.168.2.1 (on-premises)', 'web01 · 10.2.1.4']);
  const to = page.getByRole('combobox', { name: 'To of web01-to-vip' });
  await expect(to.locator('optgroup[label="Frontends"] option').first()).toContainText('10.2.1.100:80');
  await page.getByRole('button', { name: '+ Add traffic' }).click();
  await expect(page.getByRole('combobox', { name: /^From of / })).toHaveCount(3);
  await shot(page, 'run-traffic');
  await page.keyboard.press('Control+z');
  await expect(page.getByRole('combobox', { name: /^From of / })).toHaveCount(2);

  // A fixed source port reaches the engine: the SYN-ACK that arrives at web01 goes back to it.
  await page.getByRole('spinbutton', { name: 'Source port of web01-to-vip' }).fill('50000');
  await page.getByRole('spinbutton', { name: 'Data every of web01-to-vip' }).fill('0.5');
  await run(page);
  const mismatch = page.locator('[data-mark="vm:web01"]').getByRole('table', { name: 'SYN-ACK mismatch' });
  await expect(mismatch.getByRole('row', { name: /arrived/ })).toContainText('10.2.1.4:50000');
});
