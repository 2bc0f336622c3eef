import { z } from 'zod';

export const MAX_PAGE_SIZE = 100;

export type PageRequest = { page: number; pageSize: number };
export type Page<T> = { rows: T[]; total: number; page: number; pageSize: number; pages: number };

/** `page` and `pageSize` from untrusted input (search params, query strings), clamped to sane values. */
export const pageRequestSchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).catch(20),
});

export function offsetOf({ page, pageSize }: PageRequest): number {
  return (page - 1) * pageSize;
}

export function toPage<T>(rows: T[], total: number, request: PageRequest): Page<T> {
  return { rows, total, ...request, pages: Math.max(1, Math.ceil(total / request.pageSize)) };
}

/** A search term for `ilike`, with LIKE wildcards in the user's text taken literally. */
export function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
