import { createHash, createHmac } from 'node:crypto';
import type Pusher from 'pusher-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  APP,
  type Cluster,
  connected,
  DISABLED_APP,
  echoClient,
  ORIGIN_APP,
  pusherClient,
  rawSocket,
  SMALL_APP,
  serverLib,
  signerFor,
  socketIdOf,
  startCluster,
  startWebhookReceiver,
} from './pusher-helpers';

type Member = { id: string; info?: Record<string, unknown> };
type RequestError = { status?: number; body?: string };

async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    return (error as RequestError).status ?? -1;
  }
}

function subscribed(client: Pusher, channelName: string): Promise<void> {
  const channel = client.subscribe(channelName);
  return new Promise((resolve, reject) => {
    if (channel.subscribed) return resolve();
    channel.bind('pusher:subscription_succeeded', () => resolve());
    channel.bind('pusher:subscription_error', (error: unknown) => reject(error));
  });
}

function nextEvent<T>(
  client: Pusher,
  channelName: string,
  event: string,
): Promise<{ data: T; userId?: string }> {
  return new Promise((resolve) => {
    const channel = client.channel(channelName) ?? client.subscribe(channelName);
    const handler = (data: T, metadata?: { user_id?: string }) => {
      channel.unbind(event, handler);
      resolve({ data, userId: metadata?.user_id });
    };
    channel.bind(event, handler);
  });
}

/** A signed URL built by hand, for what the official library never sends (stale timestamps, broken JSON). */
function signedUrl(
  base: string,
  path: string,
  options: { body?: string; timestamp?: number; method?: string } = {},
): string {
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  const params: Record<string, string> = {
    auth_key: APP.key,
    auth_timestamp: String(options.timestamp ?? Math.floor(Date.now() / 1000)),
    auth_version: '1.0',
  };
  if (options.body !== undefined) params.body_md5 = createHash('md5').update(options.body).digest('hex');
  const query = Object.keys(params)
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
  const signature = createHmac('sha256', APP.secret).update(`${method}\n${path}\n${query}`).digest('hex');
  return `${base}${path}?${query}&auth_signature=${signature}`;
}

function handSigned(base: string, path: string, options: { body?: string; timestamp?: number } = {}) {
  return fetch(signedUrl(base, path, options), {
    method: options.body === undefined ? 'GET' : 'POST',
    body: options.body,
    headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
  });
}

/**
 * The Pusher protocol against real pusher-js, Laravel Echo and the official `pusher` server library. Runs on one
 * node (in-process bus) and on two nodes sharing Redis, where every test mixes the nodes: clients on node B,
 * HTTP API calls on node A.
 */
export function pusherSuite(options: { redis: boolean; available: boolean }) {
  describe.skipIf(!options.available)(
    `Pusher protocol (${options.redis ? 'two nodes on Redis' : 'one node'})`,
    () => {
      let cluster: Cluster;
      let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
      const clients: Pusher[] = [];
      const track = (client: Pusher) => {
        clients.push(client);
        return client;
      };

      beforeAll(async () => {
        hooks = await startWebhookReceiver();
        cluster = await startCluster({ redis: options.redis, webhookUrl: hooks.url });
      });
      afterEach(() => {
        for (const client of clients.splice(0)) client.disconnect();
      });
      afterAll(async () => {
        await cluster?.close();
        await hooks?.close();
      });

      it('handshakes with a socket id and activity timeout, and answers pusher:ping', async () => {
        const socket = await rawSocket(cluster.b, `/app/${APP.key}?protocol=7&client=js&version=8.6.0`);
        const established = await socket.next();
        expect(established.event).toBe('pusher:connection_established');
        expect(socketIdOf(established)).toMatch(/^\d+\.\d+$/);
        expect(JSON.parse(established.data as string).activity_timeout).toBe(1);
        socket.send({ event: 'pusher:ping', data: {} });
        expect((await socket.next((f) => f.event !== 'pusher:ping')).event).toBe('pusher:pong');
        socket.ws.close();
      });

      it('delivers HTTP API events to public subscribers on every node, excluding socket_id', async () => {
        const first = track(pusherClient(cluster.b));
        const second = track(pusherClient(cluster.a));
        await Promise.all([subscribed(first, 'news'), subscribed(second, 'news')]);
        const excluded = await connected(second);
        const firstGot = nextEvent<{ n: number }>(first, 'news', 'headline');
        const secondGot = nextEvent<{ n: number }>(second, 'news', 'headline');
        const lib = serverLib(cluster.a);
        await lib.trigger('news', 'headline', { n: 1 }, { socket_id: excluded });
        await lib.trigger(['news', 'other'], 'headline', { n: 2 });
        expect((await firstGot).data).toEqual({ n: 1 });
        expect((await secondGot).data).toEqual({ n: 2 });
      });

      it('subscribes private channels with a valid signature and refuses a bad one (401)', async () => {
        const good = track(pusherClient(cluster.b));
        const bad = track(pusherClient(cluster.b, { badAuth: true }));
        await subscribed(good, 'private-orders.1');
        const refusal = await subscribed(bad, 'private-orders.1').then(
          () => null,
          (error: { type: string; status: number }) => error,
        );
        expect(refusal).toMatchObject({ type: 'AuthError', status: 401 });
        const got = nextEvent<{ id: number }>(good, 'private-orders.1', 'order.updated');
        await serverLib(cluster.a).trigger('private-orders.1', 'order.updated', { id: 7 });
        expect((await got).data).toEqual({ id: 7 });
      });

      it('runs Laravel Echo presence: here, joining and leaving once per user across connections and nodes', async () => {
        const alice = echoClient(
          track(pusherClient(cluster.a, { user: { id: 'alice', info: { name: 'Alice' } } })),
        );
        const joined: Member[] = [];
        const left: Member[] = [];
        const markers: number[] = [];
        const here = await new Promise<Member[]>((resolve) => {
          alice
            .join('room.1')
            .here((members: Member[]) => resolve(members))
            .joining((member: Member) => joined.push(member))
            .leaving((member: Member) => left.push(member))
            .listen('.marker', (data: { n: number }) => markers.push(data.n));
        });
        expect(here).toEqual([{ name: 'Alice' }]);

        const bobFirst = track(pusherClient(cluster.b, { user: { id: 'bob', info: { name: 'Bob' } } }));
        const bobHere = await new Promise<Member[]>((resolve) => {
          echoClient(bobFirst)
            .join('room.1')
            .here((members: Member[]) => resolve(members));
        });
        expect(bobHere).toHaveLength(2);
        await expect.poll(() => joined).toEqual([{ name: 'Bob' }]);

        // Bob's second tab, on the other node: no second "joining".
        const bobSecond = track(pusherClient(cluster.a, { user: { id: 'bob', info: { name: 'Bob' } } }));
        await subscribed(bobSecond, 'presence-room.1');
        const lib = serverLib(cluster.a);
        await lib.trigger('presence-room.1', 'marker', { n: 1 });
        await expect.poll(() => markers).toEqual([1]);
        expect(joined).toHaveLength(1);

        const users = (await (await lib.get({ path: '/channels/presence-room.1/users' })).json()) as {
          users: { id: string }[];
        };
        expect(users.users.map((u) => u.id).sort()).toEqual(['alice', 'bob']);
        const info = await (
          await lib.get({
            path: '/channels/presence-room.1',
            params: { info: 'user_count,subscription_count' },
          })
        ).json();
        expect(info).toEqual({ occupied: true, user_count: 2, subscription_count: 3 });

        // One of Bob's tabs closes: still a member. The last one closes: "leaving", once.
        bobFirst.disconnect();
        await lib.trigger('presence-room.1', 'marker', { n: 2 });
        await expect.poll(() => markers).toEqual([1, 2]);
        expect(left).toEqual([]);
        bobSecond.disconnect();
        await expect.poll(() => left).toEqual([{ name: 'Bob' }]);
      });

      it('whispers (client events) to the other subscribers, never back to the sender, with user_id on presence', async () => {
        const aliceClient = track(pusherClient(cluster.a, { user: { id: 'alice' } }));
        const bobClient = track(pusherClient(cluster.b, { user: { id: 'bob' } }));
        const aliceHeard: unknown[] = [];
        const alice = echoClient(aliceClient).private('chat.1');
        alice.listenForWhisper('typing', (data: unknown) => aliceHeard.push(data));
        const bobHeard = new Promise<unknown>((resolve) => {
          echoClient(bobClient).private('chat.1').listenForWhisper('typing', resolve);
        });
        await Promise.all([
          subscribed(aliceClient, 'private-chat.1'),
          subscribed(bobClient, 'private-chat.1'),
        ]);
        alice.whisper('typing', { who: 'alice' });
        expect(await bobHeard).toEqual({ who: 'alice' });
        echoClient(bobClient).private('chat.1').whisper('typing', { who: 'bob' });
        await expect.poll(() => aliceHeard).toEqual([{ who: 'bob' }]);

        await Promise.all([
          subscribed(aliceClient, 'presence-chat.2'),
          subscribed(bobClient, 'presence-chat.2'),
        ]);
        const withUser = nextEvent<{ x: number }>(bobClient, 'presence-chat.2', 'client-cursor');
        aliceClient.channel('presence-chat.2').trigger('client-cursor', { x: 3 });
        expect(await withUser).toEqual({ data: { x: 3 }, userId: 'alice' });
      });

      it('refuses client events on public channels, from non-subscribers, too large, too fast, or disabled', async () => {
        const socket = await rawSocket(cluster.a, `/app/${APP.key}?protocol=7`);
        const socketId = socketIdOf(await socket.next());
        const error = () => socket.next((f) => f.event === 'pusher:error');
        socket.send({ event: 'pusher:subscribe', data: { channel: 'news' } });
        await socket.next((f) => f.event === 'pusher_internal:subscription_succeeded');
        socket.send({ event: 'client-x', channel: 'news', data: {} });
        expect((await error()).data).toMatchObject({
          message: expect.stringContaining('private and presence'),
        });
        socket.send({ event: 'client-x', channel: 'private-y', data: {} });
        expect((await error()).data).toMatchObject({ message: expect.stringContaining('not subscribed') });
        const auth = signerFor(APP).authorizeChannel(socketId, 'private-y');
        socket.send({ event: 'pusher:subscribe', data: { channel: 'private-y', auth: auth.auth } });
        await socket.next(
          (f) => f.event === 'pusher_internal:subscription_succeeded' && f.channel === 'private-y',
        );
        socket.send({ event: 'client-x', channel: 'private-y', data: { big: 'x'.repeat(3000) } });
        expect((await error()).data).toMatchObject({ message: expect.stringContaining('exceeds') });
        for (let i = 0; i < 15; i++) socket.send({ event: 'client-x', channel: 'private-y', data: { i } });
        expect((await error()).data).toMatchObject({ code: 4301 });
        socket.ws.close();

        const disabled = await rawSocket(cluster.a, `/app/${SMALL_APP.key}?protocol=7`);
        const disabledId = socketIdOf(await disabled.next());
        const signed = signerFor(SMALL_APP).authorizeChannel(disabledId, 'private-z');
        disabled.send({ event: 'pusher:subscribe', data: { channel: 'private-z', auth: signed.auth } });
        await disabled.next((f) => f.event === 'pusher_internal:subscription_succeeded');
        disabled.send({ event: 'client-x', channel: 'private-z', data: {} });
        expect((await disabled.next((f) => f.event === 'pusher:error')).data).toMatchObject({
          message: expect.stringContaining('not enabled'),
        });
        disabled.ws.close();
      });

      it('signs users in, sends to a user and terminates their connections', async () => {
        const client = track(pusherClient(cluster.b, { user: { id: 'u-7' } }));
        client.signin();
        await expect.poll(() => client.user.serverToUserChannel?.subscribed ?? false).toBe(true);
        const got = new Promise<unknown>((resolve) => client.user.bind('hello', resolve));
        const lib = serverLib(cluster.a);
        await lib.sendToUser('u-7', 'hello', { x: 1 });
        expect(await got).toEqual({ x: 1 });

        const terminated = new Promise<number>((resolve) =>
          client.connection.bind('error', (error: { data?: { code?: number } }) => {
            if (error?.data?.code) resolve(error.data.code);
          }),
        );
        await lib.terminateUserConnections('u-7');
        expect(await terminated).toBe(4009);
      });

      it('delivers sendToUser to every signed-in connection of the user, on every node, without a subscribe', async () => {
        // Raw protocol clients (as Pusher's own servers allow) sign in and never name #server-to-user-{id}.
        const signIn = async (node: typeof cluster.a) => {
          const socket = await rawSocket(node, `/app/${APP.key}?protocol=7`);
          const socketId = socketIdOf(await socket.next());
          const signed = signerFor(APP).authenticateUser(socketId, { id: 'u-raw' });
          socket.send({ event: 'pusher:signin', data: signed });
          await socket.next((f) => f.event === 'pusher:signin_success');
          return socket;
        };
        const onA = await signIn(cluster.a);
        const onB = await signIn(cluster.b);
        const other = await rawSocket(cluster.b, `/app/${APP.key}?protocol=7`);
        await other.next();
        await expect
          .poll(async () => {
            const info = await serverLib(cluster.a).get({
              path: `/channels/${encodeURIComponent('#server-to-user-u-raw')}`,
              params: { info: 'subscription_count' },
            });
            return ((await info.json()) as { subscription_count?: number }).subscription_count;
          })
          .toBe(2);
        await serverLib(cluster.a).sendToUser('u-raw', 'direct', { n: 1 });
        for (const socket of [onA, onB]) {
          const frame = await socket.next((f) => f.event === 'direct');
          expect(frame).toMatchObject({ channel: '#server-to-user-u-raw' });
          expect(JSON.parse(frame.data as string)).toEqual({ n: 1 });
        }
        // Someone who is not that user cannot subscribe to the user's channel.
        other.send({ event: 'pusher:subscribe', data: { channel: '#server-to-user-u-raw' } });
        expect(await other.next((f) => f.event === 'pusher:subscription_error')).toMatchObject({
          data: { type: 'AuthError', status: 401 },
        });
        expect(other.frames.some((f) => f.event === 'direct')).toBe(false);
        for (const socket of [onA, onB, other]) socket.ws.close();
      });

      it('answers every malformed frame with pusher:error and keeps the connection', async () => {
        const socket = await rawSocket(cluster.b, `/app/${APP.key}?protocol=7`);
        await socket.next();
        const malformed = [
          '{not json',
          '[]',
          '42',
          '{"data":{}}',
          '{"event":"pusher:subscribe","data":{}}',
          '{"event":"pusher:subscribe","data":"{broken"}',
          '{"event":"pusher:signin","data":{"auth":1}}',
          '{"event":"client-x"}',
          '{"event":"pusher:nonsense","data":{}}',
        ];
        // Well past the ten that used to close the socket (and under the message rate limit).
        for (let round = 0; round < 3; round++) for (const frame of malformed) socket.send(frame);
        await expect
          .poll(() => socket.frames.filter((f) => f.event === 'pusher:error').length)
          .toBe(malformed.length * 3);
        for (const frame of socket.frames.filter((f) => f.event === 'pusher:error'))
          expect(frame.data).toMatchObject({ code: null, message: expect.any(String) });
        socket.send({ event: 'pusher:ping', data: {} });
        expect((await socket.next((f) => f.event === 'pusher:pong')).event).toBe('pusher:pong');
        socket.send({ event: 'pusher:subscribe', data: { channel: 'still-here' } });
        await socket.next((f) => f.event === 'pusher_internal:subscription_succeeded');
        expect(socket.ws.readyState).toBe(socket.ws.OPEN);
        socket.ws.close();

        // Abuse is still bounded: a flood past the message rate limit (burst 100) is closed as over capacity.
        const flood = await rawSocket(cluster.b, `/app/${APP.key}?protocol=7`);
        await flood.next();
        for (let i = 0; i < 400; i++) flood.send('{not json');
        expect((await flood.closed).code).toBe(4100);
      });

      it('answers the HTTP API: channel lists, info, batches; and the errors the libraries expect', async () => {
        const client = track(pusherClient(cluster.b, { user: { id: 'carol' } }));
        await Promise.all([subscribed(client, 'presence-lobby'), subscribed(client, 'private-stats')]);
        const lib = serverLib(cluster.a);

        const triggered = await (
          await lib.trigger('private-stats', 'tick', {}, { info: 'subscription_count' })
        ).json();
        expect(triggered).toEqual({ channels: { 'private-stats': { subscription_count: 1 } } });

        const both = Promise.all([
          nextEvent(client, 'private-stats', 'one'),
          nextEvent(client, 'presence-lobby', 'two'),
        ]);
        await lib.triggerBatch([
          { channel: 'private-stats', name: 'one', data: { a: 1 } },
          { channel: 'presence-lobby', name: 'two', data: { b: 2 } },
        ]);
        expect((await both).map((e) => e.data)).toEqual([{ a: 1 }, { b: 2 }]);

        const list = await (
          await lib.get({ path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' } })
        ).json();
        expect(list).toEqual({ channels: { 'presence-lobby': { user_count: 1 } } });
        const all = (await (await lib.get({ path: '/channels' })).json()) as {
          channels: Record<string, object>;
        };
        expect(Object.keys(all.channels)).toEqual(
          expect.arrayContaining(['presence-lobby', 'private-stats']),
        );
        expect(await (await lib.get({ path: '/channels/nobody-here' })).json()).toEqual({ occupied: false });

        expect(await statusOf(lib.get({ path: '/channels', params: { info: 'user_count' } }))).toBe(400);
        expect(await statusOf(lib.get({ path: '/channels/private-stats/users' }))).toBe(400);
        expect(
          await statusOf(serverLib(cluster.a, { ...APP, secret: 'wrong' }).trigger('news', 'x', {})),
        ).toBe(401);
        expect(
          await statusOf(serverLib(cluster.a, { ...APP, id: 'no-such-app' }).trigger('news', 'x', {})),
        ).toBe(404);
        expect(await statusOf(lib.trigger('news', 'x', { big: 'y'.repeat(3000) }))).toBe(413);

        const base = `http://${cluster.a.host}:${cluster.a.port}`;
        const stale = await handSigned(base, `/apps/${APP.id}/channels`, {
          timestamp: Math.floor(Date.now() / 1000) - 601,
        });
        expect(stale.status).toBe(401);
        const fresh = await handSigned(base, `/apps/${APP.id}/channels`);
        expect(fresh.status).toBe(200);
        const malformed = await handSigned(base, `/apps/${APP.id}/events`, {
          body: '{"name": "x", "data": ',
        });
        expect(malformed.status).toBe(400);
        const noChannel = await handSigned(base, `/apps/${APP.id}/events`, {
          body: '{"name":"x","data":"{}"}',
        });
        expect(noChannel.status).toBe(400);
        const badName = await handSigned(base, `/apps/${APP.id}/events`, {
          body: '{"name":"x","data":"{}","channels":["bad name!"]}',
        });
        expect(badName.status).toBe(400);
        const unsigned = await fetch(`${base}/apps/${APP.id}/channels`);
        expect(unsigned.status).toBe(401);
        const tampered = await fetch(signedUrl(base, `/apps/${APP.id}/events`, { body: '{}' }), {
          method: 'POST',
          body: '{"name":"x","data":"{}","channel":"news"}',
        });
        expect(tampered.status).toBe(401);
      });

      it('sends webhooks signed as Pusher does, occupied and vacated once across nodes, and retries', async () => {
        hooks.calls.splice(0);
        hooks.failNext(1);
        const lib = serverLib(cluster.a);
        const events = () =>
          hooks.calls.flatMap((call) => {
            const webhook = lib.webhook({
              headers: call.headers as Record<string, string>,
              rawBody: call.rawBody,
            });
            expect(webhook.isValid()).toBe(true);
            return webhook.getEvents() as {
              name: string;
              channel: string;
              user_id?: string;
              event?: string;
            }[];
          });
        const onA = track(pusherClient(cluster.a, { user: { id: 'dave' } }));
        const onB = track(pusherClient(cluster.b, { user: { id: 'dave' } }));
        await Promise.all([subscribed(onA, 'presence-hooked'), subscribed(onB, 'presence-hooked')]);
        onA.channel('presence-hooked').trigger('client-ping', { ok: true });
        await expect
          .poll(() =>
            events()
              .filter((e) => e.channel === 'presence-hooked')
              .map((e) => e.name)
              .sort(),
          )
          .toEqual(['channel_occupied', 'client_event', 'member_added']);
        onA.disconnect();
        onB.disconnect();
        await expect
          .poll(() =>
            events()
              .filter((e) => e.channel === 'presence-hooked')
              .map((e) => e.name)
              .sort(),
          )
          .toEqual(['channel_occupied', 'channel_vacated', 'client_event', 'member_added', 'member_removed']);
        const forged = lib.webhook({
          headers: {
            ...(hooks.calls[0]!.headers as Record<string, string>),
            'x-pusher-signature': 'f'.repeat(64),
          },
          rawBody: hooks.calls[0]!.rawBody,
        });
        expect(forged.isValid()).toBe(false);
      });

      it('refuses unknown apps, bad paths, old protocols, bad channel names, full presence and over-quota apps', async () => {
        const unknown = await rawSocket(cluster.a, '/app/nope?protocol=7');
        expect((await unknown.next()).data).toMatchObject({ code: 4001 });
        expect((await unknown.closed).code).toBe(4001);
        const badPath = await rawSocket(cluster.a, `/app/${APP.key}/extra`);
        expect((await badPath.closed).code).toBe(4005);
        const oldProtocol = await rawSocket(cluster.a, `/app/${APP.key}?protocol=3`);
        expect((await oldProtocol.closed).code).toBe(4007);

        const socket = await rawSocket(cluster.b, `/app/${APP.key}?protocol=7`);
        await socket.next();
        socket.send('{not json');
        expect((await socket.next((f) => f.event === 'pusher:error')).data).toMatchObject({ code: null });
        socket.send({ event: 'pusher:subscribe', data: { channel: 'bad channel!' } });
        expect(await socket.next((f) => f.event === 'pusher:subscription_error')).toMatchObject({
          data: { type: 'InvalidChannel' },
        });
        socket.send({
          event: 'pusher:subscribe',
          data: { channel: 'presence-x', auth: 'x:y', channel_data: '{}' },
        });
        expect(await socket.next((f) => f.event === 'pusher:subscription_error')).toMatchObject({
          data: { type: 'AuthError', status: 401 },
        });
        socket.ws.close();

        // small-app: two presence members at most, three connections at most.
        const small = { ...SMALL_APP };
        const members = [1, 2, 3].map((n) =>
          track(pusherClient(cluster.b, { app: small, user: { id: `m${n}` } })),
        );
        await subscribed(members[0]!, 'presence-full');
        await subscribed(members[1]!, 'presence-full');
        const third = await subscribed(members[2]!, 'presence-full').then(
          () => null,
          (error: unknown) => error,
        );
        expect(third).toMatchObject({ type: 'LimitReached' });
        const overQuota = await rawSocket(cluster.a, `/app/${SMALL_APP.key}?protocol=7`);
        expect((await overQuota.closed).code).toBe(4004);

        const disabled = await rawSocket(cluster.b, `/app/${DISABLED_APP.key}?protocol=7`);
        expect((await disabled.closed).code).toBe(4003);
        expect(await statusOf(serverLib(cluster.a, DISABLED_APP).trigger('news', 'x', {}))).toBe(403);
      });

      it('checks the Origin of browsers against the app’s allowed origins', async () => {
        const evil = await rawSocket(cluster.a, `/app/${ORIGIN_APP.key}?protocol=7`, {
          origin: 'https://evil.example',
        });
        expect((await evil.next()).data).toMatchObject({ code: 4009 });
        expect((await evil.closed).code).toBe(4009);
        const shop = await rawSocket(cluster.b, `/app/${ORIGIN_APP.key}?protocol=7`, {
          origin: 'https://shop.example',
        });
        expect((await shop.next()).event).toBe('pusher:connection_established');
        shop.ws.close();
      });

      it('counts Pusher connections and frames in the hub’s /metrics', async () => {
        const client = track(pusherClient(cluster.b));
        await subscribed(client, 'metered');
        const metrics = await (await fetch(`http://${cluster.b.host}:${cluster.b.port}/metrics`)).text();
        expect(metrics).toMatch(/osl_pusher_connections\{[^}]*app="test-app"[^}]*\} [1-9]/);
        expect(metrics).toMatch(/osl_pusher_messages_in_total\{[^}]*\} [1-9]/);
      });

      it('pings an idle client and closes it with 4201 when no pong comes', async () => {
        // Both clients at once: each waits out the (1 s) activity and pong timeouts of its own connection.
        const silent = async () => {
          const socket = await rawSocket(cluster.b, `/app/${APP.key}?protocol=7`, { autoPong: false });
          await socket.next();
          expect((await socket.next((f) => f.event === 'pusher:ping')).event).toBe('pusher:ping');
          expect((await socket.closed).code).toBe(4201);
        };
        const answering = async () => {
          const socket = await rawSocket(cluster.b, `/app/${APP.key}?protocol=7`, { autoPong: false });
          await socket.next();
          await socket.next((f) => f.event === 'pusher:ping');
          socket.send({ event: 'pusher:pong', data: {} });
          await socket.next((f) => f.event === 'pusher:ping');
          socket.send({ event: 'pusher:pong', data: {} });
          expect(socket.ws.readyState).toBe(socket.ws.OPEN);
          socket.ws.close();
        };
        await Promise.all([silent(), answering()]);
      });
    },
  );
}
