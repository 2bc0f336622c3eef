import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionToken } from '../../lib/auth/session';
import type { Db } from '../../lib/db/create-db';
import type { ServerMessage } from '../../lib/realtime/protocol';
import { type AppServer, type AppServerWithFixtures, startAppServerWith } from '../support/app-server';
import { seededActors } from '../support/catalog-fixtures';
import { anyOrderOf } from '../support/messaging-fixtures';
import { postgresAvailable } from '../support/services';
import type { TestDbKind } from '../support/test-db';
import { TestClient } from './realtime-helpers';

type Actors = Awaited<ReturnType<typeof seededActors>>;
type Fixtures = { actors: Actors; order: { id: string; number: string } };
type Json = Record<string, unknown> & {
  error?: { code: string; message: string };
  conversation?: { id: string; participants: { userId: string }[] };
  conversations?: { id: string; unread: number }[];
  message?: { id: string; seq: number; body: string; receipts: { userId: string }[] };
  messages?: { id: string; body: string }[];
  nextBefore?: number | null;
  connections?: { id: string; channels: string[] }[];
  typists?: { userId: string; name: string }[];
  presence?: { userId: string; status: string };
  users?: { userId: string }[];
  connections_total?: number;
};

async function prepare(db: Db): Promise<Fixtures> {
  const actors = await seededActors(db);
  return { actors, order: await anyOrderOf(db, actors.sales.tenantId) };
}

const kinds: TestDbKind[] = ['pglite', 'postgres'];
const havePostgres = await postgresAvailable();

describe.each(kinds)('messaging and realtime REST API on %s', (kind) => {
  const skip = kind === 'postgres' && !havePostgres;
  let server: AppServer;
  let fx: Fixtures;
  let app: AppServerWithFixtures<Fixtures>;
  const cookies: Record<string, string> = {};
  const sockets: TestClient[] = [];

  beforeAll(async () => {
    if (skip) return;
    // A slow refill, so the rate-limit test does not depend on how fast this machine answers 90 requests.
    app = await startAppServerWith(kind, prepare, { API_RATE_PER_SECOND: '0.5', API_RATE_BURST: '60' });
    ({ server, fixtures: fx } = app);
    Object.assign(cookies, app.cookies);
  }, 300_000);
  afterAll(async () => {
    for (const socket of sockets) socket.terminate();
    await app?.stop();
  });

  const call = async (
    method: string,
    route: string,
    as?: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const all: Record<string, string> = { 'content-type': 'application/json', ...headers };
    if (as) all.cookie = cookies[as]!;
    const response = await fetch(`${server.url}${route}`, {
      method,
      headers: all,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      json: (text ? JSON.parse(text) : null) as Json,
    };
  };

  const connect = async (as: string) => {
    const client = await TestClient.connect(`${server.url.replace('http', 'ws')}/ws?v=1`, cookies[as]);
    sockets.push(client);
    const welcome = client.messages.find((m) => m.type === 'welcome') as Extract<
      ServerMessage,
      { type: 'welcome' }
    >;
    return { client, connectionId: welcome.connectionId };
  };

  const direct = async (as: string, other: keyof Actors) => {
    const created = await call('POST', '/api/conversations', as, {
      kind: 'direct',
      userId: fx.actors[other].id,
    });
    expect(created.status).toBe(201);
    return created.json.conversation!.id;
  };

  it.skipIf(skip)('refuses every endpoint without a session, or with a forged one (401)', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const endpoints: [string, string][] = [
      ['GET', '/api/conversations'],
      ['POST', '/api/conversations'],
      ['GET', `/api/conversations/${id}`],
      ['GET', `/api/conversations/${id}/messages`],
      ['POST', `/api/conversations/${id}/messages`],
      ['PATCH', `/api/conversations/${id}/messages/${id}`],
      ['DELETE', `/api/conversations/${id}/messages/${id}`],
      ['POST', `/api/conversations/${id}/read`],
      ['POST', '/api/conversations/delivered'],
      ['GET', '/api/realtime/connections'],
      ['DELETE', '/api/realtime/connections/abc'],
      ['GET', `/api/realtime/presence/${id}`],
      ['PUT', '/api/realtime/presence'],
      ['GET', '/api/realtime/online'],
      ['POST', '/api/realtime/typing'],
      ['GET', `/api/realtime/conversations/${id}/typing`],
      ['POST', '/api/realtime/subscriptions'],
      ['DELETE', '/api/realtime/subscriptions'],
      ['GET', '/api/realtime/stats'],
      ['POST', '/api/realtime/announcements'],
      ['GET', '/api/notifications'],
    ];
    for (const [method, route] of endpoints) {
      const anonymous = await call(method, route, undefined, method === 'GET' ? undefined : {});
      expect({ route, method, status: anonymous.status, code: anonymous.json?.error?.code }).toEqual({
        route,
        method,
        status: 401,
        code: 'UNAUTHORIZED',
      });
    }
    const forged = await call('GET', '/api/realtime/online', undefined, undefined, {
      authorization: 'Bearer forged',
    });
    expect(forged.status).toBe(401);
    const otherKey = await createSessionToken(new TextEncoder().encode('x'.repeat(64)), fx.actors.sales, 1);
    const wrongKey = await call('GET', '/api/realtime/online', undefined, undefined, {
      authorization: `Bearer ${otherKey.token}`,
    });
    expect(wrongKey.status).toBe(401);
  });

  it.skipIf(skip)('accepts the session token as a bearer token', async () => {
    const token = decodeURIComponent(cookies.sales!.split('=')[1]!);
    const response = await call('GET', '/api/conversations', undefined, undefined, {
      authorization: `Bearer ${token}`,
    });
    expect(response.status).toBe(200);
    expect(Array.isArray(response.json.conversations)).toBe(true);
  });

  it.skipIf(skip)(
    'creates conversations, sends, lists, edits and deletes messages with clear errors',
    async () => {
      const id = await direct('sales', 'sales2');
      expect(await direct('sales2', 'sales')).toBe(id);
      const foreign = await call('POST', '/api/conversations', 'sales', {
        kind: 'direct',
        userId: fx.actors.otherAdmin.id,
      });
      expect(foreign.status).toBe(404);
      const invalid = await call('POST', '/api/conversations', 'sales', { kind: 'direct', userId: 'nope' });
      expect(invalid).toMatchObject({ status: 400, json: { error: { code: 'VALIDATION' } } });
      const badJson = await call('POST', '/api/conversations', 'sales', '{not json');
      expect(badJson).toMatchObject({ status: 400, json: { error: { code: 'VALIDATION' } } });

      const sent = await call('POST', `/api/conversations/${id}/messages`, 'sales', { body: 'Hello Napa' });
      expect(sent.status).toBe(201);
      expect(sent.json.message).toMatchObject({
        body: 'Hello Napa',
        receipts: [{ userId: fx.actors.sales2.id }],
      });
      const tooLong = await call('POST', `/api/conversations/${id}/messages`, 'sales', {
        body: 'a'.repeat(5001),
      });
      expect(tooLong).toMatchObject({ status: 413, json: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
      expect(tooLong.json.error?.message).toContain('5000');
      const exactly = await call('POST', `/api/conversations/${id}/messages`, 'sales', {
        body: 'ข'.repeat(5000),
      });
      expect(exactly.status).toBe(201);
      const huge = await call('POST', `/api/conversations/${id}/messages`, 'sales', {
        body: 'a'.repeat(100_000),
      });
      expect(huge).toMatchObject({ status: 413, json: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
      const empty = await call('POST', `/api/conversations/${id}/messages`, 'sales', { body: '  ' });
      expect(empty).toMatchObject({ status: 400, json: { error: { code: 'VALIDATION' } } });

      // Not a participant: the conversation does not exist for them (same tenant and other tenant).
      expect((await call('GET', `/api/conversations/${id}/messages`, 'admin')).status).toBe(404);
      expect(
        (await call('POST', `/api/conversations/${id}/messages`, 'otherAdmin', { body: 'x' })).status,
      ).toBe(404);
      expect((await call('GET', `/api/conversations/${id}`, 'viewer')).status).toBe(404);

      const unread = await call('GET', '/api/conversations', 'sales2');
      expect(unread.json.conversations?.find((c) => c.id === id)?.unread).toBe(2);
      const page = await call('GET', `/api/conversations/${id}/messages?limit=1`, 'sales2');
      expect(page.json.messages?.map((m) => m.body)).toEqual(['ข'.repeat(5000)]);
      expect(page.json.nextBefore).toEqual(expect.any(Number));
      const older = await call(
        'GET',
        `/api/conversations/${id}/messages?limit=1&before=${page.json.nextBefore}`,
        'sales2',
      );
      expect(older.json.messages?.map((m) => m.body)).toEqual(['Hello Napa']);
      expect((await call('GET', `/api/conversations/${id}/messages?limit=0`, 'sales2')).status).toBe(400);

      const messageId = sent.json.message!.id;
      const hijack = await call('PATCH', `/api/conversations/${id}/messages/${messageId}`, 'sales2', {
        body: 'mine now',
      });
      expect(hijack).toMatchObject({ status: 403, json: { error: { code: 'FORBIDDEN' } } });
      const edited = await call('PATCH', `/api/conversations/${id}/messages/${messageId}`, 'sales', {
        body: 'Hello again',
      });
      expect(edited).toMatchObject({ status: 200, json: { message: { body: 'Hello again' } } });
      const editTooLong = await call('PATCH', `/api/conversations/${id}/messages/${messageId}`, 'sales', {
        body: 'b'.repeat(5001),
      });
      expect(editTooLong.status).toBe(413);
      expect((await call('DELETE', `/api/conversations/${id}/messages/${messageId}`, 'sales2')).status).toBe(
        403,
      );
      const deleted = await call('DELETE', `/api/conversations/${id}/messages/${messageId}`, 'sales');
      expect(deleted).toMatchObject({ status: 200, json: { message: { body: '' } } });
      expect((await call('DELETE', `/api/conversations/${id}/messages/${messageId}`, 'sales')).status).toBe(
        404,
      );

      const read = await call('POST', `/api/conversations/${id}/read`, 'sales2', {});
      expect(read).toMatchObject({ status: 200, json: { unread: 0 } });
      const after = await call('GET', '/api/conversations', 'sales2');
      expect(after.json.conversations?.find((c) => c.id === id)?.unread).toBe(0);
    },
  );

  it.skipIf(skip)("manages group members and opens an order's conversation", async () => {
    const group = await call('POST', '/api/conversations', 'sales', {
      kind: 'group',
      name: 'Key accounts',
      memberIds: [fx.actors.sales2.id],
    });
    expect(group.status).toBe(201);
    const id = group.json.conversation!.id;
    const byMember = await call('POST', `/api/conversations/${id}/members`, 'sales2', {
      userIds: [fx.actors.viewer.id],
    });
    expect(byMember.status).toBe(403);
    const byAdmin = await call('POST', `/api/conversations/${id}/members`, 'admin', {
      userIds: [fx.actors.viewer.id],
    });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.json.conversation?.participants.map((p) => p.userId)).toContain(fx.actors.viewer.id);
    expect(
      (await call('DELETE', `/api/conversations/${id}/members/${fx.actors.viewer.id}`, 'sales2')).status,
    ).toBe(403);
    expect(
      (await call('DELETE', `/api/conversations/${id}/members/${fx.actors.viewer.id}`, 'sales')).status,
    ).toBe(200);
    expect(
      (await call('PATCH', `/api/conversations/${id}`, 'sales', { name: 'Renamed' })).json.conversation,
    ).toMatchObject({
      name: 'Renamed',
    });

    const order = await call('POST', '/api/conversations', 'sales', { kind: 'order', orderId: fx.order.id });
    expect(order).toMatchObject({
      status: 201,
      json: { conversation: { name: `Order ${fx.order.number}` } },
    });
    const again = await call('POST', '/api/conversations', 'sales2', { kind: 'order', orderId: fx.order.id });
    expect(again.json.conversation?.id).toBe(order.json.conversation?.id);
    expect(
      (await call('POST', '/api/conversations', 'otherAdmin', { kind: 'order', orderId: fx.order.id }))
        .status,
    ).toBe(404);
  });

  it.skipIf(skip)('keeps typing state per conversation, participants only', async () => {
    const id = await direct('sales', 'sales2');
    expect(
      (await call('POST', '/api/realtime/typing', 'sales', { conversationId: id, typing: true })).status,
    ).toBe(200);
    const typists = await call('GET', `/api/realtime/conversations/${id}/typing`, 'sales2');
    expect(typists.json.typists).toEqual([
      expect.objectContaining({ userId: fx.actors.sales.id, name: fx.actors.sales.name }),
    ]);
    await call('POST', '/api/realtime/typing', 'sales', { conversationId: id, typing: false });
    expect((await call('GET', `/api/realtime/conversations/${id}/typing`, 'sales2')).json.typists).toEqual(
      [],
    );
    expect(
      (await call('POST', '/api/realtime/typing', 'admin', { conversationId: id, typing: true })).status,
    ).toBe(404);
    expect((await call('GET', `/api/realtime/conversations/${id}/typing`, 'admin')).status).toBe(404);
    expect((await call('POST', '/api/realtime/typing', 'sales', { conversationId: id })).status).toBe(400);
  });

  it.skipIf(skip)('lists and closes my connections, never those of another user', async () => {
    const mine = await connect('sales');
    const theirs = await connect('sales2');
    const list = await call('GET', '/api/realtime/connections', 'sales');
    expect(list.json.connections?.map((c) => c.id)).toContain(mine.connectionId);
    expect(list.json.connections?.map((c) => c.id)).not.toContain(theirs.connectionId);
    const foreign = await call('DELETE', `/api/realtime/connections/${theirs.connectionId}`, 'sales');
    expect(foreign).toMatchObject({ status: 404, json: { error: { code: 'NOT_FOUND' } } });
    const otherTenant = await call('DELETE', `/api/realtime/connections/${mine.connectionId}`, 'otherAdmin');
    expect(otherTenant.status).toBe(404);
    expect(theirs.client.closed).toBeNull();
    const closed = await call('DELETE', `/api/realtime/connections/${mine.connectionId}`, 'sales');
    expect(closed).toMatchObject({ status: 200, json: { disconnected: mine.connectionId } });
    expect((await mine.client.waitClosed()).code).toBe(4013);
    await expect
      .poll(async () =>
        (await call('GET', '/api/realtime/connections', 'sales')).json.connections?.map((c) => c.id),
      )
      .not.toContain(mine.connectionId);
    expect(theirs.client.closed).toBeNull();
  });

  it.skipIf(skip)(
    'subscribes a connection of mine to a channel it may read, and unsubscribes it',
    async () => {
      const id = await direct('sales', 'sales2');
      const mine = await connect('sales');
      const theirs = await connect('sales2');
      const body = { connectionId: mine.connectionId, channel: `conversation:${id}` };
      const subscribed = await call('POST', '/api/realtime/subscriptions', 'sales', body);
      expect(subscribed).toMatchObject({ status: 200, json: { subscribed: true } });
      await mine.client.next((m) => m.type === 'subscribed' && m.channel === `conversation:${id}`);
      // A message now reaches the connection through the server-side subscription.
      await call('POST', `/api/conversations/${id}/messages`, 'sales2', { body: 'via subscription' });
      await mine.client.next(
        (m) => m.type === 'event' && m.channel === `conversation:${id}` && m.event === 'message.created',
      );

      const group = await call('POST', '/api/conversations', 'sales2', {
        kind: 'group',
        name: 'Private',
        memberIds: [],
      });
      const forbidden = await call('POST', '/api/realtime/subscriptions', 'sales', {
        connectionId: mine.connectionId,
        channel: `conversation:${group.json.conversation!.id}`,
      });
      expect(forbidden).toMatchObject({ status: 403, json: { error: { code: 'FORBIDDEN' } } });
      const userChannel = await call('POST', '/api/realtime/subscriptions', 'sales', {
        connectionId: mine.connectionId,
        channel: `user:${fx.actors.sales2.id}`,
      });
      expect(userChannel.status).toBe(403);
      const notMine = await call('POST', '/api/realtime/subscriptions', 'sales', {
        ...body,
        connectionId: theirs.connectionId,
      });
      expect(notMine.status).toBe(404);
      const badName = await call('POST', '/api/realtime/subscriptions', 'sales', {
        ...body,
        channel: 'nonsense:',
      });
      expect(badName).toMatchObject({ status: 400, json: { error: { code: 'UNKNOWN_CHANNEL' } } });
      const unsubscribed = await call('DELETE', '/api/realtime/subscriptions', 'sales', body);
      expect(unsubscribed).toMatchObject({ status: 200, json: { subscribed: false } });
      expect((await call('DELETE', '/api/realtime/subscriptions', 'sales', body)).status).toBe(404);
      mine.client.close();
      theirs.client.close();
    },
  );

  it.skipIf(skip)(
    'shows presence and online users of my tenant only, and relays my presence to my devices',
    async () => {
      const mine = await connect('sales');
      await expect
        .poll(
          async () =>
            (await call('GET', `/api/realtime/presence/${fx.actors.sales.id}`, 'sales2')).json.presence
              ?.status,
        )
        .toBe('online');
      const online = await call('GET', '/api/realtime/online', 'admin');
      expect(online.json.users?.map((u) => u.userId)).toContain(fx.actors.sales.id);
      expect(
        (await call('GET', '/api/realtime/online', 'otherAdmin')).json.users?.map((u) => u.userId),
      ).not.toContain(fx.actors.sales.id);
      expect((await call('GET', `/api/realtime/presence/${fx.actors.sales.id}`, 'otherAdmin')).status).toBe(
        404,
      );
      expect(
        (await call('GET', `/api/realtime/presence/${fx.actors.viewer.id}`, 'sales')).json.presence,
      ).toMatchObject({
        status: 'offline',
      });

      await mine.client.request({ type: 'subscribe', channel: `user:${fx.actors.sales.id}` });
      const put = await call('PUT', '/api/realtime/presence', 'sales', {
        status: 'busy',
        statusText: 'In a meeting',
      });
      expect(put.status).toBe(200);
      const relayed = await mine.client.next(
        (m) =>
          m.type === 'event' &&
          m.event === 'presence.requested' &&
          m.channel === `user:${fx.actors.sales.id}`,
      );
      expect(relayed).toMatchObject({ data: { status: 'busy', statusText: 'In a meeting' } });
      expect((await call('PUT', '/api/realtime/presence', 'sales', { status: 'sleeping' })).status).toBe(400);
      expect(
        (await call('PUT', '/api/realtime/presence', 'sales', { statusText: 'x'.repeat(101) })).status,
      ).toBe(400);
      mine.client.close();
    },
  );

  it.skipIf(skip)(
    'records deliveries: RPC receipts reach the author, stats count pending ones (admins only)',
    async () => {
      const id = await direct('admin', 'viewer');
      const author = await connect('admin');
      await author.client.request({ type: 'subscribe', channel: `conversation:${id}` });
      await call('POST', `/api/conversations/${id}/messages`, 'admin', { body: 'For the audit' });
      const stats = await call('GET', '/api/realtime/stats', 'admin');
      expect(stats.status).toBe(200);
      expect(stats.json).toMatchObject({
        connections: { total: expect.any(Number), active: expect.any(Number) },
        uniqueUsers: expect.any(Number),
        deliveries: { pending: expect.any(Number), failed: expect.any(Number) },
      });
      const before = stats.json.deliveries as { pending: number; delivered: number };
      expect(before.pending).toBeGreaterThan(0);
      expect((stats.json.connections as unknown as { total: number }).total).toBeGreaterThanOrEqual(1);
      expect((await call('GET', '/api/realtime/stats', 'sales')).status).toBe(403);
      expect((await call('GET', '/api/realtime/stats', 'viewer')).status).toBe(403);

      // The viewer's device comes online and acknowledges: the author sees a delivered receipt.
      const device = await connect('viewer');
      const ack = await device.client.request({ type: 'rpc', method: 'messaging.delivered', params: {} });
      expect(ack).toMatchObject({ type: 'ack', ok: true });
      const receipt = await author.client.next(
        (m) => m.type === 'event' && m.channel === `conversation:${id}` && m.event === 'receipt',
      );
      expect(receipt).toMatchObject({ data: { userId: fx.actors.viewer.id, status: 'delivered' } });
      const read = await device.client.request({
        type: 'rpc',
        method: 'messaging.read',
        params: { conversationId: id },
      });
      expect(read).toMatchObject({ type: 'ack', ok: true });
      await author.client.next(
        (m) =>
          m.type === 'event' && m.event === 'receipt' && (m.data as { status?: string }).status === 'read',
      );
      const typing = await device.client.request({
        type: 'rpc',
        method: 'messaging.typing',
        params: { conversationId: id, typing: true },
      });
      expect(typing).toMatchObject({ ok: true });
      await author.client.next((m) => m.type === 'event' && m.event === 'typing');
      const outsider = await connect('sales');
      const refused = await outsider.client.request({ type: 'subscribe', channel: `conversation:${id}` });
      expect(refused).toMatchObject({ type: 'ack', ok: false, error: { code: 'FORBIDDEN' } });
      const after = (await call('GET', '/api/realtime/stats', 'admin')).json.deliveries as {
        delivered: number;
      };
      expect(after.delivered).toBeGreaterThan(before.delivered);

      const announce = await call('POST', '/api/realtime/announcements', 'admin', {
        text: 'Stocktake Friday',
      });
      expect(announce).toMatchObject({ status: 201, json: { recipients: 4 } });
      expect((await call('POST', '/api/realtime/announcements', 'sales', { text: 'no' })).status).toBe(403);
      const inbox = await call('GET', '/api/notifications', 'viewer');
      expect(inbox.json).toMatchObject({
        notifications: expect.arrayContaining([expect.objectContaining({ kind: 'announcement' })]),
      });
      for (const socket of [author, device, outsider]) socket.client.close();
    },
  );

  it.skipIf(skip)(
    'rate-limits each user with a token bucket: 429 with Retry-After, others unaffected',
    async () => {
      const responses = await Promise.all(
        Array.from({ length: 90 }, () => call('GET', '/api/realtime/online', 'sales2')),
      );
      const limited = responses.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(responses.filter((r) => r.status === 200).length).toBeGreaterThan(0);
      expect(limited[0]?.json.error?.code).toBe('RATE_LIMITED');
      expect(Number(limited[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await call('GET', '/api/realtime/online', 'sales')).status).toBe(200);
    },
  );
});
