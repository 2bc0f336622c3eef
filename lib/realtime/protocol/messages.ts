import { z } from 'zod';
import { errorCodeList } from './codes';

/**
 * Protocol v1 over `/ws?v=1` (JSON text frames). The exchanges, as the server implements them:
 * - On open the server sends `welcome`. Either side may send `ping {t}`; the other answers `pong`. Any frame counts
 *   as a sign of life; a peer silent for two heartbeat intervals is closed (`heartbeatTimeout`).
 * - `subscribe {id, channel, since?}` -> `subscribed {id, epoch, seq, recovered?, presence}`, then (when `since` was
 *   given and recovered is true) the missed events in order, then live events. Errors -> `ack {id, ok:false}`.
 *   A subscription makes the user a presence member of that channel (the `presence` channel lists the tenant).
 * - `recover {id, channel, since}` (after the client saw a gap) -> the same answer as a subscribe with `since`.
 * - A `subscribed` frame with `id: ''` is unsolicited: the server lost the channel's history (e.g. a Redis restart)
 *   and says `recovered: false`; the client refetches state and continues from (epoch, seq).
 * - `unsubscribe {id}` -> `ack {id, ok:true}`; nothing of that channel follows. A server-side removal (permission
 *   change) sends `unsubscribed {channel, reason}`.
 * - `publish {id}` -> `ack {id, ok:true, result:{epoch, seq}}`; `rpc {id}` -> `ack` with the handler's result;
 *   `presence {id?}` -> `ack` when an id was given. Retries with the same id take effect once (same ack).
 * - `signal {id?, channel, event, data}` (ephemeral: carets, typing) -> `signal {channel, event, data, actor, ts}` to
 *   the other live subscribers of the channel on every node; the sender must be subscribed. No seq, history, replay
 *   or dedupe; `ack {id, ok:true}` only when an id was given (a retry is delivered again).
 * - Invalid frames get `error {code, id?}`; repeated abuse closes with `policyViolation`, floods with `floods`.
 */
export const PROTOCOL_VERSION = 1;

/** A client message id: unique per client; retries reuse it and take effect once. */
const messageId = z.string().min(1).max(64);
const channel = z.string().min(1).max(100);
const position = z.object({ epoch: z.string().min(1).max(64), seq: z.number().int().nonnegative() });

export const presenceStatus = z.enum(['online', 'away', 'busy', 'offline']);
export type PresenceStatus = z.infer<typeof presenceStatus>;

export const presencePatch = z
  .object({
    status: presenceStatus.optional(),
    statusText: z.string().max(100).optional(),
    location: z
      .object({ page: z.string().max(200), section: z.string().max(100).optional() })
      .nullable()
      .optional(),
    activity: z.string().max(200).nullable().optional(),
    cursor: z
      .object({ x: z.number().finite(), y: z.number().finite(), field: z.string().max(100).optional() })
      .nullable()
      .optional(),
    device: z.enum(['desktop', 'mobile', 'tablet', 'api']).optional(),
    hidden: z.boolean().optional(),
  })
  .strict();
export type PresencePatch = z.infer<typeof presencePatch>;

export const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping'), t: z.number() }),
  z.object({ type: z.literal('pong'), t: z.number().optional() }),
  z.object({
    type: z.literal('subscribe'),
    id: messageId,
    channel,
    since: position.optional(),
    presence: presencePatch.optional(),
  }),
  z.object({ type: z.literal('unsubscribe'), id: messageId, channel }),
  z.object({ type: z.literal('recover'), id: messageId, channel, since: position }),
  z.object({
    type: z.literal('publish'),
    id: messageId,
    channel,
    event: z.string().min(1).max(64),
    data: z.unknown(),
  }),
  z.object({
    type: z.literal('signal'),
    id: messageId.optional(),
    channel,
    event: z.string().min(1).max(64),
    data: z.unknown(),
  }),
  z.object({
    type: z.literal('presence'),
    id: messageId.optional(),
    /** Without a channel: the tenant-wide presence (who is online in the app). */
    channel: channel.optional(),
    patch: presencePatch,
  }),
  z.object({
    type: z.literal('rpc'),
    id: messageId,
    method: z.string().min(1).max(64),
    params: z.unknown(),
  }),
]);
export type ClientMessage = z.infer<typeof clientMessage>;

/** The most pages a member lists (a person with more tabs than this is counted on the first ones, sorted). */
export const MAX_MEMBER_PAGES = 8;

export const member = z.object({
  userId: z.string(),
  name: z.string(),
  role: z.enum(['admin', 'sales', 'viewer']),
  status: presenceStatus,
  statusText: z.string().optional(),
  location: z.object({ page: z.string(), section: z.string().optional() }).nullable().optional(),
  /** Tenant-wide presence: the pages the person has open in any tab (sorted, at most 8); `location` is the newest tab's. */
  pages: z.array(z.string()).max(MAX_MEMBER_PAGES).optional(),
  activity: z.string().nullable().optional(),
  cursor: z.object({ x: z.number(), y: z.number(), field: z.string().optional() }).nullable().optional(),
  device: z.enum(['desktop', 'mobile', 'tablet', 'api']).optional(),
  connections: z.number().int().nonnegative(),
  updatedAt: z.number(),
});
export type Member = z.infer<typeof member>;

export const actor = z.object({ id: z.string(), name: z.string() });
export type Actor = z.infer<typeof actor>;

const errorBody = z.object({
  code: z.enum(errorCodeList),
  message: z.string(),
  details: z.unknown().optional(),
});
export type ErrorBody = z.infer<typeof errorBody>;

export const serverMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('welcome'),
    v: z.number(),
    connectionId: z.string(),
    nodeId: z.string(),
    user: z.object({
      id: z.string(),
      name: z.string(),
      role: z.enum(['admin', 'sales', 'viewer']),
      tenantId: z.string(),
    }),
    heartbeatMs: z.number(),
    limits: z.object({
      maxFrameBytes: z.number(),
      messagesPerSecond: z.number(),
      maxSubscriptions: z.number(),
    }),
  }),
  z.object({ type: z.literal('ping'), t: z.number() }),
  z.object({ type: z.literal('pong'), t: z.number(), serverTime: z.number() }),
  z.discriminatedUnion('ok', [
    z.object({ type: z.literal('ack'), id: z.string(), ok: z.literal(true), result: z.unknown().optional() }),
    z.object({ type: z.literal('ack'), id: z.string(), ok: z.literal(false), error: errorBody }),
  ]),
  z.object({
    type: z.literal('subscribed'),
    id: z.string(),
    channel,
    epoch: z.string(),
    /** The seq of the newest event the subscriber has after this message and the replay that follows it. */
    seq: z.number().int().nonnegative(),
    /** Present when `since` was given: true when every missed event follows, false when the client must refetch. */
    recovered: z.boolean().optional(),
    presence: z.array(member),
  }),
  z.object({ type: z.literal('unsubscribed'), channel, reason: z.enum(errorCodeList).optional() }),
  z.object({
    type: z.literal('event'),
    channel,
    epoch: z.string(),
    seq: z.number().int().positive(),
    event: z.string(),
    data: z.unknown(),
    actor: actor.optional(),
    ts: z.number(),
  }),
  z.object({
    type: z.literal('signal'),
    channel,
    event: z.string(),
    data: z.unknown(),
    actor,
    ts: z.number(),
  }),
  z.object({
    type: z.literal('presence'),
    /** Absent: the tenant-wide presence. */
    channel: channel.optional(),
    action: z.enum(['join', 'leave', 'update']),
    member,
  }),
  z.object({ type: z.literal('error'), error: errorBody, id: z.string().optional() }),
]);
export type ServerMessage = z.infer<typeof serverMessage>;
export type EventMessage = Extract<ServerMessage, { type: 'event' }>;
export type SignalMessage = Extract<ServerMessage, { type: 'signal' }>;
export type AckMessage = Extract<ServerMessage, { type: 'ack' }>;
