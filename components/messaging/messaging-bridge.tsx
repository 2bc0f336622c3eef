'use client';

import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { useOnlineStatus, useRealtime, useWebSocketChannel, useWebSocketStatus } from '@/lib/hooks';
import { presenceRequestedEvent, redeliveredMessageEvent } from '@/lib/messaging/contract';
import { notificationView } from '@/lib/notifications/contract';
import type { EventMessage } from '@/lib/realtime/protocol/messages';
import { parseWire } from '@/lib/wire/edge';
import { shouldToast } from './toast-rule';

type Toast = { id: string; text: string };

type Listener = {
  activeConversationId?: string | null;
  /** The conversation list is on screen (Messages page): its unread counts already tell of a new message. */
  conversationListShown?: boolean;
  onEvent?: (event: EventMessage) => void;
};
type ListenerRef = { current: Listener };
/** Below a mounted bridge: a nested bridge (the Messages page under the app-wide one) attaches to it instead. */
const BridgeContext = createContext<{ attach(listener: ListenerRef): () => void } | null>(null);

type BridgeProps = {
  userId: string;
  activeConversationId?: string | null;
  conversationListShown?: boolean;
  onEvent?: (event: EventMessage) => void;
  children?: ReactNode;
};

/**
 * The app-wide side of messaging for one tab: listens on `user:{me}`, acknowledges every message that reaches this
 * device (delivered receipts), catches up on what arrived while offline, applies presence changes requested through
 * the REST API, and shows notification toasts — none while the user is busy, none for the thread on screen.
 * Mounted once around the signed-in pages (inside the realtime provider); a bridge mounted below it (the Messages
 * page) only tells it which thread is open and receives the events.
 */
export function MessagingBridge({
  userId,
  activeConversationId,
  conversationListShown,
  onEvent,
  children,
}: BridgeProps) {
  const parent = useContext(BridgeContext);
  const own = useRef<Listener>({});
  own.current = { activeConversationId, conversationListShown, onEvent };
  useEffect(() => parent?.attach(own), [parent]);
  if (parent) return <>{children}</>;
  return (
    <PrimaryBridge userId={userId} own={own}>
      {children}
    </PrimaryBridge>
  );
}

function PrimaryBridge({
  userId,
  own,
  children,
}: {
  userId: string;
  own: ListenerRef;
  children?: ReactNode;
}) {
  const { t } = useTranslation('messages');
  const { client, store, setSelf } = useRealtime();
  const { connected } = useWebSocketStatus();
  const { status } = useOnlineStatus();
  const welcome = useStore(store, (s) => s.welcome);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const listeners = useRef(new Set<ListenerRef>([own]));
  const handleForNested = useMemo(
    () => ({
      attach(listener: ListenerRef) {
        listeners.current.add(listener);
        return () => void listeners.current.delete(listener);
      },
    }),
    [],
  );
  const statusRef = useRef(status);
  statusRef.current = status;
  // Read at event time: the open thread and the listeners of every attached bridge.
  const current = useCallback(() => {
    const all = [...listeners.current].map((l) => l.current);
    return {
      status: statusRef.current,
      activeConversationId: all.find((l) => l.activeConversationId)?.activeConversationId ?? null,
      conversationListShown: all.some((l) => l.conversationListShown),
      forward: (event: EventMessage) => {
        for (const l of all) l.onEvent?.(event);
      },
    };
  }, []);

  const acknowledge = useCallback(
    (messageIds?: string[]) => {
      void client.rpc('messaging.delivered', messageIds ? { messageIds } : {}).catch(() => {});
    },
    [client],
  );

  // Every (re)connection: whatever reached no device of mine while I was away is delivered now.
  const connectionId = welcome?.connectionId;
  useEffect(() => {
    if (connected && connectionId) acknowledge();
  }, [connected, connectionId, acknowledge]);

  const toast = useCallback((text: string) => {
    const id = `${Date.now()}-${Math.random()}`;
    setToasts((list) => [...list.slice(-2), { id, text }]);
    window.setTimeout(() => setToasts((list) => list.filter((x) => x.id !== id)), 6000);
  }, []);

  const handle = useCallback(
    (event: EventMessage) => {
      const { status: mine, activeConversationId: open, conversationListShown, forward } = current();
      if (event.event === 'message.new') {
        const arrived = parseWire('messaging.messageNew', redeliveredMessageEvent, event.data);
        if (arrived) acknowledge([arrived.message.id]);
      } else if (event.event === 'presence.requested') {
        const patch = parseWire('messaging.presenceRequested', presenceRequestedEvent, event.data);
        if (!patch) return;
        if (patch.status) setSelf({ chosen: patch.status });
        const { status: _status, ...rest } = patch;
        if (Object.keys(rest).length > 0) client.updatePresence(rest);
      } else if (event.event === 'notification') {
        const note = parseWire('notifications.item', notificationView, event.data);
        if (!note) return;
        void client.rpc('notifications.delivered', { ids: [note.id] }).catch(() => {});
        if (!shouldToast(note, mine, open, conversationListShown)) {
          forward(event);
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
      forward(event);
    },
    [current, acknowledge, client, setSelf, t, toast],
  );
  useWebSocketChannel(`user:${userId}`, handle);

  return (
    <BridgeContext.Provider value={handleForNested}>
      {children}
      {toasts.length > 0 ? <Toasts toasts={toasts} /> : null}
    </BridgeContext.Provider>
  );
}

function Toasts({ toasts }: { toasts: Toast[] }) {
  return (
    <div
      className="pointer-events-none fixed top-16 right-4 z-50 flex w-80 max-w-[calc(100vw-2rem)] flex-col gap-2"
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
