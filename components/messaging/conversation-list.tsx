'use client';

import { useTranslation } from 'react-i18next';
import type { Member } from '@/lib/realtime/protocol/messages';
import { PresenceDot } from './presence-dot';
import { type ConversationItem, conversationTitle } from './types';

export function ConversationList({
  conversations,
  meId,
  selectedId,
  presence,
  onSelect,
}: {
  conversations: ConversationItem[];
  meId: string;
  selectedId: string | null;
  presence: Map<string, Member>;
  onSelect(id: string): void;
}) {
  const { t } = useTranslation('messages');
  if (conversations.length === 0) {
    return (
      <div className="px-4 py-10 text-center text-sm text-slate-500">
        <p className="font-medium text-slate-700">{t('list.empty')}</p>
        <p className="mt-1">{t('list.emptyBody')}</p>
      </div>
    );
  }
  return (
    <ul className="divide-y divide-slate-100" data-testid="conversation-list">
      {conversations.map((c) => {
        const others = c.participants.filter((p) => p.userId !== meId);
        const title = conversationTitle(c, meId);
        const last = c.lastMessage;
        const preview = !last
          ? t('list.noMessages')
          : last.deleted
            ? t('list.deleted')
            : last.authorId === meId
              ? t('list.you', { text: last.body })
              : last.body;
        const single = c.kind === 'direct' ? others[0] : undefined;
        const member = single ? presence.get(single.userId) : undefined;
        return (
          <li key={c.id}>
            <button
              type="button"
              onClick={() => onSelect(c.id)}
              aria-current={c.id === selectedId ? 'true' : undefined}
              data-testid="conversation-item"
              data-conversation-id={c.id}
              data-title={title}
              className={`flex w-full items-start gap-3 px-4 py-3 text-left hover:bg-slate-50 ${
                c.id === selectedId ? 'bg-brand-50/60' : ''
              }`}
            >
              <span className="mt-1.5 flex shrink-0 -space-x-1">
                {others.slice(0, 3).map((p) => (
                  <PresenceDot key={p.userId} userId={p.userId} member={presence.get(p.userId)} />
                ))}
              </span>
              <span className="min-w-0 flex-1">
                <span className="flex items-center justify-between gap-2">
                  <span className="truncate text-sm font-medium text-slate-900">
                    {c.orderId ? (
                      <span className="mr-1 text-xs text-slate-500">{t('list.order')} ·</span>
                    ) : null}
                    {title}
                  </span>
                  {c.unread > 0 ? (
                    <span
                      className="rounded-full bg-brand-600 px-2 py-0.5 text-xs font-semibold text-white"
                      data-testid="unread-count"
                      title={t('list.unread', { count: c.unread })}
                    >
                      {c.unread}
                    </span>
                  ) : null}
                </span>
                {member?.statusText ? (
                  <span className="block truncate text-xs text-slate-500" data-testid="status-text">
                    {member.statusText}
                  </span>
                ) : null}
                <span className="block truncate text-xs text-slate-500">{preview}</span>
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
