import { z } from 'zod';
import { pageRequestSchema } from '@/lib/http/page-request';

type Raw = Record<string, string | string[] | undefined>;

const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);

const schema = pageRequestSchema.extend({
  category: z.string().trim().max(100).catch(''),
  q: z.string().trim().max(100).catch(''),
  low: z
    .enum(['1', 'true'])
    .optional()
    .catch(undefined)
    .transform((v) => v !== undefined),
});

/** Product list filters from search params or a query string: invalid values fall back to defaults. */
export function parseProductListParams(raw: Raw | URLSearchParams, pageSize = 25) {
  const source = raw instanceof URLSearchParams ? Object.fromEntries(raw) : raw;
  const parsed = schema.parse({
    page: first(source.page),
    pageSize: first(source.pageSize) ?? pageSize,
    category: first(source.category) ?? '',
    q: first(source.q) ?? '',
    low: first(source.low),
  });
  return {
    page: parsed.page,
    pageSize: parsed.pageSize,
    category: parsed.category || undefined,
    search: parsed.q,
    lowStock: parsed.low,
  };
}
