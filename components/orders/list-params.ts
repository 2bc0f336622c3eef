import { z } from 'zod';
import { pageRequestSchema } from '@/lib/http/page-request';
import { orderStatuses } from '@/lib/sync/types';

type Raw = Record<string, string | string[] | undefined>;

const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);

const schema = pageRequestSchema.extend({
  status: z.enum(orderStatuses).optional().catch(undefined),
  q: z.string().trim().max(100).catch(''),
});

/** Order list filters from search params or a query string: invalid values fall back to defaults. */
export function parseOrderListParams(raw: Raw | URLSearchParams, pageSize = 20) {
  const source = raw instanceof URLSearchParams ? Object.fromEntries(raw) : raw;
  const parsed = schema.parse({
    page: first(source.page),
    pageSize: first(source.pageSize) ?? pageSize,
    status: first(source.status),
    q: first(source.q) ?? '',
  });
  return { page: parsed.page, pageSize: parsed.pageSize, status: parsed.status, search: parsed.q };
}
