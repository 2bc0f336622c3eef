import { describe, expect, it } from 'vitest';
import { type IdentifiedMessage, Outbox } from './outbox';

const publish = (id: string): IdentifiedMessage => ({
  type: 'publish',
  id,
  channel: 'orders',
  event: 'e',
  data: id,
});

describe('Outbox', () => {
  it('keeps queued messages in order within capacity', () => {
    const outbox = new Outbox(3);
    for (const id of ['a', 'b', 'c']) expect(outbox.enqueue(publish(id))).toEqual([]);
    expect(outbox.unsent().map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(outbox.queued).toBe(3);
  });

  it('drops the oldest queued message past capacity and reports each drop', () => {
    const outbox = new Outbox(2);
    outbox.enqueue(publish('a'));
    outbox.enqueue(publish('b'));
    expect(outbox.enqueue(publish('c')).map((e) => e.id)).toEqual(['a']);
    expect(outbox.enqueue(publish('d')).map((e) => e.id)).toEqual(['b']);
    expect(outbox.unsent().map((e) => e.id)).toEqual(['c', 'd']);
  });

  it('does not count in-flight messages against the queue bound', () => {
    const outbox = new Outbox(1);
    outbox.enqueue(publish('a'));
    outbox.markSent('a');
    expect(outbox.enqueue(publish('b'))).toEqual([]);
    expect(outbox.size).toBe(2);
    expect(outbox.queued).toBe(1);
  });

  it('requeues in-flight messages in their original order and trims the oldest', () => {
    const outbox = new Outbox(2);
    outbox.enqueue(publish('a'));
    outbox.markSent('a');
    outbox.enqueue(publish('b'));
    outbox.markSent('b');
    outbox.enqueue(publish('c'));
    const dropped = outbox.requeueAll();
    expect(dropped.map((e) => e.id)).toEqual(['a']);
    expect(outbox.unsent().map((e) => e.id)).toEqual(['b', 'c']);
    expect(outbox.get('b')!.sends).toBe(1);
  });

  it('removes acknowledged entries and clears only the queued ones', () => {
    const outbox = new Outbox(5);
    outbox.enqueue(publish('a'));
    outbox.markSent('a');
    outbox.enqueue(publish('b'));
    outbox.enqueue(publish('c'));
    expect(outbox.clearQueued().map((e) => e.id)).toEqual(['b', 'c']);
    expect(outbox.has('a')).toBe(true);
    expect(outbox.remove('a')?.id).toBe('a');
    expect(outbox.size).toBe(0);
  });
});
