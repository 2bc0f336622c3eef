import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable } from '../../../e2e/support/services';
import { createTestDatabase, type TestDatabase, type TestDbKind } from '../../../e2e/support/test-db';
import { users } from '../../db/schema';
import { loadSyncFixture } from '../../sync/service/testing';
import { createLastSeenWriter } from './last-seen';

const kinds: TestDbKind[] = ['pglite'];
if (await postgresAvailable()) kinds.push('postgres');

describe.each(kinds)('last seen, written in batches (%s)', (kind) => {
  let database: TestDatabase;
  let fixture: Awaited<ReturnType<typeof loadSyncFixture>>;
  const warnings: object[] = [];
  const logger = { warn: (fields: object) => warnings.push(fields) };

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    fixture = await loadSyncFixture(database);
  });
  afterAll(() => database.drop());

  const seen = async (ids: string[]) =>
    new Map(
      (
        await database.db
          .select({ id: users.id, at: users.lastSeenAt })
          .from(users)
          .where(inArray(users.id, ids))
      ).map((row) => [row.id, row.at?.getTime() ?? null]),
    );

  it('writes everyone who left since the last flush in one statement, each once', async () => {
    const anna = fixture.user('anna@siam.example').id;
    const napa = fixture.user('napa@siam.example').id;
    const admin = fixture.user('admin@siam.example').id;
    await database.db
      .update(users)
      .set({ lastSeenAt: null })
      .where(inArray(users.id, [anna, napa, admin]));
    const writer = createLastSeenWriter(database, logger, { intervalMs: 60_000 });
    const before = Date.now() - 60_000; // the database's clock, not this one, stamps the write
    writer.left(anna);
    writer.left(napa);
    writer.left(anna);
    // Nothing is written before the flush.
    expect([...(await seen([anna, napa])).values()]).toEqual([null, null]);
    await writer.flush();
    const after = await seen([anna, napa, admin]);
    expect(after.get(anna)).toBeGreaterThan(before);
    expect(after.get(napa)).toBe(after.get(anna)); // one statement, one time
    expect(after.get(admin)).toBeNull();
    expect(warnings).toEqual([]);
  });

  it('flushes by itself after the interval, in batches of at most maxBatch users', async () => {
    const ids = fixture.people.map((person) => person.id);
    await database.db.update(users).set({ lastSeenAt: null }).where(inArray(users.id, ids));
    const writer = createLastSeenWriter(database, logger, { intervalMs: 10, maxBatch: 2 });
    for (const id of ids) writer.left(id);
    await expect.poll(async () => [...(await seen(ids)).values()].filter((at) => at === null).length).toBe(0);
    expect(warnings).toEqual([]);
  });
});
