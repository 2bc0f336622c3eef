'use client';

import { useTranslation } from 'react-i18next';
import { type Locale, toLocale } from './config';
import { type Formatters, formattersFor } from './format';

/** The current locale and its formatters, for client components. */
export function useLocale(): { locale: Locale; format: Formatters } {
  const { i18n } = useTranslation();
  const locale = toLocale(i18n.language);
  return { locale, format: formattersFor(locale) };
}
