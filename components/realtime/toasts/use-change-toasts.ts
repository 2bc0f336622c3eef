'use client';

import { useRef } from 'react';
import { useStore } from 'zustand';
import { useRealtime, useWebSocketChannel } from '@/lib/hooks';
import type { EventMessage } from '@/lib/realtime/protocol/messages';
import { isOthersAction, type ToastInput } from './toast-store';
import { useToast } from './toaster';

/**
 * Toasts for a channel's events made by other people ("Anna updated SKU-12"), never for this user's own actions.
 * `describe` turns an event into a toast, or null to stay quiet.
 */
export function useChangeToasts(
  channel: string | null,
  describe: (event: EventMessage) => ToastInput | null,
) {
  const { store } = useRealtime();
  const selfId = useStore(store, (s) => s.user?.id);
  const { push } = useToast();
  const latest = useRef({ describe, selfId, push });
  latest.current = { describe, selfId, push };
  useWebSocketChannel(channel, (event) => {
    const { describe: toToast, selfId: me, push: show } = latest.current;
    if (!isOthersAction(event.actor, me)) return;
    const toast = toToast(event);
    if (toast) show({ actor: event.actor, ...toast });
  });
}
