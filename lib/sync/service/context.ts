import type { ErrorCode } from '../../realtime/protocol/codes';

export type SyncRole = 'admin' | 'sales' | 'viewer';
export type SyncUser = { id: string; name: string; role: SyncRole; tenantId: string };
/** Who calls, and over which connection (null outside a socket, e.g. tests and benchmarks). */
export type SyncContext = { user: SyncUser; connectionId: string | null };

export type SyncError = { code: ErrorCode; message: string; details?: unknown };
export type SyncResult<T> = { ok: true; value: T } | { ok: false; error: SyncError };

export const ok = <T>(value: T): SyncResult<T> => ({ ok: true, value });
export const fail = <T = never>(code: ErrorCode, message: string, details?: unknown): SyncResult<T> => ({
  ok: false,
  error: details === undefined ? { code, message } : { code, message, details },
});

export const canWrite = (user: SyncUser) => user.role !== 'viewer';
export const isAdmin = (user: SyncUser) => user.role === 'admin';

/** Publishes one event to a channel of the caller's tenant (the hub's `realtime.publish`). */
export type Publish = (input: {
  tenantId: string;
  channel: string;
  event: string;
  data: unknown;
  actor?: { id: string; name: string };
}) => Promise<unknown>;
