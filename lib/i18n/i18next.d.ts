import 'i18next';
import type { englishResources } from './resources';

/** Keys are typed from the English files: a missing or misspelt key is a type error. */
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    strictKeyChecks: true;
    resources: typeof englishResources;
  }
}
