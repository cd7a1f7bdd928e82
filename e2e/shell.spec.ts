/**
 * The app shell in real Chromium: the default lab, share links (good, truncated, newer codec,
 * view-only), the choice offered before a link replaces work, and autosave across a reload.
 * Any console error or page error fails the test. A screenshot of each main view is written to
 * test-results/screenshots/ to be looked at.
 */
import { expect, type Page, test } from '@playwright/test';
import { createDefaultScenario } from '../src/scenario/defaultScenario';
import { encodeSharePayload } from '../src/scenario/shareLink';
import type { Scenario } from '../src/scenario/types';
import { failOnConsoleErrors, shot } from './support';

failOnConsoleErrors();

/** The default lab with web01 renamed: a scenario that is visibly not the default. */
function renamedLab(vm: string, title: string): Scenario {
  const s = createDefaultScenario();
  const json = JSON.stringify(s).replaceAll('web01', vm);
  return { ...(JSON.parse(json) as Scenario), title };
}

const node = (page: Page, name: string) => page.getByRole('group', { name, exact: true });
/** A share link to the app under test (the config's baseURL) carrying `scenario`. */
const linkTo = (baseURL: string | undefined, scenario: Scenario, options = '') =>
  `${new URL('/', baseURL).href}#s=${encodeSharePayload(scenario)}${options}`;

test('opens the default the ILB hairpin write-up lab with palette, canvas, inspector and run area', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('ILB hairpin lab');
  await expect(node(page, 'Virtual machine web01')).toBeVisible();
  await expect(node(page, 'Frontend IP fe')).toContainText('10.2.1.100');
  await expect(node(page, 'Client onprem')).toContainText('192.168.2.1');
  await expect(node(page, 'Backend pool pool')).toBeVisible();
  await expect(node(page, 'Health probe p80')).toBeVisible();
  await expect(page.getByRole('group', { name: 'Load-balancing rule http' })).toBeAttached();

  const palette = page.getByRole('navigation', { name: 'Palette' });
  for (const item of [
    'Virtual machine',
    'Loopback interface',
    'Network security group',
    'Load balancer',
    'Frontend IP',
    'Backend pool',
    'Health probe',
    'Virtual network',
    'Subnet',
    'Network interface',
    'On-premises client',
    'Internet client',
    'Reverse proxy',
    'Route table',
  ]) {
    await expect(palette.getByText(item, { exact: true })).toBeVisible();
  }

  // The run area: Run (issue 6), the traffic, and the connections once a run is there.
  await expect(page.getByRole('button', { name: '▶ Run' })).toBeEnabled();
  await expect(page.getByRole('combobox', { name: 'From of onprem-to-vip' })).toBeVisible();
  for (const tab of ['Traffic', 'Events', 'Connections', 'Problems']) {
    await expect(page.getByRole('tab', { name: new RegExp(tab) })).toBeVisible();
  }
  const inspector = page.getByRole('complementary', { name: 'Inspector' });
  await expect(inspector).toContainText('ILB hairpin lab');
  await shot(page, 'default');

  await node(page, 'Virtual machine web01').click();
  await expect(inspector.getByRole('heading', { name: 'web01' })).toBeVisible();
  await expect(inspector).toContainText('windows');
  await expect(inspector).toContainText('web01-nic1');
  await shot(page, 'inspector-vm');

  await page.getByRole('group', { name: 'Load-balancing rule http' }).click();
  await expect(inspector.getByRole('heading', { name: 'ilb/http' })).toBeVisible();
  await expect(inspector).toContainText('frontendPort');
});

test('opens a share link on first visit and drops the fragment from the address bar', async ({ page, baseURL }) => {
  const link = linkTo(baseURL, renamedLab('web99', 'web99 lab'));
  await page.goto(link);
  await expect(node(page, 'Virtual machine web99')).toBeVisible();
  await expect(node(page, 'Virtual machine web01')).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('web99 lab');
  expect(new URL(page.url()).hash).toBe('');
  await shot(page, 'share-link');

  await page.reload();
  await expect(node(page, 'Virtual machine web99')).toBeVisible();
});

test('a broken link shows why and leaves the previous scenario in place', async ({ page, baseURL }) => {
  await page.goto('/');
  await expect(node(page, 'Virtual machine web01')).toBeVisible();

  // A link pasted into the address bar of the open page: only the fragment changes.
  const link = linkTo(baseURL, renamedLab('web99', 'web99 lab'));
  await page.goto(link);
  await expect(node(page, 'Virtual machine web99')).toBeVisible();
  expect(new URL(page.url()).hash).toBe('');

  await page.goto(link.slice(0, -12));
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('This share link could not be opened');
  await expect(alert).toContainText(/truncated|corrupted/);
  await expect(node(page, 'Virtual machine web99')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('web99 lab');
  await shot(page, 'link-error');

  await page.goto('/#s=9.abc');
  await expect(alert).toContainText('newer Hairpin');
  await expect(node(page, 'Virtual machine web99')).toBeVisible();
  expect(new URL(page.url()).hash).toBe('');

  await page.reload();
  await expect(node(page, 'Virtual machine web99')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('a link of an older codec opens with a notice that it could not be verified', async ({ page, baseURL }) => {
  const old = `${new URL('/', baseURL).href}#s=${encodeSharePayload(renamedLab('web77', 'web77 lab'), 2)}`;
  await page.goto(old);
  await expect(node(page, 'Virtual machine web77')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'could not be verified' })).toContainText(
    'made by an older Hairpin',
  );
  await shot(page, 'link-unverified');
});

test('a link never replaces work without offering to keep it', async ({ page, baseURL }) => {
  await page.goto(linkTo(baseURL, renamedLab('web99', 'web99 lab')));
  await expect(node(page, 'Virtual machine web99')).toBeVisible();

  const other = linkTo(baseURL, renamedLab('web42', 'web42 lab'));
  await page.goto(other);
  const dialog = page.getByRole('dialog', { name: 'Open the linked scenario?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('web42 lab');
  await expect(dialog).toContainText('web99 lab');
  await shot(page, 'link-dialog');
  await dialog.getByRole('button', { name: 'Keep my current scenario' }).click();
  await expect(dialog).toBeHidden();
  await expect(node(page, 'Virtual machine web99')).toBeVisible();
  await page.reload();
  await expect(node(page, 'Virtual machine web99')).toBeVisible();

  await page.goto(other);
  await dialog.getByRole('button', { name: 'Open the linked scenario' }).click();
  await expect(node(page, 'Virtual machine web42')).toBeVisible();
  const notice = page.getByRole('status').filter({ hasText: 'was kept' });
  await expect(notice).toContainText('web99 lab');
  await shot(page, 'link-opened-notice');
  await notice.getByRole('button', { name: 'Restore previous' }).click();
  await expect(node(page, 'Virtual machine web99')).toBeVisible();
  await expect(node(page, 'Virtual machine web42')).toHaveCount(0);
});

test('a view link opens the read-only viewer and leaves the autosave alone', async ({ page, baseURL }) => {
  await page.goto('/');
  await expect(node(page, 'Virtual machine web01')).toBeVisible();
  await page.goto(linkTo(baseURL, renamedLab('web77', 'web77 lab'), '&view=1'));
  await expect(node(page, 'Virtual machine web77')).toBeVisible();
  await expect(page.getByText('Viewer', { exact: true })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Palette' })).toHaveCount(0);
  await expect(page.getByRole('dialog')).toBeHidden();
  await shot(page, 'viewer');

  await page.reload();
  await expect(node(page, 'Virtual machine web01')).toBeVisible();
  await expect(page.getByText('Viewer', { exact: true })).toHaveCount(0);

  // Leaving the viewer makes the viewed scenario the user's own (the default lab is nobody's work).
  await page.goto(linkTo(baseURL, renamedLab('web77', 'web77 lab'), '&view=1'));
  await page.getByRole('button', { name: 'Open for editing' }).click();
  await expect(page.getByText('Viewer', { exact: true })).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Palette' })).toBeVisible();
  await page.reload();
  await expect(node(page, 'Virtual machine web77')).toBeVisible();
});

test('a scenario without layout is still drawn, every element apart', async ({ page, baseURL }) => {
  const s = createDefaultScenario();
  const vm = s.virtualMachines?.[0];
  if (vm === undefined) throw new Error('the default lab has a VM');
  const web02 = {
    ...vm,
    name: 'web02',
    networkInterfaces: [
      {
        name: 'web02-nic1',
        ipConfigurations: [{ name: 'ipconfig1', subnet: 'spoke/web', privateIPAddress: '10.2.1.5' }],
      },
    ],
  };
  const noLayout: Scenario = { ...s, title: 'No layout', virtualMachines: [vm, web02] };
  delete noLayout.layout;
  await page.goto(linkTo(baseURL, noLayout));
  for (const name of [
    'Virtual machine web01',
    'Virtual machine web02',
    'Network interface web02-nic1',
    'Frontend IP fe',
  ]) {
    await expect(node(page, name)).toBeVisible();
  }
  // No two element nodes overlap.
  const boxes = await page.locator('.react-flow__node-element').evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, right: r.right, bottom: r.bottom };
    }),
  );
  for (const [i, a] of boxes.entries()) {
    for (const b of boxes.slice(i + 1)) {
      const apart = a.right <= b.x || b.right <= a.x || a.bottom <= b.y || b.bottom <= a.y;
      expect(apart).toBe(true);
    }
  }
  await shot(page, 'auto-layout');
});

test('the header: a File menu driven by keys and mouse, the whole title, nothing overlapping', async ({
  page,
  baseURL,
}) => {
  const title = 'All probes down: Basic ends established flows, Standard keeps them';
  await page.goto(linkTo(baseURL, renamedLab('web01', title)));
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toHaveText(title);
  await expect(heading).toHaveAttribute('title', title);
  // At 1440 px the whole title shows, not cut by the toolbar.
  expect(await heading.evaluate((h) => h.scrollWidth <= h.clientWidth)).toBe(true);

  const file = page.getByRole('button', { name: 'File', exact: true });
  await expect(file).toHaveAttribute('aria-haspopup', 'menu');
  await file.click();
  const menu = page.getByRole('menu', { name: 'File' });
  await expect(menu.getByRole('menuitem')).toHaveText(['New', 'Library…', 'Open…', 'Save', 'Export PNG']);
  await expect(menu.getByRole('menuitem', { name: 'New' })).toBeFocused();
  await shot(page, 'header-file-menu');
  await page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitem', { name: 'Library…' })).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await expect(menu.getByRole('menuitem', { name: 'Export PNG' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(file).toBeFocused();
  await expect(file).toHaveAttribute('aria-expanded', 'false');

  // From the keyboard: ArrowDown opens it, Enter picks the item.
  await page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitem', { name: 'New' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Scenario library' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Scenario library' })).toBeHidden();

  // A click outside closes it without doing anything.
  await file.click();
  await expect(menu).toBeVisible();
  await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
  await expect(menu).toBeHidden();
  await expect(heading).toHaveText(title);

  // Narrower windows: the title gives way (cut, with its tooltip), the controls never overlap.
  for (const width of [1280, 1024]) {
    await page.setViewportSize({ width, height: 800 });
    const boxes = await page
      .locator('.app-header .brand, .app-header h1, .app-header .header-actions button')
      .evaluateAll((elements) =>
        elements
          .filter((e) => (e as HTMLElement).offsetParent !== null)
          .map((e) => {
            const r = e.getBoundingClientRect();
            return { name: e.textContent ?? '', left: r.left, right: r.right, top: r.top, bottom: r.bottom };
          }),
      );
    for (const [i, a] of boxes.entries()) {
      expect(a.right, `${a.name} inside the window at ${width}`).toBeLessThanOrEqual(width);
      expect(a.bottom, `${a.name} inside the header at ${width}`).toBeLessThanOrEqual(52);
      for (const b of boxes.slice(i + 1)) {
        const overlap = a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom && b.top < a.bottom;
        expect(overlap, `${a.name} overlaps ${b.name} at ${width}`).toBe(false);
      }
    }
    await shot(page, `header-${width}`);
  }
});
