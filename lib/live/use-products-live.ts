'use client';

import type { QueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { productToastEvent } from '../catalog/contract';
import { parseWire } from '../wire/edge';
import { applyToProduct, applyToProductList } from './apply-products';
import { useLive } from './live-context';
import { liveKeys } from './query-keys';
import type { ChangeNote } from './toast-grouper';
import type { ListPage, LiveEvent, ProductEntry, ProductFilter, ProductRow } from './types';
import { applyToCached, type LiveChannelState, useLiveChannel } from './use-live-channel';

/** Patches every cached product list and product page with one event. */
export function applyProductEvent(queryClient: QueryClient, event: LiveEvent): void {
  applyToCached<ListPage<ProductRow>, ProductFilter>(queryClient, liveKeys.productLists, (page, filter) =>
    applyToProductList(page, filter, event),
  );
  applyToCached<ProductEntry, unknown>(queryClient, liveKeys.productDetails, (entry) =>
    applyToProduct(entry, event),
  );
}

type Describe = (event: LiveEvent) => ChangeNote | null;

/** "Anna updated Thai tea 500 g": the toast text of a `products` event (one note for a bulk update). */
export function useDescribeProductEvent(): Describe {
  const { t } = useTranslation('live');
  return (event) => {
    const actor = event.actor;
    if (!actor) return null;
    const data = parseWire('catalog.productToast', productToastEvent, event.data);
    if (!data) return null;
    const item = data.product?.name ?? data.name ?? data.sku ?? '';
    switch (event.event) {
      case 'product.created':
        return { actor, text: t('toasts.productCreated', { name: actor.name, item }) };
      case 'product.updated':
        return data.bulk ? null : { actor, text: t('toasts.productUpdated', { name: actor.name, item }) };
      case 'product.deleted':
        return { actor, text: t('toasts.productDeleted', { name: actor.name, item }) };
      case 'product.bulk_updated':
        return {
          actor,
          count: data.count ?? 1,
          text: t('toasts.productsBulk', { name: actor.name, count: data.count ?? 1 }),
        };
      default:
        return null;
    }
  };
}

/** The product lists' live feed: `products` (rows, toasts) and `inventory` (stock moved by orders). */
export function useProductsLive(): LiveChannelState {
  const { note } = useLive();
  const toNote = useDescribeProductEvent();
  const state = useLiveChannel('products', [liveKeys.products], (event, queryClient) => {
    applyProductEvent(queryClient, event);
    const change = toNote(event);
    if (change) note(change);
  });
  const inventory = useLiveChannel('inventory', [liveKeys.products], (event, queryClient) =>
    applyProductEvent(queryClient, event),
  );
  return state === 'live' ? inventory : state;
}

/** The product page's feed: its room carries its updates, its deletion and its stock moves. */
export function useProductLive(id: string): LiveChannelState {
  const { note } = useLive();
  const toNote = useDescribeProductEvent();
  return useLiveChannel(`product:${id}`, [liveKeys.product(id)], (event, queryClient) => {
    applyProductEvent(queryClient, event);
    const change = event.event === 'product.deleted' ? null : toNote(event);
    if (change) note(change);
  });
}
