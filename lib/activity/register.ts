import { Counter } from 'prom-client';
import { z } from 'zod';
import { registerCommentRpcs } from '../comments/register';
import { createCommentService } from '../comments/service';
import type { Db } from '../db/create-db';
import { listActivity } from '../db/queries/activity';
import { orderNumberOf } from '../db/queries/catalog-reads';
import { listOrders } from '../db/queries/orders';
import type { Hub } from '../realtime/server';
import { RealtimeError } from '../realtime/server/errors';
import type { Services } from '../server/services';
import { type LockStore, lockKey } from '../sync/service/locks/lock-store';
import { createMemoryLockStore } from '../sync/service/locks/memory-lock-store';
import { createRedisLockStore } from '../sync/service/locks/redis-lock-store';
import { createOrderOwners } from '../sync/service/order-owner';
import { registerSyncRpc } from '../sync/service/register';
import { createSyncService, leaseView, type SyncService } from '../sync/service/sync-service';
import type { SyncTransport } from '../sync/service/transport';
import { orderSections } from '../sync/types';
import { type ActivityInput, flushActivityRuns, recordActivity, toActivityView } from './record';
import { type ActivityPage, activityListParams } from './types';

export type CollaborationRegistration = { sync: SyncService; locks: LockStore; close(): Promise<void> };

/**
 * Sync RPCs that name an order answer NOT_FOUND for an order outside the caller's tenant before the service runs
 * (the tenant sweep's rule: a read or write by id is refused for another tenant's id, not answered empty).
 * `sync.push` answers per change and checks the order inside its own transaction.
 */
const orderScopedMethods = new Set([
  'sync.open',
  'sync.pull',
  'sync.undo',
  'sync.redo',
  'sync.history',
  'lock.acquire',
  'lock.renew',
  'lock.release',
  'lock.forceRelease',
]);

function entityIdOf(params: unknown): string | undefined {
  if (typeof params !== 'object' || params === null || !('entityId' in params)) return undefined;
  return typeof params.entityId === 'string' ? params.entityId : undefined;
}

/** The hub as the sync service's transport: a failed result becomes an error ack with its code. */
function hubTransport(hub: Hub, db: Db): SyncTransport {
  return {
    registerRpc(method, schema, handler) {
      hub.registerRpc(method, schema, async (ctx, params) => {
        const entityId = orderScopedMethods.has(method) ? entityIdOf(params) : undefined;
        if (entityId !== undefined && (await orderNumberOf(db, ctx.user.tenantId, entityId)) === null)
          throw new RealtimeError('NOT_FOUND', 'Order not found');
        const result = await handler({ user: ctx.user, connectionId: ctx.connectionId }, params);
        if (!result.ok)
          throw new RealtimeError(result.error.code, result.error.message, result.error.details);
        return result.value;
      });
    },
  };
}

/**
 * Wires collaborative editing into a running process: the sync service (RPCs sync.*, lock.*, conflict.*,
 * policy.*) over a lock store (Redis with REDIS_URL, else memory), locks released when their holder leaves the
 * order room (last tab closed, disconnect, or a dead node's presence timing out), comments, the activity feed
 * (recordActivity for sync, comments and catalog), and the admin lock list. start.ts calls it once.
 */
export function registerCollaboration(services: Services): CollaborationRegistration {
  const { hub } = services.realtime;
  const { env, logger } = services;
  const db = services.database.db;
  const publish = (input: Parameters<Hub['publish']>[0]) => hub.publish(input);
  const { redis } = services.realtime;
  const locks: LockStore = redis
    ? createRedisLockStore(redis, `${env.REDIS_PREFIX}:locks`)
    : createMemoryLockStore();

  const activity = (input: ActivityInput) => recordActivity({ db, publish, logger }, input);
  const divergences = new Counter({
    name: 'osl_sync_divergence_total',
    help: 'Replicas found to differ from the digest of a committed version (each one repaired itself)',
    registers: [hub.metrics.registry],
  });
  const sync = createSyncService({
    database: services.database,
    locks,
    publish,
    activity,
    flushOutbox: () => services.outbox?.flush() ?? Promise.resolve(),
    maxBatch: env.SYNC_MAX_BATCH,
    orderLog: env.SYNC_ORDER_LOG,
    maxPendingPerOrder: env.SYNC_MAX_PENDING_PER_ORDER,
    maxPending: env.SYNC_MAX_PENDING,
    onDivergence: (report) => {
      divergences.inc();
      logger.warn(report, 'sync replica diverged from the server; the client resynced');
    },
  });
  // With Redis, one node at a time writes an order: a push that reaches another node is forwarded to its owner.
  const owners = redis
    ? createOrderOwners({
        redis,
        prefix: env.REDIS_PREFIX,
        nodeId: services.nodeId,
        bus: {
          publish: (topic, payload) => hub.publishBusTopic(topic, payload),
          on: (topic, handler) => hub.onBusTopic(topic, (payload) => handler(payload)),
        },
        otherNodes: () => hub.remoteNodes(),
        run: sync.push,
        onError: (error) => logger.warn({ err: (error as Error).message }, 'sync order owner'),
      })
    : null;
  registerSyncRpc(hubTransport(hub, db), sync, owners ? { push: owners.push } : {});
  registerCommentRpcs(hub, createCommentService({ db, publish, activity }));

  hub.registerRpc('activity.list', activityListParams, async (ctx, params): Promise<ActivityPage> => {
    const rows = await listActivity(db, {
      tenantId: ctx.user.tenantId,
      actions: params.actions,
      entityTypes: params.entityTypes,
      entityId: params.entityId,
      before: params.before ? { at: new Date(params.before.at), id: params.before.id } : undefined,
      limit: params.limit + 1,
    });
    const items = rows.slice(0, params.limit).map(toActivityView);
    const last = items[items.length - 1];
    return { items, next: rows.length > params.limit && last ? { at: last.at, id: last.id } : null };
  });

  // Every live lease of the tenant's newest orders, for the admin page's "stuck locks".
  hub.registerRpc('collab.locks', z.object({}).optional(), async (ctx) => {
    if (ctx.user.role !== 'admin') throw new RealtimeError('FORBIDDEN');
    const page = await listOrders(db, ctx.user.tenantId, { page: 1, pageSize: 200 });
    const keys = page.rows.flatMap((o) =>
      orderSections.map((s) => lockKey(ctx.user.tenantId, 'order', o.id, s)),
    );
    const leases = keys.length ? await locks.getMany(keys) : [];
    const numbers = new Map(page.rows.map((o) => [o.id, o.number]));
    return {
      items: leases.map((lease) => {
        const entityId = lease.key.split(':').at(-2) ?? '';
        return { ...leaseView(lease), entityId, number: numbers.get(entityId) ?? null };
      }),
    };
  });

  const offPresence = hub.onPresence((change) => {
    if (change.action !== 'leave' || !change.channel?.startsWith('order:')) return;
    const entityId = change.channel.slice('order:'.length);
    const { member } = change;
    const ctx = {
      user: { id: member.userId, name: member.name, role: member.role, tenantId: change.tenantId },
      connectionId: null,
    };
    void (async () => {
      for (const section of orderSections) {
        const lease = await locks.get(lockKey(change.tenantId, 'order', entityId, section));
        if (lease?.userId === member.userId)
          await sync.releaseLock(ctx, { entityType: 'order', entityId, section });
      }
    })().catch((error: Error) => logger.warn({ err: error.message }, 'lock release on leave failed'));
  });

  return {
    sync,
    locks,
    async close() {
      offPresence();
      await owners?.close();
      await flushActivityRuns(db);
      await locks.close().catch(() => undefined);
    },
  };
}
