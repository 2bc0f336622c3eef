import { describe, expect, it } from 'vitest';
import type { InboxItem } from '@/lib/notifications/contract';
import { INBOX_SIZE, mergeInbox } from './inbox-merge';

const item = (id: string, readAt: string | null = null): InboxItem => ({
  id,
  kind: 'comment.mention',
  payload: {},
  createdAt: '2026-12-06T01:00:00.000Z',
  readAt,
});

describe('mergeInbox', () => {
  it('takes the read as it is when nothing arrived meanwhile', () => {
    expect(mergeInbox({ notifications: [item('a'), item('b', 'x')], unread: 1 }, [])).toEqual({
      items: [item('a'), item('b', 'x')],
      unread: 1,
    });
  });

  it('keeps a notification that arrived live while the read was in flight and is not in it', () => {
    const merged = mergeInbox({ notifications: [item('a')], unread: 1 }, [item('new')]);
    expect(merged.items.map((i) => i.id)).toEqual(['new', 'a']);
    expect(merged.unread).toBe(2);
  });

  it('counts an arrival once when the read already has it', () => {
    const merged = mergeInbox({ notifications: [item('new'), item('a')], unread: 2 }, [item('new')]);
    expect(merged.items.map((i) => i.id)).toEqual(['new', 'a']);
    expect(merged.unread).toBe(2);
  });

  it('does not count an arrival that is already read, and keeps the inbox to its size', () => {
    const many = Array.from({ length: INBOX_SIZE }, (_, n) => item(`old${n}`, 'x'));
    const merged = mergeInbox({ notifications: many, unread: 0 }, [item('seen', 'x')]);
    expect(merged.items).toHaveLength(INBOX_SIZE);
    expect(merged.items[0]!.id).toBe('seen');
    expect(merged.unread).toBe(0);
  });
});
