import { expect, type Page, test } from '@playwright/test';
import { appUrl } from '../support/app-url';
import { closeContextsAfterEachTest } from '../support/contexts';
import { fill, localeFile, signedInPeople } from '../support/people';

closeContextsAfterEachTest();

/**
 * The order page has one status control: the live editor's status section. Anna (sales) takes the section's lock
 * and moves the order on (cancelling asks first); Napa (sales) on the same order is held off by the lock and sees
 * each move live; Victor (viewer) has no enabled control, and his orders list and activity feed follow the moves
 * that went through the sync engine. In English and in Thai.
 */
type Collab = {
  editor: {
    lock: { lockedBy: string };
    status: {
      actions: Record<'pending' | 'cancelled', string>;
      viewer: string;
      lockedBy: string;
      confirmCancel: string;
      applied: string;
    };
  };
};
type Common = { orderStatus: Record<string, string> };
const read = localeFile;

const ANNA = 'Anna Carter';

const person = signedInPeople();

async function openOrder(page: Page, orderId: string) {
  await page.goto(appUrl(`/orders/${orderId}`));
  await expect(page.getByTestId('order-editor')).toHaveAttribute('data-ready', 'true');
}

type Row = { id: string; number: string; status: string };
const used = new Set<string>();

/**
 * An order whose status may still move: a draft (so both a plain move and a cancel are exercised) when one is left
 * after the newest (which the live-lists spec moves), else a pending one. Other spec files take the oldest.
 */
async function openOrderRow(page: Page): Promise<Row> {
  const list = async (status: string) => {
    const response = await page.request.get(appUrl(`/api/orders?status=${status}&pageSize=100`));
    return ((await response.json()) as { rows: Row[] }).rows.filter((r) => !used.has(r.id));
  };
  const row = (await list('draft')).slice(1)[0] ?? (await list('pending'))[0];
  if (!row) throw new Error('out of seeded open orders');
  used.add(row.id);
  return row;
}

for (const locale of ['en', 'th'] as const) {
  const l = read<Collab>(locale, 'collab').editor;
  const status = read<Common>(locale, 'common').orderStatus;

  test(`in ${locale}: status moves from the editor's status section reach the room, the list and the feed`, async ({
    browser,
  }) => {
    const [anna, napa, victor] = await Promise.all([
      person(browser, 'anna@siam.example', locale, 'none'),
      person(browser, 'napa@siam.example', locale, 'none'),
      person(browser, 'viewer@siam.example', locale, 'none'),
    ]);
    const order = await openOrderRow(anna.page);
    const victorList = await victor.context.newPage();
    const victorFeed = await victor.context.newPage();
    await Promise.all([
      openOrder(anna.page, order.id),
      openOrder(napa.page, order.id),
      openOrder(victor.page, order.id),
      victorList.goto(appUrl(`/orders?q=${encodeURIComponent(order.number)}`)),
      victorFeed.goto(appUrl('/')),
    ]);
    const listRow = victorList.locator(`tr[data-order-id="${order.id}"]`);
    await expect(listRow).toHaveAttribute('data-status', order.status);
    await expect(victorList.getByTestId('orders-table')).toHaveAttribute('data-live', 'live');

    // The header has no second status control any more.
    await expect(anna.page.getByTestId('status-control')).toHaveCount(0);
    const actions = (page: Page) => page.getByTestId('status-actions').locator('button');
    const enabled = (page: Page) => page.getByTestId('status-actions').locator('button:enabled');

    // The viewer sees the status and the moves, none enabled, and why.
    await expect(victor.page.getByTestId('status-badge')).toHaveAttribute('data-status', order.status);
    await expect(actions(victor.page).first()).toBeVisible();
    await expect(enabled(victor.page)).toHaveCount(0);
    await expect(victor.page.getByTestId('status-hint')).toHaveText(l.status.viewer);
    await expect(victor.page.locator('[data-testid^="take-"]')).toHaveCount(0);

    // Under the default policy (lock-based) nobody acts before taking the lock; Anna takes it.
    await expect(enabled(napa.page)).toHaveCount(0);
    await expect(napa.page.getByTestId('need-lock-status')).toBeVisible();
    await anna.page.getByTestId('take-status').click();
    await expect(anna.page.getByTestId('release-status')).toBeVisible();
    await expect(enabled(anna.page)).toHaveCount(await actions(anna.page).count());
    await expect(napa.page.getByTestId('lock-status')).toHaveText(fill(l.lock.lockedBy, { name: ANNA }));
    await expect(napa.page.getByTestId('status-hint')).toHaveText(fill(l.status.lockedBy, { name: ANNA }));
    await expect(enabled(napa.page)).toHaveCount(0);

    // Anna moves the order on; everyone sees it live, and the feed names the order by its number.
    const updates = victorFeed
      .locator('[data-testid="activity-item"][data-action="updated"]')
      .filter({ hasText: ANNA })
      .filter({ hasText: order.number });
    // Loaded: opening the order was recorded as a view (now or within the last minutes).
    await expect(
      victorFeed.getByTestId('activity-item').filter({ hasText: order.number }).first(),
    ).toBeVisible();
    let moves = await updates.count();
    const expectEverywhere = async (value: string) => {
      for (const page of [anna.page, napa.page, victor.page])
        await expect(page.getByTestId('status-badge')).toHaveAttribute('data-status', value);
      await expect(listRow).toHaveAttribute('data-status', value);
      await expect(updates).toHaveCount(++moves);
    };
    if (order.status === 'draft') {
      const submit = anna.page.getByTestId('status-actions').locator('[data-to="pending"]');
      await expect(submit).toHaveText(l.status.actions.pending);
      await submit.click();
      await expect(anna.page.getByTestId('status-feedback')).toHaveText(
        fill(l.status.applied, { number: order.number, status: status.pending! }),
      );
      await expectEverywhere('pending');
    }

    // Cancelling asks first; "keep" changes nothing.
    const cancel = anna.page.getByTestId('status-actions').locator('[data-to="cancelled"]');
    await expect(cancel).toHaveText(l.status.actions.cancelled);
    await cancel.click();
    const confirm = anna.page.getByTestId('status-confirm');
    await expect(confirm).toContainText(fill(l.status.confirmCancel, { number: order.number }));
    await anna.page.screenshot({ path: test.info().outputPath(`order-status-confirm-${locale}.png`) });
    await anna.page.getByTestId('status-confirm-no').click();
    await expect(confirm).toHaveCount(0);
    await expect(napa.page.getByTestId('status-badge')).toHaveAttribute('data-status', 'pending');
    await cancel.click();
    await anna.page.getByTestId('status-confirm-yes').click();
    await expectEverywhere('cancelled');

    // Cancelled is final: no moves left, for anyone, and nothing left to lock (Anna can still let hers go).
    await expect(napa.page.getByTestId('take-status')).toHaveCount(0);
    await expect(anna.page.getByTestId('release-status')).toBeVisible();
    for (const page of [anna.page, napa.page, victor.page]) {
      await expect(page.getByTestId('status-actions')).toHaveCount(0);
      await expect(page.getByTestId('status-hint')).toContainText(status.cancelled!);
    }
    await napa.page.screenshot({
      path: test.info().outputPath(`order-status-${locale}.png`),
      fullPage: true,
    });
  });
}
