import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenants } from './core';

/** One domain action (created, updated, deleted, viewed, commented, locked, resolved …) with its field changes. */
export const activityEvents = pgTable(
  'activity_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    actorId: uuid('actor_id'),
    actorName: text('actor_name').notNull(),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    /** What people call the entity (an order number, a product name), kept so the feed needs no joins. */
    entityLabel: text('entity_label'),
    changes: jsonb('changes').$type<Record<string, { before: unknown; after: unknown }>>(),
    meta: jsonb('meta').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('activity_events_tenant_time_idx').on(t.tenantId, t.createdAt),
    index('activity_events_entity_idx').on(t.tenantId, t.entityType, t.entityId, t.createdAt),
  ],
);

export type ActivityEventRow = typeof activityEvents.$inferSelect;
