/**
 * The app in headless Chromium, served by `vite preview` of the built app (bench/preview.ts):
 *
 * - `app.interactive.<case>`: time to interactive of a first visit (a fresh browser context: no
 *   cache, no storage), in ms from navigation start (the page's `performance.now()` origin) to the
 *   first moment when (a) the canvas shows every node of the scenario, drawn (React Flow shows a
 *   node once it has measured it: no `visibility: hidden` left), and (b) the palette's items are
 *   on screen and enabled, and (c) the main thread has then run one more task (a MessageChannel
 *   message posted from that animation frame): a click there would be handled. The node count is
 *   taken from a first, unmeasured visit once the page has settled. Median of several visits.
 *   Cases: `default` (the first visit: the default lab), `1000-element` (a generated 1,000-element
 *   scenario opened from a share link, `#s=…`, as a recipient would; not in `--quick`).
 * - `app.animation.frameP95.200-element`: frame time p95 (requestAnimationFrame deltas) while the
 *   playback animates, at 4×, a trace of ≥ 500 packets (distinct packet ids, probes included) on
 *   a generated 200-element scenario; with the count of long frames (> 20 ms).
 * - `app.bulkRun.longestMainThreadTask.<n>`: the longest main-thread task (PerformanceObserver
 *   `longtask`, which reports tasks over 50 ms; 0 means none) while the worker runs n connections
 *   of the engine benchmark's lab in bulk mode, from Run to the summary.
 * Budgets (bench/budgets.ts): interactive ≤ 1,500 ms, 1,000 elements ≤ 2,000 ms, frame p95 ≤ 20 ms,
 * no task over 50 ms. Headless frames are capped at 60 Hz (16.7 ms).
 */
import { type Browser, chromium, type Page } from '@playwright/test';
import { encodeSharePayload } from '../src/scenario/shareLink';
import type { Scenario } from '../src/scenario/types';
import { runScenario } from '../src/sim/simulate';
import { benchLab } from './engine.bench';
import { generateScenario } from './generate';
import { readLongTasks, watchLongTasks } from './longTasks';
import { type Figure, round } from './measure';
import { CHROMIUM, startPreview } from './preview';

const VIEWPORT = { width: 1440, height: 900 };
const AUTOSAVE = 'hairpin.autosave.v1';
const LONG_FRAME_MS = 20;

/** Installed before any script of the page: resolves `window.__tti` as defined above. */
const ttiProbe = (expectedNodes: number) => `(() => {
  const ready = () => {
    const nodes = document.querySelectorAll('.react-flow__node');
    if (nodes.length < ${expectedNodes}) return false;
    for (const n of nodes) if (n.style.visibility === 'hidden') return false;
    const items = document.querySelectorAll('.app-palette .palette-item');
    if (items.length === 0) return false;
    for (const i of items) if (i.disabled || i.getAttribute('aria-disabled') === 'true') return false;
    return true;
  };
  const tick = () => {
    if (!ready()) { requestAnimationFrame(tick); return; }
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { window.__tti = performance.now(); };
    channel.port2.postMessage(0);
  };
  requestAnimationFrame(tick);
})()`;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.floor((s.length - 1) / 2)] as number);
};

/**
 * One first visit of `url`: the time to interactive (ms), or the settled node count when
 * `expected` is null; `traced`: the renderer main thread's CPU time until then instead (Chrome
 * trace, which slows the page a little: never the visits that are timed).
 */
async function visit(browser: Browser, url: string, expected: number | null, traced = false): Promise<number> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    if (expected === null) {
      await page.goto(url, { waitUntil: 'networkidle' });
      await page.locator('.react-flow__node').first().waitFor();
      await page.waitForTimeout(1000);
      return await page.locator('.react-flow__node').count();
    }
    await page.addInitScript(ttiProbe(expected));
    if (traced) await browser.startTracing(page, { categories: ['toplevel'] });
    await page.goto(url);
    // A function, not a string: a string predicate is eval()ed in the page, which its CSP refuses.
    await page.waitForFunction(() => (window as unknown as { __tti?: number }).__tti !== undefined, null, {
      timeout: 60_000,
      polling: 50,
    });
    if (traced) return mainThreadTasks(await browser.stopTracing()).totalCpu;
    return (await page.evaluate('window.__tti')) as number;
  } finally {
    await context.close();
  }
}

async function interactive(browser: Browser, url: string, label: string, runs: number, note: string) {
  const nodes = await visit(browser, url, null);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await visit(browser, url, nodes));
  const cpu = await visit(browser, url, nodes, true);
  return [
    {
      name: `app.interactive.${label}`,
      value: round(median(times), 0),
      unit: 'ms',
      note: `${note}; ${nodes} nodes; median of ${runs} first visit${runs === 1 ? '' : 's'} (${times.map((t) => Math.round(t)).join(', ')} ms)`,
    },
    {
      name: `app.interactive.mainThreadCpu.${label}`,
      value: round(cpu, 0),
      unit: 'ms',
      note: "CPU time of the page's main thread from navigation until interactive, in one more (traced) visit: the app's own work, without the waits of a loaded machine",
    },
  ];
}

/** A generated scenario of about `elements` elements with `connections` connections, 10 ms apart. */
function withTraffic(elements: number, connections: number): { scenario: Scenario; elements: number } {
  const { scenario, elements: count } = generateScenario(elements);
  return {
    scenario: {
      ...scenario,
      traffic: [{ name: 't', from: 'onprem', to: '10.1.0.250:80', connections, interval: 0.01 }],
    },
    elements: count,
  };
}

async function openWithAutosave(page: Page, url: string, scenario: Scenario): Promise<void> {
  await page.goto(url);
  await page.evaluate(
    ([key, doc]) => localStorage.setItem(key as string, doc as string),
    [AUTOSAVE, JSON.stringify(scenario)],
  );
  await page.reload();
  await page.getByRole('button', { name: '▶ Run' }).waitFor();
}

async function runIn(page: Page, mode: 'trace' | 'bulk'): Promise<void> {
  await page.getByRole('combobox', { name: 'Mode' }).selectOption(mode);
  await page.getByRole('button', { name: '▶ Run' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: mode === 'bulk' ? 'Bulk:' : 'events ·' })
    .waitFor({ timeout: 900_000 });
}

async function animation(browser: Browser, url: string, seconds: number): Promise<Figure[]> {
  // The fewest connections whose trace has at least 500 packets (the probes' included).
  let picked: { scenario: Scenario; elements: number; packets: number } | null = null;
  for (let connections = 10; picked === null; connections += 10) {
    const { scenario, elements } = withTraffic(200, connections);
    const events = runScenario(scenario, { trace: true }).events ?? [];
    const packets = new Set(events.flatMap((e) => (e.packet === null ? [] : [e.packet.id]))).size;
    if (packets >= 500) picked = { scenario, elements, packets };
  }
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    await openWithAutosave(page, url, picked.scenario);
    await runIn(page, 'trace');
    const playback = page.getByRole('region', { name: 'Playback' });
    await page.getByRole('combobox', { name: 'Speed' }).selectOption('4');
    await page.waitForTimeout(300);
    // A string, not a function: tsx would wrap named functions in a helper the page does not have.
    await page.evaluate(`(() => {
      window.__frames = [];
      window.__sampling = true;
      let last = 0;
      const tick = (now) => {
        if (last > 0) window.__frames.push(now - last);
        last = now;
        if (window.__sampling) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })()`);
    await browser.startTracing(page, {
      categories: ['toplevel'],
    });
    await playback.getByRole('button', { name: 'Play' }).click();
    await page.waitForTimeout(seconds * 1000);
    const deltas = (await page.evaluate(
      '(() => { window.__sampling = false; return window.__frames; })()',
    )) as number[];
    const tasks = mainThreadTasks(await browser.stopTracing());
    const step = await playback.innerText();
    await playback.getByRole('button', { name: 'Pause' }).click();
    const sorted = [...deltas].sort((a, b) => a - b);
    const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? Number.NaN;
    const where = step.match(/\d[\d,]* \/ [\d,]+/)?.[0] ?? '?';
    const note = `${picked.elements} elements, a trace of ${picked.packets} packets played at 4× for ${seconds} s (reached step ${where}); budget p95 ≤ 20 ms`;
    return [
      { name: 'app.animation.frameP95.200-element', value: round(p95, 1), unit: 'ms', note },
      {
        name: 'app.animation.longFrames.200-element',
        value: deltas.filter((d) => d > LONG_FRAME_MS).length,
        unit: 'frames',
        note: `> ${LONG_FRAME_MS} ms, of ${deltas.length}`,
      },
      {
        name: 'app.animation.longestTaskCpu.200-element',
        value: round(tasks.longestCpu, 1),
        unit: 'ms',
        note: `the page's main thread while playing (Chrome trace): its longest task took ${round(tasks.longestWall, 1)} ms of wall time and ${round(tasks.longestCpu, 1)} ms of CPU; the thread was busy ${round(100 * tasks.busyCpu, 1)}% of the time on CPU. A long frame with little CPU behind it is the machine's load, not the app`,
      },
    ];
  } finally {
    await context.close();
  }
}

/** A task of a thread, in the `toplevel` trace category. */
const TASK = 'ThreadControllerImpl::RunTask';

/** The renderer main thread's tasks in a Chrome trace: the longest (wall and CPU time) and the CPU share. */
function mainThreadTasks(trace: Buffer): {
  longestWall: number;
  longestCpu: number;
  busyCpu: number;
  totalCpu: number;
} {
  interface TraceEvent {
    name: string;
    ph: string;
    pid: number;
    tid: number;
    ts: number;
    dur?: number;
    tdur?: number;
    args?: { name?: string };
  }
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  // The renderer main thread that worked most (the page's first, blank renderer is traced too).
  const byThread = new Map<string, TraceEvent[]>();
  const mains = new Set(
    events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  );
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.ph !== 'X' || e.name !== TASK || !mains.has(key)) continue;
    byThread.set(key, [...(byThread.get(key) ?? []), e]);
  }
  const cpuOf = (list: TraceEvent[]) => list.reduce((n, e) => n + (e.tdur ?? 0), 0);
  const tasks = [...byThread.values()].sort((a, b) => cpuOf(b) - cpuOf(a))[0] ?? [];
  if (tasks.length === 0) {
    return { longestWall: Number.NaN, longestCpu: Number.NaN, busyCpu: Number.NaN, totalCpu: Number.NaN };
  }
  const totalCpu = tasks.reduce((n, e) => n + (e.tdur ?? 0), 0);
  const start = Math.min(...tasks.map((e) => e.ts));
  const end = Math.max(...tasks.map((e) => e.ts + (e.dur ?? 0)));
  let longest = tasks[0] as TraceEvent;
  for (const e of tasks) if ((e.dur ?? 0) > (longest.dur ?? 0)) longest = e;
  return {
    longestWall: (longest.dur ?? 0) / 1000,
    longestCpu: Math.max(...tasks.map((e) => e.tdur ?? 0)) / 1000,
    busyCpu: totalCpu / Math.max(1, end - start),
    totalCpu: totalCpu / 1000,
  };
}

/**
 * The engine benchmark's lab (bench/engine.bench.ts: three backends, 65,536 client addresses, no
 * HTTP), `connections` connections 0.1 ms apart: a statistics run like the distribution
 * experiment's, which the bulk fast path covers. (The library's labs have one client address: at
 * 0.1 ms apart its connections overlap on that one host, and each runs the full packet path,
 * about 30 times slower.)
 */
const bulkLab = (connections: number): Scenario => benchLab(connections);

async function bulkRun(browser: Browser, url: string, connections: number): Promise<Figure[]> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    await openWithAutosave(page, url, bulkLab(connections));
    await page.getByRole('combobox', { name: 'Mode' }).selectOption('bulk');
    await page.waitForTimeout(300);
    await watchLongTasks(page);
    await browser.startTracing(page, { categories: ['toplevel'] });
    const start = Date.now();
    await runIn(page, 'bulk');
    const seconds = (Date.now() - start) / 1000;
    const cpu = mainThreadTasks(await browser.stopTracing());
    const { tasks, seen } = await readLongTasks(page);
    const what = `${connections.toLocaleString('en')} connections in bulk mode, Run to summary in ${round(seconds, 1)} s`;
    return [
      {
        name: `app.bulkRun.longestMainThreadTask.${connections}`,
        value: round(tasks.length === 0 ? 0 : Math.max(...tasks), 1),
        unit: 'ms',
        note: `${what} (the engine benchmark's lab); ${tasks.length} tasks over 50 ms; 0 means none; budget: none over 50 ms (observer self-check ${seen ? 'passed' : 'FAILED'})`,
      },
      {
        name: `app.bulkRun.longestTaskCpu.${connections}`,
        value: round(cpu.longestCpu, 1),
        unit: 'ms',
        note: `the same run in a Chrome trace: the page's longest task took ${round(cpu.longestWall, 1)} ms of wall time and ${round(cpu.longestCpu, 1)} ms of CPU (the rest is waiting for a core of a loaded machine)`,
      },
    ];
  } finally {
    await context.close();
  }
}

export async function run(quick: boolean): Promise<Figure[]> {
  const preview = await startPreview();
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const big = generateScenario(quick ? 10 : 1000);
    const link = `${preview.url}#s=${encodeSharePayload(big.scenario)}`;
    return [
      ...(await interactive(browser, preview.url, 'default', quick ? 1 : 5, 'first visit, the default lab')),
      // Not in --quick: a thousand elements take seconds to generate, encode and open twice.
      ...(quick
        ? []
        : await interactive(
            browser,
            link,
            '1000-element',
            3,
            `${big.elements} elements from a share link of ${link.length - preview.url.length} characters`,
          )),
      ...(await animation(browser, preview.url, quick ? 1 : 5)),
      ...(await bulkRun(browser, preview.url, quick ? 5_000 : 1_000_000)),
    ];
  } finally {
    await browser.close();
    preview.stop();
  }
}
