import type { DirectoryEntry } from './types';

/**
 * The users a comment really mentions: the ids the client picked from the directory, kept only when they belong
 * to the tenant (the directory), may read the thread, and still appear as "@Name" in the body.
 */
export function resolveMentions(
  body: string,
  ids: readonly string[],
  directory: readonly DirectoryEntry[],
  internal: boolean,
): DirectoryEntry[] {
  const byId = new Map(directory.map((entry) => [entry.id, entry]));
  const found = new Map<string, DirectoryEntry>();
  for (const userId of ids) {
    const entry = byId.get(userId);
    if (!entry || found.has(userId)) continue;
    if (internal && entry.role === 'viewer') continue;
    if (!body.includes(`@${entry.name}`)) continue;
    found.set(userId, entry);
  }
  return [...found.values()];
}

/** The "@query" being typed at the caret, if any (for autocomplete). */
export function mentionQueryAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at === -1) return null;
  if (at > 0 && !/\s/.test(before[at - 1] ?? '')) return null;
  const query = before.slice(at + 1);
  if (query.length > 40 || /[\n@]/.test(query) || /\s{2}/.test(query)) return null;
  return { start: at, query };
}

/** Directory entries matching a query by any word's prefix, case-insensitively. */
export function matchDirectory(
  directory: readonly DirectoryEntry[],
  query: string,
  limit = 6,
): DirectoryEntry[] {
  const q = query.trim().toLowerCase();
  return directory
    .filter((entry) => {
      if (!q) return true;
      const name = entry.name.toLowerCase();
      return name.startsWith(q) || name.split(/\s+/).some((word) => word.startsWith(q));
    })
    .slice(0, limit);
}
