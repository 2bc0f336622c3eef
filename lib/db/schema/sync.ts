import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { ChangeResult } from '../../sync/types';
import { tenants, users } from './core';

/** Every applied change of a synced entity: one row per entity version. */
export const entityChanges = pgTable(
  'entity_changes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    entityType: text('entity_type').notNull(),
    entityId: uuid('entity_id').notNull(),
    version: integer('version').notNull(),
    field: text('field').notNull(),
    section: text('section').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    userName: text('user_name').notNull(),
    clientChangeId: text('client_change_id').notNull(),
    /** The op as applied (after transformation), replayable by clients. */
    op: jsonb('op').notNull(),
    /** What undo applies (a value, or an inverted text op); null when the change cannot be undone. */
    inverse: jsonb('inverse'),
    before: jsonb('before'),
    after: jsonb('after'),
    strategy: text('strategy').notNull(),
    outcome: text('outcome').notNull(),
    overwrote: jsonb('overwrote'),
    /** Digest of the entity's synced state after this change (lib/sync/digest.ts); clients check theirs. */
    digest: text('digest'),
    /** `change`, or `undo`/`redo` (compensating changes; `undoOf` names the change they reverse). */
    kind: text('kind').notNull().default('change'),
    undoOf: uuid('undo_of'),
    undoneBy: uuid('undone_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('entity_changes_version_idx').on(t.entityType, t.entityId, t.version),
    index('entity_changes_field_idx').on(t.entityType, t.entityId, t.field, t.version),
    index('entity_changes_section_time_idx').on(t.entityType, t.entityId, t.section, t.createdAt),
    index('entity_changes_tenant_time_idx').on(t.tenantId, t.createdAt),
  ],
);

/** Client change ids already applied per user and entity, with the answer given, so a retry takes effect once. */
export const appliedClientChanges = pgTable(
  'applied_client_changes',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    clientChangeId: text('client_change_id').notNull(),
    tenantId: uuid('tenant_id').notNull(),
    entityId: uuid('entity_id').notNull(),
    result: jsonb('result').$type<ChangeResult>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.entityId, t.clientChangeId] })],
);

/** Concurrent edits a `manual` field did not apply, queued for a person to resolve. */
export const syncConflicts = pgTable(
  'sync_conflicts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    entityType: text('entity_type').notNull(),
    entityId: uuid('entity_id').notNull(),
    field: text('field').notNull(),
    section: text('section').notNull(),
    baseVersion: integer('base_version').notNull(),
    base: jsonb('base'),
    mine: jsonb('mine'),
    theirs: jsonb('theirs'),
    mineUserId: uuid('mine_user_id').notNull(),
    mineUserName: text('mine_user_name').notNull(),
    theirsUserId: uuid('theirs_user_id').notNull(),
    theirsUserName: text('theirs_user_name').notNull(),
    theirsVersion: integer('theirs_version').notNull(),
    clientChangeId: text('client_change_id').notNull(),
    status: text('status').notNull().default('open'),
    resolution: text('resolution'),
    resolvedValue: jsonb('resolved_value'),
    resolvedBy: uuid('resolved_by'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedVersion: integer('resolved_version'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('sync_conflicts_tenant_status_idx').on(t.tenantId, t.status, t.createdAt),
    index('sync_conflicts_entity_idx').on(t.entityType, t.entityId, t.status),
  ],
);

/** The strategy per section, per tenant and entity type (absent: the built-in default). */
export const entityPolicies = pgTable(
  'entity_policies',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    entityType: text('entity_type').notNull(),
    sections: jsonb('sections').notNull(),
    updatedBy: uuid('updated_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.entityType] })],
);

/** The merged Yjs state of an entity governed (partly) by the crdt strategy, base64 encoded. */
export const yjsStates = pgTable('yjs_states', {
  entityType: text('entity_type').notNull(),
  entityId: uuid('entity_id').primaryKey(),
  tenantId: uuid('tenant_id')
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  state: text('state').notNull().default(sql`''`),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type EntityChangeRow = typeof entityChanges.$inferSelect;
export type SyncConflictRow = typeof syncConflicts.$inferSelect;
