import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  type APIRequestContext,
  type Browser,
  expect,
  type Locator,
  type Page,
  test,
} from '@playwright/test';
import { appUrl } from '../support/app-url';
import { signedInContext } from '../support/auth';
import { badgeFigure } from '../support/badges';

/**
 * The liveness matrix: for each screen, another person's change appears without a reload, and a reload shows the
 * same value. Anna (sales) makes the changes, from the UI or the REST API; Victor (viewer), the admin, Napa or
 * Anna's own second tab watch. The four sign in once per worker and every cell starts from a fresh navigation; a
 * failed cell restarts the worker, so the next cell signs in again. Every cell makes its own products, customers
 * and orders (unique names), so the shared seeded server's other data does not matter. Each cell's outcome is
 * written to `test-results/liveness-matrix/` (so cells of a restarted worker count too); the matrix (screen ×
 * change → live) is written to `test-results/liveness-matrix.json` and printed after the run.
 */

const run = randomBytes(3).toString('hex');
const shots = process.env.LIVE_SHOTS_DIR ?? 'test-results';
type Cell = { screen: string; change: string; live: boolean };

type People = Record<'anna' | 'victor' | 'admin' | 'napa', { page: Page; request: APIRequestContext }>;
type Product = { id: string; sku: string; name: string; version: number };
type Customer = { id: string; name: string; version: number };
type Order = { id: string; number: string; version: number };

async function api<T>(request: APIRequestContext, method: string, path: string, body?: unknown): Promise<T> {
  const response = await request.fetch(appUrl(path), { method, data: body });
  const text = await response.text();
  if (!response.ok()) throw new Error(`${method} ${path} -> ${response.status()} ${text}`);
  return JSON.parse(text) as T;
}

let n = 0;
const unique = (label: string) => `${label} ${run}-${++n}`;

const newProduct = (request: APIRequestContext, values: Record<string, unknown> = {}) =>
  api<Product>(request, 'POST', '/api/products', {
    sku: `MX${run}-${++n}`,
    name: unique('Matrix product'),
    priceMinor: 10_000,
    stock: 50,
    lowStockThreshold: 5,
    ...values,
  });

const newCustomer = (request: APIRequestContext) =>
  api<Customer>(request, 'POST', '/api/customers', {
    name: unique('Matrix customer'),
    email: `matrix-${run}-${++n}@example.com`,
    address: { line1: '1 Sathorn Rd', city: 'Bangkok', postalCode: '10120', country: 'TH' },
  });

const newOrder = (request: APIRequestContext, customerId: string, productId: string, quantity = 2) =>
  api<Order>(request, 'POST', '/api/orders', { customerId, lines: [{ productId, quantity }] });

const rename = (request: APIRequestContext, customer: Customer, name: string) =>
  api<{ customer: Customer }>(request, 'PATCH', `/api/customers/${customer.id}`, {
    expectedVersion: customer.version,
    changes: { name },
  });

const patchProduct = (request: APIRequestContext, product: Product, changes: Record<string, unknown>) =>
  api<{ product: Product }>(request, 'PATCH', `/api/products/${product.id}`, {
    expectedVersion: product.version,
    changes,
  });

const setStatus = (request: APIRequestContext, order: Order, status: string) =>
  api<unknown>(request, 'POST', `/api/orders/${order.id}/status`, { status });

async function people(browser: Browser): Promise<People> {
  const [anna, victor, admin, napa] = await Promise.all(
    ['anna@siam.example', 'viewer@siam.example', 'admin@siam.example', 'napa@siam.example'].map(
      async (email) => {
        const { context, page } = await signedInContext(browser, email);
        await context.addCookies([{ name: 'osl_locale', value: 'en', url: appUrl('/') }]);
        return { page, request: context.request };
      },
    ),
  );
  return { anna: anna!, victor: victor!, admin: admin!, napa: napa! };
}

const cellsDir = path.join(shots, 'liveness-matrix');
const slug = (text: string) => text.replace(/[^\p{L}\p{N}]+/gu, '-').toLowerCase();

/** The four people, signed in once per worker (a failed cell restarts the worker and signs them in again). */
const matrixTest = test.extend<object, { who: People }>({
  who: [
    async ({ browser }, use) => {
      const who = await people(browser);
      await use(who);
      await Promise.all(Object.values(who).map((p) => p.page.context().close()));
    },
    { scope: 'worker' },
  ],
});

/** One cell of the matrix: a screen, a change by someone else, and whether it showed without a reload. */
function cell(screen: string, change: string, body: (who: People) => Promise<void>) {
  matrixTest(`${screen} × ${change}`, async ({ who }) => {
    let live = false;
    try {
      await body(who);
      live = true;
    } finally {
      mkdirSync(cellsDir, { recursive: true });
      const record: Cell = { screen, change, live };
      writeFileSync(path.join(cellsDir, `${slug(`${screen} ${change}`)}.json`), JSON.stringify(record));
      // Pages a cell opened beside the four (a second tab) close with it.
      for (const person of Object.values(who))
        for (const page of person.page.context().pages()) if (page !== person.page) await page.close();
    }
  });
}

matrixTest.afterAll(() => {
  const matrix: Cell[] = readdirSync(cellsDir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => JSON.parse(readFileSync(path.join(cellsDir, file), 'utf8')) as Cell);
  const live = matrix.filter((c) => c.live).length;
  writeFileSync(
    `${shots}/liveness-matrix.json`,
    JSON.stringify({ live, total: matrix.length, matrix }, null, 2),
  );
  console.log(`\nLiveness matrix: ${live} of ${matrix.length} live`);
  for (const c of matrix) console.log(`  ${c.live ? 'live    ' : 'NOT LIVE'}  ${c.screen} × ${c.change}`);
});

/** Waits until a page's live list or query has its subscription (data-live="live"). */
const liveOn = (page: Page, testId: string) =>
  expect(page.getByTestId(testId)).toHaveAttribute('data-live', 'live');

async function openDashboard(page: Page) {
  await page.goto(appUrl('/'));
  await liveOn(page, 'status-counts');
  await liveOn(page, 'dashboard-stats');
}

/** The digits of an element's text as a number ("1,234" → 1234). */
const digits = async (locator: Locator) =>
  Number(((await locator.textContent()) ?? '').replace(/[^\d]/g, ''));
const statNumber = (page: Page, testId: string) => digits(page.getByTestId(testId));

/** Open orders must always equal Draft + Pending beside them. */
async function expectOpenMatchesCounts(page: Page) {
  const count = (status: string) =>
    digits(
      page.locator(`[data-testid="status-counts"] li[data-status="${status}"]`).getByTestId('status-count'),
    );
  await expect
    .poll(
      async () => (await statNumber(page, 'stat-open')) === (await count('draft')) + (await count('pending')),
    )
    .toBe(true);
}

// ---- Dashboard -------------------------------------------------------------------------------------------------

cell('dashboard', 'new order by a colleague', async ({ anna, victor }) => {
  const product = await newProduct(anna.request);
  const customer = await newCustomer(anna.request);
  await openDashboard(victor.page);
  const before = {
    orders: await statNumber(victor.page, 'stat-orders'),
    open: await statNumber(victor.page, 'stat-open'),
  };
  const order = await newOrder(anna.request, customer.id, product.id);
  const row = victor.page.getByTestId('recent-orders').locator(`tr[data-order-id="${order.id}"]`);
  await expect(row).toContainText(customer.name);
  await expect.poll(() => statNumber(victor.page, 'stat-orders')).toBe(before.orders + 1);
  await expect.poll(() => statNumber(victor.page, 'stat-open')).toBe(before.open + 1);
  await expectOpenMatchesCounts(victor.page);
  await victor.page.reload();
  await expect(
    victor.page.getByTestId('recent-orders').locator(`tr[data-order-id="${order.id}"]`),
  ).toContainText(customer.name);
  expect(await statNumber(victor.page, 'stat-orders')).toBe(before.orders + 1);
});

cell('dashboard', 'order confirmed by a colleague (revenue, open orders)', async ({ anna, victor }) => {
  const product = await newProduct(anna.request, { priceMinor: 123_400 });
  const customer = await newCustomer(anna.request);
  const order = await newOrder(anna.request, customer.id, product.id, 1);
  await setStatus(anna.request, order, 'pending');
  await openDashboard(victor.page);
  const revenue = (await victor.page.getByTestId('stat-revenue').textContent()) ?? '';
  const open = await statNumber(victor.page, 'stat-open');
  await setStatus(anna.request, order, 'confirmed');
  await expect(victor.page.getByTestId('stat-revenue')).not.toHaveText(revenue);
  await expect.poll(() => statNumber(victor.page, 'stat-open')).toBe(open - 1);
  await expectOpenMatchesCounts(victor.page);
  const after = (await victor.page.getByTestId('stat-revenue').textContent()) ?? '';
  await victor.page.reload();
  await expect(victor.page.getByTestId('stat-revenue')).toHaveText(after);
});

cell('dashboard', 'stock falls to low by a colleague', async ({ anna, victor }) => {
  const product = await newProduct(anna.request, { name: `000 Low ${run}`, stock: 50, lowStockThreshold: 5 });
  await openDashboard(victor.page);
  const low = await statNumber(victor.page, 'stat-low-stock');
  await patchProduct(anna.request, product, { stock: 0 });
  await expect(
    victor.page.getByTestId('low-stock-list').locator(`li[data-product-id="${product.id}"]`),
  ).toBeVisible();
  await expect.poll(() => statNumber(victor.page, 'stat-low-stock')).toBe(low + 1);
  await victor.page.reload();
  await expect(
    victor.page.getByTestId('low-stock-list').locator(`li[data-product-id="${product.id}"]`),
  ).toBeVisible();
});

cell('dashboard', 'customer renamed by a colleague (recent orders)', async ({ anna, victor }) => {
  const product = await newProduct(anna.request);
  const customer = await newCustomer(anna.request);
  const order = await newOrder(anna.request, customer.id, product.id);
  await openDashboard(victor.page);
  const row = victor.page.getByTestId('recent-orders').locator(`tr[data-order-id="${order.id}"]`);
  await expect(row).toContainText(customer.name);
  const name = unique('Renamed customer');
  await rename(anna.request, customer, name);
  await expect(row.getByTestId('recent-customer')).toHaveText(name);
  await victor.page.reload();
  await expect(row.getByTestId('recent-customer')).toHaveText(name);
});

// ---- Orders list -----------------------------------------------------------------------------------------------

async function openOrders(page: Page, q = '') {
  await page.goto(appUrl(q ? `/orders?q=${encodeURIComponent(q)}` : '/orders'));
  await liveOn(page, 'orders-table');
}

cell('orders list', 'new order from the New order form', async ({ anna, victor }) => {
  const product = await newProduct(anna.request, { priceMinor: 5_000 });
  const customer = await newCustomer(anna.request);
  await openOrders(victor.page);
  await anna.page.goto(appUrl('/orders'));
  await anna.page.getByTestId('new-order').click();
  const form = anna.page.getByTestId('new-order-form');
  await expect(form).toHaveAttribute('data-live', 'live');
  await form.getByTestId('new-order-customer').selectOption(customer.id);
  await form.getByTestId('new-order-product').first().selectOption(product.id);
  await form.getByTestId('new-order-quantity').first().fill('3');
  await form.getByTestId('new-order-notes').fill('Deliver before noon');
  await expect(form.getByTestId('new-order-total')).toContainText('150');
  await form.getByTestId('new-order-save').click();
  await anna.page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
  const id = anna.page.url().split('/').pop()!;
  await expect(anna.page.getByTestId('order-editor')).toHaveAttribute('data-ready', 'true');
  const row = victor.page.locator(`tr[data-order-id="${id}"]`);
  await expect(row).toContainText(customer.name);
  await expect(row).toHaveAttribute('data-status', 'draft');
  await victor.page.reload();
  await expect(victor.page.locator(`tr[data-order-id="${id}"]`)).toContainText(customer.name);
});

cell('orders list', 'items and total changed in the order editor', async ({ anna, victor }) => {
  const product = await newProduct(anna.request, { priceMinor: 10_000 });
  const customer = await newCustomer(anna.request);
  const order = await newOrder(anna.request, customer.id, product.id, 2);
  await openOrders(victor.page, customer.name);
  const row = victor.page.locator(`tr[data-order-id="${order.id}"]`);
  await expect(row.getByTestId('order-items')).toHaveText('2');
  await anna.page.goto(appUrl(`/orders/${order.id}`));
  await expect(anna.page.getByTestId('order-editor')).toHaveAttribute('data-ready', 'true');
  await anna.page.getByTestId('line-quantity').first().fill('7');
  await expect(row.getByTestId('order-items')).toHaveText('7');
  await expect(row.getByTestId('order-total')).toContainText('700');
  await victor.page.reload();
  await expect(victor.page.locator(`tr[data-order-id="${order.id}"]`).getByTestId('order-items')).toHaveText(
    '7',
  );
});

cell('orders list', 'customer changed in the order editor', async ({ anna, victor }) => {
  const product = await newProduct(anna.request);
  const [first, second] = [await newCustomer(anna.request), await newCustomer(anna.request)];
  const order = await newOrder(anna.request, first.id, product.id);
  await openOrders(victor.page, `Matrix customer ${run}`);
  const row = victor.page.locator(`tr[data-order-id="${order.id}"]`);
  await expect(row).toContainText(first.name);
  await anna.page.goto(appUrl(`/orders/${order.id}`));
  await expect(anna.page.getByTestId('order-editor')).toHaveAttribute('data-ready', 'true');
  await anna.page.getByTestId('take-customer').click();
  await expect(anna.page.getByTestId('release-customer')).toBeVisible();
  await anna.page.getByTestId('customer-select').selectOption(second.id);
  await expect(row).toContainText(second.name);
  await anna.page.getByTestId('release-customer').click();
  await victor.page.reload();
  await expect(victor.page.locator(`tr[data-order-id="${order.id}"]`)).toContainText(second.name);
});

cell('orders list', 'status changed by a colleague', async ({ anna, victor }) => {
  const product = await newProduct(anna.request);
  const customer = await newCustomer(anna.request);
  const order = await newOrder(anna.request, customer.id, product.id);
  await openOrders(victor.page, customer.name);
  const row = victor.page.locator(`tr[data-order-id="${order.id}"]`);
  await expect(row).toHaveAttribute('data-status', 'draft');
  await setStatus(anna.request, order, 'pending');
  await expect(row).toHaveAttribute('data-status', 'pending');
  await victor.page.reload();
  await expect(victor.page.locator(`tr[data-order-id="${order.id}"]`)).toHaveAttribute(
    'data-status',
    'pending',
  );
});

cell(
  'orders list',
  'order cancelled by a colleague (orders are cancelled, never deleted)',
  async ({ anna, victor }) => {
    const product = await newProduct(anna.request);
    const customer = await newCustomer(anna.request);
    const order = await newOrder(anna.request, customer.id, product.id);
    await openOrders(victor.page, customer.name);
    const row = victor.page.locator(`tr[data-order-id="${order.id}"]`);
    await expect(row).toHaveAttribute('data-status', 'draft');
    await setStatus(anna.request, order, 'cancelled');
    await expect(row).toHaveAttribute('data-status', 'cancelled');
    await victor.page.reload();
    await expect(victor.page.locator(`tr[data-order-id="${order.id}"]`)).toHaveAttribute(
      'data-status',
      'cancelled',
    );
  },
);

cell('orders list', 'customer renamed by a colleague', async ({ anna, victor }) => {
  const product = await newProduct(anna.request);
  const customer = await newCustomer(anna.request);
  const order = await newOrder(anna.request, customer.id, product.id);
  await openOrders(victor.page);
  const row = victor.page.locator(`tr[data-order-id="${order.id}"]`);
  await expect(row).toContainText(customer.name);
  const name = unique('Renamed customer');
  await rename(anna.request, customer, name);
  await expect(row).toContainText(name);
  await victor.page.reload();
  await expect(victor.page.locator(`tr[data-order-id="${order.id}"]`)).toContainText(name);
});

// ---- Order page ------------------------------------------------------------------------------------------------

cell('order page', 'line quantity changed by a colleague', async ({ anna, victor }) => {
  const product = await newProduct(anna.request);
  const customer = await newCustomer(anna.request);
  const order = await newOrder(anna.request, customer.id, product.id, 2);
  for (const page of [anna.page, victor.page]) {
    await page.goto(appUrl(`/orders/${order.id}`));
    await expect(page.getByTestId('order-editor')).toHaveAttribute('data-ready', 'true');
  }
  await anna.page.getByTestId('line-quantity').first().fill('9');
  await expect(victor.page.getByTestId('line-quantity').first()).toHaveValue('9');
  await victor.page.reload();
  await expect(victor.page.getByTestId('line-quantity').first()).toHaveValue('9');
});

cell('order page', 'customer renamed by a colleague (customer picker)', async ({ anna, victor }) => {
  const product = await newProduct(anna.request);
  const customer = await newCustomer(anna.request);
  const order = await newOrder(anna.request, customer.id, product.id);
  await victor.page.goto(appUrl(`/orders/${order.id}`));
  await expect(victor.page.getByTestId('order-editor')).toHaveAttribute('data-ready', 'true');
  const option = victor.page.getByTestId('customer-select').locator(`option[value="${customer.id}"]`);
  await expect(option).toHaveText(customer.name);
  const name = unique('Renamed customer');
  await rename(anna.request, customer, name);
  await expect(option).toHaveText(name);
  await victor.page.reload();
  await expect(
    victor.page.getByTestId('customer-select').locator(`option[value="${customer.id}"]`),
  ).toHaveText(name);
});

// ---- Products, customers, the new-order form ------------------------------------------------------------------

cell('products list', 'price edited by a colleague', async ({ anna, victor }) => {
  const product = await newProduct(anna.request, { priceMinor: 10_000 });
  await victor.page.goto(appUrl(`/products?q=${product.sku}`));
  await liveOn(victor.page, 'products-table');
  const price = victor.page.locator(`tr[data-product-id="${product.id}"]`).getByTestId('price');
  await expect(price).toContainText('100');
  await patchProduct(anna.request, product, { priceMinor: 45_600 });
  await expect(price).toContainText('456');
  await victor.page.reload();
  await expect(victor.page.locator(`tr[data-product-id="${product.id}"]`).getByTestId('price')).toContainText(
    '456',
  );
});

cell('products list', 'product added by a colleague', async ({ anna, victor }) => {
  const first = await newProduct(anna.request);
  await victor.page.goto(appUrl(`/products?q=MX${run}`));
  await liveOn(victor.page, 'products-table');
  await expect(victor.page.locator(`tr[data-product-id="${first.id}"]`)).toBeVisible();
  const added = await newProduct(anna.request);
  await expect(victor.page.locator(`tr[data-product-id="${added.id}"]`)).toContainText(added.name);
  await victor.page.reload();
  await expect(victor.page.locator(`tr[data-product-id="${added.id}"]`)).toContainText(added.name);
});

cell('products list', 'product deleted by a colleague', async ({ anna, victor }) => {
  const kept = await newProduct(anna.request);
  const gone = await newProduct(anna.request);
  await victor.page.goto(appUrl(`/products?q=MX${run}`));
  await liveOn(victor.page, 'products-table');
  const row = victor.page.locator(`tr[data-product-id="${gone.id}"]`);
  await expect(row).toBeVisible();
  await api<unknown>(anna.request, 'DELETE', `/api/products/${gone.id}?expectedVersion=${gone.version}`);
  await expect(row).toHaveCount(0);
  await victor.page.reload();
  await expect(victor.page.locator(`tr[data-product-id="${kept.id}"]`)).toBeVisible();
  await expect(victor.page.locator(`tr[data-product-id="${gone.id}"]`)).toHaveCount(0);
});

cell('product page', 'stock edited by a colleague', async ({ anna, victor }) => {
  const product = await newProduct(anna.request, { stock: 50 });
  await victor.page.goto(appUrl(`/products/${product.id}`));
  await expect(victor.page.getByTestId('product-stock')).toHaveText('50');
  await expect(victor.page.getByTestId('product-viewers')).toBeVisible();
  await patchProduct(anna.request, product, { stock: 31 });
  await expect(victor.page.getByTestId('product-stock')).toHaveText('31');
  await victor.page.reload();
  await expect(victor.page.getByTestId('product-stock')).toHaveText('31');
});

cell('customers list', 'customer renamed by a colleague', async ({ anna, victor }) => {
  const customer = await newCustomer(anna.request);
  await victor.page.goto(appUrl(`/customers?q=${encodeURIComponent(`${run}-`)}`));
  await liveOn(victor.page, 'customers-table');
  const row = victor.page.locator(`tr[data-customer-id="${customer.id}"]`);
  await expect(row).toContainText(customer.name);
  const name = unique('Renamed customer');
  await rename(anna.request, customer, name);
  await expect(row).toContainText(name);
  await victor.page.reload();
  await expect(victor.page.locator(`tr[data-customer-id="${customer.id}"]`)).toContainText(name);
});

cell('customers list', 'customer added by a colleague', async ({ anna, victor }) => {
  const first = await newCustomer(anna.request);
  await victor.page.goto(appUrl(`/customers?q=${encodeURIComponent(`${run}-`)}`));
  await liveOn(victor.page, 'customers-table');
  await expect(victor.page.locator(`tr[data-customer-id="${first.id}"]`)).toBeVisible();
  const added = await newCustomer(anna.request);
  await expect(victor.page.locator(`tr[data-customer-id="${added.id}"]`)).toContainText(added.name);
  await victor.page.reload();
  await expect(victor.page.locator(`tr[data-customer-id="${added.id}"]`)).toContainText(added.name);
});

cell('new order form', 'price and stock edited by a colleague', async ({ anna, admin }) => {
  const product = await newProduct(admin.request, { priceMinor: 10_000, stock: 50, name: `000 Form ${run}` });
  await anna.page.goto(appUrl('/orders/new'));
  const form = anna.page.getByTestId('new-order-form');
  await expect(form).toHaveAttribute('data-live', 'live');
  await form.getByTestId('new-order-product').first().selectOption(product.id);
  await expect(form.getByTestId('new-order-available')).toHaveAttribute('data-available', '50');
  await patchProduct(admin.request, product, { priceMinor: 77_700, stock: 2 });
  await expect(form.getByTestId('new-order-price')).toContainText('777');
  await expect(form.getByTestId('new-order-available')).toHaveAttribute('data-available', '2');
  await anna.page.reload();
  // Chosen once the form is live (hydrated): a choice made before React took the page over was never seen by it.
  await expect(form).toHaveAttribute('data-live', 'live');
  await form.getByTestId('new-order-product').first().selectOption(product.id);
  await expect(form.getByTestId('new-order-price')).toContainText('777');
});

// ---- Messages and notifications ---------------------------------------------------------------------------------

async function openMessages(page: Page) {
  await page.goto(appUrl('/messages'));
  await expect(page.getByTestId('conversation-list')).toBeVisible();
}

/** The bell's unread figure (no badge: none). */
const bellCount = (page: Page) => badgeFigure(page.getByTestId('notification-count'));

cell(
  'messages',
  "sender's own other tab, and the recipient's unread count and bell",
  async ({ anna, napa }) => {
    await anna.page.goto(appUrl('/messages'));
    await anna.page.getByTestId('new-conversation-button').click();
    const person = anna.page.getByTestId('new-person');
    const napaOption = person.locator('option').filter({ hasText: 'นภา' });
    await person.selectOption((await napaOption.first().getAttribute('value'))!);
    await anna.page.getByTestId('new-create').click();
    await expect(anna.page.getByTestId('composer')).toBeVisible();
    // Anna's second tab, and Napa, watch their lists (Napa has no thread open).
    const second = await anna.page.context().newPage();
    await openMessages(second);
    await openMessages(napa.page);
    const bell = napa.page.getByTestId('notification-bell');
    await expect(bell).toHaveAttribute('data-ready', 'true');
    const unreadBefore = await bellCount(napa.page);
    const text = `Matrix hello ${run}`;
    await anna.page.getByTestId('composer').fill(text);
    await anna.page.getByTestId('composer').press('Enter');
    const mine = second.getByTestId('conversation-item').filter({ hasText: text });
    await expect(mine).toHaveCount(1);
    const theirs = napa.page.getByTestId('conversation-item').filter({ hasText: text });
    await expect(theirs.getByTestId('unread-count')).toHaveText(/[1-9]/);
    await expect.poll(() => bellCount(napa.page)).toBeGreaterThan(unreadBefore);
    await second.reload();
    await expect(second.getByTestId('conversation-item').filter({ hasText: text })).toHaveCount(1);
    await napa.page.reload();
    await expect(
      napa.page.getByTestId('conversation-item').filter({ hasText: text }).getByTestId('unread-count'),
    ).toHaveText(/[1-9]/);
  },
);

cell('notifications', 'a colleague mentions me in an order comment', async ({ anna, napa }) => {
  const product = await newProduct(anna.request);
  const customer = await newCustomer(anna.request);
  const order = await newOrder(anna.request, customer.id, product.id);
  await napa.page.goto(appUrl('/products'));
  const bell = napa.page.getByTestId('notification-bell');
  // The count is read once the bell has its inbox: before that it shows none, and earlier cells left some unread.
  await expect(bell).toHaveAttribute('data-ready', 'true');
  const before = await bellCount(napa.page);
  await anna.page.goto(appUrl(`/orders/${order.id}`));
  await expect(anna.page.getByTestId('order-editor')).toHaveAttribute('data-ready', 'true');
  await anna.page.getByTestId('tab-comments').click();
  const box = anna.page.getByTestId('new-comment');
  await box.click();
  await box.pressSequentially('Please check @นภ');
  await anna.page.getByTestId('mention-options').getByRole('option', { name: 'นภา ศรีสุข' }).click();
  await box.pressSequentially(`the delivery ${run}`);
  await anna.page.getByTestId('new-comment-submit').click();
  await expect.poll(() => bellCount(napa.page)).toBe(before + 1);
  await bell.click();
  const item = napa.page.getByTestId('notification-item').filter({ hasText: order.number });
  await expect(item.first()).toHaveAttribute('data-kind', 'comment.mention');
  await napa.page.reload();
  await expect(bell).toHaveAttribute('data-ready', 'true');
  await expect.poll(() => bellCount(napa.page)).toBe(before + 1);
});

// ---- Admin -----------------------------------------------------------------------------------------------------

cell('admin conflicts and locks', 'a colleague takes and releases a lock', async ({ anna, admin }) => {
  const product = await newProduct(anna.request);
  const customer = await newCustomer(anna.request);
  const order = await newOrder(anna.request, customer.id, product.id);
  await admin.page.goto(appUrl('/admin/conflicts'));
  const locks = admin.page.getByTestId('admin-locks');
  await expect(locks).toBeVisible();
  await anna.page.goto(appUrl(`/orders/${order.id}`));
  await expect(anna.page.getByTestId('order-editor')).toHaveAttribute('data-ready', 'true');
  await anna.page.getByTestId('take-customer').click();
  const held = locks.getByTestId('admin-lock').filter({ hasText: order.number });
  await expect(held).toHaveCount(1);
  await admin.page.reload();
  await expect(locks.getByTestId('admin-lock').filter({ hasText: order.number })).toHaveCount(1);
  await anna.page.getByTestId('release-customer').click();
  await expect(locks.getByTestId('admin-lock').filter({ hasText: order.number })).toHaveCount(0);
  await admin.page.reload();
  await expect(locks.getByTestId('admin-lock').filter({ hasText: order.number })).toHaveCount(0);
});

/** The open-conflicts figure on the admin navigation's conflicts tab; its title says it once ("3 open"). */
const openConflicts = (page: Page) => badgeFigure(page.getByTestId('open-conflicts'), 'title');

cell('admin conflicts and locks', 'two colleagues clash on an address', async ({ anna, napa, admin }) => {
  const product = await newProduct(anna.request);
  const customer = await newCustomer(anna.request);
  const order = await newOrder(anna.request, customer.id, product.id);
  await admin.page.goto(appUrl('/admin/conflicts'));
  await expect(admin.page.getByTestId('admin-locks')).toBeVisible();
  await liveOn(admin.page, 'admin-nav');
  const before = await openConflicts(admin.page);
  await Promise.all(
    [anna.page, napa.page].map(async (page) => {
      await page.goto(appUrl(`/orders/${order.id}`));
      await expect(page.getByTestId('order-editor')).toHaveAttribute('data-ready', 'true');
    }),
  );
  // The address is reviewed by an admin when two people change it at once (the default policy).
  const theirs = `${run} Clash Road`;
  await anna.page.getByTestId('ship-line1').fill(`${run} Anna Road`);
  await napa.page.getByTestId('ship-line1').fill(theirs);
  await anna.page.getByTestId('ship-save').click();
  await expect(napa.page.getByTestId('changed-meanwhile')).toBeVisible();
  await napa.page.getByTestId('ship-save').click();
  await expect(napa.page.getByTestId('conflict')).toHaveCount(1);
  const card = () => admin.page.getByTestId('conflict').filter({ hasText: theirs });
  await expect(card()).toHaveCount(1);
  await expect.poll(() => openConflicts(admin.page)).toBe(before + 1);
  await admin.page.reload();
  await expect(card()).toHaveCount(1);
  await expect.poll(() => openConflicts(admin.page)).toBe(before + 1);
  // Resolved (here by the admin), the card and the count follow on the admin's other tab too.
  const other = await admin.page.context().newPage();
  await other.goto(appUrl('/admin'));
  await liveOn(other, 'admin-nav');
  await expect.poll(() => openConflicts(other)).toBe(before + 1);
  await card().getByTestId('resolve-mine').click();
  await expect(card()).toHaveCount(0);
  await expect.poll(() => openConflicts(other)).toBe(before);
});

cell('admin statistics', 'a colleague opens the app (connections)', async ({ anna, admin }) => {
  await admin.page.goto(appUrl('/admin'));
  const connections = admin.page.getByTestId('realtime-total-connections');
  await expect(connections).toBeVisible();
  const before = await digits(connections);
  const extra = await anna.page.context().newPage();
  await extra.goto(appUrl('/products'));
  await liveOn(extra, 'products-table');
  await expect.poll(() => digits(connections)).toBeGreaterThan(before);
  const peak = await digits(connections);
  await extra.close();
  await expect.poll(() => digits(connections)).toBeLessThan(peak);
  // A reload shows the server's figure again (the admin's own socket is replaced, not added).
  await admin.page.reload();
  await expect.poll(() => digits(admin.page.getByTestId('realtime-total-connections'))).toBeLessThan(peak);
});
