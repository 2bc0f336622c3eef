'use server';

import { setTimeout as delay } from 'node:timers/promises';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { findUserForSignIn, touchLastSeen } from '../db/queries/users';
import { LOCALE_COOKIE, LOCALE_COOKIE_MAX_AGE, toLocale } from '../i18n/config';
import { isUnavailable } from '../server/faults';
import { getServices } from '../server/services';
import { afterSignIn, NEXT_PARAM } from './next-path';
import { hashPassword, verifyPassword } from './password';
import { createSessionToken, SESSION_COOKIE } from './session';

export type SignInState = {
  error: 'invalidInput' | 'invalidCredentials' | 'unavailable' | 'deactivated' | null;
  email: string;
};

const credentials = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(200),
});

// Unknown emails are verified against a throw-away hash so they take as long as known ones.
let decoyHash: Promise<string> | undefined;

async function clientAddress(): Promise<string> {
  const forwarded = (await headers()).get('x-forwarded-for') ?? '';
  // The last hop is the one our own server (or the proxy in front of it) saw; earlier ones are client-supplied.
  return forwarded.split(',').at(-1)?.trim() || 'unknown';
}

/**
 * Email + password sign-in, zod-validated, slowed down per email and per client address after failures. On success
 * goes to the form's `next` page when it is a path on this site (safeNextPath), else to the dashboard.
 */
export async function signIn(_previous: SignInState, form: FormData): Promise<SignInState> {
  const parsed = credentials.safeParse({
    email: String(form.get('email') ?? '')
      .trim()
      .toLowerCase(),
    password: String(form.get('password') ?? ''),
  });
  const email = String(form.get('email') ?? '').slice(0, 254);
  if (!parsed.success) return { error: 'invalidInput', email };

  const { env, database, loginThrottle, sessionKey, logger } = getServices();
  const keys = [`email:${parsed.data.email}`, `ip:${await clientAddress()}`];
  const wait = loginThrottle.delayFor(keys);
  if (wait > 0) await delay(wait);

  let user: Awaited<ReturnType<typeof findUserForSignIn>>;
  try {
    user = await findUserForSignIn(database.db, parsed.data.email);
  } catch (error) {
    // The database cannot be reached: say so (and let the person retry), instead of a server error page.
    if (!isUnavailable(error)) throw error;
    return { error: 'unavailable', email };
  }
  decoyHash ??= hashPassword('decoy-password-never-matches');
  const valid = await verifyPassword(parsed.data.password, user?.passwordHash ?? (await decoyHash));
  if (!user || !valid) {
    loginThrottle.recordFailure(keys);
    logger.info({ email: parsed.data.email, delayedMs: wait }, 'sign-in failed');
    return { error: 'invalidCredentials', email };
  }
  loginThrottle.recordSuccess(keys);
  // Said only after the right password, so it does not reveal which emails exist.
  if (!user.active) {
    logger.info({ userId: user.id }, 'sign-in of a deactivated account refused');
    return { error: 'deactivated', email };
  }
  await touchLastSeen(database.db, user.id);

  const { token, expiresAt } = await createSessionToken(sessionKey, user, env.SESSION_TTL_HOURS);
  const store = await cookies();
  store.set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: env.NODE_ENV === 'production',
    path: '/',
    expires: expiresAt,
  });
  // A language picked on this device wins; otherwise the user's saved choice follows them here.
  if (!store.get(LOCALE_COOKIE)) {
    store.set(LOCALE_COOKIE, toLocale(user.locale), {
      path: '/',
      sameSite: 'lax',
      maxAge: LOCALE_COOKIE_MAX_AGE,
    });
  }
  redirect(afterSignIn(form.get(NEXT_PARAM)));
}

export async function signOut(): Promise<void> {
  const store = await cookies();
  store.delete(SESSION_COOKIE);
  redirect('/sign-in');
}
