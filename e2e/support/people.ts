import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page, test } from '@playwright/test';
import { appUrl } from './app-url';
import { type Landing, sessionContext, signInAs } from './auth';

export type Locale = 'en' | 'th';
export type Person = { context: BrowserContext; page: Page };

/** A locale file as the page shows it (tests read their labels from it, so they check both languages). */
export const localeFile = <T>(locale: Locale, namespace: string): T =>
  JSON.parse(readFileSync(path.resolve(`public/locales/${locale}/${namespace}.json`), 'utf8')) as T;

/** Fills a `{{name}}` template the way i18next does. */
export const fill = (template: string, values: Record<string, string>) =>
  template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? '');

/**
 * People of a spec file: each a signed-in browser context in their own language, closed after every test.
 * Call once at the top of a spec file. `landing: 'none'` leaves the page before the app for the test to navigate
 * (see e2e/support/auth.ts); by default it shows the dashboard.
 */
export function signedInPeople() {
  const people: Person[] = [];
  test.afterEach(async () => {
    await Promise.all(people.splice(0).map((p) => p.context.close()));
  });
  return async function person(
    browser: Browser,
    email: string,
    locale: Locale,
    landing: Landing = 'dashboard',
  ): Promise<Person> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    await context.addCookies([{ name: 'osl_locale', value: locale, url: appUrl('/') }]);
    const page = await context.newPage();
    await signInAs(page, email, landing);
    const entry = { context, page };
    people.push(entry);
    return entry;
  };
}

/** An order of the seed as the orders list shows it (id and status), for specs that take a fresh one each. */
export type SeededOrder = { id: string; status: string };

/** The seeded orders (newest first, as the list answers), read once by the admin. */
export async function seededOrders(browser: Browser): Promise<SeededOrder[]> {
  const admin = await sessionContext(browser, 'admin@siam.example');
  const response = await admin.request.get(appUrl('/api/orders?pageSize=100'));
  const body = (await response.json()) as { rows: SeededOrder[] };
  await admin.close();
  return body.rows;
}
