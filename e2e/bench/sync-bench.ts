// `npm run bench:sync` measurements (sync-run.ts picks the scenarios): sync edits committed and broadcast by real
// server nodes, each in its own process (sync-server.ts) so their CPU is read alone, against raw WebSocket editors
// in this process. Every edit is one keystroke: a character typed into an order's notes (an OT text op).
//   closed    each editor pushes its next edit when the last one is acknowledged;
//   open      edits are sent on a fixed schedule at an offered rate whatever the acks do, and latency is counted
//             from the scheduled send time, so queueing is not hidden by a slowed-down sender;
//   keystroke 5 people on one order, each typing a character every 100 ms: time until the other 4 have it;
//   nodes: 2  each order's two editors on different nodes (PostgreSQL + Redis).
// After each run: every committed version reached every editor of its order exactly once and in version order,
// and (PostgreSQL) the history holds each acknowledged change once, at its version, with no gap.
import os from 'node:os';
import { Redis } from 'ioredis';
import pg from 'pg';
import { z } from 'zod';
import { createSessionToken, sessionKey } from '../../lib/auth/session';
import { TEST_POSTGRES_URL, TEST_REDIS_URL } from '../support/services';
import { type MachineCost, type MachineReading, machineCost, readMachine } from './machine-cpu';
import type { BenchDatabases, BenchFixture, DbKind, ScenarioDatabase } from './sync-db';
import { type PushReply, RETRYABLE, retryDelay, SyncEditor } from './sync-editor';
import { type ServerStats, SyncNode, serverCost } from './sync-process';

const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
/** How long the bench waits for broadcasts still on their way after the load stopped. */
const BROADCAST_WAIT_MS = 10_000;

export type SyncBenchResult = {
  mode: 'closed' | 'open' | 'keystroke';
  scenario: string;
  database: DbKind;
  nodes: number;
  /**
   * `baseline`: the per-change path, each change in its own transaction (SYNC_ORDER_LOG=off, SYNC_MAX_BATCH=1);
   * `default`: the server's defaults (and any SYNC_* setting in the bench's environment).
   */
  config: 'baseline' | 'default';
  /** The SYNC_* settings the nodes were given (overrides and the bench's environment); the rest are defaults. */
  settings: Record<string, string>;
  editors: number;
  orders: number;
  /** Length of the measured window, which opens after a warm-up under the same load. */
  seconds: number;
  /** Open loop and keystroke: edits per second sent on schedule. */
  offeredPerSecond?: number;
  /** Edits whose applied ack arrived within the window, per second of it. */
  committedPerSecond: number;
  committed: number;
  /**
   * Closed: from send to ack. Open and keystroke: from the scheduled send time to the ack (retries included). A push
   * still unanswered `drainSeconds` after the window counts at that lower bound (so with `missingAcks` > 0 the
   * percentiles are lower bounds).
   */
  ackP50: number;
  ackP95: number;
  ackP99: number;
  ackMax: number;
  /** Commit time on the server (`at`) to arrival at an editor of the order, this machine's clock. */
  broadcastP99: number;
  /** Changes answered `rejected` or `conflict`. */
  rejected: number;
  /** Refusals of whole pushes with RATE_LIMITED or UNAVAILABLE, each retried after its retryAfterMs (or 50 ms). */
  refused: number;
  /** Pushes refused at least once. */
  refusedPushes: number;
  /** Pushes that failed otherwise (other error codes, unreadable answers, a closed connection). */
  failed: number;
  failedCodes: Record<string, number>;
  /** Measured pushes without an answer `drainSeconds` after the window closed. */
  missingAcks: number;
  drainSeconds: number;
  /** Open loop: how late this process sent pushes against their schedule (p99, ms): high means the bench lagged. */
  sendLagP99?: number;
  /** (editor, committed version) pairs never delivered to that editor of the order. */
  missingBroadcasts: number;
  duplicateBroadcasts: number;
  /** Deliveries of a version after a higher one on the same editor. */
  reorderedBroadcasts: number;
  /** PostgreSQL: acknowledged changes absent from the history at their version, ids recorded twice, version gaps. */
  historyLost?: number;
  historyDuplicated?: number;
  historyGaps?: number;
  /**
   * Keystroke: from the scheduled keystroke to its arrival at each other editor (ms); one never received (by the end
   * of the broadcast wait) counts at its lower bound and in `keystrokeMissing`.
   */
  keystrokeP50?: number;
  keystrokeP99?: number;
  keystrokeMax?: number;
  keystrokeMissing?: number;
  /** CPU (user + system) of the server node processes (summed over nodes) in the window per edit committed in it. */
  serverCpuMsPerEdit: number;
  /** Each node's share of that (in node order): the busiest bounds the rate when every node has a core of its own. */
  nodeCpuMsPerEdit: number[];
  /** CPU of this process (the editors) per committed edit, for context. */
  benchCpuMsPerEdit: number;
  /** SQL statements (BEGIN and COMMIT included) and transactions the server processes ran, per committed edit. */
  statementsPerEdit: number;
  transactionsPerEdit: number;
  statementsByKind: Record<string, number>;
  /** PostgreSQL: pg_stat_database xact_commit of the run's database over the window, per committed edit. */
  pgTransactionsPerEdit?: number;
  /** The whole machine over the window (Linux): how busy it was, and where its CPU went per edit. */
  machine?: MachineCost;
  load1AtStart: number;
};

/** The baseline's settings: the per-change path, group commit off. */
export const BASELINE_SETTINGS = { SYNC_ORDER_LOG: 'off', SYNC_MAX_BATCH: '1' };

export type RunOptions = {
  databases: BenchDatabases;
  kind: DbKind;
  baseline: boolean;
  nodes?: 1 | 2;
  /** Nodes talk through the test Redis (always with 2 nodes). */
  redis?: boolean;
};

function percentiles(values: number[]) {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) =>
    sorted.length === 0
      ? 0
      : Number(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!.toFixed(1));
  return {
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted.length === 0 ? 0 : Number(sorted[sorted.length - 1]!.toFixed(1)),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Latencies of measured requests. One still unanswered when `close` is called counts at its lower bound (from its
 * start to then) rather than not at all, so percentiles with `missing > 0` are lower bounds, never flattered.
 */
class Latencies {
  private readonly values: number[] = [];
  private readonly open = new Map<number, number>();
  private counter = 0;
  missing = 0;

  begin(start: number): number {
    this.open.set(++this.counter, start);
    return this.counter;
  }

  end(token: number, at: number): void {
    const start = this.open.get(token);
    if (start === undefined) return;
    this.open.delete(token);
    this.values.push(at - start);
  }

  /** Adds a latency measured elsewhere (or a lower bound, counted as missing). */
  add(value: number, missing = false): void {
    this.values.push(value);
    if (missing) this.missing++;
  }

  get outstanding(): number {
    return this.open.size;
  }

  close(at: number): void {
    this.missing += this.open.size;
    for (const start of this.open.values()) this.values.push(at - start);
    this.open.clear();
  }

  percentiles() {
    return percentiles(this.values);
  }

  /** The ack figures every scenario reports (with answers never received counted at their lower bound). */
  ackFigures() {
    const ack = this.percentiles();
    return { ackP50: ack.p50, ackP95: ack.p95, ackP99: ack.p99, ackMax: ack.max, missingAcks: this.missing };
  }
}

async function waitFor(done: () => boolean, deadline: number): Promise<void> {
  while (!done() && performance.now() < deadline) await sleep(20);
}

/** Deletes a run's Redis keys; any left afterwards is a cleanup failure. */
async function deleteRedisKeys(prefix: string): Promise<number> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
  redis.on('error', () => {});
  await redis.connect();
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    return (await redis.keys(`${prefix}:*`)).length;
  } finally {
    redis.disconnect();
  }
}

const xactRow = z.object({ xact_commit: z.coerce.number() });

/**
 * pg_stat_database's committed transactions of one database. Each connection flushes its counters when it goes
 * idle at most once a second, so under steady load a reading lags by up to about a second of work; both ends of
 * the window are read under load (after a warm-up), so the lag is about the same at both.
 */
async function xactCommit(client: pg.Client, name: string): Promise<number> {
  const { rows } = await client.query('SELECT xact_commit FROM pg_stat_database WHERE datname = $1', [name]);
  return xactRow.parse(rows[0]).xact_commit;
}

const historyRow = z.object({
  entity_id: z.string(),
  version: z.number().int(),
  client_change_id: z.string(),
});

type Commit = { orderId: string; version: number; clientChangeId: string };
type Mark = {
  stats: ServerStats[];
  bench: NodeJS.CpuUsage;
  xact: number | undefined;
  machine: MachineReading | null;
};
type Window = {
  start: number;
  end: number;
  seconds: number;
  contains(t: number): boolean;
  /** Server CPU, statements and transactions between the two marks, per edit committed in the window. */
  cost(committed: number): Promise<
    ReturnType<typeof serverCost> & {
      benchCpuMsPerEdit: number;
      pgTransactionsPerEdit?: number;
      machine?: MachineCost;
    }
  >;
};

/** The history of the run's orders against the acknowledged changes: lost, recorded twice, gaps. */
async function checkHistory(url: string, startVersions: Map<string, number>, commits: Commit[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT entity_id, version, client_change_id FROM entity_changes
       WHERE entity_type = 'order' AND entity_id = ANY($1::uuid[])`,
      [[...startVersions.keys()]],
    );
    const history = z.array(historyRow).parse(rows);
    const byOrder = new Map<string, Map<number, string>>();
    const ids = new Map<string, number>();
    for (const row of history) {
      if (row.version <= (startVersions.get(row.entity_id) ?? 0)) continue;
      const versions = byOrder.get(row.entity_id) ?? new Map<number, string>();
      versions.set(row.version, row.client_change_id);
      byOrder.set(row.entity_id, versions);
      const key = `${row.entity_id}/${row.client_change_id}`;
      ids.set(key, (ids.get(key) ?? 0) + 1);
    }
    let lost = 0;
    for (const commit of commits)
      if (byOrder.get(commit.orderId)?.get(commit.version) !== commit.clientChangeId) lost++;
    let gaps = 0;
    for (const [orderId, versions] of byOrder) {
      const start = startVersions.get(orderId) ?? 0;
      const top = Math.max(...versions.keys());
      gaps += top - start - versions.size;
    }
    const duplicated = [...ids.values()].reduce((n, c) => n + (c > 1 ? c - 1 : 0), 0);
    return { lost, duplicated, gaps };
  } finally {
    await client.end();
  }
}

/** The server nodes of one run on a fresh copy of the template, and its editors. */
class Run {
  readonly editors: SyncEditor[][] = [];
  nodes: SyncNode[] = [];
  database: ScenarioDatabase | undefined;
  redisPrefix: string | undefined;
  readonly startVersions = new Map<string, number>();
  readonly commits: Commit[] = [];
  readonly failedCodes: Record<string, number> = {};
  rejected = 0;
  refused = 0;
  refusedPushes = 0;
  failed = 0;
  cleanupFailures: string[] = [];
  settings: Record<string, string> = {};
  /** The measurement ended: answers still arriving are neither recorded nor retried. */
  over = false;
  /** PostgreSQL: a connection to the test database for pg_stat_database readings. */
  private statsClient: pg.Client | undefined;

  constructor(readonly options: RunOptions) {}

  async start(): Promise<BenchFixture> {
    const { databases, kind, baseline } = this.options;
    const fixture = await databases.fixture(kind);
    this.database = await databases.create(kind);
    const nodes = this.options.nodes ?? 1;
    const redis = nodes > 1 || this.options.redis === true;
    if (redis) this.redisPrefix = `oslbench-sync-${databases.runId}-${this.database.name}`;
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      SEED: 'false',
      SESSION_SECRET: SECRET,
      DATABASE_URL: '',
      REDIS_URL: '',
      WS_MAX_CONNECTIONS_PER_USER: '1000',
      WS_MESSAGES_PER_SECOND: '100000',
      WS_BURST: '100000',
      ...(baseline ? BASELINE_SETTINGS : {}),
      ...this.database.env,
      ...(this.redisPrefix ? { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: this.redisPrefix } : {}),
    };
    phase('database copied');
    this.settings = Object.fromEntries(
      Object.entries({ ...process.env, ...env }).filter(
        (entry): entry is [string, string] =>
          entry[0].startsWith('SYNC_') && !entry[0].startsWith('SYNC_BENCH_') && typeof entry[1] === 'string',
      ),
    );
    for (let i = 0; i < nodes; i++) this.nodes.push(await SyncNode.start(env));
    phase('nodes started');
    if (kind === 'postgres') {
      this.statsClient = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await this.statsClient.connect();
    }
    return fixture;
  }

  /** Opens `perOrder` editors on each of the first `orders` orders; editor e of an order is on node e mod nodes. */
  async openEditors(fixture: BenchFixture, orders: number, perOrder: number): Promise<void> {
    const key = sessionKey(SECRET);
    const cookies = await Promise.all(
      fixture.editors.map(
        async (person) => `osl_session=${(await createSessionToken(key, person, 2)).token}`,
      ),
    );
    const pending: Promise<void>[] = [];
    for (let o = 0; o < orders; o++) {
      const orderId = fixture.orderIds[o]!;
      const row: SyncEditor[] = [];
      this.editors.push(row);
      for (let e = 0; e < perOrder; e++) {
        const node = this.nodes[e % this.nodes.length]!;
        const cookie = cookies[(o + e) % cookies.length]!;
        pending.push(
          SyncEditor.connect(node.port, cookie, `o${o}e${e}`, orderId).then(async (editor) => {
            row[e] = editor;
            await editor.open();
          }),
        );
        if (pending.length >= 20) await Promise.all(pending.splice(0));
      }
    }
    await Promise.all(pending);
    phase('editors opened');
    for (const row of this.editors) {
      const first = row[0]!;
      this.startVersions.set(first.orderId, Math.min(...row.map((e) => e.version)));
    }
  }

  get flat(): SyncEditor[] {
    return this.editors.flat();
  }

  /** The nodes' CPU and statement counters, this process's CPU and (PostgreSQL) xact_commit, now. */
  async mark(): Promise<Mark> {
    const bench = process.cpuUsage();
    const machine = readMachine();
    const [stats, xact] = await Promise.all([
      Promise.all(this.nodes.map((n) => n.stats())),
      this.statsClient && this.database ? xactCommit(this.statsClient, this.database.name) : undefined,
    ]);
    return { stats, bench, xact, machine };
  }

  /** A measured window of `seconds` that opens after `warmupSeconds` from now; marks read at both ends. */
  window(warmupSeconds: number, seconds: number): Window {
    const start = performance.now() + warmupSeconds * 1000;
    const end = start + seconds * 1000;
    const at = (t: number) => sleep(Math.max(0, t - performance.now())).then(() => this.mark());
    const first = at(start);
    const last = at(end);
    return {
      start,
      end,
      seconds,
      contains: (t) => t >= start && t < end,
      async cost(committed: number) {
        const [a, b] = await Promise.all([first, last]);
        const bench = (b.bench.user + b.bench.system - a.bench.user - a.bench.system) / 1000;
        const per = (n: number, digits: number) => Number((n / Math.max(1, committed)).toFixed(digits));
        const machine = machineCost(a.machine, b.machine, committed);
        return {
          ...serverCost(a.stats, b.stats, committed),
          benchCpuMsPerEdit: per(bench, 3),
          ...(machine ? { machine } : {}),
          ...(a.xact !== undefined && b.xact !== undefined
            ? { pgTransactionsPerEdit: per(b.xact - a.xact, 2) }
            : {}),
        };
      },
    };
  }

  /**
   * Records a push's final answer (after retries): its commits always (the checks need every one), its refusals and
   * failures when it was measured. Nothing is recorded once the run is `over` (its editors about to close).
   */
  record(editor: SyncEditor, reply: PushReply, measured: boolean): number {
    if (this.over) return 0;
    const count = (code: string) => {
      if (measured) this.failedCodes[code] = (this.failedCodes[code] ?? 0) + 1;
    };
    if (!reply.ok) {
      if (measured) this.failed++;
      count(reply.code);
      return 0;
    }
    let applied = 0;
    for (const result of reply.results) {
      if (result.status === 'applied') {
        applied++;
        this.commits.push({
          orderId: editor.orderId,
          version: result.version,
          clientChangeId: result.clientChangeId,
        });
      } else {
        if (measured) this.rejected++;
        count(`result ${result.status === 'rejected' ? result.code : 'CONFLICT'}`);
      }
    }
    return applied;
  }

  /**
   * Pushes one keystroke until it is answered with something other than a retryable refusal (RATE_LIMITED or
   * UNAVAILABLE: sent again, same change id, after the `retryAfterMs` it names or 50 ms); gives up once `over`.
   */
  async pushWithRetry(
    editor: SyncEditor,
    clientChangeId: string,
    character: string,
    measured: boolean,
  ): Promise<PushReply> {
    for (let attempt = 0; ; attempt++) {
      const reply = await editor.push(clientChangeId, character);
      if (reply.ok || !RETRYABLE.has(reply.code) || this.over) return reply;
      if (measured) this.refused++;
      if (measured && attempt === 0) this.refusedPushes++;
      await sleep(retryDelay(reply.details));
    }
  }

  /** Waits for the broadcasts of every committed version, then counts what each editor missed or got twice. */
  async broadcasts() {
    this.over = true;
    const expected = new Map<string, Set<number>>();
    for (const commit of this.commits) {
      const set = expected.get(commit.orderId) ?? new Set<number>();
      set.add(commit.version);
      expected.set(commit.orderId, set);
    }
    const missing = () => {
      let n = 0;
      for (const editor of this.flat) {
        const want = expected.get(editor.orderId);
        if (!want) continue;
        const got = new Set(editor.received);
        for (const v of want) if (!got.has(v)) n++;
      }
      return n;
    };
    phase('load done');
    await waitFor(() => missing() === 0, performance.now() + BROADCAST_WAIT_MS);
    phase('broadcasts checked');
    let duplicate = 0;
    let reordered = 0;
    for (const editor of this.flat) {
      const seen = new Set<number>();
      let top = 0;
      for (const v of editor.received) {
        if (seen.has(v)) duplicate++;
        else if (v < top) reordered++;
        seen.add(v);
        top = Math.max(top, v);
      }
    }
    return { missingBroadcasts: missing(), duplicateBroadcasts: duplicate, reorderedBroadcasts: reordered };
  }

  /** Stops editors and nodes and checks the history (PostgreSQL). */
  async finish() {
    for (const editor of this.flat) editor.close();
    await Promise.all(this.nodes.map((n) => n.stop()));
    const database = this.database;
    if (database?.kind !== 'postgres' || !database.url) return {};
    phase('nodes stopped');
    const history = await checkHistory(database.url, this.startVersions, this.commits);
    phase('history checked');
    return { historyLost: history.lost, historyDuplicated: history.duplicated, historyGaps: history.gaps };
  }

  /** Always runs: nodes stopped, editors closed, the database dropped, the Redis keys deleted. */
  async cleanup(): Promise<void> {
    for (const editor of this.flat) editor.close();
    await Promise.all(this.nodes.map((n) => n.stop()));
    await this.statsClient?.end().catch(() => undefined);
    if (this.database) await this.options.databases.drop(this.database);
    if (this.redisPrefix) {
      try {
        const left = await deleteRedisKeys(this.redisPrefix);
        if (left > 0) this.cleanupFailures.push(`${left} Redis keys ${this.redisPrefix}:* left`);
      } catch (error) {
        this.cleanupFailures.push(
          `Redis keys ${this.redisPrefix}:* not deleted: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    for (const failure of this.cleanupFailures)
      console.error(`\n*** bench:sync cleanup FAILED: ${failure}\n`);
    this.options.databases.failures.push(...this.cleanupFailures);
  }

  base(
    mode: SyncBenchResult['mode'],
    scenario: string,
    orders: number,
    load1AtStart: number,
  ): Pick<
    SyncBenchResult,
    | 'mode'
    | 'scenario'
    | 'database'
    | 'nodes'
    | 'config'
    | 'settings'
    | 'editors'
    | 'orders'
    | 'rejected'
    | 'refused'
    | 'refusedPushes'
    | 'failed'
    | 'failedCodes'
    | 'load1AtStart'
  > {
    return {
      mode,
      scenario,
      database: this.options.kind,
      nodes: this.nodes.length,
      config: this.options.baseline ? 'baseline' : 'default',
      settings: this.settings,
      editors: this.flat.length,
      orders,
      rejected: this.rejected,
      refused: this.refused,
      refusedPushes: this.refusedPushes,
      failed: this.failed,
      failedCodes: this.failedCodes,
      load1AtStart,
    };
  }
}

/** SYNC_BENCH_DEBUG=1: how long each phase of a run took, on stderr. */
const phases = process.env.SYNC_BENCH_DEBUG === '1';
let phaseAt = performance.now();
export function phase(name: string): void {
  if (!phases) return;
  const now = performance.now();
  console.error(`  [${((now - phaseAt) / 1000).toFixed(1)} s] ${name}`);
  phaseAt = now;
}

async function withRun<T>(options: RunOptions, body: (run: Run) => Promise<T>): Promise<T> {
  phase('run begins');
  const run = new Run(options);
  try {
    return await body(run);
  } finally {
    await run.cleanup();
  }
}

/** Broadcast latency: the server's commit time to arrival, over every editor (this machine's one clock). */
function trackBroadcastLatency(run: Run): number[] {
  const latencies: number[] = [];
  for (const editor of run.flat) {
    const previous = editor.onChange;
    editor.onChange = (change) => {
      latencies.push(Date.now() - change.at);
      previous?.(change);
    };
  }
  return latencies;
}

/** Closed loop: each editor sends its next keystroke when the last one was answered. */
export function runClosedLoop(
  options: RunOptions,
  scenario: { name: string; orders: number; editorsPerOrder: number; seconds: number; warmupSeconds: number },
  drainSeconds: number,
): Promise<SyncBenchResult> {
  return withRun(options, async (run) => {
    const load1AtStart = os.loadavg()[0]!;
    const fixture = await run.start();
    await run.openEditors(fixture, scenario.orders, scenario.editorsPerOrder);
    const broadcastLatency = trackBroadcastLatency(run);
    const latencies = new Latencies();
    let committed = 0;
    const window = run.window(scenario.warmupSeconds, scenario.seconds);
    const loops = Promise.all(
      run.flat.map(async (editor, i) => {
        let n = 0;
        while (performance.now() < window.end && !run.over) {
          const t0 = performance.now();
          const measured = window.contains(t0);
          const token = measured ? latencies.begin(t0) : 0;
          const reply = await run.pushWithRetry(editor, `${editor.label}-${++n}`, `${i % 10}`, measured);
          if (run.over) return;
          const at = performance.now();
          latencies.end(token, at);
          const applied = run.record(editor, reply, measured);
          if (window.contains(at)) committed += applied;
        }
      }),
    );
    // The last pushes are answered after the window; one that never is counts as missing after the drain.
    await Promise.race([loops, sleep(window.end + drainSeconds * 1000 - performance.now())]);
    latencies.close(performance.now());
    const cost = await window.cost(committed);
    const delivery = await run.broadcasts();
    const checks = await run.finish();
    return {
      ...run.base('closed', scenario.name, scenario.orders, load1AtStart),
      seconds: scenario.seconds,
      committedPerSecond: Math.round(committed / scenario.seconds),
      committed,
      ...latencies.ackFigures(),
      broadcastP99: percentiles(broadcastLatency).p99,
      drainSeconds,
      ...delivery,
      ...checks,
      ...cost,
    };
  });
}

/**
 * Sends `send(n, scheduled)` for n = 0, 1, … at `start + n * interval` (late ones at once, never skipped) until
 * `until`; resolves after the last.
 */
function schedule(
  start: number,
  interval: number,
  until: number,
  send: (n: number, scheduled: number) => void,
) {
  return new Promise<void>((resolve) => {
    let next = 0;
    const tick = () => {
      const now = performance.now();
      for (;;) {
        const due = start + next * interval;
        if (due > now || due >= until) break;
        send(next, due);
        next++;
      }
      if (start + next * interval >= until) resolve();
      else setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
}

/**
 * Open loop: `rate` keystrokes per second over all editors in turn, each sent at its scheduled time whether or not
 * earlier ones were answered; latency from the scheduled time. After the schedule, waits `drainSeconds` for the
 * answers still out (missing ones are counted, not timed). Committed/s counts the acks that arrive in the window.
 */
export function runOpenLoop(
  options: RunOptions,
  scenario: {
    name: string;
    orders: number;
    editorsPerOrder: number;
    seconds: number;
    warmupSeconds: number;
    rate: number;
  },
  drainSeconds: number,
): Promise<SyncBenchResult> {
  return withRun(options, async (run) => {
    const load1AtStart = os.loadavg()[0]!;
    const fixture = await run.start();
    await run.openEditors(fixture, scenario.orders, scenario.editorsPerOrder);
    const broadcastLatency = trackBroadcastLatency(run);
    const editors = run.flat;
    const latencies = new Latencies();
    const sendLag: number[] = [];
    let committed = 0;
    const counters = new Map<SyncEditor, number>();
    const window = run.window(scenario.warmupSeconds, scenario.seconds);
    const send = (n: number, scheduled: number) => {
      const editor = editors[n % editors.length]!;
      const k = (counters.get(editor) ?? 0) + 1;
      counters.set(editor, k);
      const measured = window.contains(scheduled);
      const token = measured ? latencies.begin(scheduled) : 0;
      if (measured) sendLag.push(performance.now() - scheduled);
      void run.pushWithRetry(editor, `${editor.label}-${k}`, `${n % 10}`, measured).then((reply) => {
        if (run.over) return;
        const at = performance.now();
        latencies.end(token, at);
        const applied = run.record(editor, reply, measured);
        if (window.contains(at)) committed += applied;
      });
    };
    await schedule(window.start - scenario.warmupSeconds * 1000, 1000 / scenario.rate, window.end, send);
    const cost = await window.cost(committed);
    await waitFor(() => latencies.outstanding === 0, window.end + drainSeconds * 1000);
    latencies.close(performance.now());
    const delivery = await run.broadcasts();
    const checks = await run.finish();
    return {
      ...run.base('open', scenario.name, scenario.orders, load1AtStart),
      seconds: scenario.seconds,
      offeredPerSecond: scenario.rate,
      committedPerSecond: Math.round(committed / scenario.seconds),
      committed,
      ...latencies.ackFigures(),
      broadcastP99: percentiles(broadcastLatency).p99,
      drainSeconds,
      sendLagP99: percentiles(sendLag).p99,
      ...delivery,
      ...checks,
      ...cost,
    };
  });
}

/**
 * `typists` people on one order, each typing a character every `everyMs` (open loop, their schedules spread over
 * the interval): from each keystroke's scheduled time to the moment each other typist receives its `sync.change`.
 */
export function runKeystrokes(
  options: RunOptions,
  scenario: { name: string; typists: number; everyMs: number; seconds: number; warmupSeconds: number },
  drainSeconds: number,
): Promise<SyncBenchResult> {
  return withRun(options, async (run) => {
    const load1AtStart = os.loadavg()[0]!;
    const fixture = await run.start();
    if (fixture.editors.length < scenario.typists) throw new Error(`only ${fixture.editors.length} people`);
    // One order, one person per editor (openEditors gives editor e of order 0 person e).
    await run.openEditors(fixture, 1, scenario.typists);
    const broadcastLatency = trackBroadcastLatency(run);
    const typists = run.flat;
    /**
     * Keystrokes scheduled in the window: when, by whom, how many others have it, and whether the server took it
     * (`refused`: answered rejected or failed, so nobody is to see it).
     */
    type Keystroke = { at: number; by: SyncEditor; seenBy: number; refused: boolean };
    const measured = new Map<string, Keystroke>();
    const arrival = new Latencies();
    for (const editor of typists) {
      const previous = editor.onChange;
      editor.onChange = (change) => {
        previous?.(change);
        const keystroke = measured.get(change.clientChangeId);
        if (!keystroke || keystroke.by === editor) return;
        arrival.add(change.receivedAt - keystroke.at);
        keystroke.seenBy++;
      };
    }
    const latencies = new Latencies();
    let committed = 0;
    const window = run.window(scenario.warmupSeconds, scenario.seconds);
    const counters = new Map<SyncEditor, number>();
    // One schedule of all typists: typist t's keystrokes are `everyMs` apart, offset by t * everyMs / typists.
    await schedule(
      window.start - scenario.warmupSeconds * 1000,
      scenario.everyMs / typists.length,
      window.end,
      (n, scheduled) => {
        const t = n % typists.length;
        const editor = typists[t]!;
        const k = (counters.get(editor) ?? 0) + 1;
        counters.set(editor, k);
        const id = `${editor.label}-${k}`;
        const keystroke: Keystroke | undefined = window.contains(scheduled)
          ? { at: scheduled, by: editor, seenBy: 0, refused: false }
          : undefined;
        if (keystroke) measured.set(id, keystroke);
        const token = keystroke ? latencies.begin(scheduled) : 0;
        const character = String.fromCharCode(97 + (n % 26));
        void run.pushWithRetry(editor, id, character, keystroke !== undefined).then((reply) => {
          if (run.over) return;
          const at = performance.now();
          latencies.end(token, at);
          const applied = run.record(editor, reply, keystroke !== undefined);
          if (window.contains(at)) committed += applied;
          if (keystroke && applied === 0) keystroke.refused = true;
        });
      },
    );
    const cost = await window.cost(committed);
    await waitFor(() => latencies.outstanding === 0, window.end + drainSeconds * 1000);
    latencies.close(performance.now());
    const delivery = await run.broadcasts();
    // A keystroke some other typist never received counts at its lower bound (until now) and as not seen.
    const now = performance.now();
    const others = typists.length - 1;
    for (const keystroke of measured.values()) {
      if (keystroke.refused) continue;
      for (let i = keystroke.seenBy; i < others; i++) arrival.add(now - keystroke.at, true);
    }
    const checks = await run.finish();
    const keystroke = arrival.percentiles();
    return {
      ...run.base('keystroke', scenario.name, 1, load1AtStart),
      seconds: scenario.seconds,
      offeredPerSecond: Math.round((typists.length * 1000) / scenario.everyMs),
      committedPerSecond: Math.round(committed / scenario.seconds),
      committed,
      ...latencies.ackFigures(),
      broadcastP99: percentiles(broadcastLatency).p99,
      drainSeconds,
      keystrokeP50: keystroke.p50,
      keystrokeP99: keystroke.p99,
      keystrokeMax: keystroke.max,
      keystrokeMissing: arrival.missing,
      ...delivery,
      ...checks,
      ...cost,
    };
  });
}
