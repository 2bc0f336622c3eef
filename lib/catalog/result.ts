import type { z } from 'zod';
import type { WriteFailure } from '../db/queries/write-outcome';
import type { ErrorCode } from '../realtime/protocol/codes';

/** A refused request as data: the catalog code, the HTTP status it maps to, and what the caller can act on. */
export type CatalogError = {
  code: ErrorCode;
  status: number;
  message: string;
  details?: Record<string, unknown>;
};

export type Result<T> = { ok: true; value: T } | { ok: false; error: CatalogError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export function fail<T = never>(
  code: ErrorCode,
  status: number,
  message: string,
  details?: Record<string, unknown>,
): Result<T> {
  return { ok: false, error: details ? { code, status, message, details } : { code, status, message } };
}

export const unauthorized = <T = never>() => fail<T>('UNAUTHORIZED', 401, 'Sign in first');
export const forbidden = <T = never>() => fail<T>('FORBIDDEN', 403, 'Your role may not change the catalog');
/** Used for missing ids and for ids of another tenant alike, so nothing about other tenants leaks. */
export const notFound = <T = never>(entity: string) => fail<T>('NOT_FOUND', 404, `${entity} not found`);

export function tooLarge<T = never>(message: string, details?: Record<string, unknown>): Result<T> {
  return fail<T>('PAYLOAD_TOO_LARGE', 413, message, details);
}

/** 400 with one entry per invalid field path (`address.city`), so a form can mark each field. */
export function validationFailed<T = never>(error: z.ZodError): Result<T> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '_';
    fields[key] = [...(fields[key] ?? []), issue.message];
  }
  return fail<T>('VALIDATION', 400, 'Input is not valid', { fields });
}

/** Maps a refused write to the catalog code and status. */
export function fromWriteFailure<T = never>(entity: string, failure: WriteFailure): Result<T> {
  switch (failure.reason) {
    case 'not_found':
      return notFound<T>(entity);
    case 'stale_version':
      return fail<T>('STALE_VERSION', 409, `${entity} was changed by someone else; reload and retry`, {
        currentVersion: failure.currentVersion,
      });
    case 'duplicate_sku':
      return fail<T>('CONFLICT', 409, `SKU ${failure.sku} is already used`, {
        reason: 'duplicate_sku',
        fields: { sku: ['Already used by another product'] },
      });
    case 'insufficient_stock':
      return fail<T>('CONFLICT', 409, 'Not enough stock', {
        reason: 'insufficient_stock',
        items: failure.items,
      });
    case 'invalid_transition':
      return fail<T>('CONFLICT', 409, `An order cannot go from ${failure.from} to ${failure.to}`, {
        reason: 'invalid_transition',
        from: failure.from,
        to: failure.to,
        allowed: failure.allowed,
      });
    case 'in_use':
      return fail<T>(
        'VALIDATION',
        422,
        `${entity} is on ${failure.orderLines} order line(s) and cannot be deleted`,
        {
          reason: 'in_use',
          orderLines: failure.orderLines,
        },
      );
    case 'price_negative':
      return fail<T>('VALIDATION', 422, 'The change would make a price negative', {
        reason: 'price_negative',
        ids: failure.ids,
      });
    case 'unknown_products':
      return fail<T>('VALIDATION', 422, 'Some products do not exist', {
        reason: 'unknown_products',
        ids: failure.ids,
      });
    default: {
      const unknown: never = failure;
      throw new Error(`unmapped write failure ${JSON.stringify(unknown)}`);
    }
  }
}
