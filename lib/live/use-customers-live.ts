'use client';

import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { applyToCustomerList } from './apply-customers';
import { useLive } from './live-context';
import { liveKeys } from './query-keys';
import type { CustomerFilter, CustomerRow, ListPage } from './types';
import { applyToCached, type LiveChannelState, useLiveChannel } from './use-live-channel';

/** The toast's item; the event itself was parsed (strictly) where it patched the lists. */
const customerName = z.object({ customer: z.object({ name: z.string() }) });

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
    if (!event.actor) return;
    const item = customerName.safeParse(event.data).data?.customer.name ?? '';
    if (event.event === 'customer.created')
      note({ actor: event.actor, text: t('toasts.customerCreated', { name: event.actor.name, item }) });
    if (event.event === 'customer.updated')
      note({ actor: event.actor, text: t('toasts.customerUpdated', { name: event.actor.name, item }) });
  });
}
