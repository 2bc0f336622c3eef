import { z } from 'zod';

const booleanFlag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Public origin(s) allowed to open WebSockets, comma separated. Empty: same host as the request. */
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('.data'),
  REDIS_URL: z.string().url().optional(),
  /** Prefix for every Redis key and channel, so several deployments (or test runs) share one Redis. */
  REDIS_PREFIX: z.string().default('osl'),
  /**
   * Longest wait between attempts to reach Redis while it is down. A request that needs Redis then fails (503
   * UNAVAILABLE) after three attempts, so this also bounds how long it waits.
   */
  REDIS_RETRY_MAX_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  SESSION_SECRET: z.string().min(32).optional(),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REALTIME_ENABLED: booleanFlag.default(true),
  /** Demo data in an empty database; unset: only on the embedded default (no DATABASE_URL). See demoMode(). */
  SEED: booleanFlag.optional(),
  /** The first admin of an empty database without demo data (production); both or neither. */
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(10).optional(),
  ADMIN_NAME: z.string().min(1).default('Administrator'),
  /** The organisation (tenant) the first admin is created in. */
  ADMIN_ORGANISATION: z.string().min(1).default('My organisation'),
  WS_MAX_FRAME_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  WS_MESSAGES_PER_SECOND: z.coerce.number().positive().default(50),
  WS_BURST: z.coerce.number().positive().default(100),
  WS_MAX_SUBSCRIPTIONS: z.coerce.number().int().positive().default(200),
  WS_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().positive().default(20),
  WS_HEARTBEAT_MS: z.coerce.number().int().positive().default(25_000),
  WS_SLOW_CONSUMER_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(4 * 1024 * 1024),
  WS_COMPRESSION_THRESHOLD: z.coerce.number().int().nonnegative().default(1024),
  HISTORY_SIZE: z.coerce.number().int().positive().default(1000),
  HISTORY_TTL_SECONDS: z.coerce.number().int().positive().default(300),
  PRESENCE_TTL_SECONDS: z.coerce.number().int().positive().default(15),
  PRESENCE_IDLE_SECONDS: z.coerce.number().int().positive().default(300),
  /** How long a chat typist stays "typing" on the server without a refresh from their client (a closed tab). */
  TYPING_TTL_MS: z.coerce.number().int().min(1000).max(30_000).default(8000),
  /** Most pushed changes of one order committed in one transaction (group commit); 1 turns it off. */
  SYNC_MAX_BATCH: z.coerce.number().int().min(1).max(1000).default(64),
  /** Plain edits commit through the order log (memory, one transaction per tick across orders); off: per change. */
  SYNC_ORDER_LOG: booleanFlag.default(true),
  /** Edits accepted and not yet answered, per order and per node, beyond which a push is refused (RATE_LIMITED). */
  SYNC_MAX_PENDING_PER_ORDER: z.coerce.number().int().min(1).default(256),
  SYNC_MAX_PENDING: z.coerce.number().int().min(1).default(4000),
  /** Per-user token bucket of the realtime and messaging REST API (`/api/realtime/*`, `/api/conversations/*`). */
  API_RATE_PER_SECOND: z.coerce.number().positive().default(20),
  API_RATE_BURST: z.coerce.number().int().positive().default(60),
  /** Pusher protocol apps (lib/pusher/README.md): one app from these three, more from PUSHER_APPS(_FILE). */
  PUSHER_APP_ID: z.string().optional(),
  PUSHER_APP_KEY: z.string().optional(),
  PUSHER_APP_SECRET: z.string().optional(),
  PUSHER_APPS: z.string().optional(),
  PUSHER_APPS_FILE: z.string().optional(),
});

export type Env = z.infer<typeof envSchema>;

/**
 * Whether this start serves demo data: `SEED` when set, else only the embedded default (no DATABASE_URL), so a
 * production database never gets demo users by default.
 */
export function seedsDemoData(env: Pick<Env, 'SEED' | 'DATABASE_URL'>): boolean {
  return env.SEED ?? !env.DATABASE_URL;
}

/** Whether the sign-in page lists the demo accounts and their password: the embedded demo only. */
export function showsDemoAccounts(env: Pick<Env, 'SEED' | 'DATABASE_URL'>): boolean {
  return !env.DATABASE_URL && seedsDemoData(env);
}

/** Parses the process environment once; server.ts is the only caller in production. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema
    .refine((e) => (e.ADMIN_EMAIL === undefined) === (e.ADMIN_PASSWORD === undefined), {
      path: ['ADMIN_PASSWORD'],
      message: 'set ADMIN_EMAIL and ADMIN_PASSWORD together',
    })
    .safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid environment:\n${lines}`);
  }
  return result.data;
}
