'use client';

import Link from 'next/link';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ViewerCount } from '@/components/realtime';
import { productPageAnswer } from '@/lib/catalog/contract';
import { useLocale } from '@/lib/i18n/use-locale';
import { liveKeys, liveUrls } from '@/lib/live/query-keys';
import type { ListPage, ProductFilter, ProductRow } from '@/lib/live/types';
import { fetchJson, useLiveQuery } from '@/lib/live/use-live-query';
import { useProductsLive } from '@/lib/live/use-products-live';
import { BulkToolbar } from './bulk-toolbar';
import { LiveStockBadge } from './live-stock-badge';
import { useRecentlyChanged } from './use-recently-changed';

const knownCategories = ['Beverages', 'Snacks', 'Household', 'Stationery', 'Electronics', 'Personal care'];

/**
 * The product list, kept true by events: rows change in place (price, stock, low-stock badge), leave when they no
 * longer match the filter, and show how many people are on each product's page. Staff select rows for bulk updates.
 */
export function ProductsLive({
  initial,
  filter,
  renderedAt,
  canWrite,
}: {
  initial: ListPage<ProductRow>;
  filter: ProductFilter;
  renderedAt: number;
  canWrite: boolean;
}) {
  const { t } = useTranslation(['products', 'live', 'common']);
  const { format } = useLocale();
  const live = useProductsLive();
  const { data } = useLiveQuery({
    queryKey: liveKeys.productList(filter),
    queryFn: () => fetchJson(liveUrls.productList(filter), productPageAnswer),
    initialData: initial,
    initialDataUpdatedAt: renderedAt,
  });
  const rows = data.rows;
  const changed = useRecentlyChanged(rows);
  const [picked, setPicked] = useState<Set<string>>(() => new Set());
  const selected = useMemo(() => rows.filter((r) => picked.has(r.id)).map((r) => r.id), [rows, picked]);
  const allPicked = rows.length > 0 && selected.length === rows.length;
  const category = (value: string) =>
    knownCategories.includes(value) ? t(`products:categories.${value as 'Snacks'}`) : value;

  const toggle = (id: string) =>
    setPicked((set) => {
      const next = new Set(set);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  if (rows.length === 0)
    return (
      <p
        className="px-6 py-14 text-center font-medium text-slate-700"
        data-testid="products-empty"
        data-live={live}
      >
        {t('live:list.empty')}
      </p>
    );

  // The phone card's columns: a checkbox first for staff, then the main column and the right-hand one.
  const col = canWrite
    ? { main: 'max-sm:col-start-2', end: 'max-sm:col-start-3' }
    : { main: 'max-sm:col-start-1', end: 'max-sm:col-start-2' };
  return (
    <>
      {canWrite && selected.length > 0 ? (
        <BulkToolbar ids={selected} onClear={() => setPicked(new Set())} />
      ) : null}
      <div className="relative overflow-x-auto">
        {/* On a phone each product is a card (phone-cards): name and price, category and stock, SKU. */}
        <table
          className="data-table phone-cards"
          data-testid="products-table"
          data-total={data.total}
          data-live={live}
        >
          <thead>
            <tr>
              {canWrite ? (
                <th scope="col" className="w-10 max-sm:w-auto" data-phone-keep>
                  <label className="inline-flex items-center gap-3">
                    <input
                      type="checkbox"
                      aria-label={t('live:products.selectAll')}
                      checked={allPicked}
                      onChange={() => setPicked(allPicked ? new Set() : new Set(rows.map((r) => r.id)))}
                      className="size-4 rounded border-slate-300 accent-brand-600"
                      data-testid="select-all"
                    />
                    {/* On a phone the column headers are gone: the box says what it does. */}
                    <span aria-hidden className="sm:hidden">
                      {t('live:products.selectAll')}
                    </span>
                  </label>
                </th>
              ) : null}
              <th scope="col">{t('columns.name')}</th>
              <th scope="col">{t('columns.sku')}</th>
              <th scope="col">{t('columns.category')}</th>
              <th scope="col" className="text-right">
                {t('columns.stock')}
              </th>
              <th scope="col" className="text-right">
                {t('columns.price')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((product) => (
              <tr
                key={product.id}
                data-product-id={product.id}
                data-sku={product.sku}
                data-version={product.version}
                className={`transition-colors duration-700 ${canWrite ? 'max-sm:grid-cols-[auto_minmax(0,1fr)_auto]' : ''} ${changed.has(product.id) ? 'bg-amber-50' : ''} ${picked.has(product.id) ? 'bg-brand-50/50' : ''}`}
              >
                {canWrite ? (
                  <td className="w-10 max-sm:col-start-1 max-sm:row-start-1 max-sm:w-auto">
                    <input
                      type="checkbox"
                      aria-label={t('live:products.selectRow', { name: product.name })}
                      checked={picked.has(product.id)}
                      onChange={() => toggle(product.id)}
                      className="size-4 rounded border-slate-300 accent-brand-600"
                      data-testid="select-row"
                    />
                  </td>
                ) : null}
                <td className={`font-medium max-sm:row-start-1 ${col.main}`}>
                  <Link
                    href={`/products/${product.id}`}
                    className="text-slate-900 hover:text-brand-700 hover:underline"
                    data-testid="product-name"
                  >
                    {product.name}
                  </Link>
                  <span className="block" data-testid="row-viewers">
                    <ViewerCount
                      page={`/products/${product.id}`}
                      className="mt-0.5 font-normal text-brand-700"
                    />
                  </span>
                </td>
                <td
                  className={`font-mono text-xs whitespace-nowrap text-slate-500 max-sm:row-start-3 ${col.main}`}
                >
                  {product.sku}
                </td>
                <td
                  className={`whitespace-nowrap text-slate-600 max-sm:row-start-2 max-sm:truncate max-sm:text-xs ${col.main}`}
                >
                  {category(product.category)}
                </td>
                <td
                  className={`text-right whitespace-nowrap max-sm:row-start-2 max-sm:text-sm ${col.end}`}
                  data-label={t('columns.stock')}
                >
                  <span className="inline-flex items-center justify-end gap-2">
                    <LiveStockBadge product={product} />
                    <span className="tabular" data-testid="stock">
                      {format.number(product.stock)}
                    </span>
                  </span>
                </td>
                <td
                  className={`tabular text-right font-medium whitespace-nowrap max-sm:row-start-1 max-sm:self-start ${col.end}`}
                  data-testid="price"
                >
                  {format.price(product.priceMinor)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
