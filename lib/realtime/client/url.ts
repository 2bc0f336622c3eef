import { PROTOCOL_VERSION } from '../protocol/messages';

/** Query parameter carrying the client's protocol version in the WebSocket handshake. */
export const PROTOCOL_VERSION_PARAM = 'v';

/**
 * The absolute ws(s) URL for a configured one: relative paths ("/ws") resolve against the page (http -> ws,
 * https -> wss), and the protocol version is added so the server can refuse a client it does not speak to.
 */
export function resolveSocketUrl(url: string, base?: string): string {
  const resolved = new URL(url, base ?? 'ws://localhost');
  if (resolved.protocol === 'http:') resolved.protocol = 'ws:';
  else if (resolved.protocol === 'https:') resolved.protocol = 'wss:';
  if (!resolved.searchParams.has(PROTOCOL_VERSION_PARAM))
    resolved.searchParams.set(PROTOCOL_VERSION_PARAM, String(PROTOCOL_VERSION));
  return resolved.toString();
}
