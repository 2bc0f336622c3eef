import { expect, type Page, test } from '@playwright/test';
import { appUrl } from '../support/app-url';
import { closeContextsAfterEachTest } from '../support/contexts';
import { fill, type Locale, localeFile, signedInPeople } from '../support/people';

closeContextsAfterEachTest();

/**
 * The durable outbox as a person sees it: edits made offline wait on this device (IndexedDB), survive the page
 * going away, and are saved once and in order on return; two tabs of one browser share one outbox; an edit the
 * server refuses is shown to its author in their language. Anna works in English, Napa in Thai; each test is run
 * with the author in each language.
 *
 * The app has no service worker: a reload while offline shows the browser's own offline page (the order cannot
 * come back from a cache). What is durable is the outbox: the test reloads offline (the page and its memory are
 * gone), goes online and opens the order again, and what comes back can only have come from this device's storage.
 */
type Labels = {
  sync: {
    state: Record<'offline' | 'synced', string>;
    kept_one: string;
    kept_other: string;
    full: string;
  };
  notice: {
    rejected: string;
    rejectedLine: string;
    refusals: Record<'gone' | 'lineGone', string>;
    restored_one: string;
    restored_other: string;
    outboxFull: string;
  };
  fieldNames: Record<'quantity' | 'lines', string>;
};
const labels = (locale: Locale) => localeFile<Labels>(locale, 'collab');

const person = signedInPeople();
// Two or three people on a busy two-core machine, with reloads: wait for what they see, with room to get there.
test.slow();

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 1000 };

const authorOf = (locale: Locale) =>
  locale === 'en'
    ? { author: 'anna@siam.example', other: 'napa@siam.example', otherLocale: 'th' as const }
    : { author: 'napa@siam.example', other: 'anna@siam.example', otherLocale: 'en' as const };

async function openOrder(page: Page, orderId: string) {
  await page.goto(appUrl(`/orders/${orderId}`));
  await expect(page.getByTestId('order-editor')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
}

/** Saved: the server acknowledged everything this screen changed, and it is at the server's version. */
async function expectSaved(page: Page) {
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'synced');
}

/** The outboxes this browser keeps for an order, as stored in IndexedDB (read without creating the database). */
async function stored(page: Page, orderId: string): Promise<{ slot: string; changes: number }[]> {
  return page.evaluate(async (entityId) => {
    const known = await indexedDB.databases();
    if (!known.some((d) => d.name === 'omni-sales-outbox')) return [];
    return new Promise<{ slot: string; changes: number }[]>((resolve) => {
      const request = indexedDB.open('omni-sales-outbox');
      request.onupgradeneeded = () => request.transaction?.abort();
      request.onerror = () => resolve([]);
      request.onsuccess = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains('outboxes')) {
          db.close();
          resolve([]);
          return;
        }
        const all = db.transaction('outboxes').objectStore('outboxes').getAll();
        all.onsuccess = () => {
          db.close();
          const rows: unknown[] = all.result;
          resolve(
            rows.flatMap((row) =>
              typeof row === 'object' &&
              row !== null &&
              'entityId' in row &&
              row.entityId === entityId &&
              'slot' in row &&
              typeof row.slot === 'string' &&
              'changes' in row &&
              Array.isArray(row.changes)
                ? [{ slot: row.slot, changes: row.changes.length }]
                : [],
            ),
          );
        };
        all.onerror = () => resolve([]);
      };
    });
  }, orderId);
}
const storedChanges = async (page: Page, orderId: string) =>
  (await stored(page, orderId)).reduce((n, r) => n + r.changes, 0);

/** Whether this tab holds the order's outbox (the Web Lock the browser gives one tab at a time). */
async function ownsOutbox(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
    // A probe lock names this tab's client id in the browser's list of held locks.
    const probe = `probe-${Math.random()}`;
    let release = () => {};
    await new Promise<void>((taken) => {
      void navigator.locks.request(
        probe,
        () =>
          new Promise<void>((done) => {
            release = done;
            taken();
          }),
      );
    });
    const { held = [] } = await navigator.locks.query();
    release();
    const me = held.find((lock) => lock.name === probe)?.clientId;
    return held.some((lock) => lock.name?.startsWith('osl-outbox:') && lock.clientId === me);
  });
}

/** Offline: the browser's own offline page (no service worker serves the app from a cache). */
async function reloadOffline(page: Page) {
  const failed = await page.reload().then(
    () => null,
    (error: unknown) => error,
  );
  expect(String(failed)).toContain('ERR_INTERNET_DISCONNECTED');
}

/** Desktop: the top of the page (status bar and notices; a full-page shot lays the sticky header over them). */
async function screenshots(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `test-results/${name}-desktop.png` });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: `test-results/${name}-mobile.png`, fullPage: true });
  await page.setViewportSize(DESKTOP);
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The number of times `marker` occurs in `text`. */
const count = (text: string, marker: string) => text.split(marker).length - 1;

/**
 * A new draft order of the author's, with two lines, through the API the order form uses: each test edits its own
 * order, so it takes none of the seeded ones that other spec files use.
 */
async function newOrder(page: Page): Promise<string> {
  const [orders, products] = await Promise.all([
    page.request.get(appUrl('/api/orders?pageSize=1')),
    page.request.get(appUrl('/api/products?pageSize=2')),
  ]);
  const [order] = ((await orders.json()) as { rows: { customerId: string }[] }).rows;
  const lines = ((await products.json()) as { rows: { id: string }[] }).rows.map((p) => ({
    productId: p.id,
    quantity: 2,
  }));
  const created = await page.request.post(appUrl('/api/orders'), {
    data: { customerId: order?.customerId, lines, notes: 'Deliver before noon.' },
  });
  expect(created.status()).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

for (const locale of ['en', 'th'] as const) {
  test(`edits made offline (${locale}) wait on this device, survive a reload and are saved once and in order`, async ({
    browser,
  }) => {
    const l = labels(locale);
    const who = authorOf(locale);
    const [author, other] = await Promise.all([
      person(browser, who.author, locale, 'none'),
      person(browser, who.other, who.otherLocale, 'none'),
    ]);
    const orderId = await newOrder(author.page);
    const page = author.page;
    await Promise.all([openOrder(page, orderId), openOrder(other.page, orderId)]);
    const notes = page.getByTestId('notes-input');
    const marker = `{offline-${locale}} ส่งด่วน 🇹🇭`;

    await author.context.setOffline(true);
    await expect(page.getByTestId('connection-badge')).toHaveAttribute('data-status', 'offline');
    await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'offline');
    // Three edits, each depending on the one before: a note, a new line, then that line's quantity.
    await notes.click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.type(` ${marker}`);
    const linesBefore = await page.locator('[data-testid="order-lines"] tbody tr').count();
    const picker = page.getByTestId('line-product');
    const product = await picker.locator('option').nth(1).getAttribute('value');
    await picker.selectOption(product ?? '');
    await page.getByTestId('line-add').click();
    const rowsNow = page.locator('[data-testid="order-lines"] tbody tr');
    await expect(rowsNow).toHaveCount(linesBefore + 1);
    const newLine = rowsNow.last();
    const lineId = await newLine.getAttribute('data-line-id');
    await newLine.getByTestId('line-quantity').fill('3');

    // What the person sees: offline, three edits kept on this device, nothing claimed as saved.
    const kept = page.getByTestId('outbox-kept');
    await expect(kept).toHaveAttribute('data-count', '3');
    await expect(kept).toHaveText(fill(l.sync.kept_other, { count: '3' }));
    await expect(page.getByTestId('sync-status')).toContainText(l.sync.state.offline);
    await expect.poll(() => storedChanges(page, orderId)).toBe(3);
    await screenshots(page, `sync-outbox-offline-${locale}`);

    // The page goes away offline; nothing of it is left but what this device stored.
    await reloadOffline(page);
    await author.context.setOffline(false);
    await openOrder(page, orderId);
    await expect(
      page.getByTestId('editor-notice').filter({ hasText: fill(l.notice.restored_other, { count: '3' }) }),
    ).toHaveCount(1);
    await expectSaved(page);
    await expect.poll(() => storedChanges(page, orderId)).toBe(0);

    // Saved once and in order (the quantity of a line that arrived first), for the author and a colleague.
    for (const p of [page, other.page]) {
      await expect.poll(async () => count(await p.getByTestId('notes-input').inputValue(), marker)).toBe(1);
      await expect(p.locator(`tr[data-line-id="${lineId}"]`).getByTestId('line-quantity')).toHaveValue('3');
    }
    await expectSaved(other.page);
    await expect(page.getByTestId('editor-notice').filter({ hasText: l.notice.refusals.gone })).toHaveCount(
      0,
    );
    await Promise.all([openOrder(page, orderId), openOrder(other.page, orderId)]);
    const saved = await page.getByTestId('notes-input').inputValue();
    expect(count(saved, marker)).toBe(1);
    await expect(other.page.getByTestId('notes-input')).toHaveValue(saved);
    for (const p of [page, other.page]) {
      await expect(p.locator(`tr[data-line-id="${lineId}"]`)).toHaveCount(1);
      await expect(p.locator('[data-testid="order-lines"] tbody tr')).toHaveCount(linesBefore + 1);
    }
  });

  test(`two tabs (${locale}) share one outbox: one owns it, edits from both arrive once, closing the owner hands over`, async ({
    browser,
  }) => {
    const l = labels(locale);
    const who = authorOf(locale);
    const [author, other] = await Promise.all([
      person(browser, who.author, locale, 'none'),
      person(browser, who.other, who.otherLocale, 'none'),
    ]);
    const orderId = await newOrder(author.page);
    const first = author.page;
    await Promise.all([openOrder(first, orderId), openOrder(other.page, orderId)]);
    const second = await author.context.newPage();
    await openOrder(second, orderId);
    await expect.poll(async () => [await ownsOutbox(first), await ownsOutbox(second)]).toEqual([true, false]);

    await author.context.setOffline(true);
    for (const p of [first, second])
      await expect(p.getByTestId('sync-status')).toHaveAttribute('data-state', 'offline');
    const markers = [`{tab1-${locale}}`, `{tab2-${locale}} 🙏🏾`] as const;
    await first.getByTestId('notes-input').click();
    await first.keyboard.press('ControlOrMeta+Home');
    await first.keyboard.type(`${markers[0]} `);
    await second.getByTestId('notes-input').click();
    await second.keyboard.press('ControlOrMeta+End');
    await second.keyboard.type(` ${markers[1]}`);
    for (const p of [first, second])
      await expect(p.getByTestId('outbox-kept')).toHaveAttribute('data-count', '1');
    await expect.poll(async () => (await stored(second, orderId)).length).toBe(2);

    // The owner tab is closed while offline: the other tab takes the outbox over, with what the closed one left.
    await first.close();
    await expect.poll(() => ownsOutbox(second)).toBe(true);
    await author.context.setOffline(false);
    await expect(
      second.getByTestId('editor-notice').filter({ hasText: fill(l.notice.restored_one, { count: '1' }) }),
    ).toHaveCount(1);
    await expectSaved(second);
    await expect.poll(() => storedChanges(second, orderId)).toBe(0);
    for (const p of [second, other.page]) {
      for (const marker of markers)
        await expect.poll(async () => count(await p.getByTestId('notes-input').inputValue(), marker)).toBe(1);
    }
    await expectSaved(other.page);
    await Promise.all([openOrder(second, orderId), openOrder(other.page, orderId)]);
    const saved = await second.getByTestId('notes-input').inputValue();
    for (const marker of markers) expect(count(saved, marker)).toBe(1);
    expect(saved.startsWith(`${markers[0]} `)).toBe(true);
    expect(saved.endsWith(` ${markers[1]}`)).toBe(true);
    await expect(other.page.getByTestId('notes-input')).toHaveValue(saved);
  });

  test(`an offline edit the server refuses is shown to its author (${locale}) with the reason`, async ({
    browser,
  }) => {
    const l = labels(locale);
    const who = authorOf(locale);
    const [author, other] = await Promise.all([
      person(browser, who.author, locale, 'none'),
      person(browser, who.other, who.otherLocale, 'none'),
    ]);
    const orderId = await newOrder(author.page);
    const page = author.page;
    await Promise.all([openOrder(page, orderId), openOrder(other.page, orderId)]);
    const line = page.locator('[data-testid="order-lines"] tbody tr').first();
    const lineId = await line.getAttribute('data-line-id');
    const product = ((await line.locator('td').first().textContent()) ?? '').trim();
    const quantity = Number(await line.getByTestId('line-quantity').inputValue());

    await author.context.setOffline(true);
    await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'offline');
    await line.getByTestId('line-quantity').fill(String(quantity + 6));
    await expect.poll(() => storedChanges(page, orderId)).toBe(1);
    // Meanwhile a colleague removes that line.
    await other.page.locator(`tr[data-line-id="${lineId}"]`).getByTestId('line-remove').click();
    await expect(other.page.locator(`tr[data-line-id="${lineId}"]`)).toHaveCount(0);
    await expectSaved(other.page);

    await reloadOffline(page);
    await author.context.setOffline(false);
    await openOrder(page, orderId);
    // Named by the line's product, or (open: when the replay went through a second manager of the page, the
    // product is not known any more; see the sync README) by the field alone.
    const named = fill(l.notice.rejectedLine, {
      field: l.fieldNames.quantity,
      product,
      reason: l.notice.refusals.lineGone,
    });
    const plain = fill(l.notice.rejected, { field: l.fieldNames.quantity, reason: l.notice.refusals.gone });
    const saying = new RegExp(`^(${literal(named)}|${literal(plain)})`);
    const refused = page.getByTestId('editor-notice').filter({ hasText: saying });
    // Polled over every notice's text, so a failure says what the page said instead.
    await expect
      .poll(() => page.getByTestId('editor-notice').allTextContents())
      .toContainEqual(expect.stringMatching(saying));
    await expect(refused).toHaveCount(1);
    await expect(refused).toHaveAttribute('data-tone', 'danger');
    await expectSaved(page);
    await expect(page.locator(`tr[data-line-id="${lineId}"]`)).toHaveCount(0);
    await expect.poll(() => storedChanges(page, orderId)).toBe(0);
    await screenshots(page, `sync-outbox-refused-${locale}`);
    // The refusal stays until its author dismisses it.
    await expect(refused).toHaveCount(1);
  });

  // The bound takes 500 offline steps and 500 commits (the suite's longest test): it runs once, in Thai; the
  // English notices it shows are the same keys, kept in step by the locale test.
  if (locale === 'th')
    test(`the outbox bound (${locale}): a person who reaches it is told, nothing queued is dropped`, async ({
      browser,
    }) => {
      const l = labels(locale);
      const who = authorOf(locale);
      const author = await person(browser, who.author, locale, 'none');
      const page = author.page;
      const orderId = await newOrder(page);
      await openOrder(page, orderId);
      const lines = page.locator('[data-testid="order-lines"] tbody tr');
      const before = await lines.count();
      const picker = page.getByTestId('line-product');
      const product = (await picker.locator('option').nth(1).getAttribute('value')) ?? '';

      await author.context.setOffline(true);
      await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'offline');
      // The bound is 500 unsaved changes, and only adding or removing a line makes a new one (typing and a newer
      // value fold into the queued edit): a line added and removed 250 times, through the same controls a person
      // uses, each step waiting for the screen to show the one before.
      await page.evaluate(
        async ({ cycles, product }) => {
          const shown = async (ok: () => boolean) => {
            while (!ok()) await new Promise((next) => setTimeout(next, 0));
          };
          const picker = document.querySelector<HTMLSelectElement>('[data-testid="line-product"]');
          const add = document.querySelector<HTMLButtonElement>('[data-testid="line-add"]');
          const rows = () => document.querySelectorAll('[data-testid="order-lines"] tbody tr');
          if (!picker || !add) throw new Error('no line controls');
          const count = rows().length;
          for (let i = 0; i < cycles; i++) {
            picker.value = product;
            picker.dispatchEvent(new Event('change', { bubbles: true }));
            await shown(() => !add.disabled);
            add.click();
            await shown(() => rows().length === count + 1);
            rows()[count]?.querySelector<HTMLButtonElement>('[data-testid="line-remove"]')?.click();
            await shown(() => rows().length === count);
          }
        },
        { cycles: 250, product },
      );
      const kept = page.getByTestId('outbox-kept');
      await expect(kept).toHaveAttribute('data-count', '500');
      // At the bound the person is told before anything is refused, and what to do.
      await expect(page.getByTestId('outbox-full')).toHaveText(l.sync.full);
      // The next line is not added, and the notice says so.
      await picker.selectOption(product);
      await page.getByTestId('line-add').click();
      const told = page
        .getByTestId('editor-notice')
        .filter({ hasText: fill(l.notice.outboxFull, { count: '500', field: l.fieldNames.lines }) });
      await expect(told).toHaveCount(1);
      await expect(lines).toHaveCount(before);
      await expect(kept).toHaveAttribute('data-count', '500');
      await expect.poll(() => storedChanges(page, orderId)).toBe(500);
      await screenshots(page, `sync-outbox-full-${locale}`);

      // Back online, every queued change is saved (the order as it was), and the bound is lifted.
      await author.context.setOffline(false);
      // 500 commits, 50 to a push: on a loaded machine that takes minutes (a limit that catches a hang, not a budget).
      await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'synced', {
        timeout: 600_000,
      });
      await expect(page.getByTestId('outbox-full')).toHaveCount(0);
      await expect.poll(() => storedChanges(page, orderId)).toBe(0);
      await expect(told).toHaveCount(1);
      await openOrder(page, orderId);
      await expect(lines).toHaveCount(before);
      await expect(page.getByTestId('sync-version')).toContainText(String(1 + 500));
    });
}
