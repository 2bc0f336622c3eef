'use client';

import Link from 'next/link';
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useWebSocketChannel } from '@/lib/hooks';
import { messageView, receiptEvent, typingEvent } from '@/lib/messaging/contract';
import { MAX_MESSAGE_CHARS } from '@/lib/messaging/limits';
import type { EventMessage, Member } from '@/lib/realtime/protocol/messages';
import { parseWire } from '@/lib/wire/edge';
import { ApiError, messagingApi } from './api';
import { Composer } from './composer';
import { upsertMessage } from './merge-message';
import { MessageItem } from './message-item';
import { PresenceDot } from './presence-dot';
import { applyReceipt } from './receipt-status';
import { type ChatMessage, type ConversationItem, conversationTitle } from './types';
import { typingSentence } from './typing-label';
import { mergeTypistsRead } from './typists-merge';

/** A typist not refreshed for this long is dropped even if the server's "stopped" never arrives. */
const TYPING_FALLBACK_MS = 12_000;

export function Thread({
  conversation,
  meId,
  presence,
  onRead,
  onMembersChanged,
  below,
}: {
  conversation: ConversationItem;
  /** Shown under the header (group members). */
  below?: ReactNode;
  meId: string;
  presence: Map<string, Member>;
  onRead(conversationId: string): void;
  onMembersChanged(): void;
}) {
  const { t } = useTranslation('messages');
  const id = conversation.id;
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [typists, setTypists] = useState<Map<string, { name: string; until: number }>>(new Map());
  /** Who the channel told about since the last read of the typists began (see the catch-up below). */
  const heardSince = useRef(new Set<string>());
  const bottom = useRef<HTMLDivElement>(null);
  const scroller = useRef<HTMLDivElement>(null);

  const explain = useCallback(
    (e: unknown) => {
      if (e instanceof ApiError && e.code === 'PAYLOAD_TOO_LARGE')
        return t('errors.tooLong', { max: MAX_MESSAGE_CHARS });
      if (e instanceof ApiError && e.code === 'RATE_LIMITED') return t('errors.rateLimited');
      if (e instanceof ApiError && e.code === 'NOT_FOUND') return t('errors.notFound');
      return t('errors.generic');
    },
    [t],
  );

  const markRead = useCallback(() => {
    if (typeof document !== 'undefined' && document.visibilityState !== 'visible') return;
    void messagingApi.read(id).then(
      () => onRead(id),
      () => {},
    );
  }, [id, onRead]);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const page = await messagingApi.messages(id);
      setMessages((current) => page.messages.reduce(upsertMessage, current));
      setNextBefore(page.nextBefore);
      setError(null);
      markRead();
    } catch (e) {
      setError(explain(e));
    } finally {
      setLoading(false);
    }
  }, [id, markRead, explain]);

  useEffect(() => {
    setMessages([]);
    setTypists(new Map());
    void load();
  }, [load]);

  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') markRead();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [markRead]);

  useEffect(() => {
    if (typists.size === 0) return;
    const soonest = Math.min(...[...typists.values()].map((v) => v.until));
    const timer = window.setTimeout(
      () => setTypists((current) => new Map([...current].filter(([, v]) => v.until > Date.now()))),
      Math.max(0, soonest - Date.now()),
    );
    return () => window.clearTimeout(timer);
  }, [typists]);

  const onEvent = useCallback(
    (event: EventMessage) => {
      switch (event.event) {
        case 'message.created':
        case 'message.updated':
        case 'message.deleted': {
          const message = parseWire('messaging.message', messageView, event.data);
          if (!message) break;
          setMessages((list) => upsertMessage(list, message));
          if (event.event === 'message.created' && message.authorId !== meId) {
            setTypists((current) => {
              const next = new Map(current);
              next.delete(message.authorId);
              return next;
            });
            markRead();
          }
          break;
        }
        case 'receipt': {
          const receipt = parseWire('messaging.receipt', receiptEvent, event.data);
          if (!receipt) break;
          const ids = new Set(receipt.messageIds);
          setMessages((list) =>
            list.map((m) => (ids.has(m.id) ? { ...m, receipts: applyReceipt(m.receipts, receipt) } : m)),
          );
          break;
        }
        case 'typing': {
          const typing = parseWire('messaging.typing', typingEvent, event.data);
          if (!typing || typing.userId === meId) break;
          heardSince.current.add(typing.userId);
          setTypists((current) => {
            const next = new Map(current);
            if (typing.typing)
              // Until the server says stopped, or its own expiry (with a margin) passed without a word.
              next.set(typing.userId, {
                name: typing.name,
                until: Date.now() + Math.max(TYPING_FALLBACK_MS, (typing.ttlMs ?? 0) + 2000),
              });
            else next.delete(typing.userId);
            return next;
          });
          break;
        }
        case 'members.changed':
          onMembersChanged();
          break;
      }
    },
    [meId, markRead, onMembersChanged],
  );
  const channel = useWebSocketChannel(`conversation:${id}`, onEvent, { onReset: () => void load() });

  // Catch up with typists that started before this subscription. The answer may arrive after an event from the
  // channel (someone started or stopped meanwhile): for those people the event is newer and stays.
  useEffect(() => {
    if (channel.status !== 'active') return;
    const heard = new Set<string>();
    heardSince.current = heard;
    void messagingApi.typists(id).then(
      ({ typists: list }) =>
        setTypists((current) =>
          mergeTypistsRead(
            current,
            list.filter((x) => x.userId !== meId),
            heard,
            Date.now() + TYPING_FALLBACK_MS,
          ),
        ),
      () => {},
    );
  }, [channel.status, id, meId]);

  const lastId = messages.at(-1)?.id;
  useEffect(() => {
    const box = scroller.current;
    if (!lastId || !box) return;
    // The list scrolls itself to the newest message. Only where it does not scroll on its own (a phone, where the
    // page scrolls) is the page moved, and never away from someone typing in the composer.
    box.scrollTop = box.scrollHeight;
    const typing = document.activeElement instanceof HTMLTextAreaElement;
    if (box.scrollHeight <= box.clientHeight && !typing) bottom.current?.scrollIntoView({ block: 'end' });
  }, [lastId]);

  const sentence = typingSentence([...typists.values()].map((v) => v.name));
  const onTyping = useCallback(
    (typing: boolean) => void messagingApi.typing(id, typing).catch(() => {}),
    [id],
  );
  const group = conversation.kind === 'group';
  const others = useMemo(
    () => conversation.participants.filter((p) => p.userId !== meId),
    [conversation, meId],
  );

  async function older() {
    if (nextBefore === null) return;
    try {
      const page = await messagingApi.messages(id, nextBefore);
      setMessages((list) => page.messages.reduce(upsertMessage, list));
      setNextBefore(page.nextBefore);
    } catch (e) {
      setError(explain(e));
    }
  }

  return (
    <section
      className="flex h-full min-h-0 flex-col"
      data-testid="thread"
      data-conversation-id={id}
      data-live={channel.status === 'active'}
    >
      <header className="flex items-center justify-between gap-3 border-b border-slate-200 px-4 py-3">
        <div className="min-w-0">
          <h2 className="truncate font-semibold text-slate-900" data-testid="thread-title">
            {conversationTitle(conversation, meId)}
          </h2>
          <p
            className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-500"
            data-testid="thread-members"
          >
            {others.map((p) => {
              const member = presence.get(p.userId);
              return (
                <span key={p.userId} className="inline-flex items-center gap-1">
                  <PresenceDot userId={p.userId} member={member} />
                  {p.name}
                  {member?.statusText ? <span className="text-slate-500">({member.statusText})</span> : null}
                </span>
              );
            })}
          </p>
        </div>
        {conversation.orderId ? (
          <Link href={`/orders/${conversation.orderId}`} className="btn-secondary px-2.5 py-1 text-xs">
            {t('thread.openOrder')}
          </Link>
        ) : null}
      </header>
      {below}
      <div ref={scroller} className="min-h-0 flex-1 overflow-y-auto px-4 py-3">
        {nextBefore !== null ? (
          <div className="mb-3 text-center">
            <button type="button" className="btn-ghost px-2 py-1 text-xs" onClick={() => void older()}>
              {t('thread.loadOlder')}
            </button>
          </div>
        ) : null}
        {loading && messages.length === 0 ? (
          <p className="text-sm text-slate-500">{t('thread.loading')}</p>
        ) : null}
        {!loading && messages.length === 0 ? (
          <p className="text-center text-sm text-slate-500">{t('thread.empty')}</p>
        ) : null}
        <ol className="flex flex-col gap-3" data-testid="messages">
          {messages.map((m) => (
            <MessageItem
              key={m.id}
              message={m}
              mine={m.authorId === meId}
              group={group}
              participants={conversation.participants}
              onEdit={async (body) => {
                try {
                  const { message } = await messagingApi.edit(id, m.id, body);
                  setMessages((list) => upsertMessage(list, message));
                  setError(null);
                } catch (e) {
                  setError(explain(e));
                  throw e;
                }
              }}
              onDelete={async () => {
                try {
                  const { message } = await messagingApi.remove(id, m.id);
                  setMessages((list) => upsertMessage(list, message));
                } catch (e) {
                  setError(explain(e));
                }
              }}
            />
          ))}
        </ol>
        <div ref={bottom} />
      </div>
      <p className="h-5 px-4 text-xs text-slate-500 italic" aria-live="polite" data-testid="typing-indicator">
        {sentence ? t(sentence.key, sentence.values) : ''}
      </p>
      <Composer
        error={error}
        onTyping={onTyping}
        onSend={async (body) => {
          try {
            const { message } = await messagingApi.send(id, body);
            setMessages((list) => upsertMessage(list, message));
            setError(null);
            return true;
          } catch (e) {
            setError(explain(e));
            return false;
          }
        }}
      />
    </section>
  );
}
