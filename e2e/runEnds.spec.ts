/**
 * Runs that always end (issue 13) in real Chromium: a worker that stops without a word is noticed
 * and replaced, and a run its budget stopped says so in the run bar.
 */
import { readFileSync } from 'node:fs';
import { expect, type Page, type Worker as PageWorker, test } from '@playwright/test';
import { encodeSharePayload } from '../src/scenario/shareLink';
import type { Scenario, Traffic } from '../src/scenario/types';
import { failOnConsoleErrors, shot } from './support';

failOnConsoleErrors();
const library = (name: string): Scenario => JSON.parse(readFileSync(`public/library/${name}.json`, 'utf8')) as Scenario;

async function open(page: Page, baseURL: string | undefined, scenario: Scenario) {
  await page.goto(`${new URL('/', baseURL).href}#s=${encodeSharePayload(scenario)}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(scenario.title ?? '');
}

const runButton = (page: Page) => page.getByRole('button', { name: '▶ Run' });

test('a worker that stops silently mid-run is noticed, and the next run works', async ({ page, baseURL }) => {
  const s = library('lab-baseline');
  const big: Scenario = {
    ...s,
    traffic: (s.traffic ?? []).map((t, i) => (i === 0 ? { ...t, connections: 3_000_000, interval: 0.001 } : t)),
  };
  await open(page, baseURL, big);
  const workers: PageWorker[] = [];
  page.on('worker', (w) => workers.push(w));
  await runButton(page).click();
  const bar = page.getByRole('progressbar', { name: 'Run progress' });
  await expect
    .poll(async () => Number((await bar.getAttribute('aria-valuenow')) ?? '0'), { timeout: 20_000 })
    .toBeGreaterThan(0);
  // Closed from inside: no error event reaches the page, the worker just goes quiet.
  expect(workers).toHaveLength(1);
  await (workers[0] as PageWorker).evaluate(() => (self as unknown as { close(): void }).close()).catch(() => {});
  const message = page.getByRole('status').filter({ hasText: 'stopped responding' });
  await expect(message).toBeVisible({ timeout: 20_000 });
  await expect(message).toHaveText(
    'The simulation worker stopped responding; the run was abandoned. Run again to start a fresh worker.',
  );
  await shot(page, 'run-worker-silent');

  await page.getByRole('spinbutton', { name: 'Connections of onprem-to-vip', exact: true }).fill('3');
  await runButton(page).click();
  await expect(page.getByRole('status').filter({ hasText: /events ·/ })).toBeVisible({ timeout: 30_000 });
  expect(workers).toHaveLength(2);
});

test('a run its time budget stopped says so in the run bar', async ({ page, baseURL }) => {
  const s = library('lab-baseline');
  // A connection a day for eight days: every field within its bounds, the run past seven days.
  const traffic = (s.traffic ?? []).map((t, i): Traffic => (i === 0 ? { ...t, connections: 8, interval: 86_400 } : t));
  const long: Scenario = { ...s, traffic };
  await open(page, baseURL, long);
  await page.getByRole('combobox', { name: 'Mode' }).selectOption('bulk');
  await runButton(page).click();
  const stopped = page.getByRole('alert').filter({ hasText: 'The run stopped at' });
  await expect(stopped).toBeVisible({ timeout: 30_000 });
  await expect(stopped).toContainText(
    'The run stopped at 604,800 s of simulated time: a run simulates at most 604,800 s (7 days).',
  );
  await shot(page, 'run-stopped-budget');
});
