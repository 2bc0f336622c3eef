import { hashPassword } from '../auth/password';
import type { Db } from '../db/create-db';
import { countUsers, insertAudit, insertPerson } from '../db/queries/people';
import { tenants } from '../db/schema';
import type { Env } from '../env';
import type { Logger } from '../logger';

export type FirstAdminOutcome = 'exists' | 'created' | 'waiting';

function slugOf(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return slug || 'organisation';
}

/**
 * A database without any user (a production start without demo data) gets its first admin, in a new organisation,
 * from ADMIN_EMAIL and ADMIN_PASSWORD; without them the server says what to set and the sign-in page shows the
 * same (`waiting`). Nothing happens once any user exists, so the variables can stay set (or be removed) afterwards.
 */
export async function ensureFirstAdmin(
  db: Db,
  env: Pick<Env, 'ADMIN_EMAIL' | 'ADMIN_PASSWORD' | 'ADMIN_NAME' | 'ADMIN_ORGANISATION'>,
  logger: Logger,
): Promise<FirstAdminOutcome> {
  if ((await countUsers(db)) > 0) return 'exists';
  if (!env.ADMIN_EMAIL || !env.ADMIN_PASSWORD) {
    logger.warn(
      'the database has no users: set ADMIN_EMAIL and ADMIN_PASSWORD and restart to create the first admin',
    );
    return 'waiting';
  }
  const passwordHash = await hashPassword(env.ADMIN_PASSWORD);
  const email = env.ADMIN_EMAIL.trim().toLowerCase();
  await db.transaction(async (tx) => {
    // Checked again inside the transaction: two processes starting at once create one admin.
    if ((await countUsers(tx)) > 0) return;
    const [tenant] = await tx
      .insert(tenants)
      .values({ slug: slugOf(env.ADMIN_ORGANISATION), name: env.ADMIN_ORGANISATION })
      .onConflictDoNothing()
      .returning();
    if (!tenant) throw new Error('the first organisation could not be created (its slug is taken)');
    const admin = await insertPerson(tx, {
      tenantId: tenant.id,
      email,
      name: env.ADMIN_NAME,
      role: 'admin',
      passwordHash,
      locale: 'en',
    });
    await insertAudit(tx, {
      tenantId: tenant.id,
      actorId: null,
      actorName: 'setup',
      action: 'user.created',
      targetId: admin.id,
      targetLabel: `${admin.name} <${admin.email}>`,
      before: null,
      after: { role: 'admin', active: true },
    });
  });
  logger.info({ email }, 'created the first admin from ADMIN_EMAIL');
  return 'created';
}
