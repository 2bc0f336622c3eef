import Link from 'next/link';
import { type OrderStatus, orderStatusEnum } from '@/lib/db/schema';
import { getFormatters, getT } from '@/lib/i18n/server';
import { queryHref } from '../ui/query-href';

/** Status filter as links (the filter lives in the URL); the search term is kept, the page resets. */
export async function StatusTabs({
  current,
  search,
  counts,
}: {
  current?: OrderStatus;
  search: string;
  /** Tenant-wide counts per status; shown only while no search narrows the list. */
  counts?: Record<OrderStatus, number>;
}) {
  const t = await getT('common');
  const to = await getT('orders');
  const format = await getFormatters();
  const showCounts = counts && !search;
  const countOf = (status?: OrderStatus) =>
    counts ? (status ? counts[status] : Object.values(counts).reduce((sum, n) => sum + n, 0)) : 0;
  const tabs: { status?: OrderStatus; label: string }[] = [
    { label: t('filter.all') },
    ...orderStatusEnum.enumValues.map((status) => ({ status, label: t(`orderStatus.${status}`) })),
  ];
  return (
    <nav aria-label={to('statusFilter')} className="-mx-1 overflow-x-auto">
      <ul className="flex gap-1 px-1" data-testid="status-tabs">
        {tabs.map((tab) => {
          const active = tab.status === current;
          return (
            <li key={tab.status ?? 'all'}>
              <Link
                href={queryHref('/orders', { q: search }, { status: tab.status })}
                aria-current={active ? 'page' : undefined}
                data-status-tab={tab.status ?? 'all'}
                className={`block rounded-lg px-3 py-1.5 text-sm font-medium whitespace-nowrap transition-colors ${
                  active
                    ? 'bg-slate-900 text-white'
                    : 'text-slate-600 hover:bg-slate-200/60 hover:text-slate-900'
                }`}
              >
                {tab.label}
                {showCounts ? (
                  <span className={`tabular ml-1.5 text-xs ${active ? 'text-slate-300' : 'text-slate-500'}`}>
                    {format.number(countOf(tab.status))}
                  </span>
                ) : null}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
