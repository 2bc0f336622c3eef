import type { TextOp } from 'ot-text-unicode';
import { applyChangeToDoc } from '../doc';
import type { PushedChange } from '../protocol';
import { composeTextOps, rebasePending } from '../strategies/operational-transform';
import type { EditOp, OrderDoc } from '../types';

/** One local change not yet confirmed: `op` is kept rebased onto everything the client has seen. */
export type LocalChange = {
  key: string;
  field: string;
  throttleKey: string;
  clientChangeId: string;
  op: EditOp;
  createdAt: number;
  /**
   * The version a value edit was made on (what the person saw), sent as its base however late it goes out, so
   * the server judges it against changes the person had not seen (a conflict under manual, an overwrite record
   * under last-write-wins). Text and Yjs edits are rebased locally and go out on the current version instead.
   */
  baseVersion?: number;
  /**
   * For a whole value: the field's value the person saw when they made it. When the edit has to be carried by
   * intent (a reopen, a policy switch), its intent runs from this value, not from the confirmed value, which may
   * have moved on under it while it waited.
   */
  madeFrom?: unknown;
  /**
   * For a whole notes value: the edit the person made from `madeFrom` to it, at their caret (each keystroke's
   * diff composed), so a carry-over by intent places their typing where it was typed (see `typedNotesOp`).
   */
  typed?: TextOp;
  /** Set once sent: the exact request, resent as is after a lost connection (the server dedupes by id). */
  sent: PushedChange | null;
};

export function throttleKeyOf(field: string): string {
  return field.startsWith('lines') ? 'lines' : field;
}

/** The document the user sees: the confirmed one with the unconfirmed changes applied in order. */
export function composeView(confirmed: OrderDoc, changes: readonly LocalChange[]): OrderDoc {
  let doc = confirmed;
  for (const change of changes) doc = applyChangeToDoc(doc, change.field, change.op);
  return doc;
}

/**
 * Adds a change to the unsent tail: a set replaces an unsent set of the same field, a text op is composed into
 * the unsent text op of the field, everything else is appended.
 */
export function enqueue(unsent: LocalChange[], change: LocalChange): LocalChange[] {
  const index = unsent.findIndex((c) => c.key === change.key);
  if (index === -1 || change.op.type === 'line.add' || change.op.type === 'line.remove')
    return [...unsent, change];
  const existing = unsent[index]!;
  let op: EditOp = change.op;
  if (existing.op.type === 'text' && change.op.type === 'text') {
    op = { type: 'text', op: composeTextOps(existing.op.op, change.op.op) };
  }
  const next = [...unsent];
  // A newer whole value replaces the unsent one, made on what the person saw when they made the newer one.
  // The newer value was made on the older one (the field showed it), so it keeps the older one's base and what it
  // was made from: a colleague's change that arrived meanwhile was hidden under it and is judged against it. Its
  // typed edit follows the older one's.
  const { typed: _older, ...kept } = existing;
  let typed: TextOp | undefined;
  try {
    typed = existing.typed && change.typed ? composeTextOps(existing.typed, change.typed) : undefined;
  } catch {
    typed = undefined;
  }
  next[index] = { ...kept, op, ...(typed === undefined ? {} : { typed }) };
  return next;
}

/** Rebases the text ops of the unconfirmed changes on a remote text op; returns the op to apply locally. */
export function rebaseOnRemoteText(
  changes: LocalChange[],
  remote: TextOp,
): { changes: LocalChange[]; local: TextOp } {
  const texts = changes.filter((c) => c.op.type === 'text');
  const rebased = rebasePending(
    texts.map((c) => (c.op as Extract<EditOp, { type: 'text' }>).op),
    remote,
  );
  let i = 0;
  const next = changes.map((c) =>
    c.op.type === 'text' ? { ...c, op: { type: 'text' as const, op: rebased.pending[i++]! } } : c,
  );
  return { changes: next, local: rebased.remote };
}
