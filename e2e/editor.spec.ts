/**
 * The canvas editor in real Chromium, driven by the real mouse and keyboard: palette drag and
 * keyboard add, connecting handles, editing in the inspector with validation, undo and redo,
 * autosave across a reload, files, share links and the Problems panel. Any console error or page
 * error fails the test. A screenshot of each main view goes to test-results/screenshots/.
 */
import { readFile } from 'node:fs/promises';
import { expect, type Locator, type Page, test } from '@playwright/test';
import { SHARE_CODEC_VERSION } from '../src/scenario/shareLink';
import { failOnConsoleErrors, fromFileMenu, shot } from './support';

failOnConsoleErrors();
const node = (page: Page, name: string) => page.getByRole('group', { name, exact: true });
const inspector = (page: Page) => page.getByRole('complementary', { name: 'Inspector' });
const palette = (page: Page) => page.getByRole('navigation', { name: 'Palette' });

async function centre(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (box === null) throw new Error('not on screen');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drags with the real mouse, in steps, as a person would. */
async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 8, from.y + 4, { steps: 3 });
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
}

/** Drags from a node's handle (shown on hover) to a point. */
async function connect(page: Page, from: Locator, side: 'top' | 'right' | 'bottom' | 'left', to: Locator) {
  await from.hover();
  const handle = from.locator(`.react-flow__handle-${side}`);
  await expect(handle).toBeVisible();
  await drag(page, await centre(handle), await centre(to));
}

async function freshLab(page: Page) {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(node(page, 'Virtual machine web01')).toBeVisible();
}

test('palette items are dragged onto the canvas with the mouse, or added with the keyboard', async ({ page }) => {
  await freshLab(page);
  const subnet = node(page, 'Subnet spoke/web');
  const box = await subnet.boundingBox();
  if (box === null) throw new Error('no subnet');
  // An empty spot inside the subnet, under the frontend.
  const target = { x: box.x + box.width * 0.2, y: box.y + box.height * 0.62 };
  await drag(page, await centre(palette(page).getByRole('button', { name: 'Virtual machine' })), target);
  await expect(node(page, 'Virtual machine vm1')).toBeVisible();
  // Its NIC took the first free address of the subnet it was dropped in.
  await expect(node(page, 'Network interface vm1-nic1')).toContainText('10.2.1.5');
  await expect(inspector(page).getByRole('heading', { name: 'vm1' })).toBeVisible();
  await shot(page, 'editor-dropped-vm');

  // Dropped outside every subnet, a VM is refused with the reason.
  await fromFileMenu(page, 'New');
  await drag(page, await centre(palette(page).getByRole('button', { name: 'Virtual machine' })), {
    x: box.x + 40,
    y: box.y + 40,
  });
  await expect(page.getByRole('status').filter({ hasText: 'add a virtual network first' })).toBeVisible();
  await page.keyboard.press('Control+z');
  await expect(node(page, 'Virtual machine vm1')).toBeVisible();

  // Keyboard: every palette item is a button with its accessible name; Enter adds it.
  await palette(page).getByRole('button', { name: 'Network security group' }).focus();
  await page.keyboard.press('Enter');
  await expect(node(page, 'Network security group nsg1')).toBeVisible();
  await node(page, 'Virtual machine web01').click();
  await palette(page).getByRole('button', { name: 'Loopback interface' }).focus();
  await page.keyboard.press('Enter');
  // A loopback on a pool member takes the frontend address: floating IP.
  await expect(node(page, 'Loopback interface lo1')).toContainText('10.2.1.100');
});

test('every palette item can be added with the keyboard alone', async ({ page }) => {
  await freshLab(page);
  const items = [
    'Virtual machine',
    'Network interface',
    'Loopback interface',
    'Reverse proxy',
    'Load balancer',
    'Frontend IP',
    'Backend pool',
    'Health probe',
    'Virtual network',
    'Subnet',
    'Network security group',
    'Route table',
    'On-premises client',
    'Internet client',
  ];
  const nodes = page.locator('.react-flow__node');
  for (const name of items) {
    const before = await nodes.count();
    await palette(page).getByRole('button', { name, exact: true }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => nodes.count(), { message: name }).toBeGreaterThan(before);
    // The new element is selected, so the next one joins it or its container.
    await expect(inspector(page).getByRole('heading').first()).toBeVisible();
  }
  await expect(page.getByRole('status').filter({ hasText: /refused|cannot|first/ })).toHaveCount(0);
  await page.getByRole('button', { name: 'Zoom to fit' }).click();
  await shot(page, 'editor-keyboard-palette');
});

test('a NIC dropped near a subnet edge lands inside the subnet, with a free address', async ({ page }) => {
  await freshLab(page);
  const subnet = node(page, 'Subnet spoke/web');
  const vm = node(page, 'Virtual machine web01');
  const area = await subnet.boundingBox();
  const vmBox = await vm.boundingBox();
  if (area === null || vmBox === null) throw new Error('not on screen');
  // Move the VM into the subnet's bottom-right corner, with the real mouse.
  const from = await centre(vm);
  await drag(page, from, {
    x: area.x + area.width - vmBox.width / 2 - 4,
    y: area.y + area.height - vmBox.height / 2 - 4,
  });
  const moved = await vm.boundingBox();
  if (moved === null) throw new Error('VM not on screen');
  // Drop a NIC on the VM's bottom-right corner: centred there, it would stick out of the subnet.
  await drag(page, await centre(palette(page).getByRole('button', { name: 'Network interface' })), {
    x: moved.x + moved.width - 6,
    y: moved.y + moved.height - 6,
  });
  const nic = node(page, 'Network interface web01-nic2');
  await expect(nic).toContainText('10.2.1.5');
  const box = await nic.boundingBox();
  const inside = await subnet.boundingBox();
  if (box === null || inside === null) throw new Error('not on screen');
  expect(box.x).toBeGreaterThanOrEqual(inside.x);
  expect(box.y).toBeGreaterThanOrEqual(inside.y);
  expect(box.x + box.width).toBeLessThanOrEqual(inside.x + inside.width);
  expect(box.y + box.height).toBeLessThanOrEqual(inside.y + inside.height);
  await shot(page, 'editor-nic-in-subnet');
});

test('connecting handles creates what Azure allows, and a refused connection says why', async ({ page }) => {
  await freshLab(page);
  const nic = node(page, 'Network interface web01-nic1');
  const pool = node(page, 'Backend pool pool');
  await expect(pool).toContainText('1 member');

  // Selecting a membership and pressing Delete removes it.
  const membership = page.locator('[data-id="edge:member:pool:ilb/pool:web01-nic1"]');
  await membership.click({ force: true });
  await expect(inspector(page).getByRole('heading', { name: 'Backend pool membership' })).toBeVisible();
  await page.keyboard.press('Delete');
  await expect(pool).toContainText('0 members');
  await expect(membership).toHaveCount(0);

  // Dragging from the NIC's handle onto the pool makes it a member again.
  await connect(page, nic, 'left', pool);
  await expect(pool).toContainText('1 member');
  await expect(membership).toBeAttached();

  // A VM is not a pool member: its NIC is.
  await connect(page, node(page, 'Virtual machine web01'), 'left', pool);
  await expect(page.getByRole('status').filter({ hasText: 'holds network interfaces, not VMs' })).toBeVisible();
  await shot(page, 'editor-refused-connection');
  await expect(pool).toContainText('1 member');

  // Frontend → pool makes a load-balancing rule, on the next free port, and opens it in the inspector.
  await connect(page, node(page, 'Frontend IP fe'), 'bottom', pool);
  await expect(page.getByRole('group', { name: 'Load-balancing rule rule1' })).toBeAttached();
  await expect(inspector(page).getByRole('heading', { name: 'ilb/rule1' })).toBeVisible();
  await expect(inspector(page).getByLabel('frontendPort')).toHaveValue('443');
  await expect(inspector(page).getByLabel('probe', { exact: true })).toHaveValue('p80');

  // Undo takes the rule away again.
  await page.keyboard.press('Control+z');
  await expect(page.getByRole('group', { name: 'Load-balancing rule rule1' })).toHaveCount(0);
});

test('the inspector edits fields with inline validation; undo and redo cover edits and moves', async ({ page }) => {
  await freshLab(page);
  await node(page, 'Health probe p80').click();
  const port = inspector(page).getByLabel('port', { exact: true });
  await expect(port).toHaveValue('80');
  // Azure's defaults and ranges are shown.
  await expect(inspector(page).getByLabel('intervalInSeconds')).toHaveValue('5');
  await expect(inspector(page).getByLabel('probeThreshold')).toHaveAttribute('placeholder', 'default 1');
  await expect(inspector(page).getByLabel('protocol')).toHaveValue('Tcp');

  await port.fill('0');
  const error = inspector(page).getByText('must be a whole number 1–65535, got 0', { exact: true });
  await expect(error).toBeVisible();
  await expect(page.getByRole('tab', { name: /Problems/ })).toHaveAttribute('title', /^1 error/);
  await expect(node(page, 'Health probe p80').getByRole('img', { name: /^1 error/ })).toBeVisible();
  await shot(page, 'editor-inspector-error');
  // Typing in one field within a moment (1.2 s) is one edit: after a pause, two quick changes
  // back to back are one undo step, whatever the speed of the machine.
  await page.waitForTimeout(1500);
  await port.fill('80');
  await port.fill('8080');
  await expect(error).toHaveCount(0);
  await expect(node(page, 'Health probe p80')).toContainText('TCP 8080');

  // Undo reverts the typing (one step), redo re-applies it.
  await page.keyboard.press('Control+z');
  await expect(node(page, 'Health probe p80')).toContainText('TCP 0 ');
  await expect(port).toHaveValue('0');
  await page.keyboard.press('Control+Shift+z');
  await expect(node(page, 'Health probe p80')).toContainText('TCP 8080');

  // A node move is one edit, committed when the drag ends.
  const vm = node(page, 'Virtual machine web01');
  const before = await centre(vm);
  await drag(page, before, { x: before.x + 60, y: before.y + 90 });
  const after = await centre(vm);
  expect(Math.round(after.y - before.y)).toBeGreaterThan(40);
  await page.keyboard.press('Control+z');
  await expect.poll(async () => Math.round((await centre(vm)).y)).toBe(Math.round(before.y));
  await page.getByRole('button', { name: 'Redo' }).click();
  await expect.poll(async () => Math.round((await centre(vm)).y)).toBe(Math.round(after.y));

  // An LB's probes are a table: add a row, edit it, delete it.
  await node(page, 'Load balancer ilb').click();
  const probes = inspector(page).getByRole('table', { name: 'Health probes' });
  await inspector(page).getByRole('button', { name: 'Add to Health probes' }).click();
  await expect(probes.getByRole('row')).toHaveCount(3);
  await expect(node(page, 'Health probe probe1')).toBeVisible();
  await probes.getByRole('button', { name: 'Delete probe1' }).click();
  await expect(node(page, 'Health probe probe1')).toHaveCount(0);
  await shot(page, 'editor-inspector-lb');
});

test('renaming updates every reference; problems select their element', async ({ page }) => {
  await freshLab(page);
  await node(page, 'Network interface web01-nic1').click();
  // The NIC's own name comes first (its IP configuration's is in the table below it).
  const name = inspector(page).getByLabel('name').first();
  await name.fill('web01-eth0');
  await name.press('Enter');
  await expect(node(page, 'Network interface web01-eth0')).toBeVisible();
  await expect(node(page, 'Backend pool pool')).toContainText('1 member');
  await expect(page.getByRole('tab', { name: /Problems/ })).toContainText('0');
  // A taken name is refused inline.
  await node(page, 'Virtual machine web01').click();
  await palette(page).getByRole('button', { name: 'Network interface' }).click();
  await inspector(page).getByLabel('name').first().fill('web01-eth0');
  await inspector(page).getByLabel('name').first().press('Enter');
  await expect(inspector(page).getByText('already named "web01-eth0"')).toBeVisible();

  // A broken subnet prefix: the Problems panel lists it; choosing it selects the subnet.
  await node(page, 'Virtual machine web01').click();
  await inspector(page).getByRole('button', { name: 'Edit web01-eth0' }).click();
  await inspector(page).getByLabel('privateIPAddress').fill('10.9.9.9');
  await page.getByRole('tab', { name: /Problems/ }).click();
  const problem = page.getByRole('list', { name: 'Problems' }).getByRole('button').first();
  await expect(problem).toContainText('privateIPAddress');
  await page.getByRole('button', { name: 'Close' }).click();
  await problem.click();
  await expect(inspector(page).getByRole('heading', { name: 'web01-eth0' })).toBeVisible();
  await expect(inspector(page).getByLabel('privateIPAddress')).toBeFocused();
  await shot(page, 'editor-problems');
});

test('delete, duplicate, copy and paste with the keyboard', async ({ page }) => {
  await freshLab(page);
  await node(page, 'Virtual machine web01').click();
  await page.keyboard.press('Control+d');
  await expect(node(page, 'Virtual machine web1')).toBeVisible();
  await expect(node(page, 'Network interface web01-nic2')).toContainText('10.2.1.5');
  await page.keyboard.press('Delete');
  await expect(node(page, 'Virtual machine web1')).toHaveCount(0);
  await node(page, 'Health probe p80').click();
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await expect(node(page, 'Health probe p1')).toBeVisible();
  // The last frontend of a load balancer cannot go alone.
  await node(page, 'Frontend IP fe').click();
  await page.keyboard.press('Delete');
  await expect(page.getByRole('status').filter({ hasText: 'delete ilb itself' })).toBeVisible();
});

test('copy in one tab, paste in another through the system clipboard; garbage is refused', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await freshLab(page);
  await node(page, 'Virtual machine web01').click();
  await page.keyboard.press('Control+c');
  await expect(page.getByRole('status').filter({ hasText: 'Copied 1 element' })).toBeVisible();
  const text = await page.evaluate(() => navigator.clipboard.readText());
  const envelope = JSON.parse(text) as {
    'hairpin-clipboard': number;
    elements: { virtualMachines: { name: string }[] };
  };
  expect(envelope['hairpin-clipboard']).toBe(2);
  expect(envelope.elements.virtualMachines.map((v) => v.name)).toEqual(['web01']);

  // A second tab of the same browser: the same scenario (autosave), so the names clash.
  const other = await context.newPage();
  await other.goto('/');
  await expect(node(other, 'Virtual machine web01')).toBeVisible();
  await other.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
  await other.keyboard.press('Control+v');
  await expect(node(other, 'Virtual machine web1')).toBeVisible();
  await expect(node(other, 'Network interface web01-nic2')).toContainText('10.2.1.5');

  // Another scenario: a new, empty one takes the VM with its own name.
  await fromFileMenu(other, 'New');
  await other.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
  await other.keyboard.press('Control+v');
  await expect(node(other, 'Virtual machine web01')).toBeVisible();
  await shot(other, 'editor-pasted-other-tab');

  // Text that is not a Hairpin clipboard: a clear message, and nothing changes.
  await other.evaluate(() => navigator.clipboard.writeText('{"format": "something else"}'));
  await other.keyboard.press('Control+v');
  await expect(other.getByRole('status').filter({ hasText: 'not elements copied from Hairpin' })).toBeVisible();
  await expect(other.locator('.react-flow__node')).toHaveCount(2);
  await other.close();
});

test('autosave: a reload restores exactly what was there', async ({ page }) => {
  await freshLab(page);
  await palette(page).getByRole('button', { name: 'Virtual machine' }).click();
  await node(page, 'Health probe p80').click();
  await inspector(page).getByLabel('port', { exact: true }).fill('8080');
  // Reloading at once: the edit is saved as the page is left, not lost to the autosave's pause.
  await page.reload();
  await expect(node(page, 'Virtual machine vm1')).toBeVisible();
  await expect(node(page, 'Health probe p80')).toContainText('TCP 8080');

  // Exactly: the stored document after a reload is the one before it.
  await node(page, 'Virtual machine vm1').click();
  await inspector(page).getByLabel('os').selectOption('windows');
  await expect
    .poll(() =>
      page.evaluate(() => {
        const s = JSON.parse(localStorage.getItem('hairpin.autosave.v1') ?? '{}') as {
          virtualMachines?: { os?: string }[];
        };
        return s.virtualMachines?.[1]?.os;
      }),
    )
    .toBe('windows');
  const before = await page.evaluate(() => localStorage.getItem('hairpin.autosave.v1'));
  await page.reload();
  await expect(node(page, 'Virtual machine vm1')).toContainText('Windows');
  // The same document, key order aside (the load pipeline writes fields in the schema's order).
  const after = await page.evaluate(() => localStorage.getItem('hairpin.autosave.v1'));
  expect(JSON.parse(after ?? 'null')).toEqual(JSON.parse(before ?? 'null'));
});

test('save a file, start a new scenario, open the file again; broken files never replace work', async ({
  page,
}, info) => {
  await freshLab(page);
  await palette(page).getByRole('button', { name: 'Virtual machine' }).click();
  const download = page.waitForEvent('download');
  await fromFileMenu(page, 'Save');
  const file = await download;
  expect(file.suggestedFilename()).toBe('ilb-hairpin-lab.hairpin.json');
  const path = info.outputPath('saved.json');
  await file.saveAs(path);
  const saved = JSON.parse(await readFile(path, 'utf8')) as { virtualMachines: { name: string }[] };
  expect(saved.virtualMachines.map((v) => v.name)).toEqual(['web01', 'vm1']);

  await fromFileMenu(page, 'New');
  await expect(node(page, 'Virtual machine web01')).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Untitled scenario');
  await shot(page, 'editor-new');

  const chooser = page.waitForEvent('filechooser');
  await fromFileMenu(page, 'Open…');
  await (await chooser).setFiles(path);
  await expect(node(page, 'Virtual machine vm1')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('ILB hairpin lab');

  // Not JSON: the error says where, and the open scenario stays.
  let opened = page.waitForEvent('filechooser');
  await fromFileMenu(page, 'Open…');
  await (await opened).setFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"format": '),
  });
  await expect(page.getByRole('alert')).toContainText('broken.json could not be opened');
  await expect(page.getByRole('alert')).toContainText('line 1');
  await expect(node(page, 'Virtual machine vm1')).toBeVisible();

  // Readable with errors: they are listed by field, and keeping the current work keeps it.
  const bad = {
    ...saved,
    loadBalancers: [{ ...(saved as never as { loadBalancers: object[] }).loadBalancers[0], sku: 'Premium' }],
  };
  opened = page.waitForEvent('filechooser');
  await fromFileMenu(page, 'Open…');
  await (await opened).setFiles({
    name: 'bad.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(bad)),
  });
  const dialog = page.getByRole('dialog', { name: 'bad.json has problems' });
  await expect(dialog).toContainText('loadBalancers[0].sku: must be one of Standard, Basic, got "Premium"');
  await shot(page, 'editor-file-problems');
  await dialog.getByRole('button', { name: 'Keep my current scenario' }).click();
  await expect(dialog).toBeHidden();
  await expect(node(page, 'Virtual machine vm1')).toBeVisible();
});

test('the share link button copies the link and shows its length', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await freshLab(page);
  await page.getByRole('button', { name: 'Share link' }).click();
  const popover = page.getByRole('dialog', { name: 'Share link' });
  const link = await popover.getByRole('textbox', { name: 'Share link' }).inputValue();
  // Links are made with the current codec, whose checksum lets them open verified.
  expect(link).toMatch(new RegExp(`#s=${SHARE_CODEC_VERSION}\\.`));
  await expect(popover.getByRole('status')).toHaveText(`Link copied · ${link.length.toLocaleString('en')} characters`);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  await shot(page, 'editor-share-link');
  // The link opens the same scenario.
  await page.goto(link);
  await expect(node(page, 'Virtual machine web01')).toBeVisible();
  await expect(page.getByText('could not be verified')).toHaveCount(0);
});

test('zoom to fit, minimap and automatic layout', async ({ page }) => {
  await freshLab(page);
  await expect(page.getByTestId('rf__minimap')).toBeVisible();
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await page.getByRole('button', { name: 'Zoom to fit' }).click();
  await expect(node(page, 'Client onprem')).toBeInViewport();
  await expect(node(page, 'Virtual machine web01')).toBeInViewport();
  await page.getByRole('button', { name: 'Auto layout' }).click();
  await expect(node(page, 'Virtual machine web01')).toBeInViewport();
  const layout = await page.evaluate(() => {
    const s = JSON.parse(localStorage.getItem('hairpin.autosave.v1') ?? '{}') as { layout?: object };
    return Object.keys(s.layout ?? {}).length;
  });
  expect(layout).toBeGreaterThanOrEqual(10);
  await shot(page, 'editor-auto-layout');
  // On a short canvas the minimap steps aside rather than cover what is left of it.
  await page.setViewportSize({ width: 1440, height: 640 });
  await expect(page.getByTestId('rf__minimap')).toHaveCount(0);
  // And on a narrow one (a 1,100 px laptop leaves the canvas about 630 px).
  await page.setViewportSize({ width: 1100, height: 900 });
  await expect(page.getByTestId('rf__minimap')).toHaveCount(0);
  await page.setViewportSize({ width: 1440, height: 900 });
  await expect(page.getByTestId('rf__minimap')).toBeVisible();
});

test('every group label stays inside its group box, with the full text in a tooltip', async ({ page }) => {
  await freshLab(page);
  // A lab with the hub's narrow GatewaySubnet, whose label is longer than its box.
  await fromFileMenu(page, 'Library…');
  const dialog = page.getByRole('dialog', { name: 'Scenario library' });
  await dialog.getByRole('searchbox', { name: 'Search the library' }).fill('nsg blocks the data port');
  await dialog.getByRole('button', { name: 'Open An NSG rule blocks the data port' }).click();
  await expect(page.locator('.canvas-network-label', { hasText: 'hub/GatewaySubnet' })).toBeVisible();
  const groups = page.locator('.react-flow__node-network');
  expect(await groups.count()).toBeGreaterThan(3);
  for (const group of await groups.all()) {
    const label = group.locator('.canvas-network-label');
    const outer = await group.boundingBox();
    const inner = await label.boundingBox();
    if (outer === null || inner === null) throw new Error('group not on screen');
    expect(inner.x + inner.width).toBeLessThanOrEqual(outer.x + outer.width + 0.5);
    expect(await label.getAttribute('title')).toBeTruthy();
    // The name gives way too once the detail has (shortened with "…", never cut mid-glyph at
    // the label's edge): its box ends inside the label's.
    const name = await label.locator('.canvas-network-name').boundingBox();
    if (name === null) throw new Error('group name not on screen');
    expect(name.x + name.width).toBeLessThanOrEqual(inner.x + inner.width + 0.5);
  }
  await shot(page, 'editor-group-labels');
});
