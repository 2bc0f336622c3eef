import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable } from '../../../e2e/support/services';
import { createTestDatabase, type TestDatabase, type TestDbKind } from '../../../e2e/support/test-db';
import { defaultOrderPolicy } from '../policy';
import { diffToTextOp } from '../strategies/operational-transform';
import type { ChangeResult } from '../types';
import type { SyncContext } from './context';
import { createMemoryLockStore } from './locks/memory-lock-store';
import { createSyncService, type SyncService } from './sync-service';
import { createEventSink, loadSyncFixture } from './testing';

const kinds: TestDbKind[] = ['pglite'];
if (await postgresAvailable()) kinds.push('postgres');

/** The service contract, run on every database backend. */
function syncServiceSuite(kind: TestDbKind) {
  let database: TestDatabase;
  let service: SyncService;
  let fixture: Awaited<ReturnType<typeof loadSyncFixture>>;
  let clock = 1_700_000_000_000;
  const sink = createEventSink();
  let anna: SyncContext;
  let napa: SyncContext;
  let admin: SyncContext;
  let viewer: SyncContext;
  let seq = 0;
  const cid = () => `c-${++seq}`;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    service = createSyncService({
      database,
      locks: createMemoryLockStore(() => clock),
      publish: sink.publish,
      now: () => clock,
    });
    fixture = await loadSyncFixture(database);
    anna = fixture.ctx(fixture.user('anna@siam.example'), 'conn-anna');
    napa = fixture.ctx(fixture.user('napa@siam.example'), 'conn-napa');
    admin = fixture.ctx(fixture.user('admin@siam.example'), 'conn-admin');
    viewer = fixture.ctx(fixture.user('viewer@siam.example'));
  });
  afterAll(() => database.drop());

  async function open(ctx: SyncContext, entityId: string) {
    const opened = await service.open(ctx, { entityType: 'order', entityId });
    if (!opened.ok) throw new Error(opened.error.message);
    return opened.value;
  }

  async function push(
    ctx: SyncContext,
    entityId: string,
    change: Record<string, unknown>,
  ): Promise<ChangeResult> {
    const pushed = await service.push(ctx, {
      entityType: 'order',
      entityId,
      changes: [{ clientChangeId: cid(), ...change } as never],
    });
    if (!pushed.ok) throw new Error(pushed.error.code);
    return pushed.value.results[0]!;
  }

  /** The newest history entry of an order. */
  async function latestChange(entityId: string) {
    const page = await service.history(anna, { entityType: 'order', entityId, limit: 1 });
    if (!page.ok) throw new Error(page.error.message);
    return page.value.items[0]!;
  }

  /**
   * Two Yjs replicas of an order opened at `start` that receive every update the room sees, in order: `edit`
   * pushes one replica's change as a Yjs update (and hands it to the other), `deliver` gives both the newest
   * change the server made (an undo, a redo).
   */
  async function crdtReplicas(entityId: string, start: { version: number; yjsState: string | null }) {
    const { applyUpdate, Doc, encodeStateAsUpdate, encodeStateVector } = await import('yjs');
    const { fromBase64, toBase64 } = await import('../yjs-doc');
    const a = new Doc();
    const b = new Doc();
    applyUpdate(a, fromBase64(start.yjsState!));
    applyUpdate(b, fromBase64(start.yjsState!));
    let version = start.version;
    return {
      a,
      b,
      version: () => version,
      async edit(ctx: SyncContext, local: InstanceType<typeof Doc>, field: string, fn: () => void) {
        const vector = encodeStateVector(local);
        fn();
        const update = toBase64(encodeStateAsUpdate(local, vector));
        const result = await push(ctx, entityId, {
          baseVersion: version,
          field,
          op: { type: 'yjs', update },
        });
        expect(result, JSON.stringify(result)).toMatchObject({ status: 'applied' });
        version += 1;
        applyUpdate(local === a ? b : a, fromBase64(update));
      },
      async deliver() {
        const change = await latestChange(entityId);
        expect(change.op.type).toBe('yjs');
        const update = fromBase64((change.op as { update: string }).update);
        applyUpdate(a, update);
        applyUpdate(b, update);
        version = change.version;
      },
    };
  }

  describe(`sync service on ${kind}`, () => {
    it('refuses writes from viewers', async () => {
      const id = fixture.editableOrderIds[0]!;
      const { version } = await open(viewer, id);
      const pushed = await service.push(viewer, {
        entityType: 'order',
        entityId: id,
        changes: [
          { clientChangeId: cid(), baseVersion: version, field: 'notes', op: { type: 'text', op: ['x'] } },
        ],
      });
      expect(pushed).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    });

    it('transforms concurrent notes edits and applies a retry once', async () => {
      const id = fixture.editableOrderIds[1]!;
      const start = await open(anna, id);
      const notes = start.doc.notes;
      const mine = await push(anna, id, {
        baseVersion: start.version,
        field: 'notes',
        op: { type: 'text', op: diffToTextOp(notes, `A${notes}`) },
      });
      expect(mine).toMatchObject({ status: 'applied', outcome: 'commit' });
      const theirs = await push(napa, id, {
        baseVersion: start.version,
        field: 'notes',
        op: { type: 'text', op: diffToTextOp(notes, `${notes}B`) },
      });
      expect(theirs).toMatchObject({ status: 'applied', outcome: 'rebase' });
      expect(theirs.status === 'applied' && theirs.concurrent.map((c) => c.userId)).toEqual([anna.user.id]);
      const retry = await service.push(anna, {
        entityType: 'order',
        entityId: id,
        changes: [
          {
            clientChangeId: mine.clientChangeId,
            baseVersion: start.version,
            field: 'notes',
            op: { type: 'text', op: ['A'] },
          },
        ],
      });
      expect(retry.ok && retry.value.results[0]).toEqual(mine);
      const after = await open(anna, id);
      expect(after.doc.notes).toBe(`A${notes}B`);
      expect(after.version).toBe(start.version + 2);
    });

    it('records who a last-write-wins overwrite overwrote', async () => {
      const id = fixture.editableOrderIds[2]!;
      const start = await open(anna, id);
      const line = start.doc.lines[0]!;
      await push(anna, id, {
        baseVersion: start.version,
        field: `lines.${line.id}.quantity`,
        op: { type: 'set', value: 7 },
      });
      const second = await push(napa, id, {
        baseVersion: start.version,
        field: `lines.${line.id}.quantity`,
        op: { type: 'set', value: 9 },
      });
      expect(second).toMatchObject({
        status: 'applied',
        overwrote: { userId: anna.user.id, field: `lines.${line.id}.quantity` },
      });
      expect((await open(anna, id)).doc.lines[0]!.quantity).toBe(9);
      const negative = await push(napa, id, {
        baseVersion: start.version + 2,
        field: `lines.${line.id}.quantity`,
        op: { type: 'set', value: -1 },
      });
      expect(negative).toMatchObject({ status: 'rejected', code: 'VALIDATION' });
    });

    // Anna sets a value, Napa replaces it having seen it, undoes that (Anna's value is back), then an edit Napa made
    // before the undo arrives: it overwrites Anna's value, and says so (fuzz seed 143, last-write-wins notes). A
    // line's quantity takes the per-change path; the notes under last-write-wins the order log (in memory).
    it.each([
      { field: 'quantity', values: [7, 9, 11, 5, 6, 8] as unknown[] },
      { field: 'notes', values: ['Anna: call first', 'Napa: ring', 'Napa: ring twice', 'a', 'b', 'c'] },
    ])(
      'names the colleague whose value an own undo put back, when a stale edit writes over it ($field)',
      async ({ field: which, values }) => {
        const id = fixture.editableOrderIds[2]!;
        const sections = { ...defaultOrderPolicy, notes: 'last-write-wins' as const };
        if (which === 'notes')
          expect((await service.setPolicy(admin, { entityType: 'order', sections })).ok).toBe(true);
        try {
          const start = await open(anna, id);
          const field = which === 'notes' ? 'notes' : `lines.${start.doc.lines[0]!.id}.quantity`;
          let version = start.version;
          const set = async (ctx: SyncContext, baseVersion: number, value: unknown) => {
            const result = await push(ctx, id, { baseVersion, field, op: { type: 'set', value } });
            expect(result, JSON.stringify(result)).toMatchObject({ status: 'applied' });
            return result.status === 'applied' ? result : null;
          };
          const [annas, napas, stale, mine1, mine2, mine3] = values;
          await set(anna, version++, annas);
          expect((await set(napa, version++, napas))?.overwrote).toBeNull();
          expect(await service.undo(napa, { entityType: 'order', entityId: id })).toMatchObject({ ok: true });
          version++;
          const written = await set(napa, version - 1, stale);
          expect(written?.overwrote).toMatchObject({ userId: anna.user.id, version, field });
          // Her own value put back by her own undo is hers: nobody is named.
          const mine = version + 1;
          await set(napa, mine, mine1);
          await set(napa, mine + 1, mine2);
          expect(await service.undo(napa, { entityType: 'order', entityId: id })).toMatchObject({ ok: true });
          expect((await set(napa, mine + 2, mine3))?.overwrote).toBeNull();
        } finally {
          if (which === 'notes')
            await service.setPolicy(admin, { entityType: 'order', sections: defaultOrderPolicy });
        }
      },
    );

    it('queues a conflict under manual for a stale edit over a value an own undo put back', async () => {
      const id = fixture.editableOrderIds[4]!;
      const start = await open(anna, id);
      const address = start.doc.shippingAddress;
      const set = (ctx: SyncContext, baseVersion: number, city: string) =>
        push(ctx, id, {
          baseVersion,
          field: 'shippingAddress',
          op: { type: 'set', value: { ...address, city } },
        });
      expect(await set(anna, start.version, 'Anna')).toMatchObject({ status: 'applied' });
      expect(await set(napa, start.version + 1, 'Napa')).toMatchObject({ status: 'applied' });
      expect(await service.undo(napa, { entityType: 'order', entityId: id })).toMatchObject({ ok: true });
      const stale = await set(napa, start.version + 2, 'Napa again');
      expect(stale).toMatchObject({ status: 'conflict', theirs: { userId: anna.user.id } });
      expect((await open(anna, id)).doc.shippingAddress.city).toBe('Anna');
    });

    it('queues a manual conflict and applies the admin resolution', async () => {
      const id = fixture.editableOrderIds[3]!;
      const start = await open(anna, id);
      const address = start.doc.shippingAddress;
      const openCount = async () => {
        const counted = await service.countConflicts(admin, { entityType: 'order' });
        return counted.ok ? counted.value.open : -1;
      };
      const before = await openCount();
      expect(before).toBeGreaterThanOrEqual(0);
      expect(await service.countConflicts(anna, { entityType: 'order' })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
      await push(anna, id, {
        baseVersion: start.version,
        field: 'shippingAddress',
        op: { type: 'set', value: { ...address, city: 'Anna' } },
      });
      const conflict = await push(napa, id, {
        baseVersion: start.version,
        field: 'shippingAddress',
        op: { type: 'set', value: { ...address, city: 'Napa' } },
      });
      expect(conflict).toMatchObject({ status: 'conflict', theirs: { userId: anna.user.id } });
      expect((await open(anna, id)).doc.shippingAddress.city).toBe('Anna');
      const listed = await service.listConflicts(admin, {
        entityType: 'order',
        entityId: id,
        status: 'open',
        limit: 10,
      });
      expect(listed.ok && listed.value.items).toHaveLength(1);
      expect(await openCount()).toBe(before + 1);
      expect(listed.ok && listed.value.items[0]).toMatchObject({
        base: address,
        mine: { city: 'Napa' },
        theirs: { city: 'Anna' },
      });
      const denied = await service.resolveConflict(anna, {
        conflictId: conflict.status === 'conflict' ? conflict.conflictId : '',
        resolution: 'mine',
      });
      expect(denied).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      const resolved = await service.resolveConflict(admin, {
        conflictId: conflict.status === 'conflict' ? conflict.conflictId : '',
        resolution: 'mine',
      });
      expect(resolved).toMatchObject({
        ok: true,
        value: { conflict: { status: 'resolved', resolution: 'mine' } },
      });
      expect((await open(anna, id)).doc.shippingAddress.city).toBe('Napa');
      expect(await openCount()).toBe(before);
      expect(sink.events.some((e) => e.event === 'sync.conflict.resolved' && e.channel === 'admin')).toBe(
        true,
      );
    });

    it('refuses a lock-based write without the lock and accepts it from the holder', async () => {
      const id = fixture.editableOrderIds[4]!;
      const start = await open(anna, id);
      const refused = await push(anna, id, {
        baseVersion: start.version,
        field: 'status',
        op: { type: 'set', value: 'pending' },
      });
      expect(refused).toMatchObject({ status: 'rejected', code: 'LOCKED' });
      expect(
        await service.acquireLock(anna, { entityType: 'order', entityId: id, section: 'status' }),
      ).toMatchObject({ ok: true });
      expect(
        await service.acquireLock(napa, { entityType: 'order', entityId: id, section: 'status' }),
      ).toMatchObject({
        ok: false,
        error: { code: 'LOCKED', details: { holder: { userId: anna.user.id } } },
      });
      expect(
        await push(napa, id, {
          baseVersion: start.version,
          field: 'status',
          op: { type: 'set', value: 'pending' },
        }),
      ).toMatchObject({
        status: 'rejected',
        code: 'LOCKED',
      });
      expect(
        await push(anna, id, {
          baseVersion: start.version,
          field: 'status',
          op: { type: 'set', value: 'pending' },
        }),
      ).toMatchObject({
        status: 'applied',
      });
      await service.releaseConnection('conn-anna', anna.user);
      expect((await open(napa, id)).locks).toEqual([]);
      await service.acquireLock(napa, { entityType: 'order', entityId: id, section: 'status' });
      clock += 31_000;
      expect((await open(anna, id)).locks).toEqual([]);
      await service.acquireLock(anna, { entityType: 'order', entityId: id, section: 'customer' });
      expect(
        await service.forceReleaseLock(napa, { entityType: 'order', entityId: id, section: 'customer' }),
      ).toMatchObject({
        ok: false,
      });
      expect(
        await service.forceReleaseLock(admin, { entityType: 'order', entityId: id, section: 'customer' }),
      ).toMatchObject({
        ok: true,
        value: { released: { userId: anna.user.id } },
      });
    });

    it('undoes and redoes only the caller’s own changes', async () => {
      const id = fixture.editableOrderIds[5]!;
      const start = await open(anna, id);
      const notes = start.doc.notes;
      await push(anna, id, {
        baseVersion: start.version,
        field: 'notes',
        op: { type: 'text', op: diffToTextOp(notes, `${notes} one`) },
      });
      await push(napa, id, {
        baseVersion: start.version + 1,
        field: 'notes',
        op: { type: 'text', op: ['two '] },
      });
      const napaUndo = await service.undo(napa, { entityType: 'order', entityId: id });
      expect(napaUndo, JSON.stringify(napaUndo)).toMatchObject({ ok: true });
      expect((await open(anna, id)).doc.notes).toBe(`${notes} one`);
      const history = await service.history(anna, { entityType: 'order', entityId: id, limit: 2 });
      const napaChange = history.ok
        ? history.value.items.find((c) => c.userId === napa.user.id && c.kind === 'undo')
        : undefined;
      expect(napaChange).toBeDefined();
      expect(
        await service.undo(anna, { entityType: 'order', entityId: id, changeId: napaChange!.changeId }),
      ).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
      expect(await service.undo(anna, { entityType: 'order', entityId: id })).toMatchObject({ ok: true });
      expect((await open(anna, id)).doc.notes).toBe(notes);
      expect(await service.redo(anna, { entityType: 'order', entityId: id })).toMatchObject({ ok: true });
      expect((await open(anna, id)).doc.notes).toBe(`${notes} one`);
      const page = await service.history(anna, { entityType: 'order', entityId: id, limit: 2 });
      expect(page.ok && page.value.items).toHaveLength(2);
      expect(page.ok && page.value.nextBeforeVersion).not.toBeNull();
    });

    it('merges Yjs updates when an admin switches the notes and lines to crdt', async () => {
      const id = fixture.editableOrderIds[6]!;
      expect(await service.setPolicy(anna, { entityType: 'order', sections: {} as never })).toMatchObject({
        ok: false,
      });
      const set = await service.setPolicy(admin, {
        entityType: 'order',
        sections: {
          status: 'lock-based',
          customer: 'lock-based',
          shipping: 'manual',
          notes: 'crdt',
          lines: 'crdt',
        },
      });
      expect(set.ok).toBe(true);
      try {
        const { applyUpdate, Doc, encodeStateAsUpdate, encodeStateVector } = await import('yjs');
        const { fromBase64, toBase64 } = await import('../yjs-doc');
        const start = await open(anna, id);
        expect(start.yjsState).not.toBeNull();
        const a = new Doc();
        const b = new Doc();
        applyUpdate(a, fromBase64(start.yjsState!));
        applyUpdate(b, fromBase64(start.yjsState!));
        const va = encodeStateVector(a);
        const vb = encodeStateVector(b);
        a.getText('notes').insert(0, 'AAA ');
        b.getText('notes').insert(b.getText('notes').length, ' BBB');
        const ua = toBase64(encodeStateAsUpdate(a, va));
        const ub = toBase64(encodeStateAsUpdate(b, vb));
        expect(
          await push(napa, id, {
            baseVersion: start.version,
            field: 'notes',
            op: { type: 'yjs', update: ub },
          }),
        ).toMatchObject({ status: 'applied' });
        expect(
          await push(anna, id, {
            baseVersion: start.version,
            field: 'notes',
            op: { type: 'yjs', update: ua },
          }),
        ).toMatchObject({ status: 'applied' });
        expect((await open(anna, id)).doc.notes).toBe(`AAA ${start.doc.notes} BBB`);
        const text = await push(anna, id, {
          baseVersion: start.version,
          field: 'notes',
          op: { type: 'text', op: ['x'] },
        });
        expect(text).toMatchObject({ status: 'rejected', code: 'STALE_VERSION' });
      } finally {
        await service.setPolicy(admin, {
          entityType: 'order',
          sections: {
            status: 'lock-based',
            customer: 'lock-based',
            shipping: 'manual',
            notes: 'operational-transform',
            lines: 'last-write-wins',
          },
        });
      }
    });

    it('undoes and redoes Yjs changes to the notes and lines on top of later edits', async () => {
      const id = fixture.editableOrderIds[8]!;
      expect(fixture.draftOrderIds.indexOf(id)).not.toBe(3);
      const { applyUpdate, Doc, encodeStateAsUpdate } = await import('yjs');
      const { pushYLine, readYDoc, removeYLine, setYLineQuantity, toBase64 } = await import('../yjs-doc');
      const crdt = { status: 'lock-based', customer: 'lock-based', shipping: 'manual' } as const;
      await service.setPolicy(admin, {
        entityType: 'order',
        sections: { ...crdt, notes: 'crdt', lines: 'crdt' },
      });
      try {
        const start = await open(anna, id);
        const notes = start.doc.notes;
        const [first, second] = start.doc.lines;
        expect(second).toBeDefined();
        const { a, b, edit, deliver, version } = await crdtReplicas(id, start);

        await edit(anna, a, 'notes', () => a.getText('notes').insert(0, 'AAA '));
        await edit(napa, b, 'notes', () => b.getText('notes').insert(b.getText('notes').length, ' BBB'));
        expect((await open(anna, id)).doc.notes).toBe(`AAA ${notes} BBB`);
        expect(await service.undo(anna, { entityType: 'order', entityId: id })).toMatchObject({ ok: true });
        await deliver();
        expect((await open(anna, id)).doc.notes).toBe(`${notes} BBB`);
        expect(readYDoc(a).notes).toBe(`${notes} BBB`);
        expect(readYDoc(b).notes).toBe(`${notes} BBB`);
        expect(await service.redo(anna, { entityType: 'order', entityId: id })).toMatchObject({ ok: true });
        await deliver();
        expect((await open(anna, id)).doc.notes).toBe(`AAA ${notes} BBB`);
        expect(readYDoc(b).notes).toBe(`AAA ${notes} BBB`);

        // Lines: Anna adds one, Napa changes another's quantity; Anna's undo removes only her line.
        const added = {
          id: '7b0c6a52-58c4-4f63-9a52-2d6a1c0e9f11',
          productId: fixture.productIds[20]!,
          quantity: 4,
        };
        await edit(anna, a, 'lines', () => pushYLine(a, added));
        await edit(napa, b, 'lines', () => setYLineQuantity(b, first!.id, first!.quantity + 5));
        expect(await service.undo(anna, { entityType: 'order', entityId: id })).toMatchObject({ ok: true });
        await deliver();
        const afterUndo = (await open(anna, id)).doc.lines;
        expect(afterUndo.map((l) => l.id)).toEqual(start.doc.lines.map((l) => l.id));
        expect(afterUndo.find((l) => l.id === first!.id)?.quantity).toBe(first!.quantity + 5);
        expect(readYDoc(b).lines).toEqual(afterUndo);

        // A Yjs line must carry a UUID like every other line; the refusal tells the client to reopen.
        const stray = new Doc();
        applyUpdate(stray, encodeStateAsUpdate(a));
        const { encodeStateVector } = await import('yjs');
        const strayVector = encodeStateVector(stray);
        pushYLine(stray, { id: 'not-a-uuid', productId: fixture.productIds[20]!, quantity: 1 });
        expect(
          await push(anna, id, {
            baseVersion: version(),
            field: 'lines',
            op: { type: 'yjs', update: toBase64(encodeStateAsUpdate(stray, strayVector)) },
          }),
        ).toMatchObject({ status: 'rejected', code: 'STALE_VERSION', message: 'A line id must be a UUID' });

        // A removed line comes back at its place.
        await edit(anna, a, 'lines', () => removeYLine(a, first!.id));
        expect(await service.undo(anna, { entityType: 'order', entityId: id })).toMatchObject({ ok: true });
        await deliver();
        const restored = (await open(anna, id)).doc.lines;
        expect(restored[0]).toEqual({ ...first!, quantity: first!.quantity + 5 });
        expect(readYDoc(a).lines).toEqual(restored);

        // A quantity someone changed since cannot be put back.
        await edit(napa, b, 'lines', () => setYLineQuantity(b, second!.id, 7));
        await edit(anna, a, 'lines', () => setYLineQuantity(a, second!.id, 9));
        expect(await service.undo(napa, { entityType: 'order', entityId: id })).toMatchObject({
          ok: false,
          error: { code: 'CONFLICT' },
        });

        // After a switch back to operational transform, a crdt change to the notes is undone with a text op.
        await service.setPolicy(admin, {
          entityType: 'order',
          sections: { ...crdt, notes: 'operational-transform', lines: 'crdt' },
        });
        await edit(napa, b, 'lines', () => setYLineQuantity(b, second!.id, 10));
        const history = await service.history(napa, { entityType: 'order', entityId: id, limit: 50 });
        const napaNotes = history.ok
          ? history.value.items.find((c) => c.userId === napa.user.id && c.field === 'notes')
          : undefined;
        expect(napaNotes?.undoable).toBe(true);
        const undone = await service.undo(napa, {
          entityType: 'order',
          entityId: id,
          changeId: napaNotes!.changeId,
        });
        expect(undone, JSON.stringify(undone)).toMatchObject({ ok: true });
        expect((await latestChange(id)).op.type).toBe('text');
        expect((await open(anna, id)).doc.notes).toBe(`AAA ${notes}`);
      } finally {
        await service.setPolicy(admin, {
          entityType: 'order',
          sections: { ...crdt, notes: 'operational-transform', lines: 'last-write-wins' },
        });
      }
    });

    it('undoes a Yjs marker typed right before one like it where it was typed, around a later insert', async () => {
      // crdt seed 5: the undo re-diffed the values, read "{c3.7}" as "7}{c3." inserted after "{c3.", and taken
      // back over Napa's later "{n.0}" between the two it left "{c3.{n.0}1}".
      // An order whose lines are settled (every editable one has its test); its notes stay editable.
      const id = fixture.orderIds.find((o) => !fixture.editableOrderIds.includes(o))!;
      const { readYDoc } = await import('../yjs-doc');
      const sections = { status: 'lock-based', customer: 'lock-based', shipping: 'manual' } as const;
      await service.setPolicy(admin, {
        entityType: 'order',
        sections: { ...sections, notes: 'crdt', lines: 'crdt' },
      });
      try {
        const start = await open(anna, id);
        const { a, b, edit, deliver } = await crdtReplicas(id, start);
        const end = (replica: typeof a, back = 0) => replica.getText('notes').length - back;
        const notes = start.doc.notes;
        await edit(napa, b, 'notes', () => b.getText('notes').insert(end(b), '{c3.1}'));
        await edit(anna, a, 'notes', () => a.getText('notes').insert(end(a, 6), '{c3.7}'));
        await edit(napa, b, 'notes', () => b.getText('notes').insert(end(b, 6), '{n.0}'));
        expect((await open(anna, id)).doc.notes).toBe(`${notes}{c3.7}{n.0}{c3.1}`);

        expect(await service.undo(anna, { entityType: 'order', entityId: id })).toMatchObject({ ok: true });
        await deliver();
        expect((await open(anna, id)).doc.notes).toBe(`${notes}{n.0}{c3.1}`);
        expect(readYDoc(a).notes).toBe(`${notes}{n.0}{c3.1}`);

        // Napa types inside her own markers meanwhile; the redo puts Anna's back where it was.
        await edit(napa, b, 'notes', () => b.getText('notes').insert(end(b, 1), '2'));
        expect(await service.redo(anna, { entityType: 'order', entityId: id })).toMatchObject({ ok: true });
        await deliver();
        expect((await open(anna, id)).doc.notes).toBe(`${notes}{c3.7}{n.0}{c3.12}`);
        expect(readYDoc(b).notes).toBe(`${notes}{c3.7}{n.0}{c3.12}`);
      } finally {
        await service.setPolicy(admin, {
          entityType: 'order',
          sections: { ...sections, notes: 'operational-transform', lines: 'last-write-wins' },
        });
      }
    });

    it('commits the changes queued on one order together, answering each as if alone', async () => {
      const id = fixture.editableOrderIds[9]!;
      const start = await open(anna, id);
      const northwind = await loadSyncFixture(database, 'northwind');
      const ken = northwind.ctx(northwind.user('ken@northwind.example'));
      const change = (n: number) => ({
        clientChangeId: `batch-${kind}-${n}`,
        baseVersion: start.version,
        field: 'notes',
        op: { type: 'text' as const, op: [`${n}`] },
      });
      const push = (ctx: SyncContext, changes: ReturnType<typeof change>[]) =>
        service.push(ctx, { entityType: 'order', entityId: id, changes });
      // Pushed in one tick: they wait in one batch while the order is idle, and run in one transaction.
      const [mine, theirs, stranger] = await Promise.all([
        push(anna, [change(1), change(2), change(1)]),
        push(napa, [change(3)]),
        push(ken, [change(4)]),
      ]);
      if (!mine.ok || !theirs.ok || !stranger.ok) throw new Error('push refused');
      expect(mine.value.results.map((r) => (r.status === 'applied' ? r.version : r.status))).toEqual([
        start.version + 1,
        start.version + 2,
        start.version + 1,
      ]);
      expect(theirs.value.results[0]).toMatchObject({ status: 'applied', version: start.version + 3 });
      expect(stranger.value.results[0]).toMatchObject({ status: 'rejected', code: 'NOT_FOUND' });
      const after = await open(anna, id);
      expect(after.version).toBe(start.version + 3);
      expect([...after.doc.notes].sort().join('')).toBe([...`${start.doc.notes}123`].sort().join(''));
      // A text change travels as its op: the room never gets copies of the whole notes.
      const event = sink.events.findLast((e) => e.channel === `order:${id}` && e.event === 'sync.change');
      expect(event?.data).toMatchObject({ op: { type: 'text' }, before: null, after: null });
      const history = await service.history(anna, { entityType: 'order', entityId: id, limit: 10 });
      expect(history.ok && history.value.items.map((c) => c.version)).toEqual([
        start.version + 3,
        start.version + 2,
        start.version + 1,
      ]);
    });

    it('answers a batch, an undo and a later batch queued behind it while it commits, in that order', async () => {
      // A tick held in flight (its one statement waits on `hold`) while an undo and the next batch queue on the
      // order: each is answered, after the one before it (an order's work runs and is announced in turn).
      const id = fixture.editableOrderIds[7]!;
      let hold: Promise<void> | null = null;
      let reached = () => {};
      const held = createSyncService({
        database: {
          ...database,
          prepared: async (name, statement) => {
            if (hold) {
              reached();
              await hold;
            }
            return database.prepared(name, statement);
          },
        },
        locks: createMemoryLockStore(() => clock),
        publish: sink.publish,
        now: () => clock,
      });
      const pushed = (ctx: SyncContext, mark: string, baseVersion: number) =>
        held.push(ctx, {
          entityType: 'order',
          entityId: id,
          changes: [{ clientChangeId: cid(), baseVersion, field: 'notes', op: { type: 'text', op: [mark] } }],
        });
      const opened = await held.open(anna, { entityType: 'order', entityId: id });
      if (!opened.ok) throw new Error(opened.error.code);
      // In memory now: its next edits take the one-statement tick, which `hold` keeps in flight.
      const first = await pushed(anna, 'w', opened.value.version);
      if (!first.ok) throw new Error(first.error.code);
      let release = () => {};
      hold = new Promise<void>((open) => {
        release = open;
      });
      const inFlight = new Promise<void>((done) => {
        reached = done;
      });
      const settled: string[] = [];
      const k = pushed(anna, 'x', opened.value.version).then(() => settled.push('k'));
      await inFlight;
      hold = null;
      const undo = held
        .undo(napa, { entityType: 'order', entityId: id, changeId: randomUUID() })
        .then(() => settled.push('undo'));
      const next = pushed(admin, 'y', opened.value.version).then(() => settled.push('next'));
      release();
      await expect.poll(() => settled.length, { timeout: 20_000 }).toBe(3);
      await Promise.all([k, undo, next]);
      expect(settled).toEqual(['k', 'undo', 'next']);
    });

    it('undoes a run of typing as one step, leaving the other user’s words', async () => {
      const id = fixture.orderIds.at(-1)!;
      const start = await open(anna, id);
      let version = start.version;
      let notes = start.doc.notes;
      const type = async (ctx: SyncContext, text: string, atEnd: boolean) => {
        const next = atEnd ? `${notes}${text}` : `${text}${notes}`;
        const result = await push(ctx, id, {
          baseVersion: version,
          field: 'notes',
          op: { type: 'text', op: diffToTextOp(notes, next) },
        });
        expect(result).toMatchObject({ status: 'applied' });
        version += 1;
        notes = next;
        clock += 400;
      };
      await type(anna, ' early', true);
      clock += 10_000; // a pause ends the first run
      for (const word of [' one', ' two', ' three']) await type(anna, word, true);
      await type(napa, 'Napa: ', false);
      clock += 10_000;
      // Napa's change breaks Anna's run: her last three keystrokes are one run, "early" another.
      const undone = await service.undo(anna, { entityType: 'order', entityId: id });
      expect(undone, JSON.stringify(undone)).toMatchObject({ ok: true });
      expect((await open(anna, id)).doc.notes).toBe(`Napa: ${start.doc.notes} early`);
      const history = await service.history(anna, { entityType: 'order', entityId: id, limit: 10 });
      const annaRows = history.ok ? history.value.items.filter((c) => c.userId === anna.user.id) : [];
      expect(annaRows.filter((c) => c.kind === 'change' && c.undoneBy !== null)).toHaveLength(3);
      expect(await service.redo(anna, { entityType: 'order', entityId: id })).toMatchObject({ ok: true });
      expect((await open(anna, id)).doc.notes).toBe(`Napa: ${start.doc.notes} early one two three`);
      // The next undo takes back the earlier run (" early") on its own.
      expect(await service.undo(anna, { entityType: 'order', entityId: id })).toMatchObject({ ok: true });
      expect((await open(anna, id)).doc.notes).toBe(`Napa: ${start.doc.notes} one two three`);
    });

    it('keeps versions gapless when two nodes push to one order at once', async () => {
      const id = fixture.editableOrderIds[7]!;
      const other = createSyncService({
        database,
        locks: createMemoryLockStore(() => clock),
        publish: sink.publish,
        now: () => clock,
      });
      const start = await open(anna, id);
      const line = start.doc.lines[0]!;
      const pushes = Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? service : other).push(i % 3 ? anna : napa, {
          entityType: 'order',
          entityId: id,
          changes: [
            {
              clientChangeId: cid(),
              baseVersion: start.version,
              field: 'notes',
              op: { type: 'text', op: [`${i};`] },
            },
            {
              clientChangeId: cid(),
              baseVersion: start.version,
              field: `lines.${line.id}.quantity`,
              op: { type: 'set', value: i + 1 },
            },
          ],
        }),
      );
      const results = await Promise.all(pushes);
      const versions = results
        .flatMap((r) => (r.ok ? r.value.results : []))
        .map((r) => (r.status === 'applied' ? r.version : -1));
      expect(versions.sort((a, b) => a - b)).toEqual(
        Array.from({ length: 24 }, (_, i) => start.version + 1 + i),
      );
      const end = await open(anna, id);
      expect(end.version).toBe(start.version + 24);
      for (let i = 0; i < 12; i++) expect(end.doc.notes).toContain(`${i};`);
    });

    it('follows the order status transitions, moves stock, and freezes lines once confirmed', async () => {
      const id = fixture.draftOrderIds[3]!;
      const start = await open(anna, id);
      await service.acquireLock(anna, { entityType: 'order', entityId: id, section: 'status' });
      const skip = await push(anna, id, {
        baseVersion: start.version,
        field: 'status',
        op: { type: 'set', value: 'shipped' },
      });
      expect(skip).toMatchObject({ status: 'rejected', code: 'VALIDATION' });
      expect(
        await push(anna, id, {
          baseVersion: start.version,
          field: 'status',
          op: { type: 'set', value: 'pending' },
        }),
      ).toMatchObject({
        status: 'applied',
      });
      const confirm = await push(anna, id, {
        baseVersion: start.version + 1,
        field: 'status',
        op: { type: 'set', value: 'confirmed' },
      });
      if (confirm.status === 'rejected') {
        expect(confirm.code).toBe('CONFLICT'); // not enough stock for the lines: nothing moved
        return;
      }
      expect(confirm.status).toBe('applied');
      const line = start.doc.lines[0]!;
      const frozen = await push(anna, id, {
        baseVersion: start.version + 2,
        field: `lines.${line.id}.quantity`,
        op: { type: 'set', value: 2 },
      });
      expect(frozen).toMatchObject({ status: 'rejected', code: 'VALIDATION' });
    });
  });
}

for (const kind of kinds) syncServiceSuite(kind);
