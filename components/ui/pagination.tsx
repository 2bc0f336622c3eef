import Link from 'next/link';
import { getFormatters, getT } from '@/lib/i18n/server';
import { type QueryValues, queryHref } from './query-href';

export async function Pagination({
  path,
  query,
  page,
  pages,
  pageSize,
  total,
}: {
  path: string;
  query: QueryValues;
  page: number;
  pages: number;
  pageSize: number;
  total: number;
}) {
  const t = await getT('common');
  const format = await getFormatters();
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  const linkClass = 'btn-secondary px-3 py-1.5';
  const disabledClass = 'btn border border-slate-200 px-3 py-1.5 text-slate-300';
  return (
    <nav
      aria-label={t('pagination.label')}
      className="flex flex-wrap items-center justify-between gap-3 border-t border-slate-100 px-4 py-3 text-sm text-slate-600"
    >
      <p className="tabular" data-testid="pagination-summary">
        {t('pagination.summary', {
          from: format.number(from),
          to: format.number(to),
          total: format.number(total),
        })}
      </p>
      <div className="flex items-center gap-2">
        <span className="tabular hidden text-slate-500 sm:inline">
          {t('pagination.page', { page: format.number(page), pages: format.number(pages) })}
        </span>
        {page > 1 ? (
          <Link className={linkClass} href={queryHref(path, query, { page: page - 1 })} rel="prev">
            ← {t('pagination.previous')}
          </Link>
        ) : (
          <span className={disabledClass} aria-disabled="true">
            ← {t('pagination.previous')}
          </span>
        )}
        {page < pages ? (
          <Link className={linkClass} href={queryHref(path, query, { page: page + 1 })} rel="next">
            {t('pagination.next')} →
          </Link>
        ) : (
          <span className={disabledClass} aria-disabled="true">
            {t('pagination.next')} →
          </span>
        )}
      </div>
    </nav>
  );
}
