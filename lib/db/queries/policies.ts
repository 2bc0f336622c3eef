import { and, eq } from 'drizzle-orm';
import type { Executor } from '../create-db';
import { entityPolicies } from '../schema';

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
