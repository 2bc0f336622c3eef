import { isDeepStrictEqual } from 'node:util';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../../lib/db/create-db';
import { withValues } from '../../../lib/db/queries/change-values';
import { entityChanges, syncConflicts } from '../../../lib/db/schema';
import type { SyncSnapshot } from '../../../lib/sync/client/realtime-sync-manager';
import type { OrderDoc } from '../../../lib/sync/types';
import type { FuzzClient } from './client';
import { brokenText } from './corpus';
import { describeDocDiff } from './doc-diff';

/** What the fuzz observed on the clients' transports and typed into the notes. */
export type FuzzRecord = {
  /** Every pushed change by client change id: the base it was sent on and who sent it. */
  sent: Map<string, { baseVersion: number; field: string; client: number; session: number }>;
  /** The server's answer per client change id. */
  acked: Map<
    string,
    {
      clientChangeId: string;
      status: 'applied' | 'conflict' | 'rejected';
      version?: number;
      conflictId?: string;
      code?: string;
      client: number;
      session: number;
    }
  >;
  /** Unique tokens typed into the notes; edits never delete a marker's characters. */
  markers: { marker: string; client: number; session: number; step: number; noticesBefore: number }[];
  resolutions: number;
};

/** The order's history as the app reads it: typing the order log kept by its ops comes with its values. */
export async function readHistory(db: Db, orderId: string) {
  const stored = await db
    .select()
    .from(entityChanges)
    .where(eq(entityChanges.entityId, orderId))
    .orderBy(asc(entityChanges.version));
  const changes = await withValues(db, stored);
  const conflicts = await db.select().from(syncConflicts).where(eq(syncConflicts.entityId, orderId));
  return { changes, conflicts };
}
export type FuzzHistory = Awaited<ReturnType<typeof readHistory>>;
type ChangeRow = FuzzHistory['changes'][number];

function brokenStrings(value: unknown, path: string, out: string[]) {
  if (typeof value === 'string') {
    const broken = brokenText(value);
    if (broken) out.push(`${path}: ${broken} in ${JSON.stringify(value.slice(0, 80))}`);
  } else if (Array.isArray(value))
    for (const [i, v] of value.entries()) brokenStrings(v, `${path}[${i}]`, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) brokenStrings(v, `${path}.${k}`, out);
}

const refusalsThatDropTyping = new Set(['LOCKED', 'FORBIDDEN', 'VALIDATION', 'NOT_FOUND', 'CONFLICT']);

/**
 * The end-of-run checks. Each broken promise is one line naming the change, client and version involved.
 */
export function checkInvariants(input: {
  final: { version: number; doc: OrderDoc };
  history: FuzzHistory;
  record: FuzzRecord;
  clients: FuzzClient[];
  replicas: { name: string; snapshot: SyncSnapshot }[];
  outboxSurvivesReload: boolean;
}): string[] {
  const { final, history, record, replicas } = input;
  const out: string[] = [];
  const rows = history.changes;

  // Every replica equals the server at the same version, and none says "synced" behind it.
  for (const { name, snapshot } of replicas) {
    if (snapshot.syncState === 'synced' && snapshot.version < final.version)
      out.push(`${name} shows "synced" at v${snapshot.version}, the server is at v${final.version}`);
    else if (snapshot.version !== final.version)
      out.push(`${name} is at v${snapshot.version} (${snapshot.syncState}), the server at v${final.version}`);
    const diff = describeDocDiff(snapshot.doc, final.doc);
    if (diff.length > 0) out.push(`${name}'s document differs from the server's: ${diff.join('; ')}`);
    brokenStrings(snapshot.doc, `${name}.doc`, out);
  }

  // No split characters anywhere.
  brokenStrings(final.doc, 'server doc', out);
  for (const row of rows)
    brokenStrings({ op: row.op, before: row.before, after: row.after }, `history v${row.version}`, out);
  for (const conflict of history.conflicts)
    brokenStrings({ mine: conflict.mine, theirs: conflict.theirs }, 'conflict', out);

  // Nothing applied twice; the versions are gap-free.
  const byClientId = new Map<string, ChangeRow[]>();
  for (const row of rows)
    byClientId.set(row.clientChangeId, [...(byClientId.get(row.clientChangeId) ?? []), row]);
  for (const [id, same] of byClientId)
    if (same.length > 1)
      out.push(
        `change ${id} is in the history ${same.length} times (v${same.map((r) => r.version).join(', v')})`,
      );
  for (let i = 1; i < rows.length; i++)
    if (rows[i]!.version !== rows[i - 1]!.version + 1)
      out.push(`history jumps from v${rows[i - 1]!.version} to v${rows[i]!.version}`);
  if (rows.length > 0 && rows.at(-1)!.version !== final.version)
    out.push(`the last history row is v${rows.at(-1)!.version}, the order is at v${final.version}`);

  // Every acknowledged change is in the history exactly once, at the version its answer named; every
  // acknowledged conflict is recorded.
  const conflictIds = new Set(history.conflicts.map((c) => c.clientChangeId));
  for (const [id, ack] of record.acked) {
    if (ack.status === 'applied') {
      const found = byClientId.get(id) ?? [];
      if (found.length === 0)
        out.push(
          `c${ack.client} was told ${id} was applied at v${ack.version}, but it is not in this order's history`,
        );
      else if (ack.version !== undefined && found[0]!.version !== ack.version)
        out.push(`${id} was acknowledged at v${ack.version} but recorded at v${found[0]!.version}`);
    } else if (ack.status === 'conflict' && !conflictIds.has(id)) {
      out.push(`c${ack.client} was told ${id} is a conflict, but sync_conflicts has no row for it`);
    }
  }

  out.push(...unrecordedOverwrites(rows, history, record));
  out.push(...markerChecks(input));
  return out;
}

/**
 * A whole value replaced without a record: a change (last-write-wins, manual, an undo/redo or a conflict
 * resolution) that did not see a later value of the field by someone else must name it in `overwrote`.
 */
function unrecordedOverwrites(rows: ChangeRow[], history: FuzzHistory, record: FuzzRecord): string[] {
  const out: string[] = [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const conflictById = new Map(history.conflicts.map((c) => [c.id, c]));
  for (const row of rows) {
    const op = row.op as { type?: string };
    if (op.type !== 'set' || row.overwrote !== null) continue;
    let base: number | null = null;
    let what = '';
    if (row.clientChangeId.startsWith('resolve:')) {
      const conflict = conflictById.get(row.clientChangeId.slice('resolve:'.length));
      if (conflict) {
        base = conflict.theirsVersion;
        what = `the resolution of conflict ${conflict.id.slice(0, 8)} (raised against v${conflict.theirsVersion})`;
      }
    } else if ((row.kind === 'undo' || row.kind === 'redo') && row.undoOf && row.field !== 'notes') {
      // (An undo of notes is a text revert carried over every later edit, written as a whole value only when the
      // notes take whole values now; the marker checks below judge what it removed.)
      const target = byId.get(row.undoOf);
      if (target) {
        base = target.version;
        what = `the ${row.kind} of v${target.version}`;
      }
    } else if (row.strategy === 'last-write-wins' || row.strategy === 'manual') {
      const sent = record.sent.get(row.clientChangeId);
      if (sent) {
        base = sent.baseVersion;
        what = `c${sent.client}'s ${row.strategy} change ${row.clientChangeId} (base v${sent.baseVersion})`;
      }
    }
    if (base === null) continue;
    // A write of the value the field already held replaces nothing (a recorded change before it did).
    const before = rows.findLast((p) => p.field === row.field && p.version < row.version);
    if (before && isDeepStrictEqual(before.after, row.after)) continue;
    const replaced = rows.filter(
      (p) =>
        p.field === row.field &&
        p.version > base &&
        p.version < row.version &&
        p.userId !== row.userId &&
        !isDeepStrictEqual(p.after, row.after),
    );
    if (replaced.length > 0)
      out.push(
        `${what} at v${row.version} replaced ${row.field} as set by ${replaced
          .map((p) => `${p.userName} at v${p.version}`)
          .join(', ')} with no overwrite record`,
      );
  }
  return out;
}

/**
 * Every marker typed is either in the history (then in the final notes, unless a recorded change removed it: an
 * undo/redo, a change that names what it overwrote, a conflict resolution, or the same person's later session),
 * or in a recorded conflict, or excused: the session was reloaded before it was acknowledged (no durable outbox),
 * the server refused the notes edit and said so, or the manager set it aside after repeated refusals and said so.
 */
function markerChecks(input: Parameters<typeof checkInvariants>[0]): string[] {
  const { final, history, record, clients } = input;
  const out: string[] = [];
  const notesRows = input.history.changes.filter(
    (r): r is ChangeRow & { after: string } => r.field === 'notes' && typeof r.after === 'string',
  );
  for (const typed of record.markers) {
    const { marker } = typed;
    const count = final.doc.notes.split(marker).length - 1;
    if (count > 1) out.push(`marker ${marker} is in the final notes ${count} times`);
    const first = notesRows.findIndex((r) => r.after.includes(marker));
    if (first === -1) {
      if (history.conflicts.some((c) => typeof c.mine === 'string' && c.mine.includes(marker))) continue;
      const sessions = clients[typed.client]!.sessions;
      const session = sessions[typed.session]!;
      if (session.endedBy === 'reload' && !input.outboxSurvivesReload) continue;
      // With a durable outbox, an edit replayed after a reload is refused (and said) in a later session.
      const after = [
        ...session.notices.slice(typed.noticesBefore),
        ...(input.outboxSurvivesReload ? sessions.slice(typed.session + 1).flatMap((s) => s.notices) : []),
      ];
      const refusal = after.find(
        (n) =>
          n.kind === 'rejected' &&
          (n.field === 'notes' || n.field === '*') &&
          refusalsThatDropTyping.has(n.code),
      );
      if (refusal) continue;
      const discarded = after.some((n) => n.kind === 'discarded' && n.fields.includes('notes'));
      if (discarded) continue;
      const told = after
        .map((n) =>
          n.kind === 'rejected'
            ? `rejected ${n.field} ${n.code}`
            : n.kind === 'resynced'
              ? `resynced (${n.reason})`
              : n.kind,
        )
        .join(', ');
      out.push(
        `marker ${marker} typed by c${typed.client} (session ${typed.session}, step #${typed.step}) never reached the server` +
          `${session.endedBy ? ` (session ${session.endedBy})` : ''}; notices after it: ${told || 'none'}`,
      );
      continue;
    }
    let present = true;
    for (const row of notesRows.slice(first + 1)) {
      const has = row.after.includes(marker);
      if (present && !has) {
        const sent = record.sent.get(row.clientChangeId);
        const sameTypistLater =
          sent !== undefined && sent.client === typed.client && sent.session !== typed.session;
        const recorded =
          row.kind === 'undo' ||
          row.kind === 'redo' ||
          row.overwrote !== null ||
          row.clientChangeId.startsWith('resolve:') ||
          sameTypistLater;
        if (!recorded)
          out.push(
            `marker ${marker} (c${typed.client}, step #${typed.step}, applied by v${notesRows[first]!.version}) was removed at v${row.version} by ${row.userName}'s ${row.strategy} ${row.kind} ${row.clientChangeId} with no record of it`,
          );
      }
      present = has;
    }
    const inFinal = count > 0;
    if (present !== inFinal)
      out.push(
        `marker ${marker}: the history's last notes ${present ? 'have' : 'lack'} it, the order's notes ${inFinal ? 'have' : 'lack'} it`,
      );
  }
  return out;
}

/** The order's history and the pushes, one line each, for a verbose failure. */
export function describeHistory(history: FuzzHistory, record: FuzzRecord): string {
  const short = (value: unknown) => JSON.stringify(value)?.slice(0, 120);
  const rows = history.changes.map((r) => {
    const sent = record.sent.get(r.clientChangeId);
    return `  v${r.version} ${r.userName} ${r.clientChangeId}${sent ? ` (c${sent.client}/s${sent.session} base v${sent.baseVersion})` : ''} ${r.kind} ${r.strategy} ${r.field} overwrote=${r.overwrote ? 'yes' : 'no'} after=${short(r.after)}`;
  });
  const conflicts = history.conflicts.map(
    (c) =>
      `  conflict ${c.id.slice(0, 8)} ${c.clientChangeId} ${c.field} base v${c.baseVersion} theirs v${c.theirsVersion} ${c.status} mine=${short(c.mine)}`,
  );
  const acks = [...record.acked.values()].map(
    (a) =>
      `  ack ${a.clientChangeId} c${a.client}/s${a.session} ${a.status}${a.version ? ` v${a.version}` : ''}${a.code ? ` ${a.code}` : ''}`,
  );
  return ['history:', ...rows, 'conflicts:', ...conflicts, 'answers:', ...acks].join('\n');
}
