import type { Who } from '../types';

/** A lock on one section of one entity: a lease with an owner token, renewed while the holder is active. */
export type Lease = Who & {
  key: string;
  section: string;
  token: string;
  connectionId: string | null;
  acquiredAt: number;
  expiresAt: number;
};

export type LeaseRequest = Who & { key: string; section: string; token: string; connectionId: string | null };

export type AcquireResult = { ok: true; lease: Lease } | { ok: false; holder: Lease };

export function isLive(lease: Lease | null, now: number): lease is Lease {
  return lease !== null && lease.expiresAt > now;
}

/** A free or expired lease is taken; the holder re-acquiring keeps its token and gets a fresh TTL. */
export function acquireLease(
  current: Lease | null,
  request: LeaseRequest,
  now: number,
  ttlMs: number,
): AcquireResult {
  if (isLive(current, now)) {
    if (current.userId !== request.userId) return { ok: false, holder: current };
    return { ok: true, lease: { ...current, connectionId: request.connectionId, expiresAt: now + ttlMs } };
  }
  return { ok: true, lease: { ...request, acquiredAt: now, expiresAt: now + ttlMs } };
}

export function renewLease(current: Lease | null, token: string, now: number, ttlMs: number): Lease | null {
  if (!isLive(current, now) || current.token !== token) return null;
  return { ...current, expiresAt: now + ttlMs };
}

/** Returns whether the token held the lease (a stale token never frees someone else's lease). */
export function releaseLease(current: Lease | null, token: string, now: number): boolean {
  return isLive(current, now) && current.token === token;
}
