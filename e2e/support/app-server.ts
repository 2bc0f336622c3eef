import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSessionToken, SESSION_COOKIE, sessionKey } from '../../lib/auth/session';
import type { Db } from '../../lib/db/create-db';
import { createTestDatabase, type TestDbKind } from './test-db';

export type AppServer = {
  url: string;
  secret: string;
  /** A `Cookie` header value signing the user in (same secret as the server). */
  cookieFor(user: { id: string; tenantId: string }): Promise<string>;
  /** Everything the process wrote to stdout and stderr so far (stderr is also passed on to the test's stderr). */
  output(): string;
  stop(): Promise<void>;
};

/** Where the built app lives: this checkout, or OSL_APP_DIR (a separate build of the same code). */
export const appDirectory = (): string => process.env.OSL_APP_DIR ?? process.cwd();

/**
 * Builds the production app when no build exists (under the shared build lock, so parallel runs do not write .next
 * at once). Tests that need the newest code should be run after `npm run build`.
 */
export function ensureBuilt(appDir = appDirectory()): void {
  if (existsSync(path.join(appDir, 'dist/server.mjs')) && existsSync(path.join(appDir, '.next/BUILD_ID')))
    return;
  const lock = path.join(os.tmpdir(), 'osl-build.lock');
  // Checked again under the lock: a parallel test file may have built while this one waited.
  const run = spawnSync(
    'flock',
    [lock, 'sh', '-c', 'test -f dist/server.mjs && test -f .next/BUILD_ID || npm run build'],
    { cwd: appDir, stdio: 'inherit' },
  );
  if (run.status !== 0) throw new Error(`npm run build failed with ${run.status}`);
}

/** Waits for the server's JSON `listening` log line and returns its URL. */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.once('exit', (code) => reject(new Error(`server exited early with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === 'listening' && entry.url) resolve(entry.url);
        } catch {
          // not a log line of ours
        }
      }
    });
  });
}

/**
 * Starts `node dist/server.mjs` on port 0 with its own data folder and session secret. Without `databaseUrl` it
 * uses PGlite in `dataDir` (prepare the folder first; nothing else may open it while the server runs).
 */
export async function startAppServer(
  options: { databaseUrl?: string; dataDir?: string; secret?: string; env?: Record<string, string> } = {},
): Promise<AppServer> {
  const appDir = appDirectory();
  ensureBuilt(appDir);
  const ownDir = options.dataDir ? undefined : mkdtempSync(path.join(os.tmpdir(), 'osl-app-'));
  const dataDir = options.dataDir ?? ownDir!;
  const secret = options.secret ?? randomBytes(32).toString('hex');
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SESSION_SECRET: secret,
    LOG_LEVEL: 'info',
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: undefined,
    ...options.env,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const child = spawn(process.execPath, ['dist/server.mjs'], {
    cwd: appDir,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const written: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => written.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => {
    written.push(chunk.toString());
    process.stderr.write(chunk);
  });
  const url = await listeningUrl(child);
  const key = sessionKey(secret);
  return {
    url,
    secret,
    cookieFor: async (user) => {
      const { token } = await createSessionToken(key, user, 1);
      return `${SESSION_COOKIE}=${encodeURIComponent(token)}`;
    },
    output: () => written.join(''),
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

export type AppServerWithFixtures<F> = {
  server: AppServer;
  fixtures: F;
  /** A signed-in `Cookie` header per actor name of the fixtures. */
  cookies: Record<string, string>;
  stop(): Promise<void>;
};

/**
 * A built server on a database of its own, with fixtures written by `prepare` before it starts: PGlite in a fresh
 * data folder (closed before the server opens it) or a fresh PostgreSQL database; both removed by `stop`.
 */
export async function startAppServerWith<
  F extends { actors: Record<string, { id: string; tenantId: string }> },
>(
  kind: TestDbKind,
  prepare: (db: Db) => Promise<F>,
  env: Record<string, string> = {},
): Promise<AppServerWithFixtures<F>> {
  const dataDir = kind === 'pglite' ? mkdtempSync(path.join(os.tmpdir(), 'osl-http-')) : undefined;
  const database = await createTestDatabase(kind, dataDir ? { dataDir: path.join(dataDir, 'pglite') } : {});
  const fixtures = await prepare(database.db);
  if (dataDir) await database.close();
  const server = await startAppServer(
    dataDir ? { dataDir, env } : { databaseUrl: database.databaseUrl, env },
  );
  const cookies: Record<string, string> = {};
  for (const [name, actor] of Object.entries(fixtures.actors)) cookies[name] = await server.cookieFor(actor);
  return {
    server,
    fixtures,
    cookies,
    stop: async () => {
      await server.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      else await database.drop();
    },
  };
}
