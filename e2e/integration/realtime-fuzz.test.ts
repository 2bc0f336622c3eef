import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserForSignIn } from '../../lib/db/queries/users';
import type { RunningServer } from '../../lib/server/start';
import { seededRandom as random } from '../support/seeded-random';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { sessionCookie, startRealtimeServer, TestClient, wsUrl } from './realtime-helpers';

const types = [
  'ping',
  'pong',
  'subscribe',
  'unsubscribe',
  'recover',
  'publish',
  'presence',
  'rpc',
  'nope',
  '',
  7,
];
const values = [
  null,
  0,
  -1,
  1e308,
  '',
  'x'.repeat(300),
  [],
  {},
  { epoch: 'e', seq: -5 },
  true,
  '__proto__',
  NaN,
];

function frame(r: ReturnType<typeof random>): string | Buffer {
  switch (r.int(6)) {
    case 0:
      return randomBytes(r.int(200));
    case 1:
      return randomBytes(r.int(200)).toString('latin1');
    case 2:
      return `{"type":"${r.pick(['subscribe', 'publish'])}","id":`;
    case 3: {
      const message: Record<string, unknown> = { type: r.pick(types) };
      for (const key of ['id', 'channel', 'since', 'event', 'data', 'patch', 'method', 'params', 't'])
        if (r.next() < 0.5) message[key] = r.pick(values);
      return JSON.stringify(message);
    }
    case 4:
      return JSON.stringify({
        type: 'subscribe',
        id: `f${r.int(1e6)}`,
        channel: r.pick(['orders', 'order:1', 'order:', 'admin', 'user:x', 'a'.repeat(120), 'product:é']),
        since: r.next() < 0.5 ? { epoch: 'e', seq: r.int(10) } : undefined,
      });
    default:
      return JSON.stringify({
        type: 'presence',
        channel: r.pick([undefined, 'orders', 'order:1']),
        patch: { status: r.pick(['online', 'away', 'gone']), cursor: { x: r.next(), y: 'no' } },
      });
  }
}

describe('realtime fuzz', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let cookie: string;
  let tenantId: string;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    server = await startRealtimeServer(database, {
      WS_MESSAGES_PER_SECOND: '100000',
      WS_BURST: '100000',
      WS_MAX_FRAME_BYTES: '8192',
    });
    cookie = await sessionCookie(database, 'anna@siam.example');
    tenantId = (await findUserForSignIn(database.db, 'anna@siam.example'))!.tenantId;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('survives thousands of random and malformed frames, stays bounded and keeps serving others', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 100_000);
    const r = random(seed);
    const bystander = await TestClient.connect(wsUrl(server), cookie);
    await bystander.request({ type: 'subscribe', channel: 'orders' });
    const heapBefore = process.memoryUsage().heapUsed;
    let sent = 0;
    let closes = 0;
    const codes = new Set<number>();
    while (sent < 4000) {
      const fuzzer = await TestClient.connect(wsUrl(server), cookie);
      while (!fuzzer.closed && sent < 4000) {
        const data = frame(r);
        fuzzer.ws.send(data, { binary: Buffer.isBuffer(data) });
        sent++;
        if (sent % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      if (!fuzzer.closed) fuzzer.close();
      const closed = await fuzzer.waitClosed();
      codes.add(closed.code);
      closes++;
      // Between rounds the bystander still gets its events, in order.
      await server.services.realtime.publish({ tenantId, channel: 'orders', event: 'tick', data: closes });
      await expect.poll(() => bystander.events('orders').length).toBe(closes);
    }
    expect(codes.has(4008), `seed ${seed}: abusive sockets closed with policyViolation`).toBe(true);
    const seqs = bystander.events('orders').map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    const hub = server.services.realtime.hub;
    await expect.poll(() => hub.localStats().connections).toBe(1);
    expect(hub.localStats().subscriptions).toBe(1);
    // Bounded memory: nothing of the abusive connections is kept (generous bound for the test process itself).
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
    bystander.close();
  });
});
