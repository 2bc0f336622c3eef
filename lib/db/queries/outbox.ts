import { and, asc, eq, gt, inArray, isNotNull, isNull, lt, min, or, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../create-db';
import { eventOutbox, eventOutboxHeads, type OutboxRow } from '../schema';

export type OutboxEventInput = {
  channel: string;
  event: string;
  data: unknown;
  actor: { id: string; name: string } | null;
};

/**
 * Writes the events of one aggregate into the outbox inside the caller's transaction. The head row is upserted
 * first, which locks it: two writes to one aggregate take their seqs one after the other, in commit order.
 */
export async function enqueueOutboxEvents(
  tx: Tx,
  tenantId: string,
  aggregate: string,
  events: readonly OutboxEventInput[],
): Promise<void> {
  if (events.length === 0) return;
  const [head] = await tx
    .insert(eventOutboxHeads)
    .values({ aggregate, tenantId, lastSeq: events.length })
    .onConflictDoUpdate({
      target: eventOutboxHeads.aggregate,
      set: { lastSeq: sql`${eventOutboxHeads.lastSeq} + ${events.length}` },
    })
    .returning({ lastSeq: eventOutboxHeads.lastSeq });
  if (!head) throw new Error('outbox head upsert returned nothing');
  const first = head.lastSeq - events.length + 1;
  await tx.insert(eventOutbox).values(
    events.map((e, i) => ({
      tenantId,
      aggregate,
      seq: first + i,
      channel: e.channel,
      event: e.event,
      data: e.data,
      actor: e.actor,
    })),
  );
}

/** Aggregates with unpublished events, the one whose oldest event committed first coming first. */
export async function pendingOutboxAggregates(db: Executor, limit: number): Promise<string[]> {
  const rows = await db
    .select({ aggregate: eventOutbox.aggregate, first: min(eventOutbox.id) })
    .from(eventOutbox)
    .where(isNull(eventOutbox.publishedAt))
    .groupBy(eventOutbox.aggregate)
    .orderBy(asc(min(eventOutbox.id)))
    .limit(limit);
  return rows.map((r) => r.aggregate);
}

/**
 * Claims an aggregate for one relay until `until` (a claim another relay holds and that has not lapsed is left
 * alone: null) and reads the events after what was published, in seq order. No transaction stays open while the
 * relay publishes; a relay that dies mid-way leaves a claim that lapses, and the next relay publishes from the
 * last recorded position (at least once, in order).
 */
export async function claimOutboxAggregate(
  db: Executor,
  aggregate: string,
  relayId: string,
  now: Date,
  until: Date,
  limit: number,
): Promise<{ publishedSeq: number; lastSeq: number; rows: OutboxRow[] } | null> {
  const [head] = await db
    .update(eventOutboxHeads)
    .set({ claimedBy: relayId, claimedUntil: until })
    .where(
      and(
        eq(eventOutboxHeads.aggregate, aggregate),
        or(
          isNull(eventOutboxHeads.claimedUntil),
          lt(eventOutboxHeads.claimedUntil, now),
          eq(eventOutboxHeads.claimedBy, relayId),
        ),
      ),
    )
    .returning();
  if (!head) return null;
  const rows = await db
    .select()
    .from(eventOutbox)
    .where(and(eq(eventOutbox.aggregate, aggregate), gt(eventOutbox.seq, head.publishedSeq)))
    .orderBy(asc(eventOutbox.seq))
    .limit(limit);
  return { publishedSeq: head.publishedSeq, lastSeq: head.lastSeq, rows };
}

/**
 * Records that an aggregate's events up to `seq` are published and gives up the claim, if this relay still holds
 * it (false when its claim lapsed and another relay took over).
 */
export async function releaseOutboxAggregate(
  db: Executor,
  aggregate: string,
  relayId: string,
  published: { seq: number; ids: number[] } | null,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [head] = await tx
      .update(eventOutboxHeads)
      .set({
        claimedBy: null,
        claimedUntil: null,
        ...(published ? { publishedSeq: published.seq } : {}),
      })
      .where(and(eq(eventOutboxHeads.aggregate, aggregate), eq(eventOutboxHeads.claimedBy, relayId)))
      .returning({ aggregate: eventOutboxHeads.aggregate });
    if (!head) return false;
    if (published && published.ids.length > 0)
      await tx
        .update(eventOutbox)
        .set({ publishedAt: new Date() })
        .where(inArray(eventOutbox.id, published.ids));
    return true;
  });
}

/** Published events older than `before` (the relay keeps the outbox small). */
export async function pruneOutbox(db: Executor, before: Date): Promise<void> {
  await db
    .delete(eventOutbox)
    .where(and(isNotNull(eventOutbox.publishedAt), lt(eventOutbox.publishedAt, before)));
}
