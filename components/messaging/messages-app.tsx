'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RealtimeUser } from '@/lib/hooks';
import { usePresence, useWebSocketChannel } from '@/lib/hooks';
import { conversationListEvents, unreadEvent } from '@/lib/messaging/contract';
import type { EventMessage, Member } from '@/lib/realtime/protocol/messages';
import { parseWire } from '@/lib/wire/edge';
import { AnnouncementForm } from './announcement-form';
import { ApiError, messagingApi } from './api';
import { ConversationList } from './conversation-list';
import { EnsureRealtime } from './ensure-realtime';
import { GroupMembers } from './group-members';
import { MessagingBridge } from './messaging-bridge';
import { NewConversation } from './new-conversation';
import { PresenceStatusForm } from './presence-status-form';
import { Thread } from './thread';
import type { ConversationItem, TenantUser } from './types';

export type MessagesAppProps = {
  me: RealtimeUser;
  users: TenantUser[];
  initialConversationId: string | null;
  /** `?order=ID`: open (or create) the order's conversation. */
  orderId: string | null;
};

function showConversation(id: string | null) {
  const url = new URL(window.location.href);
  url.searchParams.delete('order');
  if (id) url.searchParams.set('c', id);
  else url.searchParams.delete('c');
  window.history.replaceState(null, '', url);
}

function Messages({ me, users, initialConversationId, orderId }: MessagesAppProps) {
  const { t } = useTranslation('messages');
  const [conversations, setConversations] = useState<ConversationItem[] | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(initialConversationId);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { activeUsers } = usePresence();
  const presence = useMemo(
    () => new Map<string, Member>(activeUsers.map((m) => [m.userId, m])),
    [activeUsers],
  );

  // Reads overlap (an event, listening starting, a reconnect): only the answer of the latest read is shown, so an
  // older answer arriving last cannot put back a list without what came since.
  const reads = useRef(0);
  const refresh = useCallback(async () => {
    const read = ++reads.current;
    try {
      const { conversations: list } = await messagingApi.conversations();
      if (read === reads.current) setConversations(list);
    } catch {
      if (read === reads.current) setError(t('errors.generic'));
    }
  }, [t]);

  const select = useCallback((id: string | null) => {
    setSelectedId(id);
    showConversation(id);
  }, []);

  const opened = useRef(false);
  useEffect(() => {
    if (opened.current) return;
    opened.current = true;
    if (!orderId) {
      void refresh();
      return;
    }
    void messagingApi
      .openOrder(orderId)
      .then(({ conversation }) => select(conversation.id))
      .catch((e: unknown) =>
        setError(
          e instanceof ApiError && e.code === 'NOT_FOUND' ? t('errors.notFound') : t('errors.generic'),
        ),
      )
      .finally(() => void refresh());
  }, [orderId, refresh, select, t]);

  // The list is read before this tab listens on `user:{me}`: a conversation started or a message sent in between
  // sends its event to nobody here. Read the list again whenever listening starts (the first time, and after a
  // reconnect), and when the server could not replay what was missed.
  const userChannel = useWebSocketChannel(`user:${me.id}`, undefined, { onReset: () => void refresh() });
  const listening = userChannel.status === 'active';
  useEffect(() => {
    if (listening) void refresh();
  }, [listening, refresh]);

  const onUserEvent = useCallback(
    (event: EventMessage) => {
      if (event.event === 'unread') {
        const data = parseWire('messaging.unread', unreadEvent, event.data);
        if (!data) return;
        setConversations(
          (list) =>
            list?.map((c) => (c.id === data.conversationId ? { ...c, unread: data.unread } : c)) ?? list,
        );
        return;
      }
      if ((conversationListEvents as readonly string[]).includes(event.event)) void refresh();
    },
    [refresh],
  );

  const onRead = useCallback((conversationId: string) => {
    setConversations((list) => list?.map((c) => (c.id === conversationId ? { ...c, unread: 0 } : c)) ?? list);
  }, []);

  const selected = conversations?.find((c) => c.id === selectedId) ?? null;
  // From md up the list stays beside the open thread; on a phone the thread replaces it.
  const wide = useMediaQuery('(min-width: 768px)');

  return (
    <div className="space-y-4">
      <MessagingBridge
        userId={me.id}
        activeConversationId={selectedId}
        conversationListShown={!selected || wide}
        onEvent={onUserEvent}
      />
      <div className="rounded-xl border border-slate-200 bg-white p-3 shadow-xs">
        <PresenceStatusForm />
        {me.role === 'admin' ? (
          <div className="mt-3 border-t border-slate-100 pt-3">
            <AnnouncementForm />
          </div>
        ) : null}
      </div>
      {error ? (
        <p className="text-sm text-rose-600" role="alert">
          {error}
        </p>
      ) : null}
      <div className="grid h-[70vh] min-h-[28rem] overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xs md:grid-cols-[20rem_1fr]">
        <aside
          className={`flex min-h-0 flex-col border-slate-200 md:border-r ${selected ? 'hidden md:flex' : 'flex'}`}
        >
          <div className="flex items-center justify-between gap-2 border-b border-slate-200 px-4 py-3">
            <h2 className="text-sm font-semibold text-slate-900">{t('list.heading')}</h2>
            <button
              type="button"
              className="btn-primary px-2.5 py-1 text-xs"
              onClick={() => setCreating((v) => !v)}
              data-testid="new-conversation-button"
            >
              {t('new.button')}
            </button>
          </div>
          {creating ? (
            <NewConversation
              users={users}
              meId={me.id}
              onCancel={() => setCreating(false)}
              onCreate={async (input) => {
                try {
                  const { conversation } =
                    input.kind === 'direct'
                      ? await messagingApi.createDirect(input.userId)
                      : await messagingApi.createGroup(input.name, input.memberIds);
                  setCreating(false);
                  await refresh();
                  select(conversation.id);
                } catch {
                  setError(t('errors.generic'));
                }
              }}
            />
          ) : null}
          <div
            className="min-h-0 flex-1 overflow-y-auto"
            data-testid="conversations"
            data-live={listening ? 'live' : 'connecting'}
          >
            {conversations === null ? (
              <p className="p-4 text-sm text-slate-500">{t('thread.loading')}</p>
            ) : (
              <ConversationList
                conversations={conversations}
                meId={me.id}
                selectedId={selectedId}
                presence={presence}
                onSelect={select}
              />
            )}
          </div>
        </aside>
        <div className={`min-h-0 ${selected ? 'flex flex-col' : 'hidden md:flex md:flex-col'}`}>
          {selected ? (
            <>
              <button
                type="button"
                className="btn-ghost m-2 self-start text-xs md:hidden"
                onClick={() => select(null)}
              >
                ← {t('thread.back')}
              </button>
              <Thread
                key={selected.id}
                conversation={selected}
                meId={me.id}
                presence={presence}
                onRead={onRead}
                onMembersChanged={() => void refresh()}
                below={
                  selected.kind === 'group' ? (
                    <GroupMembers
                      conversation={selected}
                      me={me}
                      users={users}
                      onChanged={() => void refresh()}
                      onLeft={() => {
                        select(null);
                        void refresh();
                      }}
                    />
                  ) : null
                }
              />
            </>
          ) : (
            <div className="flex flex-1 flex-col items-center justify-center gap-1 text-center text-sm text-slate-500">
              <p className="font-medium text-slate-700">{t('thread.pick')}</p>
              <p>{t('thread.pickBody')}</p>
            </div>
          )}
        </div>
      </div>
    </div>
  );
}

/** The Messages page: conversation list with unread counts and presence, the open thread, new conversations. */
export function MessagesApp(props: MessagesAppProps) {
  return (
    <EnsureRealtime user={props.me}>
      <Messages {...props} />
    </EnsureRealtime>
  );
}

function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(false);
  useEffect(() => {
    const list = window.matchMedia(query);
    setMatches(list.matches);
    const onChange = () => setMatches(list.matches);
    list.addEventListener('change', onChange);
    return () => list.removeEventListener('change', onChange);
  }, [query]);
  return matches;
}
