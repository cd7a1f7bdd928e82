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
import { encodeSharePayload } from '../src/scenario/shareLink';
import type { Scenario } from '../src/scenario/types';
import { runScenario } from '../src/sim/simulate';
import { failOnConsoleErrors, shot } from './support';

failOnConsoleErrors();
const libraryFile = (name: string) => `public/library/${name}.json`;
const library = (name: string): Scenario => JSON.parse(readFileSync(libraryFile(name), 'utf8')) as Scenario;

async function open(page: Page, baseURL: string | undefined, scenario: Scenario) {
  await page.goto(`${new URL('/', baseURL).href}#s=${encodeSharePayload(scenario)}`);
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

/** The packet token, once at rest, lies below the node's title (it never hides the name). */
async function expectBelowTitle(page: Page, id: string) {
  const title = page.locator(`.react-flow__node[data-id="${id}"] .canvas-node-name`);
  await expect(async () => {
    const name = await title.boundingBox();
    const token = await page.getByTestId('packet-token').boundingBox();
    expect(name).not.toBeNull();
    expect(token).not.toBeNull();
    if (name === null || token === null) return;
    expect(token.y).toBeGreaterThanOrEqual(name.y + name.height);
  }).toPass({ timeout: 5000 });
}

/** No two of the drop marks on the canvas overlap. */
async function expectMarksApart(page: Page) {
  const boxes = await page.locator('.run-marks [data-mark-for]').evaluateAll((els) =>
    els.map((el) => {
      const b = el.getBoundingClientRect();
      return { id: el.getAttribute('data-mark-for'), x: b.x, y: b.y, width: b.width, height: b.height };
    }),
  );
  for (const [i, a] of boxes.entries()) {
    for (const b of boxes.slice(i + 1)) {
      const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
      expect(apart, `${a.id} and ${b.id} overlap`).toBe(true);
    }
  }
  return boxes;
}

async function run(page: Page) {
  await runButton(page).click();
  await expect(page.getByRole('status').filter({ hasText: /events ·|Bulk:/ })).toBeVisible({ timeout: 30_000 });
}

test('the the ILB hairpin write-up hairpin: web01 shows the SYN-ACK mismatch with the tuple it expected', async ({
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
  await expectBelowTitle(page, 'vm:web01');
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
  // Alone: the event list shows that connection's events only, the handshake and the page.
  await page.getByRole('tab', { name: /Events/ }).click();
  const events = page.getByRole('listbox', { name: 'Events' }).getByRole('option');
  await expect(events.first()).toBeVisible();
  expect(await events.count()).toBeGreaterThan(5);
  for (const text of await events.allTextContents()) expect(text).toContain('onprem-to-vip#1');
  await shot(page, 'run-baseline-replay');
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
  // The rewrite hop: before → after, one row per field, the rewritten one highlighted.
  const rewriteTable = inspector.getByRole('table', { name: 'Header before and after the rewrite' });
  const dstRow = rewriteTable.getByRole('row', { name: /^dst/ });
  await expect(dstRow.getByRole('cell').first()).toHaveText('10.2.1.100:80');
  await expect(dstRow.getByRole('cell').last()).toHaveText('10.2.1.4:80');
  await expect(dstRow).toHaveClass(/is-rewritten/);
  await expect(rewriteTable.getByRole('row', { name: /^src/ })).toContainText('unchanged');
  await expect(page.getByRole('note', { name: /Rewritten at/ })).toContainText('10.2.1.100:80');
  await rewriteTable.scrollIntoViewIfNeeded();
  await shot(page, 'run-events-inspector');
  // The packet rests below the load balancer: its name stays readable.
  await expectBelowTitle(page, 'lb:ilb');

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
  const bar = page.getByRole('progressbar', { name: 'Run progress' });
  await expect(bar).toBeVisible();
  await expect(bar).toHaveAttribute('aria-valuemax', '100');
  // A real share done, mid-run, that grows: the worker reports the engine's counters.
  const percent = async () => Number((await bar.getAttribute('aria-valuenow')) ?? 'NaN');
  await expect.poll(percent, { timeout: 20_000 }).toBeGreaterThan(0);
  const first = await percent();
  expect(first).toBeLessThan(100);
  await expect(page.getByRole('status').filter({ hasText: /\d+% Simulating/ })).toContainText('connections done');
  await shot(page, 'run-progress');
  await expect.poll(percent, { timeout: 20_000 }).toBeGreaterThan(first);
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

test('marks on neighbouring elements never overlap; several reasons on one element collapse into one', async ({
  page,
  baseURL,
}) => {
  // The hairpin lab with a rule whose probe finds nobody listening (LB_NO_HEALTHY_BACKEND at ilb),
  // a port with no rule (LB_NO_RULE at fe, just below ilb), and web01 with two reasons.
  const s = library('hairpin-one-backend');
  const [lb] = s.loadBalancers ?? [];
  if (lb === undefined) throw new Error('the hairpin lab has a load balancer');
  const neighbours: Scenario = {
    ...s,
    title: 'Marks on neighbouring elements',
    loadBalancers: [
      {
        ...lb,
        probes: [...(lb.probes ?? []), { name: 'p8080', protocol: 'Tcp', port: 8080, intervalInSeconds: 5 }],
        loadBalancingRules: [
          ...(lb.loadBalancingRules ?? []),
          {
            name: 'alt',
            frontendIPConfiguration: 'fe',
            backendAddressPool: 'pool',
            probe: 'p8080',
            protocol: 'Tcp',
            frontendPort: 8080,
            backendPort: 8080,
          },
        ],
      },
    ],
    traffic: [
      ...(s.traffic ?? []),
      { name: 'onprem-to-443', from: 'onprem', to: '10.2.1.100:443', protocol: 'Tcp', connections: 2 },
      { name: 'onprem-to-8080', from: 'onprem', to: '10.2.1.100:8080', protocol: 'Tcp', connections: 2 },
    ],
  };
  await open(page, baseURL, neighbours);
  await run(page);
  await expect(page.locator('[data-mark="lb:ilb"]')).toContainText('LB_NO_HEALTHY_BACKEND');
  await expect(page.locator('[data-mark="frontend:ilb/fe"]')).toContainText('LB_NO_RULE');
  // web01: one collapsed mark with both reasons counted, its details on hover.
  const web01 = page.locator('[data-mark="vm:web01"]');
  const chip = web01.getByRole('button', { name: /Dropped at web01/ });
  await expect(chip).toContainText('+1');
  await expect(chip).toHaveAttribute('aria-expanded', 'false');
  const boxes = await expectMarksApart(page);
  expect(boxes.map((b) => b.id).sort()).toEqual(['frontend:ilb/fe', 'lb:ilb', 'vm:web01']);
  await shot(page, 'run-marks-neighbours');
  await chip.hover();
  await expect(chip).toHaveAttribute('aria-expanded', 'true');
  const details = web01.getByRole('note', { name: 'Dropped at web01 (VM)' });
  await expect(details).toContainText('TCP_SYNACK_MISMATCH');
  await expect(details).toContainText('TCP_NO_LISTENER');
  await expectInsideCanvas(page, details);
  await shot(page, 'run-marks-expanded');
  // A click pins it open; the mouse leaving does not close it; a second click does.
  await chip.click();
  await page.mouse.move(5, 5);
  await expect(details).toBeVisible();
  await chip.click();
  await expect(details).toBeHidden();
});

test('Follow pans the canvas to keep the playing packet in view; panning or zooming by hand turns it off', async ({
  page,
  baseURL,
}) => {
  // Plays for seconds at a time: more than the default 30 s on a loaded machine.
  test.setTimeout(90_000);
  await open(page, baseURL, library('hairpin-one-backend'));
  await run(page);
  const follow = playback(page).getByRole('button', { name: 'Follow' });
  await expect(follow).toHaveAttribute('aria-pressed', 'true');
  // Zoomed in on the on-premises client, far from the frontend and web01.
  const zoomIn = page.getByRole('button', { name: 'Zoom In' });
  for (let i = 0; i < 4; i++) await zoomIn.click();
  // The zoom buttons move the view by hand: Follow turns off; on again for the packet.
  await expect(follow).toHaveAttribute('aria-pressed', 'false');
  await follow.click();
  await expect(follow).toHaveAttribute('aria-pressed', 'true');
  const viewport = page.locator('.react-flow__viewport');
  const before = await viewport.getAttribute('style');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('4');
  await playback(page).getByRole('button', { name: 'Play' }).click();
  // The packet stays in the canvas while the view follows it.
  await expect.poll(async () => viewport.getAttribute('style'), { timeout: 10_000 }).not.toBe(before);
  await page.waitForTimeout(1500);
  await expectInsideCanvas(page, page.getByTestId('packet-token'));
  await shot(page, 'run-follow');

  // Dragging the empty canvas by hand: Follow turns off, and the view stays where the user put it.
  await playback(page).getByRole('button', { name: 'Pause' }).click();
  const spot = await page.locator('.react-flow__pane').evaluate((pane) => {
    const b = pane.getBoundingClientRect();
    for (let y = b.top + 20; y < b.bottom - 120; y += 15)
      for (let x = b.left + 60; x < b.right - 80; x += 15)
        if (document.elementFromPoint(x, y) === pane) return { x, y };
    return null;
  });
  if (spot === null) throw new Error('some of the canvas is empty');
  await page.mouse.move(spot.x, spot.y);
  await page.mouse.down();
  await page.mouse.move(spot.x + 40, spot.y + 30, { steps: 6 });
  await page.mouse.up();
  await expect(follow).toHaveAttribute('aria-pressed', 'false');
  const placed = await viewport.getAttribute('style');
  await playback(page).getByRole('button', { name: 'Play' }).click();
  await page.waitForTimeout(1500);
  expect(await viewport.getAttribute('style')).toBe(placed);
  await playback(page).getByRole('button', { name: 'Pause' }).click();
  await follow.click();
  await expect(follow).toHaveAttribute('aria-pressed', 'true');

  // Zooming with the mouse wheel over the canvas turns it off too, and the zoom stays the user's.
  await page.waitForTimeout(700);
  await page.mouse.move(spot.x, spot.y);
  await page.mouse.wheel(0, -300);
  await expect(follow).toHaveAttribute('aria-pressed', 'false');
  await page.waitForTimeout(300);
  const zoomed = await viewport.getAttribute('style');
  expect(zoomed).not.toBe(placed);
  await playback(page).getByRole('button', { name: 'Play' }).click();
  await page.waitForTimeout(1500);
  expect(await viewport.getAttribute('style')).toBe(zoomed);
  await playback(page).getByRole('button', { name: 'Pause' }).click();
});

test('in the viewer, the traffic reads as text: no field to click, focus or type in', async ({ page, baseURL }) => {
  const s = library('hairpin-one-backend');
  await page.goto(`${new URL('/', baseURL).href}#s=${encodeSharePayload(s)}&view=1`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(s.title ?? '');
  await page.getByRole('tab', { name: 'Traffic' }).click();
  const panel = page.locator('.traffic-panel');
  const table = panel.getByRole('table', { name: 'Traffic' });
  await expect(table.getByRole('row', { name: /web01-to-vip/ })).toContainText('web01 · 10.2.1.4');
  await expect(table.getByRole('row', { name: /web01-to-vip/ })).toContainText('10.2.1.100:80');
  await expect(panel.locator('input, select, textarea, button')).toHaveCount(0);
  await expect(panel.getByRole('button', { name: '+ Add traffic' })).toHaveCount(0);
  await shot(page, 'run-traffic-viewer');
  // The run still works from the viewer, with that traffic.
  await run(page);
  await expect(page.locator('[data-mark="vm:web01"]')).toContainText('TCP_SYNACK_MISMATCH');
});

test('admin state: set in the pool inspector, drawn on the member edge, and obeyed by the run', async ({
  page,
  baseURL,
}) => {
  await open(page, baseURL, library('admin-state-maintenance'));
  const canvasNode = (name: string) => page.getByRole('group', { name, exact: true });
  const inspector = page.getByRole('complementary', { name: 'Inspector' });
  // The pool's members are IP configurations; web02's row opens into its form.
  await canvasNode('Backend pool pool').click();
  const members = inspector.getByRole('table', { name: 'Members' });
  await expect(members).toContainText('web01-nic1/ipconfig1');
  await members.getByRole('button', { name: 'Edit web02-nic1/ipconfig1' }).click();
  await inspector.getByLabel('adminState').selectOption('Down');
  await expect(members).toContainText('Down');
  // The membership edge says so on the canvas.
  const edge = page.locator('[data-id="edge:member:pool:ilb/pool:web02-nic1"]');
  await expect(edge).toContainText('admin Down');
  await expect(page.getByRole('tab', { name: /Problems/ })).toContainText('0');
  await runButton(page).click();
  await expect(page.getByRole('status').filter({ hasText: /events ·|Bulk:/ })).toBeVisible({ timeout: 30_000 });
  // web02 is probed up but shows Down_Admin, and takes no connection.
  const web02 = page.locator('[data-probe-member="web02-nic1"]');
  await expect(web02).toContainText('Down_Admin');
  await page.getByRole('tab', { name: /Connections/ }).click();
  const rows = page.getByRole('listbox', { name: 'Connections' }).getByRole('option');
  await expect(rows.first()).toContainText('web01-nic1');
  await expect(rows.filter({ hasText: 'web02-nic1' })).toHaveCount(0);
  await shot(page, 'run-admin-state');
});
