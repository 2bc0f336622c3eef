import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../lib/server/start';
import { postgresAvailable, redisAvailable, TEST_REDIS_URL } from '../support/services';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { deleteKeys, startNode } from './realtime-cluster-support';
import { uniquePrefix } from './realtime-helpers';

const available = (await redisAvailable()) && (await postgresAvailable());

/**
 * One process holds one pair of Redis connections: the shared command connection (stores, bus publishing, locks,
 * typing, Pusher state) and the bus subscriber. Features never open their own.
 */
describe.runIf(available)('Redis connections of one node', () => {
  let database: TestDatabase | undefined;
  let server: RunningServer | undefined;
  const prefix = uniquePrefix();
  const admin = new Redis(TEST_REDIS_URL);

  afterAll(async () => {
    await server?.close();
    await database?.drop();
    await deleteKeys(TEST_REDIS_URL, prefix);
    admin.disconnect();
  });

  it('are one command connection and one subscriber, both named after the node', async () => {
    database = await createTestDatabase('postgres');
    server = await startNode(database.databaseUrl!, { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix });
    const nodeId = server.services.nodeId;
    await expect
      .poll(async () =>
        (await clients(admin)).filter((c) => c.name.endsWith(`-${nodeId}`)).map((c) => c.name),
      )
      .toEqual(expect.arrayContaining([`osl-cmd-${nodeId}`, `osl-sub-${nodeId}`]));
    const named = (await clients(admin)).filter((c) => c.name.endsWith(`-${nodeId}`));
    expect(named.map((c) => c.name).sort()).toEqual([`osl-cmd-${nodeId}`, `osl-sub-${nodeId}`]);
  });

  it('are opened in one place only (a feature that made its own would escape the check above unnamed)', () => {
    const makers = sourceFiles('lib')
      .filter((file) => /new\s+(?:\(.*\bRedis\)|Redis)\(/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(process.cwd(), file));
    expect(makers).toEqual([path.join('lib', 'realtime', 'bus', 'redis-connection.ts')]);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

type ClientInfo = { id: string; name: string };

async function clients(redis: Redis): Promise<ClientInfo[]> {
  const list = String(await redis.call('CLIENT', 'LIST'));
  return list
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const fields = new Map(
        line.split(' ').map((pair) => {
          const at = pair.indexOf('=');
          return [pair.slice(0, at), pair.slice(at + 1)] as const;
        }),
      );
      return { id: fields.get('id') ?? '', name: fields.get('name') ?? '' };
    });
}
