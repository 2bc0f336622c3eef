import Link from 'next/link';
import { type OrderStatus, orderStatusEnum } from '@/lib/db/schema';
import { getT } from '@/lib/i18n/server';
import { queryHref } from '../ui/query-href';

/** Status filter as links (the filter lives in the URL); the search term is kept, the page resets. */
export async function StatusTabs({ current, search }: { current?: OrderStatus; search: string }) {
  const t = await getT('common');
  const to = await getT('orders');
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
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
