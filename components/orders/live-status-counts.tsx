'use client';

import Link from 'next/link';
import { useTranslation } from 'react-i18next';
import type { OrderStatus } from '@/lib/db/schema';
import { useLocale } from '@/lib/i18n/use-locale';
import type { StatusCounts } from '@/lib/live/types';
import { useOrdersLive } from '@/lib/live/use-orders-live';
import { useLiveStatusCounts } from './orders-live';

const barColors: Record<OrderStatus, string> = {
  draft: 'bg-slate-400',
  pending: 'bg-amber-400',
  confirmed: 'bg-blue-500',
  shipped: 'bg-violet-500',
  delivered: 'bg-emerald-500',
  cancelled: 'bg-rose-400',
};

/** The dashboard's orders-per-status bars, moved by `orders` events as they happen. */
export function LiveStatusCounts({ initial, renderedAt }: { initial: StatusCounts; renderedAt: number }) {
  const { t } = useTranslation('common');
  const { format } = useLocale();
  const live = useOrdersLive();
  const counts = useLiveStatusCounts(initial, renderedAt);
  const max = Math.max(1, ...Object.values(counts));
  return (
    <ul className="space-y-3 px-5 py-4" data-testid="status-counts" data-live={live}>
      {(Object.keys(barColors) as OrderStatus[]).map((status) => (
        <li key={status} data-status={status}>
          <Link href={`/orders?status=${status}`} className="group block">
            <div className="flex items-center justify-between text-sm">
              <span className="text-slate-700 group-hover:text-slate-900">{t(`orderStatus.${status}`)}</span>
              <span className="tabular font-medium text-slate-900" data-testid="status-count">
                {format.number(counts[status])}
              </span>
            </div>
            <div className="mt-1.5 h-1.5 rounded-full bg-slate-100">
              <div
                className={`h-1.5 rounded-full transition-[width] duration-500 ${barColors[status]}`}
                style={{ width: `${(counts[status] / max) * 100}%` }}
              />
            </div>
          </Link>
        </li>
      ))}
    </ul>
  );
}
