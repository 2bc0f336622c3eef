'use client';

import { useEffect, useRef, useState } from 'react';

/** Ids whose `version` moved since the last render, for a short highlight (nothing on the first render). */
export function useRecentlyChanged(rows: { id: string; version: number }[], ms = 1600): Set<string> {
  const seen = useRef<Map<string, number> | null>(null);
  const [changed, setChanged] = useState<Set<string>>(() => new Set());
  useEffect(() => {
    const previous = seen.current;
    seen.current = new Map(rows.map((r) => [r.id, r.version]));
    if (!previous) return;
    const moved = rows.filter((r) => previous.has(r.id) && previous.get(r.id) !== r.version).map((r) => r.id);
    if (moved.length === 0) return;
    setChanged((set) => new Set([...set, ...moved]));
    const timer = setTimeout(
      () =>
        setChanged((set) => {
          const next = new Set(set);
          for (const id of moved) next.delete(id);
          return next;
        }),
      ms,
    );
    return () => clearTimeout(timer);
  }, [rows, ms]);
  return changed;
}
