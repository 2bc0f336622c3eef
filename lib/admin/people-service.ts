import { randomBytes } from 'node:crypto';
import { hashPassword } from '../auth/password';
import type { Db } from '../db/create-db';
import {
  emailTaken,
  findPerson,
  findPersonForUpdate,
  insertAudit,
  insertPerson,
  listAudit,
  listPeople,
  lockActiveAdmins,
  markAdminChange,
  type PersonChange,
  type PersonRow,
  updatePerson,
} from '../db/queries/people';
import type { AdminAuditRow } from '../db/schema';
import type { Logger } from '../logger';
import { type Failure, fail, ok, type Result } from '../messaging/result';
import type { Member } from '../realtime/protocol';
import {
  type AuditAction,
  type AuditEntryView,
  type AuditQuery,
  auditAction,
  type CreatePersonBody,
  type PersonView,
  type UpdatePersonBody,
} from './contract';
import { refuseChange } from './guards';

export type AdminCaller = { id: string; tenantId: string; name: string; role: 'admin' | 'sales' | 'viewer' };

export type PeopleServiceDeps = {
  db: Db;
  logger: Logger;
  /** Makes a committed change reach every node at once (hub.refreshUser). */
  refreshUser(tenantId: string, userId: string): Promise<void>;
  /** Tenant presence (who is online, with how many sockets). */
  presence(tenantId: string): Promise<Member[]>;
  /**
   * Tells the tenant's admins (the `admin` channel, every node) that a person changed, so every open console
   * shows it: event `person.changed` with `{ person }`.
   */
  publish?(input: {
    tenantId: string;
    channel: 'admin';
    event: 'person.changed' | 'person.removed';
    data: { person: PersonView } | { id: string };
    actor?: { id: string; name: string };
  }): Promise<unknown>;
  /**
   * True for the first caller on any node to claim `key` (the hub's dedupe store): a change made in SQL is
   * noticed by every node, and announced by one.
   */
  claimOnce?(key: string): Promise<boolean>;
};

export type PersonAnswer = { person: PersonView; temporaryPassword?: string };

const temporaryPassword = () => randomBytes(12).toString('base64url');

function view(row: PersonRow, member: Member | undefined): PersonView {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    active: row.active,
    lastSeenAt: row.lastSeenAt ? row.lastSeenAt.toISOString() : null,
    online: Boolean(member && member.status !== 'offline'),
    sessions: member?.connections ?? 0,
    createdAt: row.createdAt.toISOString(),
  };
}

function auditView(row: AdminAuditRow): AuditEntryView {
  const action = auditAction.safeParse(row.action);
  return {
    id: row.id,
    at: row.createdAt.toISOString(),
    actor: { id: row.actorId, name: row.actorName },
    action: action.success ? action.data : 'user.created',
    target: { id: row.targetId, label: row.targetLabel },
    before: row.before ?? null,
    after: row.after ?? null,
  };
}

const label = (row: Pick<PersonRow, 'name' | 'email'>) => `${row.name} <${row.email}>`;

export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { at: Date; id: string } | null {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!at || !id || !/^[0-9a-f-]{36}$/.test(id)) return null;
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? null : { at: date, id };
}

/**
 * The admin console's people management: list, create, change role, deactivate and reactivate, reset a password,
 * sign out everywhere, and the audit list. Every change is one transaction with its audit entry (who, what, when,
 * before → after), guarded by the last-admin rule under lock, and then reaches every node through `refreshUser`.
 * Callers must be admins of the tenant; the service checks it again.
 */
export function createPeopleService(deps: PeopleServiceDeps) {
  const { db, logger } = deps;

  const membersOf = async (tenantId: string) => {
    const members = await deps.presence(tenantId).catch((error: Error) => {
      logger.warn({ err: error.message }, 'presence unavailable for the people list');
      return [] as Member[];
    });
    return new Map(members.map((m) => [m.userId, m]));
  };

  async function personView(tenantId: string, row: PersonRow): Promise<PersonView> {
    return view(row, (await membersOf(tenantId)).get(row.id));
  }

  /** The change is committed: the other admins' consoles show it (best effort; a reload shows it anyway). */
  async function announce(caller: AdminCaller, person: PersonView): Promise<PersonView> {
    await deps
      .publish?.({
        tenantId: caller.tenantId,
        channel: 'admin',
        event: 'person.changed',
        data: { person },
        actor: { id: caller.id, name: caller.name },
      })
      .catch((error: Error) => logger.warn({ err: error.message }, 'person change not announced'));
    return person;
  }

  async function afterCommit(caller: AdminCaller, userId: string): Promise<void> {
    await deps.refreshUser(caller.tenantId, userId).catch((error: Error) => {
      logger.error({ err: error.message, userId }, 'user refresh after an admin change failed');
    });
  }

  /** One guarded, audited change to a person, in a transaction. */
  async function change(
    caller: AdminCaller,
    userId: string,
    action: AuditAction,
    build: (
      target: PersonRow,
      admins: readonly string[],
    ) => Promise<
      | {
          change: PersonChange;
          before: Record<string, unknown>;
          after: (row: PersonRow) => Record<string, unknown>;
        }
      | Failure
    >,
  ): Promise<Result<PersonRow>> {
    if (caller.role !== 'admin') return fail('FORBIDDEN', 'Admins only');
    const outcome = await db.transaction(async (tx): Promise<Result<PersonRow>> => {
      // Always the tenant's admins first (in id order), then the person: two admins changing each other at once
      // queue instead of deadlocking, and the second sees the first's change.
      await markAdminChange(tx);
      const admins = await lockActiveAdmins(tx, caller.tenantId);
      const target = await findPersonForUpdate(tx, caller.tenantId, userId);
      if (!target) return fail('NOT_FOUND', 'No such person in your organisation');
      const plan = await build(target, admins);
      if ('ok' in plan) return plan;
      const row = await updatePerson(tx, caller.tenantId, userId, plan.change);
      if (!row) return fail('NOT_FOUND', 'No such person in your organisation');
      await insertAudit(tx, {
        tenantId: caller.tenantId,
        actorId: caller.id,
        actorName: caller.name,
        action,
        targetId: row.id,
        targetLabel: label(row),
        before: plan.before,
        after: plan.after(row),
      });
      return ok(row);
    });
    if (outcome.ok) await afterCommit(caller, userId);
    return outcome;
  }

  function guarded(
    caller: AdminCaller,
    target: PersonRow,
    next: UpdatePersonBody,
    admins: readonly string[],
  ) {
    const refusal = refuseChange(caller.id, target, next, admins);
    if (refusal === 'LAST_ADMIN')
      return fail('LAST_ADMIN', 'The last active admin cannot be lowered or deactivated');
    if (refusal === 'OWN_ACCOUNT') return fail('OWN_ACCOUNT', 'You cannot deactivate your own account');
    return null;
  }

  return {
    async list(caller: AdminCaller): Promise<Result<PersonView[]>> {
      if (caller.role !== 'admin') return fail('FORBIDDEN', 'Admins only');
      const [rows, members] = await Promise.all([
        listPeople(db, caller.tenantId),
        membersOf(caller.tenantId),
      ]);
      return ok(rows.map((row) => view(row, members.get(row.id))));
    },

    async create(caller: AdminCaller, input: CreatePersonBody): Promise<Result<PersonAnswer>> {
      if (caller.role !== 'admin') return fail('FORBIDDEN', 'Admins only');
      const generated = input.password ? undefined : temporaryPassword();
      const passwordHash = await hashPassword(input.password ?? generated ?? '');
      const outcome = await db.transaction(async (tx): Promise<Result<PersonRow>> => {
        await markAdminChange(tx);
        if (await emailTaken(tx, input.email)) return fail('EMAIL_TAKEN', 'Someone already uses this email');
        const row = await insertPerson(tx, {
          tenantId: caller.tenantId,
          email: input.email,
          name: input.name,
          role: input.role,
          passwordHash,
          locale: input.locale,
        });
        await insertAudit(tx, {
          tenantId: caller.tenantId,
          actorId: caller.id,
          actorName: caller.name,
          action: 'user.created',
          targetId: row.id,
          targetLabel: label(row),
          before: null,
          after: { role: row.role, active: true },
        });
        return ok(row);
      });
      if (!outcome.ok) return outcome;
      return ok({
        person: await announce(caller, view(outcome.value, undefined)),
        ...(generated ? { temporaryPassword: generated } : {}),
      });
    },

    async update(caller: AdminCaller, userId: string, body: UpdatePersonBody): Promise<Result<PersonView>> {
      const action: AuditAction =
        'role' in body ? 'user.role_changed' : body.active ? 'user.reactivated' : 'user.deactivated';
      const outcome = await change(caller, userId, action, async (target, admins) => {
        const refused = guarded(caller, target, body, admins);
        if (refused) return refused;
        if ('role' in body)
          return {
            change: { role: body.role },
            before: { role: target.role },
            after: (row) => ({ role: row.role }),
          };
        // Deactivating also ends every session; reactivating does not bring old sessions back.
        return {
          change: { active: body.active, revokeSessions: !body.active },
          before: { active: target.active },
          after: (row) => ({ active: row.active }),
        };
      });
      return outcome.ok
        ? ok(await announce(caller, await personView(caller.tenantId, outcome.value)))
        : outcome;
    },

    async resetPassword(
      caller: AdminCaller,
      userId: string,
      password: string | undefined,
    ): Promise<Result<PersonAnswer>> {
      const generated = password ? undefined : temporaryPassword();
      const passwordHash = await hashPassword(password ?? generated ?? '');
      // A new password ends the sessions signed in with the old one.
      const outcome = await change(caller, userId, 'user.password_reset', async (target) => ({
        change: { passwordHash, revokeSessions: true },
        before: { sessionVersion: target.sessionVersion },
        after: (row) => ({ sessionVersion: row.sessionVersion }),
      }));
      if (!outcome.ok) return outcome;
      return ok({
        person: await announce(caller, await personView(caller.tenantId, outcome.value)),
        ...(generated ? { temporaryPassword: generated } : {}),
      });
    },

    async signOutEverywhere(caller: AdminCaller, userId: string): Promise<Result<PersonView>> {
      const outcome = await change(caller, userId, 'user.signed_out', async (target) => ({
        change: { revokeSessions: true },
        before: { sessionVersion: target.sessionVersion },
        after: (row) => ({ sessionVersion: row.sessionVersion }),
      }));
      return outcome.ok
        ? ok(await announce(caller, await personView(caller.tenantId, outcome.value)))
        : outcome;
    },

    /**
     * A user row changed outside the admin API (in SQL; the user-change notification of transaction `change`,
     * heard by every node): the first node to claim it tells the tenant's open consoles, with the person as stored
     * now, or that the person is gone.
     */
    async noticeOutsideChange(tenantId: string, userId: string, change: string): Promise<void> {
      if (deps.claimOnce && !(await deps.claimOnce(`person-change:${change}:${tenantId}:${userId}`))) return;
      const row = await findPerson(db, tenantId, userId);
      await deps.publish?.(
        row
          ? {
              tenantId,
              channel: 'admin',
              event: 'person.changed',
              data: { person: await personView(tenantId, row) },
            }
          : { tenantId, channel: 'admin', event: 'person.removed', data: { id: userId } },
      );
    },

    async audit(
      caller: AdminCaller,
      query: AuditQuery,
    ): Promise<Result<{ entries: AuditEntryView[]; next: string | null }>> {
      if (caller.role !== 'admin') return fail('FORBIDDEN', 'Admins only');
      const before = query.before ? decodeCursor(query.before) : undefined;
      if (before === null) return fail('VALIDATION', 'before: not a cursor of this list');
      const rows = await listAudit(db, {
        tenantId: caller.tenantId,
        ...(query.action ? { action: query.action } : {}),
        ...(query.actorId ? { actorId: query.actorId } : {}),
        ...(query.targetId ? { targetId: query.targetId } : {}),
        ...(before ? { before } : {}),
        limit: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return ok({
        entries: page.map(auditView),
        next: rows.length > query.limit && last ? encodeCursor(last) : null,
      });
    },
  };
}

export type PeopleService = ReturnType<typeof createPeopleService>;
