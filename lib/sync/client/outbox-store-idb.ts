import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import { type OutboxRecord, type OutboxStore, parseOutboxRecord } from './outbox-store';

const DB_NAME = 'omni-sales-outbox';
const STORE = 'outboxes';

interface OutboxDb extends DBSchema {
  outboxes: { key: [string, string, string]; value: unknown };
}

/**
 * Outboxes in IndexedDB (browser only): one object store keyed by [userId, entityId, slot]. A save and the removal
 * of the slots it absorbed are one transaction, so a crash leaves either the old outboxes or the merged one.
 */
export function createIndexedDbOutboxStore(name = DB_NAME): OutboxStore {
  let db: Promise<IDBPDatabase<OutboxDb>> | null = null;
  const open = () => {
    db ??= openDB<OutboxDb>(name, 1, {
      upgrade(database) {
        database.createObjectStore(STORE);
      },
    });
    return db;
  };
  const range = (entityId: string, userId: string) =>
    IDBKeyRange.bound([userId, entityId, ''], [userId, entityId, '\uffff']);
  return {
    async load(entityId: string, userId: string) {
      const values = await (await open()).getAll(STORE, range(entityId, userId));
      const records: OutboxRecord[] = [];
      for (const value of values) {
        const record = parseOutboxRecord(value);
        if (record) records.push(record);
      }
      return records.sort((a, b) => a.savedAt - b.savedAt);
    },
    async save(record: OutboxRecord, absorbed: readonly string[] = []) {
      const tx = (await open()).transaction(STORE, 'readwrite');
      for (const slot of absorbed) void tx.store.delete([record.userId, record.entityId, slot]);
      void tx.store.put(record, [record.userId, record.entityId, record.slot]);
      await tx.done;
    },
    async remove(entityId: string, userId: string, slots: readonly string[]) {
      const tx = (await open()).transaction(STORE, 'readwrite');
      for (const slot of slots) void tx.store.delete([userId, entityId, slot]);
      await tx.done;
    },
  };
}
