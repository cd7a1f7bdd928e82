/**
 * The page's long tasks (over 50 ms, PerformanceObserver `longtask`), for the benchmarks that run
 * the engine from the page: start watching before the run, read after it. Reading also checks the
 * observer itself: a task of 80 ms, made on purpose after the run, must be seen.
 */
import type { Page } from '@playwright/test';

// Strings, not functions: tsx would wrap named functions in a helper the page does not have.
const WATCH = `(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push(e.duration);
  }).observe({ type: 'longtask' });
})()`;
const BLOCK_80_MS =
  '(() => { setTimeout(() => { const t = performance.now(); while (performance.now() - t < 80) {} }, 0); })()';

export async function watchLongTasks(page: Page): Promise<void> {
  await page.evaluate(WATCH);
}

/** The durations (ms) of the long tasks seen since `watchLongTasks`, and whether the observer works. */
export async function readLongTasks(page: Page): Promise<{ tasks: number[]; seen: boolean }> {
  await page.waitForTimeout(300);
  const tasks = (await page.evaluate('window.__longTasks')) as number[];
  await page.evaluate(BLOCK_80_MS);
  await page.waitForTimeout(300);
  const seen = ((await page.evaluate('window.__longTasks')) as number[]).length > tasks.length;
  return { tasks, seen };
}
