import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import type { Scenario } from '../src/scenario/types';
import { readLongTasks, watchLongTasks } from './longTasks';
import { type Figure, round } from './measure';
import { CHROMIUM, root, startPreview } from './preview';

/** The baseline lab with its first traffic opening `connections` connections, 1 ms apart. */
function scenario(connections: number): Scenario {
  const s = JSON.parse(readFileSync(join(root, 'public', 'library', 'lab-baseline.json'), 'utf8')) as Scenario;
  return {
    ...s,
    traffic: (s.traffic ?? []).map((t, i) => (i === 0 ? { ...t, connections, interval: 0.001 } : t)),
  };
}

/** Runs `connections` in `mode` and returns the long tasks the page saw meanwhile. */
async function measure(page: Page, url: string, connections: number, mode: 'bulk' | 'trace') {
  await page.goto(url);
  await page.evaluate((doc) => localStorage.setItem('hairpin.autosave.v1', doc), JSON.stringify(scenario(connections)));
  await page.reload();
  await page.getByRole('button', { name: '▶ Run' }).waitFor();
  await page.getByRole('combobox', { name: 'Mode' }).selectOption(mode);
  await page.waitForTimeout(300);
  await watchLongTasks(page);
  // A string, not a function: tsx would wrap named functions in a helper the page does not have.
  await page.evaluate(`(() => {
    // Each new percentage the progress bar shows (the worker sends at most four reports a second).
    window.__progress = [];
    new MutationObserver((records) => {
      for (const r of records) {
        const v = r.target.getAttribute('aria-valuenow');
        if (v !== null && v !== window.__progress.at(-1)) window.__progress.push(v);
      }
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['aria-valuenow'] });
  })()`);
  const start = Date.now();
  await page.getByRole('button', { name: '▶ Run' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: mode === 'bulk' ? 'Bulk:' : 'events ·' })
    .waitFor({ timeout: 600_000 });
  const seconds = (Date.now() - start) / 1000;
  const progress = ((await page.evaluate('window.__progress')) as string[]).map(Number);
  if (mode === 'trace') {
    // Scroll through the event list and step: the page reads pages of rows from the worker.
    await page.getByRole('tab', { name: /Events/ }).click();
    await page.getByRole('listbox', { name: 'Events' }).hover();
    for (let i = 0; i < 10; i++) await page.mouse.wheel(0, 4000);
    await page.getByRole('button', { name: 'Next drop →' }).click();
  }
  const { tasks, seen } = await readLongTasks(page);
  return { tasks, seconds, seen, progress };
}

export async function run(quick: boolean): Promise<Figure[]> {
  const preview = await startPreview();
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  const figures: Figure[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const cases: [number, 'bulk' | 'trace'][] = quick
      ? [[2_000, 'bulk']]
      : [
          [100_000, 'bulk'],
          [2_000, 'trace'],
        ];
    for (const [connections, mode] of cases) {
      const { tasks, seconds, seen, progress } = await measure(page, preview.url, connections, mode);
      const longest = tasks.length === 0 ? 0 : Math.max(...tasks);
      const what = `${connections.toLocaleString('en')} connections, ${mode} mode`;
      figures.push(
        {
          name: `run.${mode}.longestMainThreadTask.${connections}`,
          value: round(longest, 1),
          unit: 'ms',
          note: `${what}; budget: no task over 50 ms; 0 means none over 50 ms (observer self-check ${seen ? 'passed' : 'FAILED'})`,
        },
        { name: `run.${mode}.longTasks.${connections}`, value: tasks.length, unit: 'tasks', note: 'over 50 ms' },
        { name: `run.${mode}.seconds.${connections}`, value: round(seconds, 2), unit: 's', note: 'Run to summary' },
        {
          name: `run.${mode}.progressSteps.${connections}`,
          value: progress.length,
          unit: 'steps',
          note: `distinct percentages the progress bar showed during the run (${progress.slice(0, 3).join(', ')} … ${progress.slice(-2).join(', ')}); the worker sends at most 4 reports a second`,
        },
      );
    }
    return figures;
  } finally {
    await browser.close();
    preview.stop();
  }
}
