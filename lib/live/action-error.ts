'use client';

import { useTranslation } from 'react-i18next';
import { type CatalogErrorBody, catalogErrorMessage } from '../catalog/error-message';

/** A refused write as a sentence in the user's language, plus the form fields the server named. */
export function useActionError() {
  const { i18n } = useTranslation();
  return (error: CatalogErrorBody): { text: string; fields: string[] } => {
    const ref = catalogErrorMessage(error);
    const text = i18n.t(ref.key as never, (ref.values ?? {}) as never) as unknown as string;
    const fields = error.details?.fields;
    return { text, fields: fields && typeof fields === 'object' ? Object.keys(fields) : [] };
  };
}
