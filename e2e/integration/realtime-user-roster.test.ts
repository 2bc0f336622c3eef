import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { AdminCaller } from '../../lib/admin/people-service';
import { users } from '../../lib/db/schema';
import { closeCodes, serverMessage } from '../../lib/realtime/protocol';
import type { RunningServer } from '../../lib/server/start';
import { seededActors } from '../support/catalog-fixtures';
import { seededRandom as random } from '../support/seeded-random';
import { postgresAvailable, redisAvailable } from '../support/services';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { startTwoNodes } from './realtime-cluster-support';
import { sessionCookie, wsUrl } from './realtime-helpers';

const available = (await postgresAvailable()) && (await redisAvailable());

/** What a fresh socket with this cookie gets: `welcome <role>` or `closed <code>`. */
function outcome(server: RunningServer, cookie: string): Promise<string> {
  const ws = new WebSocket(wsUrl(server), { headers: { cookie } });
  ws.on('error', () => {});
  return new Promise((resolve) => {
    ws.once('message', (data: Buffer) => {
      const message = serverMessage.parse(JSON.parse(data.toString()));
      resolve(message.type === 'welcome' ? `welcome ${message.user.role}` : `first frame ${message.type}`);
      ws.close();
    });
    ws.once('close', (code) => resolve(`closed ${code}`));
  });
}

const roles = ['sales', 'viewer', 'admin'] as const;

/**
 * Each node holds the roster of a tenant once one of its people connected (lib/realtime/server/user-directory.ts):
 * people who never connected to that node are in its cache too. A change to any of them, in SQL or through the
 * admin API, must still reach the next socket they open on either node (two nodes on one PostgreSQL and Redis).
 */
describe.runIf(available)('user rosters: a change to anyone of the tenant holds on every node', () => {
  let database: TestDatabase;
  let nodes: Awaited<ReturnType<typeof startTwoNodes>> | undefined;
  let a: RunningServer;
  let b: RunningServer;
  let admin: AdminCaller;
  let tenantId: string;
  /** People made for this test: their first cookie (at session version 1) stays what they present. */
  const people: Array<{ id: string; email: string; cookie: string }> = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const actors = await seededActors(database.db);
    admin = { ...actors.admin };
    tenantId = actors.admin.tenantId;
    const stamp = randomBytes(3).toString('hex');
    const made = await database.db
      .insert(users)
      .values(
        Array.from({ length: 5 }, (_, i) => ({
          tenantId,
          email: `roster-${stamp}-${i}@siam.example`,
          name: `Roster ${i}`,
          role: 'sales' as const,
          passwordHash: 'not-a-password',
        })),
      )
      .returning({ id: users.id, email: users.email });
    for (const person of made)
      people.push({ ...person, cookie: await sessionCookie(database, person.email) });
    nodes = await startTwoNodes(database.databaseUrl!);
    ({ a, b } = nodes);
  }, 120_000);

  afterAll(async () => {
    await nodes?.close();
    await database?.drop();
  });

  async function cached(server: RunningServer): Promise<number> {
    const body = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    const line = body.split('\n').find((text) => text.startsWith('osl_realtime_users_cached'));
    return Number(line?.split(' ').at(-1) ?? 0);
  }

  /** What a socket with `cookie` must get, from the person's row as stored now. */
  async function expected(id: string, cookieVersion: number): Promise<string> {
    const [row] = await database.db.select().from(users).where(eq(users.id, id));
    if (!row) return `closed ${closeCodes.unauthorized.code}`;
    if (!row.active) return `closed ${closeCodes.deactivated.code}`;
    if (row.sessionVersion !== cookieVersion) return `closed ${closeCodes.sessionRevoked.code}`;
    return `welcome ${row.role}`;
  }

  it("holds the tenant's roster on both nodes after one person connected to each", async () => {
    const tenantSize = (
      await database.db
        .select({ n: sql<number>`count(*)::int` })
        .from(users)
        .where(eq(users.tenantId, tenantId))
    )[0]!.n;
    for (const server of [a, b]) {
      expect(await outcome(server, await sessionCookie(database, 'anna@siam.example'))).toBe('welcome sales');
      await expect.poll(() => cached(server)).toBeGreaterThanOrEqual(tenantSize);
    }
  });

  it('randomized changes, in SQL and through the admin API, reach the next socket on either node', async () => {
    const seed = Number(process.env.ROSTER_SEED ?? Date.now() % 1_000_000);
    const r = random(seed);
    const actions = [
      'sql-active',
      'sql-role',
      'sql-revoke',
      'api-active',
      'api-role',
      'api-sign-out',
    ] as const;
    for (let step = 0; step < 14; step++) {
      const person = r.pick(people);
      const action = r.pick(actions);
      const [row] = await database.db.select().from(users).where(eq(users.id, person.id));
      if (!row) throw new Error('the person is gone');
      const role = r.pick(roles.filter((candidate) => candidate !== row.role));
      if (action === 'sql-active')
        await database.db.update(users).set({ active: !row.active }).where(eq(users.id, person.id));
      else if (action === 'sql-role')
        await database.db.update(users).set({ role }).where(eq(users.id, person.id));
      else if (action === 'sql-revoke')
        await database.db
          .update(users)
          .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
          .where(eq(users.id, person.id));
      else if (action === 'api-active')
        expect((await a.services.people.update(admin, person.id, { active: !row.active })).ok).toBe(true);
      else if (action === 'api-role')
        expect((await b.services.people.update(admin, person.id, { role })).ok).toBe(true);
      else expect((await a.services.people.signOutEverywhere(admin, person.id)).ok).toBe(true);
      // Their first cookie (version 1) and one issued now: both nodes must answer from the row as it is now.
      const fresh = await sessionCookie(database, person.email);
      const [now] = await database.db.select().from(users).where(eq(users.id, person.id));
      for (const [cookie, version] of [
        [person.cookie, 1],
        [fresh, now!.sessionVersion],
      ] as const) {
        const want = await expected(person.id, version);
        for (const server of [a, b])
          await expect
            .poll(() => outcome(server, cookie), { message: `seed ${seed}, step ${step}: ${action}` })
            .toBe(want);
      }
    }
  });

  it('a person added after the roster was read connects, and one deleted is refused', async () => {
    const [added] = await database.db
      .insert(users)
      .values({
        tenantId,
        email: `roster-new-${randomBytes(3).toString('hex')}@siam.example`,
        name: 'Roster New',
        role: 'viewer',
        passwordHash: 'not-a-password',
      })
      .returning({ id: users.id, email: users.email });
    const cookie = await sessionCookie(database, added!.email);
    for (const server of [a, b]) expect(await outcome(server, cookie)).toBe('welcome viewer');
    await database.db.delete(users).where(eq(users.id, added!.id));
    for (const server of [a, b])
      await expect.poll(() => outcome(server, cookie)).toBe(`closed ${closeCodes.unauthorized.code}`);
  });
});
