import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PERSON_CHANGED,
  PERSON_REMOVED,
  personChangedEvent,
  personRemovedEvent,
} from '../../lib/admin/contract';
import { users } from '../../lib/db/schema';
import { WebSocketClient } from '../../lib/realtime/client/websocket-client';
import type { RunningServer } from '../../lib/server/start';
import { seededActors } from '../support/catalog-fixtures';
import { nodeSocket } from '../support/node-socket';
import { postgresAvailable, redisAvailable } from '../support/services';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { startTwoNodes } from './realtime-cluster-support';
import { sessionCookie, startRealtimeServer, wsUrl } from './realtime-helpers';

/** What an open admin console hears on the `admin` channel: each person change as `name/role/active`, or removal. */
function consoleOn(server: RunningServer, cookie: string, clients: WebSocketClient[]) {
  const heard: string[] = [];
  const client = new WebSocketClient({
    url: wsUrl(server),
    reconnectInterval: 100,
    reconnectJitter: 0,
    createSocket: (url) => nodeSocket(url, cookie),
  });
  clients.push(client);
  const subscription = client.subscribe('admin', {
    onEvent: (event) => {
      if (event.event === PERSON_CHANGED) {
        const { person } = personChangedEvent.parse(event.data);
        heard.push(`${person.name}/${person.role}/${person.active ? 'active' : 'inactive'}`);
      } else if (event.event === PERSON_REMOVED)
        heard.push(`removed ${personRemovedEvent.parse(event.data).id}`);
    },
  });
  return { heard, ready: subscription.ready };
}

/**
 * People changed outside the console (directly in SQL: a rename, a role, a new row, a deletion) show in every open
 * admin console, once: every node hears the database's notification, one announces it.
 */
async function outsideChangesReachConsoles(database: TestDatabase, servers: RunningServer[]) {
  const clients: WebSocketClient[] = [];
  try {
    const actors = await seededActors(database.db);
    const cookie = await sessionCookie(database, actors.admin.email);
    const consoles = servers.map((server) => consoleOn(server, cookie, clients));
    await Promise.all(consoles.map((c) => c.ready));
    const tenant = actors.admin.tenantId;
    const napa = actors.sales2.id;

    await database.db.execute(
      sql`update users set name = 'Napa Outside', role = 'viewer' where id = ${napa}`,
    );
    for (const c of consoles) await expect.poll(() => c.heard).toContain('Napa Outside/viewer/active');

    const [created] = await database.db
      .insert(users)
      .values({
        tenantId: tenant,
        email: `sql-${Date.now()}@siam.example`,
        name: 'Added In SQL',
        role: 'sales',
        passwordHash: 'x',
      })
      .returning({ id: users.id });
    for (const c of consoles) await expect.poll(() => c.heard).toContain('Added In SQL/sales/active');

    await database.db.execute(sql`delete from users where id = ${created!.id}`);
    for (const c of consoles) await expect.poll(() => c.heard).toContain(`removed ${created!.id}`);

    // A change by another tenant's rows is not heard here; the last change is the barrier for counting.
    await database.db.execute(
      sql`update users set name = 'Olivia Elsewhere' where id = ${actors.otherAdmin.id}`,
    );
    await database.db.execute(sql`update users set name = 'Napa', role = 'sales' where id = ${napa}`);
    for (const c of consoles) await expect.poll(() => c.heard).toContain('Napa/sales/active');
    for (const c of consoles) {
      expect(c.heard.filter((h) => h.startsWith('Napa Outside')).length, 'announced once').toBe(1);
      expect(c.heard.filter((h) => h.startsWith('Added In SQL')).length, 'announced once').toBe(1);
      expect(c.heard.some((h) => h.startsWith('Olivia'))).toBe(false);
    }
  } finally {
    for (const client of clients) client.destroy();
  }
}

describe('people changed in SQL show in open admin consoles (PGlite, one node)', () => {
  let database: TestDatabase;
  let server: RunningServer;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    server = await startRealtimeServer(database);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  it('a rename, a role, a new person and a deletion reach the console once', async () => {
    await outsideChangesReachConsoles(database, [server]);
  });
});

const available = (await postgresAvailable()) && (await redisAvailable());

describe.runIf(available)(
  'people changed in SQL show in open admin consoles (two nodes, PostgreSQL + Redis)',
  () => {
    let database: TestDatabase;
    let nodes: Awaited<ReturnType<typeof startTwoNodes>> | undefined;
    let a: RunningServer;
    let b: RunningServer;
    beforeAll(async () => {
      database = await createTestDatabase('postgres');
      nodes = await startTwoNodes(database.databaseUrl!);
      ({ a, b } = nodes);
    }, 120_000);
    afterAll(async () => {
      await nodes?.close();
      await database?.drop();
    });

    it('every node hears the change; the consoles on both nodes get it once', async () => {
      await outsideChangesReachConsoles(database, [a, b]);
    });
  },
);
