import { expect, type Page, test } from '@playwright/test';
import { appUrl } from '../support/app-url';
import { signedInContext, signIn, signOut } from '../support/auth';

type OrdersPage = { rows: { id: string; number: string }[]; total: number };

async function ordersFromApi(page: Page, query = 'pageSize=100'): Promise<OrdersPage> {
  const response = await page.request.get(appUrl(`/api/orders?${query}`));
  expect(response.status()).toBe(200);
  return (await response.json()) as OrdersPage;
}

test('health reports the database and the bus', async ({ request }) => {
  const response = await request.get(appUrl('/api/health'));
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ status: 'ok', database: { ok: true }, bus: { ok: true } });
});

test('a sales user and the viewer, signed in at once, each see themselves; only admins reach Admin', async ({
  browser,
}) => {
  const [sales, viewer] = await Promise.all([
    signedInContext(browser, 'anna@siam.example'),
    signedInContext(browser, 'viewer@siam.example'),
  ]);
  try {
    await expect(sales.page.getByTestId('current-user-name')).toHaveText('Anna Carter');
    await expect(sales.page.getByTestId('current-user-role')).toHaveText('Sales');
    await expect(sales.page.getByTestId('current-user-tenant')).toHaveText('Siam Supply Co.');
    await expect(viewer.page.getByTestId('current-user-name')).toHaveText('Victor Lee');
    await expect(viewer.page.getByTestId('current-user-role')).toHaveText('Viewer');

    // Both stay who they are after navigating in parallel (separate cookies, one server).
    await Promise.all([sales.page.goto(appUrl('/orders')), viewer.page.goto(appUrl('/products'))]);
    await expect(sales.page.getByTestId('current-user-name')).toHaveText('Anna Carter');
    await expect(viewer.page.getByTestId('current-user-name')).toHaveText('Victor Lee');
    await expect(viewer.page.getByTestId('products-table').locator('tbody tr')).toHaveCount(25);

    for (const { page } of [sales, viewer]) {
      await expect(page.locator('[data-nav="orders"]')).toBeVisible();
      await expect(page.locator('[data-nav="admin"]')).toHaveCount(0);
    }
    await viewer.page.goto(appUrl('/admin'));
    await expect(viewer.page.getByTestId('forbidden')).toBeVisible();
    await expect(viewer.page.getByTestId('admin-users')).toHaveCount(0);
  } finally {
    await Promise.all([sales.context.close(), viewer.context.close()]);
  }
});

test('an admin sees Admin in the navigation and the tenant users', async ({ browser }) => {
  const { context, page } = await signedInContext(browser, 'olivia@northwind.example');
  try {
    await page.locator('[data-nav="admin"]').click();
    await page.waitForURL(appUrl('/admin'));
    const users = page.getByTestId('admin-users').locator('tbody tr');
    await expect(users).toHaveCount(2);
    await expect(page.getByTestId('admin-users')).toContainText('ken@northwind.example');
    await expect(page.getByTestId('admin-users')).not.toContainText('@siam.example');
  } finally {
    await context.close();
  }
});

test('a wrong password shows a clear message and repeated failures are slowed down', async ({ page }) => {
  await page.goto(appUrl('/sign-in'));
  await expect(page.getByTestId('demo-accounts')).toContainText('viewer@siam.example');
  await page.locator('#email').fill('anna@siam.example');
  await page.locator('#password').fill('not-the-password');
  await page.locator('form button[type="submit"]').click();
  await expect(page.getByTestId('sign-in-error')).toHaveText(
    'Wrong email or password. Check both and try again.',
  );
  await expect(page).toHaveURL(appUrl('/sign-in'));

  // An unknown address: three free failures, then every attempt waits longer before it is even checked.
  const email = `nobody-${Date.now()}@example.com`;
  const submit = page.locator('form button[type="submit"]');
  const attempt = async () => {
    // The form settles first: React resets its fields when the previous attempt's answer is applied, which can
    // come after that answer arrived (a fill before it was wiped, and an empty form was answered at once).
    await expect(submit).toBeEnabled();
    await page.locator('#email').fill(email);
    await page.locator('#password').fill('wrong');
    await expect(page.locator('#email')).toHaveValue(email);
    const started = Date.now();
    await Promise.all([
      page.waitForResponse(
        (response) =>
          response.request().method() === 'POST' && (response.request().postData() ?? '').includes(email),
      ),
      submit.click(),
    ]);
    await expect(page.getByTestId('sign-in-error')).toBeVisible();
    await expect(submit).toBeEnabled();
    return Date.now() - started;
  };
  for (let i = 0; i < 3; i++) await attempt();
  expect(await attempt()).toBeGreaterThanOrEqual(500);
  expect(await attempt()).toBeGreaterThanOrEqual(1000);

  // A correct sign-in still works (after its own wait) and clears the record.
  await signIn(page, 'anna@siam.example');
});

test("a user of the second tenant never sees the first tenant's orders", async ({ browser }) => {
  const first = await signedInContext(browser, 'anna@siam.example', { landing: 'none' });
  const second = await signedInContext(browser, 'olivia@northwind.example', { landing: 'none' });
  try {
    const siamOrders = await ordersFromApi(first.page);
    expect(siamOrders.total).toBeGreaterThan(0);
    expect(siamOrders.rows.every((row) => row.number.startsWith('SIA-'))).toBe(true);
    const siamOrder = siamOrders.rows[0]!;

    // Page: only the tenant's own orders.
    await second.page.goto(appUrl('/orders'));
    const numbers = await second.page
      .locator('[data-order-number]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-order-number') ?? ''));
    expect(numbers.length).toBeGreaterThan(0);
    expect(numbers.every((number) => number.startsWith('NWT-'))).toBe(true);
    await second.page.goto(appUrl(`/orders?q=${encodeURIComponent(siamOrder.number)}`));
    await expect(second.page.locator('[data-order-number]')).toHaveCount(0);

    // API: the list holds only their orders, and the other tenant's order does not exist for them.
    const northwindOrders = await ordersFromApi(second.page);
    expect(northwindOrders.total).toBe(northwindOrders.rows.length);
    expect(northwindOrders.rows.every((row) => row.number.startsWith('NWT-'))).toBe(true);
    expect(northwindOrders.rows.map((row) => row.id)).not.toContain(siamOrder.id);
    const foreign = await second.page.request.get(appUrl(`/api/orders/${siamOrder.id}`));
    expect(foreign.status()).toBe(404);
    const body = await foreign.text();
    expect(JSON.parse(body)).toEqual({
      error: { code: 'NOT_FOUND', message: 'Not found', i18n: 'errors.notFound' },
    });
    expect(body).not.toContain(siamOrder.number);

    // The order page says "not found" too, while the owner sees it.
    await second.page.goto(appUrl(`/orders/${siamOrder.id}`));
    await expect(second.page.getByTestId('not-found')).toBeVisible();
    await expect(second.page).toHaveTitle('Page not found · Omni-Sales Live');
    await expect(second.page.locator('body')).not.toContainText(siamOrder.number);
    const own = await first.page.request.get(appUrl(`/api/orders/${siamOrder.id}`));
    expect(own.status()).toBe(200);
    await first.page.goto(appUrl(`/orders/${siamOrder.id}`));
    await expect(first.page.locator('h1')).toContainText(siamOrder.number);
    for (const section of ['status', 'customer', 'shipping', 'notes', 'lines']) {
      await expect(first.page.locator(`[data-section="${section}"]`)).toBeVisible();
    }
  } finally {
    await Promise.all([first.context.close(), second.context.close()]);
  }
});

test('switching to Thai shows Thai labels after a reload, and the choice follows the user', async ({
  browser,
}) => {
  const { context, page } = await signedInContext(browser, 'ken@northwind.example');
  try {
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.locator('[data-nav="orders"]')).toHaveText('Orders');
    await page.getByTestId('language-switch').getByRole('button', { name: 'ไทย' }).click();
    await expect(page.locator('[data-nav="orders"]')).toHaveText('คำสั่งซื้อ');

    // The server renders Thai itself (no English first paint that JavaScript then swaps).
    const html = await (await page.request.get(appUrl('/products'))).text();
    expect(html).toContain('<html lang="th"');
    expect(html).toContain('แคตตาล็อกสินค้าของ');

    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('lang', 'th');
    await expect(page.locator('[data-nav="orders"]')).toHaveText('คำสั่งซื้อ');
    await expect(page.getByTestId('current-user-role')).toHaveText('ฝ่ายขาย');
    await page.goto(appUrl('/orders'));
    await expect(page.locator('h1')).toHaveText('คำสั่งซื้อ');
    // Prices and dates are formatted for Thai (Buddhist era year).
    await expect(page.getByTestId('orders-table')).toContainText('฿');
    await expect(page.getByTestId('orders-table')).toContainText('2569');

    // A new device without the cookie: the user's saved language applies after sign-in.
    // (Through the form: a fresh sign-in is what sets the language cookie from the saved choice.)
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await signIn(otherPage, 'ken@northwind.example');
    await expect(otherPage.locator('html')).toHaveAttribute('lang', 'th');
    await other.close();
  } finally {
    // Leave the shared demo user as it was.
    await page.getByTestId('language-switch').getByRole('button', { name: 'EN' }).click();
    await expect(page.locator('[data-nav="orders"]')).toHaveText('Orders');
    await context.close();
  }
});

test('an unknown address is a 404 page with its own title, in English and in Thai', async ({ browser }) => {
  const english = await signedInContext(browser, 'anna@siam.example', { landing: 'none' });
  const thai = await signedInContext(browser, 'napa@siam.example', { landing: 'none' });
  try {
    const response = await english.page.goto(appUrl('/no-such-page'));
    expect(response?.status()).toBe(404);
    await expect(english.page.getByTestId('not-found')).toBeVisible();
    await expect(english.page).toHaveTitle('Page not found · Omni-Sales Live');
    await thai.page.goto(appUrl('/no-such-page'));
    await expect(thai.page.getByTestId('not-found')).toBeVisible();
    await expect(thai.page).toHaveTitle(/^ไม่พบหน้านี้ · /);
  } finally {
    await Promise.all([english.context.close(), thai.context.close()]);
  }
});

test('sign-out returns to sign-in and protected pages and APIs refuse afterwards', async ({ page }) => {
  for (const path of ['/', '/orders', '/products', '/admin']) {
    await page.goto(appUrl(path));
    // Sent to sign-in with the page asked for (the dashboard needs none); see sign-in-redirect.spec.ts.
    await expect(page).toHaveURL(
      appUrl(path === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(path)}`),
    );
  }
  expect((await page.request.get(appUrl('/api/orders'))).status()).toBe(401);

  await signIn(page, 'napa@siam.example');
  expect((await page.request.get(appUrl('/api/products'))).status()).toBe(200);
  await signOut(page);
  await page.goto(appUrl('/orders'));
  await expect(page).toHaveURL(appUrl('/sign-in?next=%2Forders'));
  const response = await page.request.get(appUrl('/api/orders'));
  expect(response.status()).toBe(401);
  expect(await response.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
});
