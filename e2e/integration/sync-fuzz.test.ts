import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FuzzCluster,
  runFuzzScenario,
  type StrategyConfigName,
  startFuzzCluster,
  strategyConfigNames,
  twoNodesAvailable,
  type Until,
} from '../support/sync-fuzz';

/**
 * The sync engine under random load over real sockets (issue 11): real server(s), real WebSocketClient and sync
 * manager per person, random Unicode edits, abrupt disconnects, offline periods, reloads, undo/redo, policy
 * switches and conflict resolutions; invariants checked at the end (e2e/support/sync-fuzz/invariants.ts).
 * A fixed set of seeds here; `npm run fuzz -- --seeds N` runs more and prints a replay command per failure.
 */
const STEPS = 60;
const oneNodeSeeds = [1, 2];
const twoNodeSeeds = [1];

const until: Until = async (check, explain, timeout) => {
  try {
    await expect.poll(check, { timeout, interval: 50 }).toBe(true);
  } catch {
    throw new Error(`timed out after ${timeout} ms waiting for: ${await explain()}`);
  }
};

const cases = (seeds: number[]) =>
  strategyConfigNames.flatMap((config: StrategyConfigName) => seeds.map((seed) => ({ config, seed })));

describe('sync fuzz on one node (PGlite)', () => {
  let cluster: FuzzCluster;
  beforeAll(async () => {
    cluster = await startFuzzCluster(1);
  });
  afterAll(() => cluster?.close());

  it.each(cases(oneNodeSeeds))('$config, seed $seed', async ({ config, seed }) => {
    const stats = await runFuzzScenario({ seed, config, steps: STEPS, cluster, until });
    expect(stats.applied).toBeGreaterThan(0);
  });
});

describe.runIf(await twoNodesAvailable())('sync fuzz on two nodes (PostgreSQL + Redis)', () => {
  let cluster: FuzzCluster;
  beforeAll(async () => {
    cluster = await startFuzzCluster(2);
  });
  afterAll(() => cluster?.close());

  it.each(cases(twoNodeSeeds))('$config, seed $seed', async ({ config, seed }) => {
    const stats = await runFuzzScenario({ seed, config, steps: STEPS, cluster, until });
    expect(stats.applied).toBeGreaterThan(0);
  });
});
