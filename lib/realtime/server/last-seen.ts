import type { Database } from '../../db/create-db';
import { prepareTouchLastSeenMany } from '../../db/queries/users';

export type LastSeenWriter = {
  /** The user's last connection on this node closed: their "last seen" becomes now (written with the next flush). */
  left(userId: string): void;
  /** Writes what is waiting now (at shutdown; otherwise a timer does it). */
  flush(): Promise<void>;
};

type Logger = { warn(fields: object, message: string): void };

/**
 * "Last seen" for people leaving, written in batches: one prepared UPDATE per `intervalMs` for every user who left
 * meanwhile, instead of a statement built and sent per person. A reconnect storm (a deploy, a network blip) closes
 * thousands of sockets at once; written one by one, their UPDATEs queued on the pool behind everything else and
 * cost the process a query build each. The time written is the database's at the flush, at most `intervalMs` after
 * the person left. A failed write is logged and the users are tried again with the next flush.
 */
export function createLastSeenWriter(
  database: Database,
  logger: Logger,
  options: { intervalMs?: number; maxBatch?: number } = {},
): LastSeenWriter {
  const intervalMs = options.intervalMs ?? 1_000;
  const maxBatch = options.maxBatch ?? 1_000;
  const byIds = prepareTouchLastSeenMany(database.db);
  const waiting = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  async function write(ids: string[]): Promise<void> {
    try {
      await byIds.execute({ ids });
    } catch (error) {
      logger.warn({ err: (error as Error).message, users: ids.length }, 'last seen not saved');
      for (const id of ids) waiting.add(id);
    }
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const ids = [...waiting];
    waiting.clear();
    // One write at a time, in order; each takes at most `maxBatch` users.
    for (let i = 0; i < ids.length; i += maxBatch) {
      const batch = ids.slice(i, i + maxBatch);
      writing = writing.then(() => write(batch));
    }
    return writing;
  }

  return {
    left(userId) {
      waiting.add(userId);
      if (timer) return;
      timer = setTimeout(() => void flush(), intervalMs);
      timer.unref();
    },
    flush,
  };
}
