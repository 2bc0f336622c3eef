import { randomId } from '../random-id';
import type { OutboxRecord, OutboxStore } from './outbox-store';
import type { HeldLock, TabLocks } from './tab-locks';

/** The most unacknowledged changes one tab keeps for an order; past it new edits are refused, never dropped. */
export const OUTBOX_LIMIT = 500;

export type DurableOutboxOptions = {
  store: OutboxStore;
  /** Null where the browser has no Web Locks: the tab then replays only what is not another live tab's. */
  locks: TabLocks | null;
  entityId: string;
  userId: string;
  /** This page's slot (a new one per page load). */
  slot?: string;
  limit?: number;
  /** A write to storage failed (quota, private mode): the edits stay in memory, and the person is told. */
  onError?: (error: unknown) => void;
};

/**
 * One tab's durable outbox for one order, and its share in the browser's: every tab writes its own unacknowledged
 * edits to its own slot, write-through (no edit of a crashed tab is lost, owner or not); one tab at a time owns the
 * order's outbox (the Web Lock `osl-outbox:{user}:{order}`) and only the owner replays what other pages left
 * behind. A page's slot is left behind once its tab lock (`osl-outbox-tab:{slot}`, held for the page's life) is
 * free: the browser frees it when the page reloads, closes or crashes, so the owner waits on it and adopts the
 * slot then, never while its page can still write.
 */
export function createDurableOutbox(options: DurableOutboxOptions) {
  const { store, locks, entityId, userId } = options;
  const slot = options.slot ?? randomId();
  const limit = options.limit ?? OUTBOX_LIMIT;
  const ownerName = `osl-outbox:${userId}:${entityId}`;
  const channel = `osl-outbox:${userId}:${entityId}`;
  const tabName = (s: string) => `osl-outbox-tab:${s}`;
  let abort = new AbortController();
  const held: HeldLock[] = [];
  /** Foreign slots whose page is being waited for, or already adopted. */
  const watched = new Set<string>();
  let owner = false;
  let stopped = false;
  let onAdopt: (records: OutboxRecord[]) => void = () => {};
  let onError = options.onError ?? (() => {});
  let unlisten: () => void = () => {};

  // Write-through, one write at a time; a newer state replaces one not yet written (it contains it).
  type Write = { record: OutboxRecord | null; absorbed: string[] };
  let next: Write | null = null;
  let writing: Promise<void> | null = null;
  let stored = false;

  async function drain() {
    while (next) {
      const { record, absorbed } = next;
      next = null;
      try {
        if (record) {
          await store.save(record, absorbed);
          if (!stored && locks) locks.post(channel);
          stored = true;
        } else if (stored || absorbed.length > 0) {
          await store.remove(entityId, userId, [slot, ...absorbed]);
          stored = false;
        }
      } catch (error) {
        onError(error);
      }
    }
  }

  function startWriting() {
    // Cleared asynchronously (also when nothing needed an await), and restarted if a write came in meanwhile.
    writing = drain().finally(() => {
      writing = null;
      if (next && !stopped) startWriting();
    });
  }

  /** Loads the slots left behind and hands over those whose page is gone (waiting, in line, for the rest). */
  async function scan(immediate: boolean): Promise<OutboxRecord[]> {
    if (stopped) return [];
    let loaded: OutboxRecord[];
    try {
      loaded = await store.load(entityId, userId);
    } catch (error) {
      onError(error);
      return [];
    }
    const records = loaded.filter((r) => r.slot !== slot && !watched.has(r.slot));
    const now: OutboxRecord[] = [];
    for (const record of records) {
      if (watched.has(record.slot)) continue; // another scan got to it while this one loaded
      watched.add(record.slot);
      if (!locks) {
        now.push(record);
        continue;
      }
      const free = await locks.acquire(tabName(record.slot), { ifAvailable: true });
      if (free) {
        free.release();
        now.push(record);
        continue;
      }
      // Its page is still open: adopt what it leaves when it goes.
      void locks.acquire(tabName(record.slot), { signal: abort.signal }).then(async (gone) => {
        if (!gone) return;
        gone.release();
        if (stopped) return;
        try {
          const left = (await store.load(entityId, userId)).find((r) => r.slot === record.slot);
          if (left && !stopped) onAdopt([left]);
        } catch (error) {
          onError(error);
        }
      });
    }
    if (!immediate && now.length > 0) onAdopt(now);
    return immediate ? now : [];
  }

  return {
    slot,
    limit,
    isOwner: () => owner,
    /** Storage failed (a write, or reading what earlier pages left). */
    onError(listener: (error: unknown) => void) {
      onError = listener;
    },
    /**
     * Takes this page's tab lock and, if no other tab of this person owns the order's outbox, ownership; answers
     * the outboxes left behind that can be replayed now. Later ones (a sibling tab closing, ownership passed on)
     * reach `adopt`.
     */
    async start(adopt: (records: OutboxRecord[]) => void): Promise<OutboxRecord[]> {
      onAdopt = adopt;
      // Started again after a stop (a remount): a fresh start, nothing adopted twice (those slots were absorbed).
      stopped = false;
      abort = new AbortController();
      watched.clear();
      if (!locks) {
        owner = true;
        return scan(true);
      }
      const tab = await locks.acquire(tabName(slot));
      if (tab) held.push(tab);
      const ownership = await locks.acquire(ownerName, { ifAvailable: true });
      unlisten = locks.listen(channel, () => {
        if (owner) void scan(false);
      });
      if (ownership) {
        held.push(ownership);
        owner = true;
        return scan(true);
      }
      // Another tab owns it: wait in line; when it goes, this tab takes over what it left.
      void locks.acquire(ownerName, { signal: abort.signal }).then((lock) => {
        if (!lock) return;
        if (stopped) return lock.release();
        held.push(lock);
        owner = true;
        void scan(false);
      });
      return [];
    },
    /** Writes this tab's state (null: nothing left unacknowledged), removing the absorbed slots with it. */
    write(record: OutboxRecord | null, absorbed: readonly string[] = []) {
      if (stopped) return;
      next = { record, absorbed: [...(next?.absorbed ?? []), ...absorbed] };
      if (!writing) startWriting();
    },
    /** Waits for the last write, then lets go of the locks (the page is going: what is stored is final). */
    async stop() {
      if (stopped) return;
      while (writing) await writing;
      stopped = true;
      unlisten();
      abort.abort();
      for (const lock of held.splice(0)) lock.release();
      owner = false;
    },
  };
}

export type DurableOutbox = ReturnType<typeof createDurableOutbox>;
