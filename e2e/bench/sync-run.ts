// `npm run bench:sync`: the sync engine's throughput on PGlite and PostgreSQL (see sync-bench.ts).
import { postgresAvailable } from '../support/services';
import { createTestDatabase, type TestDbKind } from '../support/test-db';
import { runSyncBench, type SyncBenchResult } from './sync-bench';

const SECONDS = Number(process.env.SYNC_BENCH_SECONDS ?? 8);
const scenarios = [
  { name: '1 order x 10 editors', orders: 1, editorsPerOrder: 10, seconds: SECONDS },
  { name: '100 orders x 2 editors', orders: 100, editorsPerOrder: 2, seconds: SECONDS },
];

async function main() {
  const kinds: TestDbKind[] = ['pglite'];
  if (await postgresAvailable()) kinds.push('postgres');
  const results: SyncBenchResult[] = [];
  for (const kind of kinds) {
    for (const scenario of scenarios) {
      // The baseline commits each change in its own transaction (group commit off), measured in the same run.
      for (const maxBatch of [1, 64]) {
        const database = await createTestDatabase(kind);
        try {
          const result = await runSyncBench(database, { ...scenario, maxBatch });
          results.push(result);
          console.log(JSON.stringify(result));
        } finally {
          // The server closed the database already; dropping a PostgreSQL database still has to happen.
          await database.drop().catch(() => undefined);
        }
      }
    }
  }
  const baseline = (r: SyncBenchResult) =>
    results.find((b) => b.database === r.database && b.scenario === r.scenario && b.maxBatch === 1);
  console.table(
    results.map((r) => ({
      database: r.database,
      scenario: r.scenario,
      'group commit': r.maxBatch > 1 ? `up to ${r.maxBatch}` : 'off (baseline)',
      'edits/s committed': r.committedPerSecond,
      'vs baseline':
        r.maxBatch > 1
          ? `${(r.committedPerSecond / (baseline(r)?.committedPerSecond || 1)).toFixed(2)}x`
          : '',
      'events/s delivered': r.broadcastPerSecond,
      'ack p50 ms': r.ackP50,
      'ack p99 ms': r.ackP99,
      'broadcast p99 ms': r.broadcastP99,
      rejected: r.rejected,
      'missing broadcasts': r.missingBroadcasts,
      'cpu ms/edit': r.cpuMsPerEdit,
    })),
  );
  if (results.some((r) => r.missingBroadcasts > 0)) process.exitCode = 1;
}

await main();
