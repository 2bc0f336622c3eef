import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { errorCodeList } from '../../realtime/protocol/codes';
import { type SyncParams, syncParams } from '../protocol';
import { fail, type SyncContext, type SyncResult } from './context';

/**
 * One node at a time writes an order (its owner), so that order's edits are judged from one node's memory (the
 * order log) and its room hears them in commit order. The owner holds a lease in Redis (`SET NX PX`), renewed while
 * edits flow and let go when they stop; a push that reaches another node is forwarded to the owner over the bus
 * and its answer comes back the same way.
 *
 * Ownership is how the work is shared, never what keeps it right: every commit still locks the order row and
 * checks its version, so two nodes that both believe they own an order (a lease that ran out mid-push) are
 * still serialized by the database. An owner that does not answer in time (it died, or the bus is down) makes the
 * push answer UNAVAILABLE with a pause: the client sends the same push again (same client change ids, so it
 * applies once), and once the dead owner's lease has run out the next node takes the order.
 */

export type OwnerBus = {
  publish(topic: string, payload: string): Promise<void>;
  on(topic: string, handler: (payload: string) => void): void;
};

export type OrderOwnersDeps = {
  redis: Redis;
  prefix: string;
  nodeId: string;
  bus: OwnerBus;
  /** The push as this node runs it when it owns the order. */
  run: (ctx: SyncContext, params: SyncParams<'sync.push'>) => Promise<SyncResult<unknown>>;
  leaseMs?: number;
  /** How long a forwarded push may wait for the owner's answer. */
  timeoutMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
};

const FORWARD = 'sync.forward';
const ANSWER = 'sync.forward.answer';

const userSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(['admin', 'sales', 'viewer']),
  tenantId: z.string(),
});
const forwardSchema = z.object({
  id: z.string(),
  to: z.string(),
  from: z.string(),
  ctx: z.object({ user: userSchema, connectionId: z.string().nullable() }),
  params: syncParams['sync.push'],
});
const answerSchema = z.object({
  id: z.string(),
  to: z.string(),
  notOwner: z.boolean().optional(),
  result: z
    .union([
      z.object({ ok: z.literal(true), value: z.unknown() }),
      z.object({
        ok: z.literal(false),
        error: z.object({
          code: z.enum(errorCodeList),
          message: z.string(),
          details: z.unknown().optional(),
        }),
      }),
    ])
    .optional(),
});

// Renews the lease only while this node still holds it.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export function createOrderOwners(deps: OrderOwnersDeps) {
  const leaseMs = deps.leaseMs ?? 10_000;
  const timeoutMs = deps.timeoutMs ?? 3_000;
  const now = deps.now ?? Date.now;
  const key = (entityId: string) => `${deps.prefix}:sync:owner:${entityId}`;
  /** What this node knows of each order's owner, and until when it trusts that without asking Redis. */
  const known = new Map<string, { node: string; until: number }>();
  const waiting = new Map<string, (answer: z.infer<typeof answerSchema>) => void>();
  let closed = false;

  const remember = (entityId: string, node: string, forMs: number) => {
    if (known.size > 10_000) known.clear();
    known.set(entityId, { node, until: now() + forMs });
  };

  /** The node that owns the order now: this one when it holds (or just took, or renewed) the lease. */
  async function ownerOf(entityId: string): Promise<string> {
    const cached = known.get(entityId);
    if (cached && cached.until > now()) return cached.node;
    if (cached?.node === deps.nodeId) {
      // Ours until half the lease: renewed while edits keep coming.
      const renewed = await deps.redis.eval(RENEW, 1, key(entityId), deps.nodeId, String(leaseMs));
      if (renewed === 1) {
        remember(entityId, deps.nodeId, leaseMs / 2);
        return deps.nodeId;
      }
    }
    const taken = await deps.redis.set(key(entityId), deps.nodeId, 'PX', leaseMs, 'NX');
    if (taken === 'OK') {
      remember(entityId, deps.nodeId, leaseMs / 2);
      return deps.nodeId;
    }
    const holder = await deps.redis.get(key(entityId));
    if (holder === null) return ownerOf(entityId); // it ran out just now
    if (holder === deps.nodeId) {
      remember(entityId, deps.nodeId, leaseMs / 2);
      return deps.nodeId;
    }
    // Another node's: trusted briefly (a forwarded push that finds it moved is sent again).
    remember(entityId, holder, Math.min(1_000, leaseMs / 4));
    return holder;
  }

  async function forward(ctx: SyncContext, params: SyncParams<'sync.push'>, owner: string) {
    const id = randomUUID();
    const answered = new Promise<z.infer<typeof answerSchema> | null>((resolve) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        resolve(null);
      }, timeoutMs);
      waiting.set(id, (answer) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(answer);
      });
    });
    const { id: userId, name, role, tenantId } = ctx.user;
    const message = {
      id,
      to: owner,
      from: deps.nodeId,
      ctx: { user: { id: userId, name, role, tenantId }, connectionId: ctx.connectionId },
      params,
    };
    try {
      await deps.bus.publish(FORWARD, JSON.stringify(message));
    } catch (error) {
      deps.onError?.(error);
      waiting.get(id)?.({ id, to: deps.nodeId });
    }
    return answered;
  }

  async function push(ctx: SyncContext, params: SyncParams<'sync.push'>): Promise<SyncResult<unknown>> {
    for (let attempt = 0; attempt < 3; attempt++) {
      let owner: string;
      try {
        owner = await ownerOf(params.entityId);
      } catch (error) {
        // Redis is down: the database still serializes the order's writes; run it here.
        deps.onError?.(error);
        return deps.run(ctx, params);
      }
      if (owner === deps.nodeId) return deps.run(ctx, params);
      const answer = await forward(ctx, params, owner);
      if (answer?.result) return answer.result;
      known.delete(params.entityId);
      if (!answer) break; // no answer in time
    }
    return fail('UNAVAILABLE', 'The order is busy on another server; sending again shortly', {
      reason: 'owner_unreachable',
      retryAfterMs: 500,
    });
  }

  deps.bus.on(FORWARD, (payload) => {
    const message = parse(forwardSchema, payload, deps.onError);
    if (!message || message.to !== deps.nodeId || closed) return;
    void (async () => {
      const reply = (answer: Omit<z.infer<typeof answerSchema>, 'id' | 'to'>) =>
        deps.bus
          .publish(ANSWER, JSON.stringify({ id: message.id, to: message.from, ...answer }))
          .catch((error: unknown) => deps.onError?.(error));
      try {
        // Still ours? (The lease may have moved since the sender looked.) Else it asks again.
        if ((await ownerOf(message.params.entityId)) !== deps.nodeId) return void reply({ notOwner: true });
        await reply({ result: await deps.run(message.ctx, message.params) });
      } catch (error) {
        deps.onError?.(error);
        await reply({ result: fail('INTERNAL', 'The push failed on the order’s server') });
      }
    })();
  });

  deps.bus.on(ANSWER, (payload) => {
    const answer = parse(answerSchema, payload, deps.onError);
    if (!answer || answer.to !== deps.nodeId) return;
    waiting.get(answer.id)?.(answer);
  });

  return {
    push,
    /** Lets go of every order this node owns (a clean shutdown hands them over at once). */
    async close() {
      closed = true;
      const mine = [...known].filter(([, owner]) => owner.node === deps.nodeId).map(([entityId]) => entityId);
      known.clear();
      await Promise.all(
        mine.map((entityId) =>
          deps.redis
            .eval(RELEASE, 1, key(entityId), deps.nodeId)
            .catch((error: unknown) => deps.onError?.(error)),
        ),
      );
    },
  };
}

function parse<S extends z.ZodType>(
  schema: S,
  payload: string,
  onError?: (error: unknown) => void,
): z.infer<S> | null {
  try {
    const parsed = schema.safeParse(JSON.parse(payload));
    if (parsed.success) return parsed.data;
    onError?.(new Error('malformed sync forward message'));
  } catch (error) {
    onError?.(error);
  }
  return null;
}

export type OrderOwners = ReturnType<typeof createOrderOwners>;
