import { randomUUID } from 'node:crypto';
import type { Executor, Tx } from '../../db/create-db';
import { COMPACT_RUN, storableAsOp } from '../../db/queries/change-values';
import {
  answersFor,
  historyAfter,
  linesOfOrders,
  lockOrders,
  recentEditorsOf,
  writeTick,
  writeTickGuarded,
} from '../../db/queries/order-log';
import type { SyncedOrder } from '../../db/queries/order-writes';
import { pgErrorCode } from '../../db/queries/write-outcome';
import type { appliedClientChanges, EntityChangeRow } from '../../db/schema';
import type { ChangeOp, ChangeResult } from '../types';
import { sectionOfField } from '../types';
import {
  type ChangeStore,
  type CommitDeps,
  type CommitJob,
  type CommitResult,
  judge,
  NeedsTransaction,
  type PreparedChange,
  type RecentEdit,
  rejected,
} from './commit-change';
import { type PinnedOrder, storedPolicy } from './policy-switch';

/**
 * The order log: the write path of plain edits (notes and shipping address, as text ops or whole values) for
 * orders this node is editing. Each order's recent history and state live in memory (an `OrderMemo`), so judging
 * an edit reads nothing from the database; and every order's waiting edits commit together, a tick at a time,
 * whatever their number (group commit across orders). A tick whose orders are all in memory is ONE statement
 * that commits alone, each order guarded by the version it was judged at (`optimisticTick`); the orders it could
 * not write, and ticks with an order not in memory, take the locked tick:
 *
 *   BEGIN · lock and read every order of the tick (id order) · [the versions another node wrote since, or the
 *   lines and recent history of orders not in memory] · ONE statement writing the new heads of the orders, the
 *   history rows and the answers · COMMIT
 *
 * The promises stay the ones of the per-change path (`commitChange`): an edit is answered after its tick
 * commits (acked = durable); each order's edits are judged in arrival order on the locked row, each seeing the
 * ones before it, by the same `judge` over a store that answers from memory; a retried client change id gets its
 * stored answer: the tick writes every answer under the row locks, and an id already stored (a retry, or one an
 * open gave up) trips the answers' unique key, which rolls the tick back and runs it again with the stored answers
 * read first (a statement more, only then). Another node's commit moves the order's version, which the locked read
 * sees: the memo is then read again before anything is judged on it. Anything the memo cannot answer alone (a
 * crdt section, lines, status, customer, a conflict to queue, a policy switch waiting, a base older than the
 * history kept) leaves the tick: that edit and the ones after it on the order run on the per-change path, after
 * the tick, in order. If the tick's transaction fails, nothing of it committed and every edit of it takes the
 * per-change path.
 */

type AnswerRow = typeof appliedClientChanges.$inferSelect;
type LockedOrder = Awaited<ReturnType<typeof lockOrders>>[number];

/** An order's state at a committed version, with its recent history. */
type OrderMemo = {
  order: PinnedOrder;
  /** History rows, oldest first: every version above `floor` is here. Text and Yjs rows keep no before/after. */
  rows: EntityChangeRow[];
  floor: number;
  /** Per section, each person's newest edit (the concurrent-edit notice looks 5 s back). */
  recent: Map<string, Map<string, RecentEdit>>;
  /** `recent` holds every edit written at or after this time (ms). */
  completeSince: number;
  /**
   * Per field, the rows this node stored by their op alone since the field's last row stored with its values
   * (lib/db/queries/change-values.ts). A field not here (memory read again, or caught up with another node's
   * rows) stores its next row with its values.
   */
  opRuns: Map<string, number>;
};

function noteRecent(memo: Pick<OrderMemo, 'recent'>, row: RecentEdit) {
  const bySection = memo.recent.get(row.section) ?? new Map<string, RecentEdit>();
  const known = bySection.get(row.userId);
  if (!known || known.createdAt < row.createdAt) bySection.set(row.userId, row);
  memo.recent.set(row.section, bySection);
}

/** A change this tick cannot judge from memory: it and the rest of its order's edits take the per-change path. */
class LeavesTick extends Error {}

/** What a tick did with one order's edits: answers for the first ones, in order; the rest take the slow path. */
export type LoggedEdits = { committed: CommitResult[]; rest: CommitJob[] };

export type OrderLogOptions = {
  /** Most edits one tick takes (the rest wait for the next). */
  maxPerTick?: number;
  /** History versions kept per order in memory. */
  keep?: number;
  /** Orders kept in memory (least recently edited are forgotten first). */
  maxOrders?: number;
  /** Ticks committing at once (default: 2 on PostgreSQL, 1 on PGlite). */
  maxTicks?: number;
};

const RECENT_MS = 10_000;
const fastFields = new Set(['notes', 'shippingAddress']);

function slim(row: EntityChangeRow): EntityChangeRow {
  const op = row.op as ChangeOp;
  return op.type === 'text' || op.type === 'yjs' ? { ...row, before: null, after: null } : row;
}

export function createOrderLog(deps: CommitDeps, options: OrderLogOptions = {}) {
  const maxPerTick = options.maxPerTick ?? 2_000;
  const keep = options.keep ?? 128;
  const maxOrders = options.maxOrders ?? 500;
  const memos = new Map<string, OrderMemo>();
  type Waiting = { entityId: string; jobs: CommitJob[]; done: (edits: LoggedEdits) => void };
  type Written = { w: Waiting; edits: LoggedEdits };
  let waiting: Waiting[] = [];
  // Ticks in flight at once (on disjoint orders: an order waits for its tick before its next batch). PGlite has
  // one connection, so one; PostgreSQL overlaps a tick's round trips with the next one's.
  const maxTicks = options.maxTicks ?? (deps.database.kind === 'postgres' ? 2 : 1);
  let running = 0;

  function remember(entityId: string, memo: OrderMemo) {
    memos.delete(entityId);
    memos.set(entityId, memo);
    while (memos.size > maxOrders) {
      const oldest = memos.keys().next().value;
      if (oldest === undefined) break;
      memos.delete(oldest);
    }
  }

  function trim(memo: OrderMemo, now: number) {
    let cut = 0;
    while (cut < memo.rows.length && memo.rows[cut]!.version <= memo.order.version - keep) {
      memo.floor = Math.max(memo.floor, memo.rows[cut]!.version);
      cut++;
    }
    if (cut > 0) memo.rows = memo.rows.slice(cut);
    for (const [section, bySection] of memo.recent) {
      for (const [userId, edit] of bySection)
        if (edit.createdAt.getTime() < now - RECENT_MS) bySection.delete(userId);
      if (bySection.size === 0) memo.recent.delete(section);
    }
  }

  function schedule() {
    if (running >= maxTicks || waiting.length === 0) return;
    running++;
    // After the I/O of this turn: edits that arrived together share the tick.
    setImmediate(() => {
      if (waiting.length === 0) {
        running--;
        return;
      }
      let taken = 0;
      let count = 0;
      while (count < waiting.length && (count === 0 || taken + waiting[count]!.jobs.length <= maxPerTick)) {
        taken += waiting[count]!.jobs.length;
        count++;
      }
      const batch = waiting.slice(0, count);
      waiting = waiting.slice(count);
      void tick(batch).finally(() => {
        running--;
        schedule();
      });
      schedule();
    });
  }

  async function tick(all: Waiting[]) {
    let batch = all;
    if (batch.every((w) => memos.has(w.entityId))) {
      let written: Written[] = [];
      try {
        ({ written, missed: batch } = await optimisticTick(batch));
      } catch {
        // Nothing of it committed (one statement): the locked tick judges it again from the rows.
        for (const w of batch) memos.delete(w.entityId);
      }
      // Answered once the statement committed, outside the catch: a failure there is not the tick's.
      for (const { w, edits } of written) w.done(edits);
      if (batch.length === 0) return;
    }
    let outcome: Map<string, { edits: LoggedEdits; memo: OrderMemo | null }>;
    try {
      try {
        // First as if every client change id were new (a retry is rare): the answers' unique key, checked as the
        // tick writes them under the row locks, refuses the whole tick if one was stored before (a retry, or an
        // id an open gave up). Then it runs again with the stored answers read first.
        outcome = await deps.database.db.transaction((tx) => judgeTick(tx, batch, false));
      } catch (error) {
        if (pgErrorCode(error) !== '23505') throw error;
        for (const w of batch) memos.delete(w.entityId);
        outcome = await deps.database.db.transaction((tx) => judgeTick(tx, batch, true));
      }
    } catch {
      // Nothing of the tick committed: every edit takes the per-change path (which says what went wrong).
      for (const w of batch) {
        memos.delete(w.entityId);
        w.done({ committed: [], rest: w.jobs });
      }
      return;
    }
    for (const w of batch) {
      const result = outcome.get(w.entityId) ?? { edits: { committed: [], rest: w.jobs }, memo: null };
      if (result.memo && result.edits.rest.length === 0) remember(w.entityId, result.memo);
      else memos.delete(w.entityId);
      w.done(result.edits);
    }
  }

  async function judgeTick(tx: Tx, batch: Waiting[], readAnswers: boolean) {
    const now = deps.now();
    const rows = await lockOrders(
      tx,
      batch.map((w) => w.entityId),
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    const outcome = new Map<string, { edits: LoggedEdits; memo: OrderMemo | null }>();
    const fast: { w: Waiting; row: LockedOrder }[] = [];
    for (const w of batch) {
      const row = byId.get(w.entityId);
      // Not found, another tenant's, or a policy not settled: the per-change path answers it.
      const pinned = row && row.nextPolicy === null ? storedPolicy(row.policy) : null;
      if (!row || !pinned) outcome.set(w.entityId, { edits: { committed: [], rest: w.jobs }, memo: null });
      else fast.push({ w, row });
    }
    await bringIntoMemory(
      tx,
      fast.map((f) => f.row),
      now,
    );
    const answers = new Map<string, ChangeResult>();
    if (readAnswers) {
      const keys = fast.flatMap(({ w }) =>
        w.jobs.flatMap((job) =>
          job.options?.dedupeId
            ? [{ userId: job.ctx.user.id, entityId: w.entityId, clientChangeId: job.options.dedupeId }]
            : [],
        ),
      );
      for (const stored of await answersFor(tx, keys))
        answers.set(`${stored.userId}:${stored.entityId}:${stored.clientChangeId}`, stored.result);
    }

    const judged = await judgeOrders(
      tx,
      fast.map((f) => f.w),
      answers,
      now,
    );
    for (const [entityId, result] of judged.outcome) outcome.set(entityId, result);
    await writeTick(tx, judged.writes);
    for (const { memo } of outcome.values()) if (memo) trim(memo, now);
    return outcome;
  }

  /**
   * Judges each order's edits in memory, in arrival order, on a copy of its memo (kept only once the writes
   * committed): the answers, and the heads, history rows and answers to write. With `db` (no transaction), a
   * step that needs one (`NeedsTransaction`) and an edit without the change as pushed leave the tick.
   */
  async function judgeOrders(
    tx: Executor,
    orders: readonly Waiting[],
    answers: Map<string, ChangeResult>,
    now: number,
  ) {
    const outcome = new Map<string, { edits: LoggedEdits; memo: OrderMemo }>();
    const heads = new Map<string, PinnedOrder>();
    // History rows as they are written: a run of text edits by their ops alone, the rest with their values.
    const inserted: EntityChangeRow[] = [];
    const stored: AnswerRow[] = [];
    for (const w of orders) {
      const base = memos.get(w.entityId)!;
      const memo: OrderMemo = {
        ...base,
        order: { ...base.order },
        rows: [...base.rows],
        recent: new Map([...base.recent].map(([section, edits]) => [section, new Map(edits)])),
        opRuns: new Map(base.opRuns),
      };
      const state = { order: memo.order as PinnedOrder | null };
      const committed: CommitResult[] = [];
      let rest: CommitJob[] = [];
      for (const [i, job] of w.jobs.entries()) {
        const dedupeId = job.options?.dedupeId;
        const order = state.order!;
        if (!dedupeId || job.options?.inTransaction || job.ctx.user.tenantId !== order.tenantId) {
          rest = w.jobs.slice(i);
          break;
        }
        const answerKey = `${job.ctx.user.id}:${w.entityId}:${dedupeId}`;
        const prior = answers.get(answerKey);
        if (prior) {
          committed.push({ result: prior, applied: null, conflict: null, replay: true, switched: null });
          continue;
        }
        const prepared = job.prepared ?? ('rollback' in tx ? await job.prepare(tx, { ...order }) : undefined);
        if (!prepared) {
          rest = w.jobs.slice(i);
          break;
        }
        if ('code' in prepared) {
          committed.push({ ...rejected(dedupeId, prepared), switched: null });
          continue;
        }
        if (!judgedInMemory(prepared, order, memo)) {
          rest = w.jobs.slice(i);
          break;
        }
        const store = memoryStore(memo, now, heads, inserted);
        const remember = async (result: ChangeResult) => {
          const row = {
            userId: job.ctx.user.id,
            clientChangeId: dedupeId,
            tenantId: order.tenantId,
            entityId: w.entityId,
            result,
          };
          stored.push({ ...row, createdAt: new Date(now) });
          answers.set(answerKey, result);
        };
        try {
          const result = await judge(tx, deps, store, job, order, prepared, remember, state);
          committed.push({ ...result, switched: null });
        } catch (error) {
          if (!(error instanceof LeavesTick) && !(error instanceof NeedsTransaction)) throw error;
          rest = w.jobs.slice(i);
          break;
        }
      }
      memo.order = state.order!;
      outcome.set(w.entityId, { edits: { committed, rest }, memo });
    }
    return { outcome, writes: { heads: [...heads.values()], changes: inserted, answers: stored } };
  }

  /**
   * A tick of orders all in memory, without a transaction: judged on the memos, then written with ONE statement
   * that commits alone (one round trip where the locked tick takes four), each order guarded by the version it was
   * judged at. The orders whose guard did not hold (another writer moved them: another node, an admin's policy
   * switch) wrote nothing and are answered by the locked tick; so is the whole batch when the statement failed
   * (nothing of it committed; an answer already stored, for one, needs the locked tick's read).
   */
  async function optimisticTick(batch: Waiting[]): Promise<{ written: Written[]; missed: Waiting[] }> {
    const now = deps.now();
    const judgedAt = new Map(batch.map((w) => [w.entityId, memos.get(w.entityId)!.order]));
    const judged = await judgeOrders(deps.database.db, batch, new Map(), now);
    // Every order of the tick is checked, also those with nothing to write (their refusals were judged on it).
    const heads = new Map(judged.writes.heads.map((head) => [head.id, head]));
    const written = await writeTickGuarded(deps.database, {
      heads: batch.map((w) => {
        const at = judgedAt.get(w.entityId)!;
        const head = heads.get(w.entityId) ?? at;
        return { ...head, tenantId: at.tenantId, judgedAt: at.version };
      }),
      changes: judged.writes.changes,
      answers: judged.writes.answers,
    });
    const missed: Waiting[] = [];
    const done: Written[] = [];
    for (const w of batch) {
      const result = judged.outcome.get(w.entityId);
      if (!result || !written.has(w.entityId)) {
        memos.delete(w.entityId);
        missed.push(w);
        continue;
      }
      trim(result.memo, now);
      if (result.edits.rest.length === 0) remember(w.entityId, result.memo);
      else memos.delete(w.entityId);
      done.push({ w, edits: result.edits });
    }
    return { written: done, missed };
  }

  /**
   * Makes memory hold each locked order at its locked version: an order another node wrote since is caught up
   * with the versions after the one memory holds; one not in memory (or not to be caught up) is read whole.
   */
  async function bringIntoMemory(tx: Tx, locked: LockedOrder[], now: number) {
    // Orders another node wrote since: the versions after the one memory holds, read for all at once (their
    // lines too, if any of those touched them).
    const behind = locked.filter((row) => {
      const memo = memos.get(row.id);
      return memo && memo.order.tenantId === row.tenantId && memo.order.version < row.version;
    });
    if (behind.length > 0) {
      const delta = await historyAfter(
        tx,
        behind.map((row) => ({ id: row.id, after: memos.get(row.id)!.order.version })),
      );
      for (const row of behind) {
        const memo = memos.get(row.id)!;
        const since = memo.order.version;
        const rows = delta.get(row.id) ?? [];
        const whole =
          rows.length === row.version - since && rows.every((r, i) => r.version === since + 1 + i);
        if (!whole || rows.length > keep || rows.some((r) => r.section === 'lines')) {
          memos.delete(row.id);
          continue;
        }
        memo.order = { ...row, lines: memo.order.lines, policy: storedPolicy(row.policy)! };
        memo.rows.push(...rows.map(slim));
        memo.opRuns.clear();
        for (const r of rows) noteRecent(memo, r);
      }
    }
    // Orders not in memory (or not to be caught up): their lines and recent history, read once for all.
    const stale = locked.filter((row) => {
      const memo = memos.get(row.id);
      return !memo || memo.order.version !== row.version || memo.order.tenantId !== row.tenantId;
    });
    if (stale.length > 0) {
      const ids = stale.map((row) => row.id);
      const lines = await linesOfOrders(tx, ids);
      const history = await historyAfter(
        tx,
        stale.map((row) => ({ id: row.id, after: row.version - keep })),
      );
      const editors = await recentEditorsOf(tx, ids, new Date(now - RECENT_MS));
      for (const row of stale) {
        const policy = storedPolicy(row.policy)!;
        const loaded = history.get(row.id) ?? [];
        const memo: OrderMemo = {
          order: { ...row, lines: lines.get(row.id) ?? [], policy } satisfies SyncedOrder & PinnedOrder,
          rows: loaded.map(slim),
          floor: Math.max(0, row.version - keep),
          recent: new Map(),
          completeSince: now - RECENT_MS,
          opRuns: new Map(),
        };
        memos.set(row.id, memo);
      }
      for (const { entityId, ...edit } of editors) {
        const memo = memos.get(entityId);
        if (memo) noteRecent(memo, edit);
      }
    }
  }

  /** Whether the memo alone can judge the change exactly as the database would. */
  function judgedInMemory(prepared: PreparedChange, order: PinnedOrder, memo: OrderMemo): boolean {
    const section = sectionOfField(prepared.field);
    return (
      prepared.kind === 'change' &&
      prepared.undoOf === null &&
      !prepared.overwrites &&
      fastFields.has(prepared.field) &&
      (prepared.op.type === 'text' || prepared.op.type === 'set') &&
      section !== null &&
      order.policy[section] !== 'crdt' &&
      prepared.baseVersion >= memo.floor
    );
  }

  function memoryStore(
    memo: OrderMemo,
    now: number,
    heads: Map<string, PinnedOrder>,
    inserted: EntityChangeRow[],
  ): ChangeStore {
    // Rows are in version order and an edit's base is usually a few versions back: read from the newest.
    const after = (field: string, version: number) => {
      const found: EntityChangeRow[] = [];
      for (let i = memo.rows.length - 1; i >= 0 && memo.rows[i]!.version > version; i--)
        if (memo.rows[i]!.field === field) found.push(memo.rows[i]!);
      return found.reverse();
    };
    return {
      fieldChangesAfter: async (field, version) => after(field, version),
      lastFieldChange: async (field) => memo.rows.findLast((row) => row.field === field) ?? null,
      lastFieldChangeByOthers: async (field, userId, version) =>
        after(field, version).findLast((row) => row.userId !== userId) ?? null,
      firstFieldChangeAfter: async (field, version) => after(field, version)[0] ?? null,
      authorBefore: async (field, changeId) => {
        const at = memo.rows.findIndex((row) => row.id === changeId);
        // Older than the history kept (or the field's first change kept): the database knows.
        if (at === -1) throw new LeavesTick();
        const before = memo.rows.findLast((row, i) => i < at && row.field === field);
        if (!before) throw new LeavesTick();
        return { userId: before.userId, userName: before.userName };
      },
      recentSectionEdits: async (section, since, userId) => {
        if (since.getTime() < memo.completeSince) throw new LeavesTick();
        return [...(memo.recent.get(section)?.values() ?? [])]
          .filter((edit) => edit.userId !== userId && edit.createdAt >= since)
          .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
          .slice(0, 20);
      },
      insertConflict: async () => {
        throw new LeavesTick();
      },
      writeOrder: async (order, field, op, next, version) => {
        if (!fastFields.has(field) || (op.type !== 'text' && op.type !== 'set')) throw new LeavesTick();
        heads.set(order.id, { ...order, notes: next.notes, shippingAddress: next.shippingAddress, version });
        return null;
      },
      insertChange: async (input) => {
        const row: EntityChangeRow = {
          id: randomUUID(),
          tenantId: input.tenantId,
          entityType: input.entityType,
          entityId: input.entityId,
          version: input.version,
          field: input.field,
          section: input.section,
          userId: input.userId,
          userName: input.userName,
          clientChangeId: input.clientChangeId,
          op: input.op,
          inverse: input.inverse ?? null,
          before: input.before ?? null,
          after: input.after ?? null,
          strategy: input.strategy,
          outcome: input.outcome,
          overwrote: input.overwrote ?? null,
          digest: input.digest ?? null,
          kind: input.kind ?? 'change',
          undoOf: input.undoOf ?? null,
          undoneBy: null,
          createdAt: input.createdAt ?? new Date(now),
        };
        const run = memo.opRuns.get(row.field);
        const byOp = run !== undefined && run < COMPACT_RUN && storableAsOp(row);
        memo.opRuns.set(row.field, byOp ? run + 1 : 0);
        inserted.push(byOp ? { ...row, before: null, after: null } : row);
        memo.rows.push(slim(row));
        noteRecent(memo, {
          userId: row.userId,
          userName: row.userName,
          section: row.section,
          createdAt: row.createdAt,
        });
        return row;
      },
    };
  }

  return {
    /** Commits the order's waiting edits with the next tick; resolves once that tick committed (or failed). */
    commit(entityId: string, jobs: CommitJob[]): Promise<LoggedEdits> {
      return new Promise((done) => {
        waiting.push({ entityId, jobs, done });
        schedule();
      });
    },
    /** The order changes on another path: what memory holds of it is read again before it is judged there. */
    forget(entityId: string) {
      memos.delete(entityId);
    },
    /** Committed changes after `since` up to `through`, from memory, when it holds them all; else null. */
    changesAfter(
      entityId: string,
      tenantId: string,
      since: number,
      through: number,
    ): EntityChangeRow[] | null {
      const memo = memos.get(entityId);
      if (!memo || memo.order.tenantId !== tenantId || since < memo.floor || memo.order.version < through)
        return null;
      // Up to the push's own last change: later ones reach the client as room events, as after a contiguous push.
      const rows = memo.rows.filter((row) => row.version > since && row.version <= through);
      return rows.length === through - since ? rows : null;
    },
  };
}

export type OrderLog = ReturnType<typeof createOrderLog>;
