import { type Browser, type BrowserContext, expect, type Page, test } from '@playwright/test';
import { appUrl } from '../support/app-url';
import { signedInContext } from '../support/auth';

const ANNA = 'Anna Carter';
const NAPA = 'นภา ศรีสุข';
const ADMIN = 'สมชาย ใจดี';

type Person = { context: BrowserContext; page: Page };

async function openMessages(page: Page) {
  await page.goto(appUrl('/messages'));
  await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
}

const item = (page: Page, title: string) =>
  page.locator(`[data-testid="conversation-item"][data-title="${title}"]`);
const lastMine = (page: Page) => page.locator('[data-testid="message"][data-mine="true"]').last();

/** A signed-in person whose page clock the test can stop (it runs at normal speed until then). */
async function person(browser: Browser, email: string): Promise<Person> {
  const signedIn = await signedInContext(browser, email, { landing: 'none' });
  await signedIn.context.clock.install();
  return signedIn;
}

/**
 * Stops the clocks of typists' pages. A typist shows as typing until their composer's idle timer says "stopped" (3 s
 * after the last keystroke): with the typist's clock stopped it cannot fire while a busy machine is slow to get to
 * the next check, and the test moves time on itself (`clock.runFor`) where it checks that typing stops by itself.
 * Only the typists' clocks stop (a reader's page keeps its own timers). The server's expiry of a silent typist is
 * real time; the browser tests' server gives it the longest allowed value (TYPING_TTL_MS in browser-global-setup).
 */
async function stopClocks(...pages: Page[]): Promise<void> {
  for (const page of pages) await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 500);
}
async function resumeClocks(...pages: Page[]): Promise<void> {
  for (const page of pages) await page.clock.resume();
}

test.describe.configure({ mode: 'serial' });

test('direct conversation: typing is seen and cleared, the message is read at once by the open thread', async ({
  browser,
}) => {
  const people: Person[] = [];
  try {
    const anna = await person(browser, 'anna@siam.example');
    const napa = await person(browser, 'napa@siam.example');
    people.push(anna, napa);
    await Promise.all([openMessages(anna.page), openMessages(napa.page)]);
    // Napa's list hears of the new conversation as it starts.
    await expect(napa.page.getByTestId('conversations')).toHaveAttribute('data-live', 'live');

    await anna.page.getByTestId('new-conversation-button').click();
    await anna.page.getByTestId('new-person').selectOption({ label: NAPA });
    await anna.page.getByTestId('new-create').click();
    await expect(anna.page.getByTestId('thread-title')).toHaveText(NAPA);

    // Napa's list gains the conversation live; she opens it.
    await item(napa.page, ANNA).click();
    await expect(napa.page.getByTestId('thread-title')).toHaveText(ANNA);
    // Typing is not kept for later: Napa hears it only once her thread has joined the conversation's channel.
    await expect(napa.page.getByTestId('thread')).toHaveAttribute('data-live', 'true');

    const composer = anna.page.getByTestId('composer');
    await stopClocks(anna.page);
    await composer.pressSequentially('Hello Napa');
    // Napa's interface is Thai: "Anna Carter กำลังพิมพ์…".
    await expect(napa.page.getByTestId('typing-indicator')).toHaveText(`${ANNA} กำลังพิมพ์…`);
    await composer.press('Enter');
    await resumeClocks(anna.page);
    await expect(napa.page.getByTestId('message-body').last()).toHaveText('Hello Napa');
    await expect(napa.page.getByTestId('typing-indicator')).toHaveText('');
    // Napa has the thread open: the message is read.
    await expect(lastMine(anna.page).getByTestId('receipt')).toHaveAttribute('data-status', 'read');
    await expect(lastMine(anna.page).getByTestId('receipt')).toHaveText('Read');

    // Napa types, then leaves the box: Anna sees it start and stop.
    await stopClocks(napa.page);
    await napa.page.getByTestId('composer').pressSequentially('สวัสดี');
    await expect(anna.page.getByTestId('typing-indicator')).toHaveText(`${NAPA} is typing…`);
    await napa.page.getByTestId('thread-title').click();
    await resumeClocks(napa.page);
    await expect(anna.page.getByTestId('typing-indicator')).toHaveText('');

    // Edits reach the other side; an oversized message cannot be sent.
    await lastMine(anna.page).getByTestId('edit-message').click();
    await anna.page.getByTestId('edit-input').fill('Hello Napa, about order 42');
    await anna.page.getByTestId('edit-save').click();
    await expect(napa.page.getByTestId('message-body').last()).toHaveText('Hello Napa, about order 42');
    await expect(napa.page.getByTestId('edited').last()).toBeVisible();
    await composer.fill('x'.repeat(5001));
    await expect(anna.page.getByTestId('send')).toBeDisabled();
    await expect(anna.page.getByTestId('composer-error')).toContainText('5000');
  } finally {
    for (const person of people) await person.context.close();
  }
});

test('group: delivered and read per recipient, several typists, an offline member gets messages and unread count on return', async ({
  browser,
}) => {
  const people: Person[] = [];
  try {
    const anna = await person(browser, 'anna@siam.example');
    const napa = await person(browser, 'napa@siam.example');
    const adminBefore = await signedInContext(browser, 'admin@siam.example', { landing: 'none' });
    people.push(anna, napa);
    await Promise.all([openMessages(anna.page), openMessages(napa.page), openMessages(adminBefore.page)]);
    // The admin goes offline before anything is said.
    await adminBefore.context.close();

    await anna.page.getByTestId('new-conversation-button').click();
    await anna.page.getByTestId('new-group').check();
    await anna.page.getByTestId('new-name').fill('Launch team');
    await anna.page.locator(`[data-testid="new-member"][data-name="${NAPA}"]`).check();
    await anna.page.locator(`[data-testid="new-member"][data-name="${ADMIN}"]`).check();
    await anna.page.getByTestId('new-create').click();
    await expect(anna.page.getByTestId('thread-title')).toHaveText('Launch team');

    await anna.page.getByTestId('composer').fill('Kickoff at 10');
    await anna.page.getByTestId('send').click();
    const receipt = lastMine(anna.page).getByTestId('receipt');
    // Napa's device has it (she is on the list, not in the thread); the admin's has not.
    await expect(receipt).toHaveText('Delivered to 1 of 2');
    await expect(receipt).toHaveAttribute('data-status', 'sent');
    // The list on screen shows it (unread count); a toast would repeat what is already there.
    await expect(item(napa.page, 'Launch team').getByTestId('unread-count')).toHaveText('1');

    await item(napa.page, 'Launch team').click();
    await expect(napa.page.getByTestId('message-body').last()).toHaveText('Kickoff at 10');
    await expect(receipt).toHaveText(`Read by ${NAPA}`);
    await expect(item(napa.page, 'Launch team').getByTestId('unread-count')).toHaveCount(0);

    await anna.page.getByTestId('composer').fill('Bring the price list');
    await anna.page.getByTestId('send').click();
    await expect(napa.page.getByTestId('message-body').last()).toHaveText('Bring the price list');

    // The admin comes back: both messages are there, counted as unread, and now delivered to every device.
    const admin = await person(browser, 'admin@siam.example');
    people.push(admin);
    await openMessages(admin.page);
    await expect(item(admin.page, 'Launch team').getByTestId('unread-count')).toHaveText('2');
    await expect(receipt).toHaveAttribute('data-status', 'delivered');
    await item(admin.page, 'Launch team').click();
    await expect(admin.page.getByTestId('message-body')).toHaveText([
      'Kickoff at 10',
      'Bring the price list',
    ]);
    await expect(receipt).toHaveText('Read by everyone');
    await expect(receipt).toHaveAttribute('data-status', 'read');

    // Two typists at once, seen in English by Anna; sending clears one typist, the other stops by herself 3 s after
    // her last keystroke (time moved on by the test).
    await stopClocks(napa.page, admin.page);
    await napa.page.getByTestId('composer').pressSequentially('กำลัง');
    await admin.page.getByTestId('composer').pressSequentially('โอเค');
    await expect(anna.page.getByTestId('typing-indicator')).toHaveText(
      new RegExp(`^(${NAPA} and ${ADMIN}|${ADMIN} and ${NAPA}) are typing…$`),
    );
    await admin.page.getByTestId('composer').press('Enter');
    await expect(anna.page.getByTestId('typing-indicator')).toHaveText(`${NAPA} is typing…`);
    await expect(anna.page.getByTestId('message-body').last()).toHaveText('โอเค');
    await napa.page.clock.runFor(3_000);
    await expect(anna.page.getByTestId('typing-indicator')).toHaveText('');
    await resumeClocks(napa.page, admin.page);

    // The same in Thai for the admin, with Napa and Anna typing.
    await stopClocks(napa.page, anna.page);
    await napa.page.getByTestId('composer').pressSequentially('ครับ');
    await anna.page.getByTestId('composer').pressSequentially('Great');
    await expect(admin.page.getByTestId('typing-indicator')).toHaveText(
      new RegExp(`^(${NAPA} และ ${ANNA}|${ANNA} และ ${NAPA}) กำลังพิมพ์…$`),
    );
    await napa.page.clock.runFor(3_000);
    await expect(admin.page.getByTestId('typing-indicator')).toHaveText(`${ANNA} กำลังพิมพ์…`);
    await anna.page.clock.runFor(3_000);
    await expect(admin.page.getByTestId('typing-indicator')).toHaveText('');
    await resumeClocks(napa.page, anna.page);
  } finally {
    for (const person of people) await person.context.close();
  }
});
