/**
 * Hardening in the browser: the Content-Security-Policy is in force in the built app, two tabs
 * never silently overwrite each other's autosave, a repaired autosave keeps its original until the
 * user accepts the repairs, and nothing on the way from a link or the autosave to the first render
 * leaves the page blank.
 */
import { expect, type Page, test } from '@playwright/test';
import { deflateSync, strToU8 } from 'fflate';
import { encodeBase64Url, shareDictionary } from '../src/scenario/shareLink';
import { failOnConsoleErrors, shot } from './support';

const node = (page: Page, name: string) => page.getByRole('group', { name, exact: true });
const palette = (page: Page) => page.getByRole('navigation', { name: 'Palette' });
const autosaved = (page: Page) =>
  page.evaluate(
    () =>
      JSON.parse(localStorage.getItem('hairpin.autosave.v1') ?? 'null') as {
        title?: string;
        virtualMachines?: { name: string }[];
        networkSecurityGroups?: { name: string }[];
      } | null,
  );

/** A scenario with a field of its own (kept as written) nested `depth` arrays deep. */
const deeplyNested = (depth: number) =>
  `{"format":"hairpin-scenario","version":1,"title":"deep","notes":${'['.repeat(depth)}${']'.repeat(depth)}}`;

async function freshLab(page: Page) {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(node(page, 'Virtual machine web01')).toBeVisible();
}

test.describe('the Content-Security-Policy', () => {
  test('is sent and enforced: no inline script, no connection to another origin', async ({ page }) => {
    const response = await page.goto('/');
    const header = response?.headers()['content-security-policy'] ?? '';
    expect(header).toContain("script-src 'self'");
    expect(header).toContain("connect-src 'self'");
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(meta).toBe(header);
    await expect(node(page, 'Virtual machine web01')).toBeVisible();

    const violations = await page.evaluate(async () => {
      const seen: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => seen.push(e.effectiveDirective));
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.head.append(script);
      const fetched = await fetch('http://127.0.0.2:9/').then(
        () => 'fetched',
        () => 'refused',
      );
      const worker = await new Promise<string>((resolve) => {
        try {
          const w = new Worker(URL.createObjectURL(new Blob(['postMessage(1)'], { type: 'text/javascript' })));
          w.onmessage = () => resolve('ran');
          w.onerror = () => resolve('refused');
        } catch {
          resolve('refused');
        }
      });
      await new Promise((r) => setTimeout(r, 100));
      return { inlineRan: 'inlineRan' in window, fetched, worker, seen };
    });
    expect(violations.inlineRan).toBe(false);
    expect(violations.fetched).toBe('refused');
    expect(violations.worker).toBe('refused');
    expect(violations.seen).toEqual(expect.arrayContaining(['script-src-elem', 'connect-src', 'worker-src']));

    // The app's own worker still runs under the policy: a run completes.
    await page.getByRole('button', { name: '▶ Run' }).click();
    await expect(page.locator('.run-summary')).toContainText('events');
  });
});

test.describe('storage and start-up', () => {
  failOnConsoleErrors();

  test('two tabs never overwrite each other’s autosave: the second is asked, and neither loses work', async ({
    page,
    context,
  }) => {
    await freshLab(page);
    const other = await context.newPage();
    await other.goto('/');
    await expect(node(other, 'Virtual machine web01')).toBeVisible();

    // Tab 1 adds a VM; its autosave is heard by tab 2, which asks.
    await palette(page).getByRole('button', { name: 'Virtual machine' }).click();
    await expect(node(page, 'Virtual machine vm1')).toBeVisible();
    await expect.poll(async () => (await autosaved(page))?.virtualMachines?.some((v) => v.name === 'vm1')).toBe(true);
    const asked = other.getByRole('alert', { name: 'Another tab saved a scenario' });
    await expect(asked).toBeVisible();
    await shot(other, 'two-tabs-asked');

    // Tab 2 goes on editing before it chooses: its work is kept aside, not saved over tab 1's.
    await palette(other).getByRole('button', { name: 'Network security group' }).click();
    await expect
      .poll(() => other.evaluate(() => localStorage.getItem('hairpin.autosave.tabs.v1') ?? ''))
      .toContain('nsg1');
    expect((await autosaved(page))?.virtualMachines?.some((v) => v.name === 'vm1')).toBe(true);
    expect((await autosaved(page))?.networkSecurityGroups?.some((n) => n.name === 'nsg1') ?? false).toBe(false);

    // Tab 2 keeps its own: it becomes the autosave, and now tab 1 is asked in turn.
    await asked.getByRole('button', { name: "Keep this tab's" }).click();
    await expect(asked).toHaveCount(0);
    await expect
      .poll(async () => (await autosaved(page))?.networkSecurityGroups?.some((n) => n.name === 'nsg1'))
      .toBe(true);
    const askedBack = page.getByRole('alert', { name: 'Another tab saved a scenario' });
    await expect(askedBack).toBeVisible();
    await expect(node(page, 'Virtual machine vm1')).toBeVisible();

    // Tab 1 shows the other tab's scenario; its own is one click away.
    await askedBack.getByRole('button', { name: "Show the other tab's" }).click();
    await expect(node(page, 'Network security group nsg1')).toBeVisible();
    await expect(node(page, 'Virtual machine vm1')).toHaveCount(0);
    await page.getByRole('button', { name: 'Restore previous' }).click();
    await expect(node(page, 'Virtual machine vm1')).toBeVisible();
    await other.close();
  });

  test('a repaired autosave lists its repairs and keeps the original until they are accepted', async ({ page }) => {
    await freshLab(page);
    // A VM whose name is the number 7: restore drops it to open the rest.
    await page.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('hairpin.autosave.v1') ?? '{}') as {
        virtualMachines: { name: unknown }[];
      };
      (s.virtualMachines[0] as { name: unknown }).name = 7;
      localStorage.setItem('hairpin.autosave.v1', JSON.stringify(s));
    });
    const original = await page.evaluate(() => localStorage.getItem('hairpin.autosave.v1'));
    await page.reload();
    const banner = page.getByRole('status', { name: 'The autosave was repaired' });
    await expect(banner).toContainText('virtualMachines[0]');
    await shot(page, 'autosave-repaired');
    expect(await page.evaluate(() => localStorage.getItem('hairpin.autosave.original.v1'))).toBe(original);

    // Working on meanwhile saves the repaired document; the original stays, and so does the question.
    await palette(page).getByRole('button', { name: 'Network security group' }).click();
    await expect
      .poll(async () => (await autosaved(page))?.networkSecurityGroups?.some((n) => n.name === 'nsg1'))
      .toBe(true);
    await page.reload();
    await expect(banner).toContainText('virtualMachines[0]');
    const download = page.waitForEvent('download');
    await banner.getByRole('button', { name: 'Download the original' }).click();
    const file = await download;
    const stream = await file.createReadStream();
    let text = '';
    for await (const chunk of stream) text += String(chunk);
    expect(text).toBe(original);

    await banner.getByRole('button', { name: 'Accept the repairs' }).click();
    await expect(banner).toHaveCount(0);
    expect(await page.evaluate(() => localStorage.getItem('hairpin.autosave.original.v1'))).toBeNull();
    await page.reload();
    await expect(node(page, 'Network security group nsg1')).toBeVisible();
    await expect(banner).toHaveCount(0);
  });

  test('no share link is made for a scenario a link could not carry', async ({ page }) => {
    await freshLab(page);
    await page.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('hairpin.autosave.v1') ?? '{}') as { description?: string };
      s.description = 'x'.repeat(1024 * 1024);
      localStorage.setItem('hairpin.autosave.v1', JSON.stringify(s));
    });
    await page.reload();
    await expect(node(page, 'Virtual machine web01')).toBeVisible();
    // A description of one long word wraps in the inspector rather than widening it.
    const inspector = page.getByRole('complementary', { name: 'Inspector' });
    const overflow = await inspector.evaluate((el) => {
      const scroller = (el.querySelector('.inspector-description')?.closest('aside, section, div[class*="scroll"]') ??
        el) as HTMLElement;
      return [el.scrollWidth - el.clientWidth, scroller.scrollWidth - scroller.clientWidth];
    });
    expect(overflow).toEqual([0, 0]);
    await page.getByRole('button', { name: 'Share link' }).click();
    const popover = page.getByRole('dialog', { name: 'Share link' });
    await expect(popover).toContainText('No link: the scenario is too large for a share link');
    await expect(popover).toContainText('Save it as a file instead');
    await expect(popover.getByRole('textbox', { name: 'Share link' })).toHaveCount(0);
    await shot(page, 'share-too-large');
  });

  test('a deeply nested link or autosave never leaves the page blank, and the work is kept', async ({
    page,
    baseURL,
  }) => {
    await freshLab(page);
    await palette(page).getByRole('button', { name: 'Network security group' }).click();
    await expect(node(page, 'Network security group nsg1')).toBeVisible();

    // A link, opened into the open page and then on a first visit: refused, the work stays.
    const bytes = deflateSync(strToU8(deeplyNested(50_000)), { level: 9, dictionary: shareDictionary(2) });
    const link = `${baseURL}/#s=2.${encodeBase64Url(bytes)}`;
    await page.goto(link);
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('This share link could not be opened');
    await expect(alert).toContainText('nested 50,001 levels deep');
    await expect(node(page, 'Network security group nsg1')).toBeVisible();
    expect(new URL(page.url()).hash).toBe('');
    await page.goto('about:blank');
    await page.goto(link);
    await expect(alert).toContainText('This share link could not be opened');
    await expect(node(page, 'Network security group nsg1')).toBeVisible();
    await shot(page, 'deep-link-refused');
    await page.reload();
    await expect(node(page, 'Network security group nsg1')).toBeVisible();

    // An autosave as deep: the default lab opens, says why, and keeps the text aside.
    await page.evaluate((text) => localStorage.setItem('hairpin.autosave.v1', text), deeplyNested(50_000));
    await page.reload();
    await expect(node(page, 'Virtual machine web01')).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'could not be read' })).toContainText('levels deep');
    expect(await page.evaluate(() => localStorage.getItem('hairpin.autosave.unreadable.v1')?.length)).toBe(
      deeplyNested(50_000).length,
    );
    await page.reload();
    await expect(node(page, 'Virtual machine web01')).toBeVisible();
  });
});
