import { existsSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sourceDigest } from '../../lib/build/source-digest';
import { createDb } from '../../lib/db/create-db';
import { seedIfEmpty } from '../../lib/db/seed';
import { reachable, TEST_POSTGRES_URL } from './services';

/** What the template databases are made from: the migrations, the schema and seed, and the PGlite version. */
const TEMPLATE_INPUTS = { folders: ['drizzle', 'lib/db', 'lib/auth'], files: ['package-lock.json'] };

/**
 * A fresh database takes seconds to migrate and seed; every test database starts from a migrated, seeded template
 * instead: a PGlite dump, and a PostgreSQL template database (`CREATE DATABASE … TEMPLATE`). Both are kept between
 * runs, named by a digest of what they are made from, so a run builds them only after a migration, the seed or
 * PGlite changed.
 */
export default async function setup() {
  const digest = sourceDigest(process.cwd(), {}, TEMPLATE_INPUTS).slice(0, 16);
  process.env.OSL_PGLITE_TEMPLATE = await pgliteTemplate(digest);
  const postgres = await postgresTemplate(digest);
  if (postgres) process.env.OSL_POSTGRES_TEMPLATE = postgres;
}

async function pgliteTemplate(digest: string): Promise<string> {
  const file = path.join(os.tmpdir(), `osl-pglite-template-${digest}.tar`);
  if (!existsSync(file)) {
    const database = await createDb({});
    await database.migrate();
    await seedIfEmpty(database.db);
    const client = (database.db as unknown as { $client: { dumpDataDir(c: 'none'): Promise<File | Blob> } })
      .$client;
    const dump = await client.dumpDataDir('none');
    // Written aside and renamed, so a parallel run never reads half a file.
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
    await database.close();
  }
  return file;
}

/**
 * The name of a migrated, seeded PostgreSQL database that test databases are copied from, or null without
 * PostgreSQL (the tests that need it skip, or fail under CI, by their own check). Built under a name of its own and
 * renamed when complete, so a parallel run (another checkout) never copies half a template.
 */
async function postgresTemplate(digest: string): Promise<string | null> {
  if (!(await reachable(TEST_POSTGRES_URL, 5432))) return null;
  const name = `osl_template_${digest}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return name;
    const building = `${name}_${process.pid}`;
    await admin.query(`DROP DATABASE IF EXISTS ${building}`);
    await admin.query(`CREATE DATABASE ${building}`);
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = `/${building}`;
    const database = await createDb({ databaseUrl: url.toString() });
    try {
      await database.migrate();
      await seedIfEmpty(database.db);
    } finally {
      await database.close();
    }
    try {
      await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    } catch (error) {
      // Another run finished the same template first: use theirs.
      if ((error as { code?: string }).code !== '42P04') throw error;
      await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
    }
    return name;
  } finally {
    await admin.end();
  }
}
