import {
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { tenants } from './core';

/**
 * Domain events written in the same transaction as the write that caused them (transactional outbox). The relay
 * (lib/outbox) publishes them in `seq` order per aggregate and stamps `published_at`; nothing else reads them.
 */
export const eventOutbox = pgTable(
  'event_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** `order:{id}`, `customer:{id}`, `product:{id}`: the unit whose events keep their commit order. */
    aggregate: text('aggregate').notNull(),
    /** 1, 2, 3 … per aggregate, assigned under the aggregate's head row lock: commit order, no holes. */
    seq: integer('seq').notNull(),
    channel: text('channel').notNull(),
    event: text('event').notNull(),
    data: jsonb('data').notNull(),
    actor: jsonb('actor').$type<{ id: string; name: string } | null>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp('published_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('event_outbox_aggregate_seq_idx').on(t.aggregate, t.seq),
    index('event_outbox_pending_idx').on(t.publishedAt, t.id),
  ],
);

/** Per aggregate: the last seq written and the last seq the relay published (pending while they differ). */
export const eventOutboxHeads = pgTable('event_outbox_heads', {
  aggregate: text('aggregate').primaryKey(),
  tenantId: uuid('tenant_id')
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  lastSeq: integer('last_seq').notNull(),
  publishedSeq: integer('published_seq').notNull().default(0),
  /** The relay publishing this aggregate now, and until when its claim holds (a crashed relay's claim lapses). */
  claimedBy: text('claimed_by'),
  claimedUntil: timestamp('claimed_until', { withTimezone: true }),
});

export type OutboxRow = typeof eventOutbox.$inferSelect;
