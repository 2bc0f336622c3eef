'use client';

import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { useOnlineStatus, useRealtime, useWebSocketChannel, useWebSocketStatus } from '@/lib/hooks';
import type { EventMessage, PresencePatch } from '@/lib/realtime/protocol/messages';
import { shouldToast } from './toast-rule';

type Toast = { id: string; text: string };

/** True below a mounted bridge: a second bridge (the Messages page under the shell's) only forwards events. */
const BridgeContext = createContext(false);
type NotificationData = { id: string; kind: string; payload: Record<string, unknown>; silent: boolean };

/**
 * Mount it once app-wide (around the signed-in pages, inside the realtime provider) so deliveries are acknowledged
 * on every page; the Messages page mounts its own, which then only forwards events.
 *
 * The app-wide side of messaging for one tab: listens on `user:{me}`, acknowledges every message that reaches this
 * device (delivered receipts), catches up on what arrived while offline, applies presence changes requested through
 * the REST API, and shows notification toasts — none while the user is busy. Mount once (shell or Messages page).
 */
export function MessagingBridge({
  userId,
  activeConversationId,
  onEvent,
  children,
}: {
  userId: string;
  activeConversationId?: string | null;
  onEvent?: (event: EventMessage) => void;
  children?: ReactNode;
}) {
  const primary = !useContext(BridgeContext);
  const { t } = useTranslation('messages');
  const { client, store, setSelf } = useRealtime();
  const { connected } = useWebSocketStatus();
  const { status } = useOnlineStatus();
  const welcome = useStore(store, (s) => s.welcome);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const live = useRef({ status, activeConversationId, onEvent });
  live.current = { status, activeConversationId, onEvent };

  const acknowledge = useCallback(
    (messageIds?: string[]) => {
      void client.rpc('messaging.delivered', messageIds ? { messageIds } : {}).catch(() => {});
    },
    [client],
  );

  // Every (re)connection: whatever reached no device of mine while I was away is delivered now.
  const connectionId = welcome?.connectionId;
  useEffect(() => {
    if (primary && connected && connectionId) acknowledge();
  }, [primary, connected, connectionId, acknowledge]);

  const toast = useCallback((text: string) => {
    const id = `${Date.now()}-${Math.random()}`;
    setToasts((list) => [...list.slice(-2), { id, text }]);
    window.setTimeout(() => setToasts((list) => list.filter((x) => x.id !== id)), 6000);
  }, []);

  const handle = useCallback(
    (event: EventMessage) => {
      const data = event.data as Record<string, unknown>;
      if (!primary) {
        live.current.onEvent?.(event);
        return;
      }
      if (event.event === 'message.new') {
        const message = data.message as { id: string } | undefined;
        if (message) acknowledge([message.id]);
      } else if (event.event === 'presence.requested') {
        const patch = data as PresencePatch;
        if (patch.status) setSelf({ chosen: patch.status });
        const { status: _status, ...rest } = patch;
        if (Object.keys(rest).length > 0) client.updatePresence(rest);
      } else if (event.event === 'notification') {
        const note = data as unknown as NotificationData;
        void client.rpc('notifications.delivered', { ids: [note.id] }).catch(() => {});
        const { status: mine, activeConversationId: open } = live.current;
        if (!shouldToast(note, mine, open)) {
          live.current.onEvent?.(event);
          return;
        }
        if (note.kind === 'message') {
          toast(
            t('notification.message', {
              from: String(note.payload.from ?? ''),
              preview: String(note.payload.preview ?? ''),
            }),
          );
        } else if (note.kind === 'announcement') {
          toast(
            t('notification.announcement', {
              from: String(note.payload.from ?? ''),
              text: String(note.payload.text ?? ''),
            }),
          );
        }
      }
      live.current.onEvent?.(event);
    },
    [primary, acknowledge, client, setSelf, t, toast],
  );
  useWebSocketChannel(`user:${userId}`, handle);

  return (
    <BridgeContext.Provider value={true}>
      {children}
      {toasts.length > 0 ? <Toasts toasts={toasts} /> : null}
    </BridgeContext.Provider>
  );
}

function Toasts({ toasts }: { toasts: Toast[] }) {
  return (
    <div
      className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-80 flex-col gap-2"
      aria-live="polite"
    >
      {toasts.map((x) => (
        <div
          key={x.id}
          role="status"
          className="pointer-events-auto rounded-lg bg-slate-900 px-4 py-3 text-sm text-white shadow-lg"
          data-testid="message-toast"
        >
          {x.text}
        </div>
      ))}
    </div>
  );
}
