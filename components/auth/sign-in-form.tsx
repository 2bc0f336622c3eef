'use client';

import { useActionState, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { NEXT_PARAM } from '@/lib/auth/next-path';
import { type SignInState, signIn } from '@/lib/auth/sign-in';

export type DemoAccount = { email: string; name: string; role: 'admin' | 'sales' | 'viewer'; tenant: string };

const initialState: SignInState = { error: null, email: '' };

export function SignInForm({
  demoAccounts,
  demoPassword,
  next,
}: {
  demoAccounts: DemoAccount[];
  demoPassword?: string;
  /** The page to return to after signing in (already checked by safeNextPath; the action checks it again). */
  next?: string | null;
}) {
  const { t } = useTranslation('auth');
  const { t: tc } = useTranslation('common');
  const [state, action, pending] = useActionState(signIn, initialState);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  const fill = (email: string) => {
    if (emailRef.current) emailRef.current.value = email;
    if (passwordRef.current && demoPassword) passwordRef.current.value = demoPassword;
    passwordRef.current?.focus();
  };

  return (
    <div className="space-y-8">
      <form action={action} className="space-y-4" noValidate>
        {next ? <input type="hidden" name={NEXT_PARAM} value={next} /> : null}
        <div>
          <label htmlFor="email" className="mb-1.5 block text-sm font-medium text-slate-700">
            {t('email')}
          </label>
          <input
            ref={emailRef}
            id="email"
            name="email"
            type="email"
            autoComplete="username"
            required
            defaultValue={state.email}
            className="field"
            autoFocus
          />
        </div>
        <div>
          <label htmlFor="password" className="mb-1.5 block text-sm font-medium text-slate-700">
            {t('password')}
          </label>
          <input
            ref={passwordRef}
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            className="field"
          />
        </div>
        {state.error ? (
          <p
            role="alert"
            data-testid="sign-in-error"
            className="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-700"
          >
            {t(state.error)}
          </p>
        ) : null}
        <button type="submit" className="btn-primary w-full py-2.5" disabled={pending}>
          {pending ? t('submitting') : t('submit')}
        </button>
      </form>

      {demoAccounts.length > 0 && demoPassword ? (
        <section
          aria-labelledby="demo-accounts"
          className="rounded-xl border border-slate-200 bg-slate-50/80"
        >
          <div className="border-b border-slate-200 px-4 py-3">
            <h2 id="demo-accounts" className="text-sm font-semibold text-slate-900">
              {t('demo.title')}
            </h2>
            <p className="mt-1 text-xs text-slate-500">
              {t('demo.password')}{' '}
              <code className="rounded bg-white px-1.5 py-0.5 font-mono text-slate-800 ring-1 ring-slate-200">
                {demoPassword}
              </code>
            </p>
            <p className="mt-1 text-xs text-slate-500">{t('demo.hint')}</p>
          </div>
          <ul className="divide-y divide-slate-200" data-testid="demo-accounts">
            {demoAccounts.map((account) => (
              <li key={account.email}>
                <button
                  type="button"
                  onClick={() => fill(account.email)}
                  aria-label={t('demo.use', { email: account.email })}
                  className="flex w-full items-center justify-between gap-3 px-4 py-2 text-left text-sm hover:bg-white"
                >
                  <span className="min-w-0">
                    <span className="block truncate font-mono text-[13px] text-slate-800">
                      {account.email}
                    </span>
                    <span className="block truncate text-xs text-slate-500">
                      {account.name} · {account.tenant}
                    </span>
                  </span>
                  <span className="shrink-0 rounded-full bg-white px-2 py-0.5 text-xs font-medium text-slate-600 ring-1 ring-slate-200">
                    {tc(`roles.${account.role}`)}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
