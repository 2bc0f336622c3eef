import { randomUUID } from 'node:crypto';
import type { Db } from '../db/create-db';
import {
  claimOutboxAggregate,
  pendingOutboxAggregates,
  pruneOutbox,
  releaseOutboxAggregate,
} from '../db/queries/outbox';
import type { OutboxRow } from '../db/schema';
import type { Logger } from '../logger';

export type OutboxPublish = (input: {
  tenantId: string;
  channel: string;
  event: string;
  data: unknown;
  actor?: { id: string; name: string };
}) => Promise<unknown>;

/** A hole in an aggregate's seqs: the relay stops there (never skips) until the missing event appears. */
export type OutboxGap = { aggregate: string; expected: number; found: number | null; lastSeq: number };

export type OutboxRelayOptions = {
  db: Db;
  publish: OutboxPublish;
  logger?: Logger;
  /** How often pending events are looked for without a flush (a crash's leftovers, a failed publish). */
  intervalMs?: number;
  /** How long a claim on an aggregate holds; a relay that died holding one is replaced after this. */
  claimMs?: number;
  /** Events of one aggregate published per claim. */
  batch?: number;
  /** Published events are deleted after this long. */
  keepMs?: number;
  onGap?: (gap: OutboxGap) => void;
  now?: () => number;
  relayId?: string;
};

export type OutboxRelayStats = { published: number; failures: number; gaps: number };

export type OutboxRelay = {
  /** Publishes everything committed so far (resolves once a drain that started after the call has finished). */
  flush(): Promise<void>;
  /** Looks for pending events every `intervalMs` until stopped. */
  start(): void;
  stop(): Promise<void>;
  stats(): OutboxRelayStats;
};

/**
 * Publishes the outbox (lib/db/schema/outbox.ts): aggregate by aggregate, oldest pending first, each aggregate's
 * events in seq order. A publish that fails leaves the rest of that aggregate for the next drain; a missing seq
 * stops the aggregate and is reported (logged, counted, `onGap`). Several relays (one per process) share the work
 * through claims; an event may be published twice after a crash, never lost and never out of order.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const now = options.now ?? Date.now;
  const relayId = options.relayId ?? randomUUID();
  const intervalMs = options.intervalMs ?? 1000;
  const claimMs = options.claimMs ?? 30_000;
  const batch = options.batch ?? 100;
  const keepMs = options.keepMs ?? 10 * 60_000;
  const stats: OutboxRelayStats = { published: 0, failures: 0, gaps: 0 };
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let stopped = false;
  let lastPrune = 0;

  async function publishRows(rows: OutboxRow[], from: number, lastSeq: number, aggregate: string) {
    let expected = from + 1;
    const ids: number[] = [];
    for (const row of rows) {
      if (row.seq !== expected) break;
      try {
        await options.publish({
          tenantId: row.tenantId,
          channel: row.channel,
          event: row.event,
          data: row.data,
          ...(row.actor ? { actor: row.actor } : {}),
        });
      } catch (error) {
        stats.failures++;
        options.logger?.warn({ err: String(error), aggregate, seq: row.seq }, 'outbox publish failed');
        return { ids, seq: expected - 1, failed: true };
      }
      stats.published++;
      ids.push(row.id);
      expected++;
    }
    // Heads and rows commit together, so every seq up to lastSeq must be there: one that is not is a gap.
    const missing = ids.length < rows.length || (rows.length < batch && expected <= lastSeq);
    if (missing) {
      const found = rows[ids.length]?.seq ?? null;
      const gap: OutboxGap = { aggregate, expected, found, lastSeq };
      stats.gaps++;
      options.logger?.error(gap, 'outbox gap: an event of this aggregate is missing; its later events wait');
      options.onGap?.(gap);
    }
    return { ids, seq: expected - 1, failed: missing };
  }

  async function drainAggregate(aggregate: string): Promise<boolean> {
    const claimed = await claimOutboxAggregate(
      options.db,
      aggregate,
      relayId,
      new Date(now()),
      new Date(now() + claimMs),
      batch,
    );
    if (!claimed) return false;
    const done = await publishRows(claimed.rows, claimed.publishedSeq, claimed.lastSeq, aggregate);
    await releaseOutboxAggregate(
      options.db,
      aggregate,
      relayId,
      done.ids.length > 0 ? { seq: done.seq, ids: done.ids } : null,
    );
    // More of this aggregate than one batch: come back for it.
    return !done.failed && done.ids.length === batch;
  }

  async function drain(): Promise<void> {
    const visited = new Set<string>();
    for (;;) {
      const pending = (await pendingOutboxAggregates(options.db, 100)).filter((a) => !visited.has(a));
      if (pending.length === 0) break;
      let progressed = false;
      for (const aggregate of pending) {
        if (stopped) return;
        const more = await drainAggregate(aggregate);
        if (more) progressed = true;
        else visited.add(aggregate);
      }
      if (!progressed) break;
    }
    if (now() - lastPrune > keepMs) {
      lastPrune = now();
      await pruneOutbox(options.db, new Date(now() - keepMs));
    }
  }

  function run(): Promise<void> {
    const task = drain()
      .catch((error: unknown) => {
        stats.failures++;
        options.logger?.warn({ err: String(error) }, 'outbox drain failed; retried on the next tick');
      })
      .finally(() => {
        if (running === task) running = null;
      });
    running = task;
    return task;
  }

  function flush(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (!running) return run();
    // A drain is under way and may have read the pending list before this write committed: one more after it.
    queued ??= running.then(() => {
      queued = null;
      return run();
    });
    return queued;
  }

  return {
    flush,
    start() {
      if (timer || stopped) return;
      timer = setInterval(() => void flush(), intervalMs);
      timer.unref?.();
      void flush();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await queued;
      await running;
    },
    stats: () => ({ ...stats }),
  };
}
