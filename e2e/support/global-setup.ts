import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../../lib/db/create-db';
import { seedIfEmpty } from '../../lib/db/seed';

/**
 * A fresh PGlite takes seconds to create; every test database starts from one migrated, seeded template dump.
 */
export default async function setup() {
  const dir = path.join(os.tmpdir(), `osl-template-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const database = await createDb({});
  await database.migrate();
  await seedIfEmpty(database.db);
  const client = (database.db as unknown as { $client: { dumpDataDir(c: 'none'): Promise<File | Blob> } })
    .$client;
  const dump = await client.dumpDataDir('none');
  const file = path.join(dir, 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await database.close();
  process.env.OSL_PGLITE_TEMPLATE = file;
}
