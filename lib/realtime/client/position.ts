/** Where a subscriber stands in a channel's event stream. */
export type Position = { epoch: string; seq: number };

export type EventVerdict = 'deliver' | 'duplicate' | 'gap';

/**
 * Classifies an incoming event against the last delivered position: the next seq of the same epoch is delivered,
 * an older one is a duplicate (a replay overlapping live delivery), anything else (a jump, or a new epoch) is a gap
 * that only the server's history can fill.
 */
export function classifyEvent(position: Position | null, event: Position): EventVerdict {
  if (!position) return 'gap';
  if (event.epoch !== position.epoch) return 'gap';
  if (event.seq <= position.seq) return 'duplicate';
  return event.seq === position.seq + 1 ? 'deliver' : 'gap';
}

export type SubscribedOutcome =
  /** A first subscription: start at the server's position. */
  | { kind: 'fresh'; position: Position }
  /** Every missed event follows in order: keep the old position so the replay is delivered. */
  | { kind: 'recovered'; position: Position; missed: number }
  /** History no longer covers the gap: jump to the server's position and tell the app to refetch. */
  | { kind: 'reset'; position: Position };

/**
 * Interprets the server's answer to a subscribe or recover. `since` is what the client asked to resume from; when
 * the server does not say `recovered: true` for it, anything but "nothing was missed" is treated as a reset, so a
 * gap is never silent.
 */
export function resolveSubscribed(
  since: Position | null,
  answer: { epoch: string; seq: number; recovered?: boolean },
): SubscribedOutcome {
  const server = { epoch: answer.epoch, seq: answer.seq };
  if (!since) return { kind: 'fresh', position: server };
  const sameEpoch = since.epoch === answer.epoch;
  if (sameEpoch && answer.seq === since.seq && answer.recovered !== false)
    return { kind: 'recovered', position: since, missed: 0 };
  if (answer.recovered === true && sameEpoch && answer.seq >= since.seq)
    return { kind: 'recovered', position: since, missed: answer.seq - since.seq };
  return { kind: 'reset', position: server };
}
