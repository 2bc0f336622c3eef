import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Database } from '../db/create-db';
import type { Env } from '../env';
import { createApp } from './app';
import { announceListening } from './ready';
import type { Services } from './services';

export type StartOptions = {
  env: Env;
  /** Serve the Next app too (false in integration tests of the realtime layer and the API-less benchmarks). */
  withNext: boolean;
  /** Use this database instead of creating one from the environment (tests). */
  database?: Database;
};

export type RunningServer = {
  port: number;
  url: string;
  services: Services;
  close(): Promise<void>;
};

/** Puts the app (lib/server/app.ts) and, optionally, Next onto one HTTP server. server.ts and tests call it. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { env } = options;
  const app = await createApp(env, options.database ? { database: options.database } : {});
  const { services } = app;
  const { logger, database } = services;

  const dev = env.NODE_ENV !== 'production';
  // Next attaches its own upgrade listener to the server it is given; a decoy that never listens keeps it away
  // from /ws while dev hot reload upgrades are re-emitted on it. Next is created once the real port is known
  // (PORT=0 picks one), because it uses the port for its own internal requests.
  const decoy = http.createServer();
  let nextHandler: http.RequestListener | undefined;
  let markNextReady: () => void = () => {};
  const nextReady = new Promise<void>((resolve) => {
    markNextReady = resolve;
  });
  const handleWithNext: http.RequestListener = (req, res) => {
    if (nextHandler) return nextHandler(req, res);
    void nextReady.then(() => nextHandler?.(req, res));
  };

  const server = http.createServer((req, res) => {
    if (app.handleHttp(req, res)) return;
    if (options.withNext) return handleWithNext(req, res);
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'Not found' } }));
  });
  // An idle keep-alive connection is kept a minute (Node's default is 5 s). A client that reuses one just as
  // the server closes it gets ECONNRESET on a request the server never read: a busy browser test's POST between
  // two API calls 5 s apart failed so in CI. Clients and proxies close idle connections well before a minute;
  // close() ends them all at once.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('upgrade', (req, socket, head) => {
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    if (app.handleUpgrade(req, socket, head)) return;
    if (dev && options.withNext && pathname.startsWith('/_next/')) {
      decoy.emit('upgrade', req, socket, head);
      return;
    }
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.PORT, env.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostname = env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST;
  const url = `http://${hostname}:${port}`;
  if (options.withNext) {
    const { default: next } = await import('next');
    const nextApp = next({ dev, dir: process.cwd(), hostname, port, httpServer: decoy });
    await nextApp.prepare();
    const handle = nextApp.getRequestHandler();
    nextHandler = (req, res) => void handle(req, res);
    markNextReady();
  }
  announceListening(logger, { port, url, database: database.kind, dev }, process.stdout);

  let closing: Promise<void> | undefined;
  const close = () => {
    server.close();
    closing ??= app.close(() => server.closeAllConnections());
    return closing;
  };
  return { port, url, services, close };
}
