import type { ClientMessage } from '../protocol';
import type { Connection } from './connection';

export type SignalMessage = Extract<ClientMessage, { type: 'signal' }>;

const within = (value: unknown, min: number, max: number): value is string =>
  typeof value === 'string' && value.length >= min && value.length <= max;

/**
 * A `signal` frame checked by hand: the verdict `clientMessage` gives a signal (same limits; other fields are
 * ignored, as zod ignores them), without the discriminated union's cost on the busiest message there is. Undefined
 * for anything else, which then goes through `clientMessage` (and gets its error code there when it is invalid).
 */
export function asSignal(raw: unknown): SignalMessage | undefined {
  if (typeof raw !== 'object' || raw === null || !('type' in raw) || raw.type !== 'signal') return undefined;
  if (!('channel' in raw) || !within(raw.channel, 1, 100)) return undefined;
  if (!('event' in raw) || !within(raw.event, 1, 64)) return undefined;
  const id = 'id' in raw ? raw.id : undefined;
  if (id !== undefined && !within(id, 1, 64)) return undefined;
  const data = 'data' in raw ? raw.data : undefined;
  return id === undefined
    ? { type: 'signal', channel: raw.channel, event: raw.event, data }
    : { type: 'signal', id, channel: raw.channel, event: raw.event, data };
}

/** The connection's user as an event's actor, encoded once per user value (a rename makes a new user value). */
function actorOf(conn: Connection): string {
  if (conn.actorFor !== conn.user) {
    conn.actorFor = conn.user;
    conn.actorJson = JSON.stringify({ id: conn.user.id, name: conn.user.name });
  }
  return conn.actorJson;
}

/** Event names as JSON strings, remembered (bounded): a room's carets and typing use a handful of names. */
const eventJson = new Map<string, string>();

function eventOf(event: string): string {
  let json = eventJson.get(event);
  if (json === undefined) {
    json = JSON.stringify(event);
    if (eventJson.size >= 1000) eventJson.clear();
    eventJson.set(event, json);
  }
  return json;
}

/**
 * The frame every recipient gets: `{type:'signal', channel, event, data, actor, ts}`. The channel name is one that
 * parsed (letters, digits, `_`, `-` and one `:`), so it needs no escaping.
 */
export function signalText(conn: Connection, message: SignalMessage, ts: number): string {
  return (
    `{"type":"signal","channel":"${message.channel}","event":${eventOf(message.event)},` +
    `"data":${JSON.stringify(message.data ?? null)},"actor":${actorOf(conn)},"ts":${ts}}`
  );
}
