import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member, ServerMessage } from '../../lib/realtime/protocol';
import type { RunningServer } from '../../lib/server/start';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { sessionCookie, startRealtimeServer, TestClient, wsUrl } from './realtime-helpers';

type PresenceFrame = Extract<ServerMessage, { type: 'presence' }>;
type Subscribed = Extract<ServerMessage, { type: 'subscribed' }>;

function presenceOf(client: TestClient, channel: string | undefined, userId?: string): PresenceFrame[] {
  return client.messages.filter(
    (m): m is PresenceFrame =>
      m.type === 'presence' && m.channel === channel && (userId === undefined || m.member.userId === userId),
  );
}

describe('realtime presence on one node', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let anna: string;
  let napa: string;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    server = await startRealtimeServer(database, { PRESENCE_IDLE_SECONDS: '1', WS_HEARTBEAT_MS: '5000' });
    anna = await sessionCookie(database, 'anna@siam.example');
    napa = await sessionCookie(database, 'napa@siam.example');
  });

  afterAll(async () => {
    await server?.close();
  });

  it('answers subscribe with the channel presence; several tabs are one member; join and leave fire once', async () => {
    const watcher = await TestClient.connect(wsUrl(server), anna);
    const first = await watcher.request<Subscribed>({
      type: 'subscribe',
      channel: 'order:p1',
      presence: { location: { page: '/orders/p1', section: 'lines' } },
    });
    expect(first.presence.map((m: Member) => m.name)).toEqual(['Anna Carter']);
    const tabA = await TestClient.connect(wsUrl(server), napa);
    const tabB = await TestClient.connect(wsUrl(server), napa);
    const seen = await tabA.request<Subscribed>({ type: 'subscribe', channel: 'order:p1' });
    expect(seen.presence.map((m) => m.name).sort()).toEqual(['Anna Carter', 'นภา ศรีสุข']);
    await tabB.request({ type: 'subscribe', channel: 'order:p1' });
    const napaId = seen.presence.find((m) => m.name === 'นภา ศรีสุข')!.userId;
    // Another tenant's room of the same name is empty.
    expect((await server.services.realtime.hub.presence('another-tenant', 'order:p1')).length).toBe(0);
    const members = await server.services.realtime.hub.presence(watcherTenant(watcher), 'order:p1');
    expect(members.find((m) => m.userId === napaId)?.connections).toBe(2);
    tabA.close();
    await tabA.waitClosed();
    // Still there with one tab: a marker update from the other tab arrives, and no leave before it.
    tabB.send({ type: 'presence', channel: 'order:p1', patch: { activity: 'editing lines' } });
    await expect
      .poll(() => presenceOf(watcher, 'order:p1', napaId).find((p) => p.member.activity === 'editing lines'))
      .toBeTruthy();
    tabB.close();
    await expect
      .poll(() => presenceOf(watcher, 'order:p1', napaId).filter((p) => p.action === 'leave').length)
      .toBe(1);
    const actions = presenceOf(watcher, 'order:p1', napaId).map((p) => p.action);
    expect(actions.filter((a) => a === 'join')).toHaveLength(1);
    expect(actions.at(-1)).toBe('leave');
    watcher.close();
  });

  it('tracks status, location and hidden tabs tenant-wide', async () => {
    const watcher = await TestClient.connect(wsUrl(server), anna);
    const list = await watcher.request<Subscribed>({ type: 'subscribe', channel: 'presence' });
    expect(list.presence.some((m) => m.name === 'Anna Carter')).toBe(true);
    const other = await TestClient.connect(wsUrl(server), napa);
    const joined = await watcher.next<PresenceFrame>((m) => m.type === 'presence' && m.action === 'join');
    expect(joined.channel).toBeUndefined();
    const napaId = joined.member.userId;
    other.send({ type: 'presence', patch: { location: { page: '/products' }, device: 'mobile' } });
    await expect
      .poll(() => presenceOf(watcher, undefined, napaId).find((p) => p.member.location?.page === '/products'))
      .toMatchObject({ action: 'update', member: { device: 'mobile', status: 'online' } });
    other.send({ type: 'presence', patch: { hidden: true } });
    await expect.poll(() => presenceOf(watcher, undefined, napaId).at(-1)?.member.status).toBe('away');
    other.send({ type: 'presence', patch: { hidden: false, status: 'busy' } });
    await expect.poll(() => presenceOf(watcher, undefined, napaId).at(-1)?.member.status).toBe('busy');
    other.close();
    watcher.close();
  });

  it('turns an idle user away after the idle time and back online on activity', async () => {
    const watcher = await TestClient.connect(wsUrl(server), anna);
    await watcher.request({ type: 'subscribe', channel: 'product:idle' });
    const idle = await TestClient.connect(wsUrl(server), napa);
    const sub = await idle.request<Subscribed>({ type: 'subscribe', channel: 'product:idle' });
    const napaId = sub.presence.find((m) => m.name === 'นภา ศรีสุข')!.userId;
    await expect.poll(() => presenceOf(watcher, 'product:idle', napaId).at(-1)?.member.status).toBe('away');
    idle.send({ type: 'presence', channel: 'product:idle', patch: { activity: 'back' } });
    await expect.poll(() => presenceOf(watcher, 'product:idle', napaId).at(-1)?.member.status).toBe('online');
    idle.close();
    watcher.close();
  });

  it('throttles cursor moves to one per 100 ms per user and delivers the last position', async () => {
    const watcher = await TestClient.connect(wsUrl(server), anna);
    await watcher.request({ type: 'subscribe', channel: 'order:cursor' });
    const mover = await TestClient.connect(wsUrl(server), napa);
    const sub = await mover.request<Subscribed>({ type: 'subscribe', channel: 'order:cursor' });
    const napaId = sub.presence.find((m) => m.name === 'นภา ศรีสุข')!.userId;
    const started = Date.now();
    for (let i = 1; i <= 30; i++)
      mover.send({ type: 'presence', channel: 'order:cursor', patch: { cursor: { x: i, y: i } } });
    await expect.poll(() => presenceOf(watcher, 'order:cursor', napaId).at(-1)?.member.cursor?.x).toBe(30);
    const moves = presenceOf(watcher, 'order:cursor', napaId).filter((p) => p.member.cursor);
    const elapsed = Date.now() - started;
    expect(moves.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 1);
    expect(moves.length).toBeLessThan(30);
    mover.close();
    watcher.close();
  });
});

function watcherTenant(client: TestClient): string {
  const welcome = client.messages.find((m) => m.type === 'welcome');
  return welcome?.type === 'welcome' ? welcome.user.tenantId : '';
}
