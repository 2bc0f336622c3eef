export { MAX_PAGE_SIZE, pageRequestSchema } from '../../http/page-request';

export type PageRequest = { page: number; pageSize: number };
export type Page<T> = { rows: T[]; total: number; page: number; pageSize: number; pages: number };

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
