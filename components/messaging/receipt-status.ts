export type Receipt = { userId: string; deliveredAt: string | null; readAt: string | null };

export type ReceiptSummary = {
  /** The furthest state every recipient reached: read by all, delivered to all, or only sent. */
  status: 'sent' | 'delivered' | 'read';
  delivered: number;
  read: number;
  total: number;
  /** Recipients who read it, in receipt order. */
  readBy: string[];
};

export function summarizeReceipts(receipts: readonly Receipt[]): ReceiptSummary {
  const total = receipts.length;
  const readBy = receipts.filter((r) => r.readAt !== null).map((r) => r.userId);
  const delivered = receipts.filter((r) => r.deliveredAt !== null || r.readAt !== null).length;
  const status =
    total > 0 && readBy.length === total ? 'read' : total > 0 && delivered === total ? 'delivered' : 'sent';
  return { status, delivered, read: readBy.length, total, readBy };
}

/** Applies a receipt event (`delivered` or `read` by one user, for some messages) to a message's receipts. */
export function applyReceipt(
  receipts: readonly Receipt[],
  event: { userId: string; status: 'delivered' | 'read'; at: string },
): Receipt[] {
  return receipts.map((r) => {
    if (r.userId !== event.userId) return r;
    if (event.status === 'read')
      return { ...r, readAt: r.readAt ?? event.at, deliveredAt: r.deliveredAt ?? event.at };
    return { ...r, deliveredAt: r.deliveredAt ?? event.at };
  });
}

const earliest = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a < b ? a : b);

/**
 * Two copies of one message's receipts (a REST answer and live events arrive in any order): per recipient, a state
 * once reached is kept, so a late, older copy never takes a receipt back.
 */
export function mergeReceipts(a: readonly Receipt[], b: readonly Receipt[]): Receipt[] {
  const byUser = new Map<string, Receipt>();
  for (const receipt of [...a, ...b]) {
    const seen = byUser.get(receipt.userId);
    byUser.set(
      receipt.userId,
      seen
        ? {
            userId: receipt.userId,
            deliveredAt: earliest(seen.deliveredAt, receipt.deliveredAt),
            readAt: earliest(seen.readAt, receipt.readAt),
          }
        : { ...receipt },
    );
  }
  return [...byUser.values()];
}
