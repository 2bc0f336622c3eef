// `npm run bench:sync`: sustained sync edits committed and broadcast through the real server (issue 4, point 12):
// 10 editors on one order, and 100 orders with 2 editors each, on PGlite and on PostgreSQL, with ack latency
// percentiles. Each editor pushes in a closed loop (next push after the ack) over the real WebSocketClient.
import { eq } from 'drizzle-orm';
import type { Database } from '../../lib/db/create-db';
import { findUserForSignIn } from '../../lib/db/queries/users';
import { orders } from '../../lib/db/schema';
import { createRpcTransport } from '../../lib/realtime/client';
import { WebSocketClient } from '../../lib/realtime/client/websocket-client';
import type { RunningServer } from '../../lib/server/start';
import { loadSyncFixture } from '../../lib/sync/service/testing';
import type { ChangeResult } from '../../lib/sync/types';
import { sessionCookie, startRealtimeServer, wsUrl } from '../integration/realtime-helpers';
import { nodeSocket } from '../support/node-socket';

export type SyncBenchResult = {
  scenario: string;
  /** Group commit size limit the server ran with (1: each change in its own transaction). */
  maxBatch: number;
  database: string;
  editors: number;
  orders: number;
  seconds: number;
  committedPerSecond: number;
  broadcastPerSecond: number;
  rejected: number;
  ackP50: number;
  ackP99: number;
  broadcastP99: number;
  missingBroadcasts: number;
  /** CPU time of this process (server and bench clients) per committed edit: steadier than rates on a busy machine. */
  cpuMsPerEdit: number;
};

function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

/** Enough orders for the scenario: copies of a seeded order (bench setup only). */
async function ensureOrders(database: Database, tenantId: string, count: number): Promise<string[]> {
  const existing = await database.db.select().from(orders).where(eq(orders.tenantId, tenantId));
  const template = existing[0]!;
  for (let i = existing.length; i < count; i++) {
    await database.db.insert(orders).values({
      tenantId,
      number: `BENCH-${i}`,
      customerId: template.customerId,
      shippingAddress: template.shippingAddress,
      notes: '',
    });
  }
  const rows = await database.db.select({ id: orders.id }).from(orders).where(eq(orders.tenantId, tenantId));
  return rows.map((r) => r.id).slice(0, count);
}

export async function runSyncBench(
  database: Database,
  scenario: { name: string; orders: number; editorsPerOrder: number; seconds: number; maxBatch?: number },
): Promise<SyncBenchResult> {
  const server: RunningServer = await startRealtimeServer(database, {
    WS_MAX_CONNECTIONS_PER_USER: '1000',
    WS_MESSAGES_PER_SECOND: '100000',
    WS_BURST: '100000',
    ...(scenario.maxBatch ? { SYNC_MAX_BATCH: String(scenario.maxBatch) } : {}),
  });
  const fixture = await loadSyncFixture(database);
  const orderIds = await ensureOrders(database, fixture.tenantId, scenario.orders);
  const emails = ['anna@siam.example', 'napa@siam.example', 'admin@siam.example'];
  const cookies = await Promise.all(emails.map((e) => sessionCookie(database, e)));
  await Promise.all(emails.map((e) => findUserForSignIn(database.db, e)));

  type Editor = { client: WebSocketClient; orderId: string; version: number };
  const editors: Editor[] = [];
  const broadcastLatency: number[] = [];
  const received = new Map<string, Set<number>>();
  for (const [o, orderId] of orderIds.entries()) {
    for (let e = 0; e < scenario.editorsPerOrder; e++) {
      const cookie = cookies[(o + e) % cookies.length]!;
      const client = new WebSocketClient({
        url: wsUrl(server),
        createSocket: (url) => nodeSocket(url, cookie),
      });
      client.connect();
      const editor: Editor = { client, orderId, version: 0 };
      const transport = createRpcTransport(client);
      transport.subscribe(`order:${orderId}`, (event, data) => {
        if (event !== 'sync.change') return;
        const change = data as { version: number; at: number };
        editor.version = Math.max(editor.version, change.version);
        if (e === 0) {
          broadcastLatency.push(Date.now() - change.at);
          const seen = received.get(orderId) ?? new Set();
          seen.add(change.version);
          received.set(orderId, seen);
        }
      });
      editors.push(editor);
    }
  }
  for (const editor of editors) {
    while (editor.client.state.status !== 'open') await new Promise((r) => editor.client.on('state', r));
    const opened = await editor.client.rpc<{ version: number; doc: { lines: { id: string }[] } }>(
      'sync.open',
      {
        entityType: 'order',
        entityId: editor.orderId,
      },
    );
    editor.version = opened.version;
  }

  const latencies: number[] = [];
  const committed = new Map<string, number[]>();
  let rejected = 0;
  let seq = 0;
  const end = Date.now() + scenario.seconds * 1000;
  const started = Date.now();
  const cpuStart = process.cpuUsage();
  await Promise.all(
    editors.map(async (editor, i) => {
      while (Date.now() < end) {
        const t0 = performance.now();
        const reply = await editor.client.rpc<{ results: ChangeResult[] }>('sync.push', {
          entityType: 'order',
          entityId: editor.orderId,
          changes: [
            {
              clientChangeId: `b${i}-${++seq}`,
              baseVersion: editor.version,
              field: 'notes',
              op: { type: 'text', op: [`${i % 10}`] },
            },
          ],
        });
        latencies.push(performance.now() - t0);
        for (const result of reply.results) {
          if (result.status !== 'applied') rejected++;
          else {
            editor.version = Math.max(editor.version, result.version);
            const list = committed.get(editor.orderId) ?? [];
            list.push(result.version);
            committed.set(editor.orderId, list);
          }
        }
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const total = [...committed.values()].reduce((n, l) => n + l.length, 0);
  // Every committed version reaches the room (waiting for the tail of the broadcasts).
  const missing = () =>
    [...committed.entries()].reduce(
      (n, [orderId, versions]) => n + versions.filter((v) => !received.get(orderId)?.has(v)).length,
      0,
    );
  const deadline = Date.now() + 10_000;
  while (missing() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const deliveredTotal = [...received.values()].reduce((n, s) => n + s.size, 0) * scenario.editorsPerOrder;
  for (const editor of editors) editor.client.destroy();
  await server.close();
  return {
    scenario: scenario.name,
    maxBatch: scenario.maxBatch ?? 64,
    database: database.kind,
    editors: editors.length,
    orders: scenario.orders,
    seconds: Number(elapsed.toFixed(1)),
    committedPerSecond: Math.round(total / elapsed),
    broadcastPerSecond: Math.round(deliveredTotal / elapsed),
    rejected,
    ackP50: Number(percentile(latencies, 0.5).toFixed(1)),
    ackP99: Number(percentile(latencies, 0.99).toFixed(1)),
    broadcastP99: percentile(broadcastLatency, 0.99),
    missingBroadcasts: missing(),
    cpuMsPerEdit: Number(((cpu.user + cpu.system) / 1000 / Math.max(1, total)).toFixed(2)),
  };
}
