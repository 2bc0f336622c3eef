import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type Pusher from 'pusher-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../lib/env';
import { startServer } from '../../lib/server/start';
import { redisAvailable, TEST_REDIS_URL } from '../support/services';
import { createTestDatabase } from '../support/test-db';
import { APP, deleteRedisPrefix, echoClient, type Node, pusherClient, serverLib } from './pusher-helpers';

const withRedis = await redisAvailable();

/**
 * Two real server processes on one Redis: one started here, one in a child process that is then killed with
 * SIGKILL. Presence must not keep the dead process's members: a survivor sweeps them after the presence TTL and
 * Laravel Echo's `leaving` fires.
 */
describe.skipIf(!withRedis)('Pusher across server processes on Redis', () => {
  const prefix = `osl-pusher-proc-${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> & { NODE_ENV: 'test' } = {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    PRESENCE_TTL_SECONDS: '2',
    PUSHER_APPS: JSON.stringify([APP]),
  };
  let local: Node;
  let child: ChildProcess;
  let remote: Node;
  const clients: Pusher[] = [];

  beforeAll(async () => {
    const server = await startServer({
      env: parseEnv(env),
      withNext: false,
      database: await createTestDatabase('pglite'),
    });
    local = { server, host: '127.0.0.1', port: server.port };
    child = spawn(process.execPath, ['--import', 'tsx', 'e2e/integration/pusher-node-process.ts'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let buffer = '';
      child.once('exit', (code) => reject(new Error(`node process exited with ${code}`)));
      child.stdout?.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const line = buffer.split('\n').find((l) => l.startsWith('{"port"'));
        if (line) resolve((JSON.parse(line) as { port: number }).port);
      });
    });
    remote = { server: local.server, host: '127.0.0.1', port };
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await local?.server.close();
    await deleteRedisPrefix(prefix);
  });

  it('fans out between processes and removes the members of a killed process', async () => {
    const aliceClient = pusherClient(local, { user: { id: 'alice', info: { name: 'Alice' } } });
    const bobClient = pusherClient(remote, { user: { id: 'bob', info: { name: 'Bob' } } });
    clients.push(aliceClient, bobClient);
    const joined: unknown[] = [];
    const left: unknown[] = [];
    await new Promise<void>((resolve) => {
      echoClient(aliceClient)
        .join('room.proc')
        .here(() => resolve())
        .joining((member: unknown) => joined.push(member))
        .leaving((member: unknown) => left.push(member));
    });
    const bobGot = new Promise<unknown>((resolve) => {
      echoClient(bobClient).join('room.proc').listen('.hello', resolve);
    });
    await expect.poll(() => joined).toEqual([{ name: 'Bob' }]);
    await serverLib(local).trigger('presence-room.proc', 'hello', { from: 'local' });
    expect(await bobGot).toEqual({ from: 'local' });

    child.kill('SIGKILL');
    bobClient.disconnect();
    await expect.poll(() => left).toEqual([{ name: 'Bob' }]);
    const users = (await (
      await serverLib(local).get({ path: '/channels/presence-room.proc/users' })
    ).json()) as {
      users: { id: string }[];
    };
    expect(users.users).toEqual([{ id: 'alice' }]);
  });
});
