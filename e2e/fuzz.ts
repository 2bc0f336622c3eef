/**
 * `npm run fuzz -- --seeds N [--strategy X] [--nodes 1|2] [--seed S] [--steps K]`: the real-server sync fuzz. Runs seeds S..S+N-1 for each strategy configuration (or the one
 * named) on one node (PGlite) or two (PostgreSQL + Redis), prints the seed and a replay command of every
 * failure, and exits non-zero if any failed.
 */
import { parseArgs } from 'node:util';
import {
  FuzzFailure,
  isStrategyConfigName,
  outboxManagers,
  runFuzzScenario,
  type StrategyConfigName,
  startFuzzCluster,
  strategyConfigNames,
  type Until,
} from './support/sync-fuzz';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string' },
    seed: { type: 'string', default: '1' },
    strategy: { type: 'string' },
    nodes: { type: 'string', default: '1' },
    steps: { type: 'string', default: '80' },
    verbose: { type: 'boolean', default: false },
    /** Reloads keep the durable outbox (a Map per client): unacknowledged edits must then arrive. */
    outbox: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const first = Number(values.seed);
const count = Number(values.seeds ?? (values.seeds === undefined && values.seed !== '1' ? 1 : 10));
const steps = Number(values.steps);
const nodes = values.nodes === '2' ? 2 : values.nodes === '1' ? 1 : fail('--nodes is 1 or 2');
if (!Number.isInteger(first) || !Number.isInteger(count) || count < 1)
  fail('--seed and --seeds are whole numbers');
if (!Number.isInteger(steps) || steps < 1) fail('--steps is a whole number');
const strategies: StrategyConfigName[] =
  values.strategy === undefined
    ? strategyConfigNames
    : isStrategyConfigName(values.strategy)
      ? [values.strategy]
      : fail(`--strategy is one of ${strategyConfigNames.join(', ')}`);

const until: Until = async (check, explain, timeout) => {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeout} ms waiting for: ${await explain()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

const cluster = await startFuzzCluster(nodes);
const failures: FuzzFailure[] = [];
let divergences: number | null = null;
const started = Date.now();
try {
  for (let seed = first; seed < first + count; seed++) {
    for (const config of strategies) {
      const t0 = Date.now();
      try {
        const stats = await runFuzzScenario({
          seed,
          config,
          steps,
          cluster,
          until,
          verbose: values.verbose,
          ...(values.outbox ? { createManager: outboxManagers(), outboxSurvivesReload: true } : {}),
        });
        console.log(`ok   seed ${seed} ${config} (${Date.now() - t0} ms) ${JSON.stringify(stats)}`);
      } catch (error) {
        if (!(error instanceof FuzzFailure)) throw error;
        failures.push(error);
        console.log(`FAIL seed ${seed} ${config} (${Date.now() - t0} ms)\n${error.message}\n`);
      }
    }
  }
} finally {
  divergences = await cluster.divergences().catch(() => null);
  await cluster.close();
}
console.log(
  `\n${count} seed(s) x ${strategies.length} strateg${strategies.length === 1 ? 'y' : 'ies'} on ${nodes} node(s)` +
    `${values.outbox ? ' with the durable outbox' : ''}: ` +
    `${failures.length} failed in ${Math.round((Date.now() - started) / 1000)} s; ` +
    `replicas diverged from the server (osl_sync_divergence_total): ${divergences ?? 'unknown'}`,
);
for (const failure of failures) console.log(`  seed ${failure.seed} ${failure.config}: ${failure.replay}`);
process.exit(failures.length > 0 ? 1 : 0);
