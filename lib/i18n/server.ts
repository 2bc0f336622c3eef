import 'server-only';
import type { TFunction } from 'i18next';
import { cookies } from 'next/headers';
import { cache } from 'react';
import { LOCALE_COOKIE, type Locale, toLocale } from './config';
import { createI18n } from './create-instance';
import { formattersFor } from './format';
import type { Namespace } from './resources';

/** The locale of this request: the `osl_locale` cookie, else English. */
export const getLocale = cache(async (): Promise<Locale> => {
  const store = await cookies();
  return toLocale(store.get(LOCALE_COOKIE)?.value);
});

const instanceFor = cache((locale: Locale) => createI18n(locale));

/** A translator for server components, bound to the request's locale and one namespace. */
export async function getT<N extends Namespace>(ns: N): Promise<TFunction<N>> {
  const locale = await getLocale();
  return instanceFor(locale).getFixedT(locale, ns);
}

/** Number, price and date formatters for the request's locale. */
export async function getFormatters() {
  return formattersFor(await getLocale());
}
