import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueOutboxEvents } from '../../lib/db/queries/outbox';
import { eventOutbox, eventOutboxHeads, tenants } from '../../lib/db/schema';
import { createOutboxRelay, type OutboxGap, type OutboxPublish } from '../../lib/outbox/relay';
import { postgresAvailable } from '../support/services';
import { createTestDatabase, type TestDatabase, type TestDbKind } from '../support/test-db';

type Seen = { channel: string; event: string; data: unknown };

/** A publish that records what it was given, and can be made to fail (the bus down, a crash mid-way). */
function sink() {
  const seen: Seen[] = [];
  let failAfter = Number.POSITIVE_INFINITY;
  const publish: OutboxPublish = async (input) => {
    if (seen.length >= failAfter) throw new Error('bus unavailable');
    seen.push({ channel: input.channel, event: input.event, data: input.data });
  };
  return {
    seen,
    publish,
    failAfter(n: number) {
      failAfter = n;
    },
    heal() {
      failAfter = Number.POSITIVE_INFINITY;
    },
  };
}

function outboxContract(kind: TestDbKind) {
  let database: TestDatabase;
  let tenantId: string;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const [tenant] = await database.db.select().from(tenants).limit(1);
    tenantId = tenant!.id;
  });
  afterAll(async () => {
    await database?.drop();
  });

  // Each event carries the seq the test expects it to get, so the order it is published in can be checked.
  const written = new Map<string, number>();
  const write = (aggregate: string, n: number) => {
    const from = written.get(aggregate) ?? 0;
    written.set(aggregate, from + n);
    return database.db.transaction(async (tx) => {
      await enqueueOutboxEvents(
        tx,
        tenantId,
        aggregate,
        Array.from({ length: n }, (_, i) => ({
          channel: 'orders',
          event: 'order.updated',
          data: { aggregate, seq: from + i + 1 },
          actor: null,
        })),
      );
    });
  };

  it('publishes each aggregate in commit order and nothing of a rolled-back write', async () => {
    const s = sink();
    const relay = createOutboxRelay({ db: database.db, publish: s.publish });
    await write('order:a', 2);
    await write('order:b', 1);
    await write('order:a', 1);
    await database.db
      .transaction(async (tx) => {
        await enqueueOutboxEvents(tx, tenantId, 'order:a', [
          { channel: 'orders', event: 'order.rolled_back', data: {}, actor: null },
        ]);
        throw new Error('the write failed');
      })
      .catch(() => undefined);
    await relay.flush();
    const rows = await database.db.select().from(eventOutbox).where(eq(eventOutbox.aggregate, 'order:a'));
    expect(rows.map((r) => r.seq).sort()).toEqual([1, 2, 3]);
    expect(s.seen.map((e) => e.event)).not.toContain('order.rolled_back');
    expect(s.seen.filter((e) => (e.data as { aggregate: string }).aggregate === 'order:a')).toHaveLength(3);
    expect(s.seen).toHaveLength(4);
    await relay.stop();
  });

  it('loses nothing when the relay dies between commit and publish: a new relay catches up, in order', async () => {
    await write('order:c', 3);
    // A relay that dies in the middle of publishing: the first event went out, the second never returns, and it
    // never records anything (its claim is left behind and lapses).
    const published: number[] = [];
    const dying = createOutboxRelay({
      db: database.db,
      claimMs: 50,
      publish: (input) => {
        const { seq } = input.data as { seq: number };
        if (published.length > 0) return new Promise<never>(() => {});
        published.push(seq);
        return Promise.resolve();
      },
    });
    void dying.flush();
    await expect.poll(() => published.length).toBe(1);
    // Writes committed while no relay publishes.
    await write('order:c', 2);
    const s = sink();
    const next = createOutboxRelay({ db: database.db, publish: s.publish, claimMs: 50 });
    await expect
      .poll(async () => {
        await next.flush();
        return s.seen.map((e) => (e.data as { seq: number }).seq);
      })
      .toEqual([1, 2, 3, 4, 5]);
    const [head] = await database.db
      .select()
      .from(eventOutboxHeads)
      .where(eq(eventOutboxHeads.aggregate, 'order:c'));
    expect(head).toMatchObject({ lastSeq: 5, publishedSeq: 5, claimedBy: null });
    const rows = await database.db.select().from(eventOutbox).where(eq(eventOutbox.aggregate, 'order:c'));
    expect(rows.every((r) => r.publishedAt !== null)).toBe(true);
    await next.stop();
  });

  it('detects a missing event instead of skipping it, and goes on once it is there', async () => {
    const s = sink();
    const gaps: OutboxGap[] = [];
    const relay = createOutboxRelay({ db: database.db, publish: s.publish, onGap: (gap) => gaps.push(gap) });
    await write('order:d', 3);
    const [lost] = await database.db
      .delete(eventOutbox)
      .where(and(eq(eventOutbox.aggregate, 'order:d'), eq(eventOutbox.seq, 2)))
      .returning();
    await relay.flush();
    expect(s.seen.map((e) => (e.data as { seq: number }).seq)).toEqual([1]);
    expect(gaps).toEqual([{ aggregate: 'order:d', expected: 2, found: 3, lastSeq: 3 }]);
    expect(relay.stats().gaps).toBe(1);
    await database.db.insert(eventOutbox).values(lost!);
    await relay.flush();
    expect(s.seen.map((e) => (e.data as { seq: number }).seq)).toEqual([1, 2, 3]);
    await relay.stop();
  });

  it('keeps what the bus refused and publishes it, in order, once the bus is back', async () => {
    const s = sink();
    const relay = createOutboxRelay({ db: database.db, publish: s.publish });
    s.failAfter(s.seen.length + 1);
    await write('order:f', 3);
    await relay.flush();
    expect(s.seen.map((e) => (e.data as { seq: number }).seq)).toEqual([1]);
    expect(relay.stats().failures).toBe(1);
    s.heal();
    await relay.flush();
    expect(s.seen.map((e) => (e.data as { seq: number }).seq)).toEqual([1, 2, 3]);
    await relay.stop();
  });

  it('two relays draining at once publish every event once, in order per aggregate', async () => {
    const s = sink();
    const one = createOutboxRelay({ db: database.db, publish: s.publish });
    const two = createOutboxRelay({ db: database.db, publish: s.publish });
    for (let i = 0; i < 6; i++) await write(`order:e${i % 3}`, 2);
    await Promise.all([one.flush(), two.flush(), one.flush(), two.flush()]);
    await one.flush();
    const all = s.seen.filter((e) => (e.data as { aggregate: string }).aggregate.startsWith('order:e'));
    expect(all).toHaveLength(12);
    for (let i = 0; i < 3; i++) {
      const seqs = all
        .filter((e) => (e.data as { aggregate: string }).aggregate === `order:e${i}`)
        .map((e) => (e.data as { seq: number }).seq);
      expect(seqs).toEqual([1, 2, 3, 4]);
    }
    await one.stop();
    await two.stop();
  });
}

describe('outbox relay: PGlite', () => outboxContract('pglite'));
describe.runIf(await postgresAvailable())('outbox relay: PostgreSQL', () => outboxContract('postgres'));
