import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Logger } from '../logger';
import { channelType, isValidChannelName } from './channels';
import type { PusherApp } from './config';
import type { PusherServer } from './server';
import { verifyRequest } from './signatures';
import type { PusherState } from './state/types';

type Reply = { status: number; body: unknown };

const socketId = z.string().regex(/^\d+\.\d+$/);
const eventName = z.string().min(1).max(200);

const eventBody = z
  .object({
    name: eventName,
    data: z.string(),
    channel: z.string().optional(),
    channels: z.array(z.string()).optional(),
    socket_id: socketId.optional(),
    info: z.string().optional(),
  })
  .refine(
    (body) => (body.channel === undefined) !== (body.channels === undefined),
    'Give channel or channels',
  );

const batchBody = z.object({
  batch: z.array(
    z.object({
      name: eventName,
      data: z.string(),
      channel: z.string(),
      socket_id: socketId.optional(),
      info: z.string().optional(),
    }),
  ),
});

const fail = (status: number, error: string): Reply => ({ status, body: { error } });

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseInfo(info: string | undefined): Set<string> {
  return new Set(
    (info ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

/**
 * The Pusher HTTP API under /apps/{app_id}/…: signed requests (auth_key, auth_timestamp, auth_version, body_md5,
 * auth_signature) with the statuses the official server libraries expect: 400 malformed, 401 bad signature or
 * stale timestamp, 403 disabled app, 404 unknown app or path, 405 wrong method, 413 payload too large.
 */
export function createPusherHttpApi(deps: { server: PusherServer; state: PusherState; logger: Logger }) {
  const { server, state } = deps;

  async function channelInfo(app: PusherApp, channel: string, info: Set<string>) {
    const result: { user_count?: number; subscription_count?: number } = {};
    if (info.has('user_count')) result.user_count = await state.memberCount(app.id, channel);
    if (info.has('subscription_count'))
      result.subscription_count = await state.subscriptionCount(app.id, channel);
    return result;
  }

  function checkEvent(app: PusherApp, channels: string[], data: string): Reply | null {
    if (channels.length === 0) return fail(400, 'No channel given');
    if (channels.length > app.maxEventChannels)
      return fail(400, `At most ${app.maxEventChannels} channels per event`);
    const invalid = channels.find((channel) => !isValidChannelName(channel));
    if (invalid !== undefined) return fail(400, `Invalid channel name: ${invalid}`);
    if (Buffer.byteLength(data) > app.maxEventPayloadBytes)
      return fail(413, `Event data exceeds ${app.maxEventPayloadBytes} bytes`);
    return null;
  }

  function json(body: Buffer): unknown {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      return undefined;
    }
  }

  async function route(
    app: PusherApp,
    method: string,
    rest: string[],
    query: Record<string, string>,
    body: Buffer,
  ): Promise<Reply> {
    const [head, name, tail, extra] = rest;
    if (head === 'events' && rest.length === 1) {
      if (method !== 'POST') return fail(405, 'Use POST');
      const parsed = eventBody.safeParse(json(body));
      if (!parsed.success) return fail(400, 'Body must be {name, data, channel|channels, socket_id?, info?}');
      const event = parsed.data;
      const channels = event.channels ?? [event.channel as string];
      const problem = checkEvent(app, channels, event.data);
      if (problem) return problem;
      server.publish({
        appId: app.id,
        channels,
        event: event.name,
        data: event.data,
        exceptSocketId: event.socket_id,
      });
      const info = parseInfo(event.info);
      if (info.size === 0) return { status: 200, body: {} };
      const result: Record<string, unknown> = {};
      for (const channel of channels) result[channel] = await channelInfo(app, channel, info);
      return { status: 200, body: { channels: result } };
    }
    if (head === 'batch_events' && rest.length === 1) {
      if (method !== 'POST') return fail(405, 'Use POST');
      const parsed = batchBody.safeParse(json(body));
      if (!parsed.success)
        return fail(400, 'Body must be {batch: [{name, data, channel, socket_id?, info?}]}');
      const { batch } = parsed.data;
      if (batch.length > app.maxBatchEvents)
        return fail(400, `At most ${app.maxBatchEvents} events per batch`);
      for (const event of batch) {
        const problem = checkEvent(app, [event.channel], event.data);
        if (problem) return problem;
      }
      for (const event of batch)
        server.publish({
          appId: app.id,
          channels: [event.channel],
          event: event.name,
          data: event.data,
          exceptSocketId: event.socket_id,
        });
      if (!batch.some((event) => event.info)) return { status: 200, body: {} };
      const results = [];
      for (const event of batch) results.push(await channelInfo(app, event.channel, parseInfo(event.info)));
      return { status: 200, body: { batch: results } };
    }
    if (head === 'channels') {
      if (method !== 'GET') return fail(405, 'Use GET');
      const info = parseInfo(query.info);
      if (name === undefined) {
        const prefix = query.filter_by_prefix ?? '';
        if (info.has('user_count') && !prefix.startsWith('presence-'))
          return fail(400, 'info=user_count needs filter_by_prefix=presence-');
        const result: Record<string, unknown> = {};
        for (const [channel] of await state.channels(app.id))
          if (channel.startsWith(prefix)) result[channel] = await channelInfo(app, channel, info);
        return { status: 200, body: { channels: result } };
      }
      const channel = decodeURIComponent(name);
      if (!isValidChannelName(channel)) return fail(400, 'Invalid channel name');
      const presence = channelType(channel) === 'presence';
      if (tail === undefined) {
        if (info.has('user_count') && !presence) return fail(400, 'user_count is only for presence channels');
        const count = await state.subscriptionCount(app.id, channel);
        return { status: 200, body: { occupied: count > 0, ...(await channelInfo(app, channel, info)) } };
      }
      if (tail === 'users' && extra === undefined) {
        if (!presence) return fail(400, 'Users are only listed for presence channels');
        const members = await state.members(app.id, channel);
        return { status: 200, body: { users: [...members.keys()].map((id) => ({ id })) } };
      }
    }
    if (head === 'users' && name !== undefined && tail === 'terminate_connections' && extra === undefined) {
      if (method !== 'POST') return fail(405, 'Use POST');
      server.terminateUser(app.id, decodeURIComponent(name));
      return { status: 200, body: {} };
    }
    return fail(404, 'Not found');
  }

  async function handle(req: IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const segments = url.pathname.split('/').slice(2);
    const [appId, ...rest] = segments;
    const app = appId ? server.apps.byId(decodeURIComponent(appId)) : undefined;
    if (!app) return fail(404, 'Unknown app');
    if (!app.enabled) return fail(403, 'App is disabled');
    // The largest legitimate body: a full batch at the payload limit, with room for names and channels.
    const body = await readBody(req, app.maxBatchEvents * (app.maxEventPayloadBytes + 4096) + 16 * 1024);
    if (body === 'too-large') return fail(413, 'Request body too large');
    const query: Record<string, string> = {};
    for (const [key, value] of url.searchParams) if (!(key in query)) query[key] = value;
    const verdict = verifyRequest(
      app,
      { method: req.method ?? 'GET', path: url.pathname, query, body },
      server.now(),
    );
    if (!verdict.ok) return fail(verdict.status, verdict.message);
    return route(app, req.method ?? 'GET', rest, query, body);
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(req)
      .catch((error: unknown) => {
        deps.logger.error({ err: String(error) }, 'pusher http api failed');
        return fail(500, 'Internal error');
      })
      .then((reply) => {
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply.body));
      });
  };
}
