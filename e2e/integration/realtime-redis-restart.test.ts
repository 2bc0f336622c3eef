import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserForSignIn } from '../../lib/db/queries/users';
import type { ServerMessage } from '../../lib/realtime/protocol';
import type { RunningServer } from '../../lib/server/start';
import { postgresAvailable } from '../support/services';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { freePort, ScratchRedis, startNode } from './realtime-cluster-support';
import { sessionCookie, TestClient, uniquePrefix, wsUrl } from './realtime-helpers';

const available = await postgresAvailable();

/**
 * Walks what a client saw on a channel: every event must follow its position (same epoch, seq + 1); the position
 * only jumps through a `subscribed` frame (the answer or an unsolicited resync with recovered: false).
 */
function silentGaps(messages: ServerMessage[], channel: string): string[] {
  const problems: string[] = [];
  let position: { epoch: string; seq: number } | null = null;
  for (const m of messages) {
    if (m.type === 'subscribed' && m.channel === channel) position = { epoch: m.epoch, seq: m.seq };
    if (m.type !== 'event' || m.channel !== channel) continue;
    if (!position || m.epoch !== position.epoch || m.seq !== position.seq + 1)
      problems.push(`${JSON.stringify(position)} -> ${m.epoch}/${m.seq}`);
    position = { epoch: m.epoch, seq: m.seq };
  }
  return problems;
}

describe.skipIf(!available)('realtime across a Redis restart', () => {
  let database: TestDatabase;
  let redis: ScratchRedis;
  const servers: RunningServer[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    redis = new ScratchRedis(await freePort());
    await redis.start();
  });

  afterAll(async () => {
    for (const server of servers) await server.close();
    await database?.drop();
    await redis?.kill();
  });

  it('resumes delivery by itself and leaves no silent gap for subscribers on another node', async () => {
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: uniquePrefix(), DATABASE_URL: database.databaseUrl! };
    const publisher = await startNode(database.databaseUrl!, env);
    const relay = await startNode(database.databaseUrl!, env);
    servers.push(publisher, relay);
    const tenantId = (await findUserForSignIn(database.db, 'anna@siam.example'))!.tenantId;
    const reader = await TestClient.connect(wsUrl(relay), await sessionCookie(database, 'napa@siam.example'));
    await reader.request({ type: 'subscribe', channel: 'orders' });

    const acked: Array<{ epoch: string; seq: number; data: number }> = [];
    let failures = 0;
    let running = true;
    let n = 0;
    const loop = (async () => {
      while (running) {
        const data = n++;
        try {
          const position = await publisher.services.realtime.publish({
            tenantId,
            channel: 'orders',
            event: 'n',
            data,
          });
          acked.push({ ...position, data });
        } catch {
          failures++;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();

    await expect.poll(() => acked.length).toBeGreaterThan(100);
    await redis.kill();
    await expect.poll(() => failures).toBeGreaterThan(0);
    const beforeRestart = acked.length;
    await redis.start();
    await expect.poll(() => acked.length).toBeGreaterThan(beforeRestart + 200);
    running = false;
    await loop;

    // Delivery resumed in the new epoch and reached the last acknowledged event.
    const lastAck = acked.at(-1)!;
    await expect
      .poll(() => reader.events('orders').some((e) => e.epoch === lastAck.epoch && e.seq === lastAck.seq))
      .toBe(true);
    expect(silentGaps(reader.messages, 'orders')).toEqual([]);
    // The history was lost with Redis: the epoch changed and the reader was told (recovered: false).
    const epochs = new Set(acked.map((a) => a.epoch));
    expect(epochs.size).toBeGreaterThan(1);
    expect(reader.messages.some((m) => m.type === 'subscribed' && m.id === '' && m.recovered === false)).toBe(
      true,
    );
    // Every acknowledged event of the final epoch reached the reader.
    const received = new Set(reader.events('orders').map((e) => `${e.epoch}/${e.seq}`));
    const missing = acked.filter((a) => a.epoch === lastAck.epoch && !received.has(`${a.epoch}/${a.seq}`));
    expect(missing).toEqual([]);
    reader.close();
  });

  it('a node started while Redis is down joins the bus once Redis is up', async () => {
    const port = await freePort();
    const late = new ScratchRedis(port);
    const env = { REDIS_URL: late.url, REDIS_PREFIX: uniquePrefix(), DATABASE_URL: database.databaseUrl! };
    const early = await startNode(database.databaseUrl!, env);
    servers.push(early);
    try {
      const tenant = (await findUserForSignIn(database.db, 'anna@siam.example'))!.tenantId;
      // Redis is down: commands fail after their retries (the bus subscription attempt failed the same way).
      await expect(
        early.services.realtime.publish({ tenantId: tenant, channel: 'products', event: 'n', data: 'lost' }),
      ).rejects.toThrow();
      await late.start();
      const other = await startNode(database.databaseUrl!, env);
      servers.push(other);
      await expect.poll(async () => (await early.services.realtime.health()).ok).toBe(true);
      const tenantId = (await findUserForSignIn(database.db, 'anna@siam.example'))!.tenantId;
      const reader = await TestClient.connect(
        wsUrl(early),
        await sessionCookie(database, 'napa@siam.example'),
      );
      await reader.request({ type: 'subscribe', channel: 'products' });
      await other.services.realtime.publish({ tenantId, channel: 'products', event: 'n', data: 'across' });
      await expect.poll(() => reader.events('products').map((e) => e.data)).toEqual(['across']);
      reader.close();
    } finally {
      await late.kill();
    }
  });
});
