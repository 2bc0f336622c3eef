import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { appUrl } from '../support/app-url';
import { signIn } from '../support/auth';
import { closeContextsAfterEachTest } from '../support/contexts';
import { fill, localeFile, signedInPeople } from '../support/people';

closeContextsAfterEachTest();

/**
 * The admin console in English and Thai: the admin adds a person (a temporary password is shown once), changes
 * their role with the keyboard-usable select, and deactivates them; the person, signed in meanwhile in another
 * browser, loses their live session at once and cannot come back. The audit log lists all three. Screenshots of
 * the console and the audit log (desktop and 390×844) land in test-results/ to be looked at.
 */
type Admin = {
  nav: { people: string; audit: string; conflicts: string };
  users: Record<'confirm' | 'deactivate' | 'deactivated' | 'roleChanged' | 'wasDeactivated', string>;
  invite: { name: string; email: string; role: string; submit: string; added: string };
  audit: { filterPerson: string; apply: string; actions: Record<string, string> };
};
type Common = { roles: Record<'admin' | 'sales' | 'viewer', string> };
type Realtime = { connection: { sessionEnded: string } };

const person = signedInPeople();

for (const locale of ['en', 'th'] as const) {
  const l = localeFile<Admin>(locale, 'admin');
  const roles = localeFile<Common>(locale, 'common').roles;
  const realtime = localeFile<Realtime>(locale, 'realtime');
  const auth = localeFile<{ deactivated: string }>(locale, 'auth');

  test(`in ${locale}: add a person, change their role, deactivate them; their session ends at once`, async ({
    browser,
  }) => {
    const admin = await person(browser, 'admin@siam.example', locale, 'none');
    const { page } = admin;
    await page.goto(appUrl('/admin'));
    const nav = page.getByTestId('admin-nav');
    await expect(nav.getByRole('link', { name: l.nav.people })).toHaveAttribute('aria-current', 'page');
    await expect(nav.getByRole('link', { name: new RegExp(l.nav.conflicts) })).toHaveAttribute(
      'href',
      '/admin/conflicts',
    );

    const name = `Pim ${locale.toUpperCase()} ${randomBytes(2).toString('hex')}`;
    const email = `pim-${locale}-${randomBytes(3).toString('hex')}@siam.example`;
    const form = page.getByTestId('invite-form');
    await form.getByLabel(l.invite.name).fill(name);
    await form.getByLabel(l.invite.email).fill(email);
    await form.getByLabel(l.invite.role).selectOption('viewer');
    await form.getByRole('button', { name: l.invite.submit }).click();
    const notice = page.getByTestId('admin-notice');
    await expect(notice).toContainText(fill(l.invite.added, { name, role: roles.viewer }));
    const password = (await page.getByTestId('temporary-password').textContent()) ?? '';
    expect(password).toMatch(/^[\w-]{16}$/);
    const row = page.locator(`tr[data-email="${email}"]`);
    await expect(row).toBeVisible();

    // Keyboard: the role select takes focus and changes with the keyboard's own select handling.
    const select = row.getByTestId('role-select');
    await select.focus();
    await select.selectOption('sales');
    await expect(notice).toContainText(fill(l.users.roleChanged, { name, role: roles.sales }));
    await expect(select).toHaveValue('sales');

    // The new person signs in with the temporary password, in their own browser.
    const theirs = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await theirs.addCookies([{ name: 'osl_locale', value: locale, url: appUrl('/') }]);
    const them = await theirs.newPage();
    await signIn(them, email, password);
    await expect(row.getByTestId('sessions')).not.toHaveText('0');

    // Deactivate with the keyboard: Enter on the button, the focus moves to the confirmation, Enter again.
    await row.getByRole('button', { name: l.users.deactivate }).focus();
    await page.keyboard.press('Enter');
    await expect(row.getByTestId('confirm-action')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(notice).toContainText(fill(l.users.wasDeactivated, { name }));
    await expect(row).toContainText(l.users.deactivated);

    // Their open page loses its live session at once, and reloading leads to the sign-in page.
    await expect(them.getByText(realtime.connection.sessionEnded).first()).toBeVisible();
    await them.reload();
    await expect(them).toHaveURL(/\/sign-in/);
    // Signing in again, even with the right password, says the account was deactivated.
    await them.locator('#email').fill(email);
    await them.locator('#password').fill(password);
    await them.locator('form button[type="submit"]').click();
    await expect(them.getByTestId('sign-in-error')).toHaveText(auth.deactivated);
    await theirs.close();

    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.screenshot({ path: `test-results/admin-console-${locale}-desktop.png`, fullPage: true });

    // The audit log, filtered to this person: added, role changed, deactivated.
    await nav.getByRole('link', { name: l.nav.audit }).click();
    await expect(page).toHaveURL(/\/admin\/audit/);
    await page.getByTestId('audit-filter').locator('select[name="targetId"]').selectOption({ label: name });
    await page.getByRole('button', { name: l.audit.apply }).click();
    const audit = page.getByTestId('audit-list');
    await expect(audit.locator('tbody tr')).toHaveCount(3);
    await expect(audit.locator('tbody tr').nth(0)).toContainText(l.audit.actions.deactivated!);
    await expect(audit.locator('tbody tr').nth(1)).toContainText(l.audit.actions.role_changed!);
    await expect(audit.locator('tbody tr').nth(1)).toContainText(`${roles.viewer} → ${roles.sales}`);
    await expect(audit.locator('tbody tr').nth(2)).toContainText(l.audit.actions.created!);
    await page.screenshot({ path: `test-results/admin-audit-${locale}-desktop.png`, fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `test-results/admin-audit-${locale}-mobile.png`, fullPage: true });
    await page.goto(appUrl('/admin'));
    await expect(page.getByTestId('admin-users')).toBeVisible();
    await page.screenshot({ path: `test-results/admin-console-${locale}-mobile.png`, fullPage: true });
  });
}

test('a second admin’s open console shows the first admin’s invite, role change and deactivation at once', async ({
  browser,
}) => {
  const l = localeFile<Admin>('en', 'admin');
  const { page } = await person(browser, 'admin@siam.example', 'en', 'none');
  await page.goto(appUrl('/admin'));
  // A second admin, signed in on their own browser with the console open.
  const deputyEmail = `deputy-${randomBytes(3).toString('hex')}@siam.example`;
  const created = await page.request.post(appUrl('/api/admin/users'), {
    data: {
      name: `Deputy ${randomBytes(2).toString('hex')}`,
      email: deputyEmail,
      role: 'admin',
      locale: 'en',
    },
  });
  expect(created.status()).toBe(201);
  const { temporaryPassword } = (await created.json()) as { temporaryPassword: string };
  const deputyContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const deputy = await deputyContext.newPage();
  await signIn(deputy, deputyEmail, temporaryPassword);
  await deputy.goto(appUrl('/admin'));
  await expect(deputy.getByTestId('admin-users')).toBeVisible();

  const name = `Live ${randomBytes(2).toString('hex')}`;
  const email = `live-${randomBytes(3).toString('hex')}@siam.example`;
  const form = page.getByTestId('invite-form');
  await form.getByLabel(l.invite.name).fill(name);
  await form.getByLabel(l.invite.email).fill(email);
  await form.getByLabel(l.invite.role).selectOption('viewer');
  await form.getByRole('button', { name: l.invite.submit }).click();
  const theirRow = deputy.locator(`tr[data-email="${email}"]`);
  await expect(theirRow).toBeVisible();
  await expect(theirRow.getByTestId('role-select')).toHaveValue('viewer');

  const row = page.locator(`tr[data-email="${email}"]`);
  await row.getByTestId('role-select').selectOption('sales');
  await expect(theirRow.getByTestId('role-select')).toHaveValue('sales');

  await row.getByRole('button', { name: l.users.deactivate }).click();
  await row.getByTestId('confirm-action').click();
  await expect(theirRow).toContainText(l.users.deactivated);
  await deputyContext.close();
});

test('a sales person gets 403 on the admin pages and sees no admin navigation', async ({ browser }) => {
  const { page } = await person(browser, 'napa@siam.example', 'en', 'none');
  for (const path of ['/admin', '/admin/audit', '/admin/conflicts']) {
    const response = await page.goto(appUrl(path));
    expect(response?.status()).toBe(403);
  }
  await expect(page.getByTestId('admin-nav')).toHaveCount(0);
});
