import { expect, type Page, test } from '@playwright/test';
import { appUrl } from '../support/app-url';
import { badgeFigure } from '../support/badges';
import { closeContextsAfterEachTest } from '../support/contexts';
import {
  fill,
  type Locale,
  localeFile,
  type SeededOrder,
  seededOrders,
  signedInPeople,
} from '../support/people';

closeContextsAfterEachTest();

/**
 * Two or three people on one order, in English and in Thai: notes typed at once converge, a lock blocks the other
 * user and goes with its holder, a shipping conflict is resolved by the admin for everyone, undo is mine only,
 * a mention reaches the other user's inbox live, and a viewer sees everything but edits nothing.
 */
type Labels = {
  editor: {
    lock: { lockedBy: string };
    viewOnly: string;
    strategy: Record<'crdt' | 'operational-transform', string>;
  };
  admin: { saved: string };
  panel: {
    tabs: Record<'people' | 'comments' | 'history' | 'conflicts', string>;
    history: { refused: Record<'undo', Record<'nothing', string>> };
  };
};
const labels = (locale: Locale) => localeFile<Labels>(locale, 'collab');

const ANNA = 'Anna Carter';
const NAPA = 'นภา ศรีสุข';

const person = signedInPeople();

/** The status section's transition buttons that can be pressed now. */
const statusMoves = (page: Page) => page.getByTestId('status-actions').locator('button:enabled');

/** The first person types at the start of the notes while the second types at the end, at the same time. */
async function typeAtBothEnds(first: Page, second: Page, atStart: string, atEnd: string, delay: number) {
  const annaNotes = first.getByTestId('notes-input');
  const napaNotes = second.getByTestId('notes-input');
  const original = await annaNotes.inputValue();
  await annaNotes.click();
  await first.keyboard.press('ControlOrMeta+Home');
  await napaNotes.click();
  await second.keyboard.press('ControlOrMeta+End');
  await Promise.all([
    annaNotes.pressSequentially(atStart, { delay }),
    napaNotes.pressSequentially(atEnd, { delay }),
  ]);
  return { annaNotes, napaNotes, original };
}

async function openOrder(page: Page, orderId: string) {
  await page.goto(appUrl(`/orders/${orderId}`));
  await expect(page.getByTestId('order-editor')).toHaveAttribute('data-ready', 'true');
}

let rows: SeededOrder[] = [];
const used = new Set<string>();
/**
 * A fresh order per scenario, oldest first (away from the orders other spec files use). `open`: draft or pending,
 * whose lines and status may still change; `moving`: confirmed or shipped, whose status may still change (a final
 * status has nothing to lock); `any`: neither draft nor pending.
 */
const kinds = {
  any: (status: string) => status !== 'draft' && status !== 'pending',
  open: (status: string) => status === 'draft' || status === 'pending',
  moving: (status: string) => status === 'confirmed' || status === 'shipped',
};
const freshOrder = (kind: keyof typeof kinds = 'any') => {
  const row = rows.find((r) => !used.has(r.id) && kinds[kind](r.status));
  if (!row) throw new Error(`out of seeded ${kind} orders`);
  used.add(row.id);
  return row.id;
};

test.beforeEach(async ({ browser }) => {
  if (rows.length > 0) return;
  rows = (await seededOrders(browser)).reverse();
});

test('simultaneous typing in the notes converges, with the other caret shown', async ({ browser }) => {
  const orderId = freshOrder();
  const [anna, napa] = await Promise.all([
    person(browser, 'anna@siam.example', 'en', 'none'),
    person(browser, 'napa@siam.example', 'en', 'none'),
  ]);
  await Promise.all([openOrder(anna.page, orderId), openOrder(napa.page, orderId)]);
  const { annaNotes, napaNotes, original } = await typeAtBothEnds(
    anna.page,
    napa.page,
    'Anna was here. ',
    ' นภาพิมพ์ตรงนี้',
    40,
  );
  for (const notes of [annaNotes, napaNotes]) {
    await expect(notes).toHaveValue(`Anna was here. ${original} นภาพิมพ์ตรงนี้`);
  }
  // Carets are zero-width bars; their name labels are what a person sees.
  await expect(
    napa.page.locator(`[data-testid="remote-caret"][data-user="${ANNA}"]`).getByText(ANNA),
  ).toBeVisible();
  await expect(
    anna.page.locator(`[data-testid="remote-caret"][data-user="${NAPA}"]`).getByText(NAPA),
  ).toBeVisible();
  // Anna's caret sits right after what she typed on Napa's screen (not moved twice by her own edits).
  const textBeforeCaret = (page: Page, name: string) =>
    page.locator(`[data-testid="remote-caret"][data-user="${name}"]`).evaluate((caret) => {
      let text = '';
      for (let node = caret.previousSibling; node; node = node.previousSibling) {
        if (node instanceof HTMLElement && node.dataset.testid === 'remote-caret') continue;
        text = (node.textContent ?? '') + text;
      }
      return text;
    });
  await expect.poll(() => textBeforeCaret(napa.page, ANNA)).toBe('Anna was here. ');
  await expect.poll(() => textBeforeCaret(anna.page, NAPA)).toBe(`Anna was here. ${original} นภาพิมพ์ตรงนี้`);
  await napa.page.screenshot({ path: test.info().outputPath('collab-notes.png'), fullPage: true });
  // After a reload the server's copy is the same text.
  await openOrder(napa.page, orderId);
  await expect(napaNotes).toHaveValue(`Anna was here. ${original} นภาพิมพ์ตรงนี้`);
});

for (const locale of ['en', 'th'] as const) {
  const l = labels(locale);

  test.describe(`in ${locale}`, () => {
    test('a lock blocks the other user and is released when its holder leaves', async ({ browser }) => {
      const orderId = freshOrder('open');
      const [anna, napa] = await Promise.all([
        person(browser, 'anna@siam.example', locale, 'none'),
        person(browser, 'napa@siam.example', locale, 'none'),
      ]);
      await Promise.all([openOrder(anna.page, orderId), openOrder(napa.page, orderId)]);
      await expect(napa.page.getByTestId('tab-people')).toHaveText(new RegExp(l.panel.tabs.people));
      await expect(statusMoves(napa.page)).toHaveCount(0);
      await anna.page.getByTestId('take-status').click();
      await expect(statusMoves(anna.page)).toHaveCount(2);

      const lockChip = napa.page.getByTestId('lock-status');
      await expect(lockChip).toHaveText(fill(l.editor.lock.lockedBy, { name: ANNA }));
      await expect(napa.page.getByTestId('take-status')).toBeDisabled();
      await expect(statusMoves(napa.page)).toHaveCount(0);

      // Anna moves the status on under her lock (a transition the order allows); Napa sees it live.
      const current = await napa.page.getByTestId('status-badge').getAttribute('data-status');
      const target = current === 'draft' ? 'pending' : 'cancelled';
      await anna.page.getByTestId('status-actions').locator(`[data-to="${target}"]`).click();
      if (target === 'cancelled') await anna.page.getByTestId('status-confirm-yes').click();
      await expect(napa.page.getByTestId('status-badge')).toHaveAttribute('data-status', target);

      // Anna leaves the order: her lock goes with her.
      await anna.page.goto(appUrl('/orders'));
      await expect(lockChip).toHaveCount(0);
      if (target === 'pending') {
        await napa.page.getByTestId('take-status').click();
        await expect(napa.page.getByTestId('lock-status')).toBeVisible();
        await expect(statusMoves(napa.page)).toHaveCount(2);
      } else {
        // Cancelled is final: nothing is left to lock or to move.
        await expect(napa.page.getByTestId('take-status')).toHaveCount(0);
        await expect(napa.page.getByTestId('status-actions')).toHaveCount(0);
      }
    });

    test('a shipping conflict is created, resolved by the admin, and everyone sees the result', async ({
      browser,
    }) => {
      const orderId = freshOrder();
      const [anna, napa, admin] = await Promise.all([
        person(browser, 'anna@siam.example', locale, 'none'),
        person(browser, 'napa@siam.example', locale, 'none'),
        person(browser, 'admin@siam.example', locale, 'none'),
      ]);
      await Promise.all([openOrder(anna.page, orderId), openOrder(napa.page, orderId)]);
      // Both start a draft of the address from the same version.
      await anna.page.getByTestId('ship-line1').fill('12 Anna Road');
      await napa.page.getByTestId('ship-line1').fill('99 ถนนนภา');
      await anna.page.getByTestId('ship-save').click();
      await expect(napa.page.getByTestId('changed-meanwhile')).toContainText(ANNA);
      await napa.page.getByTestId('ship-save').click();

      // Napa's save is not applied: it waits as a conflict, and both see it.
      await expect(napa.page.getByTestId('conflict')).toHaveCount(1);
      await expect(napa.page.getByTestId('ship-line1')).toHaveValue('12 Anna Road');
      await anna.page.getByTestId('tab-conflicts').click();
      await expect(anna.page.getByTestId('conflict')).toHaveCount(1);
      await expect(anna.page.getByTestId('conflict')).toContainText('99 ถนนนภา');
      await expect(anna.page.getByTestId('tab-conflicts')).toContainText(l.panel.tabs.conflicts);
      await anna.page.screenshot({
        path: test.info().outputPath(`collab-conflict-${locale}.png`),
        fullPage: true,
      });

      // The admin resolves it on the admin page with a merged value.
      await admin.page.goto(appUrl('/admin/conflicts'));
      const card = admin.page.locator(`[data-testid="conflict"]`).filter({ hasText: '99 ถนนนภา' });
      await expect(card).toHaveCount(1);
      await card.getByTestId('merged-line1').fill('12 Anna Road (gate 99)');
      await card.getByTestId('resolve-merged').click();
      await expect(card).toHaveCount(0);

      for (const page of [anna.page, napa.page]) {
        await expect(page.getByTestId('ship-line1')).toHaveValue('12 Anna Road (gate 99)');
        await expect(page.getByTestId('conflict')).toHaveCount(0);
      }
    });

    test('undo reverts my own change and cannot undo yours', async ({ browser }) => {
      const orderId = freshOrder('open');
      const [anna, napa] = await Promise.all([
        person(browser, 'anna@siam.example', locale, 'none'),
        person(browser, 'napa@siam.example', locale, 'none'),
      ]);
      await Promise.all([openOrder(anna.page, orderId), openOrder(napa.page, orderId)]);
      const annaQty = anna.page.getByTestId('line-quantity').first();
      const napaQty = napa.page.getByTestId('line-quantity').first();
      const before = await annaQty.inputValue();
      const changed = String(Number(before) + 5);
      await annaQty.fill(changed);
      await expect(napaQty).toHaveValue(changed);

      await napa.page.getByTestId('tab-history').click();
      const napaEntry = napa.page.getByTestId('history-entry').filter({ hasText: ANNA }).first();
      await expect(napaEntry).toBeVisible();
      await expect(napaEntry.getByTestId('history-undo')).toHaveCount(0);
      await napa.page.getByTestId('undo-last').click();
      await expect(napa.page.getByTestId('history-error')).toHaveText(l.panel.history.refused.undo.nothing);
      await expect(napaQty).toHaveValue(changed);

      await anna.page.getByTestId('tab-history').click();
      await anna.page
        .getByTestId('history-entry')
        .filter({ hasText: ANNA })
        .first()
        .getByTestId('history-undo')
        .click();
      await expect(annaQty).toHaveValue(before);
      await expect(napaQty).toHaveValue(before);
    });

    test('a mention reaches the other user inbox live', async ({ browser }) => {
      const orderId = freshOrder();
      const [anna, napa] = await Promise.all([
        person(browser, 'anna@siam.example', locale, 'none'),
        person(browser, 'napa@siam.example', locale, 'none'),
      ]);
      await openOrder(anna.page, orderId);
      await napa.page.goto(appUrl('/orders'));
      const bell = napa.page.getByTestId('notification-bell');
      await expect(bell).toHaveAttribute('data-ready', 'true');
      const count = napa.page.getByTestId('notification-count');
      const before = await badgeFigure(count);

      await anna.page.getByTestId('tab-comments').click();
      const box = anna.page.getByTestId('new-comment');
      await box.click();
      await box.pressSequentially('Please check @นภ');
      await anna.page.getByTestId('mention-options').getByRole('option', { name: NAPA }).click();
      await box.pressSequentially('the delivery window');
      await anna.page.getByTestId('new-comment-submit').click();
      await expect(anna.page.getByTestId('comment-body').first()).toContainText(`@${NAPA}`);

      await expect(napa.page.getByTestId('notification-count')).toHaveText(String(before + 1));
      await bell.click();
      const item = napa.page.getByTestId('notification-item').first();
      await expect(item).toHaveAttribute('data-kind', 'comment.mention');
      await expect(item).toContainText(ANNA);
      await napa.page.screenshot({ path: test.info().outputPath(`collab-inbox-${locale}.png`) });
      await anna.page.screenshot({
        path: test.info().outputPath(`collab-comments-${locale}.png`),
        fullPage: true,
      });
      await item.click();
      await expect(napa.page).toHaveURL(appUrl(`/orders/${orderId}`));
    });

    test('a viewer sees changes live but cannot edit', async ({ browser }) => {
      const orderId = freshOrder();
      const [anna, viewer] = await Promise.all([
        person(browser, 'anna@siam.example', locale, 'none'),
        person(browser, 'viewer@siam.example', locale, 'none'),
      ]);
      await Promise.all([openOrder(anna.page, orderId), openOrder(viewer.page, orderId)]);
      await expect(viewer.page.getByTestId('view-only')).toHaveText(l.editor.viewOnly);
      const viewerNotes = viewer.page.getByTestId('notes-input');
      await expect(viewerNotes).toHaveAttribute('readonly', '');
      await expect(statusMoves(viewer.page)).toHaveCount(0);
      await expect(viewer.page.getByTestId('ship-line1')).toHaveAttribute('readonly', '');
      await expect(viewer.page.locator('[data-testid^="take-"]')).toHaveCount(0);
      await viewer.page.getByTestId('tab-comments').click();
      await expect(viewer.page.getByTestId('new-comment')).toHaveCount(0);

      const notes = anna.page.getByTestId('notes-input');
      await notes.click();
      await anna.page.keyboard.press('ControlOrMeta+End');
      await notes.pressSequentially(' viewer-visible');
      await expect(viewerNotes).toHaveValue(/viewer-visible$/);
      const value = await viewerNotes.inputValue();
      await viewerNotes.click();
      await viewer.page.keyboard.type('nope');
      await expect(viewerNotes).toHaveValue(value);

      // An internal comment never reaches the viewer; the public one after it arrives live.
      await anna.page.getByTestId('tab-comments').click();
      const box = anna.page.getByTestId('new-comment');
      await anna.page.getByTestId('comment-internal').check();
      await box.fill(`staff only ${locale}`);
      await anna.page.getByTestId('new-comment-submit').click();
      await expect(anna.page.locator('[data-testid="comment-thread"][data-internal="true"]')).toHaveCount(1);
      await anna.page.getByTestId('comment-internal').uncheck();
      await box.fill(`for everyone ${locale}`);
      await anna.page.getByTestId('new-comment-submit').click();
      const threads = viewer.page.getByTestId('comment-thread');
      await expect(threads.filter({ hasText: `for everyone ${locale}` })).toHaveCount(1);
      await expect(threads.filter({ hasText: `staff only ${locale}` })).toHaveCount(0);
      await expect(viewer.page.locator('[data-testid="comment-thread"][data-internal="true"]')).toHaveCount(
        0,
      );
    });
  });
}

test('the dashboard shows activity live, with details, filters and who is online', async ({ browser }) => {
  const orderId = freshOrder('open');
  const [anna, napa] = await Promise.all([
    person(browser, 'anna@siam.example', 'en'),
    person(browser, 'napa@siam.example', 'th'),
  ]);
  const feed = anna.page.getByTestId('activity-feed');
  await expect(feed).toBeVisible();
  await expect(anna.page.getByTestId('online-now').locator(`[data-user="${NAPA}"]`)).toBeVisible();

  await openOrder(napa.page, orderId);
  const quantity = napa.page.getByTestId('line-quantity').first();
  const next = String(Number(await quantity.inputValue()) + 3);
  await quantity.fill(next);

  const updated = feed
    .locator('[data-testid="activity-item"][data-action="updated"]')
    .filter({ hasText: NAPA })
    .first();
  await expect(updated).toBeVisible();
  await updated.getByTestId('activity-toggle').click();
  await expect(updated.getByTestId('activity-changes')).toContainText(next);
  await expect(
    feed.locator('[data-testid="activity-item"][data-action="viewed"]').filter({ hasText: NAPA }).first(),
  ).toBeVisible();

  await anna.page.getByTestId('activity-action-filter').selectOption('viewed');
  await expect(feed.locator('[data-testid="activity-item"]').first()).toHaveAttribute(
    'data-action',
    'viewed',
  );
  await expect(feed.locator('[data-testid="activity-item"][data-action="updated"]')).toHaveCount(0);
  await anna.page.screenshot({ path: test.info().outputPath('collab-dashboard.png'), fullPage: true });
});

test('an admin switches the notes to CRDT for everyone (typing converges, undo and redo work) and force-releases a stuck lock', async ({
  browser,
}) => {
  const orderId = freshOrder('moving');
  const [anna, napa, admin] = await Promise.all([
    person(browser, 'anna@siam.example', 'en', 'none'),
    person(browser, 'napa@siam.example', 'en', 'none'),
    person(browser, 'admin@siam.example', 'en', 'none'),
  ]);
  await Promise.all([openOrder(anna.page, orderId), openOrder(napa.page, orderId)]);
  await admin.page.goto(appUrl('/admin/conflicts'));
  const setNotes = async (strategy: string) => {
    await admin.page.getByTestId('policy-notes').selectOption(strategy);
    await admin.page.getByTestId('policy-save').click();
    await expect(admin.page.getByTestId('admin-policy')).toContainText(labels('en').admin.saved);
  };
  try {
    await setNotes('crdt');
    for (const page of [anna.page, napa.page]) {
      await expect(page.getByTestId('strategy-notes')).toHaveText(labels('en').editor.strategy.crdt);
      await expect(page.getByTestId('order-editor')).toHaveAttribute('data-ready', 'true');
    }
    const { annaNotes, napaNotes, original } = await typeAtBothEnds(
      anna.page,
      napa.page,
      'CRDT first. ',
      ' CRDT last.',
      30,
    );
    const full = `CRDT first. ${original} CRDT last.`;
    for (const notes of [annaNotes, napaNotes]) await expect(notes).toHaveValue(full);

    // Undo under CRDT takes back Anna's last batch of typing only (Napa's words stay), for both; redo restores it.
    await anna.page.getByTestId('tab-history').click();
    await anna.page.getByTestId('undo-last').click();
    await expect(annaNotes).not.toHaveValue(full);
    const undone = await annaNotes.inputValue();
    expect(undone.endsWith(`${original} CRDT last.`)).toBe(true);
    expect(full.startsWith(undone.slice(0, undone.length - `${original} CRDT last.`.length))).toBe(true);
    await expect(napaNotes).toHaveValue(undone);
    await anna.page.getByTestId('redo-last').click();
    for (const notes of [annaNotes, napaNotes]) await expect(notes).toHaveValue(full);
  } finally {
    await setNotes('operational-transform');
  }
  await expect(anna.page.getByTestId('strategy-notes')).toHaveText(
    labels('en').editor.strategy['operational-transform'],
  );

  // Anna holds the status lock; the admin frees it from the admin page and Anna is told.
  await anna.page.getByTestId('take-status').click();
  await expect(anna.page.getByTestId('release-status')).toBeVisible();
  // No badge means nothing unread (counted at once, not after waiting for a badge that may never come).
  const badge = anna.page.getByTestId('notification-count');
  const unread = () => badgeFigure(badge);
  const unreadBefore = await unread();
  await admin.page.reload();
  const row = admin.page.getByTestId('admin-lock').filter({ hasText: ANNA });
  await expect(row).toHaveCount(1);
  await row.getByTestId('force-release').click();
  await expect(row).toHaveCount(0);
  await expect(anna.page.getByTestId('lock-status')).toHaveCount(0);
  await expect(anna.page.getByTestId('editor-notice').filter({ hasText: 'force-released' })).toBeVisible();
  await expect.poll(unread).toBe(unreadBefore + 1);
});
