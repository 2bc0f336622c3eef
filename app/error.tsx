'use client';

import { useTranslation } from 'react-i18next';

export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const { t } = useTranslation('common');
  return (
    <div className="flex min-h-[50vh] items-center justify-center px-4 py-16">
      {/* A client error page cannot export metadata; React places this title in the head. */}
      <title>{`${t('failure.title')} · ${t('appName')}`}</title>
      <div className="max-w-md text-center">
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{t('failure.title')}</h1>
        <p className="mt-3 text-slate-600">{t('failure.body')}</p>
        <button type="button" className="btn-primary mt-6" onClick={reset}>
          {t('failure.retry')}
        </button>
      </div>
    </div>
  );
}
