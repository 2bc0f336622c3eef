'use client';

import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useRealtime } from '@/lib/hooks';
import { closeEntryFor } from '@/lib/realtime/protocol/codes';
import { signInHere } from './connection-status';
import { useToast } from './toasts';

/**
 * Turns the connection's own bad news into toasts: writes dropped from a full offline queue (never silent), a final
 * close with its reason (an ended session with a link to sign in again and return here), and server errors that no
 * request was waiting for. Mount once inside ToastProvider.
 */
export function RealtimeNotices() {
  const { client } = useRealtime();
  const { push } = useToast();
  const { t } = useTranslation('realtime');

  useEffect(() => {
    const offs = [
      client.on('dropped', ({ total }) =>
        push({ key: 'realtime:dropped', tone: 'warning', title: t('connection.dropped', { count: total }) }),
      ),
      client.on('state', (state) => {
        if (state.status !== 'closed') return;
        if (state.reason.kind === 'session-ended') {
          push({
            key: 'realtime:closed',
            tone: 'error',
            durationMs: 0,
            title: t('connection.sessionEnded'),
            description: t(state.reason.entry.i18n as 'close.normal'),
            link: { href: signInHere(), label: t('connection.signInAgain') },
          });
          return;
        }
        if (state.reason.kind !== 'server') return;
        const entry = state.reason.entry ?? closeEntryFor(state.reason.code);
        if (!entry) return;
        push({
          key: 'realtime:closed',
          tone: 'error',
          durationMs: 0,
          title: t('connection.closed'),
          description: t(entry.i18n as 'close.normal'),
        });
      }),
      client.on('error', ({ code, i18n, id }) => {
        if (id || code === 'RATE_LIMITED') return;
        push({ key: `realtime:error:${code}`, tone: 'error', title: t(i18n as 'errors.internal') });
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }, [client, push, t]);

  return null;
}
