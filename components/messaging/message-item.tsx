'use client';

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocale } from '@/lib/i18n/use-locale';
import { MAX_MESSAGE_CHARS } from '@/lib/messaging/limits';
import { summarizeReceipts } from './receipt-status';
import type { ChatMessage, Participant } from './types';

function ReceiptLine({
  message,
  participants,
  group,
}: {
  message: ChatMessage;
  participants: Participant[];
  group: boolean;
}) {
  const { t } = useTranslation('messages');
  const summary = summarizeReceipts(message.receipts);
  const names = summary.readBy.map((id) => participants.find((p) => p.userId === id)?.name ?? '?');
  let text: string = t(`receipt.${summary.status}`);
  if (group && summary.status === 'read') text = t('receipt.readByAll');
  else if (group && summary.read > 0) text = t('receipt.readBy', { names: names.join(', ') });
  else if (group && summary.status === 'sent' && summary.delivered > 0) {
    text = t('receipt.deliveredTo', { count: summary.delivered, total: summary.total });
  }
  return (
    <span
      className="text-[11px] text-slate-500"
      data-testid="receipt"
      data-status={summary.status}
      data-read-by={summary.readBy.join(',')}
    >
      {text}
    </span>
  );
}

export function MessageItem({
  message,
  mine,
  group,
  participants,
  onEdit,
  onDelete,
}: {
  message: ChatMessage;
  mine: boolean;
  group: boolean;
  participants: Participant[];
  onEdit(body: string): Promise<void>;
  onDelete(): Promise<void>;
}) {
  const { t } = useTranslation('messages');
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(message.body);
  const deleted = message.deletedAt !== null;
  const { format } = useLocale();
  // Today's messages show the time; older ones the date too (both in the business time zone).
  const time =
    format.date(message.createdAt) === format.date(new Date())
      ? format.time(message.createdAt)
      : format.dateTime(message.createdAt);

  return (
    <li
      className={`flex flex-col ${mine ? 'items-end' : 'items-start'}`}
      data-testid="message"
      data-message-id={message.id}
      data-mine={mine ? 'true' : 'false'}
    >
      {!mine ? <span className="mb-0.5 text-xs text-slate-500">{message.authorName}</span> : null}
      <div
        className={`max-w-[80%] rounded-2xl px-3.5 py-2 text-sm whitespace-pre-wrap break-words ${
          deleted
            ? 'bg-slate-100 text-slate-500 italic'
            : mine
              ? 'bg-brand-600 text-white'
              : 'bg-slate-100 text-slate-900'
        }`}
      >
        {editing ? (
          <form
            className="flex flex-col gap-2"
            onSubmit={(event) => {
              event.preventDefault();
              void onEdit(draft).then(() => setEditing(false));
            }}
          >
            <textarea
              className="field min-w-64 text-slate-900"
              value={draft}
              maxLength={MAX_MESSAGE_CHARS * 2}
              onChange={(e) => setDraft(e.target.value)}
              aria-label={t('composer.label')}
              data-testid="edit-input"
            />
            <span className="flex justify-end gap-2">
              <button
                type="button"
                className="btn-secondary px-2 py-1 text-xs"
                onClick={() => setEditing(false)}
              >
                {t('thread.cancel')}
              </button>
              <button type="submit" className="btn-primary px-2 py-1 text-xs" data-testid="edit-save">
                {t('thread.save')}
              </button>
            </span>
          </form>
        ) : (
          <span data-testid="message-body">{deleted ? t('thread.deleted') : message.body}</span>
        )}
      </div>
      <span className="mt-0.5 flex items-center gap-2 text-[11px] text-slate-500">
        <time dateTime={message.createdAt} suppressHydrationWarning>
          {time}
        </time>
        {message.editedAt && !deleted ? <span data-testid="edited">{t('thread.edited')}</span> : null}
        {mine && !deleted ? (
          <ReceiptLine message={message} participants={participants} group={group} />
        ) : null}
        {mine && !deleted && !editing ? (
          <>
            <button
              type="button"
              className="underline-offset-2 hover:underline"
              onClick={() => {
                setDraft(message.body);
                setEditing(true);
              }}
              data-testid="edit-message"
            >
              {t('thread.edit')}
            </button>
            <button
              type="button"
              className="text-rose-600 underline-offset-2 hover:underline"
              onClick={() => {
                if (window.confirm(t('thread.confirmDelete'))) void onDelete();
              }}
              data-testid="delete-message"
            >
              {t('thread.delete')}
            </button>
          </>
        ) : null}
      </span>
    </li>
  );
}
