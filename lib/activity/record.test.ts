import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../e2e/support/test-db';
import { activityEvents } from '../db/schema';
import { createEventSink, loadSyncFixture } from '../sync/service/testing';
import { type ActivityInput, flushActivityRuns, recordActivity } from './record';
import type { ActivityView } from './types';

describe('recordActivity coalescing', () => {
  let database: TestDatabase;
  let tenantId: string;
  let actor: { id: string; name: string };
  const sink = createEventSink();

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    const fixture = await loadSyncFixture(database);
    tenantId = fixture.tenantId;
    const anna = fixture.user('anna@siam.example');
    actor = { id: anna.id, name: anna.name };
  });
  afterAll(() => database.drop());

  const edit = (entityId: string, field: string, before: string, after: string): ActivityInput => ({
    tenantId,
    actor,
    action: 'updated',
    entityType: 'order',
    entityId,
    changes: { [field]: { before, after } },
    meta: { strategy: 'operational-transform' },
    coalesce: `${actor.id}:order:${entityId}:${field}`,
  });
  const rowsOf = (entityId: string) =>
    database.db.select().from(activityEvents).where(eq(activityEvents.entityId, entityId));

  it('folds a run of edits to one field into one entry, broadcast again under the same id', async () => {
    const entityId = 'order-coalesce-1';
    const first = await recordActivity(
      { db: database.db, publish: sink.publish },
      edit(entityId, 'notes', '', 'a'),
    );
    expect(first).not.toBeNull();
    // Recorded without awaiting, as the sync service does after each commit of a batch.
    await Promise.all([
      recordActivity({ db: database.db, publish: sink.publish }, edit(entityId, 'notes', 'a', 'ab')),
      recordActivity({ db: database.db, publish: sink.publish }, edit(entityId, 'notes', 'ab', 'abc')),
    ]);
    await flushActivityRuns();
    const rows = await rowsOf(entityId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.changes).toEqual({ notes: { before: '', after: 'abc' } });
    expect(rows[0]!.meta).toMatchObject({ edits: 3, strategy: 'operational-transform' });
    const broadcasts = sink.events
      .filter((e) => e.channel === 'activity')
      .map((e) => e.data as ActivityView)
      .filter((v) => v.entityId === entityId);
    expect(broadcasts.map((v) => v.id)).toEqual([first!.id, first!.id]);
    expect(broadcasts.at(-1)!.meta).toMatchObject({ edits: 3 });
  });

  it('keeps other fields, edits while the first insert is pending, and notices apart', async () => {
    const entityId = 'order-coalesce-2';
    const deps = { db: database.db, publish: sink.publish };
    await Promise.all([
      recordActivity(deps, edit(entityId, 'notes', '', 'x')),
      recordActivity(deps, edit(entityId, 'notes', 'x', 'xy')),
      recordActivity(deps, edit(entityId, 'shippingAddress', 'a', 'b')),
    ]);
    const { coalesce: _key, ...plain } = edit(entityId, 'notes', 'xy', 'xyz');
    await recordActivity(deps, plain);
    await flushActivityRuns();
    const rows = await rowsOf(entityId);
    expect(rows).toHaveLength(3);
    const notes = rows.filter((r) => r.changes && 'notes' in r.changes);
    expect(
      notes.map((r) => r.changes?.notes).sort((a, b) => String(a?.after).localeCompare(String(b?.after))),
    ).toEqual([
      { before: '', after: 'xy' },
      { before: 'xy', after: 'xyz' },
    ]);
  });
});
