import type { OrderDoc } from './types';

/**
 * A compact digest of an order's synced state (status, customer, shipping address, notes, lines in order), the
 * same on server and client. Every committed version carries it, so a replica that differs from the server is
 * noticed at the version where it happened instead of staying silently different.
 */
export function digestOf(doc: OrderDoc): string {
  const a = doc.shippingAddress;
  const canonical = JSON.stringify([
    doc.status,
    doc.customerId,
    [a.line1, a.line2, a.city, a.postalCode, a.country],
    doc.notes,
    doc.lines.map((line) => [line.id, line.productId, line.quantity]),
  ]);
  return hash53(canonical).toString(36);
}

/** A 53-bit string hash (two multiplicative 32-bit lanes); not cryptographic, only a checksum. */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
