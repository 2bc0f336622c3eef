import { expect, type Page, test } from '@playwright/test';
import { appUrl } from '../support/app-url';
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
 * What people on the screen see where edits used to be lost or corrupted silently: emoji typed in CRDT notes by
 * two people, an admin switching how the notes are edited while both type, and an admin resolving an old clash
 * after a later edit. Anna works in English, Napa in Thai, the admin in the language the test names.
 */
type Labels = {
  admin: { saved: string };
  editor: { strategy: Record<'crdt' | 'operational-transform', string> };
  notice: { policySwitched: string; overwritten: string };
  fieldNames: { shippingAddress: string };
  panel: { conflicts: { current: string; changedSince: string } };
};
const labels = (locale: Locale) => localeFile<Labels>(locale, 'collab');

const ANNA = 'Anna Carter';
const person = signedInPeople();
// Three people and an admin on a busy two-core machine: wait for what they see, with room to get there.
test.slow();

async function openOrder(page: Page, orderId: string) {
  await page.goto(appUrl(`/orders/${orderId}`));
  // Opening waits for the page and the order's sync; on a loaded machine that can take a while.
  await expect(page.getByTestId('order-editor')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
}

/** Saved: the server acknowledged everything this screen changed, and it is at the server's version. */
async function expectSaved(page: Page) {
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'synced');
}

let rows: SeededOrder[] = [];
const used = new Set<string>();
/** Draft or pending orders from the middle of the list, away from the ones other spec files take. */
const freshOrder = () => {
  const row = rows.find((r) => !used.has(r.id) && (r.status === 'draft' || r.status === 'pending'));
  if (!row) throw new Error('out of seeded open orders');
  used.add(row.id);
  return row.id;
};

test.beforeEach(async ({ browser }) => {
  if (rows.length > 0) return;
  const all = await seededOrders(browser);
  rows = all.slice(Math.floor(all.length / 3));
});

async function setNotesStrategy(admin: Page, strategy: 'crdt' | 'operational-transform', locale: Locale) {
  if (!admin.url().endsWith('/admin/conflicts')) await admin.goto(appUrl('/admin/conflicts'));
  await admin.getByTestId('policy-notes').selectOption(strategy);
  await admin.getByTestId('policy-save').click();
  await expect(admin.getByTestId('admin-policy')).toContainText(labels(locale).admin.saved);
}

const noReplacement = (text: string) => !text.includes('\ufffd');

/** What a notice says after the name of whoever did it (names belong to the demo data, not to the test). */
const afterName = (template: string, values: Record<string, string> = {}) =>
  fill(template.split('{{name}}')[1] ?? template, values).trim();

test('emoji typed in CRDT notes by two people stay whole for both and after a reload', async ({
  browser,
}) => {
  const orderId = freshOrder();
  const [anna, napa, admin] = await Promise.all([
    person(browser, 'anna@siam.example', 'en', 'none'),
    person(browser, 'napa@siam.example', 'th', 'none'),
    person(browser, 'admin@siam.example', 'en', 'none'),
  ]);
  await setNotesStrategy(admin.page, 'crdt', 'en');
  try {
    await Promise.all([openOrder(anna.page, orderId), openOrder(napa.page, orderId)]);
    const annaNotes = anna.page.getByTestId('notes-input');
    const napaNotes = napa.page.getByTestId('notes-input');
    await annaNotes.click();
    await anna.page.keyboard.press('ControlOrMeta+Home');
    await anna.page.keyboard.insertText('😀 ');
    await expect(napaNotes).toHaveValue(/^😀 /);
    // An emoji right before another that shares its first half, while Napa adds a skin tone and a flag at the end.
    await anna.page.keyboard.press('ControlOrMeta+Home');
    await napaNotes.click();
    await napa.page.keyboard.press('ControlOrMeta+End');
    await Promise.all([anna.page.keyboard.insertText('😁'), napa.page.keyboard.insertText(' 👍🏽🇹🇭 👩‍💻')]);
    for (const notes of [annaNotes, napaNotes]) {
      await expect(notes).toHaveValue(/^😁😀 .* 👍🏽🇹🇭 👩‍💻$/s);
    }
    await expect
      .poll(async () => (await annaNotes.inputValue()) === (await napaNotes.inputValue()))
      .toBe(true);
    const shown = await annaNotes.inputValue();
    expect(noReplacement(shown)).toBe(true);
    await Promise.all([expectSaved(anna.page), expectSaved(napa.page)]);
    await napa.page.screenshot({ path: test.info().outputPath('crdt-emoji-th.png'), fullPage: true });
    await openOrder(napa.page, orderId);
    await expect(napaNotes).toHaveValue(shown);
  } finally {
    await setNotesStrategy(admin.page, 'operational-transform', 'en');
  }
});

test('an admin switching how the notes are edited while two people type loses none of their typing', async ({
  browser,
}) => {
  const orderId = freshOrder();
  const [anna, napa, admin] = await Promise.all([
    person(browser, 'anna@siam.example', 'en', 'none'),
    person(browser, 'napa@siam.example', 'th', 'none'),
    person(browser, 'admin@siam.example', 'th', 'none'),
  ]);
  await Promise.all([openOrder(anna.page, orderId), openOrder(napa.page, orderId)]);
  await admin.page.goto(appUrl('/admin/conflicts'));
  const annaNotes = anna.page.getByTestId('notes-input');
  const napaNotes = napa.page.getByTestId('notes-input');
  const original = await annaNotes.inputValue();
  await annaNotes.click();
  await anna.page.keyboard.press('ControlOrMeta+Home');
  await napaNotes.click();
  await napa.page.keyboard.press('ControlOrMeta+End');
  const strategyShown = async (strategy: 'crdt' | 'operational-transform') => {
    await expect(anna.page.getByTestId('strategy-notes')).toHaveText(labels('en').editor.strategy[strategy]);
    await expect(napa.page.getByTestId('strategy-notes')).toHaveText(labels('th').editor.strategy[strategy]);
  };
  const toldOfSwitch = async () => {
    // Each is told, in their own language, that the way of editing changed and their typing was kept.
    for (const [page, locale] of [
      [anna.page, 'en'],
      [napa.page, 'th'],
    ] as const) {
      await expect(
        page
          .getByTestId('editor-notice')
          .filter({ hasText: afterName(labels(locale).notice.policySwitched) }),
      ).not.toHaveCount(0);
    }
  };
  // Both keep typing, word by word, for as long as the admin is switching (and a few words more).
  let switching = true;
  const typeWhileSwitching = async (page: Page, words: string[], word: (i: number) => string) => {
    for (let i = 0; switching || i < 3; i++) {
      words.push(word(i));
      await page.keyboard.type(word(i), { delay: 40 });
    }
  };
  const annaWords: string[] = [];
  const napaWords: string[] = [];
  try {
    await Promise.all([
      typeWhileSwitching(anna.page, annaWords, (i) => `Anna${i} `),
      typeWhileSwitching(napa.page, napaWords, (i) => ` นภา${i}`),
      (async () => {
        try {
          await expect(annaNotes).toHaveValue(/Anna1 /);
          await setNotesStrategy(admin.page, 'crdt', 'th');
          await strategyShown('crdt');
          await toldOfSwitch();
          await expect.poll(() => annaWords.length).toBeGreaterThan(4);
          await setNotesStrategy(admin.page, 'operational-transform', 'th');
          await strategyShown('operational-transform');
        } finally {
          switching = false;
        }
      })(),
    ]);
    const full = `${annaWords.join('')}${original}${napaWords.join('')}`;
    for (const notes of [annaNotes, napaNotes]) await expect(notes).toHaveValue(full);
    await Promise.all([expectSaved(anna.page), expectSaved(napa.page)]);
    await anna.page.screenshot({ path: test.info().outputPath('policy-switch-en.png'), fullPage: true });
    await napa.page.screenshot({ path: test.info().outputPath('policy-switch-th.png'), fullPage: true });
    await openOrder(anna.page, orderId);
    await expect(annaNotes).toHaveValue(full);
  } finally {
    await setNotesStrategy(admin.page, 'operational-transform', 'th');
  }
});

for (const locale of ['en', 'th'] as const) {
  test(`an admin (${locale}) resolving an old clash after a later edit sees the newer value, and its author is told`, async ({
    browser,
  }) => {
    const l = labels(locale);
    const orderId = freshOrder();
    const [anna, napa, admin] = await Promise.all([
      person(browser, 'anna@siam.example', 'en', 'none'),
      person(browser, 'napa@siam.example', 'th', 'none'),
      person(browser, 'admin@siam.example', locale, 'none'),
    ]);
    await Promise.all([openOrder(anna.page, orderId), openOrder(napa.page, orderId)]);
    await anna.page.getByTestId('ship-line1').fill('12 Anna Road');
    await napa.page.getByTestId('ship-line1').fill(`99 ถนนนภา ${locale}`);
    await anna.page.getByTestId('ship-save').click();
    await expect(napa.page.getByTestId('changed-meanwhile')).toContainText(ANNA);
    await napa.page.getByTestId('ship-save').click();
    await expect(napa.page.getByTestId('conflict')).toHaveCount(1);
    // Later, Anna changes the address again: the clash is now about an older value.
    await expect(anna.page.getByTestId('ship-line1')).toHaveValue('12 Anna Road');
    await anna.page.getByTestId('ship-line1').fill('7 Anna Later Lane');
    await anna.page.getByTestId('ship-save').click();
    await expect(napa.page.getByTestId('ship-line1')).toHaveValue('7 Anna Later Lane');

    await admin.page.goto(appUrl('/admin/conflicts'));
    const card = admin.page.locator('[data-testid="conflict"]').filter({ hasText: `99 ถนนนภา ${locale}` });
    await expect(card).toHaveCount(1);
    await expect(card.getByTestId('conflict-current')).toContainText('7 Anna Later Lane');
    await expect(card.getByTestId('conflict-current')).toContainText(
      fill(l.panel.conflicts.current, { name: ANNA }),
    );
    await expect(card.getByTestId('conflict-changed-since')).toHaveText(
      fill(l.panel.conflicts.changedSince, { name: ANNA }),
    );
    await admin.page.screenshot({
      path: test.info().outputPath(`old-conflict-${locale}.png`),
      fullPage: true,
    });
    await card.getByTestId('resolve-mine').click();
    await expect(card).toHaveCount(0);

    await expect(anna.page.getByTestId('ship-line1')).toHaveValue(`99 ถนนนภา ${locale}`);
    // Anna's later edit was replaced on the record, and she is told in her language.
    const en = labels('en');
    await expect(
      anna.page
        .getByTestId('editor-notice')
        .filter({ hasText: afterName(en.notice.overwritten, { field: en.fieldNames.shippingAddress }) }),
    ).not.toHaveCount(0);
    await expect(napa.page.getByTestId('ship-line1')).toHaveValue(`99 ถนนนภา ${locale}`);
  });
}
