// `npm run bench:sync`: the sync engine's committed edits, latency and cost on PGlite and PostgreSQL (sync-bench.ts).
// Each measured configuration (the server's defaults) runs next to its baseline in the same run: the per-change
// path with each change in its own transaction (SYNC_ORDER_LOG=off SYNC_MAX_BATCH=1) for the closed loop, the
// open loop and the keystrokes; one node on the same Redis for two nodes. SYNC_* variables in the environment
// reach the nodes of the default configuration (the baseline's two are always set).
//   SYNC_BENCH_SECONDS=8          closed-loop and keystroke window
//   SYNC_BENCH_OPEN_SECONDS=5     open-loop window per offered rate
//   SYNC_BENCH_RATES=100,250,500,1000,2000   open-loop offered rates (edits/s over all editors)
//   SYNC_BENCH_WARMUP_SECONDS=1.5 load before each window opens (not measured)
//   SYNC_BENCH_DRAIN_SECONDS=5    how long after the schedule an answer may still arrive before it counts missing
//   SYNC_BENCH_ONLY=closed,open,keystroke,two-nodes   (default: all)
//   SYNC_BENCH_CLOSED=1x10,100x2  closed-loop scenarios, orders x editors per order (default: both)
//   SYNC_BENCH_DB=pglite,postgres (default: both; PostgreSQL and Redis when reachable)
//   SYNC_BENCH_PROFILE=<dir>      each server node writes a CPU profile there (node --cpu-prof) when it stops
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { postgresAvailable, redisAvailable } from '../support/services';
import {
  type RunOptions,
  runClosedLoop,
  runKeystrokes,
  runOpenLoop,
  type SyncBenchResult,
} from './sync-bench';
import { BenchDatabases, type DbKind, pgStatStatementsPreloaded } from './sync-db';
import { stopAllNodes } from './sync-process';

const number = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const list = (name: string, fallback: string) =>
  (process.env[name] ?? fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const SECONDS = number('SYNC_BENCH_SECONDS', 8);
const OPEN_SECONDS = number('SYNC_BENCH_OPEN_SECONDS', 5);
const DRAIN_SECONDS = number('SYNC_BENCH_DRAIN_SECONDS', 5);
const WARMUP_SECONDS = number('SYNC_BENCH_WARMUP_SECONDS', 1.5);
const RATES = list('SYNC_BENCH_RATES', '100,250,500,1000,2000').map(Number);
const GROUPS = ['closed', 'open', 'keystroke', 'two-nodes'] as const;
type Group = (typeof GROUPS)[number];
const ONLY = list('SYNC_BENCH_ONLY', GROUPS.join(','));
const KINDS = list('SYNC_BENCH_DB', 'pglite,postgres');
const CLOSED = list('SYNC_BENCH_CLOSED', '1x10,100x2');

for (const name of ONLY)
  if (!GROUPS.some((g) => g === name))
    throw new Error(`SYNC_BENCH_ONLY: unknown ${name} (${GROUPS.join(', ')})`);
if (RATES.some((r) => !Number.isFinite(r) || r <= 0)) throw new Error('SYNC_BENCH_RATES: positive numbers');
const selected = (group: Group) => ONLY.includes(group);

function machineLoad(): string {
  const [one, five, fifteen] = os.loadavg().map((n) => n.toFixed(2));
  return `load average ${one} / ${five} / ${fifteen} (1/5/15 min) on ${os.cpus().length} CPUs`;
}

const ratio = (value: number, base: number | undefined) => (base ? `${(value / base).toFixed(2)}x` : '');
const fmt = (value: number | undefined) => (value === undefined ? '' : value);
/** A latency percentile that counted unanswered pushes at their lower bound is at least this much. */
const ackMs = (r: SyncBenchResult, value: number) => (r.missingAcks > 0 ? `>=${value}` : value);
const keystrokeMs = (r: SyncBenchResult, value: number | undefined) =>
  value === undefined ? '' : (r.keystrokeMissing ?? 0) > 0 ? `>=${value}` : value;

/** The columns every per-run table starts with. */
const runOf = (r: SyncBenchResult) => ({ database: r.database, scenario: r.scenario, config: r.config });

function closedTable(results: SyncBenchResult[]) {
  const baseline = (r: SyncBenchResult) =>
    r.nodes > 1 || r.scenario.includes('Redis')
      ? results.find((b) => b.scenario.includes('Redis') && b.nodes === 1 && b.database === r.database)
      : results.find(
          (b) =>
            b.database === r.database &&
            b.scenario === r.scenario &&
            b.config === 'baseline' &&
            b.nodes === r.nodes,
        );
  return results.map((r) => {
    const base = baseline(r);
    return {
      ...runOf(r),
      'edits/s': r.committedPerSecond,
      'vs baseline': base && base !== r ? ratio(r.committedPerSecond, base.committedPerSecond) : 'baseline',
      'ack p50': ackMs(r, r.ackP50),
      'ack p99': ackMs(r, r.ackP99),
      'bcast p99': r.broadcastP99,
      'srv cpu ms/edit': r.serverCpuMsPerEdit,
      'stmt/edit': r.statementsPerEdit,
      'tx/edit': r.transactionsPerEdit,
      'pg tx/edit': fmt(r.pgTransactionsPerEdit),
      'refused push/times': `${r.refusedPushes}/${r.refused}`,
      'rej/failed/no ack': `${r.rejected}/${r.failed}/${r.missingAcks}`,
      'lost/dup/reord': `${r.missingBroadcasts}/${r.duplicateBroadcasts}/${r.reorderedBroadcasts}`,
      history: r.historyLost === undefined ? '' : `${r.historyLost}/${r.historyDuplicated}/${r.historyGaps}`,
    };
  });
}

/** Edits/s the nodes could commit if each had a core of its own (the busiest one saturated), all else as measured. */
const nodeBound = (r: SyncBenchResult) => {
  const busiest = Math.max(...r.nodeCpuMsPerEdit);
  return busiest > 0 ? Math.round(1000 / busiest) : 0;
};

function machineTable(results: SyncBenchResult[]) {
  return results.map((r) => ({
    ...runOf(r),
    'edits/s': r.committedPerSecond,
    'machine busy %': r.machine?.machineBusyPercent,
    'machine ms/edit': r.machine?.machineCpuMsPerEdit,
    'nodes ms/edit': r.serverCpuMsPerEdit,
    'postgres ms/edit': r.machine?.postgresCpuMsPerEdit,
    'redis ms/edit': r.machine?.redisCpuMsPerEdit,
    'editors ms/edit': r.benchCpuMsPerEdit,
    'ceiling edits/s': r.machine?.machineCeilingPerSecond,
    'busiest node ms/edit': Math.max(...r.nodeCpuMsPerEdit),
    'a core per node edits/s': nodeBound(r),
  }));
}

function openTable(results: SyncBenchResult[]) {
  return results.map((r) => {
    const base = results.find(
      (b) =>
        b.config === 'baseline' && b.offeredPerSecond === r.offeredPerSecond && b.database === r.database,
    );
    return {
      database: r.database,
      'offered/s': r.offeredPerSecond,
      config: r.config,
      'committed/s': r.committedPerSecond,
      'vs baseline': base && base !== r ? ratio(r.committedPerSecond, base.committedPerSecond) : 'baseline',
      'ack p50': ackMs(r, r.ackP50),
      'ack p95': ackMs(r, r.ackP95),
      'ack p99': ackMs(r, r.ackP99),
      'ack max': ackMs(r, r.ackMax),
      'refused push/times': `${r.refusedPushes}/${r.refused}`,
      [`no ack +${DRAIN_SECONDS}s`]: fmt(r.missingAcks),
      'send lag p99': fmt(r.sendLagP99),
      'srv cpu ms/edit': r.serverCpuMsPerEdit,
      'stmt/edit': r.statementsPerEdit,
      'tx/edit': r.transactionsPerEdit,
      'rej/failed': `${r.rejected}/${r.failed}`,
      'lost/dup/reord': `${r.missingBroadcasts}/${r.duplicateBroadcasts}/${r.reorderedBroadcasts}`,
    };
  });
}

function keystrokeTable(results: SyncBenchResult[]) {
  return results.map((r) => ({
    ...runOf(r),
    'typed/s': r.offeredPerSecond,
    'committed/s': r.committedPerSecond,
    'on 4 screens p50': keystrokeMs(r, r.keystrokeP50),
    'p99 ms': keystrokeMs(r, r.keystrokeP99),
    'max ms': keystrokeMs(r, r.keystrokeMax),
    'not seen': fmt(r.keystrokeMissing),
    'ack p99': ackMs(r, r.ackP99),
    'srv cpu ms/edit': r.serverCpuMsPerEdit,
    'stmt/edit': r.statementsPerEdit,
    'refused push/times': `${r.refusedPushes}/${r.refused}`,
    'lost/dup/reord': `${r.missingBroadcasts}/${r.duplicateBroadcasts}/${r.reorderedBroadcasts}`,
  }));
}

/** The issue's targets against this run's figures (only those whose runs were selected). */
function targets(results: SyncBenchResult[]) {
  const find = (test: (r: SyncBenchResult) => boolean) => results.find(test);
  const rows: { target: string; measured: string; met: string }[] = [];
  const check = (
    target: string,
    r: SyncBenchResult | undefined,
    value: (r: SyncBenchResult) => number,
    ok: (v: number) => boolean,
    unit: string,
    /** Unanswered pushes or unseen keystrokes: the value is a lower bound and the target is not met. */
    unanswered = 0,
  ) => {
    if (!r) return;
    const v = value(r);
    const measured = unanswered > 0 ? `>= ${v} ${unit} (${unanswered} never answered/seen)` : `${v} ${unit}`;
    rows.push({ target, measured, met: ok(v) && unanswered === 0 ? 'yes' : 'NO' });
  };
  const closed = (db: DbKind, scenario: string) =>
    find(
      (r) =>
        r.mode === 'closed' &&
        r.database === db &&
        r.scenario === scenario &&
        r.nodes === 1 &&
        r.config === 'default',
    );
  check(
    'PostgreSQL 100 orders x 2 editors >= 1,000 edits/s',
    closed('postgres', '100 orders x 2 editors'),
    (r) => r.committedPerSecond,
    (v) => v >= 1000,
    'edits/s',
  );
  check(
    'PostgreSQL 1 order x 10 editors >= 1,000 edits/s',
    closed('postgres', '1 order x 10 editors'),
    (r) => r.committedPerSecond,
    (v) => v >= 1000,
    'edits/s',
  );
  check(
    'PGlite 100 orders x 2 editors >= 500 edits/s',
    closed('pglite', '100 orders x 2 editors'),
    (r) => r.committedPerSecond,
    (v) => v >= 500,
    'edits/s',
  );
  check(
    'PostgreSQL server CPU <= 0.5 ms per edit (100 x 2)',
    closed('postgres', '100 orders x 2 editors'),
    (r) => r.serverCpuMsPerEdit,
    (v) => v <= 0.5,
    'ms',
  );
  const open500 = find((r) => r.mode === 'open' && r.offeredPerSecond === 500 && r.config === 'default');
  check(
    'PostgreSQL open loop 500 edits/s: ack p99 <= 50 ms',
    open500,
    (r) => r.ackP99,
    (v) => v <= 50,
    'ms',
    open500?.missingAcks,
  );
  const one = find((r) => r.mode === 'closed' && r.nodes === 1 && r.scenario.includes('Redis'));
  const two = find((r) => r.mode === 'closed' && r.nodes === 2);
  if (one && two) {
    const wrong =
      two.missingBroadcasts +
      two.duplicateBroadcasts +
      two.reorderedBroadcasts +
      (two.historyLost ?? 0) +
      (two.historyDuplicated ?? 0) +
      (two.historyGaps ?? 0);
    // What two nodes could reach on this machine at their measured cost per edit with every CPU busy.
    // and what any number of nodes could reach here if a cluster cost nothing: one node's run with every CPU busy.
    const ceiling =
      two.machine && one.machine
        ? `; machine ${two.machine.machineBusyPercent}% busy, its ceiling at this cost ${ratio(two.machine.machineCeilingPerSecond, one.committedPerSecond)}, at one node's cost ${ratio(one.machine.machineCeilingPerSecond, one.committedPerSecond)}; with a core per node (busiest node saturated) ${ratio(nodeBound(two), nodeBound(one))}`
        : '';
    rows.push({
      target: 'Two nodes >= 1.6x one node (same Redis), nothing lost/duplicated/reordered',
      measured: `${ratio(two.committedPerSecond, one.committedPerSecond)} (${two.committedPerSecond} vs ${one.committedPerSecond}), ${wrong} wrong${ceiling}`,
      met: two.committedPerSecond >= 1.6 * one.committedPerSecond && wrong === 0 ? 'yes' : 'NO',
    });
  }
  const keystrokes = find((r) => r.mode === 'keystroke' && r.config === 'default');
  check(
    'PGlite keystroke on the other 4 screens p99 <= 50 ms',
    keystrokes,
    (r) => r.keystrokeP99 ?? Number.NaN,
    (v) => v <= 50,
    'ms',
    keystrokes?.keystrokeMissing,
  );
  return rows;
}

async function main() {
  const runStarted = Date.now();
  const databases = new BenchDatabases(`${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`);
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping the nodes and dropping this run's databases`);
    void stopAllNodes()
      .then(() => databases.dropAll())
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const loadAtStart = machineLoad();
  console.log(`bench:sync ${new Date().toISOString()} node ${process.version}`);
  console.log(`machine at start: ${loadAtStart}`);
  console.log(
    `databases of this run: ${databases.prefix}_* (PostgreSQL), osl-bench-sync-* (PGlite, temporary)`,
  );
  const postgres = KINDS.includes('postgres') && (await postgresAvailable());
  const redis = postgres && (await redisAvailable());
  const kinds: DbKind[] = [];
  if (KINDS.includes('pglite')) kinds.push('pglite');
  if (postgres) kinds.push('postgres');
  if (KINDS.includes('postgres') && !postgres)
    console.log('PostgreSQL is not reachable: its scenarios are skipped');
  if (selected('two-nodes') && postgres && !redis)
    console.log('Redis is not reachable: two-nodes is skipped');
  if (postgres)
    console.log(
      (await pgStatStatementsPreloaded())
        ? 'pg_stat_statements is preloaded; statements are still counted in the nodes (the same way as on PGlite)'
        : 'pg_stat_statements is not in shared_preload_libraries: statements are counted in the nodes',
    );

  const results: SyncBenchResult[] = [];
  let aborted: unknown;
  const report = (result: SyncBenchResult) => {
    results.push(result);
    console.log(JSON.stringify(result));
  };
  const options = (kind: DbKind, baseline: boolean, extra: Partial<RunOptions> = {}): RunOptions => ({
    databases,
    kind,
    baseline,
    ...extra,
  });
  try {
    if (selected('closed')) {
      const scenarios = [
        {
          name: '1 order x 10 editors',
          orders: 1,
          editorsPerOrder: 10,
          seconds: SECONDS,
          warmupSeconds: WARMUP_SECONDS,
        },
        {
          name: '100 orders x 2 editors',
          orders: 100,
          editorsPerOrder: 2,
          seconds: SECONDS,
          warmupSeconds: WARMUP_SECONDS,
        },
      ].filter((s) => CLOSED.includes(`${s.orders}x${s.editorsPerOrder}`));
      if (scenarios.length === 0) throw new Error('SYNC_BENCH_CLOSED: none of 1x10, 100x2');
      for (const kind of kinds)
        for (const scenario of scenarios)
          for (const baseline of [true, false])
            report(await runClosedLoop(options(kind, baseline), scenario, DRAIN_SECONDS));
    }
    if (selected('keystroke') && kinds.includes('pglite')) {
      const scenario = {
        name: '5 typists x 1 order, 1 key/100 ms each',
        typists: 5,
        everyMs: 100,
        seconds: SECONDS,
        warmupSeconds: WARMUP_SECONDS,
      };
      for (const baseline of [true, false])
        report(await runKeystrokes(options('pglite', baseline), scenario, DRAIN_SECONDS));
    }
    if (selected('open') && postgres) {
      for (const rate of RATES)
        for (const baseline of [true, false])
          report(
            await runOpenLoop(
              options('postgres', baseline),
              {
                name: '100 orders x 2 editors',
                orders: 100,
                editorsPerOrder: 2,
                seconds: OPEN_SECONDS,
                warmupSeconds: WARMUP_SECONDS,
                rate,
              },
              DRAIN_SECONDS,
            ),
          );
    }
    if (selected('two-nodes') && redis) {
      const scenario = { orders: 100, editorsPerOrder: 2, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS };
      const one = { ...scenario, name: '100 orders x 2 editors, Redis, 1 node' };
      report(await runClosedLoop(options('postgres', false, { redis: true }), one, DRAIN_SECONDS));
      const two = { ...scenario, name: '100 orders x 2 editors, Redis, 2 nodes' };
      report(await runClosedLoop(options('postgres', false, { nodes: 2 }), two, DRAIN_SECONDS));
    }
  } catch (error) {
    // What ran so far is still reported and everything is still cleaned up and checked; the run exits non-zero.
    aborted = error;
  }
  await stopAllNodes();
  await databases.dropAll();

  const closed = results.filter((r) => r.mode === 'closed');
  const open = results.filter((r) => r.mode === 'open');
  const keystrokes = results.filter((r) => r.mode === 'keystroke');
  if (closed.length > 0) {
    console.log(
      '\nClosed loop (next push after the ack); ms; baseline: per change, one transaction each (SYNC_ORDER_LOG=off SYNC_MAX_BATCH=1); two nodes: against one node on the same Redis',
    );
    console.table(closedTable(closed));
    const measured = closed.filter((r) => r.machine);
    if (measured.length > 0) {
      console.log(
        `\nWhere the machine's CPU went (closed loop, ${os.cpus().length} CPUs): busy share of all CPUs; CPU ms per committed edit; ceiling = edits/s at that cost with every CPU busy`,
      );
      console.table(machineTable(measured));
    }
  }
  if (open.length > 0) {
    console.log(
      `\nOpen loop, PostgreSQL, 100 orders x 2 editors, ${OPEN_SECONDS} s per rate; latency from the scheduled send (ms)`,
    );
    console.table(openTable(open));
  }
  if (keystrokes.length > 0) {
    console.log('\nKeystrokes: scheduled keystroke to its sync.change at each other typist (ms)');
    console.table(keystrokeTable(keystrokes));
  }
  const goals = targets(results);
  if (goals.length > 0) {
    console.log('\nTargets');
    console.table(goals);
  }

  let failed = false;
  if (aborted !== undefined) {
    failed = true;
    console.error('*** bench:sync stopped early:', aborted);
  }
  const wrong = results.filter(
    (r) =>
      r.missingBroadcasts + r.duplicateBroadcasts + r.reorderedBroadcasts > 0 ||
      (r.historyLost ?? 0) + (r.historyDuplicated ?? 0) + (r.historyGaps ?? 0) > 0,
  );
  for (const r of wrong) {
    failed = true;
    console.error(
      `*** ${r.database} ${r.scenario} (${r.nodes} node(s), ${r.config}${r.offeredPerSecond ? `, ${r.offeredPerSecond}/s` : ''}): ` +
        `broadcasts lost/dup/reordered ${r.missingBroadcasts}/${r.duplicateBroadcasts}/${r.reorderedBroadcasts}` +
        (r.historyLost === undefined
          ? ''
          : `, history lost/dup/gaps ${r.historyLost}/${r.historyDuplicated}/${r.historyGaps}`),
    );
  }
  if (postgres) {
    const left = await databases.leftovers();
    if (left.length > 0) {
      failed = true;
      console.error(`*** bench:sync left databases behind: ${left.join(', ')}`);
    } else console.log(`\nNo database of this run (${databases.prefix}_*) is left on PostgreSQL.`);
  }
  if (databases.failures.length > 0) {
    failed = true;
    console.error(`*** bench:sync cleanup failed:\n  ${databases.failures.join('\n  ')}`);
  }
  console.log(`machine at start: ${loadAtStart}`);
  console.log(`machine at end:   ${machineLoad()}`);
  console.log(`total ${((Date.now() - runStarted) / 1000).toFixed(0)} s`);
  if (failed) process.exitCode = 1;
}

await main();
