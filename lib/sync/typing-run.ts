/**
 * A run of typing: one person's consecutive edits to the notes with no pause longer than a few seconds and no
 * other change to the order in between. History shows a run as one entry and undo takes it back as one step, as
 * people expect from an editor (not a few characters per press). Shared by the server (what undo reverts) and
 * the history panel (what it groups), so both draw the same lines.
 */
export const TYPING_PAUSE_MS = 3_000;

export type RunMember = {
  userId: string;
  field: string;
  kind: string;
  op: { type: string };
  at: number;
  undoneBy: string | null;
};

const typed = (change: RunMember) =>
  change.field === 'notes' &&
  change.kind === 'change' &&
  (change.op.type === 'text' || change.op.type === 'yjs');

/** Whether `older`, the change right before `newer` in the order's history, belongs to the same run. */
export function continuesTypingRun(newer: RunMember, older: RunMember): boolean {
  return (
    typed(newer) &&
    typed(older) &&
    older.userId === newer.userId &&
    (older.undoneBy === null) === (newer.undoneBy === null) &&
    newer.at - older.at <= TYPING_PAUSE_MS
  );
}

/** Splits a history page (newest first) into runs; a change that starts no run is a run of one. */
export function groupTypingRuns<T extends RunMember>(changes: readonly T[]): T[][] {
  const runs: T[][] = [];
  for (const change of changes) {
    const run = runs.at(-1);
    const newer = run?.at(-1);
    if (run && newer && continuesTypingRun(newer, change)) run.push(change);
    else runs.push([change]);
  }
  return runs;
}
