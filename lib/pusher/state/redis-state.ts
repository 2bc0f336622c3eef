import type { Redis } from 'ioredis';
import type { Orphans, PusherState } from './types';

/*
 * Keys, per app (P = `${prefix}:pusher:${appId}`):
 *   P:subs              hash channel → subscriptions across nodes
 *   P:m:{channel}       hash user → connections across nodes (presence)
 *   P:i:{channel}       hash user → user_info JSON (of the user's first connection)
 *   P:conns             connections across nodes
 *   P:n:{node}:subs / :m / :conns   the same, contributed by one node, so a dead node's share can be undone
 * and `${prefix}:pusher:nodes`, a sorted set node → last heartbeat (ms).
 * A node's share can go negative only if it was swept while alive; such a decrement is a no-op (-1).
 */
const ADD = `
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)`;

const ADD_MEMBER = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then
  return -2
end
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
local c = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
if c == 1 then redis.call('HSET', KEYS[3], ARGV[1], ARGV[3]) end
return c`;

const REMOVE = `
local n = redis.call('HINCRBY', KEYS[2], ARGV[2], -1)
if n <= 0 then redis.call('HDEL', KEYS[2], ARGV[2]) end
if n < 0 then return -1 end
local c = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if c <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  if KEYS[3] then redis.call('HDEL', KEYS[3], ARGV[1]) end
  return 0
end
return c`;

const UPDATE_MEMBER = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
if redis.call('HGET', KEYS[2], ARGV[1]) == ARGV[2] then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1`;

const CONNECTIONS = `
local n = redis.call('INCRBY', KEYS[2], ARGV[1])
if n < 0 then redis.call('SET', KEYS[2], 0) return tonumber(redis.call('GET', KEYS[1]) or '0') end
return redis.call('INCRBY', KEYS[1], ARGV[1])`;

const SWEEP = `
local P = ARGV[1]
local ns = P .. ':n:' .. ARGV[2]
local vacated = {}
local removed = {}
local subs = redis.call('HGETALL', ns .. ':subs')
for i = 1, #subs, 2 do
  local c = redis.call('HINCRBY', P .. ':subs', subs[i], -tonumber(subs[i + 1]))
  if c <= 0 then
    redis.call('HDEL', P .. ':subs', subs[i])
    table.insert(vacated, subs[i])
  end
end
local mem = redis.call('HGETALL', ns .. ':m')
for i = 1, #mem, 2 do
  local sep = string.find(mem[i], '\\n', 1, true)
  local ch = string.sub(mem[i], 1, sep - 1)
  local user = string.sub(mem[i], sep + 1)
  local c = redis.call('HINCRBY', P .. ':m:' .. ch, user, -tonumber(mem[i + 1]))
  if c <= 0 then
    redis.call('HDEL', P .. ':m:' .. ch, user)
    redis.call('HDEL', P .. ':i:' .. ch, user)
    table.insert(removed, mem[i])
  end
end
local conns = tonumber(redis.call('GET', ns .. ':conns') or '0')
if conns > 0 then redis.call('DECRBY', P .. ':conns', conns) end
redis.call('DEL', ns .. ':subs', ns .. ':m', ns .. ':conns')
return {vacated, removed}`;

export type RedisPusherStateOptions = {
  redis: Redis;
  prefix: string;
  nodeId: string;
  appIds: string[];
  /** A node silent for this long is dead; its share is swept. */
  ttlSeconds: number;
  now?: () => number;
};

export class RedisPusherState implements PusherState {
  readonly kind = 'redis' as const;
  readonly #redis: Redis;
  readonly #options: RedisPusherStateOptions;
  readonly #timers: NodeJS.Timeout[];
  /** Heartbeats more often than a node may stay silent; dead nodes are looked for more often still. */
  readonly #beatMs: number;
  readonly #sweepMs: number;
  /** Silent this long = dead. Detection takes up to one more sweep, so a ghost lasts at most the TTL. */
  readonly #deadAfterMs: number;
  readonly #now: () => number;
  #orphanHandler: (orphans: Orphans) => void = () => {};
  #closed = false;
  /** Settles after the first heartbeat (and sweep) of this node. */
  readonly ready: Promise<void>;

  constructor(options: RedisPusherStateOptions) {
    this.#options = options;
    this.#redis = options.redis;
    this.#now = options.now ?? Date.now;
    const ttlMs = options.ttlSeconds * 1000;
    this.#beatMs = Math.max(100, Math.floor(ttlMs / 3));
    this.#sweepMs = Math.min(1000, Math.max(100, Math.floor(ttlMs / 10)));
    this.#deadAfterMs = ttlMs - 2 * this.#sweepMs;
    this.ready = this.#beat().then(() => this.#sweepDead());
    this.#timers = [
      setInterval(() => void this.#beat(), this.#beatMs),
      setInterval(() => void this.#sweepDead(), this.#sweepMs),
    ];
    for (const timer of this.#timers) timer.unref();
  }

  #app(appId: string): string {
    return `${this.#options.prefix}:pusher:${appId}`;
  }

  #node(appId: string, nodeId = this.#options.nodeId): string {
    return `${this.#app(appId)}:n:${nodeId}`;
  }

  get #nodesKey(): string {
    return `${this.#options.prefix}:pusher:nodes`;
  }

  async #beat(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#redis.zadd(this.#nodesKey, this.#now(), this.#options.nodeId);
    } catch {
      // Redis is down: the next beat tries again; ioredis reports the error on its own listener.
    }
  }

  async #sweepDead(): Promise<void> {
    if (this.#closed) return;
    try {
      const dead = await this.#redis.zrangebyscore(this.#nodesKey, 0, this.#now() - this.#deadAfterMs);
      for (const nodeId of dead) {
        if (nodeId === this.#options.nodeId) continue;
        // ZREM succeeds on exactly one node: that node undoes the dead node's share and reports it.
        if ((await this.#redis.zrem(this.#nodesKey, nodeId)) !== 1) continue;
        for (const orphans of await this.#sweep(nodeId)) this.#orphanHandler(orphans);
      }
    } catch {
      // Redis is down: the next tick tries again; ioredis reports the error on its own listener.
    }
  }

  async #sweep(nodeId: string): Promise<Orphans[]> {
    const result: Orphans[] = [];
    for (const appId of this.#options.appIds) {
      const [vacated, removed] = (await this.#redis.eval(SWEEP, 0, this.#app(appId), nodeId)) as [
        string[],
        string[],
      ];
      if (vacated.length === 0 && removed.length === 0) continue;
      result.push({
        appId,
        vacated,
        removed: removed.map((field) => {
          const sep = field.indexOf('\n');
          return { channel: field.slice(0, sep), userId: field.slice(sep + 1) };
        }),
      });
    }
    return result;
  }

  async addSubscription(appId: string, channel: string): Promise<number> {
    return Number(
      await this.#redis.eval(
        ADD,
        2,
        `${this.#app(appId)}:subs`,
        `${this.#node(appId)}:subs`,
        channel,
        channel,
      ),
    );
  }

  async removeSubscription(appId: string, channel: string): Promise<number> {
    return Number(
      await this.#redis.eval(
        REMOVE,
        2,
        `${this.#app(appId)}:subs`,
        `${this.#node(appId)}:subs`,
        channel,
        channel,
      ),
    );
  }

  async addMember(
    appId: string,
    channel: string,
    userId: string,
    userInfo: unknown,
    maxMembers = Number.MAX_SAFE_INTEGER,
  ): Promise<number | 'full'> {
    const app = this.#app(appId);
    const count = Number(
      await this.#redis.eval(
        ADD_MEMBER,
        3,
        `${app}:m:${channel}`,
        `${this.#node(appId)}:m`,
        `${app}:i:${channel}`,
        userId,
        `${channel}\n${userId}`,
        JSON.stringify(userInfo ?? null),
        maxMembers,
      ),
    );
    return count === -2 ? 'full' : count;
  }

  async removeMember(appId: string, channel: string, userId: string): Promise<number> {
    const app = this.#app(appId);
    return Number(
      await this.#redis.eval(
        REMOVE,
        3,
        `${app}:m:${channel}`,
        `${this.#node(appId)}:m`,
        `${app}:i:${channel}`,
        userId,
        `${channel}\n${userId}`,
      ),
    );
  }

  async updateMember(appId: string, channel: string, userId: string, userInfo: unknown): Promise<boolean> {
    const app = this.#app(appId);
    const changed = await this.#redis.eval(
      UPDATE_MEMBER,
      2,
      `${app}:m:${channel}`,
      `${app}:i:${channel}`,
      userId,
      JSON.stringify(userInfo ?? null),
    );
    return Number(changed) === 1;
  }

  async members(appId: string, channel: string): Promise<Map<string, unknown>> {
    const raw = await this.#redis.hgetall(`${this.#app(appId)}:i:${channel}`);
    return new Map(Object.entries(raw).map(([userId, info]) => [userId, JSON.parse(info) as unknown]));
  }

  async memberCount(appId: string, channel: string): Promise<number> {
    return this.#redis.hlen(`${this.#app(appId)}:m:${channel}`);
  }

  async isMember(appId: string, channel: string, userId: string): Promise<boolean> {
    return (await this.#redis.hexists(`${this.#app(appId)}:m:${channel}`, userId)) === 1;
  }

  async subscriptionCount(appId: string, channel: string): Promise<number> {
    return Number((await this.#redis.hget(`${this.#app(appId)}:subs`, channel)) ?? 0);
  }

  async channels(appId: string): Promise<Map<string, number>> {
    const raw = await this.#redis.hgetall(`${this.#app(appId)}:subs`);
    return new Map(
      Object.entries(raw)
        .map(([channel, count]) => [channel, Number(count)] as const)
        .filter(([, count]) => count > 0),
    );
  }

  async addConnection(appId: string): Promise<number> {
    return Number(
      await this.#redis.eval(CONNECTIONS, 2, `${this.#app(appId)}:conns`, `${this.#node(appId)}:conns`, 1),
    );
  }

  async removeConnection(appId: string): Promise<number> {
    return Number(
      await this.#redis.eval(CONNECTIONS, 2, `${this.#app(appId)}:conns`, `${this.#node(appId)}:conns`, -1),
    );
  }

  onOrphans(handler: (orphans: Orphans) => void): void {
    this.#orphanHandler = handler;
  }

  /** Leaves the cluster: whatever this node still holds is undone now rather than after the TTL. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    try {
      await this.#redis.zrem(this.#nodesKey, this.#options.nodeId);
      await this.#sweep(this.#options.nodeId);
    } catch {
      // Redis is gone; the other nodes sweep this node's share after the TTL.
    }
  }
}
