'use client';

import { useTranslation } from 'react-i18next';
import { type ErrorCode, errorCodes } from '@/lib/realtime/protocol/codes';

const isErrorCode = (code: string): code is ErrorCode => code in errorCodes;

/** A console call's error code as a sentence for people (the shared catalog's i18n key, or a network notice). */
export function useErrorText(): (code: string) => string {
  const { t } = useTranslation('admin');
  const { t: tc } = useTranslation('common');
  return (code) => {
    if (code === 'NETWORK') return t('errors.network');
    const message = isErrorCode(code) ? tc(errorCodes[code].i18n as 'errors.internal') : code;
    return t('errors.failed', { message });
  };
}
