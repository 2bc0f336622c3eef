import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Env } from '../../env';
import type { Logger } from '../../logger';
import { closeCodes, PROTOCOL_VERSION } from '../protocol';
import type { HubUser } from './connection';
import type { Hub } from './hub';
import type { HubSocket, OutFrame } from './socket';
import { afterFlush, corkForTurn, wireOf } from './wire';

export type Authenticated = { user: HubUser; expiresAt: number; sessionVersion: number };

/** Why an upgrade has no user: the close code it is answered with (see `closeCodes`). */
export type AuthRefusal = 'unauthorized' | 'sessionExpired' | 'sessionRevoked' | 'deactivated';

export type Authentication = ({ ok: true } & Authenticated) | { ok: false; refusal: AuthRefusal };

/** How long a refused socket may take to answer the close frame before it is cut off. */
const REFUSED_CLOSE_TIMEOUT_MS = 1000;
/** How long a peer may take to answer our close frame once it has been sent. */
const CLOSE_HANDSHAKE_MS = 2000;

export type GatewayDeps = {
  env: Pick<Env, 'ALLOWED_ORIGINS' | 'WS_MAX_FRAME_BYTES' | 'WS_COMPRESSION_THRESHOLD'>;
  hub: Hub;
  logger: Logger;
  /**
   * The user behind the request's session cookie, or why there is none; synchronous when it can tell at once (a
   * cached session and user). Throws or rejects when it cannot tell (503).
   */
  authenticate(req: IncomingMessage): Authentication | Promise<Authentication>;
};

/**
 * Adapts one `ws` socket to the hub: writes pre-built frames straight to the TCP socket, corked per turn of the
 * event loop.
 */
class WsSocket implements HubSocket {
  private corked = false;
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly tcp: Socket,
    private readonly deflate: boolean,
    private readonly threshold: number,
  ) {}

  send(frame: OutFrame): void {
    // A peer that has gone (its socket ended before `ws` reported the close) is written nothing: a write would only
    // make an error (a mass disconnect sends presence leaves to every remaining member).
    if (this.closed || !this.tcp.writable) return;
    const wire = wireOf(frame, this.deflate && frame.text.length > this.threshold);
    if (!this.corked) {
      this.corked = true;
      corkForTurn(this, false);
    }
    this.tcp.write(wire);
  }

  cork(): void {
    this.tcp.cork();
  }

  uncork(): void {
    this.corked = false;
    this.tcp.uncork();
  }

  get bufferedAmount(): number {
    return this.tcp.writableLength;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.close(code, reason);
    // A peer that does not answer the close handshake is cut off. The close frame waits behind what the peer has
    // not read yet (a slow consumer's backlog), so the wait starts once it has left: a consumer that reads again
    // sees the close code (4009), not 1006. One that never reads is cut off by ws's own close timer (30 s).
    afterFlush(this.tcp, () => setTimeout(() => this.ws.terminate(), CLOSE_HANDSHAKE_MS).unref());
  }

  markClosed(): void {
    this.closed = true;
  }
}

function refuse(socket: Duplex, status: 403 | 503, code: string, message: string): void {
  const text = { 403: 'Forbidden', 503: 'Service Unavailable' }[status];
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** The protocol version the client asked for (`?v=`), or null when it did not say. */
function versionAsked(url: string | undefined): string | null {
  const query = url?.indexOf('?') ?? -1;
  return url && query !== -1 ? new URLSearchParams(url.slice(query + 1)).get('v') : null;
}

/** A browser's Origin must be the host it connected to or one of ALLOWED_ORIGINS; non-browser clients send none. */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: string[],
): boolean {
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * The only module that touches `ws`: the HTTP upgrade (origin, session, version) and the socket adapter.
 *
 * A missing, invalid or expired session is not refused with HTTP 401: a browser only reports 1006 for a refused
 * upgrade, and its client would retry forever. The upgrade is accepted and closed at once with `unauthorized`
 * (4001) or `sessionExpired` (4014), which the client treats as final. Such a socket never reaches the hub (no
 * connection, presence or subscription), negotiates no compression, ends on any data frame over 125 bytes and is
 * cut off if the close handshake does not come back promptly. A foreign Origin is still refused with HTTP 403 before
 * any upgrade.
 */
export function createGateway(deps: GatewayDeps) {
  const { env, hub, logger } = deps;
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: env.WS_MAX_FRAME_BYTES,
    perMessageDeflate: { serverNoContextTakeover: true, threshold: env.WS_COMPRESSION_THRESHOLD },
  });
  // Sockets opened only to be closed: no deflate context, and any data frame beyond a control frame's size ends them.
  const refusals = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: 125,
    perMessageDeflate: false,
  });

  function refuseOpen(req: IncomingMessage, socket: Duplex, head: Buffer, refusal: AuthRefusal): void {
    const { code, reason } = closeCodes[refusal];
    refusals.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => {});
      ws.close(code, reason);
      setTimeout(() => ws.terminate(), REFUSED_CLOSE_TIMEOUT_MS).unref();
    });
    logger.debug({ code }, 'upgrade without a session closed');
  }

  function attach(ws: WebSocket, tcp: Socket, auth: Authenticated, versionOk: boolean): void {
    if (!versionOk) {
      ws.close(closeCodes.unsupportedVersion.code, closeCodes.unsupportedVersion.reason);
      return;
    }
    tcp.setNoDelay(true);
    const deflate = ws.extensions.includes('permessage-deflate');
    const socket = new WsSocket(ws, tcp, deflate, env.WS_COMPRESSION_THRESHOLD);
    const conn = hub.connect(auth.user, socket, auth.expiresAt, auth.sessionVersion);
    if (!conn) return;
    ws.on('message', (data: Buffer, isBinary: boolean) => hub.receive(conn, isBinary ? '' : data.toString()));
    ws.on('pong', () => hub.alive(conn));
    ws.on('ping', () => hub.alive(conn));
    ws.on('error', (error: Error) =>
      logger.debug({ err: error.message, connection: conn.id }, 'socket error'),
    );
    logger.debug({ connection: conn.id, user: auth.user.id, tenant: auth.user.tenantId }, 'connected');
    ws.on('close', (code: number) => {
      socket.markClosed();
      hub.disconnected(conn);
      logger.debug({ connection: conn.id, code }, 'disconnected');
    });
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => {});
    if (!originAllowed(req.headers.origin, req.headers.host, env.ALLOWED_ORIGINS)) {
      refuse(socket, 403, 'FORBIDDEN', 'Origin not allowed');
      return;
    }
    let auth: Authentication | Promise<Authentication>;
    try {
      auth = deps.authenticate(req);
    } catch (error) {
      unavailable(socket, error);
      return;
    }
    // A storm of cached sessions and users is answered in the upgrade's own turn, with no promise per socket.
    if (!(auth instanceof Promise)) open(req, socket, head, auth);
    else
      auth.then(
        (answer) => open(req, socket, head, answer),
        (error: unknown) => unavailable(socket, error),
      );
  }

  function unavailable(socket: Duplex, error: unknown): void {
    logger.error({ err: (error as Error).message }, 'authentication failed');
    refuse(socket, 503, 'UNAVAILABLE', 'Service temporarily unavailable');
  }

  function open(req: IncomingMessage, socket: Duplex, head: Buffer, auth: Authentication): void {
    if (socket.destroyed) return;
    if (!auth.ok) {
      refuseOpen(req, socket, head, auth.refusal);
      return;
    }
    const authenticated: Authenticated = {
      user: auth.user,
      expiresAt: auth.expiresAt,
      sessionVersion: auth.sessionVersion,
    };
    const version = versionAsked(req.url);
    const versionOk = version === null || version === String(PROTOCOL_VERSION);
    // The 101 answer and the welcome leave in one write: `ws` writes the answer and calls back in the same turn, in
    // which the hub sends the welcome (one syscall fewer per connection in a connection storm).
    const tcp = socket as Socket;
    tcp.cork();
    try {
      wss.handleUpgrade(req, socket, head, (ws) => attach(ws, tcp, authenticated, versionOk));
    } finally {
      tcp.uncork();
    }
  }

  return {
    handleUpgrade,
    close: () => {
      wss.close();
      refusals.close();
    },
  };
}
