import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  expect,
  type Page,
} from '@playwright/test';
import { SESSION_COOKIE } from '../../lib/auth/session';
import { DEMO_PASSWORD } from '../../lib/db/seed-data';
import { LOCALE_COOKIE } from '../../lib/i18n/config';
import { appUrl } from './app-url';

export { DEMO_PASSWORD };

type Cookie = Awaited<ReturnType<BrowserContext['cookies']>>[number];

/** Signs `page` in through the sign-in form and waits for the dashboard with the user's card. */
export async function signIn(page: Page, email: string, password: string = DEMO_PASSWORD): Promise<void> {
  await page.goto(appUrl('/sign-in'));
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await page.locator('form button[type="submit"]').click();
  await page.waitForURL(appUrl('/'));
  await expect(page.getByTestId('current-user')).toBeVisible();
}

/**
 * What the first sign-in of a person in this worker left in the browser: the session cookie, and the language
 * cookie that sign-in set from the person's saved language (absent when the context already had one). Later
 * contexts of the same person start from these cookies instead of filling in the form again (the server's session
 * is a signed token: it stays valid in every context that holds it until the person's sessions are revoked).
 * Module state, so one per worker process, keyed by the worker's server.
 */
const sessions = new Map<string, { session: Cookie; savedLocale?: Cookie }>();
const sessionKey = (email: string) => `${appUrl('/')} ${email.toLowerCase()}`;

async function remember(context: BrowserContext, email: string, hadLocale: boolean): Promise<void> {
  const cookies = await context.cookies(appUrl('/'));
  const session = cookies.find((c) => c.name === SESSION_COOKIE);
  if (!session) return;
  const locale = hadLocale ? undefined : cookies.find((c) => c.name === LOCALE_COOKIE);
  const known = sessions.get(sessionKey(email));
  sessions.set(sessionKey(email), { session, savedLocale: locale ?? known?.savedLocale });
}

/**
 * Where a page is left once signed in: on the dashboard with the user's card shown (as signing in through the form
 * leaves it), or not yet on any page of the app (`none`: the test's own first navigation opens the page it needs,
 * instead of loading the dashboard only to leave it).
 */
export type Landing = 'dashboard' | 'none';

/**
 * Signs `page` in as `email`: through the form the first time in this worker, later by giving the context the
 * session that sign-in made. With the dashboard as landing, a session the server no longer accepts (sent to
 * sign-in) falls back to the form.
 */
export async function signInAs(page: Page, email: string, landing: Landing = 'dashboard'): Promise<void> {
  const context = page.context();
  const hadLocale = (await context.cookies(appUrl('/'))).some((c) => c.name === LOCALE_COOKIE);
  const known = sessions.get(sessionKey(email));
  if (known && (hadLocale || known.savedLocale)) {
    await context.addCookies(
      hadLocale || !known.savedLocale ? [known.session] : [known.session, known.savedLocale],
    );
    if (landing === 'none') return;
    await page.goto(appUrl('/'));
    if (new URL(page.url()).pathname !== '/sign-in') {
      await expect(page.getByTestId('current-user')).toBeVisible();
      return;
    }
    sessions.delete(sessionKey(email));
    if (!hadLocale) await context.clearCookies({ name: LOCALE_COOKIE });
  }
  await signIn(page, email);
  await remember(context, email, hadLocale);
}

/**
 * A browser context holding `email`'s session, without a page (for API calls through `context.request`). The
 * session comes from this worker's first sign-in of that person; when there was none yet, a page signs in through
 * the form first.
 */
export async function sessionContext(browser: Browser, email: string): Promise<BrowserContext> {
  const context = await browser.newContext();
  const known = sessions.get(sessionKey(email));
  if (known) {
    await context.addCookies([known.session]);
    const probe = await context.request.get(appUrl('/api/orders?pageSize=1'));
    if (probe.ok()) return context;
  }
  const page = await context.newPage();
  await signInAs(page, email);
  await page.close();
  return context;
}

/** A fresh browser context (own cookies) with a signed-in page: one per simulated person. */
export async function signedInContext(
  browser: Browser,
  email: string,
  { landing = 'dashboard', ...options }: BrowserContextOptions & { landing?: Landing } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await signInAs(page, email, landing);
  return { context, page };
}

/** Signs out through the shell's button and waits for the sign-in page. */
export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('sign-out').click();
  await page.waitForURL(appUrl('/sign-in'));
}
