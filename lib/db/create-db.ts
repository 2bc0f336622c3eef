import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { type PgDatabase, PgDialect, type PgQueryResultHKT, type PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import * as schema from './schema';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** A query module takes either the database or an open transaction. */
export type Executor = Db | Tx;

/** A LISTEN subscription: notifications of one channel; `missed` after a lost connection was re-established. */
export type Listener = {
  onNotify(payload: string): void;
  /** Notifications may have been lost while the listening connection was down (PostgreSQL only). */
  onMissed?(): void;
};

export type Database = {
  db: Db;
  kind: 'pglite' | 'postgres';
  migrate(): Promise<void>;
  ping(): Promise<boolean>;
  /**
   * LISTEN on a channel (NOTIFY from any process on PostgreSQL; from this process's PGlite). Resolves once
   * listening; the returned function stops. A lost PostgreSQL connection is re-established in the background.
   */
  listen(channel: string, listener: Listener): Promise<() => Promise<void>>;
  /**
   * A hot statement, outside any transaction: on PostgreSQL a named prepared statement, parsed and planned once per
   * connection and then only bound and executed (`name` must always come with the same SQL text); on PGlite, as
   * `db.execute`. Answers its rows (unparsed: read them through a schema).
   */
  prepared(name: string, statement: SQL): Promise<unknown[]>;
  close(): Promise<void>;
};

const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * One dedicated PostgreSQL connection per LISTEN (a pooled one would be handed to queries). A lost connection is
 * replaced after a short pause, and the listener told that notifications may have been missed meanwhile.
 */
async function listenPostgres(
  databaseUrl: string,
  channel: string,
  listener: Listener,
): Promise<() => Promise<void>> {
  if (!CHANNEL_NAME.test(channel)) throw new Error(`invalid LISTEN channel ${channel}`);
  let stopped = false;
  let current: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;
  const connect = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: databaseUrl });
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      if (current === client) current = null;
      client.end().catch(() => {});
      if (!stopped) schedule();
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', (message) => {
      if (message.channel === channel) listener.onNotify(message.payload ?? '');
    });
    await client.connect();
    await client.query(`LISTEN ${channel}`);
    current = client;
  };
  const schedule = () => {
    if (retry) return;
    retry = setTimeout(() => {
      retry = null;
      if (stopped) return;
      connect()
        .then(() => listener.onMissed?.())
        .catch(() => schedule());
    }, 500);
    retry.unref();
  };
  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    const client = current;
    current = null;
    await client?.end().catch(() => {});
  };
}

export type DbOptions = {
  databaseUrl?: string;
  dataDir?: string;
  /** A PGlite data-dir dump to start from (tests start from a migrated template). */
  loadDataDir?: Blob;
  migrationsFolder?: string;
};

const defaultMigrations = () => path.join(process.cwd(), 'drizzle');

export async function createDb(options: DbOptions): Promise<Database> {
  const migrationsFolder = options.migrationsFolder ?? defaultMigrations();
  const { databaseUrl } = options;
  if (databaseUrl) {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
    pool.on('error', () => {
      // An idle client lost its connection; the pool replaces it on next use.
    });
    // A checked-out client (a query or transaction in flight) has no pool listener: when its connection is lost
    // (the server terminates it, the network drops) it would emit an 'error' nobody handles, an uncaught
    // exception. The query in flight is rejected by itself and the pool drops the client on release.
    pool.on('connect', (client) => {
      client.on('error', () => {});
    });
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    const dialect = new PgDialect();
    return {
      db,
      kind: 'postgres',
      migrate: () => migratePg(drizzlePg(pool, { schema }), { migrationsFolder }),
      ping: async () => {
        try {
          await pool.query('select 1');
          return true;
        } catch {
          return false;
        }
      },
      listen: (channel, listener) => listenPostgres(databaseUrl, channel, listener),
      prepared: async (name, statement) => {
        const { sql: text, params } = dialect.sqlToQuery(statement);
        return (await pool.query({ name, text, values: params })).rows;
      },
      close: () => pool.end(),
    };
  }
  let client: PGlite;
  // The embedded database holds one tenant's working set: PostgreSQL's default 128 MB of shared buffers lived in
  // the process for nothing (an idle server's resident memory: 295 MB on the demo data with them, 173 MB without).
  const pgliteOptions = {
    postgresqlconf: ['shared_buffers = 16MB', 'work_mem = 2MB', 'maintenance_work_mem = 16MB'],
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  };
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    client = await PGlite.create(options.dataDir, pgliteOptions);
  } else {
    client = await PGlite.create(pgliteOptions);
  }
  const pgliteDb = drizzlePglite(client, { schema });
  return {
    db: pgliteDb as unknown as Db,
    kind: 'pglite',
    migrate: () => migratePglite(pgliteDb, { migrationsFolder }),
    ping: async () => {
      try {
        await client.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    listen: async (channel, listener) => {
      if (!CHANNEL_NAME.test(channel)) throw new Error(`invalid LISTEN channel ${channel}`);
      const unlisten = await client.listen(channel, (payload) => listener.onNotify(payload));
      return async () => {
        if (!client.closed) await unlisten();
      };
    },
    prepared: async (_name, statement) => {
      const { rows } = await pgliteDb.execute(statement);
      return rows;
    },
    close: () => client.close(),
  };
}
