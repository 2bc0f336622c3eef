import type { Env } from '../env';
import { loadPusherConfig, type PusherApp, PusherApps } from './config';

const cache = new WeakMap<Env, PusherApp | null>();

/** The app Omni-Sales signs for (the one carrying its domain events), read once per parsed environment. */
export function defaultPusherApp(env: Env): PusherApp | null {
  let app = cache.get(env);
  if (app === undefined) {
    app = new PusherApps(loadPusherConfig(env)).defaultApp() ?? null;
    cache.set(env, app);
  }
  return app;
}

/**
 * The parameters pusher-js (form-encoded by default) or a custom Echo authorizer (JSON) sends to an auth endpoint.
 */
export async function readAuthParams(request: Request): Promise<Record<string, string>> {
  const type = request.headers.get('content-type') ?? '';
  try {
    if (type.includes('application/json')) {
      const body = (await request.json()) as unknown;
      if (typeof body !== 'object' || body === null) return {};
      return Object.fromEntries(
        Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      );
    }
    return Object.fromEntries(new URLSearchParams(await request.text()));
  } catch {
    return {};
  }
}
