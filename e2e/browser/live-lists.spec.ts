import { randomBytes } from 'node:crypto';
import { type Browser, type BrowserContext, expect, type Locator, type Page, test } from '@playwright/test';
import { Redis } from 'ioredis';
import { findUserForSignIn } from '../../lib/db/queries/users';
import { type AppServer, startAppServer } from '../support/app-server';
import { appUrl } from '../support/app-url';
import { DEMO_PASSWORD, signedInContext } from '../support/auth';
import { postgresAvailable, redisAvailable, TEST_REDIS_URL } from '../support/services';
import { createTestDatabase, type TestDatabase } from '../support/test-db';

/**
 * Live lists with two people: Anna (sales) changes the catalog from the UI, from a script through the REST API, or
 * from another server process; Victor (viewer) watches the lists and pages update in place, with one toast per
 * change (one for a bulk update) naming Anna. Every test creates its own products with a unique SKU prefix and
 * filters the list by it, so the shared seeded server's other data does not matter.
 */

const ANNA = 'Anna Carter';
/** Where the screenshots go (other runs clean test-results/, so a run can point this elsewhere). */
const shots = process.env.LIVE_SHOTS_DIR ?? 'test-results';
const run = randomBytes(3).toString('hex');
let counter = 0;
const prefix = (label: string) => `LV${run}-${label}-${++counter}`;

type Product = { id: string; sku: string; name: string; version: number; priceMinor: number; stock: number };

/** The session cookie of a signed-in context, as a `Cookie` header for a script. */
async function cookieHeader(context: BrowserContext): Promise<string> {
  const cookies = await context.cookies();
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/** A REST call from a plain script (Node fetch), authenticated by a copied session cookie. */
async function api<T>(
  base: string,
  cookie: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(new URL(path, base), {
    method,
    headers: { cookie, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} -> ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

async function createProducts(
  base: string,
  cookie: string,
  skuPrefix: string,
  count: number,
  values: Partial<Product> & { lowStockThreshold?: number } = {},
): Promise<Product[]> {
  const made: Product[] = [];
  for (let i = 0; i < count; i++)
    made.push(
      await api<Product>(base, cookie, 'POST', '/api/products', {
        sku: `${skuPrefix}-${String(i).padStart(2, '0')}`,
        name: `Live ${skuPrefix} ${String(i).padStart(2, '0')}`,
        priceMinor: 10_000,
        stock: 40,
        lowStockThreshold: 5,
        category: 'Snacks',
        ...values,
      }),
    );
  return made;
}

const row = (page: Page, id: string) => page.locator(`tr[data-product-id="${id}"]`);
/** The toasts on a page (the realtime Toaster's live region). */
const toasts = (page: Page): Locator => page.locator('section[aria-live="polite"] [role="status"]');

/** Opens the product list filtered to `q` and waits until its channels are subscribed. */
async function openList(page: Page, q: string, base?: string): Promise<void> {
  await page.goto(base ? new URL(`/products?q=${q}`, base).toString() : appUrl(`/products?q=${q}`));
  await expect(page.getByTestId('products-table')).toHaveAttribute('data-live', 'live');
}

async function openProduct(page: Page, id: string): Promise<void> {
  await page.goto(appUrl(`/products/${id}`));
  await expect(page.locator(`article[data-product-id="${id}"]`)).toHaveAttribute('data-live', 'live');
}

test.describe('live product lists', () => {
  let anna: { context: BrowserContext; page: Page };
  let victor: { context: BrowserContext; page: Page };

  test.beforeEach(async ({ browser }) => {
    anna = await signedInContext(browser, 'anna@siam.example', { landing: 'none' });
    victor = await signedInContext(browser, 'viewer@siam.example', { landing: 'none' });
  });
  test.afterEach(async () => {
    await anna.context.close().catch(() => {});
    await victor.context.close().catch(() => {});
  });

  test('an edit in one browser changes the row in the other, with a toast naming the editor', async () => {
    const sku = prefix('edit');
    const [product] = await createProducts(appUrl(), await cookieHeader(anna.context), sku, 1);
    await openList(victor.page, sku);
    await expect(row(victor.page, product!.id).getByTestId('price')).toHaveText(/100\.00/);
    await expect(victor.page.getByTestId('select-row')).toHaveCount(0); // viewers read only
    const scroll = await victor.page.evaluate(() => window.scrollY);

    await openProduct(anna.page, product!.id);
    await anna.page.getByTestId('edit-product').click();
    const form = anna.page.getByTestId('product-form');
    await form.locator('input[name="name"]').fill(`Renamed ${sku}`);
    await form.locator('input[name="price"]').fill('123.45');
    await form.getByTestId('product-form-submit').click();
    await expect(anna.page.getByTestId('product-price')).toHaveText(/123\.45/);

    const changed = row(victor.page, product!.id);
    await expect(changed.getByTestId('price')).toHaveText(/123\.45/);
    await expect(changed.getByTestId('product-name')).toHaveText(`Renamed ${sku}`);
    await expect(changed).toHaveAttribute('data-version', '2');
    await expect(toasts(victor.page).filter({ hasText: `${ANNA} updated Renamed ${sku}` })).toHaveCount(1);
    expect(await victor.page.evaluate(() => window.scrollY)).toBe(scroll);
    // Never a toast for one's own change.
    await expect(toasts(anna.page).filter({ hasText: ANNA })).toHaveCount(0);
  });

  test('a bulk update of 20 products is one toast and 20 rows updated in place', async () => {
    const sku = prefix('bulk');
    const made = await createProducts(appUrl(), await cookieHeader(anna.context), sku, 20);
    await openList(victor.page, sku);
    await openList(anna.page, sku);
    await expect(victor.page.locator('tbody tr')).toHaveCount(20);

    await anna.page.getByTestId('select-all').check();
    await expect(anna.page.getByTestId('bulk-selected')).toContainText('20');
    await anna.page.getByTestId('bulk-kind').selectOption('price_percent');
    await anna.page.getByTestId('bulk-value').fill('10');
    await anna.page.getByTestId('bulk-apply').click();

    for (const product of made) {
      await expect(row(victor.page, product.id)).toHaveAttribute('data-version', '2');
      await expect(row(victor.page, product.id).getByTestId('price')).toHaveText(/110\.00/);
    }
    const mine = toasts(victor.page).filter({ hasText: ANNA });
    await expect(mine).toHaveCount(1);
    await expect(mine).toContainText(`${ANNA} updated 20 products`);
    await expect(toasts(anna.page).filter({ hasText: ANNA })).toHaveCount(0);
  });

  test('a product deleted while someone is on its page shows a clear notice', async () => {
    const sku = prefix('delete');
    const [product] = await createProducts(appUrl(), await cookieHeader(anna.context), sku, 1);
    await openProduct(victor.page, product!.id);
    await openProduct(anna.page, product!.id);
    await expect(victor.page.getByTestId('product-viewers').locator('[data-viewers]')).toHaveAttribute(
      'data-viewers',
      '2',
    );

    anna.page.once('dialog', (dialog) => void dialog.accept());
    await anna.page.getByTestId('delete-product').click();
    await anna.page.waitForURL(/\/products$/);

    const notice = victor.page.getByTestId('product-deleted');
    await expect(notice).toBeVisible();
    await expect(notice).toContainText('This product was deleted');
    await expect(notice).toContainText(`${ANNA} deleted Live ${sku}`);
    await expect(victor.page.getByTestId('product-price')).toHaveCount(0);
  });

  test('a REST write from a script reaches an open browser (stock ticks, low-stock badge appears)', async () => {
    const sku = prefix('rest');
    const cookie = await cookieHeader(anna.context);
    const [product] = await createProducts(appUrl(), cookie, sku, 1);
    await openList(victor.page, sku);
    const target = row(victor.page, product!.id);
    await expect(target.getByTestId('low-stock-badge')).toHaveCount(0);

    await api(appUrl(), cookie, 'PATCH', `/api/products/${product!.id}`, {
      expectedVersion: 1,
      changes: { stock: 3 },
    });
    await expect(target.getByTestId('stock')).toHaveText('3');
    await expect(target.getByTestId('low-stock-badge')).toContainText('Low stock');
    await expect(toasts(victor.page).filter({ hasText: ANNA })).toHaveCount(1);

    // A change that takes the row out of the filter removes it.
    await victor.page.goto(appUrl(`/products?q=${sku}&low=1`));
    await expect(victor.page.getByTestId('products-table')).toHaveAttribute('data-live', 'live');
    await expect(target).toBeVisible();
    await api(appUrl(), cookie, 'POST', '/api/products/bulk', {
      ids: [product!.id],
      operation: { kind: 'stock_adjust', delta: 50 },
    });
    await expect(victor.page.getByTestId('products-empty')).toBeVisible();
  });

  test('the viewer count goes up and down as people open and leave a product', async ({ browser }) => {
    const sku = prefix('viewers');
    const [product] = await createProducts(appUrl(), await cookieHeader(anna.context), sku, 1);
    await openList(victor.page, sku);
    const count = row(victor.page, product!.id).getByTestId('row-viewers');
    await expect(count.locator('[data-viewers]')).toHaveCount(0);

    await openProduct(anna.page, product!.id);
    await expect(count.locator('[data-viewers]')).toHaveAttribute('data-viewers', '1');
    await expect(anna.page.getByTestId('product-viewers')).toContainText('Only you');

    const admin = await signedInContext(browser, 'admin@siam.example', { landing: 'none' });
    await openProduct(admin.page, product!.id);
    await expect(count.locator('[data-viewers]')).toHaveAttribute('data-viewers', '2');
    await expect(anna.page.getByTestId('product-viewers').locator('[data-viewers]')).toHaveAttribute(
      'data-viewers',
      '2',
    );

    await admin.context.close();
    await expect(count.locator('[data-viewers]')).toHaveAttribute('data-viewers', '1');
    await expect(anna.page.getByTestId('product-viewers')).toContainText('Only you');
    await anna.context.close();
    await expect(count.locator('[data-viewers]')).toHaveCount(0);
  });

  test('with the socket blocked the list says so, polls, and goes live again when the socket is back', async ({
    browser,
  }) => {
    const sku = prefix('blocked');
    const cookie = await cookieHeader(anna.context);
    const [product] = await createProducts(appUrl(), cookie, sku, 1);
    const blockedContext = await browser.newContext({ storageState: await victor.context.storageState() });
    let blocked = true;
    await blockedContext.routeWebSocket(/\/ws(\?|$)/, (ws) => {
      if (blocked) ws.close({ code: 1011, reason: 'blocked by test proxy' });
      else ws.connectToServer();
    });
    try {
      const page = await blockedContext.newPage();
      await page.goto(appUrl(`/products?q=${sku}`));
      const notice = page.getByTestId('live-polling-notice');
      await expect(notice).toContainText('Live updates unavailable — refreshing every 5 s');
      await expect(page.getByTestId('products-table')).toHaveAttribute('data-live', 'polling');
      await page.screenshot({ path: `${shots}/live-polling-en.png` });

      await api(appUrl(), cookie, 'PATCH', `/api/products/${product!.id}`, {
        expectedVersion: 1,
        changes: { priceMinor: 7_700 },
      });
      await expect(row(page, product!.id).getByTestId('price')).toHaveText(/77\.00/);

      blocked = false;
      // The browser's online event makes the client retry at once instead of after its back-off.
      await blockedContext.setOffline(true);
      await blockedContext.setOffline(false);
      await expect(page.getByTestId('products-table')).toHaveAttribute('data-live', 'live');
      await expect(notice).toHaveCount(0);
      await api(appUrl(), cookie, 'PATCH', `/api/products/${product!.id}`, {
        expectedVersion: 2,
        changes: { priceMinor: 8_800 },
      });
      await expect(row(page, product!.id).getByTestId('price')).toHaveText(/88\.00/);
    } finally {
      await blockedContext.close();
    }
  });
});

test('an order status change from the list moves the row and the dashboard counts live', async ({
  browser,
}) => {
  const anna = await signedInContext(browser, 'anna@siam.example', { landing: 'none' });
  const victor = await signedInContext(browser, 'viewer@siam.example', { landing: 'none' });
  try {
    const cookie = await cookieHeader(anna.context);
    const drafts = await api<{ rows: { id: string; number: string }[] }>(
      appUrl(),
      cookie,
      'GET',
      '/api/orders?status=draft&pageSize=1',
    );
    test.skip(drafts.rows.length === 0, 'no draft order left in the seed');
    const order = drafts.rows[0]!;
    const counts = await api<Record<string, number>>(appUrl(), cookie, 'GET', '/api/orders/stats');

    await victor.page.goto(appUrl('/'));
    const board = victor.page.getByTestId('status-counts');
    await expect(board).toHaveAttribute('data-live', 'live');
    const countOf = (status: string) =>
      board.locator(`li[data-status="${status}"]`).getByTestId('status-count');
    await expect(countOf('draft')).toHaveText(String(counts.draft));

    await anna.page.goto(appUrl('/orders?status=draft'));
    await expect(anna.page.getByTestId('orders-table')).toHaveAttribute('data-live', 'live');
    const line = anna.page.locator(`tr[data-order-id="${order.id}"]`);
    await line.getByTestId('status-control').locator('[data-to="pending"]').click();
    await expect(line).toHaveCount(0); // no longer a draft: leaves the filtered list

    await expect(countOf('draft')).toHaveText(String(counts.draft! - 1));
    await expect(countOf('pending')).toHaveText(String(counts.pending! + 1));
    await expect(
      toasts(victor.page).filter({ hasText: `${ANNA} moved ${order.number} to Pending` }),
    ).toHaveCount(1);
  } finally {
    await anna.context.close();
    await victor.context.close();
  }
});

test('screenshots: the live list and product page in English and Thai', async ({ browser }) => {
  const anna = await signedInContext(browser, 'anna@siam.example', { landing: 'none' });
  const victor = await signedInContext(browser, 'viewer@siam.example', { landing: 'none' });
  const napa = await signedInContext(browser, 'napa@siam.example', { landing: 'none' }); // Thai
  try {
    const sku = prefix('shot');
    const [product] = await createProducts(appUrl(), await cookieHeader(anna.context), sku, 1, {
      stock: 4,
      priceMinor: 12_900,
    });
    await openList(victor.page, '');
    await openList(napa.page, '');
    await openProduct(anna.page, product!.id);
    await openProduct(victor.page, product!.id);
    await openProduct(napa.page, product!.id);
    for (const [who, locale] of [
      [victor, 'en'],
      [napa, 'th'],
    ] as const) {
      await expect(who.page.getByTestId('product-viewers').locator('[data-viewers]')).toHaveAttribute(
        'data-viewers',
        '3',
      );
      await who.page.screenshot({ path: `${shots}/live-product-${locale}.png`, fullPage: true });
    }
    await victor.page.close();
    victor.page = await victor.context.newPage();
    await openList(victor.page, '');
    await openList(napa.page, '');
    // Anna opens the second product of the list: both lists show her on it.
    const second = await victor.page.locator('tbody tr').nth(1).getAttribute('data-product-id');
    await openProduct(anna.page, second!);
    for (const page of [victor.page, napa.page])
      await expect(row(page, second!).getByTestId('row-viewers').locator('[data-viewers]')).toHaveAttribute(
        'data-viewers',
        '1',
      );
    await napa.page.getByTestId('select-row').nth(1).check();
    await napa.page.getByTestId('select-row').nth(2).check();
    await expect(napa.page.getByTestId('bulk-toolbar')).toBeVisible();
    await napa.page.getByTestId('bulk-value').fill('10');
    await victor.page.screenshot({ path: `${shots}/live-list-en.png`, fullPage: true });
    await napa.page.screenshot({ path: `${shots}/live-list-th.png`, fullPage: true });
    await anna.page.getByTestId('edit-product').click();
    await expect(anna.page.getByTestId('product-form')).toBeVisible();
    await anna.page.screenshot({ path: `${shots}/live-product-edit-en.png` });
    await anna.page.goto(appUrl('/orders'));
    await expect(anna.page.getByTestId('orders-table')).toHaveAttribute('data-live', 'live');
    await anna.page.screenshot({ path: `${shots}/live-orders-en.png`, fullPage: true });
    await napa.page.goto(appUrl('/customers'));
    await expect(napa.page.getByTestId('customers-table')).toHaveAttribute('data-live', 'live');
    await napa.page.screenshot({ path: `${shots}/live-customers-th.png`, fullPage: true });
  } finally {
    for (const who of [anna, victor, napa]) await who.context.close();
  }
});

/** A context signed in on another server by its session cookie. */
async function contextOn(browser: Browser, server: AppServer, user: { id: string; tenantId: string }) {
  const context = await browser.newContext();
  const [name, ...value] = (await server.cookieFor(user)).split('=');
  await context.addCookies([{ name: name!, value: decodeURIComponent(value.join('=')), url: server.url }]);
  return context;
}

test.describe('live lists on other deployments', () => {
  test('REALTIME_ENABLED=false: the list polls and says so', async ({ browser }) => {
    // A fresh server on its own data folder (seeded on start, so the same demo users exist).
    const server = await startAppServer({ env: { REALTIME_ENABLED: 'false' } });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(new URL('/sign-in', server.url).toString());
      await page.locator('#email').fill('anna@siam.example');
      await page.locator('#password').fill(DEMO_PASSWORD);
      await page.locator('form button[type="submit"]').click();
      await page.waitForURL(new URL('/', server.url).toString());
      const cookie = await cookieHeader(context);
      const sku = prefix('off');
      const [product] = await createProducts(server.url, cookie, sku, 1);
      await page.goto(new URL(`/products?q=${sku}`, server.url).toString());
      await expect(page.getByTestId('live-polling-notice')).toHaveAttribute('data-reason', 'disabled');
      await expect(page.getByTestId('live-polling-notice')).toContainText('refreshing every 5 s');
      await api(server.url, cookie, 'PATCH', `/api/products/${product!.id}`, {
        expectedVersion: 1,
        changes: { stock: 2 },
      });
      await expect(row(page, product!.id).getByTestId('stock')).toHaveText('2');
      await expect(row(page, product!.id).getByTestId('low-stock-badge')).toBeVisible();
    } finally {
      await context.close();
      await server.stop();
    }
  });

  test('two server processes on PostgreSQL + Redis: a change on one reaches a browser on the other', async ({
    browser,
  }) => {
    const available = (await postgresAvailable()) && (await redisAvailable());
    test.skip(!available, 'PostgreSQL and Redis are not running here');
    const database: TestDatabase = await createTestDatabase('postgres');
    const redisPrefix = `osl-live-${run}-`;
    const secret = randomBytes(32).toString('hex');
    const env = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: redisPrefix };
    const servers: AppServer[] = [];
    try {
      const anna = await findUserForSignIn(database.db, 'anna@siam.example');
      const viewer = await findUserForSignIn(database.db, 'viewer@siam.example');
      servers.push(await startAppServer({ databaseUrl: database.databaseUrl!, secret, env }));
      servers.push(await startAppServer({ databaseUrl: database.databaseUrl!, secret, env }));
      const [a, b] = servers as [AppServer, AppServer];
      const cookie = await a.cookieFor(anna!);
      const sku = prefix('nodes');
      const [product] = await createProducts(a.url, cookie, sku, 1);

      const context = await contextOn(browser, b, viewer!);
      const page = await context.newPage();
      await openList(page, sku, b.url);
      await api(a.url, cookie, 'PATCH', `/api/products/${product!.id}`, {
        expectedVersion: 1,
        changes: { name: `Across nodes ${sku}`, priceMinor: 4_200 },
      });
      await expect(row(page, product!.id).getByTestId('product-name')).toHaveText(`Across nodes ${sku}`);
      await expect(row(page, product!.id).getByTestId('price')).toHaveText(/42\.00/);
      await expect(toasts(page).filter({ hasText: ANNA })).toHaveCount(1);
      await context.close();
    } finally {
      for (const server of servers) await server.stop();
      await database.drop();
      const redis = new Redis(TEST_REDIS_URL);
      redis.on('error', () => {});
      const keys = await redis.keys(`${redisPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  });
});
