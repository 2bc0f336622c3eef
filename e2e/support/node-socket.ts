import { WebSocket } from 'ws';
import type { SocketLike } from '../../lib/realtime/client/environment';

/**
 * The client's socket interface over a Node `ws` socket (tests and tools that run the real client outside a
 * browser), signed in with a session cookie. An adapter, not a cast: text frames arrive as strings, as in a browser.
 */
export function nodeSocket(url: string, cookie: string, onCreate?: (socket: WebSocket) => void): SocketLike {
  const socket = new WebSocket(url, { headers: { cookie } });
  onCreate?.(socket);
  const adapter: SocketLike = {
    get readyState() {
      return socket.readyState;
    },
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
    send: (data) => socket.send(data),
    close: (code, reason) => socket.close(code, reason),
  };
  socket.on('open', () => adapter.onopen?.({}));
  socket.on('message', (data, isBinary) => adapter.onmessage?.({ data: isBinary ? data : data.toString() }));
  socket.on('close', (code, reason) => adapter.onclose?.({ code, reason: reason.toString() }));
  socket.on('error', (error) => adapter.onerror?.(error));
  return adapter;
}
