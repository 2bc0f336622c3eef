import { expect, test } from '@playwright/test';
import { type AppServer, startAppServer } from '../support/app-server';
import { localeFile } from '../support/people';
import { postgresAvailable, TEST_POSTGRES_URL } from '../support/services';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestDatabase, type TestDatabase } from '../support/test-db';

/**
 * Signing in while the database cannot be reached: the form says so in the person's language (and the request is
 * answered, not a server error), and the same form signs in once the database is back. The server here has its own
 * PostgreSQL database reached through a TCP proxy the test stops; the machine's PostgreSQL keeps running.
 */
test.describe('sign-in while the database is down', () => {
  let database: TestDatabase | undefined;
  let proxy: TcpProxy | undefined;
  let app: AppServer | undefined;

  test.beforeAll(async () => {
    test.skip(!(await postgresAvailable()), 'needs PostgreSQL');
    database = await createTestDatabase('postgres');
    const target = new URL(TEST_POSTGRES_URL);
    proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await proxy.start();
    app = await startAppServer({ databaseUrl: proxy.url(database.databaseUrl!) });
  });

  test.afterAll(async () => {
    await proxy?.start().catch(() => {});
    await app?.stop();
    await proxy?.stop();
    await database?.drop();
  });

  for (const locale of ['en', 'th'] as const) {
    test(`in ${locale}: says signing in is not possible right now, then signs in once the database is back`, async ({
      browser,
    }) => {
      const server = app!;
      const auth = localeFile<{ unavailable: string }>(locale, 'auth');
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addCookies([{ name: 'osl_locale', value: locale, url: server.url }]);
      const page = await context.newPage();
      await page.goto(`${server.url}/sign-in`);
      await page.locator('#email').fill('anna@siam.example');
      await page.locator('#password').fill('demo1234');

      await proxy!.stop();
      try {
        const answered = page.waitForResponse(
          (response) => response.request().method() === 'POST' && response.url().includes('/sign-in'),
        );
        await page.locator('form button[type="submit"]').click();
        expect((await answered).status()).toBeLessThan(500);
        await expect(page.getByTestId('sign-in-error')).toHaveText(auth.unavailable);
        await page.screenshot({ path: `test-results/sign-in-unavailable-${locale}-desktop.png` });
        await page.setViewportSize({ width: 390, height: 844 });
        await page.screenshot({ path: `test-results/sign-in-unavailable-${locale}-mobile.png` });
        await page.setViewportSize({ width: 1280, height: 900 });
      } finally {
        await proxy!.start();
      }
      // React resets the form after an action: type the password again.
      await page.locator('#email').fill('anna@siam.example');
      await page.locator('#password').fill('demo1234');
      await page.locator('form button[type="submit"]').click();
      await page.waitForURL(`${server.url}/`);
      await expect(page.getByTestId('current-user')).toBeVisible();
      await context.close();
    });
  }
});
