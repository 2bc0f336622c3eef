'use client';

import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type AdminRole, MIN_PASSWORD_LENGTH, roles } from '@/lib/admin/contract';
import { useLocale } from '@/lib/i18n/use-locale';
import { adminApi } from './api';
import type { Notice } from './notice';
import { useErrorText } from './use-error-text';

const input =
  'mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2 text-sm focus:border-brand-500 focus:ring-2 focus:ring-brand-500/30 focus:outline-none';

/** Adds a person with a role; a temporary password is generated unless the admin types one. */
export function InviteForm({ onAdded }: { onAdded(notice: Notice, refresh: boolean): void }) {
  const { t } = useTranslation('admin');
  const { t: tc } = useTranslation('common');
  const { locale } = useLocale();
  const errorText = useErrorText();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const password = String(data.get('password') ?? '');
    const role = roles.find((r) => r === data.get('role')) ?? 'sales';
    setBusy(true);
    setError(null);
    const result = await adminApi.create({
      name: String(data.get('name') ?? ''),
      email: String(data.get('email') ?? ''),
      role,
      locale,
      ...(password ? { password } : {}),
    });
    setBusy(false);
    if (!result.ok) {
      setError(errorText(result.code));
      return;
    }
    form.reset();
    const { person, temporaryPassword } = result.value;
    onAdded(
      {
        tone: 'success',
        text: temporaryPassword
          ? `${t('invite.added', { name: person.name, role: tc(`roles.${person.role}`) })} ${t('users.temporaryPassword', { name: person.name, password: temporaryPassword })}`
          : t('invite.added', { name: person.name, role: tc(`roles.${person.role}`) }),
        secret: temporaryPassword,
      },
      true,
    );
  }

  return (
    <form
      onSubmit={submit}
      aria-labelledby={`${id}-title`}
      className="space-y-4 p-5"
      data-testid="invite-form"
    >
      <div>
        <h2 id={`${id}-title`} className="text-sm font-semibold text-slate-900">
          {t('invite.title')}
        </h2>
        <p className="mt-0.5 text-xs text-slate-500">{t('invite.hint')}</p>
      </div>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <label className="block text-sm font-medium text-slate-700">
          {t('invite.name')}
          <input name="name" required maxLength={120} autoComplete="off" className={input} />
        </label>
        <label className="block text-sm font-medium text-slate-700">
          {t('invite.email')}
          <input name="email" type="email" required maxLength={254} autoComplete="off" className={input} />
        </label>
        <label className="block text-sm font-medium text-slate-700">
          {t('invite.role')}
          <select name="role" defaultValue="sales" className={input}>
            {roles.map((role: AdminRole) => (
              <option key={role} value={role}>
                {tc(`roles.${role}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="block text-sm font-medium text-slate-700">
          {t('invite.password')}
          <input
            name="password"
            type="password"
            minLength={MIN_PASSWORD_LENGTH}
            maxLength={200}
            autoComplete="new-password"
            aria-describedby={`${id}-password-hint`}
            className={input}
          />
          <span id={`${id}-password-hint`} className="mt-1 block text-xs font-normal text-slate-500">
            {t('invite.passwordHint', { count: MIN_PASSWORD_LENGTH })}
          </span>
        </label>
      </div>
      {error ? (
        <p role="alert" className="text-sm text-rose-700" data-testid="invite-error">
          {error}
        </p>
      ) : null}
      <button
        type="submit"
        disabled={busy}
        className="rounded-lg bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2 focus-visible:outline-none disabled:opacity-60"
      >
        {busy ? t('invite.submitting') : t('invite.submit')}
      </button>
    </form>
  );
}
