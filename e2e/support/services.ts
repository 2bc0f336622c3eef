import net from 'node:net';

export const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether something answers at the URL's host and port (no throw: see `required` for the CI rule). */
export function reachable(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || defaultPort) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    // A local service answers (or refuses) at once; the limit is for an address that swallows packets, and is long
    // enough that a busy machine's event-loop lag does not read as "absent".
    socket.setTimeout(10_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Whether tests that need the service run. Outside CI an absent service skips them; under CI it is a failure,
 * because CI promises that PostgreSQL and Redis are there.
 */
async function required(name: string, url: string, port: number): Promise<boolean> {
  const ok = await reachable(url, port);
  if (!ok && process.env.CI) throw new Error(`${name} at ${url} is required under CI but not reachable`);
  return ok;
}

export const postgresAvailable = () => required('PostgreSQL', TEST_POSTGRES_URL, 5432);
export const redisAvailable = () => required('Redis', TEST_REDIS_URL, 6379);
