import { type TextOp, type as textType } from 'ot-text-unicode';
import * as Y from 'yjs';
import { applyChangeToDoc } from '../doc';
import { hunkedTextOp } from '../hunked-diff';
import { rebasePending } from '../strategies/operational-transform';
import type { AppliedChange, OrderDoc, SyncLine } from '../types';
import { fromBase64, loadYDoc, notesOpOfUpdates, readYDoc } from '../yjs-doc';
import type { LocalChange } from './local-changes';

export { hunkedTextOp };

/**
 * Keeping a person's unconfirmed edits when the replica under them is replaced (a reopen, a policy switch, a
 * repaired divergence). The edits are taken as an intent — what changed from the `basis` the person edited on to
 * the `intended` document they see — and carried onto the `current` document, so edits made by others in the
 * meantime stay too. Pure; the manager expresses the result in whatever op the policy wants now.
 */

/**
 * The notes the person meant, on top of the current notes: their diff transformed over everyone else's. Both
 * diffs keep every separate place that changed apart (several hunks), so edits made far apart by the person and
 * by others (offline typing replayed after a reload) interleave instead of one region replacing the other and
 * repeating its text.
 */
export function carryNotes(basis: string, intended: string, current: string): string {
  if (intended === basis) return current;
  if (current === basis) return intended;
  return textType.apply(current, carryNotesOp(basis, intended, current));
}

/**
 * The same as the edit that makes it on `current`, in hunks: sent as is (a text op, Yjs edits at its positions).
 * Sent instead as a diff of the whole carried value, it became one replaced region from the first place the
 * person edited to the last, and two people carrying over at one switch both re-inserted the text between
 * (fuzz switching seed 21 on two nodes).
 */
export function carryNotesOp(
  basis: string,
  intended: string,
  current: string,
  /** The person's edit as they typed it (`typedNotesOp`), used when it leads from `basis` to `intended`. */
  typed: TextOp | null = null,
): TextOp {
  if (intended === basis) return [];
  const mine = typed !== null && fits(basis, typed, intended) ? typed : hunkedTextOp(basis, intended);
  if (current === basis) return mine;
  return overOthers(mine, basis, current);
}

/**
 * `mine` (an edit of `from`) moved onto `to`, the text others made of `from` and known only as a value: over
 * their diff, its deletions aligned to cut through none of mine (`alignDeletions`), then each of my inserts that
 * the diff left between other characters put where the text around it is most like where it was typed
 * (`placeInserts`).
 * Exact deletions, whole inserts.
 */
function overOthers(mine: TextOp, from: string, to: string): TextOp {
  const theirs = alignDeletions(hunkedTextOp(from, to), from, touchPoints(mine));
  const moved = textType.normalize(textType.transform(mine, theirs, 'left'));
  return placeInserts(typedSurroundings(mine, from), { op: moved, text: to });
}

type Inserts = { at: number; s: string }[];

/** An op's inserts (positions in the text it applies to) and the positions it deletes. */
function opParts(op: TextOp): { inserts: Inserts; deleted: Set<number> } {
  const inserts: Inserts = [];
  const deleted = new Set<number>();
  let at = 0;
  for (const part of op) {
    if (typeof part === 'number') at += part;
    else if (typeof part === 'string') inserts.push({ at, s: part });
    else {
      const n = typeof part.d === 'number' ? part.d : Array.from(part.d).length;
      for (let i = 0; i < n; i++) deleted.add(at + i);
      at += n;
    }
  }
  return { inserts, deleted };
}

/** Up to this many code points on each side say where an insert was typed (`placeInserts`). */
const CONTEXT = 12;
/** The fewest code points of that text a place must share to draw an insert away from where it was moved to. */
const MIN_EVIDENCE = 2;

/** The text around a place: the code points before it (nearest first) and after it. */
type Surroundings = { before: string[]; after: string[] };

/** What stays around position `at` of `points` once `deleted` are gone. */
function surroundings(points: readonly string[], deleted: ReadonlySet<number>, at: number): Surroundings {
  const before: string[] = [];
  for (let i = at - 1; i >= 0 && before.length < CONTEXT; i--) if (!deleted.has(i)) before.push(points[i]!);
  const after: string[] = [];
  for (let i = at; i < points.length && after.length < CONTEXT; i++)
    if (!deleted.has(i)) after.push(points[i]!);
  return { before, after };
}

/** How many code points of the text an insert was typed between a place has next to it, before and after. */
function likeness(typed: Surroundings, here: Surroundings): number {
  let before = 0;
  while (before < typed.before.length && typed.before[before] === here.before[before]) before++;
  let after = 0;
  while (after < typed.after.length && typed.after[after] === here.after[after]) after++;
  return before + after;
}

/** Whether a place has the two characters an insert was typed between (the text's start or end: any). */
function sameEdges(typed: Surroundings, here: Surroundings): boolean {
  const [before, after] = [typed.before[0], typed.after[0]];
  return (
    (before === undefined || before === here.before[0]) && (after === undefined || after === here.after[0])
  );
}

/** The text around each insert of `op` as it was typed in `text`, in order. */
function typedSurroundings(op: TextOp, text: string): Surroundings[] {
  const { inserts, deleted } = opParts(op);
  const points = Array.from(text);
  return inserts.map((insert) => surroundings(points, deleted, insert.at));
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Where in `points` (skipping `deleted`) a user-perceived character of the text that stays begins, as a test of
 * a position: false inside one ("น|้ำ", an emoji's ZWJ sequence or a flag's pair), true at the text's ends.
 */
function clusterEdges(points: readonly string[], deleted: ReadonlySet<number>): (at: number) => boolean {
  const kept: number[] = [];
  let text = '';
  const startsAt = new Map<number, number>();
  for (let i = 0; i < points.length; i++) {
    if (deleted.has(i)) continue;
    startsAt.set(text.length, i);
    kept.push(i);
    text += points[i]!;
  }
  const starts = new Set<number>();
  for (const { index } of graphemes.segment(text)) starts.add(startsAt.get(index)!);
  return (at) => {
    const next = kept.find((i) => i >= at);
    return next === undefined || next === kept[0] || starts.has(next);
  };
}

/** Whether the place described by `around` is between two user-perceived characters (or at an end). */
function betweenClusters(around: Surroundings): boolean {
  const points = [...[...around.before].reverse(), ...around.after];
  return clusterEdges(points, new Set())(around.before.length);
}

/**
 * `after.op` (an edit typed where `typed` says, moved onto `after.text` over others' edits known only as
 * values) with each insert that the move left between other characters than it was typed between put where
 * the text around it is most like the text it was typed between (the nearest such place). A diff keeps
 * characters two texts happen to share, so a marker typed between "{c4.4}" and "{c4.2}" was carried into
 * "{c4.|12}" when others had replaced both, and "{c1.7}" typed after "{c4.0}" into "{c4.0|}" (fuzz switching
 * seed 7, one node and two). An insert typed between two characters is not left inside one that others made
 * there: a Thai consonant and the tone mark a colleague gave it ("น{c0.18} ้ำ", switching seed 176), where it
 * would put the mark on the typed text's last letter or alone after a space. Deletions stay where they are;
 * inserts keep their order.
 */
function placeInserts(typed: readonly Surroundings[], after: { op: TextOp; text: string }): TextOp {
  const now = opParts(after.op);
  if (typed.length !== now.inserts.length) return after.op;
  const points = Array.from(after.text);
  const around = (at: number) => surroundings(points, now.deleted, at);
  const atEdge = clusterEdges(points, now.deleted);
  let moved = false;
  now.inserts.forEach((insert, i) => {
    const want = typed[i]!;
    let at = likeliest(want, insert.at, points.length, around);
    if (!atEdge(at) && betweenClusters(want)) at = wholeCluster(want, at, points.length, around, atEdge);
    moved ||= at !== insert.at;
    insert.at = at;
  });
  if (!moved) return after.op;
  const sorted = now.inserts.map((insert, i) => ({ ...insert, i })).sort((a, b) => a.at - b.at || a.i - b.i);
  const out: TextOp = [];
  let next = 0;
  for (let position = 0; position <= points.length; position++) {
    while (next < sorted.length && sorted[next]!.at === position) out.push(sorted[next++]!.s);
    if (position < points.length) out.push(now.deleted.has(position) ? { d: 1 } : 1);
  }
  return textType.normalize(out);
}

/** Where an insert moved to `at` goes: there if it has the characters it was typed between, else the likeliest. */
function likeliest(
  want: Surroundings,
  at: number,
  length: number,
  around: (at: number) => Surroundings,
): number {
  const here = around(at);
  if (sameEdges(want, here)) return at;
  let best = at;
  let bestLikeness = likeness(want, here);
  for (let p = 0; p <= length; p++) {
    const score = likeness(want, around(p));
    // One code point in common is chance (a "c" of another marker), not where it was typed.
    if (score < MIN_EVIDENCE) continue;
    const nearer = Math.abs(p - at) < Math.abs(best - at);
    if (score > bestLikeness || (score === bestLikeness && nearer)) {
      best = p;
      bestLikeness = score;
    }
  }
  return best;
}

/** The start or the end of the character `at` is inside: the one more like where it was typed, else the end. */
function wholeCluster(
  want: Surroundings,
  at: number,
  length: number,
  around: (at: number) => Surroundings,
  atEdge: (at: number) => boolean,
): number {
  let start = at;
  while (start > 0 && !atEdge(start)) start--;
  let end = at;
  while (end < length && !atEdge(end)) end++;
  return likeness(want, around(start)) > likeness(want, around(end)) ? start : end;
}

function fits(from: string, op: TextOp, to: string): boolean {
  try {
    return textType.apply(from, op) === to;
  } catch {
    return false;
  }
}

/**
 * A whole notes value keeps only the value, so carried by intent its edit was a diff from what the person edited
 * on, which among equally small ones can put an insert inside its neighbour ("{c1.13}" typed before "{c4.0}"
 * went in as "1.13}{c" after "{c"; fuzz switching seed 7). Each whole value therefore keeps, as `typed`, the edit
 * the person made, at their caret, from the value it was made on (`madeFrom`). The untaken notes edits as one
 * such edit, from the first one's `madeFrom`: when every one is a whole value with its typed edit and each was
 * made on the value before it. Null otherwise (then the diff).
 */
export function typedNotesOp(
  pending: readonly LocalChange[],
  taken: ReadonlySet<string> = new Set(),
): TextOp | null {
  const edits = typedNotesEdits(pending, taken);
  if (!edits) return null;
  let op: TextOp = [];
  for (const edit of edits) op = textType.compose(op, edit.op);
  return textType.normalize(op);
}

/**
 * The untaken notes edits one by one as typed (`typed`, each made on the value before it, the first on
 * `madeFrom`): the steps `replayTextOps` rebases over the order's history like OT edits. Null unless every one
 * is a whole value that kept its typed edit and each was made on the one before; none, null too.
 */
export function typedNotesEdits(
  pending: readonly LocalChange[],
  taken: ReadonlySet<string> = new Set(),
): { clientChangeId: string; op: TextOp; madeFrom: string }[] | null {
  const edits: { clientChangeId: string; op: TextOp; madeFrom: string }[] = [];
  let at: string | null = null;
  for (const change of pending) {
    if (change.field !== 'notes' || taken.has(change.clientChangeId)) continue;
    const { typed, madeFrom } = change;
    if (change.op.type !== 'set' || typeof change.op.value !== 'string') return null;
    if (typed === undefined || typeof madeFrom !== 'string' || (at !== null && madeFrom !== at)) return null;
    if (!fits(madeFrom, typed, change.op.value)) return null;
    edits.push({ clientChangeId: change.clientChangeId, op: typed, madeFrom });
    at = change.op.value;
  }
  return edits.length > 0 ? edits : null;
}

/** Where an op on a text touches it (code points): where it inserts, and where each deletion starts and ends. */
export function touchPoints(op: TextOp): number[] {
  const points: number[] = [];
  let at = 0;
  for (const part of op) {
    if (typeof part === 'number') at += part;
    else if (typeof part === 'string') points.push(at);
    else {
      const length = typeof part.d === 'number' ? part.d : Array.from(part.d).length;
      points.push(at, at + length);
      at += length;
    }
  }
  return points;
}

/**
 * Others' diff of `basis`, each plain deletion moved among the equally small ones (a run deleted between two
 * copies of the same text can start at either) to where it cuts through as few of the person's `points` as it
 * can. "{c4.2}{c4.0}" becoming "{c4.0}" is deleting "{c4.2}" or "2}{c4."; with the person's insert between the
 * two markers, only the first keeps the insert outside "{c4.0}" once transformed. Replaced text (a deletion
 * beside an insertion) stays where it is.
 */
export function alignDeletions(theirs: TextOp, basis: string, points: readonly number[]): TextOp {
  const text = Array.from(basis);
  type Part = { kind: 'retain'; n: number } | { kind: 'insert'; s: string } | { kind: 'delete'; n: number };
  const parts: Part[] = [];
  let length = 0;
  for (const part of theirs) {
    if (typeof part === 'number') {
      parts.push({ kind: 'retain', n: part });
      length += part;
    } else if (typeof part === 'string') parts.push({ kind: 'insert', s: part });
    else {
      const n = typeof part.d === 'number' ? part.d : Array.from(part.d).length;
      parts.push({ kind: 'delete', n });
      length += n;
    }
  }
  if (length < text.length) parts.push({ kind: 'retain', n: text.length - length });
  const inside = (start: number, end: number) => points.filter((p) => p > start && p < end).length;
  let start = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.kind === 'insert') continue;
    const before = parts[i - 1];
    const after = parts[i + 1];
    if (
      part.kind === 'delete' &&
      (!before || before.kind === 'retain') &&
      (!after || after.kind === 'retain')
    ) {
      const end = start + part.n;
      // The fewest points cut, then the smallest move.
      let best = { shift: 0, cut: inside(start, end) };
      const consider = (shift: number) => {
        const cut = inside(start + shift, end + shift);
        if (cut < best.cut || (cut === best.cut && Math.abs(shift) < Math.abs(best.shift)))
          best = { shift, cut };
      };
      const left = before?.kind === 'retain' ? before.n : 0;
      const right = after?.kind === 'retain' ? after.n : 0;
      for (let k = 1; k <= left && text[start - k] === text[end - k]; k++) consider(-k);
      for (let k = 1; k <= right && text[start + k - 1] === text[end + k - 1]; k++) consider(k);
      if (best.shift !== 0) {
        if (before?.kind === 'retain') before.n += best.shift;
        if (after?.kind === 'retain') after.n -= best.shift;
        start += best.shift;
      }
    }
    if (part.kind === 'retain' || part.kind === 'delete') start += part.n;
  }
  const op: TextOp = parts.map((part) =>
    part.kind === 'retain' ? part.n : part.kind === 'insert' ? part.s : { d: part.n },
  );
  return textType.normalize(op);
}

/**
 * OT notes edits the server has not taken, carried as what the person did rather than as one character diff: their
 * text ops (made on `basisNotes` at `basisVersion`, in order, each on top of the one before) are rebased over the
 * order's history since then, step by step, as the live client rebases pending ops over each remote one and as
 * the server transforms an op made on an older version (the incoming op on the left). A text step is its op; a
 * step of another kind is the diff (in hunks) of the notes it changed: a whole value from the notes before it, a
 * Yjs update read through the Yjs state a policy switch brought. One small diff per step keeps an insert where it
 * was typed far better than one diff over everything since (fuzz switching seed 32: offline across two switches,
 * a single diff put the person's marker inside a colleague's and cut others). A pending op the history shows
 * taken (its client change id) is acknowledged there. Answers the op that applies what is left on
 * `currentNotes` (the notes at `toVersion`), or null when the history cannot carry them: a gap, a Yjs notes step
 * with no state to read it, a taken op out of order or missing, or history that does not lead to
 * `currentNotes`. Then the caller carries the notes by intent.
 */
export function replayTextOps(input: {
  basisNotes: string;
  basisVersion: number;
  pending: readonly { clientChangeId: string; op: TextOp }[];
  /** The pending ids the server took: each must be found in the history. */
  taken: ReadonlySet<string>;
  history: readonly AppliedChange[];
  toVersion: number;
  currentNotes: string;
}): TextOp | null {
  let notes = input.basisNotes;
  let ops = [...input.pending];
  // Where a single pending edit's inserts were typed, kept through every step (a step may lose the context).
  const typed = ops.length === 1 ? typedSurroundings(ops[0]!.op, notes) : [];
  let expected = input.basisVersion + 1;
  let ydoc: Y.Doc | null = null;
  try {
    for (const change of input.history) {
      if (change.version <= input.basisVersion) continue;
      if (change.version > input.toVersion) break;
      if (change.version !== expected) return null;
      expected += 1;
      const { op } = change;
      if (op.type === 'policy') {
        if (op.yjsState !== null) {
          ydoc?.destroy();
          ydoc = loadYDoc(fromBase64(op.yjsState));
          if (op.policy.notes === 'crdt' && readYDoc(ydoc).notes !== notes) return null;
        }
        continue;
      }
      let step: TextOp;
      if (op.type === 'yjs') {
        if (!ydoc) {
          if (change.field === 'notes') return null;
          continue;
        }
        const was = readYDoc(ydoc).notes;
        // The step as Yjs made it (where its items went), not a diff of the values.
        const exact =
          change.field === 'notes'
            ? notesOpOfUpdates(Y.encodeStateAsUpdate(ydoc), [fromBase64(op.update)])
            : null;
        Y.applyUpdate(ydoc, fromBase64(op.update));
        if (change.field !== 'notes') continue;
        if (was !== notes || ydoc.store.pendingStructs !== null) return null;
        step = exact ?? hunkedTextOp(was, readYDoc(ydoc).notes);
      } else if (change.field !== 'notes') continue;
      else if (op.type === 'text') step = op.op;
      else if (op.type === 'set' && typeof op.value === 'string') step = hunkedTextOp(notes, op.value);
      else return null;
      const mine = ops.findIndex((o) => o.clientChangeId === change.clientChangeId);
      if (mine > 0) return null;
      if (mine === 0 && op.type === 'text') ops = ops.slice(1);
      else if (mine === 0) return null;
      else {
        const rebased = rebasePending(
          ops.map((o) => o.op),
          step,
        );
        ops = ops.map((o, i) => ({ ...o, op: rebased.pending[i]! }));
        // A step known only as a value (a whole value set): a single edit's inserts go back between the
        // characters they were typed between (`placeInserts`). With more, a later one is made on the first as
        // rebased, and moving the first alone would split them.
        if (op.type === 'set' && ops.length === 1) {
          ops[0] = {
            ...ops[0]!,
            op: placeInserts(typed, { op: ops[0]!.op, text: textType.apply(notes, step) }),
          };
        }
      }
      notes = textType.apply(notes, step);
    }
    if (expected !== input.toVersion + 1 || notes !== input.currentNotes) return null;
    if (ops.some((o) => input.taken.has(o.clientChangeId))) return null;
    let left: TextOp = [];
    for (const o of ops) left = textType.compose(left, o.op);
    // Throws when it does not fit: then it is carried by intent.
    textType.apply(input.currentNotes, left);
    return textType.normalize(left);
  } catch {
    return null;
  } finally {
    ydoc?.destroy();
  }
}

export type LineEdit =
  | { kind: 'add'; line: SyncLine }
  | { kind: 'remove'; lineId: string }
  | { kind: 'quantity'; lineId: string; quantity: number };

/**
 * The line edits that carry the person's intent onto the current lines: lines they added that are not there yet,
 * lines they removed that are still there, quantities they changed on lines that still exist.
 */
export function carryLines(
  basis: readonly SyncLine[],
  intended: readonly SyncLine[],
  current: readonly SyncLine[],
) {
  const before = new Map(basis.map((line) => [line.id, line]));
  const now = new Map(current.map((line) => [line.id, line]));
  const wanted = new Set(intended.map((line) => line.id));
  const edits: LineEdit[] = [];
  for (const line of basis)
    if (!wanted.has(line.id) && now.has(line.id)) edits.push({ kind: 'remove', lineId: line.id });
  for (const line of intended) {
    const was = before.get(line.id);
    const is = now.get(line.id);
    if (!was && !is) edits.push({ kind: 'add', line });
    else if (was && is && was.quantity !== line.quantity && is.quantity !== line.quantity)
      edits.push({ kind: 'quantity', lineId: line.id, quantity: line.quantity });
  }
  return edits;
}

/**
 * The document the person's pending edits were made on, once the server has taken some of them: the confirmed
 * document with the taken ones applied in order (text ops are sequential, so the walk stops at the first one
 * that was not taken; later text ops were made on top of it and are part of the intent).
 */
export function basisWithTaken(
  confirmed: OrderDoc,
  pending: readonly LocalChange[],
  taken: ReadonlySet<string>,
): OrderDoc {
  let doc = confirmed;
  let textGap = false;
  for (const change of pending) {
    if (!taken.has(change.clientChangeId)) {
      if (change.op.type === 'text') textGap = true;
      continue;
    }
    if (change.op.type === 'yjs' || (change.op.type === 'text' && textGap)) continue;
    try {
      doc = applyChangeToDoc(doc, change.field, change.op);
    } catch {
      // A text op that no longer fits: the intent diff covers it.
    }
  }
  return doc;
}

/**
 * The basis of the notes' intent: a pending whole-value edit of the notes was made on the notes the person saw
 * then (`madeFrom`), and the confirmed notes may have moved on under it (a colleague's change hidden by the
 * person's own pending value). The first pending notes edit the server did not take decides.
 */
export function withNotesMadeFrom(
  basis: OrderDoc,
  pending: readonly LocalChange[],
  taken: ReadonlySet<string> = new Set(),
): OrderDoc {
  const first = pending.find((c) => c.field === 'notes' && !taken.has(c.clientChangeId));
  if (first?.op.type !== 'set' || typeof first.madeFrom !== 'string') return basis;
  return { ...basis, notes: first.madeFrom };
}
