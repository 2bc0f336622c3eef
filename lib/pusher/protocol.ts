import { z } from 'zod';

/** Protocol versions whose wire format we speak (pusher-js sends 7). */
export const SUPPORTED_PROTOCOLS = [5, 6, 7];

/** Older clients send `data` as a JSON string; newer ones as an object. Both parse to the object. */
const jsonObject = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }, schema);

const channel = z.string().min(1).max(200);

export const subscribeData = z.object({
  channel,
  auth: z.string().max(512).optional(),
  /**
   * Presence: the JSON text the signature covers, `{"user_id": …, "user_info": …}`. Private channels may carry it
   * too (the signature then covers it, as the Pusher server libraries sign it when given data).
   */
  channel_data: z
    .string()
    .max(64 * 1024)
    .optional(),
});

export const pusherClientMessage = z.discriminatedUnion('event', [
  z.object({ event: z.literal('pusher:ping'), data: z.unknown().optional() }),
  z.object({ event: z.literal('pusher:pong'), data: z.unknown().optional() }),
  z.object({ event: z.literal('pusher:subscribe'), data: jsonObject(subscribeData) }),
  z.object({ event: z.literal('pusher:unsubscribe'), data: jsonObject(z.object({ channel })) }),
  z.object({
    event: z.literal('pusher:signin'),
    data: jsonObject(z.object({ auth: z.string().max(512), user_data: z.string().max(64 * 1024) })),
  }),
]);

export const clientEventMessage = z.object({
  event: z
    .string()
    .max(200)
    .regex(/^client-/),
  channel,
  data: z.unknown(),
});

export type ParsedFrame =
  | { ok: true; message: z.infer<typeof pusherClientMessage> }
  | { ok: true; message: { event: 'client'; name: string; channel: string; data: unknown } }
  | { ok: false; reason: string };

/** Parses one text frame at the edge; past this point nothing is `unknown` JSON. */
/** The least a frame must be to be answered: an object with an event name. */
const namedFrame = z.object({ event: z.string() });

export function parseFrame(text: string): ParsedFrame {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'Invalid JSON' };
  }
  const named = namedFrame.safeParse(raw);
  if (!named.success) return { ok: false, reason: 'Message must be an object with an event name' };
  const { event } = named.data;
  if (event.startsWith('client-')) {
    const result = clientEventMessage.safeParse(raw);
    if (!result.success)
      return { ok: false, reason: 'Client event needs a channel and a name under 200 characters' };
    return {
      ok: true,
      message: {
        event: 'client',
        name: result.data.event,
        channel: result.data.channel,
        data: result.data.data,
      },
    };
  }
  const result = pusherClientMessage.safeParse(raw);
  if (!result.success) {
    const known = pusherClientMessage.options.some((o) => o.shape.event.value === event);
    return { ok: false, reason: known ? `Invalid data for ${event}` : `Unsupported event ${event}` };
  }
  return { ok: true, message: result.data };
}

/**
 * Who a signature was issued to, when the signer says so (Omni-Sales' own auth endpoints do): the server then
 * re-checks the channel whenever that user's role, status or sessions change (lib/pusher/domain-grants.ts).
 */
export const grantSession = z.object({
  tenant: z.string().min(1).max(200),
  version: z.number().int(),
});

export const channelData = z.object({
  user_id: z.union([z.string().min(1).max(200), z.number()]).transform(String),
  user_info: z.unknown().optional(),
  session: grantSession.optional(),
});
export type ChannelData = z.infer<typeof channelData>;

export const userData = z.object({
  id: z.union([z.string().min(1).max(200), z.number()]).transform(String),
  user_info: z.unknown().optional(),
  watchlist: z.array(z.string()).optional(),
  session: grantSession.optional(),
});
export type UserData = z.infer<typeof userData>;

/** Parses the JSON text of channel_data / user_data; null when malformed. */
export function parseJsonText<T extends z.ZodType>(schema: T, text: string): z.infer<T> | null {
  try {
    const result = schema.safeParse(JSON.parse(text));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

/** A frame the server sends. `data` of pusher_internal / connection events is a JSON string, as the protocol says. */
export type PusherServerMessage = { event: string; channel?: string; data?: unknown; user_id?: string };

export const serverMessages = {
  connectionEstablished: (socketId: string, activityTimeout: number): PusherServerMessage => ({
    event: 'pusher:connection_established',
    data: JSON.stringify({ socket_id: socketId, activity_timeout: activityTimeout }),
  }),
  error: (code: number | null, message: string): PusherServerMessage => ({
    event: 'pusher:error',
    data: { code, message },
  }),
  ping: (): PusherServerMessage => ({ event: 'pusher:ping', data: {} }),
  pong: (): PusherServerMessage => ({ event: 'pusher:pong', data: {} }),
  subscriptionSucceeded: (channelName: string, presence?: PresenceSnapshot): PusherServerMessage => ({
    event: 'pusher_internal:subscription_succeeded',
    channel: channelName,
    data: JSON.stringify(presence ? { presence } : {}),
  }),
  subscriptionError: (
    channelName: string,
    type: 'AuthError' | 'LimitReached' | 'InvalidChannel' | 'SubscriptionLimit',
    error: string,
    status: number,
  ): PusherServerMessage => ({
    event: 'pusher:subscription_error',
    channel: channelName,
    data: { type, error, status },
  }),
  memberAdded: (channelName: string, userId: string, userInfo: unknown): PusherServerMessage => ({
    event: 'pusher_internal:member_added',
    channel: channelName,
    data: JSON.stringify({ user_id: userId, user_info: userInfo }),
  }),
  memberRemoved: (channelName: string, userId: string): PusherServerMessage => ({
    event: 'pusher_internal:member_removed',
    channel: channelName,
    data: JSON.stringify({ user_id: userId }),
  }),
  signinSuccess: (userDataText: string): PusherServerMessage => ({
    event: 'pusher:signin_success',
    data: { user_data: userDataText },
  }),
};

export type PresenceSnapshot = { ids: string[]; hash: Record<string, unknown>; count: number };
