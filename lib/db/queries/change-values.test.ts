import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { type TextOp, type as textType } from 'ot-text-unicode';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresAvailable } from '../../../e2e/support/services';
import { createTestDatabase, type TestDatabase, type TestDbKind } from '../../../e2e/support/test-db';
import { entityChanges, tenants, users } from '../schema';
import { seededRandom } from '../seed-data';
import { COMPACT_RUN, HistoryValuesError, isCompact, storableAsOp, withValues } from './change-values';
import {
  fieldChangesAfter,
  findEntityChange,
  firstFieldChangeAfter,
  lastFieldChange,
  latestUndoable,
  listHistory,
} from './order-changes';

const kinds: TestDbKind[] = ['pglite'];
if (await postgresAvailable()) kinds.push('postgres');

/** A seeded generator: a failing seed replays the same history. */
function random(seed: number) {
  const next = seededRandom(seed);
  return { next, int: (n: number) => Math.floor(next() * n) };
}

const pieces = ['ส่งของ', 'พรุ่งนี้', ' 🚚', '👍🏽', 'a', '"q"', '\\', '\n', '𠀀', 'ลูกค้า'];

/** A random edit of `text`: an insert or a delete at a random place (positions in code points, as the op counts). */
function randomOp(r: ReturnType<typeof random>, text: string): TextOp {
  const length = [...text].length;
  const at = r.int(length + 1);
  if (length > 0 && r.next() < 0.35) {
    const from = Math.min(at, length - 1);
    return from === 0 ? [{ d: 1 }] : [from, { d: 1 }];
  }
  const piece = pieces[r.int(pieces.length)]!;
  return at === 0 ? [piece] : [at, piece];
}

function suite(kind: TestDbKind) {
  let database: TestDatabase | undefined;
  const open = async () => {
    database ??= await createTestDatabase(kind);
    return database;
  };
  afterAll(async () => {
    await database?.drop();
  });

  /** A history of one order's notes: rows stored as the order log stores them, and what each should read back. */
  async function writeHistory(seed: number) {
    const db = (await open()).db;
    const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, 'siam-supply'));
    const [user] = await db.select().from(users).where(eq(users.tenantId, tenant!.id)).limit(1);
    const r = random(seed);
    const entityId = randomUUID();
    const ref = { tenantId: tenant!.id, entityType: 'order', entityId };
    const expected: { version: number; field: string; before: unknown; after: unknown }[] = [];
    let notes = 'เริ่ม ';
    let address = 'Bangkok';
    let run: number | null = null;
    for (let version = 1; version <= 150; version++) {
      const base = {
        tenantId: tenant!.id,
        entityType: 'order',
        entityId,
        version,
        section: 'notes',
        userId: user!.id,
        userName: user!.name,
        clientChangeId: `c${version}`,
        inverse: null,
        strategy: 'operational-transform',
        outcome: 'commit',
      };
      const roll = r.next();
      if (roll < 0.12) {
        // Another field in between: not part of the notes' chain.
        const next = `${address} ${version}`;
        await db.insert(entityChanges).values({
          ...base,
          field: 'shippingAddress',
          section: 'shipping',
          op: { type: 'set', value: next },
          before: address,
          after: next,
        });
        expected.push({ version, field: 'shippingAddress', before: address, after: next });
        address = next;
        continue;
      }
      if (roll < 0.17) {
        // The notes replaced whole (a set op): stored with its values, the chain starts again from it.
        const next = `แทนที่ ${version}`;
        await db
          .insert(entityChanges)
          .values({ ...base, field: 'notes', op: { type: 'set', value: next }, before: notes, after: next });
        expected.push({ version, field: 'notes', before: notes, after: next });
        notes = next;
        run = 0;
        continue;
      }
      const op = randomOp(r, notes);
      const after = textType.apply(notes, op);
      const row = { op: { type: 'text', op }, before: notes, after };
      expect(storableAsOp(row)).toBe(true);
      // As the order log decides: the first with its values, then up to COMPACT_RUN by their ops.
      const compact: boolean = run !== null && run < COMPACT_RUN;
      run = run !== null && compact ? run + 1 : 0;
      await db
        .insert(entityChanges)
        .values({ ...base, field: 'notes', ...row, ...(compact ? { before: null, after: null } : {}) });
      expected.push({ version, field: 'notes', before: notes, after });
      notes = after;
    }
    return { db, ref, expected, userId: user!.id };
  }

  const values = (
    rows: readonly ({ version: number; field: string; before: unknown; after: unknown } | null)[],
  ) =>
    rows.map(
      (row) => row && { version: row.version, field: row.field, before: row.before, after: row.after },
    );

  it('reads every row of a history kept partly by ops with the values it had, through every reader', async () => {
    for (const seed of [1, 2, 3]) {
      const { db, ref, expected, userId } = await writeHistory(seed);
      const stored = await db.select().from(entityChanges).where(eq(entityChanges.entityId, ref.entityId));
      expect(stored.filter(isCompact).length).toBeGreaterThan(50);
      const byVersion = (v: number) => expected.find((e) => e.version === v)!;

      const all = await listHistory(db, { ...ref, limit: 1_000 });
      expect(values(all.reverse())).toEqual(expected);
      // As stored (for pages sent as ops): the same rows, the compact ones without their values.
      const asStored = await listHistory(db, { ...ref, limit: 1_000, asStored: true });
      expect(asStored.filter(isCompact).length).toBe(stored.filter(isCompact).length);
      expect(asStored.map((row) => row.id).reverse()).toEqual(all.map((row) => row.id));
      // A page from the middle, and one field only: rebuilt from rows the page does not hold.
      const page = await listHistory(db, { ...ref, beforeVersion: 97, limit: 20 });
      expect(values(page)).toEqual(
        expected
          .filter((e) => e.version < 97)
          .reverse()
          .slice(0, 20),
      );
      const notes = await fieldChangesAfter(db, ref, 'notes', 60);
      expect(values(notes)).toEqual(expected.filter((e) => e.field === 'notes' && e.version > 60));
      for (const version of [1, 2, 33, 34, 35, 77, 149]) {
        const first = await firstFieldChangeAfter(db, ref, 'notes', version);
        expect(values([first])).toEqual([expected.find((e) => e.field === 'notes' && e.version > version)!]);
      }
      for (const row of stored.filter((_, i) => i % 7 === 0)) {
        expect(values([await findEntityChange(db, ref.tenantId, row.id)])).toEqual([byVersion(row.version)]);
      }
      const last = await lastFieldChange(db, ref, 'notes');
      expect(values([last])).toEqual([expected.filter((e) => e.field === 'notes').at(-1)!]);
      const undoable = await latestUndoable(db, ref, userId);
      expect(values([undoable])).toEqual([expected.at(-1)!]);
    }
  });

  it('refuses to guess: a row kept by its op with nothing to rebuild it from is an error', async () => {
    const { db, ref } = await writeHistory(4);
    const rows = await db.select().from(entityChanges).where(eq(entityChanges.entityId, ref.entityId));
    const compact = rows.filter(isCompact).sort((a, b) => a.version - b.version);
    // The rows it is rebuilt from are gone (history is never deleted; here it is, to prove the read says so).
    await db.delete(entityChanges).where(eq(entityChanges.entityId, ref.entityId));
    await expect(withValues(db, [compact[0]!])).rejects.toBeInstanceOf(HistoryValuesError);

    // The notes changed with no history row between rebuilt rows and the next row kept with its values.
    const broken = compact.slice(0, 3).map((row, i) => ({ ...row, id: randomUUID(), version: i + 2 }));
    const first = { ...broken[0]!, id: randomUUID(), version: 1, op: { type: 'set', value: 'abc' } };
    await db.insert(entityChanges).values([
      { ...first, before: '', after: 'abc' },
      { ...broken[0]!, op: { type: 'text', op: ['x'] } },
      { ...broken[1]!, op: { type: 'set', value: 'q' }, before: 'not what the ops made', after: 'q' },
      { ...broken[2]!, op: { type: 'text', op: ['y'] } },
    ]);
    const read = await db.select().from(entityChanges).where(eq(entityChanges.entityId, ref.entityId));
    await expect(withValues(db, read)).rejects.toBeInstanceOf(HistoryValuesError);
    // Read alone, the rows before the break still come back.
    const [one] = await withValues(db, [read.find((row) => row.version === 2)!]);
    expect(one).toMatchObject({ before: 'abc', after: 'xabc' });
  });

  it('keeps an edit whose op does not give its after (or that is not text) with its values', () => {
    expect(storableAsOp({ op: { type: 'text', op: ['x'] }, before: 'a', after: 'xa' })).toBe(true);
    expect(storableAsOp({ op: { type: 'text', op: ['x'] }, before: 'a', after: 'ax' })).toBe(false);
    expect(storableAsOp({ op: { type: 'set', value: 'b' }, before: 'a', after: 'b' })).toBe(false);
    expect(storableAsOp({ op: { type: 'text', op: ['x'] }, before: null, after: 'x' })).toBe(false);
    expect(isCompact({ op: { type: 'set', value: null }, before: null, after: null })).toBe(false);
    expect(isCompact({ op: { type: 'text', op: ['x'] }, before: null, after: null })).toBe(true);
  });
}

for (const kind of kinds) describe(`history values (${kind})`, () => suite(kind));
