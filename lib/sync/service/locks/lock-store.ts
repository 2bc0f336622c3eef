import type { AcquireResult, Lease, LeaseRequest } from '../../strategies/lease';

/** Where section leases live: in process by default, Redis when REDIS_URL is set. One contract suite for both. */
export interface LockStore {
  acquire(request: LeaseRequest, ttlMs: number): Promise<AcquireResult>;
  /** Extends the user's live lease; null when the user does not hold it. */
  renew(key: string, userId: string, ttlMs: number): Promise<Lease | null>;
  /** Frees the user's lease; false when the user did not hold it. */
  release(key: string, userId: string): Promise<boolean>;
  /** Frees whoever holds it (admins); returns the lease that was freed. */
  forceRelease(key: string): Promise<Lease | null>;
  get(key: string): Promise<Lease | null>;
  getMany(keys: string[]): Promise<Lease[]>;
  close(): Promise<void>;
}

export function lockKey(tenantId: string, entityType: string, entityId: string, section: string): string {
  return `${tenantId}:${entityType}:${entityId}:${section}`;
}
