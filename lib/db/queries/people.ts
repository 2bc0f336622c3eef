import { and, asc, desc, eq, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../create-db';
import { type AdminAuditRow, adminAudit, type Role, users } from '../schema';

/** A person of the tenant as the admin console lists them. */
export type PersonRow = {
  id: string;
  name: string;
  email: string;
  role: Role;
  active: boolean;
  sessionVersion: number;
  lastSeenAt: Date | null;
  createdAt: Date;
};

const personColumns = {
  id: users.id,
  name: users.name,
  email: users.email,
  role: users.role,
  active: users.active,
  sessionVersion: users.sessionVersion,
  lastSeenAt: users.lastSeenAt,
  createdAt: users.createdAt,
};

export async function listPeople(db: Executor, tenantId: string): Promise<PersonRow[]> {
  return db.select(personColumns).from(users).where(eq(users.tenantId, tenantId)).orderBy(asc(users.name));
}

/** The person as stored now, or null when there is no such person in the tenant. */
export async function findPerson(db: Executor, tenantId: string, userId: string): Promise<PersonRow | null> {
  const [row] = await db
    .select(personColumns)
    .from(users)
    .where(and(eq(users.id, userId), eq(users.tenantId, tenantId)))
    .limit(1);
  return row ?? null;
}

/**
 * Marks the transaction's changes to users as the admin API's (the user-change notification carries it, migration
 * 0009), so nodes do not announce them a second time.
 */
export async function markAdminChange(db: Executor): Promise<void> {
  await db.execute(sql`select set_config('osl.change_origin', 'admin', true)`);
}

/** The person, locked until the transaction ends (so two admins' changes to one person queue). */
export async function findPersonForUpdate(
  db: Executor,
  tenantId: string,
  userId: string,
): Promise<PersonRow | null> {
  const [row] = await db
    .select(personColumns)
    .from(users)
    .where(and(eq(users.id, userId), eq(users.tenantId, tenantId)))
    .for('update')
    .limit(1);
  return row ?? null;
}

/**
 * The ids of the tenant's active admins, locked until the transaction ends: two admins lowering each other at once
 * queue here, and the second sees the first's change (the last-admin guard cannot be raced).
 */
export async function lockActiveAdmins(db: Executor, tenantId: string): Promise<string[]> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.role, 'admin'), eq(users.active, true)))
    .orderBy(asc(users.id))
    .for('update');
  return rows.map((r) => r.id);
}

export async function emailTaken(db: Executor, email: string): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
  return Boolean(row);
}

export async function insertPerson(
  db: Executor,
  input: { tenantId: string; email: string; name: string; role: Role; passwordHash: string; locale: string },
): Promise<PersonRow> {
  const [row] = await db.insert(users).values(input).returning(personColumns);
  if (!row) throw new Error('user insert returned nothing');
  return row;
}

export type PersonChange = {
  role?: Role;
  active?: boolean;
  passwordHash?: string;
  /** Ends every session issued before (sign out everywhere). */
  revokeSessions?: boolean;
};

export async function updatePerson(
  db: Executor,
  tenantId: string,
  userId: string,
  change: PersonChange,
): Promise<PersonRow | null> {
  const [row] = await db
    .update(users)
    .set({
      ...(change.role !== undefined ? { role: change.role } : {}),
      ...(change.active !== undefined ? { active: change.active } : {}),
      ...(change.passwordHash !== undefined ? { passwordHash: change.passwordHash } : {}),
      ...(change.revokeSessions ? { sessionVersion: sql`${users.sessionVersion} + 1` } : {}),
    })
    .where(and(eq(users.id, userId), eq(users.tenantId, tenantId)))
    .returning(personColumns);
  return row ?? null;
}

export type NewAuditEntry = typeof adminAudit.$inferInsert;

export async function insertAudit(db: Executor, entry: NewAuditEntry): Promise<AdminAuditRow> {
  const [row] = await db.insert(adminAudit).values(entry).returning();
  if (!row) throw new Error('audit insert returned nothing');
  return row;
}

export type AuditFilter = {
  tenantId: string;
  action?: string;
  actorId?: string;
  targetId?: string;
  /** Keyset cursor: entries strictly older than this one. */
  before?: { at: Date; id: string };
  limit: number;
};

/** Newest first. */
export async function listAudit(db: Executor, filter: AuditFilter): Promise<AdminAuditRow[]> {
  const conditions: (SQL | undefined)[] = [eq(adminAudit.tenantId, filter.tenantId)];
  if (filter.action) conditions.push(eq(adminAudit.action, filter.action));
  if (filter.actorId) conditions.push(eq(adminAudit.actorId, filter.actorId));
  if (filter.targetId) conditions.push(eq(adminAudit.targetId, filter.targetId));
  if (filter.before)
    conditions.push(
      or(
        lt(adminAudit.createdAt, filter.before.at),
        and(eq(adminAudit.createdAt, filter.before.at), lt(adminAudit.id, filter.before.id)),
      ),
    );
  return db
    .select()
    .from(adminAudit)
    .where(and(...conditions))
    .orderBy(desc(adminAudit.createdAt), desc(adminAudit.id))
    .limit(filter.limit);
}

/** How many users the database holds (none: a production start asks for the first admin). */
export async function countUsers(db: Executor): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return row?.n ?? 0;
}
