import { randomUUID } from 'node:crypto';
import type { ActivityInput } from '../../activity/record';
import {
  lockActivity,
  resolvedActivity,
  syncCommitActivity,
  viewedActivity,
} from '../../activity/sync-activity';
import type { StockItem } from '../../catalog/dto';
import { enqueueOrderListEvent, listedOrderSections } from '../../catalog/order-events';
import { canTransition, orderTransitions } from '../../catalog/order-transitions';
import type { Database, Tx } from '../../db/create-db';
import { findOrderRow, orderNumberOf } from '../../db/queries/catalog-reads';
import { countOpenConflicts, listConflicts } from '../../db/queries/conflicts';
import { changesAfter, findAppliedClientChanges, listHistory } from '../../db/queries/order-changes';
import { loadSyncedOrder, markPolicySwitch } from '../../db/queries/order-writes';
import { readEntityPolicy, writeEntityPolicy } from '../../db/queries/policies';
import type { EntityChangeRow, Order } from '../../db/schema';
import type { ErrorCode } from '../../realtime/protocol/codes';
import { digestOf } from '../digest';
import { type OrderPolicy, parsePolicy } from '../policy';
import { type PushedChange, type SyncParams, syncEvents } from '../protocol';
import type { Lease } from '../strategies/lease';
import type { ChangeResult, LeaseView, SyncOrderStatus } from '../types';
import { orderSections } from '../types';
import { toBase64 } from '../yjs-doc';
import { toAppliedChange } from './applied';
import {
  type CommitDeps,
  type CommitJob,
  type CommitResult,
  commitBatch,
  commitChange,
  type EntityRef,
  type PreparedChange,
  transactional,
} from './commit-change';
import { resolveConflictChange, toConflictView, withCurrent } from './conflicts';
import { canWrite, fail, isAdmin, ok, type Publish, type SyncContext, type SyncResult } from './context';
import { fenceClientChanges, isFenced } from './fence';
import { type LockStore, lockKey } from './locks/lock-store';
import { toDoc } from './order-entity';
import { createOrderLog } from './order-log';
import { pinPolicy, policyOfOrder } from './policy-switch';
import { statusChangeEvents } from './status-events';
import { prepareUndo } from './undo';
import { ensureYjsState } from './yjs-state';

export type SyncServiceDeps = {
  database: Database;
  locks: LockStore;
  publish: Publish;
  now?: () => number;
  lockTtlMs?: number;
  /** Most changes one group commit takes (more wait for the next one); 1 commits each change on its own. */
  maxBatch?: number;
  /**
   * Plain edits go through the order log (order-log.ts: memory and one commit per tick across orders); false
   * sends every change through the per-change path (the benchmarks' baseline).
   */
  orderLog?: boolean;
  /** Changes waiting on one order / on this node beyond which a push is refused with RATE_LIMITED. */
  maxPendingPerOrder?: number;
  maxPending?: number;
  /** Told when a client found its replica differed from a version's digest (counted on /metrics, logged). */
  onDivergence?: (report: { tenantId: string; entityId: string; version: number; userId: string }) => void;
  /** Publishes the outbox after a commit (the relay of lib/outbox); the events were written with the change. */
  flushOutbox?: () => Promise<void>;
  /** Records a committed action in the activity feed (lib/activity recordActivity); absent in unit tests. */
  activity?: (input: ActivityInput) => Promise<unknown>;
};

const PULL_LIMIT = 500;

type BatchEntry = {
  job: CommitJob;
  resolve: (committed: CommitResult) => void;
  reject: (error: unknown) => void;
};
/** How long the lease a status change from outside the editor takes for its commit may live, should it be left. */
const STATUS_CHANGE_LEASE_MS = 15_000;

/** A status change from outside the editor (the catalog's REST route and server action). */
export type StatusChangeParams = { entityId: string; status: SyncOrderStatus; expectedVersion?: number };

/** What a status change committed: its history entry, the order row after it, and the stock it moved. */
export type StatusChanged = {
  change: ReturnType<typeof toAppliedChange>;
  order: Order;
  stock: StockItem[];
  /** Set when the change committed but its events could not be published (the caller logs it). */
  publishError?: unknown;
};

export function leaseView(lease: Lease): LeaseView {
  return {
    key: lease.key,
    section: lease.section,
    userId: lease.userId,
    userName: lease.userName,
    acquiredAt: lease.acquiredAt,
    expiresAt: lease.expiresAt,
    connectionId: lease.connectionId,
  };
}

/** The server-authoritative sync service for orders (the entity adapter is the only order-specific part). */
export function createSyncService(deps: SyncServiceDeps) {
  const now = deps.now ?? Date.now;
  const lockTtlMs = deps.lockTtlMs ?? 30_000;
  const maxBatch = Math.max(1, deps.maxBatch ?? 64);
  const db = deps.database.db;
  // The tenant's setting, as an admin sees and sets it. What an order is edited under is pinned on the order row
  // and changes at a version of its own (policy-switch.ts): no node keeps a copy that could disagree.
  const policyOf = async (tx: Tx | Database['db'], tenantId: string): Promise<OrderPolicy> =>
    parsePolicy(await readEntityPolicy(tx, tenantId, 'order'));
  // The order lists' event (`order.updated` on `orders`) commits with every change they show (lib/outbox).
  const commitDeps: CommitDeps = {
    database: deps.database,
    locks: deps.locks,
    now,
    afterApply: async (tx, ctx, applied) => {
      if (!listedOrderSections.has(applied.section)) return;
      await enqueueOrderListEvent(
        transactional(tx),
        ctx.user.tenantId,
        applied.entityId,
        actor(ctx),
        'order.updated',
        [applied.section],
      );
    },
  };
  const orderLog = deps.orderLog === false ? null : createOrderLog(commitDeps);
  const maxPendingPerOrder = deps.maxPendingPerOrder ?? 256;
  const maxPending = deps.maxPending ?? 4_000;
  // Changes accepted and not yet answered, per order and in all (the bound on work in flight).
  const pendingByOrder = new Map<string, number>();
  let pending = 0;
  const queues = new Map<string, Promise<unknown>>();
  // Per order, the announcing of its committed batches (room events in commit order, then the answers).
  const announcing = new Map<string, Promise<void>>();
  const openBatches = new Map<string, BatchEntry[]>();
  const connectionLocks = new Map<
    string,
    Map<string, { tenantId: string; entityId: string; userId: string }>
  >();

  /** Changes of one entity run one after another on this node, so commits and publishes keep their order. */
  function serialize<T>(entityId: string, task: () => Promise<T>): Promise<T> {
    // Anything else queued on the entity closes the open batch: later pushes commit after it, in arrival order.
    openBatches.delete(entityId);
    return chain(entityId, async () => {
      // Its own events follow the ones of every commit before it.
      await announcing.get(entityId);
      // It may change the order behind the order log's back: what the log keeps of it is read again.
      orderLog?.forget(entityId);
      return task();
    });
  }

  /**
   * Pushed changes that arrive while the entity is busy wait in one open batch, committed together in one
   * transaction when their turn comes (group commit), then announced in order and answered one by one.
   */
  function enqueuePush(job: CommitJob): Promise<CommitResult> {
    const entityId = job.ref.entityId;
    return new Promise<CommitResult>((resolve, reject) => {
      const open = openBatches.get(entityId);
      if (open && open.length < maxBatch) {
        open.push({ job, resolve, reject });
        return;
      }
      const batch: BatchEntry[] = [{ job, resolve, reject }];
      openBatches.set(entityId, batch);
      void chain(entityId, async () => {
        if (openBatches.get(entityId) === batch) openBatches.delete(entityId);
        const jobs = batch.map((entry) => entry.job);
        const logged = orderLog ? await orderLog.commit(entityId, jobs) : { committed: [], rest: jobs };
        if (logged.rest.length > 0) orderLog?.forget(entityId);
        const outcomes = [
          ...logged.committed.map((committed) => ({ ok: true as const, committed })),
          ...(logged.rest.length > 0 ? await commitBatch(commitDeps, logged.rest) : []),
        ];
        // Announced and answered in commit order while the order's next batch already commits (its events
        // wait for these): an editor's ack goes out right after its change's broadcast.
        const previous = announcing.get(entityId) ?? Promise.resolve();
        const announced = previous.then(async () => {
          for (const [i, outcome] of outcomes.entries()) {
            const entry = batch[i]!;
            if (!outcome.ok) {
              entry.reject(outcome.error);
              continue;
            }
            try {
              await announce(entry.job.ctx, entry.job.ref, outcome.committed);
              entry.resolve(outcome.committed);
            } catch (error) {
              // Committed but not published: the caller hears the error; its retry is answered from the store.
              entry.reject(error);
            }
          }
        });
        announcing.set(entityId, announced);
        void announced.then(() => {
          if (announcing.get(entityId) === announced) announcing.delete(entityId);
        });
      });
    });
  }

  function chain<T>(entityId: string, task: () => Promise<T>): Promise<T> {
    const previous = queues.get(entityId) ?? Promise.resolve();
    const next = previous.then(task, task);
    const settled = next.catch(() => {});
    queues.set(entityId, settled);
    void settled.then(() => {
      if (queues.get(entityId) === settled) queues.delete(entityId);
    });
    return next;
  }

  const room = (entityId: string) => `order:${entityId}`;
  const actor = (ctx: SyncContext) => ({ id: ctx.user.id, name: ctx.user.name });
  // Order numbers never change: remembered once read, so every activity entry names its order (not an id).
  const numbers = new Map<string, string>();
  const numberOf = async (tenantId: string, entityId: string): Promise<string | null> => {
    const known = numbers.get(entityId);
    if (known) return known;
    const number = await orderNumberOf(db, tenantId, entityId).catch(() => null);
    if (number) {
      if (numbers.size > 10_000) numbers.clear();
      numbers.set(entityId, number);
    }
    return number;
  };
  // Entries are recorded one after another, in commit order (a run of edits folds into its first entry).
  let recording: Promise<unknown> = Promise.resolve();
  const record = (input: ActivityInput) => {
    const activity = deps.activity;
    if (!activity) return;
    recording = recording
      .then(async () => {
        const label = input.entityLabel ?? (await numberOf(input.tenantId, input.entityId));
        await activity(label ? { ...input, entityLabel: label } : input);
      })
      .catch(() => undefined);
  };
  const who = (ctx: SyncContext, entityId: string) => ({
    tenantId: ctx.user.tenantId,
    actor: actor(ctx),
    entityId,
  });

  async function announce(ctx: SyncContext, ref: EntityRef, committed: CommitResult): Promise<void> {
    await publishCommitted(ctx, ref, committed);
  }

  /** The outbox's events of what just committed go out (never fails: what is left, the relay retries). */
  const flushOutbox = () => deps.flushOutbox?.() ?? Promise.resolve();

  /** Publishes a committed change (room, conflicts, a status change's catalog events); returns the latter. */
  async function publishCommitted(ctx: SyncContext, ref: EntityRef, committed: CommitResult) {
    // A retry answers from the store; a policy switch it entered on its way (under the row lock) still goes out.
    if (committed.switched) await publishChange(ctx, ref.entityId, committed.switched);
    if (committed.replay) return null;
    if (committed.applied) {
      await deps.publish({
        tenantId: ctx.user.tenantId,
        channel: room(ref.entityId),
        event: syncEvents.change,
        data: { ...toAppliedChange(committed.applied), concurrent: concurrentOf(committed.result) },
        actor: actor(ctx),
      });
    }
    if (committed.conflict) {
      const data = { ...toConflictView(committed.conflict), concurrent: concurrentOf(committed.result) };
      for (const channel of [room(ref.entityId), 'admin']) {
        await deps.publish({
          tenantId: ctx.user.tenantId,
          channel,
          event: syncEvents.conflict,
          data,
          actor: actor(ctx),
        });
      }
    }
    // A status change also tells lists, stock views and product pages, as the catalog's status change does.
    const status = committed.applied
      ? await statusChangeEvents(db, ctx.user.tenantId, committed.applied, actor(ctx))
      : null;
    for (const e of status?.events ?? [])
      await deps.publish({ tenantId: ctx.user.tenantId, ...e, actor: actor(ctx) });
    for (const input of syncCommitActivity(who(ctx, ref.entityId), committed.applied, committed.conflict))
      record(status ? { ...input, entityLabel: status.number } : input);
    if (committed.applied && listedOrderSections.has(committed.applied.section)) await flushOutbox();
    return status;
  }

  async function publishChange(ctx: SyncContext, entityId: string, row: EntityChangeRow) {
    await deps.publish({
      tenantId: ctx.user.tenantId,
      channel: room(entityId),
      event: syncEvents.change,
      data: { ...toAppliedChange(row), concurrent: [] },
      actor: actor(ctx),
    });
  }

  /**
   * The order as it stands, with an admin's pending policy switch entered in its history first (and announced),
   * so whoever opens or catches up sees the version at which the switch applies.
   */
  async function settledOrder(ctx: SyncContext, entityId: string) {
    const order = await loadSyncedOrder(db, ctx.user.tenantId, entityId);
    if (!order || (order.policy !== null && order.nextPolicy === null)) return order;
    const switched = await serialize(entityId, async () => {
      const row = await db.transaction(async (tx) => {
        const locked = await loadSyncedOrder(tx, ctx.user.tenantId, entityId, true, true);
        return locked
          ? (await pinPolicy(tx, locked, now(), { userId: ctx.user.id, userName: ctx.user.name })).switched
          : null;
      });
      if (row) await publishChange(ctx, entityId, row);
      return row;
    });
    return switched || order.policy === null ? loadSyncedOrder(db, ctx.user.tenantId, entityId) : order;
  }

  /** The products a committed status change moved, as its `order.status_changed` event lists them. */
  function stockOf(status: Awaited<ReturnType<typeof statusChangeEvents>>): StockItem[] {
    for (const e of status?.events ?? []) if (e.event === 'order.status_changed') return e.data.stock;
    return [];
  }

  function concurrentOf(result: ChangeResult) {
    return result.status === 'rejected' ? [] : result.concurrent;
  }

  async function publishLock(
    ctx: SyncContext,
    entityId: string,
    section: string,
    lease: Lease | null,
    extra = {},
  ) {
    const data = { section, lease: lease ? leaseView(lease) : null, ...extra };
    await deps.publish({
      tenantId: ctx.user.tenantId,
      channel: room(entityId),
      event: syncEvents.lock,
      data,
      actor: actor(ctx),
    });
    // The admins' lock list follows every take, renewal and release (no polling).
    await deps.publish({
      tenantId: ctx.user.tenantId,
      channel: 'admin',
      event: syncEvents.lock,
      data: { ...data, entityId },
      actor: actor(ctx),
    });
  }

  async function entityLocks(tenantId: string, entityId: string): Promise<LeaseView[]> {
    const leases = await deps.locks.getMany(
      orderSections.map((s) => lockKey(tenantId, 'order', entityId, s)),
    );
    return leases.map(leaseView);
  }

  function pushOne(ctx: SyncContext, ref: EntityRef, change: PushedChange): Promise<CommitResult> {
    const prepared: PreparedChange = { ...change, kind: 'change', undoOf: null };
    return enqueuePush({
      ctx,
      ref,
      prepare: async () => prepared,
      prepared,
      options: { dedupeId: change.clientChangeId },
    });
  }

  async function undoRedo(ctx: SyncContext, params: SyncParams<'sync.undo'>, mode: 'undo' | 'redo') {
    if (!canWrite(ctx.user)) return fail('FORBIDDEN', 'Viewers cannot edit');
    const ref: EntityRef = { entityType: 'order', entityId: params.entityId };
    const result = await serialize(ref.entityId, async () => {
      const committed = await commitChange(commitDeps, ctx, ref, (tx, order) =>
        prepareUndo(tx, ctx, ref, order, mode, params.changeId, `${mode}:${randomUUID()}`),
      );
      await announce(ctx, ref, committed);
      return committed.result;
    });
    return result.status === 'rejected'
      ? fail(result.code as ErrorCode, result.message, result.details)
      : ok(result);
  }

  /**
   * The status change of the orders list (the catalog's REST route and server action) as one more change through
   * the sync commit: history row, version, dedupe, `sync.change` and the catalog events, like an editor's push
   * based on the current version. Under `lock-based` a lease held by someone else refuses it (`LOCKED`, naming the
   * holder); with no lease it takes one for the commit and gives it back, so none is left behind.
   */
  async function changeStatus(
    ctx: SyncContext,
    params: StatusChangeParams,
  ): Promise<SyncResult<StatusChanged>> {
    if (!canWrite(ctx.user)) return fail('FORBIDDEN', 'Viewers cannot edit');
    const ref: EntityRef = { entityType: 'order', entityId: params.entityId };
    const { tenantId } = ctx.user;
    return serialize(ref.entityId, async () => {
      const key = lockKey(tenantId, 'order', ref.entityId, 'status');
      const lockedBy = (holder: Lease) =>
        fail<StatusChanged>('LOCKED', `Locked by ${holder.userName}`, { holder: leaseView(holder) });
      let taken: string | null = null;
      if ((await policyOf(db, tenantId)).status === 'lock-based') {
        const held = await deps.locks.get(key);
        if (held && held.userId !== ctx.user.id) return lockedBy(held);
        if (!held) {
          const token = randomUUID();
          const acquired = await deps.locks.acquire(
            {
              key,
              section: 'status',
              userId: ctx.user.id,
              userName: ctx.user.name,
              token,
              connectionId: null,
            },
            STATUS_CHANGE_LEASE_MS,
          );
          if (!acquired.ok) return lockedBy(acquired.holder);
          taken = token;
        }
      }
      try {
        const clientChangeId = `status:${randomUUID()}`;
        // Read back in the commit's transaction: the row exactly as this change left it.
        const after: { order: Order | null } = { order: null };
        const committed = await commitChange(
          commitDeps,
          ctx,
          ref,
          async (_tx, current) => {
            const from = current.status;
            const to = params.status;
            if (params.expectedVersion !== undefined && params.expectedVersion !== current.version) {
              return {
                code: 'STALE_VERSION',
                message: 'The order was changed by someone else; reload and retry',
                details: { currentVersion: current.version },
              };
            }
            if (!canTransition(from, to)) {
              const allowed = [...orderTransitions[from]];
              return {
                code: 'VALIDATION',
                message: `${from} cannot become ${to}`,
                details: { reason: 'invalid_transition', from, to, allowed },
              };
            }
            const op = { type: 'set' as const, value: to };
            return {
              field: 'status',
              op,
              baseVersion: current.version,
              clientChangeId,
              kind: 'change',
              undoOf: null,
            };
          },
          {
            dedupeId: clientChangeId,
            inTransaction: async (tx) => {
              after.order = await findOrderRow(tx, tenantId, ref.entityId);
            },
          },
        );
        const { result, applied } = committed;
        const { order } = after;
        if (result.status === 'rejected')
          return fail<StatusChanged>(result.code as ErrorCode, result.message, result.details);
        if (result.status === 'conflict' || !applied || !order) {
          // Not reached for a change based on the current version; said plainly should a strategy ever do it.
          return fail<StatusChanged>('CONFLICT', 'The status change waits for a decision', {
            reason: 'sync_conflict',
            conflictId: result.status === 'conflict' ? result.conflictId : null,
          });
        }
        let publishError: unknown;
        let status: Awaited<ReturnType<typeof statusChangeEvents>> = null;
        try {
          status = await publishCommitted(ctx, ref, committed);
        } catch (error) {
          publishError = error;
          status = await statusChangeEvents(db, tenantId, applied, actor(ctx));
        }
        const changed: StatusChanged = { change: toAppliedChange(applied), order, stock: stockOf(status) };
        return ok(publishError === undefined ? changed : { ...changed, publishError });
      } finally {
        if (taken) {
          const lease = await deps.locks.get(key);
          // Given back only while it is still the one taken here (the user may have taken it in an editor since).
          if (lease?.token === taken && lease.connectionId === null)
            await deps.locks.release(key, ctx.user.id);
        }
      }
    });
  }

  return {
    async open(ctx: SyncContext, params: SyncParams<'sync.open'>) {
      const settled = await settledOrder(ctx, params.entityId);
      if (!settled) return fail('NOT_FOUND', 'Order not found');
      // The order row, its lines (and the Yjs state) read together with the row locked, after whatever this node
      // already queued on the order: the document is exactly its version's. Read as two statements outside a
      // transaction, a commit in between (a group commit of a notes edit and a new line, from either node) gave
      // an order row of one version with the lines of a later one: a document no version ever had, which the
      // client then found to differ from the next version's digest.
      const snapshot = await serialize(settled.id, () =>
        db.transaction(async (tx) => {
          const locked = await loadSyncedOrder(tx, ctx.user.tenantId, settled.id, true, true);
          if (!locked) return null;
          const policy = policyOfOrder(locked);
          // Which pending edits are in this document (not one committed after it).
          // One given up at an earlier open whose answer was lost is not taken: its edit is still to carry over.
          const stored = await findAppliedClientChanges(tx, ctx.user.id, locked.id, params.pending ?? []);
          const taken = stored.filter((row) => !isFenced(row.result));
          // The rest are given up: a copy still on its way (sent to another node just before the reconnect) finds
          // this refusal once it holds the row, and is not applied after the client carried its edit over.
          if (params.fence) await fenceClientChanges(tx, ctx.user, locked.id, params.pending ?? [], stored);
          if (policy.notes !== 'crdt' && policy.lines !== 'crdt')
            return { order: locked, policy, taken, yjsState: null };
          const entity = { entityType: 'order', entityId: locked.id, tenantId: ctx.user.tenantId };
          const yjs = await ensureYjsState(tx, entity, toDoc(locked), policy);
          return { order: locked, policy, taken, yjsState: toBase64(yjs.state) };
        }),
      );
      if (!snapshot) return fail('NOT_FOUND', 'Order not found');
      const { order, policy, taken, yjsState } = snapshot;
      const conflicts = await listConflicts(db, {
        tenantId: ctx.user.tenantId,
        entityType: 'order',
        entityId: order.id,
        status: 'open',
        limit: 50,
      });
      const opened = ok({
        entityId: order.id,
        number: order.number,
        version: order.version,
        doc: toDoc(order),
        policy,
        locks: await entityLocks(ctx.user.tenantId, order.id),
        yjsState,
        conflicts: await withCurrent(db, ctx.user.tenantId, conflicts),
        digest: digestOf(toDoc(order)),
        /** Which of the client's pending change ids the server already took, and how. */
        settled: taken.map((row) => ({
          clientChangeId: row.clientChangeId,
          status: row.result.status,
        })),
        serverTime: now(),
      });
      numbers.set(order.id, order.number);
      record(viewedActivity(who(ctx, order.id), order.number));
      return opened;
    },

    async push(ctx: SyncContext, params: SyncParams<'sync.push'>) {
      if (!canWrite(ctx.user)) return fail('FORBIDDEN', 'Viewers cannot edit');
      const ref: EntityRef = { entityType: 'order', entityId: params.entityId };
      // Past capacity the push is refused whole, before anything of it is queued: the client keeps its edits
      // and sends them again after the pause it is given, so what is accepted keeps a bounded wait.
      const count = params.changes.length;
      const onOrder = pendingByOrder.get(ref.entityId) ?? 0;
      if (onOrder + count > maxPendingPerOrder || pending + count > maxPending) {
        const load = Math.max(onOrder / maxPendingPerOrder, pending / maxPending);
        return fail('RATE_LIMITED', 'Too many edits are waiting; sending again shortly', {
          reason: 'busy',
          retryAfterMs: Math.round(100 + 400 * Math.min(1, load)),
        });
      }
      pending += count;
      pendingByOrder.set(ref.entityId, onOrder + count);
      let committed: CommitResult[];
      try {
        // Queued together, so a client's batch commits in one transaction with whatever else waits on the order.
        committed = await Promise.all(params.changes.map((change) => pushOne(ctx, ref, change)));
      } finally {
        pending -= count;
        const left = (pendingByOrder.get(ref.entityId) ?? count) - count;
        if (left > 0) pendingByOrder.set(ref.entityId, left);
        else pendingByOrder.delete(ref.entityId);
      }
      const results = committed.map((c) => c.result);
      const since = Math.min(...params.changes.map((c) => c.baseVersion));
      // When the batch's own commits are exactly the versions after the base, they are the whole answer; else
      // the order log's memory has the versions between (no read, so the ack is not held behind one), or the
      // database does.
      const own = committed.map((c) => c.applied);
      const contiguous = own.every((row, i) => row !== null && row.version === since + 1 + i);
      const through = Math.max(0, ...own.map((row) => row?.version ?? 0));
      const remembered =
        contiguous || through === 0
          ? null
          : (orderLog?.changesAfter(ref.entityId, ctx.user.tenantId, since, through) ?? null);
      const rows = contiguous
        ? own.filter((row) => row !== null)
        : (remembered ??
          (await changesAfter(db, { ...ref, tenantId: ctx.user.tenantId }, since, PULL_LIMIT)));
      return ok({ results, changes: rows.map(toAppliedChange), complete: rows.length < PULL_LIMIT });
    },

    async pull(ctx: SyncContext, params: SyncParams<'sync.pull'>) {
      const order = await settledOrder(ctx, params.entityId);
      if (!order) return fail('NOT_FOUND', 'Order not found');
      const rows = await changesAfter(
        db,
        { tenantId: ctx.user.tenantId, entityType: 'order', entityId: order.id },
        params.sinceVersion,
        PULL_LIMIT,
      );
      return ok({
        version: order.version,
        changes: rows.map(toAppliedChange),
        complete: rows.length < PULL_LIMIT,
      });
    },

    async diverged(ctx: SyncContext, params: SyncParams<'sync.diverged'>) {
      const order = await loadSyncedOrder(db, ctx.user.tenantId, params.entityId, false, false);
      if (!order) return fail('NOT_FOUND', 'Order not found');
      deps.onDivergence?.({
        tenantId: ctx.user.tenantId,
        entityId: order.id,
        version: params.version,
        userId: ctx.user.id,
      });
      return ok({ version: order.version });
    },

    undo: (ctx: SyncContext, params: SyncParams<'sync.undo'>) => undoRedo(ctx, params, 'undo'),
    redo: (ctx: SyncContext, params: SyncParams<'sync.redo'>) => undoRedo(ctx, params, 'redo'),
    changeStatus,

    async history(ctx: SyncContext, params: SyncParams<'sync.history'>) {
      const rows = await listHistory(db, {
        tenantId: ctx.user.tenantId,
        entityType: 'order',
        entityId: params.entityId,
        field: params.field,
        section: params.section,
        userId: params.userId,
        beforeVersion: params.beforeVersion,
        limit: params.limit + 1,
        // The page travels as ops: a text edit's values are not sent, so they are not rebuilt either.
        asStored: true,
      });
      const page = rows.slice(0, params.limit).map(toAppliedChange);
      const more = rows.length > params.limit;
      return ok({ items: page, nextBeforeVersion: more ? page[page.length - 1]!.version : null });
    },

    async acquireLock(ctx: SyncContext, params: SyncParams<'lock.acquire'>) {
      if (!canWrite(ctx.user)) return fail('FORBIDDEN', 'Viewers cannot lock');
      const order = await loadSyncedOrder(db, ctx.user.tenantId, params.entityId);
      if (!order) return fail('NOT_FOUND', 'Order not found');
      const key = lockKey(ctx.user.tenantId, 'order', params.entityId, params.section);
      const acquired = await deps.locks.acquire(
        {
          key,
          section: params.section,
          userId: ctx.user.id,
          userName: ctx.user.name,
          token: randomUUID(),
          connectionId: ctx.connectionId,
        },
        lockTtlMs,
      );
      if (!acquired.ok) {
        return fail('LOCKED', `Locked by ${acquired.holder.userName}`, {
          holder: leaseView(acquired.holder),
        });
      }
      if (ctx.connectionId) {
        const held = connectionLocks.get(ctx.connectionId) ?? new Map();
        held.set(key, { tenantId: ctx.user.tenantId, entityId: params.entityId, userId: ctx.user.id });
        connectionLocks.set(ctx.connectionId, held);
      }
      await publishLock(ctx, params.entityId, params.section, acquired.lease);
      record(lockActivity(who(ctx, params.entityId), params.section, true));
      return ok({ lease: leaseView(acquired.lease) });
    },

    async renewLock(ctx: SyncContext, params: SyncParams<'lock.renew'>) {
      const key = lockKey(ctx.user.tenantId, 'order', params.entityId, params.section);
      const lease = await deps.locks.renew(key, ctx.user.id, lockTtlMs);
      if (!lease) return fail('LOCKED', 'You do not hold this lock');
      await publishLock(ctx, params.entityId, params.section, lease);
      return ok({ lease: leaseView(lease) });
    },

    async releaseLock(ctx: SyncContext, params: SyncParams<'lock.release'>) {
      const key = lockKey(ctx.user.tenantId, 'order', params.entityId, params.section);
      const released = await deps.locks.release(key, ctx.user.id);
      if (released) {
        await publishLock(ctx, params.entityId, params.section, null);
        record(lockActivity(who(ctx, params.entityId), params.section, false));
      }
      return ok({ released });
    },

    async forceReleaseLock(ctx: SyncContext, params: SyncParams<'lock.forceRelease'>) {
      if (!isAdmin(ctx.user)) return fail('FORBIDDEN', 'Only admins force-release locks');
      const key = lockKey(ctx.user.tenantId, 'order', params.entityId, params.section);
      const freed = await deps.locks.forceRelease(key);
      if (freed) {
        await publishLock(ctx, params.entityId, params.section, null, {
          forcedBy: actor(ctx),
          previousHolder: leaseView(freed),
        });
        record(lockActivity(who(ctx, params.entityId), params.section, false, { previousHolder: freed }));
      }
      return ok({ released: freed ? leaseView(freed) : null });
    },

    /** A connection closed: free the leases it took (leave and disconnect). */
    async releaseConnection(connectionId: string, user: SyncContext['user']) {
      const held = connectionLocks.get(connectionId);
      connectionLocks.delete(connectionId);
      if (!held) return;
      for (const [key, entry] of held) {
        const lease = await deps.locks.get(key);
        if (!lease || lease.connectionId !== connectionId) continue;
        if (await deps.locks.release(key, entry.userId)) {
          await publishLock({ user, connectionId }, entry.entityId, lease.section, null);
        }
      }
    },

    async listConflicts(ctx: SyncContext, params: SyncParams<'conflict.list'>) {
      if (!params.entityId && !isAdmin(ctx.user)) return fail('FORBIDDEN', 'Only admins see every conflict');
      const rows = await listConflicts(db, {
        tenantId: ctx.user.tenantId,
        entityType: 'order',
        entityId: params.entityId,
        status: params.status,
        limit: params.limit,
      });
      return ok({ items: await withCurrent(db, ctx.user.tenantId, rows) });
    },

    async countConflicts(ctx: SyncContext, _params: SyncParams<'conflict.count'>) {
      if (!isAdmin(ctx.user)) return fail('FORBIDDEN', 'Only admins see every conflict');
      return ok({ open: await countOpenConflicts(db, ctx.user.tenantId) });
    },

    async resolveConflict(ctx: SyncContext, params: SyncParams<'conflict.resolve'>) {
      if (!isAdmin(ctx.user)) return fail('FORBIDDEN', 'Only admins resolve conflicts');
      const resolved = await resolveConflictChange(
        { commitDeps, serialize, announce, publish: deps.publish },
        ctx,
        params,
      );
      if (resolved.ok) {
        const { conflict } = resolved.value;
        record(resolvedActivity(who(ctx, conflict.entityId), conflict, [conflict.mineBy, conflict.theirsBy]));
      }
      return resolved;
    },

    async getPolicy(ctx: SyncContext, _params: SyncParams<'policy.get'>) {
      return ok({ entityType: 'order' as const, sections: await policyOf(db, ctx.user.tenantId) });
    },

    async setPolicy(ctx: SyncContext, params: SyncParams<'policy.set'>) {
      if (!isAdmin(ctx.user)) return fail('FORBIDDEN', 'Only admins change the policy');
      // The setting and every order's pending switch commit together; each order enters the switch in its
      // history at its next version (see settledOrder and commit-change).
      await db.transaction(async (tx) => {
        await writeEntityPolicy(tx, {
          tenantId: ctx.user.tenantId,
          entityType: 'order',
          sections: params.sections,
          updatedBy: ctx.user.id,
        });
        await markPolicySwitch(tx, ctx.user.tenantId, params.sections);
      });
      await deps.publish({
        tenantId: ctx.user.tenantId,
        channel: 'orders',
        event: syncEvents.policy,
        data: { entityType: 'order', sections: params.sections },
        actor: actor(ctx),
      });
      return ok({ entityType: 'order' as const, sections: params.sections });
    },
  };
}

export type SyncService = ReturnType<typeof createSyncService>;
export type { SyncResult };
