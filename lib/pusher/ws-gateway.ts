import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../logger';
import type { OutFrame } from '../realtime/server/socket';
import { afterFlush, corkForTurn, wireOf } from '../realtime/server/wire';
import { originAllowed } from './config';
import type { PusherConnection, PusherSocket } from './connection';
import { type PusherCode, pusherCodes } from './errors';
import { SUPPORTED_PROTOCOLS, serverMessages } from './protocol';
import type { PusherServer } from './server';

export type PusherGateway = {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
};

/** Writes pre-built frames straight to the TCP socket, corked per turn of the event loop, as the hub's gateway does. */
class PusherWsSocket implements PusherSocket {
  #corked = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly tcp: Socket,
  ) {}

  send(frame: OutFrame): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (!this.#corked) {
      this.#corked = true;
      corkForTurn(this, false);
    }
    this.tcp.write(wireOf(frame, false));
  }

  cork(): void {
    this.tcp.cork();
  }

  uncork(): void {
    this.#corked = false;
    this.tcp.uncork();
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.close(code, reason);
    // A peer that does not answer the close handshake is cut off, counted from when the close frame has left
    // (behind a slow consumer's backlog); ws's own close timer bounds a peer that never reads again.
    afterFlush(this.tcp, () => setTimeout(() => this.ws.terminate(), 2000).unref());
  }

  bufferedAmount(): number {
    return this.tcp.writableLength;
  }

  ping(): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.ping();
  }
}

function text(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/**
 * The one place a `ws` socket becomes a Pusher connection: `/app/{key}?protocol=7…`. Refusals (unknown app,
 * bad path, unsupported protocol, origin) are sent after the upgrade, as pusher:error plus the close code, because
 * that is how Pusher clients learn whether to reconnect.
 */
export function createPusherGateway(options: {
  server: PusherServer;
  logger: Logger;
  maxPayload: number;
}): PusherGateway {
  const { server, logger } = options;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload,
    perMessageDeflate: false,
  });

  const refuse = (ws: WebSocket, code: PusherCode) => {
    ws.send(JSON.stringify(serverMessages.error(code.code, code.message)));
    ws.close(code.code, code.message);
  };

  const attach = (ws: WebSocket, req: IncomingMessage, tcp: Socket) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/app\/([^/]+)\/?$/.exec(url.pathname);
    if (!match?.[1]) return refuse(ws, pusherCodes.pathNotFound);
    const app = server.apps.byKey(decodeURIComponent(match[1]));
    if (!app) return refuse(ws, pusherCodes.appNotFound);
    const protocol = url.searchParams.get('protocol');
    if (protocol !== null && !SUPPORTED_PROTOCOLS.includes(Number(protocol)))
      return refuse(ws, pusherCodes.unsupportedProtocol);
    if (!originAllowed(app, req.headers.origin)) return refuse(ws, pusherCodes.originNotAllowed);

    // Frames that arrive while the app quota is checked wait here.
    const early: string[] = [];
    let connection: PusherConnection | null = null;
    let gone = false;
    ws.on('message', (data) => {
      if (connection) connection.receive(text(data));
      else early.push(text(data));
    });
    ws.on('ping', () => connection?.activity());
    ws.on('pong', () => connection?.activity());
    ws.on('error', (error) => logger.debug({ err: String(error) }, 'pusher socket error'));
    ws.on('close', () => {
      gone = true;
      connection?.socketClosed();
    });
    server
      .open(app, new PusherWsSocket(ws, tcp))
      .then((opened) => {
        if (!opened) return;
        connection = opened;
        if (gone) return opened.socketClosed();
        for (const frame of early.splice(0)) opened.receive(frame);
      })
      .catch((error: unknown) => {
        logger.warn({ err: String(error) }, 'pusher connection refused');
        refuse(ws, pusherCodes.overCapacity);
      });
  };

  return {
    handleUpgrade(req, socket, head) {
      socket.on('error', () => {});
      wss.handleUpgrade(req, socket, head, (ws) => attach(ws, req, socket as Socket));
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
