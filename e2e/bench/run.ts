// `npm run bench`: the production server (`npm start`'s process: dist/server.mjs with Next) against a raw `ws`
// broadcast baseline, measured interleaved in one run at normal priority; medians of BENCH_ROUNDS rounds.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { createSessionToken, sessionKey } from '../../lib/auth/session';
import { createDb } from '../../lib/db/create-db';
import { findUserForSignIn } from '../../lib/db/queries/users';
import { users } from '../../lib/db/schema';
import { seedIfEmpty } from '../../lib/db/seed';
import { deleteKeys } from '../integration/realtime-cluster-support';
import { postgresAvailable, redisAvailable, TEST_REDIS_URL } from '../support/services';
import { createTestDatabase } from '../support/test-db';
import type { LoadReply, PublishFrame } from './load';
import { type ServerProcess, startLoad, startServerProcess } from './processes';
import { openRaw } from './raw-client';

const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const SCALE = Number(process.env.BENCH_RATE_SCALE ?? 1);
const CONCURRENCY = 100;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const LOAD_PROCESSES = Math.max(1, Number(process.env.BENCH_LOAD_PROCESSES ?? 2));
const WARM_UP = 200;
/** The rooms case the target names: 5,000 clients in rooms of 10, each publishing 4 messages a second. */
const ROOMS = { clients: 5000, size: 10, perClient: 4 };

type Kind = 'baseline' | 'ours';
type Scenario =
  | { name: string; kind: 'fanout'; subscribers: number; rate: number; nodes: number }
  | {
      name: string;
      kind: 'rooms';
      clients: number;
      size: number;
      perClient: number;
      frame: 'signal' | 'publish';
    };

type Run = {
  delivered: number;
  expected: number;
  rate: number;
  p50: number;
  p99: number;
  connectRate: number;
  /** RSS of the server once started and idle (before any socket). */
  idleRss: number;
  /** Highest RSS of the server during the run. */
  peakRss: number;
  /** RSS added per open, subscribed connection. */
  rssPerConnection: number;
  /** Server CPU time per delivered message, in microseconds (robust when other processes share the cores). */
  cpuPerMessage: number;
  /** Server CPU time per connection opened (upgrade, session, user), in microseconds. */
  cpuPerConnection: number;
  /** The kernel's part of it (accept, reads, writes, the database's socket), in microseconds. */
  systemPerConnection: number;
  /** Server CPU time per subscription (answer, presence), in microseconds. */
  cpuPerSubscribe: number;
};

function percentile(sparse: number[], total: number, q: number): number {
  let seen = 0;
  for (let i = 0; i < sparse.length; i += 2) {
    seen += sparse[i + 1]!;
    if (seen >= total * q) return sparse[i]! * 0.05;
  }
  return Number.NaN;
}

/** Merges the load processes' sparse histograms ([bucket, count, …]) into one, sorted by bucket. */
function merge(histograms: number[][]): number[] {
  const counts = new Map<number, number>();
  for (const sparse of histograms)
    for (let i = 0; i < sparse.length; i += 2)
      counts.set(sparse[i]!, (counts.get(sparse[i]!) ?? 0) + sparse[i + 1]!);
  return [...counts].sort((a, b) => a[0] - b[0]).flat();
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

function medianRun(runs: Run[]): Run {
  const keys = Object.keys(runs[0]!) as (keyof Run)[];
  return Object.fromEntries(keys.map((key) => [key, median(runs.map((run) => run[key]))])) as Run;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (text: string) => process.stderr.write(`${text}\n`);
const loadFigures = () =>
  `load average ${os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' / ')} on ${os.cpus().length} CPUs`;

async function setupDatabase() {
  if (await postgresAvailable()) {
    const database = await createTestDatabase('postgres');
    return { database, url: database.databaseUrl, dir: undefined };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'osl-bench-'));
  const database = await createDb({ dataDir: path.join(dir, 'pglite') });
  await database.migrate();
  await seedIfEmpty(database.db);
  return { database: { ...database, drop: () => database.close() }, url: undefined, dir };
}

/** `count` distinct users (sales staff of the seeded tenant, so they may publish in rooms), each with a session. */
async function createSessions(
  database: Awaited<ReturnType<typeof setupDatabase>>['database'],
  count: number,
) {
  const admin = await findUserForSignIn(database.db, 'admin@siam.example');
  if (!admin) throw new Error('the seeded tenant is missing');
  const key = sessionKey(SECRET);
  const cookies: string[] = [];
  const stamp = Date.now().toString(36);
  for (let start = 0; start < count; start += 500) {
    const rows = Array.from({ length: Math.min(500, count - start) }, (_, i) => ({
      tenantId: admin.tenantId,
      email: `bench-${stamp}-${start + i}@bench.example`,
      name: `Bench ${start + i}`,
      role: 'sales' as const,
      passwordHash: 'not-a-password',
    }));
    const created = await database.db
      .insert(users)
      .values(rows)
      .returning({ id: users.id, tenantId: users.tenantId });
    for (const user of created)
      cookies.push(`osl_session=${(await createSessionToken(key, { ...user, sessionVersion: 1 }, 2)).token}`);
  }
  return cookies;
}

/** The baseline as one plain script (no loader in its process, like our bundled server), in a temporary folder. */
async function bundleBaseline(dir: string): Promise<string> {
  const outfile = path.join(dir, 'baseline-server.cjs');
  await build({
    entryPoints: ['e2e/bench/baseline-server.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    external: ['bufferutil', 'utf-8-validate'],
    logLevel: 'warning',
  });
  return outfile;
}

async function main() {
  const started = Date.now();
  const loadAtStart = loadFigures();
  if (process.env.BENCH_NO_BUILD !== '1') {
    // As `npm start` does: build the production app unless it is up to date.
    const built = spawnSync(process.execPath, ['--import', 'tsx', 'lib/build/build-if-changed.ts'], {
      stdio: 'inherit',
    });
    if (built.status !== 0) throw new Error('the production build failed');
  }
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'osl-bench-'));
  const { database, url, dir } = await setupDatabase();
  const load = startLoad(LOAD_PROCESSES);
  /** Server processes running now: stopped by an interrupt too. */
  const running = new Set<ServerProcess>();
  const prefix = `osl-bench-${Date.now().toString(36)}`;
  const redis = await redisAvailable();
  /** Removes everything the bench made; runs once, after the last scenario or on an interrupt. */
  let cleaned: Promise<void> | undefined;
  const cleanUp = () => {
    cleaned ??= removeAll();
    return cleaned;
  };
  async function removeAll(): Promise<void> {
    for (const server of running) await server.stop();
    await load.stop();
    if (redis) await deleteKeys(TEST_REDIS_URL, prefix);
    // Not swallowed: a database the bench cannot drop is an error to see.
    if (url) await database.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      log(`${signal}: stopping and removing what the bench made…`);
      void cleanUp().finally(() => process.exit(130));
    });

  try {
    const only = process.env.BENCH_ONLY;
    const fanOutSizes =
      only === 'fanout'
        ? [Number(process.env.BENCH_S ?? 1000)]
        : only === 'rooms'
          ? []
          : only === 'cluster'
            ? [5000]
            : [1000, 5000];
    const mostClients = Math.max(...fanOutSizes, only === 'fanout' || only === 'cluster' ? 0 : ROOMS.clients);
    log(`creating ${mostClients + WARM_UP} users with sessions…`);
    const allCookies = await createSessions(database, mostClients + WARM_UP);
    const warmCookies = allCookies.slice(0, WARM_UP);
    const cookies = allCookies.slice(WARM_UP);
    const publisher = (await findUserForSignIn(database.db, 'anna@siam.example'))!;
    const publisherCookie = `osl_session=${(await createSessionToken(sessionKey(SECRET), publisher, 2)).token}`;
    // Fan-out measures event delivery: its subscribers are the seeded tenant's four users, each with many sockets
    // (presence is per user, so a room of 5,000 distinct people would measure presence instead: every join goes
    // to every member and every subscribe answer lists them all). The rooms case has a user per socket.
    const fanOutCookies: string[] = [];
    for (const email of [
      'admin@siam.example',
      'anna@siam.example',
      'napa@siam.example',
      'viewer@siam.example',
    ]) {
      const user = (await findUserForSignIn(database.db, email))!;
      fanOutCookies.push(`osl_session=${(await createSessionToken(sessionKey(SECRET), user, 2)).token}`);
    }
    const actor = JSON.stringify({ id: publisher.id, name: publisher.name });
    if (!url) await database.close();
    const baselineScript = await bundleBaseline(scratch);
    const ourEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      SEED: 'false',
      SESSION_SECRET: SECRET,
      DATA_DIR: dir ?? path.join(scratch, 'data'),
      WS_MESSAGES_PER_SECOND: '1000000',
      WS_BURST: '1000000',
      WS_MAX_CONNECTIONS_PER_USER: '1000000',
      ...(url ? { DATABASE_URL: url } : {}),
      ...extra,
    });

    /** Splits `count` sockets over the load processes; `channel(i)` is socket i's channel, `cookie(i)` its session. */
    async function connectAll(
      server: ServerProcess,
      kind: Kind,
      count: number,
      channel: (i: number) => string,
      cookie: (i: number) => string,
      concurrency: number,
    ) {
      const share = Math.ceil(count / LOAD_PROCESSES);
      const replies = await load.all<Extract<LoadReply, { op: 'connected' }>>((index) => {
        const first = index * share;
        const own = Math.max(0, Math.min(share, count - first));
        const indices = Array.from({ length: own }, (_, i) => first + i);
        return {
          op: 'connect',
          port: server.port,
          path: kind === 'baseline' ? '/' : '/ws?v=1',
          cookies: kind === 'baseline' ? [''] : indices.map(cookie),
          count: own,
          concurrency: Math.max(1, Math.round(concurrency / LOAD_PROCESSES)),
          channels: indices.map(channel),
          protocol: kind,
        };
      }, 'connected');
      const failed = replies.reduce((sum, reply) => sum + reply.failed, 0);
      if (failed > 0) throw new Error(`${kind}: ${failed} connections failed`);
      const opened = server.probe();
      await load.all(() => ({ op: 'subscribe' }), 'subscribed');
      return { ms: Math.max(...replies.map((reply) => reply.ms)), opened };
    }

    async function report() {
      const replies = await load.all<Extract<LoadReply, { op: 'report' }>>(
        () => ({ op: 'report' }),
        'report',
      );
      return {
        received: replies.reduce((sum, reply) => sum + reply.received, 0),
        histogram: merge(replies.map((reply) => reply.histogram)),
      };
    }

    let runs = 0;
    async function measure(kind: Kind, scenario: Scenario): Promise<Run> {
      // Message ids of their own per run: over Redis the dedupe store outlives a run's servers, and would answer a
      // later run's `p0` as a retry of this one's.
      const tag = `${Date.now().toString(36)}r${++runs}`;
      const nodes = scenario.kind === 'fanout' ? scenario.nodes : 1;
      const servers: ServerProcess[] = [];
      for (let i = 0; i < nodes; i++) {
        const server =
          kind === 'baseline'
            ? await startServerProcess(baselineScript, {}, '/')
            : await startServerProcess(
                'dist/server.mjs',
                ourEnv(nodes > 1 ? { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix } : {}),
                '/api/health',
              );
        servers.push(server);
        running.add(server);
      }
      try {
        await sleep(1000);
        const idle = servers[0]!.probe();
        const clients = scenario.kind === 'fanout' ? scenario.subscribers : scenario.clients;
        const channel =
          scenario.kind === 'fanout'
            ? () => 'order:bench'
            : (i: number) => `order:r${Math.floor(i / scenario.size)}`;
        // Warm-up (JIT, caches, database pool) with other users than the measured ones, so each measured connection
        // is a session and a user the server has not seen.
        for (const server of servers) {
          await connectAll(server, kind, WARM_UP, channel, (i) => warmCookies[i]!, 20);
          await load.all(() => ({ op: 'close' }), 'closed');
        }
        await sleep(500);
        const before = servers[0]!.probe();
        const peak = servers[0]!.watchPeak();
        let connectMs = 0;
        let opened = before;
        const perNode = Math.ceil(clients / nodes);
        for (const [n, server] of servers.entries()) {
          const first = n * perNode;
          const connected = await connectAll(
            server,
            kind,
            Math.min(perNode, clients - first),
            (i) => channel(first + i),
            scenario.kind === 'fanout'
              ? (i) => fanOutCookies[i % fanOutCookies.length]!
              : (i) => cookies[first + i]!,
            CONCURRENCY,
          );
          connectMs += connected.ms;
          if (n === 0) opened = connected.opened;
        }
        const after = servers[0]!.probe();
        const openCpu = opened.cpuMicros - before.cpuMicros;
        const openSystem = opened.systemMicros - before.systemMicros;
        const subscribeCpu = after.cpuMicros - opened.cpuMicros;
        await load.all(() => ({ op: 'reset' }), 'report');
        const cpuBefore = servers.map((server) => server.probe().cpuMicros);
        const begin = performance.now();
        let expected: number;
        if (scenario.kind === 'fanout') {
          const socket = await openRaw(
            servers[0]!.port,
            kind === 'baseline' ? '/' : '/ws?v=1',
            kind === 'baseline' ? undefined : publisherCookie,
            () => {},
          );
          let sent = 0;
          await new Promise<void>((resolve) => {
            const timer = setInterval(() => {
              const elapsed = (performance.now() - begin) / 1000;
              const due = Math.min(Math.floor(scenario.rate * elapsed), Math.floor(scenario.rate * SECONDS));
              while (sent < due) {
                const t = performance.timeOrigin + performance.now();
                // The baseline broadcasts the very bytes our server sends (the same event envelope).
                socket.send(
                  kind === 'baseline'
                    ? `{"type":"event","channel":"order:bench","epoch":"bAsElInE","seq":${sent + 1},"event":"tick",` +
                        `"data":{"n":${sent},"t":${t}},"actor":${actor},"ts":${Math.floor(t)}}`
                    : `{"type":"publish","id":"${tag}-${sent}","channel":"order:bench","event":"tick","data":{"n":${sent},"t":${t}}}`,
                );
                sent++;
              }
              if (elapsed >= SECONDS) {
                clearInterval(timer);
                resolve();
              }
            }, 2);
          });
          socket.close();
          expected = sent * scenario.subscribers;
        } else {
          const frame: PublishFrame = kind === 'baseline' ? 'baseline' : scenario.frame;
          const published = await load.all<Extract<LoadReply, { op: 'published' }>>(
            (index) => ({
              op: 'publish',
              rate: scenario.perClient,
              seconds: SECONDS,
              frame,
              actor,
              tag: `${tag}l${index}`,
            }),
            'published',
          );
          const sent = published.reduce((sum, reply) => sum + reply.sent, 0);
          // A signal reaches the other members of the room; a durable publish every member, its sender too.
          expected = sent * (frame === 'publish' ? scenario.size : scenario.size - 1);
        }
        let result = await report();
        let lastChange = performance.now();
        let last = result.received;
        while (result.received < expected && performance.now() - lastChange < 1500) {
          await sleep(100);
          result = await report();
          if (result.received !== last) {
            last = result.received;
            lastChange = performance.now();
          }
        }
        const elapsed = Math.max(SECONDS, (lastChange - begin) / 1000);
        const cpu = servers.reduce((sum, server, i) => sum + server.probe().cpuMicros - cpuBefore[i]!, 0);
        const peakRss = peak();
        await load.all(() => ({ op: 'close' }), 'closed');
        return {
          delivered: result.received,
          expected,
          rate: result.received / elapsed,
          p50: percentile(result.histogram, result.received, 0.5),
          p99: percentile(result.histogram, result.received, 0.99),
          connectRate: clients / (connectMs / 1000),
          idleRss: idle.rss,
          peakRss,
          rssPerConnection: (after.rss - before.rss) / perNode,
          cpuPerMessage: cpu / Math.max(1, result.received),
          cpuPerConnection: openCpu / perNode,
          systemPerConnection: openSystem / perNode,
          cpuPerSubscribe: subscribeCpu / perNode,
        };
      } finally {
        await load.all(() => ({ op: 'close' }), 'closed');
        for (const server of servers) {
          await server.stop();
          running.delete(server);
        }
      }
    }

    /** ROUNDS interleaved rounds (baseline, then ours); the median of each figure. */
    async function compare(scenario: Scenario, kinds: Kind[] = ['baseline', 'ours']) {
      const runs: Record<Kind, Run[]> = { baseline: [], ours: [] };
      for (let round = 1; round <= ROUNDS; round++)
        for (const kind of kinds) {
          log(`${scenario.name}, round ${round}/${ROUNDS}: ${kind}… (${loadFigures()})`);
          runs[kind].push(await measure(kind, scenario));
        }
      return {
        base: runs.baseline.length ? medianRun(runs.baseline) : undefined,
        ours: runs.ours.length ? medianRun(runs.ours) : undefined,
      };
    }

    const rows: string[][] = [];
    const fmt = (n: number, digits = 0) =>
      Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : 'n/a';
    const ratio = (ours: number, base: number) => (base > 0 ? `${(ours / base).toFixed(2)}x` : 'n/a');
    const mb = (bytes: number) => fmt(bytes / 2 ** 20, 1);
    function trafficRows(label: string, base: Run, ours: Run, targets: { cpu?: string }) {
      rows.push([
        `${label} delivered msg/s`,
        fmt(base.rate),
        fmt(ours.rate),
        ratio(ours.rate, base.rate),
        '>= 0.8x',
      ]);
      rows.push([
        `${label} server CPU µs/delivery`,
        fmt(base.cpuPerMessage, 2),
        fmt(ours.cpuPerMessage, 2),
        ratio(ours.cpuPerMessage, base.cpuPerMessage),
        targets.cpu ?? '',
      ]);
      rows.push([`${label} p50 ms`, fmt(base.p50, 2), fmt(ours.p50, 2), ratio(ours.p50, base.p50), '']);
      rows.push([`${label} p99 ms`, fmt(base.p99, 2), fmt(ours.p99, 2), ratio(ours.p99, base.p99), '<= 2x']);
      rows.push([
        `${label} lost`,
        fmt(base.expected - base.delivered),
        fmt(ours.expected - ours.delivered),
        '',
        '0',
      ]);
    }
    function connectionRows(label: string, base: Run, ours: Run, users: string) {
      rows.push([
        `${label} connections/s (${CONCURRENCY} parallel, ${users})`,
        fmt(base.connectRate),
        fmt(ours.connectRate),
        ratio(ours.connectRate, base.connectRate),
        users === 'a user each' ? '>= 0.7x' : '',
      ]);
      rows.push([
        `${label} server CPU µs per connection opened`,
        fmt(base.cpuPerConnection),
        fmt(ours.cpuPerConnection),
        ratio(ours.cpuPerConnection, base.cpuPerConnection),
        '',
      ]);
      rows.push([
        `${label} of which system (kernel) µs`,
        fmt(base.systemPerConnection),
        fmt(ours.systemPerConnection),
        ratio(ours.systemPerConnection, base.systemPerConnection),
        '',
      ]);
      rows.push([
        `${label} server CPU µs per subscribe (with presence)`,
        fmt(base.cpuPerSubscribe),
        fmt(ours.cpuPerSubscribe),
        ratio(ours.cpuPerSubscribe, base.cpuPerSubscribe),
        '',
      ]);
      rows.push([
        `${label} RSS per connection KB`,
        fmt(base.rssPerConnection / 1024, 1),
        fmt(ours.rssPerConnection / 1024, 1),
        ratio(ours.rssPerConnection, base.rssPerConnection),
        '',
      ]);
      rows.push([
        `${label} peak RSS MB`,
        mb(base.peakRss),
        mb(ours.peakRss),
        ratio(ours.peakRss, base.peakRss),
        '',
      ]);
    }

    const idle: { base: number[]; ours: number[] } = { base: [], ours: [] };
    const oneNode: Record<number, Run> = {};
    for (const subscribers of fanOutSizes) {
      const rate = Math.round((subscribers === 1000 ? 500 : 100) * SCALE);
      const label = `fan-out S=${fmt(subscribers)} @${rate}/s`;
      const { base, ours } = await compare({ name: label, kind: 'fanout', subscribers, rate, nodes: 1 });
      trafficRows(label, base!, ours!, {});
      connectionRows(`S=${fmt(subscribers)}`, base!, ours!, '4 users');
      idle.base.push(base!.idleRss);
      idle.ours.push(ours!.idleRss);
      oneNode[subscribers] = ours!;
    }
    if (!only || only === 'rooms') {
      const label = `rooms ${fmt(ROOMS.clients)} clients x ${ROOMS.size}, ${ROOMS.perClient}/s each`;
      const rooms = { ...ROOMS, kind: 'rooms' as const };
      const { base, ours } = await compare({ ...rooms, name: `${label} (signal)`, frame: 'signal' });
      trafficRows(`${label} (signal)`, base!, ours!, { cpu: '<= 1.1x' });
      connectionRows(`rooms`, base!, ours!, 'a user each');
      idle.base.push(base!.idleRss);
      idle.ours.push(ours!.idleRss);
      if (process.env.BENCH_ROOMS_DURABLE === '1') {
        const durable = await compare({ ...rooms, name: `${label} (durable publish)`, frame: 'publish' }, [
          'ours',
        ]);
        trafficRows(`${label} (durable publish, ours only)`, base!, durable.ours!, {});
      }
    }
    if (idle.base.length)
      rows.push([
        'idle server RSS after start MB',
        mb(median(idle.base)),
        mb(median(idle.ours)),
        ratio(median(idle.ours), median(idle.base)),
        '',
      ]);
    if (only && only !== 'cluster') rows.push(['(BENCH_ONLY: other scenarios skipped)', '', '', '', '']);
    else if (redis && url) {
      const rate = Math.round(100 * SCALE);
      const one =
        oneNode[5000] ??
        (await compare({ name: 'one process', kind: 'fanout', subscribers: 5000, rate, nodes: 1 }, ['ours']))
          .ours!;
      const { ours: two } = await compare(
        { name: 'two processes over Redis, S=5000', kind: 'fanout', subscribers: 5000, rate, nodes: 2 },
        ['ours'],
      );
      rows.push([
        `2 procs/Redis vs 1 proc, S=5,000 @${rate}/s msg/s`,
        fmt(one.rate),
        fmt(two!.rate),
        ratio(two!.rate, one.rate),
        '>= 0.7x',
      ]);
      rows.push(['2 procs/Redis p99 ms (1 proc | 2 procs)', fmt(one.p99, 2), fmt(two!.p99, 2), '', '']);
      rows.push([
        '2 procs/Redis lost',
        fmt(one.expected - one.delivered),
        fmt(two!.expected - two!.delivered),
        '',
        '0',
      ]);
    } else rows.push(['2 procs over Redis', 'skipped (needs PostgreSQL and Redis)', '', '', '']);

    const header = ['measure', 'baseline (raw ws)', 'ours (npm start)', 'ratio', 'target'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: string[]) =>
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ');
    console.log(
      `\nOmni-Sales Live realtime benchmark: ${SECONDS}s per run, median of ${ROUNDS} interleaved rounds, ` +
        `${LOAD_PROCESSES} load processes, normal priority\nat start: ${loadAtStart}\nat end:   ${loadFigures()}`,
    );
    console.log(line(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
    for (const row of rows) console.log(line(row));
    console.log(
      `\nOurs is dist/server.mjs with Next (NODE_ENV=production), as \`npm start\` runs it; memory is the server ` +
        `process's RSS. (2 procs rows: the "baseline" column is our single process.) ` +
        `Total ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
  } finally {
    await cleanUp();
  }
  process.exit(0);
}

await main();
