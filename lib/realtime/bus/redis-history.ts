import type { Redis } from 'ioredis';
import { z } from 'zod';
import { newEpoch, POSITION_TTL_MS } from './memory-history';
import { LuaScript } from './redis-scripts';
import type { EventTemplate, HistoryOptions, HistoryStore, Position, StoredEvent } from './types';

// KEYS: meta hash {e: epoch, s: seq}, history sorted set (score seq, member "ts|frame").
// A lost meta hash (Redis restart, expiry) gets a new epoch, so no client mistakes the new seq for the old one.
const APPEND = new LuaScript(
  `
local ep = redis.call('HGET', KEYS[1], 'e')
if not ep then
  ep = ARGV[1]
  redis.call('HSET', KEYS[1], 'e', ep, 's', 0)
  redis.call('DEL', KEYS[2])
end
local seq = redis.call('HINCRBY', KEYS[1], 's', 1)
local frame = ARGV[2] .. ep .. '","seq":' .. seq .. ARGV[3]
redis.call('ZADD', KEYS[2], seq, ARGV[4] .. '|' .. frame)
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[5]) + 1))
redis.call('PEXPIRE', KEYS[2], ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
return {ep, seq, frame}
`,
  2,
);

const HEAD = new LuaScript(
  `
local ep = redis.call('HGET', KEYS[1], 'e')
if not ep then
  ep = ARGV[1]
  redis.call('HSET', KEYS[1], 'e', ep, 's', 0)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  redis.call('DEL', KEYS[2])
  return {ep, 0}
end
return {ep, tonumber(redis.call('HGET', KEYS[1], 's'))}
`,
  2,
);

const RANGE = new LuaScript(
  `
local ep = redis.call('HGET', KEYS[1], 'e')
if ep ~= ARGV[1] then return false end
return redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[2], ARGV[3])
`,
  2,
);

/** The scripts' replies, checked: a reply of another shape (another script version) is an error, not a guess. */
const appendReply = z.tuple([z.string(), z.coerce.number(), z.string()]);
const headReply = z.tuple([z.string(), z.coerce.number()]);
const rangeReply = z.array(z.string()).nullable();

export class RedisHistory implements HistoryStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly options: HistoryOptions,
    private readonly now: () => number = Date.now,
  ) {}

  private keys(key: string): [string, string] {
    return [`${this.prefix}:ch:${key}:m`, `${this.prefix}:ch:${key}:h`];
  }

  async append(key: string, template: EventTemplate, ts: number): Promise<Position & { frame: string }> {
    const [meta, hist] = this.keys(key);
    const [epoch, seq, frame] = appendReply.parse(
      await APPEND.run(
        this.redis,
        [meta, hist],
        [
          newEpoch(),
          template.head,
          template.tail,
          ts,
          this.options.size,
          this.options.ttlSeconds * 1000,
          POSITION_TTL_MS,
        ],
      ),
    );
    return { epoch, seq, frame };
  }

  async head(key: string): Promise<Position> {
    const [meta, hist] = this.keys(key);
    const [epoch, seq] = headReply.parse(
      await HEAD.run(this.redis, [meta, hist], [newEpoch(), POSITION_TTL_MS]),
    );
    return { epoch, seq };
  }

  async range(key: string, epoch: string, after: number, upTo: number): Promise<StoredEvent[] | null> {
    if (after > upTo) return null;
    const [meta, hist] = this.keys(key);
    const rows = rangeReply.parse(await RANGE.run(this.redis, [meta, hist], [epoch, after, upTo]));
    if (!rows) return null;
    const oldest = this.now() - this.options.ttlSeconds * 1000;
    const events: StoredEvent[] = [];
    let expected = after + 1;
    for (const row of rows) {
      const bar = row.indexOf('|');
      const ts = Number(row.slice(0, bar));
      const frame = row.slice(bar + 1);
      const seq = seqOf(frame);
      if (seq !== expected || ts < oldest) return null;
      events.push({ seq, ts, frame });
      expected++;
    }
    return expected === upTo + 1 ? events : null;
  }

  async close(): Promise<void> {}
}

/** The seq inside an encoded event frame (the store wrote it, so the shape is known). */
export function seqOf(frame: string): number {
  const at = frame.indexOf('","seq":');
  if (at === -1) return -1;
  return Number.parseInt(frame.slice(at + 8, at + 24), 10);
}
