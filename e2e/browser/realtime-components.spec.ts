import { expect, type Page, test } from '@playwright/test';
import { build } from 'esbuild';
import { signedInContext } from '../support/auth';

/**
 * The provider, hooks and components in Chromium for two signed-in users (mounted by a small harness, so the test does
 * not depend on where the shell places them): both appear, a section move shows, a hidden tab turns away, busy shows,
 * the viewer count follows, and a user who leaves disappears.
 */
let bundle = '';

test.beforeAll(async () => {
  const result = await build({
    entryPoints: ['e2e/browser/harness/realtime-harness.tsx'],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    logLevel: 'silent',
  });
  bundle = result.outputFiles[0]!.text;
});

async function mount(page: Page, harness: { room: string; product: string; name: string }) {
  await page.evaluate((h) => {
    (window as unknown as { harness: typeof h }).harness = h;
  }, harness);
  await page.addScriptTag({ content: bundle });
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'open');
}

const avatar = (page: Page, scope: string, name: string) =>
  page.getByTestId(scope).getByRole('button', { name: new RegExp(`^${name}`) });

test('two users see each other in the room and the tenant, move, go away, get busy and leave', async ({
  browser,
}) => {
  const id = Date.now().toString(36);
  const harness = { room: `order:harness-${id}`, product: `product:harness-${id}` };
  const anna = await signedInContext(browser, 'anna@siam.example');
  const napa = await signedInContext(browser, 'napa@siam.example');
  await mount(anna.page, { ...harness, name: 'Anna Carter' });
  await mount(napa.page, { ...harness, name: 'นภา ศรีสุข' });

  await expect(avatar(anna.page, 'room', 'นภา ศรีสุข')).toHaveAttribute('aria-label', /Online, in summary/);
  await expect(avatar(anna.page, 'room', 'Anna Carter \\(you\\)')).toBeVisible();
  await expect(avatar(anna.page, 'tenant', 'นภา ศรีสุข')).toBeVisible();
  await expect(anna.page.getByTestId('room-count')).toHaveText('2');
  await expect(anna.page.getByTestId('viewers')).toHaveText('2 people viewing');
  // Both are on the same path (the provider reports it as their location), counted without joining a room.
  await expect(anna.page.getByTestId('page-viewers')).toHaveText('2 people viewing');

  await napa.page.getByRole('button', { name: 'to lines' }).click();
  await expect(avatar(anna.page, 'room', 'นภา ศรีสุข')).toHaveAttribute('aria-label', /in lines/);

  await napa.page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await expect(avatar(anna.page, 'room', 'นภา ศรีสุข')).toHaveAttribute('aria-label', /Away/);
  await napa.page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await expect(avatar(anna.page, 'room', 'นภา ศรีสุข')).toHaveAttribute('aria-label', /Online/);

  await napa.page.getByRole('button', { name: 'busy' }).click();
  await expect(avatar(anna.page, 'tenant', 'นภา ศรีสุข')).toHaveAttribute('aria-label', /Busy/);

  await napa.context.close();
  await expect(avatar(anna.page, 'room', 'นภา ศรีสุข')).toHaveCount(0);
  await expect(anna.page.getByTestId('viewers')).toHaveText('Only you are viewing');
  await anna.context.close();
});

test('the connection badge shows offline with the queued count, then live again', async ({ browser }) => {
  const id = Date.now().toString(36);
  const anna = await signedInContext(browser, 'anna@siam.example');
  await mount(anna.page, { room: `order:badge-${id}`, product: `product:badge-${id}`, name: 'Anna Carter' });
  await expect(anna.page.getByRole('status').first()).toContainText('Live');
  await anna.context.setOffline(true);
  await expect(anna.page.getByTestId('status')).toHaveAttribute('data-status', 'offline');
  await expect(anna.page.getByTestId('status')).toContainText('Offline');
  await anna.page.getByRole('button', { name: 'write' }).click();
  await anna.page.getByRole('button', { name: 'write' }).click();
  await expect(anna.page.getByTestId('status')).toContainText('2 queued');
  await anna.context.setOffline(false);
  await expect(anna.page.getByTestId('status')).toHaveAttribute('data-status', 'open');
  await expect(anna.page.getByTestId('status')).toContainText('Live');
  await expect(anna.page.getByTestId('status')).toHaveAttribute('data-queued', '0');
  await anna.context.close();
});
