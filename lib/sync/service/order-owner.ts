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
 * Which node takes a free order is not first come, first served (one node's editors pushing first would take every
 * order, and the other nodes would only forward): each order prefers one of the live nodes, by rendezvous hashing
 * of its id over their ids (`preferredOwner`), so the orders spread evenly and a node joining or leaving moves only
 * its share. A node that is not an order's preferred node forwards a push for a free order to the preferred one,
 * which takes it; a node that is sent a push for a free order takes it whatever it prefers (two nodes whose lists of
 * live nodes differ for a moment never send an order back and forth); and a preferred node that does not answer in
 * time (it died and is not yet off the list) loses the order to the node that asked.
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
  /**
   * The ids of the other nodes alive now (their heartbeats): free orders are spread over them and this node.
   * Without it, a free order is taken by the first node that pushes to it.
   */
  otherNodes?: () => Iterable<string>;
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

/** A well-mixed 32-bit hash of an order id on a node (FNV-1a, then murmur3's finalizer). */
function weight(nodeId: string, entityId: string): number {
  let h = 0x811c9dc5;
  const text = `${nodeId}\n${entityId}`;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The node among `nodes` that an order prefers (rendezvous hashing: the same answer on every node with the list). */
export function preferredOwner(entityId: string, nodes: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestWeight = -1;
  for (const node of nodes) {
    const w = weight(node, entityId);
    if (w > bestWeight || (w === bestWeight && best !== undefined && node < best)) {
      best = node;
      bestWeight = w;
    }
  }
  return best;
}

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

  const preferred = (entityId: string) =>
    (deps.otherNodes && preferredOwner(entityId, [deps.nodeId, ...deps.otherNodes()])) || deps.nodeId;

  /**
   * The node that owns the order now: this one when it holds (or just took, or renewed) the lease; another when it
   * holds the lease, or, for a free order, when the order prefers it (`held: false`: nobody holds it yet). With
   * `take`, a free order is taken here whatever it prefers.
   */
  async function ownerOf(entityId: string, take = false): Promise<{ node: string; held: boolean }> {
    const cached = known.get(entityId);
    if (cached && cached.until > now() && !(take && cached.node !== deps.nodeId))
      return { node: cached.node, held: true };
    if (cached?.node === deps.nodeId) {
      // Ours until half the lease: renewed while edits keep coming.
      const renewed = await deps.redis.eval(RENEW, 1, key(entityId), deps.nodeId, String(leaseMs));
      if (renewed === 1) {
        remember(entityId, deps.nodeId, leaseMs / 2);
        return { node: deps.nodeId, held: true };
      }
    }
    // The node a free order goes to: this one when told to take it, else the one the order prefers.
    const target = take ? deps.nodeId : preferred(entityId);
    const mine = target === deps.nodeId;
    if (mine) {
      const taken = await deps.redis.set(key(entityId), deps.nodeId, 'PX', leaseMs, 'NX');
      if (taken === 'OK') {
        remember(entityId, deps.nodeId, leaseMs / 2);
        return { node: deps.nodeId, held: true };
      }
    }
    const holder = await deps.redis.get(key(entityId));
    if (holder === null) {
      if (mine) return ownerOf(entityId, take); // it ran out just now
      // Free, and another node's to take: the push goes there (not remembered: that node may be gone).
      return { node: target, held: false };
    }
    if (holder === deps.nodeId) {
      remember(entityId, deps.nodeId, leaseMs / 2);
      return { node: deps.nodeId, held: true };
    }
    // Another node's: trusted briefly (a forwarded push that finds it moved is sent again).
    remember(entityId, holder, Math.min(1_000, leaseMs / 4));
    return { node: holder, held: true };
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
    // Set once a free order's preferred node did not answer: this node takes the order itself.
    let take = false;
    for (let attempt = 0; attempt < 3; attempt++) {
      let owner: { node: string; held: boolean };
      try {
        owner = await ownerOf(params.entityId, take);
      } catch (error) {
        // Redis is down: the database still serializes the order's writes; run it here.
        deps.onError?.(error);
        return deps.run(ctx, params);
      }
      if (owner.node === deps.nodeId) return deps.run(ctx, params);
      const answer = await forward(ctx, params, owner.node);
      if (answer?.result) return answer.result;
      known.delete(params.entityId);
      if (!answer) {
        // No answer in time: a lease holder keeps the order until its lease runs out; a free order is taken here.
        if (owner.held) break;
        take = true;
      }
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
        // Still ours, or free (then it is taken here)? Else the lease moved since the sender looked: it asks again.
        if ((await ownerOf(message.params.entityId, true)).node !== deps.nodeId)
          return void reply({ notOwner: true });
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
