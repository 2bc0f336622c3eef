import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable } from '../../../e2e/support/services';
import { createTestDatabase, type TestDatabase, type TestDbKind } from '../../../e2e/support/test-db';
import { defaultOrderPolicy } from '../policy';
import type { PushedChange } from '../protocol';
import { diffToTextOp } from '../strategies/operational-transform';
import type { SyncContext } from './context';
import { createMemoryLockStore } from './locks/memory-lock-store';
import { createSyncService, type SyncService } from './sync-service';
import { createEventSink, loadSyncFixture } from './testing';

const kinds: TestDbKind[] = ['pglite'];
if (await postgresAvailable()) kinds.push('postgres');

/** Where the promises of the sync service used to fail at the edges (issue "never silently wrong"). */
function edgesSuite(kind: TestDbKind) {
  let database: TestDatabase;
  let service: SyncService;
  let fixture: Awaited<ReturnType<typeof loadSyncFixture>>;
  let other: Awaited<ReturnType<typeof loadSyncFixture>>;
  const sink = createEventSink();
  let anna: SyncContext;
  let admin: SyncContext;
  let olivia: SyncContext;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    service = createSyncService({ database, locks: createMemoryLockStore(), publish: sink.publish });
    fixture = await loadSyncFixture(database);
    other = await loadSyncFixture(database, 'northwind');
    anna = fixture.ctx(fixture.user('anna@siam.example'), 'conn-anna');
    admin = fixture.ctx(fixture.user('admin@siam.example'), 'conn-admin');
    olivia = other.ctx(other.user('olivia@northwind.example'), 'conn-olivia');
  });
  afterAll(() => database.drop());

  async function open(ctx: SyncContext, entityId: string) {
    const opened = await service.open(ctx, { entityType: 'order', entityId });
    if (!opened.ok) throw new Error(opened.error.message);
    return opened.value;
  }

  async function pushNotes(ctx: SyncContext, entityId: string, clientChangeId: string, text: string) {
    const start = await open(ctx, entityId);
    const change: PushedChange = {
      clientChangeId,
      baseVersion: start.version,
      field: 'notes',
      op: { type: 'text', op: diffToTextOp(start.doc.notes, `${start.doc.notes}${text}`) },
    };
    const pushed = await service.push(ctx, { entityType: 'order', entityId, changes: [change] });
    if (!pushed.ok) throw new Error(pushed.error.code);
    return pushed.value;
  }

  async function pushSet(
    ctx: SyncContext,
    entityId: string,
    field: string,
    value: unknown,
    baseVersion: number,
  ) {
    const pushed = await service.push(ctx, {
      entityType: 'order',
      entityId,
      changes: [{ clientChangeId: `set-${Math.random()}`, baseVersion, field, op: { type: 'set', value } }],
    });
    if (!pushed.ok) throw new Error(pushed.error.code);
    return pushed.value.results[0]!;
  }

  describe(`sync service edges on ${kind}`, () => {
    it('never replaces a value written after a conflict was raised unseen; replacing it is on the record', async () => {
      const id = fixture.editableOrderIds[3]!;
      const napa = fixture.ctx(fixture.user('napa@siam.example'), 'conn-napa');
      const admin = fixture.ctx(fixture.user('admin@siam.example'), 'conn-admin');
      const start = await open(anna, id);
      const address = start.doc.shippingAddress;
      await pushSet(anna, id, 'shippingAddress', { ...address, city: 'Anna' }, start.version);
      const raised = await pushSet(napa, id, 'shippingAddress', { ...address, city: 'Napa' }, start.version);
      if (raised.status !== 'conflict') throw new Error('expected a conflict');
      // Later, Anna writes the field again: the conflict is now about an older value.
      const now = await open(anna, id);
      await pushSet(anna, id, 'shippingAddress', { ...address, city: 'Anna later' }, now.version);
      const listed = await service.listConflicts(admin, {
        entityType: 'order',
        entityId: id,
        status: 'open',
        limit: 10,
      });
      const item = listed.ok ? listed.value.items.find((c) => c.conflictId === raised.conflictId) : undefined;
      expect(item?.current).toMatchObject({
        value: { city: 'Anna later' },
        userName: anna.user.name,
        editors: [{ userId: anna.user.id }],
      });
      const refused = await service.resolveConflict(admin, {
        conflictId: raised.conflictId,
        resolution: 'mine',
      });
      expect(refused).toMatchObject({
        ok: false,
        error: {
          code: 'CONFLICT',
          details: { reason: 'changed_since', current: { value: { city: 'Anna later' } } },
        },
      });
      expect((await open(anna, id)).doc.shippingAddress.city).toBe('Anna later');
      const resolved = await service.resolveConflict(admin, {
        conflictId: raised.conflictId,
        resolution: 'mine',
        reviewedVersion: item?.current?.version,
      });
      expect(resolved).toMatchObject({
        ok: true,
        value: { conflict: { overwrote: [{ userId: anna.user.id }] } },
      });
      expect((await open(anna, id)).doc.shippingAddress.city).toBe('Napa');
      const history = await service.history(anna, {
        entityType: 'order',
        entityId: id,
        field: 'shippingAddress',
        limit: 1,
      });
      expect(history.ok && history.value.items[0]).toMatchObject({
        userId: admin.user.id,
        overwrote: { userId: anna.user.id, field: 'shippingAddress' },
      });
      const event = sink.events.findLast((e) => e.event === 'sync.change' && e.channel === `order:${id}`);
      expect(event?.data).toMatchObject({ overwrote: { userId: anna.user.id } });
    });

    it('deduplicates a client change id per order: the same id on another order is a new change', async () => {
      const [first, second] = [fixture.editableOrderIds[0]!, fixture.editableOrderIds[1]!];
      const a = await pushNotes(anna, first, 'same-id', ' one');
      expect(a.results[0]).toMatchObject({ status: 'applied' });
      const before = await open(anna, second);
      const b = await pushNotes(anna, second, 'same-id', ' two');
      expect(b.results[0]).toMatchObject({ status: 'applied', version: before.version + 1 });
      expect((await open(anna, second)).doc.notes.endsWith(' two')).toBe(true);
      // A retry on the first order still answers from the store and writes nothing.
      const retried = await pushNotes(anna, first, 'same-id', ' again');
      expect(retried.results[0]).toEqual(a.results[0]);
      expect((await open(anna, first)).doc.notes.endsWith(' again')).toBe(false);
    });

    it('answers a push for another tenant’s order with NOT_FOUND and none of its changes', async () => {
      const theirs = fixture.editableOrderIds[2]!;
      await pushNotes(anna, theirs, 'secret-edit', ' confidential margin 12%');
      const pushed = await service.push(olivia, {
        entityType: 'order',
        entityId: theirs,
        changes: [
          { clientChangeId: 'probe', baseVersion: 0, field: 'notes', op: { type: 'text', op: ['x'] } },
        ],
      });
      expect(pushed.ok).toBe(true);
      if (!pushed.ok) return;
      expect(pushed.value.results[0]).toMatchObject({ status: 'rejected', code: 'NOT_FOUND' });
      expect(pushed.value.changes).toEqual([]);
      expect(JSON.stringify(pushed.value)).not.toContain('confidential');
      const pulled = await service.pull(olivia, { entityType: 'order', entityId: theirs, sinceVersion: 0 });
      expect(pulled).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    });

    it('refuses a notes edit made before the notes turned crdt and back (its client re-expressed it)', async () => {
      const id = fixture.editableOrderIds[4]!;
      const start = await open(anna, id);
      const line = start.doc.lines[0]!;
      const switchTo = async (sections: typeof defaultOrderPolicy) => {
        expect((await service.setPolicy(admin, { entityType: 'order', sections })).ok).toBe(true);
        await open(admin, id); // the switch enters the order's history
      };
      try {
        await switchTo({ ...defaultOrderPolicy, notes: 'crdt', lines: 'crdt' });
        await switchTo(defaultOrderPolicy);
        const late: PushedChange = {
          clientChangeId: 'made-before-the-switches',
          baseVersion: start.version,
          field: 'notes',
          op: { type: 'text', op: diffToTextOp(start.doc.notes, `${start.doc.notes} once`) },
        };
        const pushed = await service.push(anna, { entityType: 'order', entityId: id, changes: [late] });
        expect(pushed.ok && pushed.value.results[0]).toMatchObject({
          status: 'rejected',
          code: 'STALE_VERSION',
          details: { reason: 'policy_changed' },
        });
        // The same edit made after the switches is taken; a whole value keeps the base it was made on.
        expect((await pushNotes(anna, id, 'again', ' once')).results[0]).toMatchObject({ status: 'applied' });
        expect(
          await pushSet(anna, id, `lines.${line.id}.quantity`, line.quantity + 1, start.version),
        ).toMatchObject({ status: 'applied' });
        const after = await open(anna, id);
        expect(after.doc.notes).toBe(`${start.doc.notes} once`);
        expect(after.doc.lines[0]!.quantity).toBe(line.quantity + 1);
      } finally {
        await switchTo(defaultOrderPolicy);
      }
    });

    it('refuses a pending id an open gave up, and an open after a lost answer still says it was not taken', async () => {
      const id = fixture.editableOrderIds[5]!;
      const start = await open(anna, id);
      // The client asks about two ids and gives up those not taken; one was taken already.
      const taken = await pushNotes(anna, id, 'fence-taken', ' taken');
      expect(taken.results[0]).toMatchObject({ status: 'applied' });
      const reopened = await service.open(anna, {
        entityType: 'order',
        entityId: id,
        pending: ['fence-taken', 'fence-late'],
        fence: true,
      });
      if (!reopened.ok) throw new Error(reopened.error.message);
      expect(reopened.value.settled).toEqual([{ clientChangeId: 'fence-taken', status: 'applied' }]);
      // The given-up edit arrives after that open (held on its way to another node): refused, nothing applied.
      const late: PushedChange = {
        clientChangeId: 'fence-late',
        baseVersion: start.version,
        field: 'notes',
        op: { type: 'text', op: diffToTextOp(start.doc.notes, `${start.doc.notes} late`) },
      };
      const pushed = await service.push(anna, { entityType: 'order', entityId: id, changes: [late] });
      if (!pushed.ok) throw new Error(pushed.error.code);
      expect(pushed.value.results[0]).toMatchObject({
        status: 'rejected',
        code: 'STALE_VERSION',
        details: { reason: 'reopened' },
      });
      const after = await open(anna, id);
      expect(after.version).toBe(reopened.value.version);
      expect(after.doc.notes).toBe(`${start.doc.notes} taken`);
      // The open's answer was lost and the client asks again: the given-up id is still not taken.
      const again = await service.open(anna, {
        entityType: 'order',
        entityId: id,
        pending: ['fence-taken', 'fence-late'],
        fence: true,
      });
      if (!again.ok) throw new Error(again.error.message);
      expect(again.value.settled).toEqual([{ clientChangeId: 'fence-taken', status: 'applied' }]);
    });

    it('refuses a line whose id another order holds by name, and commits the changes pushed beside it', async () => {
      const [id, elsewhere] = [fixture.editableOrderIds[6]!, fixture.editableOrderIds[7]!];
      const start = await open(anna, id);
      const taken = (await open(anna, elsewhere)).doc.lines[0]!;
      const pushed = await service.push(anna, {
        entityType: 'order',
        entityId: id,
        changes: [
          {
            clientChangeId: 'line-taken-notes',
            baseVersion: start.version,
            field: 'notes',
            op: { type: 'text', op: diffToTextOp(start.doc.notes, `${start.doc.notes} beside`) },
          },
          {
            clientChangeId: 'line-taken-add',
            baseVersion: start.version,
            field: 'lines',
            op: { type: 'line.add', line: { ...taken, quantity: 2 } },
          },
        ],
      });
      if (!pushed.ok) throw new Error(pushed.error.code);
      expect(pushed.value.results.map((r) => r.status)).toEqual(['applied', 'rejected']);
      expect(pushed.value.results[1]).toMatchObject({ code: 'VALIDATION' });
      const after = await open(anna, id);
      expect(after.doc.notes).toBe(`${start.doc.notes} beside`);
      expect(after.doc.lines.some((l) => l.id === taken.id)).toBe(false);
    });
  });
}

for (const kind of kinds) edgesSuite(kind);
