import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { createDb, type Database } from '../../lib/db/create-db';
import { seedIfEmpty } from '../../lib/db/seed';
import { TEST_POSTGRES_URL } from './services';

export type TestDbKind = 'pglite' | 'postgres';
/** `databaseUrl` is set for PostgreSQL, so a spawned server can open the same database. */
export type TestDatabase = Database & { databaseUrl?: string; drop(): Promise<void> };

/**
 * A migrated, seeded database of its own for one test file: PGlite from the template (in memory, or in `dataDir`
 * for a server process to open after this one closes it), or a fresh PostgreSQL database (a copy of the template
 * database when the global setup made one).
 */
export async function createTestDatabase(
  kind: TestDbKind,
  options: { dataDir?: string } = {},
): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const template = process.env.OSL_PGLITE_TEMPLATE;
    const database = await createDb({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(template ? { loadDataDir: new Blob([readFileSync(template)], { type: 'application/x-tar' }) } : {}),
    });
    if (!template) {
      await database.migrate();
      await seedIfEmpty(database.db);
    }
    return { ...database, drop: () => database.close() };
  }
  const name = `osl_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  // A copy of the migrated, seeded template of the global setup; without it (run outside vitest), migrated here.
  const template = process.env.OSL_POSTGRES_TEMPLATE;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  const database = await createDb({ databaseUrl: url.toString() });
  if (!template) {
    await database.migrate();
    await seedIfEmpty(database.db);
  }
  return {
    ...database,
    databaseUrl: url.toString(),
    drop: async () => {
      await database.close();
      const cleanup = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
