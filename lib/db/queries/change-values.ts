import { and, asc, desc, eq, gt, isNotNull, lt, lte, or } from 'drizzle-orm';
import { type TextOp, type as textType } from 'ot-text-unicode';
import type { Executor } from '../create-db';
import { type EntityChangeRow, entityChanges } from '../schema';

/**
 * Keystrokes in the notes are stored by their op, not by the whole text twice.
 *
 * Every history row has the field's value before and after it (`before`, `after`), which undo, revert and comment
 * anchors read. For the notes that is the whole text, twice per keystroke: a person typing 10,000 characters wrote
 * 100 million characters of history, and the text was most of what a tick sent to PostgreSQL and what PostgreSQL
 * parsed, compressed and logged (bench:sync, 1 order x 10 editors on PostgreSQL: about 870 edits/s with the values,
 * about 1,290 with typing stored as below). So the order log writes a run of text edits as ops only ("compact" rows:
 * `before` and `after` SQL NULL, `op` a text op) between rows that keep their values (at most `COMPACT_RUN` compact
 * rows after each), and every read of history rows gives them their values back here: from the newest row of the
 * field below them that kept its values, each op applied in version order. History is never deleted, so that row is
 * always there; a row whose values cannot be rebuilt is an error, never a guess.
 */
export const COMPACT_RUN = 32;

type TextChange = { type: 'text'; op: TextOp };

function isTextChange(op: unknown): op is TextChange {
  return typeof op === 'object' && op !== null && 'type' in op && op.type === 'text' && 'op' in op;
}

/** A row stored by its op alone (written so only by the order log; see `COMPACT_RUN`). */
export function isCompact(row: Pick<EntityChangeRow, 'op' | 'before' | 'after'>): boolean {
  return row.before === null && row.after === null && isTextChange(row.op);
}

/** Whether the row can be stored by its op: applying its text op to `before` gives `after` exactly. */
export function storableAsOp(row: Pick<EntityChangeRow, 'op' | 'before' | 'after'>): boolean {
  return (
    isTextChange(row.op) &&
    typeof row.before === 'string' &&
    typeof row.after === 'string' &&
    textType.apply(row.before, row.op.op) === row.after
  );
}

export class HistoryValuesError extends Error {
  constructor(row: Pick<EntityChangeRow, 'entityId' | 'field' | 'version'>) {
    super(`history of ${row.entityId} (${row.field} at version ${row.version}) cannot be rebuilt`);
  }
}

/** The rows with their values: compact ones rebuilt from the field's rows before them. The others as they are. */
export async function withValues(db: Executor, rows: EntityChangeRow[]): Promise<EntityChangeRow[]> {
  const groups = new Map<string, { row: EntityChangeRow; from: number; to: number }>();
  for (const row of rows) {
    if (!isCompact(row)) continue;
    const key = `${row.tenantId}\n${row.entityType}\n${row.entityId}\n${row.field}`;
    const group = groups.get(key);
    if (!group) groups.set(key, { row, from: row.version, to: row.version });
    else {
      group.from = Math.min(group.from, row.version);
      group.to = Math.max(group.to, row.version);
    }
  }
  if (groups.size === 0) return rows;
  const rebuilt = new Map<string, EntityChangeRow>();
  for (const { row, from, to } of groups.values()) {
    const ofField = and(
      eq(entityChanges.tenantId, row.tenantId),
      eq(entityChanges.entityType, row.entityType),
      eq(entityChanges.entityId, row.entityId),
      eq(entityChanges.field, row.field),
    );
    const [kept] = await db
      .select()
      .from(entityChanges)
      .where(
        and(
          ofField,
          lt(entityChanges.version, from),
          or(isNotNull(entityChanges.before), isNotNull(entityChanges.after)),
        ),
      )
      .orderBy(desc(entityChanges.version))
      .limit(1);
    if (!kept) throw new HistoryValuesError(row);
    const run = await db
      .select()
      .from(entityChanges)
      .where(and(ofField, gt(entityChanges.version, kept.version), lte(entityChanges.version, to)))
      .orderBy(asc(entityChanges.version));
    let value: unknown = kept.after;
    let rebuilding = false;
    for (const step of run) {
      if (!isCompact(step)) {
        // A row kept with its values after rebuilt ones starts where they ended, or the chain was broken (the
        // field changed with no history row) and what was rebuilt cannot be trusted.
        if (rebuilding && typeof step.before === 'string' && step.before !== value)
          throw new HistoryValuesError(step);
        value = step.after;
        rebuilding = false;
        continue;
      }
      rebuilding = true;
      if (typeof value !== 'string' || !isTextChange(step.op)) throw new HistoryValuesError(step);
      const after = textType.apply(value, step.op.op);
      rebuilt.set(step.id, { ...step, before: value, after });
      value = after;
    }
  }
  return rows.map((row) => {
    if (!isCompact(row)) return row;
    const full = rebuilt.get(row.id);
    if (!full) throw new HistoryValuesError(row);
    // The row as read (its `undoneBy` may be newer than the chain's read), with the rebuilt values.
    return { ...row, before: full.before, after: full.after };
  });
}

/** One row with its values (`withValues`); null for no row. */
export async function withValue(
  db: Executor,
  row: EntityChangeRow | undefined,
): Promise<EntityChangeRow | null> {
  if (!row) return null;
  return (await withValues(db, [row]))[0] ?? null;
}
