import { describe, expect, it } from 'vitest';
import { defaultOrderPolicy } from '../policy';
import type { OrderDoc } from '../types';
import { createDurableOutbox } from './durable-outbox';
import { createMemoryOutboxStore, type OutboxRecord, parseOutboxRecord } from './outbox-store';
import { createMemoryTabLocks } from './tab-locks';

const doc: OrderDoc = {
  status: 'draft',
  customerId: '00000000-0000-4000-8000-000000000001',
  shippingAddress: { line1: 'ถนนสุขุมวิท 1', line2: '', city: 'Bangkok', postalCode: '10110', country: 'TH' },
  notes: 'สวัสดี 👋🏽',
  lines: [
    {
      id: '00000000-0000-4000-8000-000000000002',
      productId: '00000000-0000-4000-8000-000000000003',
      quantity: 2,
    },
  ],
};

function record(slot: string, savedAt: number, notes = 'สวัสดี 👋🏽 ครับ'): OutboxRecord {
  return {
    userId: 'u1',
    entityId: 'o1',
    slot,
    savedAt,
    version: 4,
    policy: defaultOrderPolicy,
    confirmed: doc,
    confirmedY: null,
    intended: { ...doc, notes },
    changes: [
      {
        key: 'notes',
        field: 'notes',
        throttleKey: 'notes',
        clientChangeId: `${slot}-1`,
        op: { type: 'text', op: [doc.notes.length, ' ครับ'] },
        createdAt: savedAt,
        sent: null,
      },
      {
        key: 'status',
        field: 'status',
        throttleKey: 'status',
        clientChangeId: `${slot}-2`,
        op: { type: 'set', value: 'pending' },
        createdAt: savedAt,
        baseVersion: 3,
        // Kept: a whole value carried by intent runs from what it was made on (it was dropped here before).
        madeFrom: 'draft',
        sent: {
          clientChangeId: `${slot}-2`,
          baseVersion: 3,
          field: 'status',
          op: { type: 'set', value: 'pending' },
        },
      },
    ],
    lineProducts: { [doc.lines[0]!.id]: doc.lines[0]!.productId },
  };
}

describe('memory outbox store', () => {
  it('keeps one record per slot, loads them oldest first, and removes absorbed slots with a save', async () => {
    const store = createMemoryOutboxStore();
    await store.save(record('b', 20));
    await store.save(record('a', 10));
    await store.save({ ...record('x', 5), entityId: 'other order' });
    expect((await store.load('o1', 'u1')).map((r) => r.slot)).toEqual(['a', 'b']);
    expect(await store.load('o1', 'someone else')).toEqual([]);
    const loaded = (await store.load('o1', 'u1'))[0]!;
    expect(loaded).toEqual(record('a', 10));
    // A save that absorbed "a" removes it in the same write.
    await store.save(record('c', 30), ['a']);
    expect((await store.load('o1', 'u1')).map((r) => r.slot)).toEqual(['b', 'c']);
    await store.remove('o1', 'u1', ['b', 'c']);
    expect(await store.load('o1', 'u1')).toEqual([]);
    expect(store.size()).toBe(1);
  });

  it('returns copies: changing a loaded record does not change the stored one', async () => {
    const store = createMemoryOutboxStore();
    const saved = record('a', 1);
    await store.save(saved);
    saved.changes.pop();
    const [loaded] = await store.load('o1', 'u1');
    expect(loaded!.changes).toHaveLength(2);
  });

  it('does not replay a stored value of another shape', () => {
    expect(parseOutboxRecord(record('a', 1))).not.toBeNull();
    expect(parseOutboxRecord({ ...record('a', 1), changes: [{ field: 'notes' }] })).toBeNull();
    expect(
      parseOutboxRecord({ ...record('a', 1), policy: { ...defaultOrderPolicy, notes: 'manual-ish' } }),
    ).toBeNull();
    expect(parseOutboxRecord('not a record')).toBeNull();
  });
});

describe('memory tab locks', () => {
  it('grants one holder; ifAvailable answers null; a waiter gets it on release; an aborted wait answers null', async () => {
    const locks = createMemoryTabLocks();
    const first = await locks.acquire('l');
    expect(first).not.toBeNull();
    expect(await locks.acquire('l', { ifAvailable: true })).toBeNull();
    const abort = new AbortController();
    const aborted = locks.acquire('l', { signal: abort.signal });
    const waiting = locks.acquire('l');
    abort.abort();
    expect(await aborted).toBeNull();
    first!.release();
    const second = await waiting;
    expect(second).not.toBeNull();
    second!.release();
    expect(await locks.acquire('l', { ifAvailable: true })).not.toBeNull();
  });
});

describe('durable outbox', () => {
  it('writes through, coalesces to the newest state, and removes the slot once nothing is left', async () => {
    const store = createMemoryOutboxStore();
    const outbox = createDurableOutbox({
      store,
      locks: createMemoryTabLocks(),
      entityId: 'o1',
      userId: 'u1',
      slot: 's1',
    });
    expect(await outbox.start(() => {})).toEqual([]);
    outbox.write({ ...record('s1', 1), changes: record('s1', 1).changes.slice(0, 1) });
    outbox.write(record('s1', 2));
    await outbox.stop();
    const [saved] = await store.load('o1', 'u1');
    expect(saved!.changes.map((c) => c.clientChangeId)).toEqual(['s1-1', 's1-2']);
    const again = createDurableOutbox({
      store,
      locks: createMemoryTabLocks(),
      entityId: 'o1',
      userId: 'u1',
      slot: 's2',
    });
    const left = await again.start(() => {});
    expect(left.map((r) => r.slot)).toEqual(['s1']);
    again.write(null, ['s1']);
    await again.stop();
    expect(await store.load('o1', 'u1')).toEqual([]);
  });

  it('lets one tab own the order: a second tab adopts only after the first is gone, and only once', async () => {
    const store = createMemoryOutboxStore();
    const locks = createMemoryTabLocks();
    const tab1 = createDurableOutbox({ store, locks, entityId: 'o1', userId: 'u1', slot: 't1' });
    const tab2 = createDurableOutbox({ store, locks, entityId: 'o1', userId: 'u1', slot: 't2' });
    const adopted1: string[] = [];
    const adopted2: string[] = [];
    await tab1.start((records) => adopted1.push(...records.map((r) => r.slot)));
    expect(await tab2.start((records) => adopted2.push(...records.map((r) => r.slot)))).toEqual([]);
    expect(tab1.isOwner()).toBe(true);
    expect(tab2.isOwner()).toBe(false);
    // The second tab writes its own slot while the first owns the order: the owner waits for that tab to go.
    tab2.write(record('t2', 5));
    await expect.poll(async () => (await store.load('o1', 'u1')).length).toBe(1);
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    expect(adopted1).toEqual([]);
    await tab2.stop();
    await expect.poll(() => adopted1).toEqual(['t2']);
    // The first tab goes with its own edits stored; a third tab takes ownership and adopts them.
    tab1.write(record('t1', 6), ['t2']);
    await tab1.stop();
    const tab3 = createDurableOutbox({ store, locks, entityId: 'o1', userId: 'u1', slot: 't3' });
    const left = await tab3.start(() => {});
    expect(left.map((r) => r.slot)).toEqual(['t1']);
    expect(tab3.isOwner()).toBe(true);
    expect(adopted2).toEqual([]);
    await tab3.stop();
  });
});
