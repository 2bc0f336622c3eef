import type { EntityChangeRow, SyncConflictRow } from '../db/schema';
import type { ActivityInput } from './record';

type Actor = { id: string; name: string };
type Base = { tenantId: string; actor: Actor; entityId: string };

/** Notification kinds the collaboration features send (the inbox labels them). */
export const collabNoticeKinds = {
  mention: 'comment.mention',
  conflict: 'sync.conflict',
  conflictResolved: 'sync.conflict_resolved',
  overwritten: 'sync.overwritten',
  lockForceReleased: 'sync.lock_force_released',
} as const;

const orderLink = (entityId: string) => `/orders/${entityId}`;

/** The activity of one committed sync change: an update (telling the overwritten user) or a conflict. */
export function syncCommitActivity(
  base: Base,
  applied: EntityChangeRow | null,
  conflict: SyncConflictRow | null,
): ActivityInput[] {
  const inputs: ActivityInput[] = [];
  const common = { tenantId: base.tenantId, actor: base.actor, entityType: 'order' as const };
  if (applied) {
    const overwrote = applied.overwrote as { userId: string; userName: string } | null;
    inputs.push({
      ...common,
      action: 'updated',
      entityId: applied.entityId,
      // A run of plain edits to one field is one feed entry; status moves, undos and overwrites stand alone.
      ...(applied.kind === 'change' && !overwrote && applied.field !== 'status'
        ? { coalesce: `${base.actor.id}:order:${applied.entityId}:${applied.field}` }
        : {}),
      changes: { [applied.field]: { before: applied.before, after: applied.after } },
      meta: {
        version: applied.version,
        strategy: applied.strategy,
        kind: applied.kind,
        ...(overwrote ? { overwrote: overwrote.userName } : {}),
      },
      notify: overwrote
        ? [
            {
              userId: overwrote.userId,
              kind: collabNoticeKinds.overwritten,
              payload: {
                entityId: applied.entityId,
                field: applied.field,
                by: base.actor.name,
                link: orderLink(applied.entityId),
              },
            },
          ]
        : [],
    });
  }
  if (conflict) {
    const payload = {
      entityId: conflict.entityId,
      conflictId: conflict.id,
      field: conflict.field,
      mineBy: conflict.mineUserName,
      theirsBy: conflict.theirsUserName,
      link: orderLink(conflict.entityId),
    };
    inputs.push({
      ...common,
      action: 'conflicted',
      entityId: conflict.entityId,
      changes: { [conflict.field]: { before: conflict.theirs, after: conflict.mine } },
      meta: { conflictId: conflict.id, theirsBy: conflict.theirsUserName },
      notify: [
        { userId: conflict.mineUserId, kind: collabNoticeKinds.conflict, payload },
        { userId: conflict.theirsUserId, kind: collabNoticeKinds.conflict, payload },
      ],
    });
  }
  return inputs;
}

export function lockActivity(
  base: Base,
  section: string,
  held: boolean,
  forced?: { previousHolder: { userId: string; userName: string } },
): ActivityInput {
  return {
    tenantId: base.tenantId,
    actor: base.actor,
    action: held ? 'locked' : 'unlocked',
    entityType: 'order',
    entityId: base.entityId,
    meta: { section, ...(forced ? { forced: true, previousHolder: forced.previousHolder.userName } : {}) },
    notify: forced
      ? [
          {
            userId: forced.previousHolder.userId,
            kind: collabNoticeKinds.lockForceReleased,
            payload: {
              entityId: base.entityId,
              section,
              by: base.actor.name,
              link: orderLink(base.entityId),
            },
          },
        ]
      : [],
  };
}

export function resolvedActivity(
  base: Base,
  conflict: {
    conflictId: string;
    field: string;
    resolution: string | null;
    resolvedValue: unknown;
    theirs: unknown;
  },
  people: { userId: string }[],
): ActivityInput {
  return {
    tenantId: base.tenantId,
    actor: base.actor,
    action: 'resolved',
    entityType: 'order',
    entityId: base.entityId,
    changes: { [conflict.field]: { before: conflict.theirs, after: conflict.resolvedValue } },
    meta: { conflictId: conflict.conflictId, resolution: conflict.resolution },
    notify: people.map((p) => ({
      userId: p.userId,
      kind: collabNoticeKinds.conflictResolved,
      payload: {
        entityId: base.entityId,
        conflictId: conflict.conflictId,
        field: conflict.field,
        resolution: conflict.resolution,
        by: base.actor.name,
        link: orderLink(base.entityId),
      },
    })),
  };
}

export function viewedActivity(base: Base, label: string): ActivityInput {
  return {
    tenantId: base.tenantId,
    actor: base.actor,
    action: 'viewed',
    entityType: 'order',
    entityId: base.entityId,
    entityLabel: label,
  };
}
