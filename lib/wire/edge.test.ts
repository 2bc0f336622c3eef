import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { messageView, receiptEvent, typingEvent } from '../messaging/contract';
import { notificationView } from '../notifications/contract';
import { createDropReporter } from './drop-reporter';
import { wireDropReport } from './drops';
import { createWireEdge, defaultWireMode, parseWire, WirePayloadError } from './edge';

const message = {
  id: 'm1',
  seq: 3,
  conversationId: 'c1',
  authorId: 'u1',
  authorName: 'Anna',
  body: 'Hello',
  createdAt: '2026-12-05T10:00:00.000Z',
  editedAt: null,
  deletedAt: null,
  receipts: [{ userId: 'u2', deliveredAt: null, readAt: null }],
};

describe('the wire edge', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('returns a valid payload parsed (typed, unknown keys left out)', () => {
    const edge = createWireEdge({ mode: 'strict', onDrop: () => {} });
    expect(edge.parse('messaging.message', messageView, { ...message, extra: 1 })).toEqual(message);
  });

  it('throws loudly on an invalid payload in strict mode, naming the contract and the field', () => {
    const logged: string[] = [];
    const drops: string[] = [];
    const edge = createWireEdge({ mode: 'strict', onDrop: (c) => drops.push(c), log: (m) => logged.push(m) });
    const bad = { ...message, seq: 'three' };
    expect(() => edge.parse('messaging.message', messageView, bad)).toThrow(WirePayloadError);
    expect(() => edge.parse('messaging.message', messageView, bad)).toThrow(/messaging\.message.*seq/);
    expect(logged).toHaveLength(2);
    expect(drops).toEqual([]);
  });

  it('drops and counts an invalid payload in production mode, never throwing', () => {
    const drops: string[] = [];
    const edge = createWireEdge({ mode: 'count', onDrop: (c) => drops.push(c), log: () => {} });
    expect(edge.parse('messaging.typing', typingEvent, { userId: 'u1' })).toBeNull();
    expect(edge.parse('messaging.typing', typingEvent, null)).toBeNull();
    expect(edge.parse('messaging.typing', typingEvent, 'not an object')).toBeNull();
    expect(drops).toEqual(['messaging.typing', 'messaging.typing', 'messaging.typing']);
  });

  it('rejects an invalid answer in production mode too (an answer has nothing to keep), after counting it', () => {
    const drops: string[] = [];
    const edge = createWireEdge({ mode: 'count', onDrop: (c) => drops.push(c) });
    expect(() => edge.parseOrThrow('notifications.item', notificationView, {})).toThrow(WirePayloadError);
    expect(drops).toEqual(['notifications.item']);
  });

  it('follows NODE_ENV: strict in tests, counting in production', () => {
    expect(defaultWireMode()).toBe('strict');
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => parseWire('messaging.receipt', receiptEvent, {})).toThrow(WirePayloadError);
    vi.stubEnv('NODE_ENV', 'production');
    expect(defaultWireMode()).toBe('count');
    expect(parseWire('messaging.receipt', receiptEvent, {})).toBeNull();
  });
});

describe('the drop reporter', () => {
  it('sends one report per interval with the count of each contract', () => {
    const sent: unknown[] = [];
    const timers: (() => void)[] = [];
    const reporter = createDropReporter({ send: (r) => sent.push(r), setTimer: (run) => timers.push(run) });
    reporter.record('messaging.message');
    reporter.record('messaging.message');
    reporter.record('comments.thread');
    expect(timers).toHaveLength(1);
    expect(sent).toEqual([]);
    timers[0]!();
    expect(sent).toEqual([{ drops: { 'messaging.message': 2, 'comments.thread': 1 } }]);
    reporter.record('comments.thread');
    expect(timers).toHaveLength(2);
    timers[1]!();
    expect(sent.at(-1)).toEqual({ drops: { 'comments.thread': 1 } });
    for (const report of sent) expect(wireDropReport.safeParse(report).success).toBe(true);
  });

  it('sends nothing when nothing was dropped', () => {
    const send = vi.fn();
    createDropReporter({ send, setTimer: () => {} }).flush();
    expect(send).not.toHaveBeenCalled();
  });
});

describe('the drop report the server accepts', () => {
  it('takes contract names and counts, refuses labels that would blow up the metric', () => {
    expect(wireDropReport.safeParse({ drops: { 'sync.lock.acquire': 3 } }).success).toBe(true);
    expect(wireDropReport.safeParse({ drops: { 'Robert"); DROP': 1 } }).success).toBe(false);
    expect(wireDropReport.safeParse({ drops: { 'messaging.message': 0 } }).success).toBe(false);
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`feature.c${i}`, 1]));
    expect(wireDropReport.safeParse({ drops: many }).success).toBe(false);
  });
});

describe('contracts', () => {
  it('read a message whose optional parts the server leaves out', () => {
    const schema = z.object({ message: messageView });
    expect(schema.safeParse({ message }).success).toBe(true);
    expect(schema.safeParse({ message: { ...message, receipts: undefined } }).success).toBe(false);
  });
});
