'use server';

import { cookies } from 'next/headers';
import { z } from 'zod';
import { getCurrentUser } from '../auth/current-user';
import { setUserLocale } from '../db/queries/users';
import { isUnavailable } from '../server/faults';
import { getServices } from '../server/services';
import { LOCALE_COOKIE, LOCALE_COOKIE_MAX_AGE, locales } from './config';

const input = z.enum(locales);

/** Keeps the language choice in the cookie, and on the user when signed in, so it follows them. */
export async function setLocale(locale: string): Promise<{ ok: boolean; code?: 'UNAVAILABLE' }> {
  const parsed = input.safeParse(locale);
  if (!parsed.success) return { ok: false };
  const store = await cookies();
  store.set(LOCALE_COOKIE, parsed.data, {
    path: '/',
    sameSite: 'lax',
    maxAge: LOCALE_COOKIE_MAX_AGE,
    httpOnly: false,
  });
  try {
    const user = await getCurrentUser();
    if (user && user.locale !== parsed.data)
      await setUserLocale(getServices().database.db, user.id, parsed.data);
  } catch (error) {
    // The database cannot be reached: this device has the new language (the cookie); the account keeps the old.
    if (!isUnavailable(error)) throw error;
    return { ok: false, code: 'UNAVAILABLE' };
  }
  return { ok: true };
}
