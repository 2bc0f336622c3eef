'use client';

import { useTranslation } from 'react-i18next';
import { applyToCustomerList } from './apply-customers';
import { useLive } from './live-context';
import { liveKeys } from './query-keys';
import type { CustomerFilter, CustomerRow, ListPage } from './types';
import { applyToCached, type LiveChannelState, useLiveChannel } from './use-live-channel';

/** The customer lists' live feed (`customers`). */
export function useCustomersLive(): LiveChannelState {
  const { note } = useLive();
  const { t } = useTranslation('live');
  return useLiveChannel('customers', [liveKeys.customers], (event, queryClient) => {
    applyToCached<ListPage<CustomerRow>, CustomerFilter>(
      queryClient,
      liveKeys.customerLists,
      (page, filter) => applyToCustomerList(page, filter, event),
    );
    const data = (event.data ?? {}) as { customer?: { name: string } };
    const item = data.customer?.name ?? '';
    if (!event.actor) return;
    if (event.event === 'customer.created')
      note({ actor: event.actor, text: t('toasts.customerCreated', { name: event.actor.name, item }) });
    if (event.event === 'customer.updated')
      note({ actor: event.actor, text: t('toasts.customerUpdated', { name: event.actor.name, item }) });
  });
}
