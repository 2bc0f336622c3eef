import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** One server per Playwright worker (playwright.config.ts sets both from the same figure). */
// Two by default, one per core: since the tests stopped filming every frame for their traces and reuse sessions, a
// test costs about half the CPU it did, and a second worker finishes the same files sooner even on a loaded machine
// (collab, live lists and messaging: 236 s with one worker, 194 s with two, load 12-14). PW_WORKERS=1 runs one.
export const browserWorkers = (): number => Math.max(1, Number(process.env.PW_WORKERS ?? 2) || 2);

/** Starts one built server (dist/server.mjs) on port 0 with its own data folder; resolves with its URL and stop. */
async function startOne(): Promise<{ url: string; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'osl-e2e-'));
  const child: ChildProcess = spawn(process.execPath, ['dist/server.mjs'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      // The messaging spec stops its pages' clocks while people type; the server's expiry of a typist whose client
      // went quiet is the one real-time limit left there, so it gets the longest allowed value.
      TYPING_TTL_MS: '30000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.once('exit', (code) => reject(new Error(`server exited early with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const line of buffer.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === 'listening' && entry.url) resolve(entry.url);
        } catch {
          // a partial line; wait for the rest
        }
      }
    });
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts one seeded server per worker, each on its own embedded database, so specs in parallel workers never see
 * each other's orders, locks or counts. Worker N reads its URL from BASE_URL_N (e2e/support/app-url.ts; Playwright
 * sets TEST_PARALLEL_INDEX in each worker). Returns the teardown.
 */
export default async function globalSetup() {
  const servers = await Promise.all(Array.from({ length: browserWorkers() }, () => startOne()));
  servers.forEach((server, index) => {
    process.env[`BASE_URL_${index}`] = server.url;
  });
  process.env.BASE_URL = servers[0]!.url;
  return async () => {
    await Promise.all(servers.map((server) => server.stop()));
  };
}
