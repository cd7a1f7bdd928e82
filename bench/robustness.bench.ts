/**
 * Refusing hostile share links (issue 13): a decompression bomb, a link of a few hundred KB to
 * 1.4 MB whose DEFLATE data would expand to 1 GiB of zeros (`--quick`: 64 MiB), built by
 * streaming a reused 1 MiB zero buffer through zlib with codec 3's dictionary.
 *
 * - `robustness.node.bombRefusal.ms.<size>`: time for `loadScenarioLink` to refuse it in Node, the
 *   first call (nothing of the inflater compiled yet, as in a page that has just started); `…warm`
 *   the median of five more.
 * - `robustness.node.bombRefusal.allocatedMiB.<size>`: the heap and ArrayBuffer memory that call
 *   took (no collection in between, so garbage counts: an upper bound), and the RSS growth.
 * - `robustness.page.bombRefusal.ms.<size>`: in the built app in headless Chromium, from setting the
 *   bomb link in the address bar of the open page (a `hashchange`) to its refusal on screen, and
 *   `robustness.page.bombRefusal.longestTask.<size>` the longest main-thread task meanwhile
 *   (PerformanceObserver `longtask`: 0 means none over 50 ms); `…firstVisit…` the same for a first
 *   visit to the link (time from navigation start, the app's own start-up included).
 * Budgets (bench/budgets.ts), for 1 GiB: refused in under 1 s in Node and in the page, with under
 * 48 MiB allocated (garbage included: the live memory is the 1 MiB kept while counting and one
 * piece's output); no main-thread task over 50 ms in the page: the 1.4 MB address and the 1 MiB
 * inflated up to the cap are handled in one task on the main thread.
 */
import { chromium, type Page } from '@playwright/test';
import { loadScenarioLink } from '../src/scenario/index';
import { codec3Payload, deflatedZeros } from './bomb';
import { readLongTasks } from './longTasks';
import { type Figure, round } from './measure';
import { CHROMIUM, startPreview } from './preview';

/** A bomb of `mebibytes` MiB of zeros as a codec-3 payload (its checksum of zeros is never reached). */
const bombPayload = async (mebibytes: number): Promise<string> => codec3Payload(await deflatedZeros(mebibytes));

const MiB = 1024 * 1024;

function refuse(payload: string): number {
  const t0 = performance.now();
  const outcome = loadScenarioLink(`#s=${payload}`);
  const ms = performance.now() - t0;
  if (outcome.scenario !== null || !/expands to more than/.test(outcome.errors[0]?.message ?? '')) {
    throw new Error(`the bomb was not refused for its size: ${JSON.stringify(outcome.errors)}`);
  }
  return ms;
}

function inNode(payload: string, label: string): Figure[] {
  const before = process.memoryUsage();
  const cold = refuse(payload);
  const after = process.memoryUsage();
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) warm.push(refuse(payload));
  warm.sort((a, b) => a - b);
  const allocated = (after.heapUsed - before.heapUsed + after.arrayBuffers - before.arrayBuffers) / MiB;
  return [
    {
      name: `robustness.node.bombRefusal.ms.${label}`,
      value: round(cold, 1),
      unit: 'ms',
      note: `first call of loadScenarioLink on a ${payload.length.toLocaleString('en')}-character bomb link (${label} of zeros)`,
    },
    { name: `robustness.node.bombRefusal.warmMs.${label}`, value: round(warm[2] as number, 1), unit: 'ms' },
    {
      name: `robustness.node.bombRefusal.allocatedMiB.${label}`,
      value: round(allocated, 1),
      unit: 'MiB',
      note: `heap + ArrayBuffers grown during the first refusal, garbage included; RSS grew ${round((after.rss - before.rss) / MiB, 1)} MiB`,
    },
  ];
}

const ALERT = 'This share link could not be opened';
/** Resolves `window.__refusedAt` (page clock) when the refusal is on screen; watches long tasks. */
const WATCH = `(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push(e.duration);
  }).observe({ type: 'longtask' });
  const seen = () => [...document.querySelectorAll('[role="alert"]')].some((a) => a.textContent.includes(${JSON.stringify(ALERT)}));
  const tick = () => { if (seen()) window.__refusedAt = performance.now(); else requestAnimationFrame(tick); };
  window.__watchRefusal = () => { window.__refusedAt = undefined; window.__longTasks.length = 0; requestAnimationFrame(tick); };
  window.__watchRefusal();
})()`;

async function refusedIn(page: Page): Promise<{ at: number; longest: number; tasks: number; seen: boolean }> {
  // A function, not a string: a string predicate is eval()ed in the page, which its CSP refuses.
  await page.waitForFunction(() => (window as unknown as { __refusedAt?: number }).__refusedAt !== undefined, null, {
    timeout: 60_000,
    polling: 20,
  });
  const at = (await page.evaluate('window.__refusedAt')) as number;
  const { tasks, seen } = await readLongTasks(page);
  return { at, longest: tasks.length === 0 ? 0 : Math.max(...tasks), tasks: tasks.length, seen };
}

async function inPage(payload: string, label: string): Promise<Figure[]> {
  const preview = await startPreview();
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.addInitScript(WATCH);
    // A first visit with the bomb in the address bar.
    await page.goto(`${preview.url}#s=${payload}`);
    const first = await refusedIn(page);
    await page.getByRole('heading', { level: 1 }).waitFor();
    // The open page, the bomb pasted into its address bar: only the decoding and the refusal.
    await page
      .getByRole('button', { name: 'Dismiss' })
      .click()
      .catch(() => undefined);
    await page.waitForTimeout(500);
    const t0 = (await page.evaluate(`(() => { window.__watchRefusal(); const t = performance.now();
      location.hash = ${JSON.stringify(`s=${payload}`)}; return t; })()`)) as number;
    const pasted = await refusedIn(page);
    await context.close();
    const note = (r: typeof first) =>
      `${r.tasks} tasks over 50 ms; 0 means none (observer self-check ${r.seen ? 'passed' : 'FAILED'})`;
    return [
      {
        name: `robustness.page.bombRefusal.ms.${label}`,
        value: round(pasted.at - t0, 0),
        unit: 'ms',
        note: `from setting the ${payload.length.toLocaleString('en')}-character bomb link in the open page's address bar to "${ALERT}" on screen`,
      },
      {
        name: `robustness.page.bombRefusal.longestTask.${label}`,
        value: round(pasted.longest, 1),
        unit: 'ms',
        note: note(pasted),
      },
      {
        name: `robustness.page.bombFirstVisit.refusedAtMs.${label}`,
        value: round(first.at, 0),
        unit: 'ms',
        note: "a first visit to the bomb link: from navigation start (the app's start-up included) to the refusal on screen",
      },
      {
        name: `robustness.page.bombFirstVisit.longestTask.${label}`,
        value: round(first.longest, 1),
        unit: 'ms',
        note: note(first),
      },
    ];
  } finally {
    await browser.close();
    preview.stop();
  }
}

export async function run(quick: boolean): Promise<Figure[]> {
  const mebibytes = quick ? 64 : 1024;
  const label = quick ? '64MiB' : '1GiB';
  const payload = await bombPayload(mebibytes);
  return [...inNode(payload, label), ...(await inPage(payload, label))];
}
