import { type TextOp, type as textType } from 'ot-text-unicode';
import * as Y from 'yjs';
import type { Database, Executor, Tx } from '../../db/create-db';
import { insertConflict } from '../../db/queries/conflicts';
import {
  authorBefore,
  fieldChangesAfter,
  findAppliedClientChanges,
  firstFieldChangeAfter,
  insertEntityChange,
  lastFieldChange,
  lastFieldChangeByOthers,
  markUndone,
  type NewEntityChange,
  recentSectionEdits,
  recordAppliedClientChange,
  writeYjsState,
} from '../../db/queries/order-changes';
import { loadSyncedOrder } from '../../db/queries/order-writes';
import type { EntityChangeRow, SyncConflictRow } from '../../db/schema';
import { digestOf } from '../digest';
import { readField } from '../doc';
import { opKindFor } from '../policy';
import { NOTES_MAX_LENGTH } from '../protocol';
import { detectConcurrentEdits, strategies } from '../strategies';
import { invertTextOp } from '../strategies/operational-transform';
import {
  type ChangeOp,
  type ChangeResult,
  type EditOp,
  type OrderDoc,
  type OverwriteNotice,
  sectionOfField,
} from '../types';
import { fromBase64, loadYDoc, notesOpOfUpdates, readYDoc, toBase64 } from '../yjs-doc';
import type { SyncContext, SyncError } from './context';
import type { LockStore } from './locks/lock-store';
import { lockKey } from './locks/lock-store';
import {
  linesEditable,
  linesFrozen,
  nextDoc,
  toDoc,
  validateLines,
  validateOrderChange,
  writeOrderChange,
} from './order-entity';
import { type PinnedOrder, pinPolicy } from './policy-switch';
import { ensureYjsState } from './yjs-state';

export type EntityRef = { entityType: 'order'; entityId: string };

/** A change ready for the strategy: from a client push, an undo/redo, or a conflict resolution. */
export type PreparedChange = {
  field: string;
  op: EditOp;
  baseVersion: number;
  clientChangeId: string;
  kind: 'change' | 'undo' | 'redo';
  undoOf: string | null;
  /** Further changes the undo takes back with `undoOf` (the rest of a run of typing). */
  alsoUndoes?: string[];
  /** Whose later change this one knowingly replaces (a conflict resolution after the field changed again). */
  overwrites?: OverwriteNotice;
};

export type CommitDeps = {
  database: Database;
  locks: LockStore;
  now: () => number;
  /**
   * Runs with every applied change, in its transaction (the domain events that commit with it: lib/outbox). The
   * order log's single-statement ticks run without one: a hook that must write asks `transactional(tx)`, which
   * sends the change to a path with a transaction.
   */
  afterApply?: (tx: Executor, ctx: SyncContext, applied: EntityChangeRow) => Promise<void>;
};

/** A step that must run in a transaction was reached by a change judged without one (an order log tick). */
export class NeedsTransaction extends Error {}

/** The transaction `tx` is, or NeedsTransaction when it is the bare database. */
export function transactional(tx: Executor): Tx {
  if ('rollback' in tx) return tx;
  throw new NeedsTransaction();
}

export type CommitResult = {
  result: ChangeResult;
  applied: EntityChangeRow | null;
  conflict: SyncConflictRow | null;
  /** True when the answer came from the applied-change store (a retry): nothing new to publish. */
  replay: boolean;
  /** An admin's policy switch that entered the history just before this change (published before it). */
  switched?: EntityChangeRow | null;
};

export const rejected = (clientChangeId: string, error: SyncError): CommitResult => ({
  result: {
    clientChangeId,
    status: 'rejected',
    code: error.code,
    message: error.message,
    ...(error.details === undefined ? {} : { details: error.details }),
  },
  applied: null,
  conflict: null,
  replay: false,
});

function inverseOf(op: ChangeOp, before: unknown, doc: OrderDoc): ChangeOp | null {
  switch (op.type) {
    case 'set':
      return { type: 'set', value: before };
    case 'text':
      return { type: 'text', op: invertTextOp(op.op, doc.notes) };
    case 'line.add':
      return { type: 'line.remove', lineId: op.line.id };
    case 'line.remove': {
      const line = doc.lines.find((l) => l.id === op.lineId);
      return line ? { type: 'line.add', line } : null;
    }
    case 'yjs':
    case 'policy':
      return null;
  }
}

/** Who else edited a section lately (the concurrent-edit notice). */
export type RecentEdit = { userId: string; userName: string; section: string; createdAt: Date };

/**
 * Where a judged change reads the entity's history and writes what it decided: the database in the change's
 * transaction (`databaseStore`), or an order's history kept in memory whose writes commit with a tick of the
 * order log (`order-log.ts`). The same `judge` runs over both, so every answer is the one either would give.
 */
export type ChangeStore = {
  fieldChangesAfter(field: string, version: number): Promise<EntityChangeRow[]>;
  lastFieldChange(field: string): Promise<EntityChangeRow | null>;
  lastFieldChangeByOthers(
    field: string,
    userId: string,
    afterVersion: number,
  ): Promise<EntityChangeRow | null>;
  firstFieldChangeAfter(field: string, version: number): Promise<EntityChangeRow | null>;
  /** Who set the value the change `changeId` replaced (`authorBefore` in the queries). */
  authorBefore(field: string, changeId: string): Promise<{ userId: string; userName: string } | null>;
  recentSectionEdits(section: string, since: Date, userId: string): Promise<RecentEdit[]>;
  insertConflict(row: Parameters<typeof insertConflict>[1]): Promise<SyncConflictRow>;
  writeOrder(
    order: PinnedOrder,
    field: string,
    op: ChangeOp,
    next: OrderDoc,
    version: number,
  ): Promise<SyncError | null>;
  insertChange(row: NewEntityChange): Promise<EntityChangeRow>;
};

/** The store of a change judged in its own transaction: every read and write goes to the database. */
export function databaseStore(
  tx: Tx,
  entity: { tenantId: string; entityType: string; entityId: string },
): ChangeStore {
  return {
    fieldChangesAfter: (field, version) => fieldChangesAfter(tx, entity, field, version),
    lastFieldChange: (field) => lastFieldChange(tx, entity, field),
    lastFieldChangeByOthers: (field, userId, after) =>
      lastFieldChangeByOthers(tx, entity, field, userId, after),
    firstFieldChangeAfter: (field, version) => firstFieldChangeAfter(tx, entity, field, version),
    authorBefore: (field, changeId) => authorBefore(tx, entity, field, changeId),
    recentSectionEdits: (section, since, userId) => recentSectionEdits(tx, entity, section, since, userId),
    insertConflict: (row) => insertConflict(tx, row),
    writeOrder: (order, field, op, next, version) => writeOrderChange(tx, order, field, op, next, version),
    insertChange: (row) => insertEntityChange(tx, row),
  };
}

export type CommitOptions = {
  dedupeId?: string;
  inTransaction?: (tx: Tx, applied: EntityChangeRow) => Promise<void>;
};

/** One change waiting for a transaction: who, on what, and how to prepare it once the entity row is locked. */
export type CommitJob = {
  ctx: SyncContext;
  ref: EntityRef;
  prepare: (tx: Tx, order: PinnedOrder) => Promise<PreparedChange | SyncError>;
  /**
   * The change as `prepare` gives it, when preparing reads nothing (a push): the order log judges it without a
   * transaction.
   */
  prepared?: PreparedChange;
  options?: CommitOptions;
};

/**
 * Runs one change through validation, the field's strategy and the database in ONE transaction: the entity row
 * is locked, the change and its history row (or its conflict) are written, and the client change id is stored
 * so a retry answers the same. The caller publishes after this resolves (after commit).
 */
export async function commitChange(
  deps: CommitDeps,
  ctx: SyncContext,
  ref: EntityRef,
  prepare: CommitJob['prepare'],
  options: CommitOptions = {},
): Promise<CommitResult> {
  return deps.database.db.transaction((tx) => commitIn(tx, deps, { ctx, ref, prepare, options }));
}

/**
 * Group commit: changes queued on one entity run one after another in ONE transaction (one commit instead of
 * one per change; each still sees the ones before it). Every answer is the one it would get alone. When the
 * transaction fails as a whole (a database error in any change), nothing of it was committed and each change
 * runs again on its own, so one bad change cannot take the others down.
 */
export async function commitBatch(
  deps: CommitDeps,
  jobs: readonly CommitJob[],
): Promise<({ ok: true; committed: CommitResult } | { ok: false; error: unknown })[]> {
  if (jobs.length === 1) {
    const job = jobs[0]!;
    try {
      return [{ ok: true, committed: await commitChange(deps, job.ctx, job.ref, job.prepare, job.options) }];
    } catch (error) {
      return [{ ok: false, error }];
    }
  }
  try {
    const results = await deps.database.db.transaction(async (tx) => {
      const batch: BatchState = { order: null, prior: null, jobs };
      const out: CommitResult[] = [];
      for (const job of jobs) out.push(await commitIn(tx, deps, job, batch));
      return out;
    });
    return results.map((committed) => ({ ok: true, committed }));
  } catch {
    const alone = [];
    for (const job of jobs) alone.push(...(await commitBatch(deps, [job])));
    return alone;
  }
}

/**
 * What the changes of one group commit share: the entity row (locked by the first change, kept up to date by
 * each one after it) and the answers already stored for retried client change ids.
 */
type BatchState = {
  order: PinnedOrder | null;
  /** Read once the row is locked (see `storedAnswer`). */
  prior: Map<string, ChangeResult> | null;
  jobs: readonly CommitJob[];
};

/**
 * The answer already stored for a client change id, read with the entity row locked: an open that gave the id up
 * (`fenceClientChanges`, maybe on another node) stores its refusal under the same lock, so a copy of the change
 * that arrives after it is refused, not applied. Read before the lock, it could miss that refusal and apply the
 * edit the client had already carried over. A batch reads the ids of all its changes at once, per user.
 */
async function storedAnswer(
  tx: Tx,
  job: CommitJob,
  dedupeId: string,
  batch: BatchState | undefined,
): Promise<ChangeResult | undefined> {
  const { user } = job.ctx;
  const entityId = job.ref.entityId;
  if (!batch) return (await findAppliedClientChanges(tx, user.id, entityId, [dedupeId]))[0]?.result;
  if (!batch.prior) {
    const prior = new Map<string, ChangeResult>();
    const idsByUser = new Map<string, string[]>();
    for (const other of batch.jobs) {
      if (!other.options?.dedupeId) continue;
      const ids = idsByUser.get(other.ctx.user.id) ?? [];
      ids.push(other.options.dedupeId);
      idsByUser.set(other.ctx.user.id, ids);
    }
    for (const [userId, ids] of idsByUser) {
      for (const row of await findAppliedClientChanges(tx, userId, entityId, ids))
        prior.set(`${userId}:${row.clientChangeId}`, row.result);
    }
    batch.prior = prior;
  }
  return batch.prior.get(`${user.id}:${dedupeId}`);
}

async function commitIn(tx: Tx, deps: CommitDeps, job: CommitJob, batch?: BatchState): Promise<CommitResult> {
  const { ctx, ref, prepare } = job;
  const options = job.options ?? {};
  const { user } = ctx;
  const store = databaseStore(tx, {
    tenantId: user.tenantId,
    entityType: ref.entityType,
    entityId: ref.entityId,
  });
  const remember = async (result: ChangeResult) => {
    if (!options.dedupeId) return;
    await recordAppliedClientChange(tx, {
      userId: user.id,
      clientChangeId: options.dedupeId,
      tenantId: user.tenantId,
      entityId: ref.entityId,
      result,
    });
    batch?.prior?.set(`${user.id}:${options.dedupeId}`, result);
  };
  // In a batch the row is locked and read once (with its lines: every version's digest covers them); only a
  // caller of the same tenant may see it. A pending policy switch enters the history first.
  const cached = batch?.order;
  let switched: EntityChangeRow | null = null;
  let order: PinnedOrder;
  if (cached && cached.id === ref.entityId && cached.tenantId === user.tenantId) order = { ...cached };
  else {
    const loaded = await loadSyncedOrder(tx, user.tenantId, ref.entityId, true, true);
    if (!loaded) return rejected(options.dedupeId ?? '', { code: 'NOT_FOUND', message: 'Order not found' });
    const pinned = await pinPolicy(tx, loaded, deps.now(), { userId: user.id, userName: user.name });
    order = pinned.order;
    switched = pinned.switched;
  }
  if (batch) batch.order = order;
  if (options.dedupeId) {
    const prior = await storedAnswer(tx, job, options.dedupeId, batch);
    if (prior) return { result: prior, applied: null, conflict: null, replay: true, switched };
  }
  const prepared = await prepare(tx, order);
  const committed =
    'code' in prepared
      ? rejected(options.dedupeId ?? '', prepared)
      : await judge(tx, deps, store, job, order, prepared, remember, batch);
  return { ...committed, switched };
}

/**
 * Whether a policy switch after the change's base version changed the op kind of its field (e.g. the notes went
 * from text ops to Yjs and back). A client re-expresses its pending edits of such a field when it hears the switch
 * (`switchPolicy`), so the original, still on its way, must be refused even when its kind fits again.
 * Whole-value edits are exempt: a client may keep one across a reopen with the base it was made on, and taking
 * a value and its re-expression sets the same value.
 */
async function formChangedSince(
  store: ChangeStore,
  field: string,
  op: PreparedChange['op'],
  baseVersion: number,
  version: number,
): Promise<boolean> {
  if (op.type === 'set' || baseVersion >= version) return false;
  const switches = await store.fieldChangesAfter('policy', baseVersion);
  return switches.some((row) => {
    const switched = row.op as ChangeOp;
    return (
      switched.type === 'policy' && opKindFor(switched.previous, field) !== opKindFor(switched.policy, field)
    );
  });
}

/** The prepared change through validation, its strategy and the store, on the locked and pinned order. */
export async function judge(
  tx: Executor,
  deps: CommitDeps,
  store: ChangeStore,
  job: CommitJob,
  order: PinnedOrder,
  prepared: PreparedChange,
  remember: (result: ChangeResult) => Promise<void>,
  batch: Pick<BatchState, 'order'> | undefined,
): Promise<CommitResult> {
  const { ctx, ref } = job;
  const options = job.options ?? {};
  const { user } = ctx;
  const { field, op, baseVersion, clientChangeId } = prepared;
  const section = sectionOfField(field);
  if (!section) return rejected(clientChangeId, { code: 'VALIDATION', message: `Unknown field ${field}` });
  if (baseVersion > order.version) {
    return rejected(clientChangeId, {
      code: 'STALE_VERSION',
      message: 'Base version is ahead of the server',
    });
  }
  const { policy } = order;
  const strategyName = policy[section];
  const expected = opKindFor(policy, field);
  const actual = op.type === 'text' ? 'text' : op.type === 'yjs' ? 'yjs' : 'value';
  if (expected !== actual) {
    // Made under the policy before a switch the client had not seen yet; it re-expresses the edit and sends it
    // again in the new form (nothing of it was applied).
    return rejected(clientChangeId, {
      code: 'STALE_VERSION',
      message: 'The policy changed: reopen the order',
      details: { reason: 'policy_changed', policy },
    });
  }
  const entity = { tenantId: user.tenantId, entityType: ref.entityType, entityId: ref.entityId };
  if (await formChangedSince(store, field, op, baseVersion, order.version)) {
    // Made before a switch that changed this field's form, and the policy has since switched back: the client
    // that heard the switch re-expressed it (its intent is carried over) and expects this one refused, so
    // taking it as well would apply the edit twice.
    return rejected(clientChangeId, {
      code: 'STALE_VERSION',
      message: 'The policy changed: reopen the order',
      details: { reason: 'policy_changed', policy },
    });
  }
  const doc = toDoc(order);
  const invalid = await validateOrderChange(tx, user.tenantId, ref.entityId, doc, field, op);
  if (invalid) return rejected(clientChangeId, invalid);

  // Under OT the field's changes since the base are read anyway; the newest of them is the field's last change.
  const since =
    strategyName === 'operational-transform' && baseVersion < order.version
      ? await store.fieldChangesAfter(field, baseVersion)
      : null;
  const newest = since?.length ? since[since.length - 1]! : await store.lastFieldChange(field);
  // The change the strategies weigh this one against: the newest by someone else since the base (the writer's own
  // later edit must not hide a colleague's edit in between, which would then be replaced with no record).
  const latest =
    newest && newest.userId === user.id && newest.version > baseVersion
      ? ((await store.lastFieldChangeByOthers(field, user.id, baseVersion)) ?? newest)
      : newest;
  // The writer's own undo since the base put back the value the undone change had replaced, which a colleague may
  // have set: written over unseen, it is that colleague's value that is overwritten, and the notice names them
  // (the undo's version and time: when the field took the value back).
  const restoredBy =
    latest &&
    latest.userId === user.id &&
    latest.version > baseVersion &&
    latest.kind === 'undo' &&
    latest.undoOf
      ? await store.authorBefore(field, latest.undoOf)
      : null;
  const last = latest && restoredBy && restoredBy.userId !== user.id ? { ...latest, ...restoredBy } : latest;
  const current = readField(doc, field);
  let baseValue: unknown = current;
  if (strategyName === 'manual' && last && last.version > baseVersion) {
    baseValue = (await store.firstFieldChangeAfter(field, baseVersion))?.before ?? current;
  }
  let opsSince: TextOp[] = [];
  if (since) {
    const ops = since.map((row) => row.op as ChangeOp);
    if (ops.some((o) => o.type !== 'text')) {
      return rejected(clientChangeId, {
        code: 'STALE_VERSION',
        message: 'The notes were replaced: reopen',
      });
    }
    opsSince = ops.map((o) => (o as Extract<ChangeOp, { type: 'text' }>).op);
  }
  let yjs: { state: Uint8Array; alignment: Uint8Array | null } | null = null;
  if (strategyName === 'crdt') {
    yjs = await ensureYjsState(transactional(tx), { ...entity, tenantId: user.tenantId }, doc, policy);
  }
  const lease =
    strategyName === 'lock-based'
      ? await deps.locks.get(lockKey(user.tenantId, ref.entityType, ref.entityId, section))
      : null;
  const now = deps.now();
  const decision = strategies[strategyName].decide({
    field,
    change: { userId: user.id, userName: user.name, op, baseVersion, at: now },
    current,
    baseValue,
    lastChange: last
      ? {
          userId: last.userId,
          userName: last.userName,
          version: last.version,
          at: last.createdAt.getTime(),
        }
      : null,
    opsSince,
    yjsState: yjs?.state ?? null,
    lease,
    now,
  });
  if (decision.kind === 'reject') return rejected(clientChangeId, decision);

  const recent = await store.recentSectionEdits(section, new Date(now - 5_000), user.id);
  const concurrent = detectConcurrentEdits(
    recent.map((r) => ({
      userId: r.userId,
      userName: r.userName,
      section: r.section,
      at: r.createdAt.getTime(),
    })),
    { userId: user.id, section, at: now },
  );

  if (decision.kind === 'conflict') {
    const conflict = await store.insertConflict({
      tenantId: user.tenantId,
      entityType: ref.entityType,
      entityId: ref.entityId,
      field,
      section,
      baseVersion,
      base: decision.base,
      mine: decision.mine,
      theirs: decision.theirs,
      mineUserId: user.id,
      mineUserName: user.name,
      theirsUserId: decision.theirsBy.userId,
      theirsUserName: decision.theirsBy.userName,
      theirsVersion: decision.theirsBy.version,
      clientChangeId,
      createdAt: new Date(now),
    });
    const result: ChangeResult = {
      clientChangeId,
      status: 'conflict',
      conflictId: conflict.id,
      theirs: decision.theirsBy,
      concurrent,
    };
    await remember(result);
    return { result, applied: null, conflict, replay: false };
  }

  let appliedOp = decision.op;
  let after: OrderDoc;
  let inverse = inverseOf(appliedOp, current, doc);
  if (appliedOp.type === 'yjs') {
    const state = decision.kind === 'commit' && decision.yjsState ? decision.yjsState : (yjs?.state ?? null);
    const ydoc = loadYDoc(state);
    const values = readYDoc(ydoc);
    ydoc.destroy();
    after = {
      ...doc,
      notes: policy.notes === 'crdt' ? values.notes : doc.notes,
      lines: policy.lines === 'crdt' ? values.lines : doc.lines,
    };
    const linesChanged = JSON.stringify(after.lines) !== JSON.stringify(doc.lines);
    const badLines = !linesChanged
      ? null
      : !linesEditable(doc.status)
        ? linesFrozen
        : await validateLines(transactional(tx), user.tenantId, ref.entityId, after.lines);
    if (badLines) return rejected(clientChangeId, { code: 'STALE_VERSION', message: badLines.message });
    if (notesTooLong(doc, after)) return rejected(clientChangeId, notesTooLongRefusal);
    if (field === 'notes' && after.notes !== doc.notes && yjs) {
      inverse = yjsNotesInverse(yjs.state, appliedOp.update, doc.notes, after.notes);
    }
    if (yjs?.alignment) {
      appliedOp = {
        type: 'yjs',
        update: toBase64(Y.mergeUpdates([yjs.alignment, fromBase64(appliedOp.update)])),
      };
    }
    if (state) {
      await writeYjsState(transactional(tx), { ...entity, tenantId: user.tenantId, state: toBase64(state) });
    }
  } else {
    after = nextDoc(doc, field, appliedOp);
    if (notesTooLong(doc, after)) return rejected(clientChangeId, notesTooLongRefusal);
  }
  const version = order.version + 1;
  const refused = await store.writeOrder(order, field, appliedOp, after, version);
  if (refused) return rejected(clientChangeId, refused);
  const before = appliedOp.type === 'yjs' ? readField(doc, section) : current;
  const afterValue = appliedOp.type === 'yjs' ? readField(after, section) : readField(after, field);
  const overwrote = decision.kind === 'commit' ? (decision.overwrote ?? prepared.overwrites ?? null) : null;
  const applied = await store.insertChange({
    tenantId: user.tenantId,
    entityType: ref.entityType,
    entityId: ref.entityId,
    version,
    field,
    section,
    userId: user.id,
    userName: user.name,
    clientChangeId,
    op: appliedOp,
    inverse,
    before: before ?? null,
    after: afterValue ?? null,
    strategy: strategyName,
    outcome: decision.kind,
    overwrote,
    kind: prepared.kind,
    undoOf: prepared.undoOf,
    digest: digestOf(after),
    createdAt: new Date(now),
  });
  if (prepared.undoOf)
    await markUndone(transactional(tx), [prepared.undoOf, ...(prepared.alsoUndoes ?? [])], applied.id);
  if (batch) batch.order = { ...order, ...after, version };
  const result: ChangeResult = {
    clientChangeId,
    status: 'applied',
    version,
    outcome: decision.kind,
    overwrote,
    concurrent,
  };
  await remember(result);
  if (deps.afterApply) await deps.afterApply(tx, ctx, applied);
  if (options.inTransaction) await options.inTransaction(transactional(tx), applied);
  return { result, applied, conflict: null, replay: false };
}

/**
 * The exact inverse of a Yjs change to the notes, as a text op read from where Yjs put its items
 * (`notesOpOfUpdates`), so an undo takes back what the person typed where they typed it. A diff of the values
 * would pick, among equally small ones, a region that may cut through a neighbour's text ("{c3.7}" typed
 * before "{c3.1}" read as "7}{c3." inserted after "{c3."), and an undo transformed over a colleague's later
 * insert between the two then broke both. Null when the update cannot be read so (undo falls back to values).
 */
function yjsNotesInverse(state: Uint8Array, update: string, before: string, after: string): ChangeOp | null {
  const op = notesOpOfUpdates(state, [fromBase64(update)]);
  if (!op || textType.apply(before, op) !== after) return null;
  return { type: 'text', op: invertTextOp(op, before) };
}

/** Notes grown past the limit by any kind of edit (a text op or Yjs update is not bounded by its own size). */
function notesTooLong(before: OrderDoc, after: OrderDoc): boolean {
  return after.notes.length > NOTES_MAX_LENGTH && after.notes.length > before.notes.length;
}

const notesTooLongRefusal = {
  code: 'VALIDATION',
  message: `Notes are limited to ${NOTES_MAX_LENGTH} characters`,
  details: { reason: 'notes_too_long', max: NOTES_MAX_LENGTH },
} as const;
