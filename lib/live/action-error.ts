'use client';

import { useTranslation } from 'react-i18next';
import { type CatalogErrorBody, catalogErrorMessage } from '../catalog/error-message';

/** A refused write as a sentence in the user's language, plus the form fields the server named. */
export function useActionError() {
  const { t } = useTranslation(['catalog', 'realtime']);
  return (error: CatalogErrorBody): { text: string; fields: string[] } => {
    const ref = catalogErrorMessage(error);
    const text = t(ref.key, ref.values ?? {});
    const fields = error.details?.fields;
    return { text, fields: fields && typeof fields === 'object' ? Object.keys(fields) : [] };
  };
}
