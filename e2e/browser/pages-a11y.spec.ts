import AxeBuilder from '@axe-core/playwright';
import { type Browser, expect, type Page, test } from '@playwright/test';
import { appUrl } from '../support/app-url';
import { sessionContext, signInAs } from '../support/auth';
import { type Locale, localeFile, seededOrders } from '../support/people';

/**
 * Every page as a person meets it: its own tab title, no serious or critical accessibility violation (axe-core),
 * in English and Thai; and on a 390 × 844 phone the pages sales staff use on the road fit the screen. Screenshots
 * of each are kept in the test output.
 */
test.describe.configure({ mode: 'serial' });

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 1000 };

type Titles = { appName: string; notFound: { title: string }; forbidden: { title: string } };
const common = (locale: Locale) => localeFile<Titles>(locale, 'common');
const title = (locale: Locale, namespace: string, ...path: string[]) =>
  path.reduce<unknown>(
    (node, key) => (node as Record<string, unknown>)[key],
    localeFile<Record<string, unknown>>(locale, namespace),
  ) as string;

async function personIn(browser: Browser, email: string, locale: Locale, viewport = DESKTOP) {
  // Signed in at desktop size (a first sign-in through the form waits for the sidebar's user card), then shrunk to
  // the phone; the test opens its first page itself.
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  await signInAs(page, email, 'none');
  await page.setViewportSize(viewport);
  // The person's saved language is set at sign-in; the test picks the one it checks.
  await context.addCookies([{ name: 'osl_locale', value: locale, url: appUrl('/') }]);
  return { context, page };
}

/** Serious and critical axe findings, each as "rule: selector" so a failure says where to look. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary ?? ''}`),
    );
}

/** Waits until the page is settled: hydrated, its heading shown. */
async function open(page: Page, path: string) {
  await page.goto(appUrl(path));
  await expect(page.locator('h1').first()).toBeVisible();
}

let ids: { order: string; orderNumber: string; product: string; productName: string } | null = null;
test.beforeAll(async ({ browser }) => {
  // The newest pending order: its lines still change (they hold stock from confirmation on, and the service refuses
  // line changes after that), and no other spec takes a pending order from the newest end (the keyboard test edits
  // its notes and a quantity).
  const order = (await seededOrders(browser)).find((o) => o.status === 'pending');
  const context = await sessionContext(browser, 'admin@siam.example');
  const orderBody = (await (await context.request.get(appUrl(`/api/orders/${order!.id}`))).json()) as {
    order?: { number: string };
    number?: string;
  };
  const products = (await (await context.request.get(appUrl('/api/products?pageSize=1'))).json()) as {
    rows: { id: string; name: string }[];
  };
  await context.close();
  ids = {
    order: order!.id,
    orderNumber: orderBody.order?.number ?? orderBody.number ?? '',
    product: products.rows[0]!.id,
    productName: products.rows[0]!.name,
  };
});

for (const locale of ['en', 'th'] as const) {
  test(`every page has its own title and passes axe (${locale})`, async ({ browser }) => {
    const { context, page } = await personIn(browser, 'admin@siam.example', locale);
    const appName = common(locale).appName;
    // axe is slow on a busy two-core machine: every page in English, the busiest ones again in Thai (longer words,
    // other glyphs); the titles of every page in both.
    const checked = new Set(
      locale === 'en'
        ? [
            'dashboard',
            'orders',
            'new-order',
            'order',
            'products',
            'product',
            'customers',
            'messages',
            'admin',
            'audit',
            'conflicts',
            'not-found',
          ]
        : ['dashboard', 'order', 'messages'],
    );
    const pictured = new Set(['dashboard', 'new-order', 'order', 'products', 'messages', 'not-found']);
    const pages: [path: string, expected: string, name: string][] = [
      ['/', title(locale, 'dashboard', 'title'), 'dashboard'],
      ['/orders', title(locale, 'orders', 'title'), 'orders'],
      ['/orders/new', title(locale, 'orders', 'new', 'title'), 'new-order'],
      [`/orders/${ids!.order}`, ids!.orderNumber, 'order'],
      ['/products', title(locale, 'products', 'title'), 'products'],
      [`/products/${ids!.product}`, ids!.productName, 'product'],
      ['/customers', title(locale, 'live', 'customers', 'title'), 'customers'],
      ['/messages', title(locale, 'messages', 'title'), 'messages'],
      ['/admin', title(locale, 'admin', 'title'), 'admin'],
      ['/admin/audit', title(locale, 'admin', 'audit', 'title'), 'audit'],
      ['/admin/conflicts', title(locale, 'collab', 'admin', 'title'), 'conflicts'],
      ['/no-such-page', common(locale).notFound.title, 'not-found'],
    ];
    const seen = new Map<string, string>();
    const findings: string[] = [];
    for (const [path, expected, name] of pages) {
      await open(page, path);
      await expect(page).toHaveTitle(`${expected} · ${appName}`);
      const shown = await page.title();
      expect(seen.get(shown), `${path} has the same title as ${seen.get(shown)}`).toBeUndefined();
      seen.set(shown, path);
      if (checked.has(name)) findings.push(...(await seriousViolations(page)).map((v) => `${path}: ${v}`));
      if (pictured.has(name))
        await page.screenshot({
          path: test.info().outputPath(`${name}-${locale}-desktop.png`),
          fullPage: true,
        });
    }
    await context.close();

    // Signed out: the sign-in page.
    const guest = await browser.newContext({ viewport: DESKTOP });
    await guest.addCookies([{ name: 'osl_locale', value: locale, url: appUrl('/') }]);
    const signInPage = await guest.newPage();
    await open(signInPage, '/sign-in');
    await expect(signInPage).toHaveTitle(`${title(locale, 'auth', 'title')} · ${appName}`);
    findings.push(...(await seriousViolations(signInPage)).map((v) => `/sign-in: ${v}`));
    await guest.close();

    expect(findings).toEqual([]);
  });
}

for (const locale of ['en', 'th'] as const) {
  // Issue 15 point 12: the lists turn into cards on a phone, a new order can be started there, and nothing makes the page wider than the screen.
  test(`on a phone, orders, a new order, the order editor, products and messages fit and work (${locale})`, async ({
    browser,
  }) => {
    const { context, page } = await personIn(browser, 'anna@siam.example', locale, PHONE);
    const fits = async (name: string) => {
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, `${name} scrolls sideways on a phone`).toBeLessThanOrEqual(PHONE.width);
      await page.screenshot({ path: test.info().outputPath(`${name}-${locale}-phone.png`), fullPage: true });
    };
    const findings: string[] = [];

    await open(page, '/orders');
    await expect(page.getByRole('link', { name: ids!.orderNumber }).first()).toBeVisible();
    await fits('orders');

    await open(page, `/orders/${ids!.order}`);
    await expect(page.getByTestId('order-editor')).toHaveAttribute('data-ready', 'true');
    const notes = page.getByTestId('notes-input');
    await notes.scrollIntoViewIfNeeded();
    await expect(notes).toBeVisible();
    await fits('order-editor');
    findings.push(...(await seriousViolations(page)));

    // A new order, started from the phone: one line, its price and stock, the total.
    await open(page, '/orders/new');
    await expect(page.getByTestId('new-order-line')).toHaveCount(1);
    await fits('new-order');
    findings.push(...(await seriousViolations(page)));

    await open(page, '/products');
    await expect(page.getByRole('link', { name: ids!.productName }).first()).toBeVisible();
    await fits('products');

    // Messages: the seeded team conversation opens full screen; the composer and Send are on screen, uncovered.
    await open(page, '/messages');
    await page.getByTestId('conversation-item').first().click();
    const composer = page.getByTestId('composer');
    await expect(composer).toBeVisible();
    // Messages arriving while someone types scroll the list, never the page away from the composer (they used to,
    // when they arrived late on a loaded machine).
    await expect(page.getByTestId('thread')).toHaveAttribute('data-live', 'true');
    await composer.fill('On my way to the customer');
    const send = page.getByTestId('send');
    await expect(send).toBeInViewport();
    // Nothing lies on top of the Send button (a toast used to).
    const covered = await send.evaluate((button) => {
      const box = button.getBoundingClientRect();
      const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
      return !(top && (top === button || button.contains(top)));
    });
    expect(covered).toBe(false);
    await fits('messages');
    await context.close();
    expect(findings).toEqual([]);
  });
}

// Issue 15 point 13: every control of the editor shows where focus is (the test lists those that do not).
test('the order editor works by keyboard alone', async ({ browser }) => {
  const { context, page } = await personIn(browser, 'anna@siam.example', 'en');
  await open(page, `/orders/${ids!.order}`);
  await expect(page.getByTestId('order-editor')).toHaveAttribute('data-ready', 'true');
  // From the top of the page, Tab reaches the notes; typing there is saved like any edit.
  await page.locator('body').focus();
  const notes = page.getByTestId('notes-input');
  let reached = false;
  for (let i = 0; i < 80 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await notes.evaluate((el) => el === document.activeElement);
  }
  expect(reached, 'Tab never reached the notes').toBe(true);
  await page.keyboard.press('Control+End');
  await page.keyboard.type(' Call before delivery.');
  await expect(notes).toHaveValue(/Call before delivery\.$/);
  // Every focusable control on the way shows where focus is (a visible outline or ring).
  const unmarked = await page.evaluate(() => {
    const controls = [
      ...document.querySelectorAll<HTMLElement>(
        '[data-testid="order-editor"] button, [data-testid="order-editor"] input, [data-testid="order-editor"] select, [data-testid="order-editor"] textarea',
      ),
    ];
    return controls
      .filter((el) => !el.hasAttribute('disabled') && el.offsetParent !== null)
      .filter((el) => {
        el.focus();
        const style = getComputedStyle(el);
        const outlined = style.outlineStyle !== 'none' && style.outlineWidth !== '0px';
        const ringed = style.boxShadow !== 'none';
        return !(outlined || ringed);
      })
      .map((el) => el.dataset.testid ?? el.getAttribute('aria-label') ?? el.tagName);
  });
  expect(unmarked).toEqual([]);
  // A line quantity changes by keyboard, and the change reaches the server (it survives a reload).
  const quantity = page.getByTestId('line-quantity').first();
  await quantity.focus();
  const before = Number(await quantity.inputValue());
  await page.keyboard.press('ArrowUp');
  await expect(quantity).toHaveValue(String(before + 1));
  await expect
    .poll(async () => {
      await open(page, `/orders/${ids!.order}`);
      await expect(page.getByTestId('order-editor')).toHaveAttribute('data-ready', 'true');
      return page.getByTestId('notes-input').inputValue();
    })
    .toMatch(/Call before delivery\.$/);
  await expect(page.getByTestId('line-quantity').first()).toHaveValue(String(before + 1));
  await context.close();
});
