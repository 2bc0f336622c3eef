import { createStore } from 'zustand/vanilla';

export type ToastTone = 'info' | 'success' | 'warning' | 'error';

export type ToastInput = {
  title: string;
  description?: string;
  tone?: ToastTone;
  /** Who did it, shown as the toast's avatar. */
  actor?: { id: string; name: string };
  /** Auto-dismiss after this many ms (default 5000; 0 keeps it until dismissed). */
  durationMs?: number;
  /** Toasts with the same key replace each other (e.g. one per entity) instead of stacking. */
  key?: string;
  /** A link under the text (e.g. "Sign in again"). */
  link?: { href: string; label: string };
};

export type Toast = ToastInput & { id: string; tone: ToastTone; createdAt: number };

export type ToastState = { toasts: Toast[] };

/** Keeps at most `max` toasts (oldest leave first), each with its own dismiss timer. */
export function createToastStore(options: { max?: number; now?: () => number } = {}) {
  const max = options.max ?? 4;
  const now = options.now ?? Date.now;
  const store = createStore<ToastState>(() => ({ toasts: [] }));
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  let counter = 0;

  function dismiss(id: string): void {
    const timer = timers.get(id);
    if (timer) clearTimeout(timer);
    timers.delete(id);
    store.setState((state) => ({ toasts: state.toasts.filter((t) => t.id !== id) }));
  }

  function push(input: ToastInput): string {
    counter++;
    const toast: Toast = { ...input, id: `toast-${counter}`, tone: input.tone ?? 'info', createdAt: now() };
    const replaced = input.key ? store.getState().toasts.filter((t) => t.key === input.key) : [];
    for (const old of replaced) dismiss(old.id);
    const next = [...store.getState().toasts, toast];
    for (const old of next.slice(0, Math.max(0, next.length - max))) dismiss(old.id);
    store.setState((state) => ({ toasts: [...state.toasts, toast].slice(-max) }));
    const duration = input.durationMs ?? 5000;
    if (duration > 0)
      timers.set(
        toast.id,
        setTimeout(() => dismiss(toast.id), duration),
      );
    return toast.id;
  }

  function clear(): void {
    for (const id of [...timers.keys()]) dismiss(id);
    store.setState({ toasts: [] });
  }

  return { store, push, dismiss, clear };
}

export type ToastStore = ReturnType<typeof createToastStore>;

/** "Never for their own actions": a change toast is shown only when someone else made the change. */
export function isOthersAction(actor: { id: string } | undefined, selfId: string | undefined): boolean {
  return !!actor && actor.id !== selfId;
}
