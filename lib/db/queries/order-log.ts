import { and, asc, desc, eq, gte, inArray, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, Tx } from '../create-db';
import { appliedClientChanges, type EntityChangeRow, entityChanges, orderLines, orders } from '../schema';
import { orderColumns, type SyncedOrder } from './order-writes';

/**
 * The statements of one group commit across orders (lib/sync/service/order-log.ts): each reads or writes every
 * order of the tick at once, so a tick costs the same few statements whether it carries one edit or a thousand.
 */

/** Locks the orders (in id order, so two nodes' ticks never wait on each other in a cycle) and reads them. */
export async function lockOrders(tx: Tx, ids: readonly string[]): Promise<Omit<SyncedOrder, 'lines'>[]> {
  if (ids.length === 0) return [];
  return tx
    .select(orderColumns)
    .from(orders)
    .where(inArray(orders.id, [...ids]))
    .orderBy(asc(orders.id))
    .for('update');
}

/** The lines of several orders, each order's in its own order (as `loadOrderLines` reads one). */
export async function linesOfOrders(tx: Tx, ids: readonly string[]) {
  const byOrder = new Map<string, SyncedOrder['lines']>();
  if (ids.length === 0) return byOrder;
  const rows = await tx
    .select({
      orderId: orderLines.orderId,
      id: orderLines.id,
      productId: orderLines.productId,
      quantity: orderLines.quantity,
    })
    .from(orderLines)
    .where(inArray(orderLines.orderId, [...ids]))
    .orderBy(asc(orderLines.orderId), asc(orderLines.position), asc(orderLines.id));
  for (const { orderId, ...line } of rows) {
    const lines = byOrder.get(orderId) ?? [];
    lines.push(line);
    byOrder.set(orderId, lines);
  }
  return byOrder;
}

/**
 * History rows of several orders: per order, the versions above `after`. Oldest first. As stored: a text edit kept
 * by its op alone comes without its values (lib/db/queries/change-values.ts); the order log's memory keeps text
 * rows without them anyway.
 */
export async function historyAfter(
  tx: Tx,
  entities: readonly { id: string; after: number }[],
): Promise<Map<string, EntityChangeRow[]>> {
  const byOrder = new Map<string, EntityChangeRow[]>();
  if (entities.length === 0) return byOrder;
  const floors = sql.join(
    entities.map((e) => sql`(${e.id}::uuid, ${Math.max(0, e.after)}::int)`),
    sql`, `,
  );
  const rows = await tx
    .select()
    .from(entityChanges)
    .where(
      and(
        eq(entityChanges.entityType, 'order'),
        inArray(
          entityChanges.entityId,
          entities.map((e) => e.id),
        ),
        sql`${entityChanges.version} > (select f.floor from (values ${floors}) as f(id, floor) where f.id = ${entityChanges.entityId})`,
      ),
    )
    .orderBy(asc(entityChanges.entityId), asc(entityChanges.version));
  for (const row of rows) {
    const list = byOrder.get(row.entityId) ?? [];
    list.push(row);
    byOrder.set(row.entityId, list);
  }
  return byOrder;
}

/** Each person's newest edit of each section of several orders since a moment (the concurrent-edit notice). */
export async function recentEditorsOf(tx: Tx, ids: readonly string[], since: Date) {
  if (ids.length === 0) return [];
  return tx
    .selectDistinctOn([entityChanges.entityId, entityChanges.section, entityChanges.userId], {
      entityId: entityChanges.entityId,
      section: entityChanges.section,
      userId: entityChanges.userId,
      userName: entityChanges.userName,
      createdAt: entityChanges.createdAt,
    })
    .from(entityChanges)
    .where(
      and(
        eq(entityChanges.entityType, 'order'),
        inArray(entityChanges.entityId, [...ids]),
        gte(entityChanges.createdAt, since),
      ),
    )
    .orderBy(
      entityChanges.entityId,
      entityChanges.section,
      entityChanges.userId,
      desc(entityChanges.createdAt),
    );
}

/** Stored answers for client change ids of several users and orders (a superset is read; callers match keys). */
export async function answersFor(
  tx: Tx,
  keys: readonly { userId: string; entityId: string; clientChangeId: string }[],
) {
  if (keys.length === 0) return [];
  return tx
    .select()
    .from(appliedClientChanges)
    .where(
      and(
        inArray(appliedClientChanges.userId, [...new Set(keys.map((k) => k.userId))]),
        inArray(appliedClientChanges.entityId, [...new Set(keys.map((k) => k.entityId))]),
        inArray(appliedClientChanges.clientChangeId, [...new Set(keys.map((k) => k.clientChangeId))]),
      ),
    );
}

/**
 * Everything a tick writes, in ONE statement (data-modifying CTEs): the new heads of its orders (notes, shipping
 * address, version), its history rows and the answers to its client change ids. One round trip instead of three.
 */
export async function writeTick(
  tx: Tx,
  tick: {
    heads: readonly Pick<SyncedOrder, 'id' | 'notes' | 'shippingAddress' | 'version'>[];
    changes: readonly EntityChangeRow[];
    answers: readonly (typeof appliedClientChanges.$inferSelect)[];
  },
) {
  const statement = tickStatement(tick, false);
  if (statement) await tx.execute(statement);
}

/**
 * The same writes as `writeTick`, as ONE statement of its own (no transaction around it: it commits alone, or not
 * at all), guarded: an order is written only while it is still at the version the caller judged it on, of that
 * tenant, with no policy switch waiting; its history rows and answers only with it. Answers the ids of the orders
 * written; the others were left as they were (another writer moved them: the caller judges them again on the
 * locked rows). An answer already stored fails the whole statement (unique key), which then wrote nothing.
 */
export async function writeTickGuarded(
  database: Pick<Database, 'prepared'>,
  tick: {
    heads: readonly (Pick<SyncedOrder, 'id' | 'tenantId' | 'notes' | 'shippingAddress' | 'version'> & {
      judgedAt: number;
    })[];
    changes: readonly EntityChangeRow[];
    answers: readonly (typeof appliedClientChanges.$inferSelect)[];
  },
): Promise<Set<string>> {
  const statement = tickStatement(tick, true);
  if (!statement) return new Set();
  // Prepared: its text depends only on which parts the tick has (the rows travel as JSON), so PostgreSQL plans
  // each of those few shapes once per connection (planning was about a third of the statement's time).
  const shape = `${tick.heads.length > 0 ? 'h' : ''}${tick.changes.length > 0 ? 'c' : ''}${tick.answers.length > 0 ? 'a' : ''}`;
  const rows = writtenRows.parse(await database.prepared(`order_log_tick_${shape}`, statement));
  return new Set(rows.map((row) => row.id));
}

const writtenRows = z.array(z.object({ id: z.string() }));

/**
 * Rows as ONE JSON text, read back by `json_to_recordset` against the columns it names (fields it does not name are
 * ignored; a missing field or a JSON null is SQL NULL; a json/jsonb column takes the value as it is). One native
 * JSON.stringify instead of a query parameter per cell: drizzle built and checked each of the tick's hundreds of
 * parameters one by one, about a tenth of a node's CPU per edit (`npm run bench:sync` profile). Text holding a
 * lone UTF-16 surrogate, which PostgreSQL refuses in JSON, never gets here: the edges refuse or replace it
 * (lib/wire/json.ts).
 */
const jsonRows = (rows: readonly object[]): string => JSON.stringify(rows);

/** The tick's writes as one statement; `guard`: each head carries the version and tenant it must still have. */
function tickStatement(
  tick: {
    heads: readonly (Pick<SyncedOrder, 'id' | 'notes' | 'shippingAddress' | 'version'> & {
      judgedAt?: number;
      tenantId?: string;
    })[];
    changes: readonly EntityChangeRow[];
    answers: readonly (typeof appliedClientChanges.$inferSelect)[];
  },
  guard: boolean,
): SQL | null {
  const parts: SQL[] = [];
  if (tick.heads.length > 0) {
    // Only the columns written: a head is the whole order in memory (its lines too).
    const heads = jsonRows(
      tick.heads.map((h) => ({
        id: h.id,
        notes: h.notes,
        shippingAddress: h.shippingAddress,
        version: h.version,
        ...(guard ? { judgedAt: h.judgedAt, tenantId: h.tenantId } : {}),
      })),
    );
    const guarded = guard
      ? sql` and o.version = v."judgedAt" and o.tenant_id = v."tenantId" and o.next_policy is null`
      : sql``;
    parts.push(sql`heads as (update orders as o
      set notes = v.notes, shipping_address = v."shippingAddress", version = v.version,
        updated_at = case when v.version = o.version then o.updated_at else now() end
      from json_to_recordset(${heads}::json)
        as v(id uuid, notes text, "shippingAddress" jsonb, version int, "judgedAt" int, "tenantId" uuid)
      where o.id = v.id${guarded} returning o.id)`);
  } else if (guard) return null;
  const written = (column: string) =>
    guard ? sql.raw(` where v."${column}" in (select id from heads)`) : sql``;
  if (tick.changes.length > 0) {
    parts.push(sql`changes as (insert into entity_changes (id, tenant_id, entity_type, entity_id, version, field,
      section, user_id, user_name, client_change_id, op, inverse, before, after, strategy, outcome, overwrote,
      digest, kind, undo_of, undone_by, created_at)
      select * from json_to_recordset(${jsonRows(tick.changes)}::json) as v(id uuid, "tenantId" uuid,
        "entityType" text, "entityId" uuid, version int, field text, section text, "userId" uuid, "userName" text,
        "clientChangeId" text, op jsonb, inverse jsonb, before jsonb, after jsonb, strategy text, outcome text,
        overwrote jsonb, digest text, kind text, "undoOf" uuid, "undoneBy" uuid, "createdAt" timestamptz)${written('entityId')})`);
  }
  if (tick.answers.length > 0) {
    parts.push(sql`answers as (insert into applied_client_changes (user_id, client_change_id, tenant_id, entity_id,
      result, created_at)
      select * from json_to_recordset(${jsonRows(tick.answers)}::json) as v("userId" uuid, "clientChangeId" text,
        "tenantId" uuid, "entityId" uuid, result jsonb, "createdAt" timestamptz)${written('entityId')})`);
  }
  if (parts.length === 0) return null;
  return guard
    ? sql`with ${sql.join(parts, sql`, `)} select id from heads`
    : sql`with ${sql.join(parts, sql`, `)} select 1`;
}
