'use client';

import { useRouter } from 'next/navigation';
import { useTransition } from 'react';
import { useTranslation } from 'react-i18next';
import { setLocale } from '@/lib/i18n/actions';
import { type Locale, locales, toLocale } from '@/lib/i18n/config';

/** EN / ไทย: stores the choice (cookie, and the user when signed in) and re-renders the page in it. */
export function LanguageSwitch({ tone = 'dark' }: { tone?: 'dark' | 'light' }) {
  const { t, i18n } = useTranslation('common');
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const current = toLocale(i18n.language);

  const choose = (locale: Locale) => {
    if (locale === current) return;
    startTransition(async () => {
      await setLocale(locale);
      router.refresh();
    });
  };

  const frame = tone === 'dark' ? 'bg-white/5 ring-white/10' : 'bg-slate-100 ring-slate-200';
  return (
    <fieldset
      className={`inline-flex items-center rounded-lg p-0.5 ring-1 ${frame}`}
      aria-busy={pending}
      data-testid="language-switch"
    >
      <legend className="sr-only">{t('shell.language')}</legend>
      {locales.map((locale) => {
        const selected = locale === current;
        const selectedClass =
          tone === 'dark' ? 'bg-white text-slate-900' : 'bg-white text-slate-900 shadow-xs';
        const idleClass =
          tone === 'dark' ? 'text-slate-300 hover:text-white' : 'text-slate-600 hover:text-slate-900';
        return (
          <button
            key={locale}
            type="button"
            lang={locale}
            aria-pressed={selected}
            title={t(locale === 'en' ? 'language.enLong' : 'language.thLong')}
            disabled={pending}
            onClick={() => choose(locale)}
            className={`rounded-md px-2.5 py-1 text-xs font-semibold transition-colors ${selected ? selectedClass : idleClass}`}
          >
            {t(locale === 'en' ? 'language.en' : 'language.th')}
          </button>
        );
      })}
    </fieldset>
  );
}
