'use client';

import { useTranslation } from 'react-i18next';
import type { OrderStatus } from '../db/schema';
import { applyToOrderList, applyToStatusCounts } from './apply-orders';
import { useLive } from './live-context';
import { liveKeys } from './query-keys';
import type { ListPage, OrderFilter, OrderRow, StatusCounts } from './types';
import { applyToCached, type LiveChannelState, useLiveChannel } from './use-live-channel';

/** The order lists' and status counts' live feed (`orders`), with "Anna moved SO-1042 to Confirmed" toasts. */
export function useOrdersLive(): LiveChannelState {
  const { note } = useLive();
  const { t } = useTranslation(['live', 'common']);
  return useLiveChannel('orders', [liveKeys.orders], (event, queryClient) => {
    applyToCached<ListPage<OrderRow>, OrderFilter>(queryClient, liveKeys.orderLists, (page, filter) =>
      applyToOrderList(page, filter, event),
    );
    applyToCached<StatusCounts, unknown>(queryClient, liveKeys.orderStats, (counts) =>
      applyToStatusCounts(counts, event),
    );
    const data = (event.data ?? {}) as { number?: string; to?: OrderStatus };
    if (event.event === 'order.status_changed' && event.actor && data.to)
      note({
        actor: event.actor,
        text: t('live:toasts.orderStatus', {
          name: event.actor.name,
          number: data.number ?? '',
          status: t(`common:orderStatus.${data.to}`),
        }),
      });
  });
}
