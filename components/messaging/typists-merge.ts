/** Who is typing in a thread, and until when the indicator keeps them without a further word. */
export type Typists = ReadonlyMap<string, { name: string; until: number }>;

/**
 * Merges the server's list of typists, read when the thread joined its channel, into what the thread shows. An
 * event heard after the read was asked for (someone started or stopped) is newer than the list, so the list
 * decides only for the people nobody heard from since: it adds those it names and drops those it does not.
 */
export function mergeTypistsRead(
  current: Typists,
  read: readonly { userId: string; name: string }[],
  heardSince: ReadonlySet<string>,
  until: number,
): Map<string, { name: string; until: number }> {
  const next = new Map(current);
  const named = new Set(read.map((t) => t.userId));
  for (const userId of current.keys()) if (!heardSince.has(userId) && !named.has(userId)) next.delete(userId);
  for (const t of read) if (!heardSince.has(t.userId)) next.set(t.userId, { name: t.name, until });
  return next;
}
