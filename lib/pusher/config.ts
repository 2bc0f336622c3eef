import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const webhookEventNames = [
  'channel_occupied',
  'channel_vacated',
  'member_added',
  'member_removed',
  'client_event',
] as const;
export type WebhookEventName = (typeof webhookEventNames)[number];

const webhookSchema = z.object({
  url: z.string().url(),
  /** Which events this URL receives; all of them when absent. */
  events: z.array(z.enum(webhookEventNames)).default([...webhookEventNames]),
});

/** One Pusher app as operators write it (PUSHER_APPS / PUSHER_APPS_FILE), with the defaults Pusher itself uses. */
export const pusherAppSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only'),
  key: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only'),
  secret: z.string().min(1),
  enabled: z.boolean().default(true),
  /** Origins (scheme://host[:port]) allowed to open sockets; empty allows any. `*` allows any too. */
  allowedOrigins: z.array(z.string()).default([]),
  clientEvents: z.boolean().default(true),
  clientEventsPerSecond: z.number().positive().default(10),
  maxPresenceMembers: z.number().int().positive().default(100),
  maxUserInfoBytes: z.number().int().positive().default(1024),
  maxEventPayloadBytes: z
    .number()
    .int()
    .positive()
    .default(10 * 1024),
  maxEventChannels: z.number().int().positive().default(100),
  maxBatchEvents: z.number().int().positive().default(10),
  /** Concurrent connections per app across all nodes of this process; null means no app quota. */
  maxConnections: z.number().int().positive().nullable().default(null),
  /** Seconds of silence after which either side pings (sent to clients in connection_established). */
  activityTimeout: z.number().int().positive().default(120),
  /** Seconds to wait for a pong before closing with 4201. */
  pongTimeout: z.number().positive().default(30),
  webhooks: z.array(webhookSchema).default([]),
});

export type PusherAppInput = z.input<typeof pusherAppSchema>;
export type PusherApp = z.infer<typeof pusherAppSchema>;

export type PusherConfig = {
  apps: PusherApp[];
  /** The app that also carries Omni-Sales' own domain events (private-products.{tenant} …). */
  defaultAppId: string | null;
};

export type PusherEnvSource = {
  NODE_ENV: string;
  PUSHER_APPS?: string;
  PUSHER_APPS_FILE?: string;
  PUSHER_APP_ID?: string;
  PUSHER_APP_KEY?: string;
  PUSHER_APP_SECRET?: string;
};

/** Soketi's well-known development credentials, so an unconfigured laptop works with a stock Echo setup. */
const DEVELOPMENT_APP: PusherAppInput = { id: 'app-id', key: 'app-key', secret: 'app-secret' };

/**
 * Reads the apps from PUSHER_APPS (JSON array), PUSHER_APPS_FILE (a JSON file holding the same array) and the
 * single app of PUSHER_APP_ID/KEY/SECRET. Outside production, with nothing configured, the development app
 * (app-id / app-key / app-secret) is served. Throws on invalid or duplicate apps: a broken config must not start.
 */
export function loadPusherConfig(
  env: PusherEnvSource,
  readFile = (p: string) => readFileSync(p, 'utf8'),
): PusherConfig {
  const inputs: unknown[] = [];
  if (env.PUSHER_APP_ID || env.PUSHER_APP_KEY || env.PUSHER_APP_SECRET) {
    if (!env.PUSHER_APP_ID || !env.PUSHER_APP_KEY || !env.PUSHER_APP_SECRET)
      throw new Error('PUSHER_APP_ID, PUSHER_APP_KEY and PUSHER_APP_SECRET must be set together');
    inputs.push({ id: env.PUSHER_APP_ID, key: env.PUSHER_APP_KEY, secret: env.PUSHER_APP_SECRET });
  }
  for (const [name, text] of [
    ['PUSHER_APPS', env.PUSHER_APPS],
    ['PUSHER_APPS_FILE', env.PUSHER_APPS_FILE ? readFile(env.PUSHER_APPS_FILE) : undefined],
  ] as const) {
    if (!text) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`${name} is not valid JSON`);
    }
    inputs.push(...(Array.isArray(parsed) ? parsed : [parsed]));
  }
  if (inputs.length === 0 && env.NODE_ENV !== 'production') inputs.push(DEVELOPMENT_APP);

  const apps: PusherApp[] = inputs.map((input, index) => {
    const result = pusherAppSchema.safeParse(input);
    if (!result.success) {
      const lines = result.error.issues
        .map((i) => `  [${index}].${i.path.join('.')}: ${i.message}`)
        .join('\n');
      throw new Error(`Invalid Pusher app config:\n${lines}`);
    }
    return result.data;
  });
  for (const field of ['id', 'key'] as const) {
    const seen = new Set<string>();
    for (const app of apps) {
      if (seen.has(app[field])) throw new Error(`Duplicate Pusher app ${field}: ${app[field]}`);
      seen.add(app[field]);
    }
  }
  return { apps, defaultAppId: env.PUSHER_APP_ID ?? apps[0]?.id ?? null };
}

/** Lookup by id (HTTP API) and by key (WebSocket path, webhooks). */
export class PusherApps {
  readonly #byId = new Map<string, PusherApp>();
  readonly #byKey = new Map<string, PusherApp>();
  constructor(readonly config: PusherConfig) {
    for (const app of config.apps) {
      this.#byId.set(app.id, app);
      this.#byKey.set(app.key, app);
    }
  }
  byId(id: string): PusherApp | undefined {
    return this.#byId.get(id);
  }
  byKey(key: string): PusherApp | undefined {
    return this.#byKey.get(key);
  }
  all(): PusherApp[] {
    return this.config.apps;
  }
  defaultApp(): PusherApp | undefined {
    return this.config.defaultAppId ? this.#byId.get(this.config.defaultAppId) : undefined;
  }
}

export function originAllowed(app: PusherApp, origin: string | undefined): boolean {
  if (app.allowedOrigins.length === 0 || app.allowedOrigins.includes('*')) return true;
  if (!origin) return false;
  return app.allowedOrigins.some((allowed) => allowed.replace(/\/$/, '') === origin.replace(/\/$/, ''));
}
