import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenants } from './core';

/** One admin action on a person of the tenant (who, what, when, before → after); read by admins, never edited. */
export const adminAudit = pgTable(
  'admin_audit',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    actorId: uuid('actor_id'),
    actorName: text('actor_name').notNull(),
    action: text('action').notNull(),
    targetId: uuid('target_id'),
    /** What people call the target (name and email), kept so the list needs no joins and survives deletion. */
    targetLabel: text('target_label').notNull(),
    before: jsonb('before').$type<Record<string, unknown>>(),
    after: jsonb('after').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('admin_audit_tenant_time_idx').on(t.tenantId, t.createdAt),
    index('admin_audit_target_idx').on(t.tenantId, t.targetId, t.createdAt),
  ],
);

export type AdminAuditRow = typeof adminAudit.$inferSelect;
