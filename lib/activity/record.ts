import type { Executor } from '../db/create-db';
import { insertActivity } from '../db/queries/activity';
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

/**
 * The one call every feature makes after a committed domain action: keeps the action with its field changes,
 * broadcasts it on the tenant's `activity` channel and sends the notifications that go with it. The action is
 * already durable, so a failure here is logged and never turns it into an error.
 */
export async function recordActivity(deps: ActivityDeps, input: ActivityInput): Promise<ActivityView | null> {
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
      meta: input.meta ?? null,
    });
    const view = toActivityView(row);
    await deps.publish({
      tenantId: input.tenantId,
      channel: 'activity',
      event: ACTIVITY_EVENT,
      data: view,
      ...(input.actor.id ? { actor: { id: input.actor.id, name: input.actor.name } } : {}),
    });
    return view;
  } catch (error) {
    deps.logger?.warn({ err: (error as Error).message, action: input.action }, 'activity not recorded');
    return null;
  }
}
