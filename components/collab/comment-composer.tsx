'use client';

import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { mentionQueryAt } from '@/lib/comments/mentions';
import type { DirectoryEntry } from '@/lib/comments/types';
import { Avatar } from './avatar';

/**
 * A comment box with @mention autocomplete from the tenant's directory: typing "@na" lists matching people,
 * Enter or a click inserts "@Name" and remembers who was picked.
 */
export function CommentComposer({
  placeholder,
  submitLabel,
  initial = '',
  internal,
  autoFocus = false,
  testId,
  search,
  onTyping,
  onSubmit,
  onCancel,
  extra,
}: {
  placeholder: string;
  submitLabel: string;
  initial?: string;
  internal: boolean;
  autoFocus?: boolean;
  testId?: string;
  search(query: string, internal: boolean): Promise<DirectoryEntry[]>;
  onTyping?(): void;
  onSubmit(body: string, mentions: string[]): Promise<unknown>;
  onCancel?(): void;
  /** Shown left of the buttons (e.g. the internal switch). */
  extra?: ReactNode;
}) {
  const { t } = useTranslation('collab');
  const [text, setText] = useState(initial);
  const [picked, setPicked] = useState<DirectoryEntry[]>([]);
  const [query, setQuery] = useState<{ start: number; query: string } | null>(null);
  const [options, setOptions] = useState<DirectoryEntry[]>([]);
  const [active, setActive] = useState(0);
  const [busy, setBusy] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (!query) {
      setOptions([]);
      return;
    }
    let cancelled = false;
    void search(query.query, internal)
      .then((users) => {
        if (!cancelled) {
          setOptions(users);
          setActive(0);
        }
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [query, internal, search]);

  function pick(entry: DirectoryEntry) {
    const el = box.current;
    if (!el || !query) return;
    const caret = el.selectionStart;
    const next = `${text.slice(0, query.start)}@${entry.name} ${text.slice(caret)}`;
    setText(next);
    setPicked((list) => (list.some((p) => p.id === entry.id) ? list : [...list, entry]));
    setQuery(null);
    const at = query.start + entry.name.length + 2;
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(at, at);
    });
  }

  async function submit() {
    const body = text.trim();
    if (!body || busy) return;
    setBusy(true);
    try {
      await onSubmit(
        body,
        picked.filter((p) => body.includes(`@${p.name}`)).map((p) => p.id),
      );
      setText('');
      setPicked([]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="relative">
      <textarea
        ref={box}
        data-testid={testId}
        className="field min-h-16 resize-y text-sm"
        rows={2}
        value={text}
        placeholder={placeholder}
        autoFocus={autoFocus}
        onChange={(e) => {
          setText(e.target.value);
          setQuery(mentionQueryAt(e.target.value, e.target.selectionStart));
          onTyping?.();
        }}
        onKeyDown={(e) => {
          if (options.length > 0 && query) {
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length);
              return;
            }
            if (e.key === 'Enter' || e.key === 'Tab') {
              e.preventDefault();
              const entry = options[active];
              if (entry) pick(entry);
              return;
            }
            if (e.key === 'Escape') {
              setQuery(null);
              return;
            }
          }
          if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) void submit();
        }}
      />
      {query && options.length > 0 ? (
        <div
          role="listbox"
          data-testid="mention-options"
          className="absolute top-full left-0 z-20 mt-1 w-64 overflow-hidden rounded-lg border border-slate-200 bg-white py-1 shadow-lg"
        >
          <p className="px-3 pt-1 pb-1.5 text-[11px] font-medium tracking-wide text-slate-500 uppercase">
            {t('comments.mentionHint')}
          </p>
          {options.map((entry, i) => (
            <button
              type="button"
              role="option"
              aria-selected={i === active}
              key={entry.id}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(entry);
              }}
              className={`flex w-full items-center gap-2 px-3 py-1.5 text-left text-sm ${i === active ? 'bg-brand-50 text-brand-900' : 'text-slate-700 hover:bg-slate-50'}`}
            >
              <Avatar userId={entry.id} name={entry.name} size="sm" />
              <span className="truncate">{entry.name}</span>
            </button>
          ))}
        </div>
      ) : null}
      <div className="mt-2 flex items-center justify-end gap-2">
        {extra ? <div className="mr-auto">{extra}</div> : null}
        {onCancel ? (
          <button type="button" className="btn-ghost px-2.5 py-1 text-xs" onClick={onCancel}>
            {t('comments.cancel')}
          </button>
        ) : null}
        <button
          type="button"
          className="btn-primary px-3 py-1 text-xs"
          disabled={busy || text.trim().length === 0}
          onClick={() => void submit()}
          data-testid={testId ? `${testId}-submit` : undefined}
        >
          {submitLabel}
        </button>
      </div>
    </div>
  );
}
