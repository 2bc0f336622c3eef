// Fan-out through the Pusher endpoint (/app/{key}) compared with our own protocol (/ws), in the same run and on
// the same events: one domain event published through the hub reaches `products` on /ws and, via the bridge,
// `private-products.{tenant}` on /app/{key}. Usage: npm run bench:pusher [-- clients events]
import { type ChildProcess, spawn } from 'node:child_process';
import WebSocket from 'ws';
import { signChannel } from '../../lib/pusher/signatures';

const CLIENTS = Number(process.argv[2] ?? process.env.BENCH_CLIENTS ?? 300);
const EVENTS = Number(process.argv[3] ?? process.env.BENCH_EVENTS ?? 200);
const APP = { id: 'bench', key: 'bench-key', secret: 'bench-secret' };

type Ready = { op: 'ready'; port: number; token: string; tenantId: string };
type Protocol = 'ws' | 'pusher';
type Client = { socket: WebSocket; received: number; latencies: number[] };

function startChild(): { child: ChildProcess; ask<T>(message: object | null, op: string): Promise<T> } {
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', 'e2e/bench/pusher-fanout-server.ts'],
    {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        REDIS_URL: '',
        PUSHER_APP_ID: APP.id,
        PUSHER_APP_KEY: APP.key,
        PUSHER_APP_SECRET: APP.secret,
        WS_MAX_CONNECTIONS_PER_USER: String(CLIENTS * 4),
        WS_SLOW_CONSUMER_BYTES: String(64 * 1024 * 1024),
        WS_COMPRESSION_THRESHOLD: String(1024 * 1024),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const ask = <T>(message: object | null, op: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (reply: { op: string }) => {
        if (reply.op !== op) return;
        child.off('message', onMessage);
        resolve(reply as T);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
      if (message) child.send(message);
    });
  return { child, ask };
}

type Frame = Record<string, unknown>;

/**
 * Opens a socket whose frames go to `handler` from the very first one (a server may send its greeting in the
 * same TCP chunk as the upgrade answer, before an `open` listener could attach a message listener).
 */
function open(
  url: string,
  headers: Record<string, string>,
  handler: (frame: Frame) => void,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers, perMessageDeflate: false });
    socket.on('message', (data) => handler(JSON.parse(data.toString()) as Frame));
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Frames until a predicate is met, then every frame to the live handler. */
function frameRouter() {
  let waiting: { match: (frame: Frame) => boolean; resolve: (frame: Frame) => void } | null = null;
  const early: Frame[] = [];
  let live: ((frame: Frame) => void) | null = null;
  return {
    handler(frame: Frame) {
      if (live) return live(frame);
      if (waiting?.match(frame)) {
        const { resolve } = waiting;
        waiting = null;
        return resolve(frame);
      }
      early.push(frame);
    },
    next(match: (frame: Frame) => boolean): Promise<Frame> {
      const index = early.findIndex(match);
      if (index !== -1) return Promise.resolve(early.splice(index, 1)[0]!);
      return new Promise((resolve) => {
        waiting = { match, resolve };
      });
    },
    goLive(handler: (frame: Frame) => void) {
      live = handler;
    },
  };
}

async function connectWs(ready: Ready): Promise<Client> {
  const router = frameRouter();
  const socket = await open(
    `ws://127.0.0.1:${ready.port}/ws`,
    { cookie: `osl_session=${ready.token}` },
    router.handler,
  );
  await router.next((f) => f.type === 'welcome');
  socket.send(JSON.stringify({ type: 'subscribe', id: 's1', channel: 'products' }));
  await router.next((f) => f.type === 'subscribed');
  const client: Client = { socket, received: 0, latencies: [] };
  router.goLive((frame) => {
    if (frame.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
    if (frame.type !== 'event') return;
    client.received += 1;
    client.latencies.push(Date.now() - (frame.data as { t: number }).t);
  });
  return client;
}

async function connectPusher(ready: Ready): Promise<Client> {
  const router = frameRouter();
  const socket = await open(
    `ws://127.0.0.1:${ready.port}/app/${APP.key}?protocol=7&client=bench&version=1`,
    {},
    router.handler,
  );
  const established = await router.next((f) => f.event === 'pusher:connection_established');
  const socketId = (JSON.parse(established.data as string) as { socket_id: string }).socket_id;
  const channel = `private-products.${ready.tenantId}`;
  socket.send(
    JSON.stringify({
      event: 'pusher:subscribe',
      data: { channel, auth: signChannel(APP, socketId, channel) },
    }),
  );
  await router.next((f) => f.event === 'pusher_internal:subscription_succeeded');
  const client: Client = { socket, received: 0, latencies: [] };
  router.goLive((frame) => {
    if (frame.event === 'pusher:ping') socket.send('{"event":"pusher:pong","data":{}}');
    if (frame.event !== 'product.updated') return;
    client.received += 1;
    client.latencies.push(Date.now() - (JSON.parse(frame.data as string) as { t: number }).t);
  });
  return client;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function allReceived(groups: Client[][], expected: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (groups.some((clients) => clients.some((c) => c.received < expected))) {
    if (Date.now() > deadline) throw new Error('not every client received every event within 120 s');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

type Row = {
  phase: string;
  protocol: Protocol;
  deliveriesPerSecond: number;
  p50: number;
  p99: number;
  max: number;
};

function summarise(phase: string, protocol: Protocol, clients: Client[], elapsedMs: number): Row {
  const latencies = clients.flatMap((c) => c.latencies).sort((a, b) => a - b);
  return {
    phase,
    protocol,
    deliveriesPerSecond: Math.round((latencies.length / elapsedMs) * 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
  };
}

async function run(): Promise<void> {
  const server = startChild();
  const ready = await server.ask<Ready>(null, 'ready');
  const memory = () => server.ask<{ rss: number; heap: number }>({ op: 'memory' }, 'memory');
  const rows: Row[] = [];
  const perConnection: Record<Protocol, number> = { ws: 0, pusher: 0 };
  const connect: Record<Protocol, (ready: Ready) => Promise<Client>> = {
    ws: connectWs,
    pusher: connectPusher,
  };
  const publish = async (groups: Client[][]) => {
    for (const clients of groups)
      for (const client of clients) {
        client.received = 0;
        client.latencies = [];
      }
    const started = Date.now();
    await server.ask({ op: 'publish', count: EVENTS }, 'published');
    await allReceived(groups, EVENTS);
    return Date.now() - started;
  };

  try {
    const sets: Record<Protocol, Client[]> = { ws: [], pusher: [] };
    // Each protocol alone, then both at once on the same events.
    for (const protocol of ['ws', 'pusher'] as const) {
      const before = await memory();
      for (let i = 0; i < CLIENTS; i++) sets[protocol].push(await connect[protocol](ready));
      const after = await memory();
      perConnection[protocol] = Math.round((after.heap - before.heap) / CLIENTS);
      await publish([sets[protocol]]); // warm-up
      const elapsed = await publish([sets[protocol]]);
      rows.push(summarise('alone', protocol, sets[protocol], elapsed));
      if (protocol === 'ws') {
        for (const client of sets.ws) client.socket.close();
        sets.ws = [];
      }
    }
    for (let i = 0; i < CLIENTS; i++) sets.ws.push(await connect.ws(ready));
    const elapsed = await publish([sets.ws, sets.pusher]);
    rows.push(
      summarise('together', 'ws', sets.ws, elapsed),
      summarise('together', 'pusher', sets.pusher, elapsed),
    );
    for (const client of [...sets.ws, ...sets.pusher]) client.socket.close();
  } finally {
    server.child.kill('SIGTERM');
  }

  console.log(
    `\nPusher fan-out benchmark: ${CLIENTS} subscribers per protocol, ${EVENTS} events (hub publish)\n`,
  );
  console.table(
    rows
      .map((r) => ({ ...r, 'p50 ms': r.p50, 'p99 ms': r.p99, 'max ms': r.max }))
      .map(({ p50, p99, max, ...r }) => r),
  );
  const alone = (protocol: Protocol) => rows.find((r) => r.phase === 'alone' && r.protocol === protocol)!;
  console.log(
    `pusher / ws throughput ratio (alone): ${(alone('pusher').deliveriesPerSecond / alone('ws').deliveriesPerSecond).toFixed(2)}`,
  );
  console.log(`server heap per connection: ws ≈ ${perConnection.ws} B, pusher ≈ ${perConnection.pusher} B`);
}

await run();
