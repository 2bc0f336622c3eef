import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserForSignIn } from '../../lib/db/queries/users';
import { hubAdminPortOf } from '../../lib/messaging/hub-adapters';
import { closeCodes } from '../../lib/realtime/protocol';
import type { RunningServer } from '../../lib/server/start';
import { postgresAvailable, redisAvailable, TEST_REDIS_URL } from '../support/services';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { deleteKeys, spawnNode, startNode } from './realtime-cluster-support';
import { sessionCookie, TestClient, uniquePrefix, wsUrl } from './realtime-helpers';

const available = (await redisAvailable()) && (await postgresAvailable());
const TTL_SECONDS = 2;

/** The realtime REST API's connection list and disconnect (hubAdminPortOf, as the routes use it) across nodes. */
describe.skipIf(!available)("a user's connections across nodes over Redis", () => {
  let database: TestDatabase;
  let prefix: string;
  let env: Record<string, string>;
  const servers: RunningServer[] = [];
  const cookies: Record<string, string> = {};
  const users: Record<string, { id: string; tenantId: string }> = {};

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    prefix = uniquePrefix();
    env = {
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      PRESENCE_TTL_SECONDS: String(TTL_SECONDS),
      DATABASE_URL: database.databaseUrl!,
    };
    for (const email of ['anna@siam.example', 'napa@siam.example']) {
      const name = email.split('@')[0]!;
      cookies[name] = await sessionCookie(database, email);
      users[name] = (await findUserForSignIn(database.db, email))!;
    }
  });

  afterAll(async () => {
    for (const server of servers) await server.close();
    await database?.drop();
    await deleteKeys(TEST_REDIS_URL, prefix);
  });

  it('lists my connection on node B when asked on node A and closes it there with `kicked`', async () => {
    const a = await startNode(database.databaseUrl!, env);
    const b = await startNode(database.databaseUrl!, env);
    servers.push(a, b);
    const anna = users.anna!;
    const napa = users.napa!;
    const apiOnA = hubAdminPortOf(a.services.realtime.hub);
    const annaOnB = await TestClient.connect(wsUrl(b), cookies.anna);
    const annaOnA = await TestClient.connect(wsUrl(a), cookies.anna);
    const welcome = (client: TestClient) => {
      const frame = client.messages.find((m) => m.type === 'welcome');
      if (frame?.type !== 'welcome') throw new Error('no welcome');
      return frame;
    };
    const onB = welcome(annaOnB);
    const onA = welcome(annaOnA);
    expect(onB.nodeId).toBe(b.services.nodeId);

    await expect
      .poll(async () =>
        (await apiOnA.connectionsOf(anna.tenantId, anna.id)).map((c) => `${c.id}@${c.nodeId}`).sort(),
      )
      .toEqual(
        [`${onA.connectionId}@${a.services.nodeId}`, `${onB.connectionId}@${b.services.nodeId}`].sort(),
      );
    const listed = await apiOnA.connectionsOf(anna.tenantId, anna.id);
    expect(listed.find((c) => c.id === onB.connectionId)).toMatchObject({ userId: anna.id });
    expect(Date.parse(listed.find((c) => c.id === onB.connectionId)!.connectedAt)).toBeGreaterThan(0);
    // Another user neither sees nor closes it (404 at the route).
    expect((await apiOnA.connectionsOf(napa.tenantId, napa.id)).map((c) => c.id)).not.toContain(
      onB.connectionId,
    );
    expect(await apiOnA.disconnect(napa.tenantId, napa.id, onB.connectionId)).toBe(false);

    expect(await apiOnA.disconnect(anna.tenantId, anna.id, onB.connectionId)).toBe(true);
    const closed = await annaOnB.waitClosed();
    expect(closed.code).toBe(closeCodes.kicked.code);
    expect(annaOnA.closed).toBeNull();
    await expect
      .poll(async () => (await apiOnA.connectionsOf(anna.tenantId, anna.id)).map((c) => c.id))
      .toEqual([onA.connectionId]);
    // The napa attempt above did not close anything: only the kicked socket is gone.
    expect(b.services.realtime.hub.localStats().connections).toBe(0);
    annaOnA.close();
  });

  it('forgets the connections of a SIGKILLed node within the presence TTL', async () => {
    const a = await startNode(database.databaseUrl!, env);
    servers.push(a);
    const doomed = await spawnNode(env);
    const anna = users.anna!;
    const apiOnA = hubAdminPortOf(a.services.realtime.hub);
    try {
      const client = await TestClient.connect(wsUrl(doomed.port), cookies.anna);
      await expect
        .poll(async () => (await apiOnA.connectionsOf(anna.tenantId, anna.id)).map((c) => c.nodeId))
        .toEqual([doomed.nodeId]);
      const killedAt = Date.now();
      doomed.child.kill('SIGKILL');
      await client.waitClosed();
      await expect
        .poll(async () => apiOnA.connectionsOf(anna.tenantId, anna.id), {
          timeout: TTL_SECONDS * 1000 + 3000,
        })
        .toEqual([]);
      expect(Date.now() - killedAt).toBeLessThanOrEqual(TTL_SECONDS * 1000 + 1500);
    } finally {
      if (doomed.child.exitCode === null) doomed.child.kill('SIGKILL');
    }
  });
});
