'use client';

import type { TextOp } from 'ot-text-unicode';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { colorOf } from '@/components/collab/avatar';
import { initials } from '@/components/realtime/avatar-style';
import type { Member } from '@/lib/realtime/protocol/messages';
import {
  caretAfterOp,
  diffToTextOp,
  transformCaret,
  transformRange,
} from '@/lib/sync/strategies/operational-transform';
import { toCodePoint, toUtf16 } from '@/lib/sync/text-diff';
import { type OverlayRange, overlaySegments } from './overlay-segments';

export type NotesSelection = { start: number; end: number; quote: string } | null;

type Adjusted = { start: number; end: number; stamp: string };

/** The author's own op puts their caret just past it (their caret report may come before or after the op). */
function authorCaret(c: Adjusted, op: TextOp): Adjusted {
  const at = caretAfterOp(op);
  return at === null ? c : { start: at, end: at, stamp: c.stamp };
}

/**
 * The notes as one shared text: local typing becomes text ops (through the sync manager), remote ops move this
 * user's selection and everyone's carets, commented ranges are highlighted. Positions are code points, as in OT.
 */
export function NotesEditor({
  value,
  editable,
  members,
  ranges,
  activeRangeId,
  onChangeText,
  onRemoteText,
  onCaret,
  onSelection,
  onTyping,
  onTextOp,
  remoteAuthor,
}: {
  value: string;
  editable: boolean;
  /** Other people in the room (their cursor with field "notes" is their caret: x = start, y = end). */
  members: readonly Member[];
  /** Commented ranges, in code points. */
  ranges: readonly OverlayRange[];
  activeRangeId: string | null;
  /** The new text and where the caret is in it (code points): where the person's edit ends. */
  onChangeText(next: string, caret: number): void;
  onRemoteText(listener: (op: TextOp, change: { userId: string }) => void): () => void;
  /** Who made the latest remote change (their own caret already accounts for it). */
  remoteAuthor: string | null;
  onCaret(start: number, end: number): void;
  onSelection(selection: NotesSelection): void;
  onTyping(): void;
  /** Every change of the text as an op (local, remote, or a diff), so anchored ranges can move with it. */
  onTextOp(op: TextOp): void;
}) {
  const { t } = useTranslation('collab');
  const area = useRef<HTMLTextAreaElement>(null);
  const pendingSelection = useRef<{ start: number; end: number } | null>(null);
  const [adjusted, setAdjusted] = useState<Record<string, Adjusted>>({});
  /** The text the textarea showed last and the selection in it, for changes that come without a text op. */
  const shown = useRef({ text: value, start: 0, end: 0 });

  const carets = useMemo(
    () =>
      members
        // A caret is shown while its owner is in the notes; it goes when they move to another section.
        .filter((m) => m.cursor?.field === 'notes' && m.location?.section === 'notes')
        .map((m) => {
          const own = adjusted[m.userId];
          const base = { start: m.cursor?.x ?? 0, end: m.cursor?.y ?? m.cursor?.x ?? 0 };
          // A new caret report from its owner replaces what local transforms made of the previous one.
          const stamp = `${base.start}:${base.end}:${m.updatedAt}`;
          return { userId: m.userId, name: m.name, stamp, ...(own && own.stamp === stamp ? own : base) };
        }),
    [members, adjusted],
  );
  const caretsRef = useRef(carets);
  caretsRef.current = carets;

  /**
   * Moves everyone's caret through an op, except its author's: their presence reports where their caret is after
   * their own edit, and may arrive before the op itself.
   */
  const moveCarets = useCallback((op: TextOp, author: string | null = null) => {
    setAdjusted(
      Object.fromEntries(
        caretsRef.current.map((c) => [
          c.userId,
          c.userId === author
            ? authorCaret(c, op)
            : { start: transformCaret(c.start, op), end: transformCaret(c.end, op), stamp: c.stamp },
        ]),
      ),
    );
  }, []);
  const authorRef = useRef(remoteAuthor);
  authorRef.current = remoteAuthor;

  useEffect(
    () =>
      onRemoteText((op, change) => {
        const el = area.current;
        if (el && document.activeElement === el) {
          const text = el.value;
          pendingSelection.current = transformRange(
            { start: toCodePoint(text, el.selectionStart), end: toCodePoint(text, el.selectionEnd) },
            op,
          );
        }
        moveCarets(op, change.userId);
        onTextOp(op);
      }),
    [onRemoteText, moveCarets, onTextOp],
  );

  useLayoutEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight}px`;
    let selection = pendingSelection.current;
    pendingSelection.current = null;
    const previous = shown.current;
    if (!selection && previous.text !== value) {
      // A remote change without a text op (Yjs, a whole-value set): move the selection through the diff.
      const op = diffToTextOp(previous.text, value);
      selection = transformRange({ start: previous.start, end: previous.end }, op);
      moveCarets(op, authorRef.current);
      onTextOp(op);
    }
    shown.current = {
      text: value,
      start: selection?.start ?? previous.start,
      end: selection?.end ?? previous.end,
    };
    if (selection && document.activeElement === el && el.value === value) {
      el.setSelectionRange(toUtf16(value, selection.start), toUtf16(value, selection.end));
      reportRef.current();
    }
  }, [value, moveCarets, onTextOp]);

  /**
   * Tells the others where this caret is. A report is relative to the text as this tab sees it, so it is sent
   * again once typing pauses and after remote edits moved the caret: the last word is always the current one.
   */
  const resend = useRef<ReturnType<typeof setTimeout> | null>(null);
  const report = useCallback(() => {
    const el = area.current;
    if (!el || document.activeElement !== el) return;
    if (resend.current) clearTimeout(resend.current);
    resend.current = setTimeout(() => {
      resend.current = null;
      const now = area.current;
      if (now && document.activeElement === now)
        onCaret(toCodePoint(now.value, now.selectionStart), toCodePoint(now.value, now.selectionEnd));
    }, 600);
    const start = toCodePoint(el.value, el.selectionStart);
    const end = toCodePoint(el.value, el.selectionEnd);
    shown.current = { text: el.value, start, end };
    onCaret(start, end);
    onSelection(
      start === end ? null : { start, end, quote: el.value.slice(el.selectionStart, el.selectionEnd) },
    );
  }, [onCaret, onSelection]);

  const reportRef = useRef(report);
  reportRef.current = report;
  useEffect(
    () => () => {
      if (resend.current) clearTimeout(resend.current);
    },
    [],
  );

  const segments = useMemo(
    () =>
      overlaySegments(
        value,
        ranges.map((r) => ({ id: r.id, start: toUtf16(value, r.start), end: toUtf16(value, r.end) })),
        carets.map((c) => ({
          userId: c.userId,
          name: c.name,
          start: toUtf16(value, c.start),
          end: toUtf16(value, c.end),
        })),
      ),
    [value, ranges, carets],
  );

  // The right gutter holds the name tags of remote carets, level with their line, so no tag covers any text. On a
  // phone the gutter is narrow and a tag shows the person's initials (the avatar's), on wider screens the name.
  const shared = 'py-3 pr-11 sm:pr-24 pl-3.5 text-sm leading-6 whitespace-pre-wrap break-words font-sans';
  return (
    <div className="relative rounded-lg border border-slate-300 bg-white shadow-xs focus-within:border-brand-500 has-[textarea:read-only]:bg-slate-50">
      <textarea
        ref={area}
        data-testid="notes-input"
        aria-label={t('editor.sections.notes')}
        value={value}
        readOnly={!editable}
        placeholder={editable ? t('editor.notesPlaceholder') : ''}
        spellCheck={false}
        rows={4}
        className={`${shared} block min-h-32 w-full resize-none overflow-hidden rounded-lg bg-transparent text-slate-900 outline-none placeholder:text-slate-500 focus-visible:ring-2 focus-visible:ring-brand-500/40`}
        onChange={(event) => {
          const next = event.target.value;
          const before = value;
          // The caret says where the edit was when typed text repeats its neighbour (several diffs fit).
          const caret = toCodePoint(next, event.target.selectionEnd);
          const op = diffToTextOp(before, next, caret);
          moveCarets(op);
          onTextOp(op);
          shown.current = { ...shown.current, text: next };
          onChangeText(next, caret);
          onTyping();
          report();
        }}
        onSelect={report}
        onKeyUp={report}
        onMouseUp={report}
      />
      <div aria-hidden className={`${shared} pointer-events-none absolute inset-0 text-transparent`}>
        {segments.map((segment, i) =>
          segment.kind === 'caret' ? (
            <span
              // biome-ignore lint/suspicious/noArrayIndexKey: segments are positional
              key={`c${i}`}
              data-testid="remote-caret"
              data-user={segment.name}
            >
              <span className="relative inline-block h-6 w-0 align-top">
                <span
                  className="absolute inset-y-0.5 -left-px w-0.5 rounded-full"
                  style={{ background: colorOf(segment.userId).hex }}
                />
                <span
                  className="absolute top-0 -left-[3px] size-1.5 rounded-full"
                  style={{ background: colorOf(segment.userId).hex }}
                />
              </span>
              {/* Positioned against the notes box, left at its line: the tag sits in the right gutter. */}
              <span
                className="absolute right-1.5 mt-1 max-w-[2.25rem] truncate rounded-sm px-1 py-0.5 text-[10px] leading-none font-medium whitespace-nowrap text-white shadow-sm sm:max-w-[5.25rem]"
                style={{ background: colorOf(segment.userId).hex }}
              >
                <span className="sm:hidden">{initials(segment.name)}</span>
                <span className="hidden sm:inline">{segment.name}</span>
              </span>
            </span>
          ) : (
            <span
              // biome-ignore lint/suspicious/noArrayIndexKey: segments are positional
              key={`t${i}`}
              className={
                segment.threadIds.length > 0
                  ? segment.threadIds.includes(activeRangeId ?? '')
                    ? 'rounded-xs bg-amber-300/60'
                    : 'rounded-xs bg-amber-200/45 underline decoration-amber-500 decoration-2 underline-offset-4'
                  : undefined
              }
              style={
                segment.selectedBy.length > 0
                  ? { background: `${colorOf(segment.selectedBy[0]!).hex}33` }
                  : undefined
              }
            >
              {segment.text}
            </span>
          ),
        )}
        {'\u200b'}
      </div>
    </div>
  );
}
