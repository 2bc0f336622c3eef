'use client';

import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_MESSAGE_CHARS } from '@/lib/messaging/limits';
import { createTypingEmitter } from './typing-emitter';

const typingTimers = {
  setTimeout: (fn: () => void, ms: number) => window.setTimeout(fn, ms),
  clearTimeout: (handle: unknown) => window.clearTimeout(handle as number),
  now: () => Date.now(),
};

/** The message box: Enter sends, Shift+Enter is a new line; tells the others when this person types. */
export function Composer({
  onSend,
  onTyping,
  error,
}: {
  onSend(body: string): Promise<boolean>;
  onTyping(typing: boolean): void;
  error: string | null;
}) {
  const { t } = useTranslation('messages');
  const [body, setBody] = useState('');
  const [sending, setSending] = useState(false);
  const emitter = useMemo(
    () =>
      createTypingEmitter({
        send: (typing) => onTyping(typing),
        idleMs: 3000,
        refreshMs: 4000,
        timers: typingTimers,
      }),
    [onTyping],
  );
  useEffect(() => () => emitter.stop(), [emitter]);
  const length = [...body].length;
  const tooLong = length > MAX_MESSAGE_CHARS;

  async function submit() {
    if (sending || body.trim().length === 0 || tooLong) return;
    emitter.stop();
    setSending(true);
    const sent = await onSend(body);
    setSending(false);
    if (sent) setBody('');
  }

  return (
    <form
      className="border-t border-slate-200 p-3"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <div className="flex items-end gap-2">
        <textarea
          className="field min-h-10 flex-1 resize-none"
          rows={2}
          value={body}
          placeholder={t('composer.placeholder')}
          aria-label={t('composer.label')}
          aria-invalid={tooLong}
          data-testid="composer"
          onChange={(event) => {
            setBody(event.target.value);
            if (event.target.value.length > 0) emitter.keystroke();
            else emitter.stop();
          }}
          onBlur={() => emitter.stop()}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              void submit();
            }
          }}
        />
        <button
          type="submit"
          className="btn-primary"
          disabled={sending || tooLong || body.trim().length === 0}
          data-testid="send"
        >
          {t('composer.send')}
        </button>
      </div>
      <div className="mt-1 flex justify-between gap-2 text-xs">
        <span className="text-rose-600" role="alert" data-testid="composer-error">
          {tooLong ? t('composer.tooLong', { max: MAX_MESSAGE_CHARS }) : error}
        </span>
        <span className={tooLong ? 'text-rose-600' : 'text-slate-500'}>
          {t('composer.counter', { count: length, max: MAX_MESSAGE_CHARS })}
        </span>
      </div>
    </form>
  );
}
