import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FuzzCluster,
  outboxManagers,
  runFuzzScenario,
  startFuzzCluster,
  strategyConfigNames,
  twoNodesAvailable,
  type Until,
} from '../support/sync-fuzz';

/**
 * The randomized real-server sync suite on a fixed set of seeds (`npm run fuzz -- --seeds N` runs more): 3-5
 * editors of the real client over real sockets, Unicode text, abrupt disconnects, offline periods, reloads,
 * policy switches, resolutions, undo and redo, for each strategy configuration. At the end every replica equals
 * the server at the same version and every acknowledged edit is in the final state or on record. A failure names
 * its seed and the command that replays it.
 */

/** Waits for the scenario's conditions as long as a busy machine needs; a failure says what it waited for. */
const until: Until = async (check, explain, timeoutMs) => {
  try {
    await expect.poll(check, { timeout: Math.max(timeoutMs * 4, 120_000), interval: 50 }).toBe(true);
  } catch {
    throw new Error(`waited in vain for: ${await explain()}`);
  }
};

const seedsFor = { 1: [1, 2, 3], 2: [1, 2] } as const;

/**
 * Failures found and not fixed yet, left out of the fixed set so the suite stays steady; each is replayed with
 * `npm run fuzz -- --seed S --strategy X --nodes N --verbose`. None now: seed 2 crdt (a client one version behind
 * while showing "synced") was a change event dropped while the order was opening, fixed in the sync client.
 */
const knownOpen = new Set<string>([]);

function fuzzSuite(nodes: 1 | 2) {
  let cluster: FuzzCluster;
  beforeAll(async () => {
    cluster = await startFuzzCluster(nodes);
  });
  afterAll(() => cluster?.close());

  const cases = seedsFor[nodes]
    .flatMap((seed) => strategyConfigNames.map((config) => ({ seed, config })))
    .filter(({ seed, config }) => !knownOpen.has(`${seed} ${config}`));
  it.each(cases)('seed $seed, $config', async ({ seed, config }) => {
    const stats = await runFuzzScenario({ seed, config, steps: 80, cluster, until, verbose: false });
    expect(stats.applied).toBeGreaterThan(0);
  });
  // Network faults are not replica faults: no replica may have differed from a committed version's digest.
  it('no replica diverged from the server', async () => {
    expect(await cluster.divergences()).toBe(0);
  });
}

describe('sync fuzz, one node (PGlite)', () => fuzzSuite(1));

/**
 * With the durable outbox (`npm run fuzz -- --outbox`): reloads keep what was not acknowledged, and every such
 * edit must arrive. A few seeds of the configurations where notes are typed together, on one node.
 */
describe('sync fuzz with the durable outbox, one node (PGlite)', () => {
  let cluster: FuzzCluster;
  beforeAll(async () => {
    cluster = await startFuzzCluster(1);
  });
  afterAll(() => cluster?.close());
  const cases = [1, 2].flatMap((seed) =>
    (['ot', 'crdt', 'switching'] as const).map((config) => ({ seed, config })),
  );
  it.each(cases)('seed $seed, $config', async ({ seed, config }) => {
    const stats = await runFuzzScenario({
      seed,
      config,
      steps: 80,
      cluster,
      until,
      verbose: false,
      createManager: outboxManagers(),
      outboxSurvivesReload: true,
    });
    expect(stats.applied).toBeGreaterThan(0);
  });
  it('no replica diverged from the server', async () => {
    expect(await cluster.divergences()).toBe(0);
  });
});
describe.runIf(await twoNodesAvailable())('sync fuzz, two nodes (PostgreSQL + Redis)', () => fuzzSuite(2));
