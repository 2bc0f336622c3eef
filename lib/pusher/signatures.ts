import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 signatures exactly as Pusher computes them (hex, lower case). */
export function hmacHex(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data, 'utf8').digest('hex');
}

export function md5Hex(body: string | Buffer): string {
  return createHash('md5').update(body).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

type AppCredentials = { key: string; secret: string };

/** The string a channel auth signs: `socket_id:channel` and, on presence channels, `:channel_data`. */
function channelAuthString(socketId: string, channel: string, channelData?: string): string {
  return channelData === undefined ? `${socketId}:${channel}` : `${socketId}:${channel}:${channelData}`;
}

/** `key:signature`, the `auth` value a client sends in pusher:subscribe. */
export function signChannel(
  app: AppCredentials,
  socketId: string,
  channel: string,
  channelData?: string,
): string {
  return `${app.key}:${hmacHex(app.secret, channelAuthString(socketId, channel, channelData))}`;
}

export function verifyChannelAuth(
  app: AppCredentials,
  socketId: string,
  channel: string,
  auth: string | undefined,
  channelData?: string,
): boolean {
  if (!auth) return false;
  return safeEqual(auth, signChannel(app, socketId, channel, channelData));
}

/** `key:signature` over `socket_id::user::user_data`, the `auth` of pusher:signin. */
export function signUser(app: AppCredentials, socketId: string, userData: string): string {
  return `${app.key}:${hmacHex(app.secret, `${socketId}::user::${userData}`)}`;
}

export function verifyUserAuth(
  app: AppCredentials,
  socketId: string,
  auth: string,
  userData: string,
): boolean {
  return safeEqual(auth, signUser(app, socketId, userData));
}

/** X-Pusher-Signature of a webhook body. */
export function signWebhook(secret: string, body: string): string {
  return hmacHex(secret, body);
}

export type RequestToVerify = {
  method: string;
  path: string;
  /** Decoded query parameters (first value of each). */
  query: Record<string, string>;
  body: Buffer;
};

export type RequestVerdict = { ok: true } | { ok: false; status: 401 | 400; message: string };

/** Pusher rejects requests whose auth_timestamp is further than this from its clock. */
export const TIMESTAMP_TOLERANCE_SECONDS = 600;

/**
 * The Pusher HTTP API request signature: HMAC of `METHOD\nPATH\nsorted key=value&…` (every query parameter but
 * auth_signature, keys lower-cased), with auth_key, a fresh auth_timestamp, auth_version 1.0 and, when there is
 * a body, body_md5.
 */
export function verifyRequest(app: AppCredentials, request: RequestToVerify, nowMs: number): RequestVerdict {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.query)) params[key.toLowerCase()] = value;
  const signature = params.auth_signature;
  if (!params.auth_key || !params.auth_timestamp || !signature)
    return { ok: false, status: 401, message: 'Missing auth_key, auth_timestamp or auth_signature' };
  if (params.auth_key !== app.key) return { ok: false, status: 401, message: 'Unknown auth_key' };
  if (params.auth_version !== undefined && params.auth_version !== '1.0')
    return { ok: false, status: 401, message: 'Unsupported auth_version' };
  const timestamp = Number(params.auth_timestamp);
  if (!Number.isFinite(timestamp) || Math.abs(nowMs / 1000 - timestamp) > TIMESTAMP_TOLERANCE_SECONDS)
    return { ok: false, status: 401, message: 'Timestamp expired: auth_timestamp must be within 600 s' };
  if (request.body.length > 0) {
    if (!params.body_md5) return { ok: false, status: 401, message: 'Missing body_md5' };
    if (!safeEqual(params.body_md5, md5Hex(request.body)))
      return { ok: false, status: 401, message: 'body_md5 does not match the body' };
  }
  delete params.auth_signature;
  const sorted = Object.keys(params)
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
  const expected = hmacHex(app.secret, [request.method.toUpperCase(), request.path, sorted].join('\n'));
  if (!safeEqual(signature, expected)) return { ok: false, status: 401, message: 'Invalid signature' };
  return { ok: true };
}
