import type { Actor } from './types';

/** One change worth telling a person about; `count` > 1 for a bulk write (still one change, one toast). */
export type ChangeNote = { actor: Actor; text: string; count?: number };

/** What the toaster shows: one change, or a group of changes by one or more people. */
export type GroupedNote =
  | { kind: 'single'; actor: Actor; text: string }
  | { kind: 'group'; actors: Actor[]; changes: number };

export type ToastGrouperOptions = {
  /** How long to wait for more changes before showing what arrived (the first change opens the window). */
  windowMs?: number;
  emit: (note: GroupedNote) => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
};

/**
 * Collects changes for a short window and emits one toast for all of them: a lone change keeps its own text, many
 * become "Anna and Ken made 12 changes". A bulk update arrives as one note, so it is one toast however many rows.
 */
export function createToastGrouper(options: ToastGrouperOptions) {
  const windowMs = options.windowMs ?? 700;
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  let pending: ChangeNote[] = [];
  let timer: unknown = null;

  function flush(): void {
    timer = null;
    const notes = pending;
    pending = [];
    if (notes.length === 0) return;
    if (notes.length === 1) {
      const [note] = notes as [ChangeNote];
      options.emit({ kind: 'single', actor: note.actor, text: note.text });
      return;
    }
    const actors = new Map<string, Actor>();
    for (const note of notes) actors.set(note.actor.id, note.actor);
    const changes = notes.reduce((sum, note) => sum + (note.count ?? 1), 0);
    options.emit({ kind: 'group', actors: [...actors.values()], changes });
  }

  return {
    add(note: ChangeNote): void {
      pending.push(note);
      if (timer === null) timer = setTimer(flush, windowMs);
    },
    flush(): void {
      if (timer !== null) clearTimer(timer);
      flush();
    },
    dispose(): void {
      if (timer !== null) clearTimer(timer);
      timer = null;
      pending = [];
    },
  };
}
