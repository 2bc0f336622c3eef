import { expect, type Page, test } from '@playwright/test';
import { appUrl } from '../support/app-url';
import { DEMO_PASSWORD, signIn } from '../support/auth';

async function submitSignIn(page: Page, email: string): Promise<void> {
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(DEMO_PASSWORD);
  await page.locator('form button[type="submit"]').click();
}

test('a signed-out visit to /orders goes to sign-in and, once signed in, back to /orders', async ({
  page,
}) => {
  await page.goto(appUrl('/orders?status=pending'));
  await expect(page).toHaveURL(appUrl(`/sign-in?next=${encodeURIComponent('/orders?status=pending')}`));
  // A failed attempt keeps the destination.
  await page.locator('#email').fill('anna@siam.example');
  await page.locator('#password').fill('not-the-password');
  await page.locator('form button[type="submit"]').click();
  await expect(page.getByTestId('sign-in-error')).toBeVisible();
  await submitSignIn(page, 'anna@siam.example');
  await page.waitForURL(appUrl('/orders?status=pending'));
  await expect(page.getByTestId('orders-table')).toBeVisible();
  await expect(page.getByTestId('current-user-name')).toHaveText('Anna Carter');
});

test('a destination on another site is ignored: signing in lands on the dashboard', async ({ page }) => {
  for (const next of ['//evil.example/orders', 'https://evil.example/', '/\\evil.example']) {
    await page.goto(appUrl(`/sign-in?next=${encodeURIComponent(next)}`));
    await expect(page.locator('input[name="next"]')).toHaveCount(0);
  }
  await submitSignIn(page, 'napa@siam.example');
  await page.waitForURL(appUrl('/'));
  await expect(page.getByTestId('current-user-name')).toHaveText('นภา ศรีสุข');
});

test('when the session ends the live badge says so and "Sign in again" returns to the page', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await signIn(page, 'ken@northwind.example');
    await page.goto(appUrl('/products'));
    const badge = page.getByTestId('connection-status');
    await expect(badge).toHaveAttribute('data-status', 'open');

    // Signed out underneath the open page (cookie gone), then the network drops and comes back: the reconnect has
    // no session, the server closes it with 4001 and the client stops instead of retrying.
    await context.clearCookies();
    await context.setOffline(true);
    await expect(badge).toHaveAttribute('data-status', 'offline');
    await context.setOffline(false);
    await expect(badge).toHaveAttribute('data-status', 'closed');
    await expect(badge).toContainText('Session ended');
    await expect(badge).toHaveAttribute('title', /Your session has ended\. Please sign in again\./);
    await expect(badge.getByRole('button', { name: 'Reconnect now' })).toHaveCount(0);
    await expect(page.getByRole('alert').filter({ hasText: 'Session ended' })).toBeVisible();

    await page.getByTestId('connection-sign-in').click();
    await expect(page).toHaveURL(appUrl('/sign-in?next=%2Fproducts'));
    await submitSignIn(page, 'ken@northwind.example');
    await page.waitForURL(appUrl('/products'));
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open');
  } finally {
    await context.close();
  }
});
