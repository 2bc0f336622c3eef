import { createInstance, type i18n } from 'i18next';
import { defaultLocale, type Locale } from './config';
import { defaultNamespace, namespaces, resources } from './resources';

/**
 * A ready i18next instance for one locale, initialised synchronously (resources are bundled), so the first
 * render already has the right language on the server and in the browser.
 */
export function createI18n(locale: Locale): i18n {
  const instance = createInstance();
  void instance.init({
    lng: locale,
    fallbackLng: defaultLocale,
    supportedLngs: ['en', 'th'],
    ns: namespaces,
    defaultNS: defaultNamespace,
    resources,
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}
