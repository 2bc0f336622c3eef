import type { Executor } from '../db/create-db';
import { insertActivity, updateActivity } from '../db/queries/activity';
import type { ActivityEventRow } from '../db/schema';
import type { Logger } from '../logger';
import { notify } from '../notifications';
import {
  ACTIVITY_EVENT,
  type ActivityAction,
  type ActivityEntityType,
  type ActivityView,
  type FieldChanges,
} from './types';

type PublishFn = (input: {
  tenantId: string;
  channel: string;
  event: string;
  data: unknown;
  actor?: { id: string; name: string };
}) => Promise<unknown>;

export type ActivityDeps = { db: Executor; publish: PublishFn; logger?: Pick<Logger, 'warn'> };

/** A notification that goes out with the action (a mention, a conflict involving me, an overwrite …). */
export type ActivityNotice = { userId: string; kind: string; payload: Record<string, unknown> };

export type ActivityInput = {
  tenantId: string;
  actor: { id: string | null; name: string };
  action: ActivityAction;
  entityType: ActivityEntityType;
  entityId: string;
  entityLabel?: string | null;
  changes?: FieldChanges | null;
  meta?: Record<string, unknown> | null;
  notify?: ActivityNotice[];
  /**
   * Edits that share this key (one person, one entity, one field) within a minute are one entry: the first is
   * inserted, later ones update it (first before, latest after, `meta.edits` counted), written and broadcast at
   * most every two seconds. Typing in the notes is then one line in the feed, not one per keystroke batch.
   */
  coalesce?: string;
};

export function toActivityView(row: ActivityEventRow): ActivityView {
  return {
    id: row.id,
    action: row.action as ActivityAction,
    entityType: row.entityType as ActivityEntityType,
    entityId: row.entityId,
    entityLabel: row.entityLabel,
    actor: { id: row.actorId, name: row.actorName },
    changes: row.changes ?? null,
    meta: row.meta ?? null,
    at: row.createdAt.getTime(),
  };
}

/** "viewed" is recorded once per person and entity per window, so reconnects and reloads do not flood the feed. */
const VIEW_WINDOW_MS = 10 * 60_000;
const lastViews = new Map<string, number>();

function seenRecently(input: ActivityInput, now: number): boolean {
  if (input.action !== 'viewed') return false;
  const key = `${input.tenantId}:${input.actor.id}:${input.entityType}:${input.entityId}`;
  const last = lastViews.get(key);
  if (last !== undefined && now - last < VIEW_WINDOW_MS) return true;
  if (lastViews.size > 10_000) lastViews.clear();
  lastViews.set(key, now);
  return false;
}

const COALESCE_WINDOW_MS = 60_000;
const FLUSH_EVERY_MS = 2_000;

/** An entry that later edits still fold into (per node: a person's edits arrive over their own socket). */
type Run = {
  deps: ActivityDeps;
  tenantId: string;
  rowId: string;
  changes: FieldChanges;
  meta: Record<string, unknown>;
  lastEditAt: number;
  lastWriteAt: number;
  dirty: boolean;
  timer: ReturnType<typeof setTimeout> | null;
  writing: Promise<void> | null;
  /** The first edit's insert: later edits fold in while it is still being written. */
  created: Promise<void>;
};
const runs = new Map<string, Run>();

function broadcast(deps: ActivityDeps, row: ActivityEventRow): Promise<unknown> {
  const view = toActivityView(row);
  return deps.publish({
    tenantId: row.tenantId,
    channel: 'activity',
    event: ACTIVITY_EVENT,
    data: view,
    ...(row.actorId ? { actor: { id: row.actorId, name: row.actorName } } : {}),
  });
}

/** Writes a run's merged changes and broadcasts the entry again (same id: feeds replace it and move it up). */
async function flushRun(run: Run): Promise<void> {
  if (run.timer) clearTimeout(run.timer);
  run.timer = null;
  await run.created;
  if (run.writing) await run.writing;
  if (!run.dirty || !run.rowId) return;
  run.dirty = false;
  run.lastWriteAt = Date.now();
  const write = (async () => {
    try {
      const row = await updateActivity(run.deps.db, run.rowId, {
        changes: run.changes,
        meta: run.meta,
        createdAt: new Date(run.lastEditAt),
      });
      if (row) await broadcast(run.deps, row);
    } catch (error) {
      run.deps.logger?.warn({ err: (error as Error).message }, 'activity not updated');
    }
  })();
  run.writing = write;
  await write;
  run.writing = null;
}

/** Folds an edit into its open run; false when there is none (or it is too old) and a new entry is needed. */
function foldIntoRun(key: string, input: ActivityInput, now: number): boolean {
  const run = runs.get(key);
  if (!run || now - run.lastEditAt >= COALESCE_WINDOW_MS) return false;
  for (const [field, change] of Object.entries(input.changes ?? {})) {
    run.changes[field] = { before: run.changes[field]?.before ?? change.before, after: change.after };
  }
  run.meta = { ...run.meta, ...input.meta, edits: Number(run.meta.edits ?? 1) + 1 };
  run.lastEditAt = now;
  run.dirty = true;
  if (!run.timer) {
    const wait = Math.max(0, run.lastWriteAt + FLUSH_EVERY_MS - now);
    run.timer = setTimeout(() => void flushRun(run), wait);
    run.timer.unref?.();
  }
  return true;
}

/**
 * Writes the runs that have edits not yet written. With a database, only that database's runs, which are then
 * forgotten (its server is shutting down; another server in the same process keeps its own).
 */
export async function flushActivityRuns(db?: Executor): Promise<void> {
  const mine = [...runs.entries()].filter(([, run]) => db === undefined || run.deps.db === db);
  await Promise.all(mine.map(([, run]) => flushRun(run)));
  for (const [key, run] of mine) {
    if (db !== undefined || Date.now() - run.lastEditAt >= COALESCE_WINDOW_MS) runs.delete(key);
  }
}

function forgetOldRuns(now: number) {
  if (runs.size < 1_000) return;
  for (const [key, run] of runs) {
    if (now - run.lastEditAt >= COALESCE_WINDOW_MS && !run.dirty) runs.delete(key);
  }
}

/**
 * The one call every feature makes after a committed domain action: keeps the action with its field changes,
 * broadcasts it on the tenant's `activity` channel and sends the notifications that go with it. The action is
 * already durable, so a failure here is logged and never turns it into an error.
 */
export async function recordActivity(deps: ActivityDeps, input: ActivityInput): Promise<ActivityView | null> {
  const now = Date.now();
  const key = input.coalesce && !input.notify?.length ? `${input.tenantId}:${input.coalesce}` : null;
  if (key && foldIntoRun(key, input, now)) return null;
  let open = (_rowId: string) => {};
  if (key) {
    const previous = runs.get(key);
    if (previous?.dirty) void flushRun(previous);
    forgetOldRuns(now);
    const run: Run = {
      deps,
      tenantId: input.tenantId,
      rowId: '',
      changes: { ...(input.changes ?? {}) },
      meta: { ...input.meta, edits: 1 },
      lastEditAt: now,
      lastWriteAt: now,
      dirty: false,
      timer: null,
      writing: null,
      created: new Promise<void>((resolve) => {
        open = (rowId) => {
          run.rowId = rowId;
          if (!rowId && runs.get(key) === run) runs.delete(key);
          resolve();
        };
      }),
    };
    runs.set(key, run);
  }
  try {
    const sent = new Set<string>();
    for (const notice of input.notify ?? []) {
      const key = `${notice.userId}:${notice.kind}`;
      if (notice.userId === input.actor.id || sent.has(key)) continue;
      sent.add(key);
      try {
        await notify(input.tenantId, notice.userId, notice.kind, notice.payload);
      } catch (error) {
        deps.logger?.warn({ err: (error as Error).message, kind: notice.kind }, 'notification failed');
      }
    }
    if (seenRecently(input, Date.now())) return null;
    const row = await insertActivity(deps.db, {
      tenantId: input.tenantId,
      actorId: input.actor.id,
      actorName: input.actor.name,
      action: input.action,
      entityType: input.entityType,
      entityId: input.entityId,
      entityLabel: input.entityLabel ?? null,
      changes: input.changes ?? null,
      meta: key ? { ...input.meta, edits: 1 } : (input.meta ?? null),
    });
    open(row.id);
    await broadcast(deps, row);
    return toActivityView(row);
  } catch (error) {
    open('');
    deps.logger?.warn({ err: (error as Error).message, action: input.action }, 'activity not recorded');
    return null;
  }
}
