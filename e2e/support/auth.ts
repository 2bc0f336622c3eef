import { type Browser, type BrowserContext, expect, type Page } from '@playwright/test';
import { DEMO_PASSWORD } from '../../lib/db/seed-data';
import { appUrl } from './app-url';

export { DEMO_PASSWORD };

/** Signs `page` in through the sign-in form and waits for the dashboard with the user's card. */
export async function signIn(page: Page, email: string, password: string = DEMO_PASSWORD): Promise<void> {
  await page.goto(appUrl('/sign-in'));
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await page.locator('form button[type="submit"]').click();
  await page.waitForURL(appUrl('/'));
  await expect(page.getByTestId('current-user')).toBeVisible();
}

/** A fresh browser context (own cookies) with a signed-in page: one per simulated person. */
export async function signedInContext(
  browser: Browser,
  email: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  return { context, page };
}

/** Signs out through the shell's button and waits for the sign-in page. */
export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('sign-out').click();
  await page.waitForURL(appUrl('/sign-in'));
}
