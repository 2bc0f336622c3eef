import { existsSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sourceDigest } from '../../lib/build/source-digest';
import { createDb } from '../../lib/db/create-db';
import { seedIfEmpty } from '../../lib/db/seed';

/** What the template database is made from: the migrations, the schema and seed, and the PGlite version. */
const TEMPLATE_INPUTS = { folders: ['drizzle', 'lib/db', 'lib/auth'], files: ['package-lock.json'] };

/**
 * A fresh PGlite takes seconds to create; every test database starts from one migrated, seeded template dump. The
 * dump is kept between runs (named by a digest of what it is made from), so a run builds it only after a
 * migration, the seed or PGlite changed.
 */
export default async function setup() {
  const digest = sourceDigest(process.cwd(), {}, TEMPLATE_INPUTS).slice(0, 16);
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
  process.env.OSL_PGLITE_TEMPLATE = file;
}
