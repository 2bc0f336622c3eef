import { describe, expect, it } from 'vitest';
import { mergeMessage, upsertMessage } from './merge-message';
import { applyReceipt, summarizeReceipts } from './receipt-status';
import { shouldToast } from './toast-rule';
import { createTypingEmitter, type TypingTimers } from './typing-emitter';
import { typingSentence } from './typing-label';

describe('typingSentence', () => {
  it.each([
    [[], null],
    [['Anna'], { key: 'typing.one', values: { a: 'Anna' } }],
    [['Anna', 'Napa'], { key: 'typing.two', values: { a: 'Anna', b: 'Napa' } }],
    [['Anna', 'Napa', 'Victor', 'Ken'], { key: 'typing.many', values: { a: 'Anna', b: 'Napa', count: 2 } }],
  ])('%j', (names, expected) => {
    expect(typingSentence(names)).toEqual(expected);
  });
});

describe('receipts', () => {
  const r = (userId: string, deliveredAt: string | null, readAt: string | null) => ({
    userId,
    deliveredAt,
    readAt,
  });
  it.each([
    [[], 'sent'],
    [[r('a', null, null), r('b', 't', null)], 'sent'],
    [[r('a', 't', null), r('b', 't', null)], 'delivered'],
    [[r('a', 't', 't'), r('b', 't', null)], 'delivered'],
    [[r('a', 't', 't'), r('b', null, 't')], 'read'],
  ] as const)('%j is %s', (receipts, status) => {
    expect(summarizeReceipts(receipts).status).toBe(status);
  });

  it('lists who read, and applies events without going backwards', () => {
    let receipts = [r('a', null, null), r('b', null, null)];
    receipts = applyReceipt(receipts, { userId: 'a', status: 'read', at: 't1' });
    receipts = applyReceipt(receipts, { userId: 'a', status: 'delivered', at: 't2' });
    expect(receipts[0]).toEqual(r('a', 't1', 't1'));
    expect(summarizeReceipts(receipts)).toMatchObject({ readBy: ['a'], delivered: 1, read: 1, total: 2 });
  });
});

describe('createTypingEmitter', () => {
  function fakeTimers() {
    let now = 0;
    let seq = 0;
    const pending = new Map<number, { at: number; fn: () => void }>();
    const timers: TypingTimers = {
      now: () => now,
      setTimeout: (fn, ms) => {
        pending.set(++seq, { at: now + ms, fn });
        return seq;
      },
      clearTimeout: (h) => {
        pending.delete(h as number);
      },
    };
    const advance = (ms: number) => {
      now += ms;
      for (const [id, t] of [...pending]) {
        if (t.at <= now) {
          pending.delete(id);
          t.fn();
        }
      }
    };
    return { timers, advance };
  }

  it('sends at once, refreshes while typing, stops after the idle time', () => {
    const { timers, advance } = fakeTimers();
    const sent: boolean[] = [];
    const emitter = createTypingEmitter({ send: (t) => sent.push(t), idleMs: 3000, refreshMs: 2000, timers });
    emitter.keystroke();
    expect(sent).toEqual([true]);
    advance(1000);
    emitter.keystroke();
    expect(sent).toEqual([true]);
    advance(1500);
    emitter.keystroke();
    expect(sent).toEqual([true, true]);
    advance(2999);
    expect(sent).toEqual([true, true]);
    advance(1);
    expect(sent).toEqual([true, true, false]);
    expect(emitter.typing).toBe(false);
  });

  it('stops on send or blur, once', () => {
    const { timers, advance } = fakeTimers();
    const sent: boolean[] = [];
    const emitter = createTypingEmitter({ send: (t) => sent.push(t), idleMs: 3000, refreshMs: 2000, timers });
    emitter.keystroke();
    emitter.stop();
    emitter.stop();
    advance(5000);
    expect(sent).toEqual([true, false]);
  });
});

describe('mergeMessage', () => {
  const base = {
    id: 'm1',
    seq: 1,
    conversationId: 'c',
    authorId: 'a',
    authorName: 'A',
    body: 'hi',
    createdAt: '2026-01-01T00:00:00.000Z',
    editedAt: null,
    deletedAt: null,
    receipts: [
      { userId: 'b', deliveredAt: null, readAt: null },
      { userId: 'c', deliveredAt: null, readAt: null },
    ],
  };

  it('keeps a receipt that arrived before an older copy of the message', () => {
    const live = { ...base, receipts: [{ userId: 'b', deliveredAt: 't1', readAt: null }, base.receipts[1]!] };
    const merged = upsertMessage([live], base);
    expect(merged).toHaveLength(1);
    expect(summarizeReceipts(merged[0]!.receipts)).toMatchObject({ delivered: 1, status: 'sent' });
  });

  it('takes the later edit, and a deletion wins', () => {
    const edited = { ...base, body: 'edited', editedAt: '2026-01-01T00:01:00.000Z' };
    expect(mergeMessage(edited, base).body).toBe('edited');
    expect(mergeMessage(base, edited).body).toBe('edited');
    const deleted = { ...base, body: '', deletedAt: '2026-01-01T00:02:00.000Z' };
    expect(mergeMessage(deleted, edited).deletedAt).not.toBeNull();
    expect(mergeMessage(edited, deleted).deletedAt).not.toBeNull();
  });

  it('keeps seq order', () => {
    const second = { ...base, id: 'm2', seq: 2 };
    expect(upsertMessage([second], base).map((m) => m.id)).toEqual(['m1', 'm2']);
  });
});

describe('shouldToast', () => {
  const message = { kind: 'message', payload: { conversationId: 'c1' }, silent: false };
  it.each([
    ['a message while online', message, 'online', null, true],
    ['a message while away', message, 'away', 'c2', true],
    ['a message while busy', message, 'busy', null, false],
    ['a message the server marked silent', { ...message, silent: true }, 'online', null, false],
    ['a message of the open thread', message, 'online', 'c1', false],
    ['an announcement', { kind: 'announcement', payload: {}, silent: false }, 'online', 'c1', true],
    ['an announcement while busy', { kind: 'announcement', payload: {}, silent: false }, 'busy', null, false],
    ['an unknown kind', { kind: 'other', payload: {}, silent: false }, 'online', null, false],
  ] as const)('%s', (_name, note, status, open, expected) => {
    expect(shouldToast(note, status, open)).toBe(expected);
  });

  it.each([
    ['a message while the conversation list shows it', message, 'c2', true, false],
    ['a message while only another thread is on screen (phone)', message, 'c2', false, true],
    [
      'an announcement on the Messages page',
      { kind: 'announcement', payload: {}, silent: false },
      null,
      true,
      true,
    ],
  ] as const)('%s', (_name, note, open, listShown, expected) => {
    expect(shouldToast(note, 'online', open, listShown)).toBe(expected);
  });
});
