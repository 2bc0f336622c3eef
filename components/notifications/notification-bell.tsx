'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RealtimeBoundary } from '@/components/collab/realtime-boundary';
import { RelativeTime } from '@/components/collab/relative-time';
import { type RealtimeUser, useWebSocketChannel } from '@/lib/hooks';
import {
  type InboxItem,
  inboxAnswer,
  NOTIFICATION_EVENT,
  notificationView,
} from '@/lib/notifications/contract';
import type { EventMessage } from '@/lib/realtime/protocol/messages';
import { parseWire } from '@/lib/wire/edge';
import { INBOX_SIZE, mergeInbox } from './inbox-merge';
import { notificationText } from './notification-text';

/** The bell in the shell: unread count, the inbox, mark read; new notifications arrive live on `user:{id}`. */
export function NotificationBell({ user }: { user: RealtimeUser }) {
  return (
    <RealtimeBoundary user={user}>
      <Bell userId={user.id} />
    </RealtimeBoundary>
  );
}

function Bell({ userId }: { userId: string }) {
  const { t } = useTranslation('collab');
  const router = useRouter();
  const [items, setItems] = useState<InboxItem[]>([]);
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);

  const [loaded, setLoaded] = useState(false);
  /** Ids on screen, so an event delivered twice (a replay after a reconnect) is counted once. */
  const shown = useRef(new Set<string>());
  /** Items that arrived live while an inbox read was in flight: that read may have been taken before they were written. */
  const arrivedDuringLoad = useRef<Map<string, InboxItem> | null>(null);

  const load = useCallback(async () => {
    arrivedDuringLoad.current = new Map();
    const response = await fetch('/api/notifications', { cache: 'no-store' }).catch(() => null);
    const arrived = arrivedDuringLoad.current;
    arrivedDuringLoad.current = null;
    if (!response?.ok) return;
    const json: unknown = await response.json().catch(() => null);
    const body = parseWire('notifications.inbox', inboxAnswer, json);
    if (!body) return;
    const next = mergeInbox(body, arrived.values());
    shown.current = new Set(next.items.map((item) => item.id));
    setItems(next.items);
    setUnread(next.unread);
    setLoaded(true);
  }, []);
  useEffect(() => void load(), [load]);

  const onEvent = useCallback((event: EventMessage) => {
    if (event.event !== NOTIFICATION_EVENT) return;
    const item = parseWire('notifications.item', notificationView, event.data);
    if (!item || shown.current.has(item.id)) return;
    shown.current.add(item.id);
    arrivedDuringLoad.current?.set(item.id, item);
    setItems((list) => [item, ...list].slice(0, INBOX_SIZE));
    setUnread((n) => n + 1);
  }, []);
  useWebSocketChannel(`user:${userId}`, onEvent, { onReset: () => void load() });

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  async function markRead(ids?: string[]) {
    const now = new Date().toISOString();
    setItems((list) => list.map((i) => (!ids || ids.includes(i.id) ? { ...i, readAt: i.readAt ?? now } : i)));
    setUnread((n) => (ids ? Math.max(0, n - ids.length) : 0));
    await fetch('/api/notifications/read', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ids ? { ids } : {}),
    }).catch(() => undefined);
  }

  return (
    <div className="relative" ref={root}>
      <button
        type="button"
        data-testid="notification-bell"
        data-ready={loaded}
        aria-label={t('notifications.open', { count: unread })}
        aria-expanded={open}
        onClick={() => setOpen((v) => !v)}
        className="relative flex size-9 items-center justify-center rounded-full text-slate-500 hover:bg-slate-100 hover:text-slate-900"
      >
        <svg aria-hidden viewBox="0 0 20 20" fill="currentColor" className="size-5">
          <path d="M10 2a6 6 0 0 0-6 6v2.6l-1.3 2.6A1 1 0 0 0 3.6 15h12.8a1 1 0 0 0 .9-1.4L16 10.6V8a6 6 0 0 0-6-6Zm0 16a2.5 2.5 0 0 1-2.4-2h4.8A2.5 2.5 0 0 1 10 18Z" />
        </svg>
        {unread > 0 ? (
          <span
            data-testid="notification-count"
            className="tabular absolute -top-0.5 -right-0.5 min-w-4.5 rounded-full bg-rose-500 px-1 text-center text-[10px] leading-4.5 font-semibold text-white ring-2 ring-white"
          >
            {unread > 99 ? '99+' : unread}
          </span>
        ) : null}
      </button>
      {open ? (
        <div
          data-testid="notification-inbox"
          className="absolute right-0 z-30 mt-2 w-[22rem] max-w-[calc(100vw-2rem)] overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xl"
        >
          <div className="flex items-center justify-between border-b border-slate-100 px-4 py-2.5">
            <p className="text-sm font-semibold text-slate-900">{t('notifications.title')}</p>
            {unread > 0 ? (
              <button
                type="button"
                className="text-xs font-medium text-brand-700 hover:underline"
                onClick={() => void markRead()}
              >
                {t('notifications.markAll')}
              </button>
            ) : null}
          </div>
          {items.length === 0 ? (
            <p className="px-4 py-6 text-center text-sm text-slate-500">{t('notifications.empty')}</p>
          ) : (
            <ul className="max-h-96 divide-y divide-slate-100 overflow-y-auto">
              {items.map((item) => {
                const link = typeof item.payload.link === 'string' ? item.payload.link : null;
                return (
                  <li
                    key={item.id}
                    data-testid="notification-item"
                    data-kind={item.kind}
                    data-read={item.readAt ? 'true' : 'false'}
                  >
                    <button
                      type="button"
                      className={`flex w-full gap-3 px-4 py-3 text-left hover:bg-slate-50 ${item.readAt ? '' : 'bg-brand-50/40'}`}
                      onClick={() => {
                        if (!item.readAt) void markRead([item.id]);
                        if (link) {
                          setOpen(false);
                          router.push(link);
                        }
                      }}
                    >
                      <span
                        aria-hidden
                        className={`mt-1.5 size-2 shrink-0 rounded-full ${item.readAt ? 'bg-transparent' : 'bg-brand-500'}`}
                      />
                      <span className="min-w-0 flex-1">
                        <span className="block text-sm text-slate-800">{notificationText(t, item)}</span>
                        {typeof item.payload.excerpt === 'string' && item.payload.excerpt ? (
                          <span className="mt-0.5 block truncate text-xs text-slate-500">
                            “{item.payload.excerpt}”
                          </span>
                        ) : null}
                        <RelativeTime
                          at={Date.parse(item.createdAt)}
                          className="mt-0.5 block text-[11px] text-slate-500"
                        />
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      ) : null}
    </div>
  );
}
