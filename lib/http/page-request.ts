import { z } from 'zod';

/** Browser-safe: the largest page a list answers, and the parser of `page` / `pageSize` (lib/db re-exports both). */
export const MAX_PAGE_SIZE = 100;

/** `page` and `pageSize` from untrusted input (search params, query strings), clamped to sane values. */
export const pageRequestSchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).catch(20),
});
