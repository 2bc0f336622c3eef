import { and, eq } from 'drizzle-orm';
import type { Executor } from '../create-db';
import { entityPolicies, users } from '../schema';

/** The stored sections map of a tenant's entity type, or null for the built-in default. */
export async function readEntityPolicy(db: Executor, tenantId: string, entityType: string): Promise<unknown> {
  const [row] = await db
    .select({ sections: entityPolicies.sections })
    .from(entityPolicies)
    .where(and(eq(entityPolicies.tenantId, tenantId), eq(entityPolicies.entityType, entityType)))
    .limit(1);
  return row ? row.sections : null;
}

export async function writeEntityPolicy(
  db: Executor,
  row: { tenantId: string; entityType: string; sections: unknown; updatedBy: string },
) {
  await db
    .insert(entityPolicies)
    .values(row)
    .onConflictDoUpdate({
      target: [entityPolicies.tenantId, entityPolicies.entityType],
      set: { sections: row.sections, updatedBy: row.updatedBy, updatedAt: new Date() },
    });
}

/** The stored sections map with the admin who set it (for the history row of a switch). */
export async function readEntityPolicyWithAuthor(db: Executor, tenantId: string, entityType: string) {
  const [row] = await db
    .select({ sections: entityPolicies.sections, userId: users.id, userName: users.name })
    .from(entityPolicies)
    .leftJoin(users, eq(users.id, entityPolicies.updatedBy))
    .where(and(eq(entityPolicies.tenantId, tenantId), eq(entityPolicies.entityType, entityType)))
    .limit(1);
  return row ?? null;
}
