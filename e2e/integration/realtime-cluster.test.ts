import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserForSignIn } from '../../lib/db/queries/users';
import type { ServerMessage } from '../../lib/realtime/protocol';
import type { RunningServer } from '../../lib/server/start';
import { postgresAvailable, redisAvailable, TEST_REDIS_URL } from '../support/services';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { deleteKeys, spawnNode, startNode } from './realtime-cluster-support';
import { sessionCookie, TestClient, uniquePrefix, wsUrl } from './realtime-helpers';

type PresenceFrame = Extract<ServerMessage, { type: 'presence' }>;
type Subscribed = Extract<ServerMessage, { type: 'subscribed' }>;

const available = (await redisAvailable()) && (await postgresAvailable());
const TTL_SECONDS = 2;

describe.skipIf(!available)('realtime on several nodes over Redis', () => {
  let database: TestDatabase;
  let prefix: string;
  let env: Record<string, string>;
  const servers: RunningServer[] = [];
  const cookies: Record<string, string> = {};
  let tenantId: string;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    prefix = uniquePrefix();
    env = {
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      PRESENCE_TTL_SECONDS: String(TTL_SECONDS),
      DATABASE_URL: database.databaseUrl!,
    };
    for (const email of ['anna@siam.example', 'napa@siam.example', 'viewer@siam.example'])
      cookies[email.split('@')[0]!] = await sessionCookie(database, email);
    tenantId = (await findUserForSignIn(database.db, 'anna@siam.example'))!.tenantId;
  });

  afterAll(async () => {
    for (const server of servers) await server.close();
    await database?.drop();
    await deleteKeys(TEST_REDIS_URL, prefix);
  });

  it('two servers share events (one order for all, gap-free) and presence', async () => {
    const a = await startNode(database.databaseUrl!, env);
    const b = await startNode(database.databaseUrl!, env);
    servers.push(a, b);
    const annaOnA = await TestClient.connect(wsUrl(a), cookies.anna);
    await annaOnA.request({ type: 'subscribe', channel: 'order:c1' });
    const napaOnB = await TestClient.connect(wsUrl(b), cookies.napa);
    const sub = await napaOnB.request<Subscribed>({ type: 'subscribe', channel: 'order:c1' });
    expect(sub.presence.map((m) => m.name)).toContain('Anna Carter');
    const joined = await annaOnA.next<PresenceFrame>(
      (m) => m.type === 'presence' && m.action === 'join' && m.member.name === 'นภา ศรีสุข',
    );
    expect(joined.channel).toBe('order:c1');
    // Both nodes publish at once: every subscriber sees one order, gap-free.
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 2 ? a : b).services.realtime.publish({ tenantId, channel: 'order:c1', event: 'n', data: i }),
      ),
    );
    await expect.poll(() => annaOnA.events('order:c1').length).toBe(60);
    await expect.poll(() => napaOnB.events('order:c1').length).toBe(60);
    const seqs = annaOnA.events('order:c1').map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(napaOnB.events('order:c1').map((e) => e.data)).toEqual(
      annaOnA.events('order:c1').map((e) => e.data),
    );
    napaOnB.close();
    await annaOnA.next((m) => m.type === 'presence' && m.action === 'leave' && m.member.name === 'นภา ศรีสุข');
    const members = await a.services.realtime.hub.presence(tenantId, 'order:c1');
    expect(members.map((m) => m.name)).toEqual(['Anna Carter']);
    annaOnA.close();
  });

  it('after SIGKILL of a node its clients recover on another and its members vanish within the TTL', async () => {
    const a = await startNode(database.databaseUrl!, env);
    servers.push(a);
    const doomed = await spawnNode(env);
    try {
      const watcher = await TestClient.connect(wsUrl(a), cookies.anna);
      await watcher.request({ type: 'subscribe', channel: 'order:k1' });
      const napa = await TestClient.connect(wsUrl(doomed.port), cookies.napa);
      await napa.request({ type: 'subscribe', channel: 'order:k1' });
      const viewer = await TestClient.connect(wsUrl(doomed.port), cookies.viewer);
      await viewer.request({ type: 'subscribe', channel: 'order:k1' });
      await watcher.next(
        (m) => m.type === 'presence' && m.action === 'join' && m.member.name === 'Victor Lee',
      );
      for (let i = 0; i < 5; i++)
        await a.services.realtime.publish({ tenantId, channel: 'order:k1', event: 'n', data: i });
      await expect.poll(() => napa.events('order:k1').length).toBe(5);
      const last = napa.events('order:k1').at(-1)!;

      const killedAt = Date.now();
      doomed.child.kill('SIGKILL');
      await napa.waitClosed();
      for (let i = 5; i < 10; i++)
        await a.services.realtime.publish({ tenantId, channel: 'order:k1', event: 'n', data: i });

      const back = await TestClient.connect(wsUrl(a), cookies.napa);
      const answer = await back.request({
        type: 'subscribe',
        channel: 'order:k1',
        since: { epoch: last.epoch, seq: last.seq },
      });
      expect(answer).toMatchObject({ recovered: true, seq: 10 });
      await expect.poll(() => back.events('order:k1').map((e) => e.data)).toEqual([5, 6, 7, 8, 9]);

      // The viewer was only on the dead node: gone for the watcher within the presence TTL.
      await watcher.next(
        (m) => m.type === 'presence' && m.action === 'leave' && m.member.name === 'Victor Lee',
      );
      expect(Date.now() - killedAt).toBeLessThanOrEqual(TTL_SECONDS * 1000 + 1500);
      const members = await a.services.realtime.hub.presence(tenantId, 'order:k1');
      expect(members.map((m) => m.name).sort()).toEqual(['Anna Carter', 'นภา ศรีสุข']);
      back.close();
      watcher.close();
    } finally {
      if (doomed.child.exitCode === null) doomed.child.kill('SIGKILL');
    }
  });
});
