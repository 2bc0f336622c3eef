import { eq } from 'drizzle-orm';
import { WebSocket } from 'ws';
import type { Database } from '../../../lib/db/create-db';
import { findUserForSignIn } from '../../../lib/db/queries/users';
import { customers, users } from '../../../lib/db/schema';
import type { RunningServer } from '../../../lib/server/start';
import { loadSyncFixture } from '../../../lib/sync/service/testing';
import { deleteKeys, startNode } from '../../integration/realtime-cluster-support';
import { sessionCookie, startRealtimeServer, uniquePrefix, wsUrl } from '../../integration/realtime-helpers';
import { postgresAvailable, redisAvailable, TEST_REDIS_URL } from '../services';
import { createTestDatabase, type TestDatabase } from '../test-db';

export type FuzzPerson = { id: string; name: string; email: string; cookie: string };

/**
 * The servers a fuzz run talks to: one node on PGlite, or two nodes on one PostgreSQL database and one Redis
 * (each client connection lands on a node at random, as behind a load balancer).
 */
export type FuzzCluster = {
  nodes: 1 | 2;
  database: TestDatabase;
  servers: RunningServer[];
  tenantId: string;
  productIds: string[];
  customerIds: string[];
  /** Editors (distinct sales people, so an overwrite is always someone else's) and the admin. */
  editors: FuzzPerson[];
  admin: FuzzPerson;
  urlFor(index: number): string;
  /** Replicas found to differ from a committed version's digest, summed over the nodes' `/metrics`. */
  divergences(): Promise<number>;
  close(): Promise<void>;
};

/** Whether the two-node cluster can run here (under CI its absence is an error, see services.ts). */
export async function twoNodesAvailable(): Promise<boolean> {
  return (await postgresAvailable()) && (await redisAvailable());
}

const EXTRA_EDITORS = 3;

async function person(database: Database, email: string): Promise<FuzzPerson> {
  const user = await findUserForSignIn(database.db, email);
  if (!user) throw new Error(`no user ${email}`);
  return { id: user.id, name: user.name, email, cookie: await sessionCookie(database, email) };
}

export async function startFuzzCluster(nodes: 1 | 2): Promise<FuzzCluster> {
  const database = await createTestDatabase(nodes === 1 ? 'pglite' : 'postgres');
  const fixture = await loadSyncFixture(database);
  const [template] = await database.db.select().from(users).where(eq(users.email, 'anna@siam.example'));
  if (!template) throw new Error('anna@siam.example is not seeded');
  // The demo tenant has two sales people; a run needs up to five distinct editors.
  await database.db.insert(users).values(
    Array.from({ length: EXTRA_EDITORS }, (_, i) => ({
      tenantId: fixture.tenantId,
      email: `fuzz${i + 1}@siam.example`,
      name: ['Fah ฟ้า 🌤️', 'Zoë Ångström', 'Kai 𩸽'][i]!,
      role: 'sales' as const,
      passwordHash: template.passwordHash,
      locale: 'en',
    })),
  );
  const emails = [
    'anna@siam.example',
    'napa@siam.example',
    ...Array.from({ length: EXTRA_EDITORS }, (_, i) => `fuzz${i + 1}@siam.example`),
  ];
  const editors = await Promise.all(emails.map((email) => person(database, email)));
  const admin = await person(database, 'admin@siam.example');
  const customerIds = (
    await database.db
      .select({ id: customers.id })
      .from(customers)
      .where(eq(customers.tenantId, fixture.tenantId))
  ).map((c) => c.id);

  const servers: RunningServer[] = [];
  let prefix: string | null = null;
  try {
    if (nodes === 1) servers.push(await startRealtimeServer(database));
    else {
      prefix = uniquePrefix();
      const env = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix };
      servers.push(await startNode(database.databaseUrl!, env), await startNode(database.databaseUrl!, env));
    }
  } catch (error) {
    for (const server of servers) await server.close();
    await database.drop();
    throw error;
  }
  return {
    nodes,
    database,
    servers,
    tenantId: fixture.tenantId,
    productIds: fixture.productIds.slice(0, 12),
    customerIds: customerIds.slice(0, 6),
    editors,
    admin,
    urlFor: (index) => wsUrl(servers[index % servers.length]!),
    async divergences() {
      let total = 0;
      for (const server of servers) {
        const body = await (await fetch(`${server.url}/metrics`)).text();
        const line = body.split('\n').find((l) => l.startsWith('osl_sync_divergence_total '));
        total += line ? Number(line.slice(line.indexOf(' ') + 1)) : 0;
      }
      return total;
    },
    async close() {
      for (const server of servers) await server.close().catch(() => undefined);
      await database.drop().catch(() => undefined);
      if (prefix) await deleteKeys(TEST_REDIS_URL, prefix).catch(() => undefined);
    },
  };
}

/** A `ws` socket the fuzz can cut abruptly (terminate: no close frame, as a dying network or tab). */
export function fuzzSocket(url: string, cookie: string): WebSocket {
  return new WebSocket(url, { headers: { cookie } });
}
