'use server';

import { cookies } from 'next/headers';
import { z } from 'zod';
import { getCurrentUser } from '../auth/current-user';
import { setUserLocale } from '../db/queries/users';
import { getServices } from '../server/services';
import { LOCALE_COOKIE, LOCALE_COOKIE_MAX_AGE, locales } from './config';

const input = z.enum(locales);

/** Keeps the language choice in the cookie, and on the user when signed in, so it follows them. */
export async function setLocale(locale: string): Promise<{ ok: boolean }> {
  const parsed = input.safeParse(locale);
  if (!parsed.success) return { ok: false };
  const store = await cookies();
  store.set(LOCALE_COOKIE, parsed.data, {
    path: '/',
    sameSite: 'lax',
    maxAge: LOCALE_COOKIE_MAX_AGE,
    httpOnly: false,
  });
  const user = await getCurrentUser();
  if (user && user.locale !== parsed.data)
    await setUserLocale(getServices().database.db, user.id, parsed.data);
  return { ok: true };
}
