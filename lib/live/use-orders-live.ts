'use client';

import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { parseWire } from '../wire/edge';
import { applyCustomerToOrderList, applyToOrderList, applyToStatusCounts } from './apply-orders';
import { useLive } from './live-context';
import { orderListEventSchema, orderStatusSchema } from './order-contract';
import { liveKeys } from './query-keys';
import type { ListPage, OrderFilter, OrderRow, StatusCounts } from './types';
import { applyToCached, type LiveChannelState, useLiveChannel } from './use-live-channel';

const statusToast = z.object({ number: z.string(), to: orderStatusSchema });

/**
 * The order lists', status counts' and dashboard's live feed: `orders` (status changes, new orders, rows whose
 * items, total or customer changed) and `customers` (a renamed customer's name on its orders), with "Anna moved
 * SO-1042 to Confirmed" toasts for other people's changes.
 */
export function useOrdersLive(): LiveChannelState {
  const { note } = useLive();
  const { t } = useTranslation(['live', 'common']);
  const state = useLiveChannel('orders', [liveKeys.orders, liveKeys.dashboard], (event, queryClient) => {
    applyToCached<ListPage<OrderRow>, OrderFilter>(queryClient, liveKeys.orderLists, (page, filter) =>
      applyToOrderList(page, filter, event),
    );
    applyToCached<StatusCounts, unknown>(queryClient, liveKeys.orderStats, (counts) =>
      applyToStatusCounts(counts, event),
    );
    // The dashboard's cards and lists are sums over orders: read again (one request) on any order event.
    if (event.event.startsWith('order.'))
      void queryClient.invalidateQueries({ queryKey: liveKeys.dashboard });
    if (!event.actor) return;
    if (event.event === 'order.status_changed') {
      const moved = parseWire('orders.order.status-changed', statusToast, event.data);
      if (moved)
        note({
          actor: event.actor,
          text: t('live:toasts.orderStatus', {
            name: event.actor.name,
            number: moved.number,
            status: t(`common:orderStatus.${moved.to}`),
          }),
        });
      return;
    }
    const parsed = parseWire(`orders.${event.event.replace(/_/g, '-')}`, orderListEventSchema, event.data);
    if (!parsed) return;
    const { order, fields } = parsed;
    if (event.event === 'order.created')
      note({
        actor: event.actor,
        text: t('live:toasts.orderCreated', { name: event.actor.name, number: order.number }),
      });
    // A status change already has its own toast (`order.status_changed`).
    else if (event.event === 'order.updated' && fields.some((field) => field !== 'status'))
      note({
        actor: event.actor,
        text: t('live:toasts.orderUpdated', { name: event.actor.name, number: order.number }),
      });
  });
  useLiveChannel('customers', [liveKeys.orderLists], (event, queryClient) => {
    applyToCached<ListPage<OrderRow>, OrderFilter>(queryClient, liveKeys.orderLists, (page, filter) =>
      applyCustomerToOrderList(page, filter, event),
    );
    if (event.event === 'customer.updated')
      void queryClient.invalidateQueries({ queryKey: liveKeys.dashboard });
  });
  return state;
}
