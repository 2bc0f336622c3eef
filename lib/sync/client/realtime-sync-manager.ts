import { type TextOp, type as textType } from 'ot-text-unicode';
import * as Y from 'yjs';
import { z } from 'zod';
import { parseWire } from '../../wire/edge';
import { wellFormed } from '../../wire/json';
import { digestOf } from '../digest';
import { applyChangeToDoc, readField } from '../doc';
import { defaultOrderPolicy, type OrderPolicy, opKindFor } from '../policy';
import {
  appliedChangeSchema,
  conflictNoticeSchema,
  conflictResolvedEventSchema,
  lockEventSchema,
  lockHolderDetails,
  type PushedChange,
  syncAnswers,
  syncEvents,
} from '../protocol';
import { randomId } from '../random-id';
import { caretAfterOp, diffToTextOp } from '../strategies/operational-transform';
import type {
  AppliedChange,
  ChangeResult,
  EditOp,
  LeaseView,
  OrderDoc,
  OrderSection,
  SyncLine,
} from '../types';
import { isOrderSection, lineIdOfField, sectionOfField } from '../types';
import {
  alignYDoc,
  applyTextOpToYText,
  fromBase64,
  loadYDoc,
  notesOpOfUpdates,
  readYDoc,
  removeYLine,
  setYLineQuantity,
  toBase64,
} from '../yjs-doc';
import {
  basisWithTaken,
  carryLines,
  carryNotesOp,
  hunkedTextOp,
  replayTextOps,
  typedNotesEdits,
  typedNotesOp,
  withNotesMadeFrom,
} from './carry-over';
import { type DurableOutbox, OUTBOX_LIMIT } from './durable-outbox';
import { composeView, enqueue, type LocalChange, rebaseOnRemoteText, throttleKeyOf } from './local-changes';
import type { OutboxRecord } from './outbox-store';
import { rpcParsed } from './parsed-rpc';
import { type RpcReply, type SyncClientTransport, type SyncClock, systemClock } from './transport';

export type SyncState = 'idle' | 'opening' | 'synced' | 'syncing' | 'offline' | 'error' | 'stopped';

export type ConflictNotice = {
  conflictId: string;
  field: string;
  mine: unknown;
  theirs: unknown;
  base?: unknown;
  mineBy?: { userId: string; userName: string };
  theirsBy: { userId: string; userName: string };
  at: number;
  /** The field's newer value when it changed after the conflict was raised (resolving replaces it). */
  current?: {
    value: unknown;
    version: number;
    userId: string;
    userName: string;
    at: number;
    editors: { userId: string; userName: string }[];
  } | null;
};

/**
 * Why the manager reopened the entity (the UI says it in the user's language): more changes than one pull brings,
 * a gap history cannot fill, an admin switched the policy, or the server refused a change that was already
 * applied locally (a text or Yjs edit, or a stale base).
 */
export type ResyncReason = 'too-far-behind' | 'missed-changes' | 'policy-changed' | 'refused' | 'diverged';

export type SyncNotice =
  | {
      kind: 'overwritten';
      field: string;
      by: { userId: string; userName: string };
      version: number;
      at: number;
    }
  | { kind: 'concurrent'; section: string; users: { userId: string; userName: string }[]; at: number }
  | {
      kind: 'rejected';
      field: string;
      code: string;
      message: string;
      details?: unknown;
      /** For a line's field: the product of that line, as this client last saw it (the line may be gone now). */
      productId?: string;
      at: number;
    }
  | { kind: 'conflict'; conflict: ConflictNotice; at: number }
  | { kind: 'resynced'; reason: ResyncReason; at: number }
  /** An admin switched how the order is edited; the person's unsaved edits were carried over into the new form. */
  | { kind: 'policy-switched'; by: { userId: string; userName: string }; version: number; at: number }
  /** Edits refused again after being carried over once: shown, not retried forever. */
  | { kind: 'discarded'; fields: string[]; at: number }
  /** Unsaved edits an earlier page left on this device (a reload, a crash, a closed tab) are being saved now. */
  | { kind: 'restored'; count: number; at: number }
  /** The outbox is full: this edit was not made (nothing older was dropped); reconnecting saves the waiting ones. */
  | { kind: 'outbox-full'; field: string; limit: number; at: number }
  /** This device could not store the unsaved edits (storage full or blocked); they are kept only in this page. */
  | { kind: 'outbox-unavailable'; at: number }
  | { kind: 'lock-lost'; section: string; at: number };

export type SyncSnapshot = {
  syncState: SyncState;
  syncing: boolean;
  version: number;
  lastSyncedAt: number | null;
  doc: OrderDoc | null;
  policy: OrderPolicy;
  localChanges: readonly LocalChange[];
  remoteChanges: readonly AppliedChange[];
  conflicts: readonly ConflictNotice[];
  locks: Readonly<Record<string, LeaseView>>;
  notices: readonly SyncNotice[];
  error: { code: string; message: string } | null;
  /** The newest version the client knows the server has; "synced" only when `version` has reached it. */
  serverVersion: number;
  /** How many times this replica was found to differ from the server's digest (and was repaired). */
  divergences: number;
  /** Unacknowledged changes kept on this device (this page's and those earlier pages left), with the bound. */
  outbox: { kept: number; limit: number; full: boolean; durable: boolean };
  /**
   * When the server is busy (a push refused with RATE_LIMITED, or UNAVAILABLE on an open connection): the time the
   * same push goes again. Every edit stays pending meanwhile; null when not waiting.
   */
  retryAt: number | null;
};

export type RealtimeSyncManagerOptions = {
  transport: SyncClientTransport;
  entityId: string;
  user: { id: string; name: string };
  clock?: SyncClock;
  /** At most one push per field per this many ms while typing. */
  throttleMs?: number;
  /** Renew held locks while the user was active within this window; idle users let their leases lapse. */
  idleMs?: number;
  newId?: () => string;
  keepRemoteChanges?: number;
  /** Keeps unacknowledged edits across reloads and crashes, shared with the person's other tabs on the order. */
  outbox?: DurableOutbox;
  /** The most unacknowledged changes held (the durable outbox's limit when there is one). */
  outboxLimit?: number;
  /** A number in [0, 1) for the jitter of the back-off after a busy server's refusal (default Math.random). */
  random?: () => number;
};

/** How a change was made: for the notes, where the person's caret is in the new value (code points). */
export type PushChangeOptions = { caret?: number };

type OpenResult = {
  version: number;
  doc: OrderDoc;
  policy: OrderPolicy;
  locks: LeaseView[];
  yjsState: string | null;
  conflicts: ConflictNotice[];
  digest?: string;
  settled?: { clientChangeId: string; status: ChangeResult['status'] }[];
};
/** `sync.open` asks about at most this many pending ids, `sync.push` takes at most this many changes. */
const OPEN_PENDING_MAX = 200;
const PUSH_MAX = 50;

/**
 * A push the server refused because it is busy (nothing of it applied) goes again after a back-off: the server's
 * `retryAfterMs` when it gives a usable one (at most RETRY_AFTER_MAX_MS), otherwise a wait drawn at random below a
 * ceiling that starts at BACKOFF_FIRST_MS and doubles per refusal in a row up to BACKOFF_MAX_MS (full jitter).
 */
const BACKOFF_FIRST_MS = 100;
const BACKOFF_MAX_MS = 5_000;
const RETRY_AFTER_MAX_MS = 30_000;
/** `details` of a busy refusal, read at the edge: anything else (negative, not a number, absent) is ignored. */
const retryAfterDetails = z.object({ retryAfterMs: z.number().nonnegative() });

/** The wait a refusal's details ask for, capped; null when they ask for none that can be used. */
export function retryAfterOf(details: unknown): number | null {
  const parsed = retryAfterDetails.safeParse(details);
  if (!parsed.success || !Number.isFinite(parsed.data.retryAfterMs)) return null;
  return Math.min(parsed.data.retryAfterMs, RETRY_AFTER_MAX_MS);
}

/** The computed back-off after `streak` busy refusals in a row before this one: full jitter under the ceiling. */
export function backoffDelay(streak: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.min(streak, 16));
  return Math.floor(Math.min(Math.max(random(), 0), 1) * ceiling);
}

/**
 * The client half of the sync engine for one order: optimistic local edits, pending changes rebased on remote
 * ones, one push in flight at a time (throttled per field), offline edits replayed after reconnect, locks and
 * conflicts surfaced. Framework-free: a React hook wraps `subscribe` + `getSnapshot`.
 */
export function createRealtimeSyncManager(options: RealtimeSyncManagerOptions) {
  const { transport, entityId, user } = options;
  const clock = options.clock ?? systemClock;
  const throttleMs = options.throttleMs ?? 100;
  const idleMs = options.idleMs ?? 60_000;
  const newId = options.newId ?? randomId;
  const keepRemote = options.keepRemoteChanges ?? 50;
  const room = `order:${entityId}`;
  const outbox = options.outbox ?? null;
  const outboxLimit = options.outboxLimit ?? outbox?.limit ?? OUTBOX_LIMIT;
  const random = options.random ?? Math.random;

  let state: SyncState = 'idle';
  let confirmed: OrderDoc | null = null;
  let version = 0;
  let policy: OrderPolicy = defaultOrderPolicy;
  let lastSyncedAt: number | null = null;
  let inflight: LocalChange[] = [];
  let unsent: LocalChange[] = [];
  let ydoc: Y.Doc | null = null;
  /** The Yjs state exactly as confirmed by the server (ydoc also holds this person's unsent edits). */
  let confirmedY: Y.Doc | null = null;
  let serverVersion = 0;
  let divergences = 0;
  /** Reopens in a row caused by refusals, to stop carrying edits the server keeps refusing. */
  let refusedStreak = 0;
  let reopenAfterApply: ResyncReason | null = null;
  /** Crdt sections whose local Yjs edits were refused for good: not carried over by the next reopen. */
  const droppedYjs = new Set<'notes' | 'lines'>();
  let buffered = new Map<number, AppliedChange>();
  let remoteChanges: AppliedChange[] = [];
  let conflicts: ConflictNotice[] = [];
  let locks: Record<string, LeaseView> = {};
  let notices: SyncNotice[] = [];
  let error: SyncSnapshot['error'] = null;
  const lastSent = new Map<string, number>();
  let flushTimer: unknown = null;
  /** A busy server refused the last push: nothing goes out until this timer fires (at `retryAt`). */
  let backoffTimer: unknown = null;
  let retryAt: number | null = null;
  /** Busy refusals in a row (reset once a push is answered): how far the computed back-off has grown. */
  let busyStreak = 0;
  /** An open or a catch-up pull a busy server refused: tried again when this timer fires (at `retryAt`). */
  let readRetryTimer: unknown = null;
  let pushing = false;
  let catchingUp = false;
  /** `sync.open` calls awaiting their answer: edits made meanwhile wait, and are carried onto what it brings. */
  let openingCount = 0;
  /**
   * Changes and room events heard while a `sync.open` is on its way. The answer may have been read before them
   * (or after them: two opens can answer out of order), so they are kept and applied once the last open is in;
   * those at or below its version are dropped there. Dropping them instead left a replica "synced" one version
   * behind for good when the open was read just before a commit whose event came in ahead of the answer.
   */
  let heardChanges: AppliedChange[] = [];
  let heardRoom: { event: string; data: unknown }[] = [];
  let lastActivity = clock.now();
  const renewTimers = new Map<string, unknown>();
  const listeners = new Set<() => void>();
  const textListeners = new Set<(op: TextOp, change: AppliedChange) => void>();
  const noticeListeners = new Set<(notice: SyncNotice) => void>();
  const cleanups: (() => void)[] = [];
  let snapshot: SyncSnapshot | null = null;
  /** Outboxes earlier pages left, adopted by this tab and replayed with its next `sync.open`. */
  let adopting: OutboxRecord[] = [];
  /** Adopted slots merged into this tab's queue: removed from storage with its next write. */
  const absorbed: string[] = [];
  /** The queues as last written, to write again only when they change. */
  let writtenQueues: [LocalChange[], LocalChange[]] | null = null;
  /** Carried-over edits are already counted: the bound refuses only new ones. */
  let carrying = false;
  /** The product of every line this client has seen, to name a line in a refusal after someone removed it. */
  const lineProducts = new Map<string, string>();
  const rememberLines = (doc: OrderDoc | null) => {
    for (const line of doc?.lines ?? []) lineProducts.set(line.id, line.productId);
  };
  /** The products of the lines the changes name, for the outbox record (see `OutboxRecord.lineProducts`). */
  const productsNamedBy = (changes: readonly LocalChange[]) => {
    const out: Record<string, string> = {};
    for (const change of changes) {
      const lineId = lineIdOfField(change.field);
      const productId = lineId === null ? undefined : lineProducts.get(lineId);
      if (lineId !== null && productId !== undefined) out[lineId] = productId;
    }
    return out;
  };
  const productOf = (field: string) => {
    const productId = field.startsWith('lines.') ? lineProducts.get(field.split('.')[1] ?? '') : undefined;
    return productId === undefined ? {} : { productId };
  };

  function view(): OrderDoc | null {
    if (!confirmed) return null;
    let doc = composeView(confirmed, [...inflight, ...unsent]);
    if (ydoc) {
      const values = readYDoc(ydoc);
      if (policy.notes === 'crdt') doc = { ...doc, notes: values.notes };
      if (policy.lines === 'crdt') doc = { ...doc, lines: values.lines };
    }
    return doc;
  }

  function changed() {
    snapshot = null;
    rememberLines(confirmed);
    persist();
    for (const listener of listeners) listener();
  }

  /**
   * Write-through: whenever the unacknowledged queues change, this tab's outbox is written (the document they
   * were made on, what the person sees, the changes in order with their ids), or removed once nothing is left.
   */
  function persist() {
    if (!outbox || state === 'stopped' || !confirmed) return;
    if (
      writtenQueues &&
      writtenQueues[0] === inflight &&
      writtenQueues[1] === unsent &&
      absorbed.length === 0
    )
      return;
    writtenQueues = [inflight, unsent];
    const changes = [...inflight, ...unsent];
    const intended = view();
    const record: OutboxRecord | null =
      changes.length > 0 && intended
        ? {
            userId: user.id,
            entityId,
            slot: outbox.slot,
            savedAt: clock.now(),
            version,
            policy,
            confirmed,
            confirmedY: confirmedY ? toBase64(Y.encodeStateAsUpdate(confirmedY)) : null,
            intended,
            changes,
            lineProducts: productsNamedBy(changes),
          }
        : null;
    outbox.write(record, absorbed.splice(0));
  }

  const queued = () => inflight.length + unsent.length;
  const keptCount = () => queued() + adopting.reduce((n, r) => n + r.changes.length, 0);

  /** The bound: a new edit past it is refused and said; nothing already queued is dropped. */
  function overLimit(field: string) {
    if (carrying || keptCount() < outboxLimit) return false;
    notify({ kind: 'outbox-full', field, limit: outboxLimit, at: clock.now() });
    changed();
    return true;
  }

  function notify(notice: SyncNotice) {
    notices = [...notices.slice(-19), notice];
    for (const listener of noticeListeners) listener(notice);
  }

  /** The state as it is now (read after an await, where a stop or a reopen may have happened meanwhile). */
  const stateNow = (): SyncState => state;

  function setState(next: SyncState) {
    if (state !== next) state = next;
  }

  function settledState(): SyncState {
    if (openingCount > 0) return 'opening';
    if (!transport.isConnected()) return 'offline';
    if (inflight.length || unsent.length || pushing) return 'syncing';
    // Never "synced" while the server is known to be ahead or a gap waits to be filled.
    return buffered.size > 0 || version < serverVersion || catchingUp ? 'syncing' : 'synced';
  }

  const crdtSections = (p: OrderPolicy) => (['notes', 'lines'] as const).filter((s) => p[s] === 'crdt');

  /** The confirmed document with its crdt sections read from the confirmed Yjs state. */
  function withConfirmedY(doc: OrderDoc): OrderDoc {
    if (!confirmedY) return doc;
    const values = readYDoc(confirmedY);
    let out = doc;
    for (const section of crdtSections(policy)) out = { ...out, [section]: values[section] };
    return out;
  }

  function loadYjs(state: string | null) {
    ydoc?.destroy();
    confirmedY?.destroy();
    ydoc = null;
    confirmedY = null;
    if (state === null) return;
    ydoc = loadYDoc(fromBase64(state));
    ydoc.on('update', onYjsUpdate);
    confirmedY = loadYDoc(fromBase64(state));
  }

  /** Checks the replica against the digest the server computed for this version. */
  function checkDigest(at: number, digest: string | null | undefined) {
    if (!digest || !confirmed || reopenAfterApply) return;
    if (digestOf(confirmed) !== digest) diverged(at);
  }

  /** The replica differs from the server at a version: counted, reported, and repaired by a reopen. */
  function diverged(at: number) {
    if (reopenAfterApply) return;
    divergences += 1;
    reopenAfterApply = 'diverged';
    const digest = confirmed ? digestOf(confirmed) : '';
    void transport.rpc('sync.diverged', { entityType: 'order', entityId, version: at, digest });
  }

  /**
   * Carries the person's unconfirmed edits of the notes and lines onto the document as it now is: their intent
   * (basis -> intended) merged with what others changed (basis -> current), expressed in today's op kinds.
   */
  function carry(
    sections: readonly ('notes' | 'lines')[],
    basis: OrderDoc,
    intended: OrderDoc,
    /** The notes edit as typed (`typedNotesOp`), when the pending notes edits are whole values that kept it. */
    typed: TextOp | null = null,
  ) {
    const current = view();
    if (!current) return;
    if (sections.includes('notes')) {
      const op = carryNotesOp(basis.notes, intended.notes, current.notes, typed);
      if (op.length > 0) editNotes(op, current.notes);
    }
    if (sections.includes('lines')) {
      for (const edit of carryLines(basis.lines, intended.lines, current.lines)) {
        if (edit.kind === 'add') addLine(edit.line);
        else if (edit.kind === 'remove') removeLine(edit.lineId);
        else pushChange(`lines.${edit.lineId}.quantity`, edit.quantity);
      }
    }
  }

  const sectionOf = (c: LocalChange) => sectionOfField(c.field);
  const kindOf = (op: LocalChange['op']) =>
    op.type === 'text' ? 'text' : op.type === 'yjs' ? 'yjs' : 'value';

  /**
   * An admin's switch reached this order at a version: from here on edits take the new form. Pending edits of a
   * section whose form changed are carried over as new edits (the ones already sent are refused by the server,
   * untouched); nothing the person typed is dropped.
   */
  function switchPolicy(change: AppliedChange & { op: { type: 'policy' } }) {
    const intended = view();
    const basis = confirmed;
    const pendingBefore = [...inflight, ...unsent];
    const next = change.op.policy;
    const moved = (['notes', 'lines'] as const).filter((s) => opKindFor(policy, s) !== opKindFor(next, s));
    const movedPending = (c: LocalChange) => {
      const section = sectionOf(c);
      return section === 'notes' || section === 'lines' ? moved.includes(section) : false;
    };
    // Sent ones leave the queue like unsent ones: the answer to one (a `policy_changed` refusal, or, for a whole
    // value the server still takes once the kind fits again, an application that sets the value its carried-over
    // form sets) then matches no pending change and is passed over. No id is remembered for it.
    inflight = inflight.filter((c) => !movedPending(c));
    unsent = unsent.filter((c) => !movedPending(c));
    const leftCrdt = crdtSections(policy).filter((s) => next[s] !== 'crdt');
    policy = next;
    // Edits of a section that left crdt go over in its new form (below): the Yjs document kept for the other
    // section must not hold them too, or they come back beside their carried-over form when the section turns
    // crdt again and the switch's state is merged into it (fuzz switching seed 5 on two nodes).
    const unkept = crdtSections(next).length > 0 && leftCrdt.length > 0 ? restartYDoc() : [];
    // Typed notes go over as the edits they were, read before the switch's state is merged.
    const notesEdit =
      (moved.includes('notes') || unkept.includes('notes')) && basis && intended
        ? pendingNotesOp(pendingBefore, basis, intended)
        : null;
    if (crdtSections(next).length === 0) loadYjs(null);
    else if (change.op.yjsState) {
      if (!ydoc || !confirmedY) loadYjs(change.op.yjsState);
      else {
        const state = fromBase64(change.op.yjsState);
        Y.applyUpdate(ydoc, state, 'remote');
        Y.applyUpdate(confirmedY, state, 'remote');
      }
    }
    if (basis) confirmed = withConfirmedY(basis);
    const edited = notesEdit !== null && basis !== null && editNotes(notesEdit, basis.notes);
    const byIntent = [...moved, ...unkept].filter((s) => !(edited && s === 'notes'));
    if (intended && basis)
      carry(byIntent, withNotesMadeFrom(basis, pendingBefore), intended, typedNotesOp(pendingBefore));
    notify({
      kind: 'policy-switched',
      by: { userId: change.userId, userName: change.userName },
      version: change.version,
      at: clock.now(),
    });
  }

  /**
   * Starts the Yjs document again from the confirmed state and the Yjs edits still queued, so it holds no
   * unsent item of a section whose edits left the queue (carried over in another form). A new document, so a new
   * Yjs client id: the dropped updates' clock range is never reused. Queued Yjs edits that no longer integrate
   * (they built, in the shared clock, on dropped ones; the server would refuse them too) leave the queue, and
   * their sections are returned to be carried over by intent.
   */
  function restartYDoc(): ('notes' | 'lines')[] {
    if (!ydoc || !confirmedY) return [];
    const queuedY = [...inflight, ...unsent].filter((c) => c.op.type === 'yjs');
    const fresh = loadYDoc(Y.encodeStateAsUpdate(confirmedY));
    for (const c of queuedY) if (c.op.type === 'yjs') Y.applyUpdate(fresh, fromBase64(c.op.update), 'remote');
    let unkept: ('notes' | 'lines')[] = [];
    if (fresh.store.pendingStructs !== null || fresh.store.pendingDs !== null) {
      fresh.destroy();
      const dropped = new Set(queuedY.map((c) => c.clientChangeId));
      inflight = inflight.filter((c) => !dropped.has(c.clientChangeId));
      unsent = unsent.filter((c) => !dropped.has(c.clientChangeId));
      unkept = (['notes', 'lines'] as const).filter((s) => queuedY.some((c) => c.field === s));
      ydoc.destroy();
      ydoc = loadYDoc(Y.encodeStateAsUpdate(confirmedY));
    } else {
      ydoc.destroy();
      ydoc = fresh;
    }
    ydoc.on('update', onYjsUpdate);
    return unkept;
  }

  /**
   * The person's unconfirmed notes edits as one text op on the confirmed notes, read from the edits themselves:
   * their text ops composed, or what their Yjs updates did (`notesOpOfUpdates`: where the items went). A diff of
   * the whole value instead may cut into the text beside an insert ("{c1.10}" typed after "{c2.0}" going in as
   * "0}{c1.1" after "{c2."), and a colleague's edit there then breaks both (fuzz switching seed 28). Null when
   * the edits are whole values, or the op does not give what the person sees.
   */
  function pendingNotesOp(pending: readonly LocalChange[], basis: OrderDoc, seen: OrderDoc): TextOp | null {
    const notes = pending.filter((c) => c.field === 'notes');
    if (notes.length === 0) return null;
    let op: TextOp | null = null;
    if (notes.every((c) => c.op.type === 'text')) {
      op = [];
      for (const c of notes) if (c.op.type === 'text') op = textType.compose(op, c.op.op);
    } else if (confirmedY && notes.every((c) => c.op.type === 'yjs')) {
      // Every unconfirmed Yjs update in order (notes and lines share one clock): only the notes' part counts.
      const updates = pending.flatMap((c) => (c.op.type === 'yjs' ? [fromBase64(c.op.update)] : []));
      op = notesOpOfUpdates(Y.encodeStateAsUpdate(confirmedY), updates);
    }
    if (!op) return null;
    try {
      return textType.apply(basis.notes, op) === seen.notes ? op : null;
    } catch {
      return null;
    }
  }

  /**
   * Makes a text op of the notes (on `on`, the notes it was made on) in the form the policy wants now, each part
   * at its own position: a text op, or Yjs edits. A whole value under other policies. False when the notes
   * shown are no longer `on` (the caller carries the edit by intent).
   */
  function editNotes(op: TextOp, on: string): boolean {
    const current = view();
    if (!current || current.notes !== on) return false;
    const kind = opKindFor(policy, 'notes');
    if (kind === 'text') localChange('notes', { type: 'text', op });
    else if (kind === 'yjs' && ydoc) {
      const doc = ydoc;
      lastActivity = clock.now();
      doc.transact(() => applyTextOpToYText(doc.getText('notes'), op), 'notes');
      setState(settledState());
      changed();
      scheduleFlush();
    } else localChange('notes', { type: 'set', value: textType.apply(on, op) }, 'notes', op);
    return true;
  }

  // ---- opening and catching up -------------------------------------------------------------------------------

  async function open(reason: ResyncReason | null) {
    setState('opening');
    changed();
    openingCount += 1;
    // Outboxes earlier pages left: every id they hold is asked about (one may have been sent, or even taken,
    // without its page hearing back), so none is applied twice.
    const adopted = adopting;
    adopting = [];
    const unsure = (c: LocalChange) => c.sent !== null || c.op.type === 'text' || c.op.type === 'yjs';
    const adoptedChanges = adopted.flatMap((r) => r.changes);
    // Sent or carried by intent first: a value edit not asked about is still deduplicated when it is resent.
    const asked = [...inflight, ...adoptedChanges.filter(unsure), ...adoptedChanges.filter((c) => !unsure(c))]
      .map((c) => c.clientChangeId)
      .slice(0, OPEN_PENDING_MAX);
    let reply: RpcReply<OpenResult>;
    let history: AppliedChange[] | null = null;
    try {
      reply = await rpcParsed(transport, 'sync.open', syncAnswers['sync.open'], {
        entityType: 'order',
        entityId,
        // The ids not taken are given up (fenced): their edits are carried over below under new ids.
        ...(asked.length > 0 ? { pending: asked, fence: true } : {}),
      });
      // Still counted as opening: what the room sends meanwhile is held until the carry-over is done.
      if (reply.ok) history = await textHistory(reply.result, adopted);
    } finally {
      openingCount -= 1;
    }
    // What the person sees now and what it was made on (including what they typed while the answer was on its
    // way), so their unconfirmed edits survive the reload.
    const intended = view();
    const basisConfirmed = confirmed;
    const basisVersion = version;
    const basisPolicy = policy;
    const basisY = confirmedY ? { state: Y.encodeStateAsUpdate(confirmedY), policy } : null;
    const pending = [...inflight, ...unsent];
    rememberLines(intended);
    for (const record of adopted) {
      for (const [lineId, productId] of Object.entries(record.lineProducts ?? {}))
        lineProducts.set(lineId, productId);
      rememberLines(record.confirmed);
      rememberLines(record.intended);
    }
    if (state === 'stopped') return;
    if (!reply.ok) {
      adopting = [...adopted, ...adopting]; // replayed with the next open
      if (isBusy(reply.error.code)) {
        // Not an error: the same open goes again after the back-off; edits made meanwhile wait for it.
        retryReadLater(reply.error.details, () => void open(reason));
        changed();
        return;
      }
      if (reply.error.code === 'UNAVAILABLE') setState('offline');
      else {
        setState('error');
        error = { code: reply.error.code, message: reply.error.message };
      }
      changed();
      applyHeard();
      return;
    }
    const opened = reply.result;
    const askedIds = new Set(asked);
    confirmed = opened.doc;
    version = opened.version;
    serverVersion = Math.max(serverVersion, opened.version);
    policy = opened.policy;
    buffered = new Map();
    reopenAfterApply = null;
    loadYjs(opened.yjsState);
    inflight = [];
    unsent = [];
    if (reason !== null) notify({ kind: 'resynced', reason, at: clock.now() });
    {
      // (A reopen without a reason, to replay adopted outboxes, keeps this page's own edits the same way.)
      const carryOver = reason !== 'refused' || refusedStreak < 2;
      if (basisConfirmed && intended && pending.length > 0) {
        if (carryOver) {
          carrying = true;
          try {
            keepPending(pending, opened, askedIds, {
              confirmed: basisConfirmed,
              version: basisVersion,
              policy: basisPolicy,
              y: basisY,
              intended,
              history,
            });
          } finally {
            carrying = false;
          }
        } else
          notify({ kind: 'discarded', fields: [...new Set(pending.map((c) => c.field))], at: clock.now() });
      }
    }
    droppedYjs.clear();
    if (adopted.length > 0) {
      // Replayed in the order they were saved, each carried over from the document it was made on.
      carrying = true;
      try {
        for (const record of adopted) {
          const basisY = record.confirmedY
            ? { state: fromBase64(record.confirmedY), policy: record.policy }
            : null;
          keepPending(record.changes, opened, askedIds, {
            confirmed: record.confirmed,
            version: record.version,
            policy: record.policy,
            y: basisY,
            intended: record.intended,
            history,
          });
        }
      } finally {
        carrying = false;
      }
      absorbed.push(...adopted.map((r) => r.slot));
      notify({ kind: 'restored', count: adopted.reduce((n, r) => n + r.changes.length, 0), at: clock.now() });
    }
    locks = Object.fromEntries(opened.locks.map((lease) => [lease.section, lease]));
    conflicts = opened.conflicts;
    lastSyncedAt = clock.now();
    error = null;
    setState(settledState());
    changed();
    applyHeard();
    scheduleFlush();
    // Outboxes adopted while this open was on its way go with the next one.
    if (adopting.length > 0 && transport.isConnected() && openingCount === 0) void open(null);
  }

  /**
   * Once no open is on its way: what was heard meanwhile, in the order it came (changes at or below the opened
   * version are dropped by `applyChanges`, a gap is pulled). A replica still short of a version the server is
   * known to have (an answer read before a change whose event was lost with the open's older sibling) catches up.
   */
  function applyHeard() {
    if (openingCount > 0 || state === 'stopped') return;
    const room = heardRoom;
    const changes = heardChanges;
    heardRoom = [];
    heardChanges = [];
    for (const { event, data } of room) onRoomEvent(event, data);
    if (!confirmed) return;
    if (changes.length > 0) applyChanges(changes);
    if (openingCount === 0 && buffered.size === 0 && version < serverVersion && transport.isConnected())
      void catchUp();
  }

  /**
   * After a reopen: value edits the server has not taken are queued again as they were; notes and lines edits are
   * carried over by intent onto the reopened document. An edit whose id the open asked about and the server
   * had not taken was given up there (fenced: a copy still on its way is refused), so it goes again under a new
   * id; one not asked about keeps its id (a retry of it is answered once).
   */
  function keepPending(
    pending: LocalChange[],
    opened: OpenResult,
    asked: ReadonlySet<string>,
    made: {
      /** The confirmed document the edits were made on, at `version` under `policy`, with its Yjs state. */
      confirmed: OrderDoc;
      version: number;
      policy: OrderPolicy;
      y: { state: Uint8Array; policy: OrderPolicy } | null;
      /** What the person saw. */
      intended: OrderDoc;
      /** The order's history since (at least) `version`, when it was read for OT notes. */
      history: readonly AppliedChange[] | null;
    },
  ) {
    const { confirmed: basisConfirmed, y: basisY } = made;
    let { intended } = made;
    const taken = new Set((opened.settled ?? []).map((s) => s.clientChangeId));
    const byIntent = new Set<'notes' | 'lines'>();
    // A section whose local Yjs edits were refused for good shows the saved value: its intent is the basis.
    for (const section of droppedYjs) intended = { ...intended, [section]: basisConfirmed[section] };
    const refusedYjs = new Set(droppedYjs);
    droppedYjs.clear();
    const kept: LocalChange[] = [];
    for (const change of pending) {
      const section = sectionOf(change);
      if (taken.has(change.clientChangeId)) continue;
      const sameForm = kindOf(change.op) === opKindFor(policy, change.field);
      // Under one-editor-at-a-time a whole value made on an older version is refused as stale: carried by intent,
      // it keeps the colleague's newer text and adds the person's edit to it.
      const stale = section !== null && policy[section] === 'lock-based';
      if ((section === 'notes' || section === 'lines') && (change.op.type !== 'set' || !sameForm || stale)) {
        byIntent.add(section);
      } else if (sameForm)
        kept.push({
          ...change,
          sent: null,
          ...(asked.has(change.clientChangeId) ? { clientChangeId: newId() } : {}),
        });
      else if (section === 'notes' || section === 'lines') byIntent.add(section);
    }
    // Value edits of a section carried by intent are part of that intent (appended: an adopted outbox is kept
    // after this page's own edits).
    unsent = [
      ...unsent,
      ...kept.filter((c) => {
        const section = sectionOf(c);
        return !(section === 'notes' || section === 'lines') || !byIntent.has(section);
      }),
    ];
    if (byIntent.size === 0) return;
    if (byIntent.has('notes') && replayText(pending, taken, made, intended, opened)) byIntent.delete('notes');
    if (byIntent.size === 0) return;
    let basis = basisWithTaken(basisConfirmed, pending, taken);
    if (basisY) {
      // Yjs edits the server took are in the basis too (read from the confirmed state plus those updates).
      const doc = loadYDoc(basisY.state);
      for (const change of pending)
        if (change.op.type === 'yjs' && taken.has(change.clientChangeId))
          Y.applyUpdate(doc, fromBase64(change.op.update));
      for (const section of replayYjs(pending, taken, byIntent, basisY.policy, refusedYjs, doc, intended))
        byIntent.delete(section);
      const values = readYDoc(doc);
      doc.destroy();
      for (const section of crdtSections(basisY.policy)) basis = { ...basis, [section]: values[section] };
    }
    if (byIntent.size === 0) return;
    carry([...byIntent], withNotesMadeFrom(basis, pending, taken), intended, typedNotesOp(pending, taken));
  }

  /**
   * Notes edits the server has not taken go again as the person's own edits, rebased over the history since the
   * version they were made on (`replayTextOps`: the same rule the server uses for an op made on an older version,
   * Yjs steps as Yjs made them, whole values as small diffs), not as one character diff from then to now,
   * which placed an offline insert inside a colleague's newer text. The edits are the text ops of OT notes, or the typed edits whole
   * notes values keep (`typedNotesEdits`: under last-write-wins or manual, the first made on the confirmed notes
   * and none taken yet; one diff over everything since put "{c2.9}" typed offline between two markers inside a
   * third the notes gained after a resolution and a switch to crdt, fuzz switching seed 7). Only when the ops
   * applied to the document they were made on give what the person saw and the history read after the open
   * leads to the reopened notes. Queued after the notes edits already carried over (another outbox); in another
   * form now, sent as that form's edit, each part where it was typed (`editNotes`). False: carry by intent.
   */
  function replayText(
    pending: readonly LocalChange[],
    taken: ReadonlySet<string>,
    made: {
      confirmed: OrderDoc;
      version: number;
      policy: OrderPolicy;
      history: readonly AppliedChange[] | null;
    },
    intended: OrderDoc,
    opened: OpenResult,
  ): boolean {
    const notes = replayableNotes(pending, taken, made);
    if (!made.history || !notes) return false;
    let seen = made.confirmed.notes;
    try {
      for (const { op } of notes) seen = textType.apply(seen, op);
    } catch {
      return false;
    }
    if (seen !== intended.notes) return false;
    const left = replayTextOps({
      basisNotes: made.confirmed.notes,
      basisVersion: made.version,
      pending: notes,
      taken,
      history: made.history,
      toVersion: opened.version,
      currentNotes: opened.doc.notes,
    });
    if (!left) return false;
    if (opKindFor(policy, 'notes') !== 'text') {
      // The notes are edited in another form now: the rebased edit goes as that form's edit of the reopened
      // notes, unless something was carried onto them already (then by intent).
      if (unsent.some((c) => sectionOf(c) === 'notes')) return false;
      return left.length === 0 || editNotes(left, opened.doc.notes);
    }
    // After what is already queued for the notes (an earlier outbox carried over on this reopen).
    let queued: TextOp = [];
    for (const c of unsent)
      if (c.field === 'notes' && c.op.type === 'text') queued = textType.compose(queued, c.op.op);
    const op = textType.normalize(textType.transform(left, queued, 'left'));
    if (op.length > 0) localChange('notes', { type: 'text', op });
    return true;
  }

  /**
   * The untaken notes edits `replayText` can rebase, in order: OT text ops, or the typed edits of whole values
   * (none of them taken, the first made on the confirmed notes). Null when there are none or they cannot be.
   */
  function replayableNotes(
    pending: readonly LocalChange[],
    taken: ReadonlySet<string>,
    made: { confirmed: OrderDoc; policy: OrderPolicy },
  ): { clientChangeId: string; op: TextOp }[] | null {
    const kind = opKindFor(made.policy, 'notes');
    const edits = pending.filter((c) => c.field === 'notes');
    if (kind === 'text') {
      const ops: { clientChangeId: string; op: TextOp }[] = [];
      for (const change of edits) {
        if (change.op.type !== 'text') return null;
        ops.push({ clientChangeId: change.clientChangeId, op: change.op.op });
      }
      return ops.length > 0 ? ops : null;
    }
    if (kind !== 'value' || edits.some((c) => taken.has(c.clientChangeId))) return null;
    const typed = typedNotesEdits(edits, taken);
    return typed && typed[0]!.madeFrom === made.confirmed.notes ? typed : null;
  }

  /**
   * The order's history from the oldest version unsent notes edits `replayText` can rebase were made on (this
   * page's or an adopted outbox's), read after an open. Null when there are none or the read failed (then they
   * are carried by intent).
   */
  async function textHistory(
    opened: OpenResult,
    adopted: readonly OutboxRecord[],
  ): Promise<AppliedChange[] | null> {
    const bases: number[] = [];
    if (confirmed && replayableNotes([...inflight, ...unsent], new Set(), { confirmed, policy }))
      bases.push(version);
    for (const record of adopted)
      if (replayableNotes(record.changes, new Set(), record)) bases.push(record.version);
    if (bases.length === 0) return null;
    const since = Math.min(...bases);
    if (since >= opened.version) return [];
    const reply = await rpcParsed(transport, 'sync.pull', syncAnswers['sync.pull'], {
      entityType: 'order',
      entityId,
      sinceVersion: since,
    });
    return reply.ok ? reply.result.changes : null;
  }

  /**
   * Crdt edits the server has not taken are merged as what the person did: their own Yjs updates applied to the
   * reopened document (items keep their ids, so they land beside the characters they were typed beside, and
   * applying one the server already holds changes nothing), then sent again as this page's change. A character
   * diff instead placed an offline insert by matching characters, inside a colleague's newer text (fuzz crdt
   * seed 2 --outbox). Only for a section that was and is crdt, whose untaken edits are all Yjs updates and were
   * not refused for good, and only when the updates (1) are exactly what the person saw: applied to the document
   * they were made on (`basisDoc`, the confirmed state with the taken updates) they give `intended`, so nothing
   * else made it into them (text carried over earlier under other items would come back twice); and (2)
   * integrate fully into the reopened state (Yjs would hold back an update whose earlier part the server lacks).
   * A section replayed is never also carried by intent; a section that fails a check is carried by intent only.
   * Applies the updates to `basisDoc` too (the caller reads the basis of any section left to the intent).
   */
  function replayYjs(
    pending: readonly LocalChange[],
    taken: ReadonlySet<string>,
    sections: ReadonlySet<'notes' | 'lines'>,
    basisPolicy: OrderPolicy,
    refused: ReadonlySet<'notes' | 'lines'>,
    basisDoc: Y.Doc,
    intended: OrderDoc,
  ): ('notes' | 'lines')[] {
    if (!ydoc) return [];
    const untaken = pending.filter((c) => !taken.has(c.clientChangeId));
    const replayable = [...sections].filter(
      (section) =>
        policy[section] === 'crdt' &&
        basisPolicy[section] === 'crdt' &&
        !refused.has(section) &&
        untaken.every((c) => sectionOf(c) !== section || c.op.type === 'yjs'),
    );
    if (replayable.length === 0) return [];
    // Every untaken Yjs update goes, in order (notes and lines share one clock per client: a later update needs
    // the earlier ones, whatever their section), or none does.
    const updates: { section: 'notes' | 'lines'; update: Uint8Array }[] = [];
    for (const c of untaken) {
      if (c.op.type !== 'yjs') continue;
      if (c.field !== 'notes' && c.field !== 'lines') return [];
      if (!replayable.includes(c.field)) return [];
      updates.push({ section: c.field, update: fromBase64(c.op.update) });
    }
    const trialBasis = loadYDoc(Y.encodeStateAsUpdate(basisDoc));
    const trial = loadYDoc(Y.encodeStateAsUpdate(ydoc));
    for (const { update } of updates) {
      Y.applyUpdate(trialBasis, update);
      Y.applyUpdate(trial, update);
    }
    const integrated = (doc: Y.Doc) => doc.store.pendingStructs === null && doc.store.pendingDs === null;
    const made = readYDoc(trialBasis);
    const asSeen = replayable.every((section) =>
      section === 'notes'
        ? made.notes === intended.notes
        : made.lines.length === intended.lines.length &&
          made.lines.every((line, i) => {
            const seen = intended.lines[i]!;
            return (
              line.id === seen.id && line.productId === seen.productId && line.quantity === seen.quantity
            );
          }),
    );
    const ok = integrated(trialBasis) && integrated(trial) && asSeen;
    trialBasis.destroy();
    trial.destroy();
    if (!ok) return [];
    for (const { section, update } of updates) {
      Y.applyUpdate(basisDoc, update);
      Y.applyUpdate(ydoc, update, section);
    }
    return replayable;
  }

  /**
   * Notes and lines share one Yjs document, so their updates share one clock per client: an update builds on the
   * ones before it in whatever section. It joins the last unsent Yjs change only if that one is of its own
   * section; otherwise it starts a new change, and Yjs changes go out in the order they were made, so the
   * server never receives an update whose earlier part is still on its way (Yjs would hold it back unseen).
   */
  function onYjsUpdate(update: Uint8Array, origin: unknown) {
    if (origin !== 'notes' && origin !== 'lines') return;
    const key = `yjs:${origin}`;
    const lastYjs = unsent.findLastIndex((c) => c.op.type === 'yjs');
    const last = lastYjs === -1 ? null : unsent[lastYjs]!;
    if (last && last.key === key && last.op.type === 'yjs') {
      const merged = Y.mergeUpdates([fromBase64(last.op.update), update]);
      unsent = unsent.map((c, i) =>
        i === lastYjs ? { ...c, op: { type: 'yjs', update: toBase64(merged) } } : c,
      );
      return;
    }
    unsent = [
      ...unsent,
      {
        key,
        field: origin,
        throttleKey: throttleKeyOf(origin),
        clientChangeId: newId(),
        op: { type: 'yjs', update: toBase64(update) },
        createdAt: clock.now(),
        sent: null,
      },
    ];
  }

  async function catchUp() {
    if (catchingUp || !confirmed || state === 'stopped') return;
    catchingUp = true;
    try {
      const reply = await rpcParsed(transport, 'sync.pull', syncAnswers['sync.pull'], {
        entityType: 'order',
        entityId,
        sinceVersion: version,
      });
      if (!reply.ok && isBusy(reply.error.code)) retryReadLater(reply.error.details, () => void catchUp());
      if (reply.ok) {
        serverVersion = Math.max(serverVersion, reply.result.version);
        applyChanges(reply.result.changes);
        // An open on its way (a repair the pull just started, or one already waiting) brings the order as it is
        // and whatever this pull brought is applied after it: a second open here could answer first and the
        // older one overwrite it.
        if (openingCount > 0) return;
        if (!reply.result.complete) await open('too-far-behind');
        // Still short of the server's version: a write left no history row, so no pull can fill the gap.
        else if (version < reply.result.version) await open('missed-changes');
      }
    } finally {
      catchingUp = false;
    }
    if (stateNow() === 'stopped' || openingCount > 0) return;
    setState(settledState());
    changed();
  }

  // ---- applying confirmed changes ----------------------------------------------------------------------------

  function applyChanges(changes: readonly AppliedChange[]) {
    if (openingCount > 0) {
      // The open's answer replaces the replica: these are applied on top of it (see `heardChanges`).
      for (const change of changes) serverVersion = Math.max(serverVersion, change.version);
      heardChanges.push(...changes);
      changed();
      return;
    }
    for (const change of changes) {
      serverVersion = Math.max(serverVersion, change.version);
      if (change.version > version) buffered.set(change.version, change);
    }
    let next = buffered.get(version + 1);
    while (next && !reopenAfterApply) {
      buffered.delete(next.version);
      applyOne(next);
      next = buffered.get(version + 1);
    }
    const repair = reopenAfterApply;
    if (repair) void open(repair);
    else if (buffered.size > 0) void catchUp();
    lastSyncedAt = clock.now();
    if (!repair && openingCount === 0) setState(settledState());
    changed();
  }

  function applyOne(change: AppliedChange) {
    if (!confirmed) return;
    const { op } = change;
    if (op.type === 'policy') {
      version = change.version;
      switchPolicy({ ...change, op });
      checkDigest(change.version, change.digest);
      return;
    }
    const mineIndex = inflight.findIndex((c) => c.clientChangeId === change.clientChangeId);
    version = change.version;
    if (change.op.type === 'yjs') {
      const update = fromBase64(change.op.update);
      if (ydoc) Y.applyUpdate(ydoc, update, 'remote');
      if (confirmedY) {
        Y.applyUpdate(confirmedY, update, 'remote');
        confirmed = withConfirmedY(confirmed);
      }
    } else {
      // A change that does not even apply to the replica (a text op longer than the notes) is a divergence
      // found early: repaired like a digest mismatch, never thrown into the screen.
      let next: OrderDoc;
      try {
        next = applyChangeToDoc(confirmed, change.field, change.op);
      } catch {
        diverged(change.version);
        return;
      }
      if (change.op.type === 'text' && mineIndex === -1) {
        const rebased = rebaseOnRemoteText([...inflight, ...unsent], change.op.op);
        inflight = rebased.changes.slice(0, inflight.length);
        unsent = rebased.changes.slice(inflight.length);
        confirmed = next;
        for (const listener of textListeners) listener(rebased.local, change);
      } else confirmed = next;
    }
    checkDigest(change.version, change.digest);
    if (mineIndex !== -1) {
      inflight = inflight.filter((_, i) => i !== mineIndex);
      return;
    }
    remoteChanges = [...remoteChanges.slice(-(keepRemote - 1)), change];
    if (change.overwrote?.userId === user.id) {
      notify({
        kind: 'overwritten',
        field: change.field,
        by: { userId: change.userId, userName: change.userName },
        version: change.version,
        at: change.at,
      });
    }
  }

  // ---- pushing ------------------------------------------------------------------------------------------------

  function scheduleFlush() {
    if (
      flushTimer !== null ||
      backoffTimer !== null ||
      pushing ||
      state === 'stopped' ||
      openingCount > 0 ||
      !confirmed ||
      !transport.isConnected()
    )
      return;
    if (inflight.length > 0) {
      void pushBatch(inflight.map((c) => c.sent!));
      return;
    }
    if (unsent.length === 0) return;
    // The first moment `flush` finds something to send (the same rule it applies), never earlier: a timer due
    // before that would find nothing and set itself again at once, spinning until the throttle window passed.
    const readyAt = Math.min(...dueTimes());
    const delay = Math.max(0, readyAt - clock.now());
    flushTimer = clock.setTimeout(() => {
      flushTimer = null;
      flush();
    }, delay);
  }

  /**
   * When each unsent change may go out: once its field's throttle window has passed. Yjs changes keep their order
   * (each builds on the one before, in whatever section), so a Yjs change is due no earlier than every Yjs change
   * before it: none goes before an earlier one that waits.
   */
  function dueTimes(): number[] {
    let yjsDue = Number.NEGATIVE_INFINITY;
    return unsent.map((c) => {
      const due = (lastSent.get(c.throttleKey) ?? Number.NEGATIVE_INFINITY) + throttleMs;
      if (c.op.type !== 'yjs') return due;
      yjsDue = Math.max(yjsDue, due);
      return yjsDue;
    });
  }

  function flush() {
    if (
      pushing ||
      backoffTimer !== null ||
      !confirmed ||
      !transport.isConnected() ||
      state === 'stopped' ||
      openingCount > 0
    )
      return;
    // Unconfirmed changes go out again first, exactly as sent (never replaced by newer ones).
    if (inflight.length > 0) return void pushBatch(inflight.map((c) => c.sent!));
    const now = clock.now();
    // At most one push's worth at a time (an outbox replayed after a long offline spell can hold hundreds).
    const due = dueTimes();
    const ready = unsent.filter((_, i) => due[i]! <= now).slice(0, PUSH_MAX);
    if (ready.length === 0) return scheduleFlush();
    const readyIds = new Set(ready.map((c) => c.clientChangeId));
    const sending = ready.map((c) => {
      const sent: PushedChange = {
        clientChangeId: c.clientChangeId,
        baseVersion: c.op.type === 'text' || c.op.type === 'yjs' ? version : (c.baseVersion ?? version),
        field: c.field,
        op: c.op,
      };
      lastSent.set(c.throttleKey, now);
      return { ...c, sent };
    });
    unsent = unsent.filter((c) => !readyIds.has(c.clientChangeId));
    inflight = sending;
    void pushBatch(sending.map((c) => c.sent!));
  }

  /** One push at a time: `pushing` holds until its answer is fully processed. */
  async function pushBatch(changes: PushedChange[]) {
    if (pushing) return;
    pushing = true;
    try {
      await pushAndSettle(changes);
    } finally {
      pushing = false;
    }
    if (state === 'stopped') return;
    setState(settledState());
    changed();
    scheduleFlush();
  }

  async function pushAndSettle(changes: PushedChange[]) {
    setState('syncing');
    changed();
    const reply = await rpcParsed(transport, 'sync.push', syncAnswers['sync.push'], {
      entityType: 'order',
      entityId,
      changes,
    });
    if (state === 'stopped') return;
    if (!reply.ok && isBusy(reply.error.code)) {
      // Refused as a whole by a busy server (or not answered in time on a connection that stays open): every
      // change stays pending as it is, and the same push goes again after the back-off, not a reopen.
      backOff(reply.error.details);
      return;
    }
    if (!reply.ok && reply.error.code === 'UNAVAILABLE') {
      setState('offline');
      changed();
      return; // resent as is after reconnect
    }
    busyStreak = 0; // answered
    if (!reply.ok) {
      notify({
        kind: 'rejected',
        field: '*',
        code: reply.error.code,
        message: reply.error.message,
        at: clock.now(),
      });
      if (reply.error.code === 'FORBIDDEN') {
        inflight = [];
        unsent = [];
        return;
      }
      // The push failed as a whole (a server error): some of it may have committed before it failed. The sent
      // edits stay pending, so the reopen asks which were taken and carries the rest over; refused again and
      // again, they end as a `discarded` notice, never silently. (Dropping them here lost an offline line added
      // beside a crdt notes edit: the notes committed, the line's insert failed, the line vanished.)
      refusedStreak += 1;
      await open('refused');
      return;
    }
    applyChanges(reply.result.changes);
    if (openingCount > 0) return; // a repair reopened the order; it carries whatever is still pending
    let resync: ResyncReason | null = null;
    for (const result of reply.result.results) {
      if (result.status === 'applied') {
        refusedStreak = 0;
        serverVersion = Math.max(serverVersion, result.version);
      }
      const local = inflight.find((c) => c.clientChangeId === result.clientChangeId);
      if (result.status !== 'rejected' && result.concurrent.length > 0) {
        // Named by the change as sent: an applied one has left the queue already (the answer's changes above).
        const field = changes.find((c) => c.clientChangeId === result.clientChangeId)?.field;
        notify({
          kind: 'concurrent',
          section: sectionOfField(field ?? '') ?? result.concurrent[0]?.section ?? '',
          users: result.concurrent.map((c) => ({ userId: c.userId, userName: c.userName })),
          at: clock.now(),
        });
      }
      if (result.status === 'applied') {
        // The field held this value at that version: later values made on it are based there.
        if (local?.op.type === 'set') raiseBase(local.field, result.version);
        continue;
      }
      if (!local) continue;
      if (result.status === 'rejected' && result.code === 'STALE_VERSION') {
        // Made on a state the server no longer has (its base, the notes it fits, the policy): not applied. It
        // stays pending and is carried onto the reopened order, so the person's edit is not lost.
        resync = 'refused';
        continue;
      }
      inflight = inflight.filter((c) => c.clientChangeId !== result.clientChangeId);
      if (result.status === 'conflict') {
        const conflict: ConflictNotice = {
          conflictId: result.conflictId,
          field: local.field,
          mine: local.op.type === 'set' ? local.op.value : null,
          theirs: confirmed ? readField(confirmed, local.field) : null,
          theirsBy: { userId: result.theirs.userId, userName: result.theirs.userName },
          mineBy: { userId: user.id, userName: user.name },
          at: clock.now(),
        };
        if (!conflicts.some((c) => c.conflictId === conflict.conflictId))
          conflicts = [...conflicts, conflict];
        notify({ kind: 'conflict', conflict, at: clock.now() });
      } else {
        notify({
          kind: 'rejected',
          field: local.field,
          code: result.code,
          message: result.message,
          ...(result.details === undefined ? {} : { details: result.details }),
          ...productOf(local.field),
          at: clock.now(),
        });
        if (local.op.type === 'text' || local.op.type === 'yjs') {
          // Refused for good (not allowed, too long): the edits built on it in this section go with it, said
          // above, and the saved order is shown again.
          const section = sectionOf(local);
          inflight = inflight.filter((c) => sectionOf(c) !== section);
          unsent = unsent.filter((c) => sectionOf(c) !== section);
          if (ydoc && (section === 'notes' || section === 'lines')) droppedYjs.add(section);
          resync = 'refused';
        }
      }
    }
    if (resync !== null) {
      refusedStreak += 1;
      await open(resync);
      return;
    }
    if (inflight.length > 0) {
      // Applied but not yet seen in order (more than a page behind): fetch the rest, then settle.
      await catchUp();
      inflight = inflight.filter(
        (c) => !reply.result.results.some((r) => r.clientChangeId === c.clientChangeId),
      );
    }
    setState(settledState());
    changed();
    scheduleFlush();
  }

  /**
   * RATE_LIMITED, or UNAVAILABLE while the connection is still open (the server shedding load, or no answer in
   * time): busy, not offline. An UNAVAILABLE of a lost connection is read as offline (a reconnect resends).
   */
  function isBusy(code: string) {
    return code === 'RATE_LIMITED' || (code === 'UNAVAILABLE' && transport.isConnected());
  }

  /**
   * Holds every push until the wait is over, then sends again: the changes in flight exactly as sent (same ids,
   * so one the server did take after all is answered once), the edits made meanwhile after them.
   */
  function backOff(details: unknown) {
    const delay = busyDelay(details);
    if (flushTimer !== null) clock.clearTimeout(flushTimer);
    flushTimer = null;
    if (backoffTimer !== null) clock.clearTimeout(backoffTimer);
    retryAt = clock.now() + delay;
    backoffTimer = clock.setTimeout(() => {
      backoffTimer = null;
      if (readRetryTimer === null) retryAt = null;
      if (state === 'stopped') return;
      changed();
      flush();
    }, delay);
  }

  /** The wait after a busy refusal: the server's `retryAfterMs`, else the back-off, which grows with the streak. */
  function busyDelay(details: unknown): number {
    const delay = retryAfterOf(details) ?? backoffDelay(busyStreak, random);
    busyStreak += 1;
    return delay;
  }

  function stopBackoff() {
    if (backoffTimer !== null) clock.clearTimeout(backoffTimer);
    backoffTimer = null;
    if (readRetryTimer !== null) clock.clearTimeout(readRetryTimer);
    readRetryTimer = null;
    retryAt = null;
  }

  /**
   * An open or a catch-up a busy server refused (RATE_LIMITED, or UNAVAILABLE on a connection that stays open):
   * asked again after the wait it gave or the back-off, shown as busy meanwhile, never as an error. One at a time:
   * a later refusal replaces the earlier retry (an open brings everything a pull would).
   */
  function retryReadLater(details: unknown, again: () => void) {
    const delay = busyDelay(details);
    if (readRetryTimer !== null) clock.clearTimeout(readRetryTimer);
    retryAt = Math.max(retryAt ?? 0, clock.now() + delay);
    readRetryTimer = clock.setTimeout(() => {
      readRetryTimer = null;
      if (backoffTimer === null) retryAt = null;
      if (state === 'stopped') return;
      again();
    }, delay);
  }

  // ---- local edits --------------------------------------------------------------------------------------------

  /**
   * What a whole value is made on: the field shows the newest pending value of it if there is one, and that one
   * was made on its own base (a colleague's change confirmed since is hidden under it), so the new value shares
   * that base; otherwise the version the person sees.
   */
  function baseOfSet(field: string): number {
    const shown = [...inflight, ...unsent].findLast((c) => c.field === field && c.op.type === 'set');
    return shown?.baseVersion ?? version;
  }

  /** `typed`: for a whole notes value, the edit from the notes shown to it as the person made it. */
  function localChange(field: string, op: EditOp, key = field, typed?: TextOp) {
    const current = view();
    const next = enqueue(unsent, {
      key,
      field,
      throttleKey: throttleKeyOf(field),
      clientChangeId: newId(),
      op,
      createdAt: clock.now(),
      baseVersion: op.type === 'set' ? baseOfSet(field) : version,
      ...(op.type === 'set' && current ? { madeFrom: readField(current, field) } : {}),
      ...(typed === undefined ? {} : { typed }),
      sent: null,
    });
    // An edit folded into a queued one (typing, a newer value) adds nothing to the queue: only new ones are bounded.
    if (next.length > unsent.length && overLimit(field)) return;
    lastActivity = clock.now();
    unsent = next;
    setState(settledState());
    changed();
    scheduleFlush();
  }

  function raiseBase(field: string, appliedAt: number) {
    unsent = unsent.map((c) =>
      c.field === field && c.op.type === 'set' && (c.baseVersion ?? 0) < appliedAt
        ? { ...c, baseVersion: appliedAt }
        : c,
    );
  }

  /**
   * Sets a field to a value as the user sees it; the manager turns it into the op the policy wants. For the notes,
   * `options.caret` is where the person's caret is in the new value (code points, the textarea's selectionEnd
   * after the change): a whole value is diffed into the edit that ends there, so text typed beside a copy of itself
   * goes in where it was typed (see `affixAtCaret`). A caret that does not fit the change is ignored.
   */
  function pushChange(field: string, typedValue: unknown, options: PushChangeOptions = {}) {
    // Half an emoji (a lone surrogate, from a paste or a cut pair) becomes U+FFFD here, as UTF-8 would make it:
    // the server refuses text that is not well-formed, and what is shown must be what is sent.
    const value = typeof typedValue === 'string' ? wellFormed(typedValue) : typedValue;
    const current = view();
    if (!current) return;
    const kind = opKindFor(policy, field);
    if (kind === 'yjs' && ydoc) {
      const section = sectionOfField(field) as 'notes' | 'lines';
      if (yjsOverLimit(section, field)) return;
      lastActivity = clock.now();
      ydoc.transact(() => {
        if (field === 'notes')
          alignYDoc(ydoc!, { notes: String(value), lines: readYDoc(ydoc!).lines }, { caret: options.caret });
        else {
          const lineId = lineIdOfField(field);
          if (lineId) setYLineQuantity(ydoc!, lineId, Number(value));
        }
      }, section);
      setState(settledState());
      changed();
      scheduleFlush();
      return;
    }
    if (kind === 'text') {
      const op = diffToTextOp(current.notes, String(value), field === 'notes' ? options.caret : undefined);
      if (op.length > 0) localChange(field, { type: 'text', op });
      return;
    }
    // A whole notes value keeps the edit as typed, at the caret, in hunks (a value set without a caret may have
    // changed several places): carried over by intent, it goes where it was typed.
    const typed =
      field === 'notes' && typeof value === 'string'
        ? hunkedTextOp(current.notes, value, 500, options.caret === undefined ? {} : { caret: options.caret })
        : undefined;
    localChange(field, { type: 'set', value }, field, typed);
  }

  /** Yjs edits of a section fold into its one queued update: bounded only when that starts a new one. */
  function yjsOverLimit(section: 'notes' | 'lines', field: string) {
    return !unsent.some((c) => c.key === `yjs:${section}`) && overLimit(field);
  }

  function applyTextOp(typedOp: TextOp) {
    const op = typedOp.map((part) => (typeof part === 'string' ? wellFormed(part) : part));
    const kind = opKindFor(policy, 'notes');
    const shown = view();
    if (kind === 'text') localChange('notes', { type: 'text', op });
    else if (kind === 'value' && shown)
      localChange('notes', { type: 'set', value: textType.apply(shown.notes, op) }, 'notes', op);
    else if (kind === 'yjs' && ydoc && shown) {
      // Into the Yjs text at the op's own places (`editNotes`), not as a whole value diffed at one caret.
      if (!yjsOverLimit('notes', 'notes')) editNotes(op, shown.notes);
    } else if (shown)
      pushChange('notes', applyChangeToDoc(shown, 'notes', { type: 'text', op }).notes, {
        caret: caretAfterOp(op) ?? 0,
      });
  }

  function addLine(line: SyncLine) {
    if (opKindFor(policy, 'lines') === 'yjs' && ydoc) {
      if (yjsOverLimit('lines', 'lines')) return;
      lastActivity = clock.now();
      const target = readYDoc(ydoc);
      ydoc.transact(() => alignYDoc(ydoc!, { notes: target.notes, lines: [...target.lines, line] }), 'lines');
      changed();
      scheduleFlush();
      return;
    }
    localChange('lines', { type: 'line.add', line }, `lines:add:${line.id}`);
  }

  function removeLine(lineId: string) {
    if (opKindFor(policy, 'lines') === 'yjs' && ydoc) {
      if (yjsOverLimit('lines', 'lines')) return;
      lastActivity = clock.now();
      ydoc.transact(() => removeYLine(ydoc!, lineId), 'lines');
      changed();
      scheduleFlush();
      return;
    }
    localChange('lines', { type: 'line.remove', lineId }, `lines:remove:${lineId}`);
  }

  // ---- locks --------------------------------------------------------------------------------------------------

  function scheduleRenew(section: OrderSection, lease: LeaseView) {
    const existing = renewTimers.get(section);
    if (existing !== undefined) clock.clearTimeout(existing);
    const delay = Math.max(1_000, Math.floor((lease.expiresAt - clock.now()) / 3));
    renewTimers.set(
      section,
      clock.setTimeout(async () => {
        renewTimers.delete(section);
        if (clock.now() - lastActivity > idleMs) return; // idle: let the lease lapse
        const reply = await rpcParsed(transport, 'lock.renew', syncAnswers['lock.renew'], {
          entityType: 'order',
          entityId,
          section,
        });
        const held = locks[section];
        if (reply.ok) {
          locks = { ...locks, [section]: reply.result.lease };
          scheduleRenew(section, reply.result.lease);
        } else if (isBusy(reply.error.code) && held && held.expiresAt > clock.now()) {
          // A busy server did not renew it: the lease still runs, and is asked for again in a third of what is
          // left (at least a second), until it is renewed or has run out.
          scheduleRenew(section, held);
        } else if (reply.error.code !== 'UNAVAILABLE' || transport.isConnected())
          notify({ kind: 'lock-lost', section, at: clock.now() });
        changed();
      }, delay),
    );
  }

  async function acquireLock(section: OrderSection) {
    lastActivity = clock.now();
    const reply = await rpcParsed(transport, 'lock.acquire', syncAnswers['lock.acquire'], {
      entityType: 'order',
      entityId,
      section,
    });
    if (reply.ok) {
      locks = { ...locks, [section]: reply.result.lease };
      scheduleRenew(section, reply.result.lease);
    } else {
      const holder = lockHolderDetails.safeParse(reply.error.details).data?.holder;
      if (holder) locks = { ...locks, [section]: holder };
    }
    changed();
    return reply;
  }

  async function releaseLock(section: OrderSection) {
    const timer = renewTimers.get(section);
    if (timer !== undefined) clock.clearTimeout(timer);
    renewTimers.delete(section);
    const reply = await transport.rpc('lock.release', { entityType: 'order', entityId, section });
    if (locks[section]?.userId === user.id) {
      const { [section]: _gone, ...rest } = locks;
      locks = rest;
    }
    changed();
    return reply;
  }

  // ---- room events ----------------------------------------------------------------------------------------------

  function onRoomEvent(event: string, data: unknown) {
    if (openingCount > 0) {
      // Kept until the open's answer is in (it may have been read before this event's change or lease).
      if (event === syncEvents.change) applyParsedChange(data);
      else heardRoom.push({ event, data });
      return;
    }
    if (!confirmed) return;
    if (event === syncEvents.change) applyParsedChange(data);
    else if (event === syncEvents.lock) {
      const lock = parseWire('sync.lock', lockEventSchema, data);
      if (!lock) return;
      const { section, lease } = lock;
      if (lease) locks = { ...locks, [section]: lease };
      else {
        const { [section]: _gone, ...rest } = locks;
        locks = rest;
        const timer = renewTimers.get(section);
        if (timer !== undefined) clock.clearTimeout(timer);
        renewTimers.delete(section);
      }
      changed();
    } else if (event === syncEvents.conflict) {
      const conflict = parseWire('sync.conflict', conflictNoticeSchema, data);
      if (!conflict) return;
      if (!conflicts.some((c) => c.conflictId === conflict.conflictId)) conflicts = [...conflicts, conflict];
      changed();
    } else if (event === syncEvents.conflictResolved) {
      const resolved = parseWire('sync.conflictResolved', conflictResolvedEventSchema, data);
      if (!resolved) return;
      conflicts = conflicts.filter((c) => c.conflictId !== resolved.conflictId);
      changed();
    }
  }

  /** A `sync.change` from the room, parsed at the edge (a dropped one is a gap the next change or pull fills). */
  function applyParsedChange(data: unknown) {
    const change = parseWire('sync.change', appliedChangeSchema, data);
    if (change) applyChanges([change]);
  }

  function onConnection(connected: boolean) {
    if (state === 'stopped' || state === 'idle') return;
    if (!connected) {
      if (flushTimer !== null) clock.clearTimeout(flushTimer);
      flushTimer = null;
      // The reconnect opens or catches up anyway: a read waiting out a busy server's back-off is not sent too.
      if (readRetryTimer !== null) clock.clearTimeout(readRetryTimer);
      readRetryTimer = null;
      setState('offline');
      changed();
      return;
    }
    if (!confirmed || adopting.length > 0) {
      void open(null);
      return;
    }
    void catchUp().then(() => {
      setState(settledState());
      changed();
      scheduleFlush();
    });
  }

  const withRecords = (list: OutboxRecord[], more: OutboxRecord[]) => [
    ...list,
    ...more.filter((r) => !list.some((l) => l.slot === r.slot) && !absorbed.includes(r.slot)),
  ];

  /** Another tab's outbox, left behind, handed to this (owning) tab: replayed with a reopen once connected. */
  function adopt(records: OutboxRecord[]) {
    if (state === 'stopped') return;
    adopting = withRecords(adopting, records);
    changed();
    if (confirmed && transport.isConnected() && openingCount === 0) void open(null);
  }

  // ---- public API ---------------------------------------------------------------------------------------------

  return {
    async startSync() {
      if (state !== 'idle' && state !== 'stopped') return;
      state = 'opening';
      if (outbox) {
        // What earlier pages left (a reload, a crash, a closed tab) is replayed with the first open. Read before
        // listening to the connection, so a connect meanwhile cannot start a second, concurrent first open.
        let warned = false;
        outbox.onError(() => {
          if (warned) return; // said once per page
          warned = true;
          notify({ kind: 'outbox-unavailable', at: clock.now() });
        });
        adopting = withRecords(adopting, await outbox.start(adopt));
        if (stateNow() === 'stopped') return;
      }
      cleanups.push(
        // History the realtime layer could not replay (`recovered: false`): the order's own history fills it.
        transport.subscribe(room, onRoomEvent, () => void catchUp()),
        // An admin switched the order policy: catching up brings the switch, at the version it applies from.
        transport.subscribe('orders', (event) => {
          if (event === syncEvents.policy && confirmed) void catchUp();
        }),
        transport.onConnectionChange(onConnection),
      );
      if (transport.isConnected()) await open(null);
      else setState('offline');
      changed();
    },
    async stopSync() {
      for (const [section, lease] of Object.entries(locks)) {
        if (isOrderSection(section) && lease.userId === user.id) await releaseLock(section);
      }
      for (const cleanup of cleanups.splice(0)) cleanup();
      if (flushTimer !== null) clock.clearTimeout(flushTimer);
      flushTimer = null;
      stopBackoff();
      for (const timer of renewTimers.values()) clock.clearTimeout(timer);
      renewTimers.clear();
      loadYjs(null);
      persist(); // the queues as they are now (acknowledgements that came in since the last write)
      state = 'stopped';
      changed();
      // The last write lands before this page gives up its locks: another tab then adopts exactly what is left.
      await outbox?.stop();
    },
    pushChange,
    applyTextOp,
    addLine,
    removeLine,
    acquireLock,
    releaseLock,
    lock: (section: OrderSection): LeaseView | null => locks[section] ?? null,
    isLocked: (section: OrderSection) => {
      const lease = locks[section];
      return Boolean(lease && lease.expiresAt > clock.now() && lease.userId !== user.id);
    },
    lockedByMe: (section: OrderSection) => {
      const lease = locks[section];
      return Boolean(lease && lease.expiresAt > clock.now() && lease.userId === user.id);
    },
    async resolveConflict(
      conflictId: string,
      resolution: 'mine' | 'theirs' | 'merged',
      value?: unknown,
      reviewedVersion?: number,
    ) {
      return transport.rpc('conflict.resolve', { conflictId, resolution, value, reviewedVersion });
    },
    /** Reads the order's open conflicts again (with the newer value where the field changed since). */
    async refreshConflicts() {
      const reply = await rpcParsed(transport, 'conflict.list', syncAnswers['conflict.list'], {
        entityType: 'order',
        entityId,
        status: 'open',
      });
      if (reply.ok) {
        conflicts = reply.result.items;
        changed();
      }
    },
    async undoChange(changeId?: string) {
      return transport.rpc('sync.undo', { entityType: 'order', entityId, changeId });
    },
    async redoChange(changeId?: string) {
      return transport.rpc('sync.redo', { entityType: 'order', entityId, changeId });
    },
    async loadHistory(
      filter: {
        field?: string;
        section?: OrderSection;
        userId?: string;
        beforeVersion?: number;
        limit?: number;
      } = {},
    ) {
      return rpcParsed(transport, 'sync.history', syncAnswers['sync.history'], {
        entityType: 'order',
        entityId,
        ...filter,
      });
    },
    /** Forces pending changes out now (ignores the throttle window), e.g. before leaving the page. */
    flushNow() {
      if (flushTimer !== null) clock.clearTimeout(flushTimer);
      flushTimer = null;
      lastSent.clear();
      flush();
    },
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** A remote text op as it applies to the local view, with the change it came from (who, version). */
    onRemoteText(listener: (op: TextOp, change: AppliedChange) => void) {
      textListeners.add(listener);
      return () => textListeners.delete(listener);
    },
    onNotice(listener: (notice: SyncNotice) => void) {
      noticeListeners.add(listener);
      return () => noticeListeners.delete(listener);
    },
    getSnapshot(): SyncSnapshot {
      snapshot ??= {
        syncState: state,
        syncing: state === 'syncing' || state === 'opening',
        version,
        lastSyncedAt,
        doc: view(),
        policy,
        localChanges: [...inflight, ...unsent],
        remoteChanges,
        conflicts,
        locks,
        notices,
        error,
        serverVersion,
        divergences,
        outbox: {
          kept: outbox ? keptCount() : 0,
          limit: outboxLimit,
          full: keptCount() >= outboxLimit,
          durable: outbox !== null,
        },
        retryAt,
      };
      return snapshot;
    },
    /** True when nothing local waits to be confirmed. */
    isSettled: () => inflight.length === 0 && unsent.length === 0 && !pushing && buffered.size === 0,
  };
}

export type RealtimeSyncManager = ReturnType<typeof createRealtimeSyncManager>;
