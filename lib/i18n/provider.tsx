'use client';

import { type ReactNode, useMemo } from 'react';
import { I18nextProvider } from 'react-i18next';
import type { Locale } from './config';
import { createI18n } from './create-instance';

/**
 * Creates the browser's i18next instance synchronously with the locale the server rendered, so the first paint is
 * already in the right language. A new locale from the server (after a switch) makes a new instance.
 */
export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const i18n = useMemo(() => createI18n(locale), [locale]);
  return <I18nextProvider i18n={i18n}>{children}</I18nextProvider>;
}
