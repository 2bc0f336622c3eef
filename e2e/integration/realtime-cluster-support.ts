import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { Redis } from 'ioredis';
import { createDb } from '../../lib/db/create-db';
import { type RunningServer, startServer } from '../../lib/server/start';
import { TEST_REDIS_URL } from '../support/services';
import { testEnv, testEnvSource, uniquePrefix } from './realtime-helpers';

/** Starts an in-process server on its own pool of the given PostgreSQL database. */
export async function startNode(databaseUrl: string, env: Record<string, string>): Promise<RunningServer> {
  const database = await createDb({ databaseUrl });
  return startServer({ env: testEnv(env), withNext: false, database });
}

/**
 * Two in-process nodes on one PostgreSQL database and one Redis key prefix of their own. `close` stops both and
 * removes the prefix's keys (the database is the caller's).
 */
export async function startTwoNodes(databaseUrl: string) {
  const prefix = uniquePrefix();
  const env = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix };
  const a = await startNode(databaseUrl, env);
  const b = await startNode(databaseUrl, env).catch(async (error: unknown) => {
    await a.close();
    throw error;
  });
  return {
    a,
    b,
    close: async () => {
      await a.close();
      await b.close();
      await deleteKeys(TEST_REDIS_URL, prefix);
    },
  };
}

export type ChildNode = { port: number; nodeId: string; child: ChildProcess };

/** Starts a server as a child process (node --import tsx), resolved when it listens. */
export function spawnNode(env: Record<string, string>): Promise<ChildNode> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'e2e/integration/realtime-node.ts'], {
    env: { ...process.env, ...testEnvSource(env) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.once('exit', (code) => reject(new Error(`node exited early with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const line of buffer.split('\n')) {
        if (!line.startsWith('{"ready"')) continue;
        const { ready, nodeId } = JSON.parse(line) as { ready: number; nodeId: string };
        resolve({ port: ready, nodeId, child });
      }
    });
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A throwaway redis-server of the test's own (never the machine's shared one), restartable on its port. */
export class ScratchRedis {
  private process: ChildProcess | undefined;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.process = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const probe = new Redis(this.url, {
      lazyConnect: true,
      retryStrategy: () => 50,
      maxRetriesPerRequest: 0,
    });
    probe.on('error', () => {});
    for (;;) {
      try {
        await probe.connect().catch(() => {});
        if ((await probe.ping()) === 'PONG') break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    probe.disconnect();
  }

  async kill(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  redis.on('error', () => {});
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}
