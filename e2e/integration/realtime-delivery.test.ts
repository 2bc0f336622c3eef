import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserForSignIn } from '../../lib/db/queries/users';
import type { ServerMessage } from '../../lib/realtime/protocol';
import type { RunningServer } from '../../lib/server/start';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { sessionCookie, startRealtimeServer, TestClient, wsUrl } from './realtime-helpers';

type Subscribed = Extract<ServerMessage, { type: 'subscribed' }>;

describe('realtime delivery and recovery on one node', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let anna: string;
  let napa: string;
  let tenantId: string;
  const publish = (channel: string, data: unknown) =>
    server.services.realtime.publish({ tenantId, channel, event: 'changed', data });

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    server = await startRealtimeServer(database, { HISTORY_SIZE: '50' });
    anna = await sessionCookie(database, 'anna@siam.example');
    napa = await sessionCookie(database, 'napa@siam.example');
    tenantId = (await findUserForSignIn(database.db, 'anna@siam.example'))!.tenantId;
  });

  afterAll(async () => {
    // The server closes the database it was given.
    await server?.close();
  });

  it('delivers published events in order with gap-free seq and acks the publisher', async () => {
    const reader = await TestClient.connect(wsUrl(server), napa);
    const writer = await TestClient.connect(wsUrl(server), anna);
    const subscribed = await reader.request({ type: 'subscribe', channel: 'order:o1' });
    expect(subscribed).toMatchObject({ type: 'subscribed', channel: 'order:o1', seq: 0 });
    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        writer.request({ type: 'publish', channel: 'order:o1', event: 'typing', data: { i } }),
      ),
    );
    expect(acks.every((a) => a.type === 'ack' && a.ok)).toBe(true);
    await expect.poll(() => reader.events('order:o1').length).toBe(20);
    const events = reader.events('order:o1');
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(events.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(events[0]!.actor?.name).toBe('Anna Carter');
    reader.close();
    writer.close();
  });

  it('a retried publish (same client message id) takes effect once and gets the same ack', async () => {
    const reader = await TestClient.connect(wsUrl(server), napa);
    await reader.request({ type: 'subscribe', channel: 'order:o2' });
    const writer = await TestClient.connect(wsUrl(server), anna);
    const first = await writer.request({
      id: 'same-id',
      type: 'publish',
      channel: 'order:o2',
      event: 'x',
      data: 1,
    });
    writer.terminate();
    const retry = await TestClient.connect(wsUrl(server), anna);
    const second = await retry.request({
      id: 'same-id',
      type: 'publish',
      channel: 'order:o2',
      event: 'x',
      data: 1,
    });
    expect(second).toEqual(first);
    await retry.request({ type: 'publish', channel: 'order:o2', event: 'x', data: 2 });
    await expect.poll(() => reader.events('order:o2').length).toBe(2);
    expect(reader.events('order:o2').map((e) => e.data)).toEqual([1, 2]);
    reader.close();
    retry.close();
  });

  it('replays exactly the missed events in order after a dropped connection (recovered: true)', async () => {
    const reader = await TestClient.connect(wsUrl(server), napa);
    const first = await reader.request<Subscribed>({ type: 'subscribe', channel: 'orders' });
    for (let i = 0; i < 5; i++) await publish('orders', { i });
    await expect.poll(() => reader.events('orders').length).toBe(5);
    const last = reader.events('orders').at(-1)!;
    reader.terminate();
    for (let i = 5; i < 12; i++) await publish('orders', { i });
    const again = await TestClient.connect(wsUrl(server), napa);
    const answer = await again.request({
      type: 'subscribe',
      channel: 'orders',
      since: { epoch: last.epoch, seq: last.seq },
    });
    expect(answer).toMatchObject({ type: 'subscribed', recovered: true, seq: first.seq + 12 });
    await expect.poll(() => again.events('orders').length).toBe(7);
    expect(again.events('orders').map((e) => (e.data as { i: number }).i)).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect(again.events('orders').map((e) => e.seq)).toEqual(
      [6, 7, 8, 9, 10, 11, 12].map((s) => s + first.seq),
    );
    again.close();
  });

  it('says recovered: false when the history no longer covers the gap or the epoch is unknown', async () => {
    const reader = await TestClient.connect(wsUrl(server), napa);
    await reader.request({ type: 'subscribe', channel: 'inventory' });
    await publish('inventory', 0);
    await expect.poll(() => reader.events('inventory').length).toBe(1);
    const last = reader.events('inventory')[0]!;
    reader.terminate();
    for (let i = 0; i < 60; i++) await publish('inventory', i);
    const again = await TestClient.connect(wsUrl(server), napa);
    const since = { epoch: last.epoch, seq: last.seq };
    const tooOld = await again.request({ type: 'subscribe', channel: 'inventory', since });
    expect(tooOld).toMatchObject({ type: 'subscribed', recovered: false, seq: 61 });
    const unknown = await again.request({
      type: 'recover',
      channel: 'inventory',
      since: { epoch: 'gone', seq: 3 },
    });
    expect(unknown).toMatchObject({ type: 'subscribed', recovered: false });
    expect(again.events('inventory')).toHaveLength(0);
    again.close();
  });

  it('stops delivery at once on unsubscribe', async () => {
    const reader = await TestClient.connect(wsUrl(server), napa);
    await reader.request({ type: 'subscribe', channel: 'pricing' });
    await publish('pricing', 1);
    await expect.poll(() => reader.events('pricing').length).toBe(1);
    const ack = await reader.request({ type: 'unsubscribe', channel: 'pricing' });
    expect(ack).toMatchObject({ type: 'ack', ok: true });
    await publish('pricing', 2);
    // A marker on another channel proves later frames arrived, so the missing one is really not coming.
    await reader.request({ type: 'subscribe', channel: 'customers' });
    await publish('customers', 'marker');
    await expect.poll(() => reader.events('customers').length).toBe(1);
    expect(reader.events('pricing')).toHaveLength(1);
    reader.close();
  });
});
