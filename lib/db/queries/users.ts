import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db, Executor } from '../create-db';
import { type Role, tenants, users } from '../schema';

export type SessionUser = {
  id: string;
  tenantId: string;
  tenantName: string;
  email: string;
  name: string;
  role: Role;
  locale: string;
  active: boolean;
  sessionVersion: number;
};

const sessionUserColumns = {
  id: users.id,
  tenantId: users.tenantId,
  tenantName: tenants.name,
  email: users.email,
  name: users.name,
  role: users.role,
  locale: users.locale,
  active: users.active,
  sessionVersion: users.sessionVersion,
};

export async function findUserForSignIn(db: Executor, email: string) {
  const [row] = await db
    .select({ ...sessionUserColumns, passwordHash: users.passwordHash })
    .from(users)
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(eq(users.email, email.trim().toLowerCase()))
    .limit(1);
  return row ?? null;
}

/** The user behind a session, checked against the tenant the session was issued for. */
export async function findSessionUser(
  db: Executor,
  userId: string,
  tenantId: string,
): Promise<SessionUser | null> {
  const [row] = await db
    .select(sessionUserColumns)
    .from(users)
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(and(eq(users.id, userId), eq(users.tenantId, tenantId)))
    .limit(1);
  return row ?? null;
}

export async function listTenantUsers(db: Executor, tenantId: string) {
  return db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role })
    .from(users)
    .where(eq(users.tenantId, tenantId))
    .orderBy(asc(users.name));
}

export async function setUserRole(db: Executor, tenantId: string, userId: string, role: Role) {
  const [row] = await db
    .update(users)
    .set({ role })
    .where(and(eq(users.id, userId), eq(users.tenantId, tenantId)))
    .returning({ id: users.id, role: users.role });
  return row ?? null;
}

export async function touchLastSeen(db: Executor, userId: string, at = new Date()) {
  await db.update(users).set({ lastSeenAt: at }).where(eq(users.id, userId));
}

/** A user as the realtime server checks sessions against it. */
const realtimeUserColumns = {
  id: users.id,
  tenantId: users.tenantId,
  role: users.role,
  name: users.name,
  active: users.active,
  sessionVersion: users.sessionVersion,
};

/** Prepared once: the users whose ids are in `ids`, as the realtime server checks sessions against them. */
export function prepareUsersByIds(db: Db) {
  return db
    .select(realtimeUserColumns)
    .from(users)
    .where(sql`${users.id} = any(${sql.placeholder('ids')})`)
    .prepare('osl_realtime_users_by_id');
}

/** Prepared once: the users of a tenant (at most `limit`), as `prepareUsersByIds` reads them. */
export function prepareTenantRoster(db: Db) {
  return db
    .select(realtimeUserColumns)
    .from(users)
    .where(eq(users.tenantId, sql.placeholder('tenantId')))
    .limit(sql.placeholder('limit'))
    .prepare('osl_realtime_tenant_roster');
}

/** Prepared once: "last seen" of every user in `ids` becomes the database's now. */
export function prepareTouchLastSeenMany(db: Db) {
  return db
    .update(users)
    .set({ lastSeenAt: sql`now()` })
    .where(sql`${users.id} = any(${sql.placeholder('ids')})`)
    .prepare('osl_realtime_last_seen');
}

export async function setUserLocale(db: Executor, userId: string, locale: string) {
  await db.update(users).set({ locale }).where(eq(users.id, userId));
}
