// The databases of one `npm run bench:sync` run: a migrated, seeded template per kind (with the bench's orders and
// people), a copy of it per measured run, and every one of them dropped at the end, failures reported.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { z } from 'zod';
import { createDb, type Database } from '../../lib/db/create-db';
import { findUserForSignIn } from '../../lib/db/queries/users';
import { orders, tenants, users } from '../../lib/db/schema';
import { seedIfEmpty } from '../../lib/db/seed';
import { TEST_POSTGRES_URL } from '../support/services';

export type DbKind = 'pglite' | 'postgres';

export type BenchPerson = { email: string; id: string; tenantId: string; sessionVersion: number };

export type BenchFixture = {
  tenantId: string;
  /** As many orders as the largest scenario edits, the same ids in every copy. */
  orderIds: string[];
  /** Distinct sales people (two seeded, the rest added for the bench). */
  editors: BenchPerson[];
};

export type ScenarioDatabase = {
  kind: DbKind;
  /** What a server node needs to open it: DATABASE_URL (PostgreSQL) or DATA_DIR (PGlite under DATA_DIR/pglite). */
  env: Record<string, string>;
  /** PostgreSQL: the database's URL, for the bench's own checks after the run. */
  url?: string;
  name: string;
};

const ORDERS = 100;
const EXTRA_EDITORS = 3;
const SEEDED_EDITORS = ['anna@siam.example', 'napa@siam.example'];

function databaseUrl(name: string): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

const sqlState = (error: unknown) =>
  typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;

/** Adds the bench's orders and people to a freshly seeded database and reads what the clients need. */
async function prepareFixture(database: Database): Promise<BenchFixture> {
  await database.migrate();
  await seedIfEmpty(database.db);
  const [tenant] = await database.db.select().from(tenants).where(eq(tenants.slug, 'siam-supply'));
  if (!tenant) throw new Error('the demo tenant is not seeded');
  const [template] = await database.db.select().from(users).where(eq(users.email, SEEDED_EDITORS[0]!));
  if (!template) throw new Error(`${SEEDED_EDITORS[0]} is not seeded`);
  const extra = Array.from({ length: EXTRA_EDITORS }, (_, i) => `bench${i + 1}@siam.example`);
  await database.db.insert(users).values(
    extra.map((email, i) => ({
      tenantId: tenant.id,
      email,
      name: `Bench typist ${i + 1}`,
      role: 'sales' as const,
      passwordHash: template.passwordHash,
      locale: 'en',
    })),
  );
  const existing = await database.db.select().from(orders).where(eq(orders.tenantId, tenant.id));
  const first = existing[0];
  if (!first) throw new Error('no seeded order to copy');
  const copies = Array.from({ length: Math.max(0, ORDERS - existing.length) }, (_, i) => ({
    tenantId: tenant.id,
    number: `BENCH-${i}`,
    customerId: first.customerId,
    shippingAddress: first.shippingAddress,
    notes: '',
  }));
  if (copies.length > 0) await database.db.insert(orders).values(copies);
  const rows = await database.db
    .select({ id: orders.id })
    .from(orders)
    .where(eq(orders.tenantId, tenant.id))
    .orderBy(orders.number);
  const editors: BenchPerson[] = [];
  for (const email of [...SEEDED_EDITORS, ...extra]) {
    const user = await findUserForSignIn(database.db, email);
    if (!user) throw new Error(`${email} is missing`);
    editors.push({ email, id: user.id, tenantId: user.tenantId, sessionVersion: user.sessionVersion });
  }
  return { tenantId: tenant.id, orderIds: rows.map((r) => r.id).slice(0, ORDERS), editors };
}

/**
 * Whether PostgreSQL could count statements itself: pg_stat_statements needs to be in shared_preload_libraries
 * (a server restart), which the bench does not change; without it the nodes count their statements.
 */
export async function pgStatStatementsPreloaded(): Promise<boolean> {
  const { rows } = await withAdmin((c) => c.query('SHOW shared_preload_libraries'));
  const [row] = z.array(z.object({ shared_preload_libraries: z.string() })).parse(rows);
  return (row?.shared_preload_libraries ?? '')
    .split(',')
    .some((name) => name.trim() === 'pg_stat_statements');
}

export class BenchDatabases {
  private readonly templates = new Map<DbKind, { fixture: BenchFixture; source: string }>();
  /** Every PostgreSQL database and directory this run created (or began to), dropped by `dropAll`. */
  private readonly postgres = new Set<string>();
  private readonly directories = new Set<string>();
  private counter = 0;
  readonly failures: string[] = [];

  constructor(readonly runId: string) {}

  /** Database names of this run start with this (lower case, so PostgreSQL keeps them as written). */
  get prefix(): string {
    return `osl_bench_sync_${this.runId}`;
  }

  private tempDir(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'osl-bench-sync-'));
    this.directories.add(dir);
    return dir;
  }

  async fixture(kind: DbKind): Promise<BenchFixture> {
    const known = this.templates.get(kind);
    if (known) return known.fixture;
    let source: string;
    let database: Database;
    if (kind === 'postgres') {
      source = `${this.prefix}_template`;
      this.postgres.add(source);
      await withAdmin((c) => c.query(`CREATE DATABASE ${source}`));
      database = await createDb({ databaseUrl: databaseUrl(source) });
    } else {
      source = path.join(this.tempDir(), 'pglite');
      database = await createDb({ dataDir: source });
    }
    try {
      const fixture = await prepareFixture(database);
      this.templates.set(kind, { fixture, source });
      return fixture;
    } finally {
      await database.close();
    }
  }

  /** A copy of the kind's template for one measured run. */
  async create(kind: DbKind): Promise<ScenarioDatabase> {
    await this.fixture(kind);
    const template = this.templates.get(kind)!;
    const dataDir = this.tempDir();
    if (kind === 'pglite') {
      cpSync(template.source, path.join(dataDir, 'pglite'), { recursive: true });
      return { kind, env: { DATA_DIR: dataDir }, name: path.basename(dataDir) };
    }
    const name = `${this.prefix}_${++this.counter}`;
    this.postgres.add(name);
    // The template's last connection can take a moment to go away after close().
    for (let attempt = 0; ; attempt++) {
      try {
        await withAdmin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template.source}`));
        break;
      } catch (error) {
        if (sqlState(error) !== '55006' || attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const url = databaseUrl(name);
    return { kind, env: { DATABASE_URL: url, DATA_DIR: dataDir }, url, name };
  }

  /** Drops one run's database now (a long run does not keep every copy until the end). */
  async drop(database: ScenarioDatabase): Promise<void> {
    if (database.kind === 'postgres') await this.dropPostgres(database.name);
    const dir = database.env.DATA_DIR;
    if (dir) this.removeDir(dir);
  }

  private async dropPostgres(name: string): Promise<void> {
    if (!this.postgres.has(name)) return;
    let last: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
        this.postgres.delete(name);
        return;
      } catch (error) {
        last = error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    const message = `could not drop database ${name}: ${last instanceof Error ? last.message : String(last)}`;
    this.failures.push(message);
    console.error(`\n*** bench:sync cleanup FAILED: ${message}\n`);
  }

  private removeDir(dir: string): void {
    try {
      rmSync(dir, { recursive: true, force: true });
      this.directories.delete(dir);
    } catch (error) {
      const message = `could not remove ${dir}: ${error instanceof Error ? error.message : String(error)}`;
      this.failures.push(message);
      console.error(`\n*** bench:sync cleanup FAILED: ${message}\n`);
    }
  }

  /** Drops everything this run created; failures are in `failures` (and printed). */
  async dropAll(): Promise<void> {
    for (const name of [...this.postgres]) await this.dropPostgres(name);
    for (const dir of [...this.directories]) this.removeDir(dir);
  }

  /** Databases of this run still present on the server (none after a clean `dropAll`). */
  async leftovers(): Promise<string[]> {
    const { rows } = await withAdmin((c) =>
      c.query('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [this.prefix]),
    );
    return z
      .array(z.object({ datname: z.string() }))
      .parse(rows)
      .map((r) => r.datname);
  }
}
