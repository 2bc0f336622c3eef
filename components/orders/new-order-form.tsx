'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { useTranslation } from 'react-i18next';
import { createOrderAction } from '@/lib/catalog/actions';
import { productPageAnswer } from '@/lib/catalog/contract';
import { useLocale } from '@/lib/i18n/use-locale';
import { useActionError } from '@/lib/live/action-error';
import { liveKeys, liveUrls } from '@/lib/live/query-keys';
import type { ListPage, ProductFilter, ProductRow } from '@/lib/live/types';
import { type PickerCustomer, useLiveCustomers } from '@/lib/live/use-live-customers';
import { fetchJson, useLiveQuery } from '@/lib/live/use-live-query';
import { useProductsLive } from '@/lib/live/use-products-live';

type Line = { key: number; productId: string; quantity: string };

/** The picker's product list: the first page of 100 (the largest page), kept live by `products` and `inventory`. */
export const newOrderProductFilter: ProductFilter = { search: '', lowStock: false, page: 1, pageSize: 100 };

/**
 * A new draft order: a customer, lines whose price and available stock follow colleagues' changes live, notes.
 * Saved through the catalog (the same service as `POST /api/orders`), then opened in the live editor.
 */
export function NewOrderForm({
  customers: initialCustomers,
  products: initialProducts,
  renderedAt,
}: {
  customers: PickerCustomer[];
  products: ListPage<ProductRow>;
  renderedAt: number;
}) {
  const { t } = useTranslation('orders');
  const { format } = useLocale();
  const router = useRouter();
  const describeError = useActionError();
  const customers = useLiveCustomers(initialCustomers);
  const live = useProductsLive();
  const { data: products } = useLiveQuery({
    queryKey: liveKeys.productList(newOrderProductFilter),
    queryFn: () => fetchJson(liveUrls.productList(newOrderProductFilter), productPageAnswer),
    initialData: initialProducts,
    initialDataUpdatedAt: renderedAt,
  });
  const [customerId, setCustomerId] = useState('');
  const [lines, setLines] = useState<Line[]>([{ key: 1, productId: '', quantity: '1' }]);
  const [notes, setNotes] = useState('');
  const [error, setError] = useState<{ text: string; fields: string[] } | null>(null);
  const [pending, startTransition] = useTransition();
  const productOf = (id: string) => products.rows.find((p) => p.id === id);
  const quantityOf = (line: Line) => Math.max(0, Math.trunc(Number(line.quantity)) || 0);
  const total = lines.reduce(
    (sum, line) => sum + (productOf(line.productId)?.priceMinor ?? 0) * quantityOf(line),
    0,
  );
  const setLine = (key: number, patch: Partial<Line>) =>
    setLines((list) => list.map((line) => (line.key === key ? { ...line, ...patch } : line)));

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const chosen = lines.filter((line) => line.productId && quantityOf(line) > 0);
    if (!customerId) return setError({ text: t('new.needCustomer'), fields: ['customerId'] });
    if (chosen.length === 0) return setError({ text: t('new.needLine'), fields: ['lines'] });
    setError(null);
    startTransition(async () => {
      const result = await createOrderAction({
        customerId,
        notes,
        lines: chosen.map((line) => ({ productId: line.productId, quantity: quantityOf(line) })),
      });
      if (result.ok) router.push(`/orders/${result.value.id}`);
      else setError(describeError(result.error));
    });
  }

  const invalid = (field: string) => error?.fields.some((f) => f === field || f.startsWith(`${field}.`));
  return (
    <form onSubmit={submit} className="space-y-5" data-testid="new-order-form" data-live={live}>
      <label className="block max-w-xl text-sm">
        <span className="mb-1 block font-medium text-slate-700">{t('new.customer')}</span>
        <select
          className={`field ${invalid('customerId') ? 'ring-2 ring-rose-400' : ''}`}
          value={customerId}
          onChange={(e) => setCustomerId(e.target.value)}
          data-testid="new-order-customer"
          aria-invalid={invalid('customerId') || undefined}
        >
          <option value="">{t('new.chooseCustomer')}</option>
          {customers.map((c) => (
            <option key={c.id} value={c.id}>
              {c.company ? `${c.name} · ${c.company}` : c.name}
            </option>
          ))}
        </select>
      </label>

      <fieldset className="space-y-3">
        <legend className="mb-1 text-sm font-medium text-slate-700">{t('new.lines')}</legend>
        {lines.map((line, index) => {
          const product = productOf(line.productId);
          const available = product ? product.stock - product.reserved : null;
          const quantity = quantityOf(line);
          return (
            <div
              key={line.key}
              className="grid gap-2 rounded-lg border border-slate-200 p-3 sm:grid-cols-[minmax(0,1fr)_6rem_8rem_8rem_auto] sm:items-end"
              data-testid="new-order-line"
            >
              <label className="block text-sm">
                <span className="mb-1 block text-xs text-slate-500">{t('new.product')}</span>
                <select
                  className={`field ${invalid(`lines.${index}`) ? 'ring-2 ring-rose-400' : ''}`}
                  value={line.productId}
                  onChange={(e) => setLine(line.key, { productId: e.target.value })}
                  data-testid="new-order-product"
                >
                  <option value="">{t('new.chooseProduct')}</option>
                  {products.rows.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name} ({p.sku})
                    </option>
                  ))}
                </select>
              </label>
              <label className="block text-sm">
                <span className="mb-1 block text-xs text-slate-500">{t('new.quantity')}</span>
                <input
                  className="field tabular"
                  type="number"
                  min={1}
                  step={1}
                  inputMode="numeric"
                  value={line.quantity}
                  onChange={(e) => setLine(line.key, { quantity: e.target.value })}
                  data-testid="new-order-quantity"
                />
              </label>
              <div className="text-sm">
                <span className="block text-xs text-slate-500">{t('new.unitPrice')}</span>
                <span className="tabular block py-2" data-testid="new-order-price">
                  {product ? format.price(product.priceMinor) : '—'}
                </span>
              </div>
              <div className="text-sm">
                <span className="block text-xs text-slate-500">{t('new.lineTotal')}</span>
                <span className="tabular block py-2 font-medium">
                  {product ? format.price(product.priceMinor * quantity) : '—'}
                </span>
              </div>
              <button
                type="button"
                className="btn-ghost px-2.5 py-1.5 text-xs"
                aria-label={t('new.removeLine', { index: index + 1 })}
                disabled={lines.length === 1}
                onClick={() => setLines((list) => list.filter((l) => l.key !== line.key))}
              >
                ✕
              </button>
              {available !== null ? (
                <p
                  className={`text-xs sm:col-span-5 ${available < quantity ? 'text-amber-700' : 'text-slate-500'}`}
                  data-testid="new-order-available"
                  data-available={available}
                >
                  {available < quantity
                    ? t('new.short', { count: Math.max(0, available) })
                    : t('new.available', { count: available })}
                </p>
              ) : null}
            </div>
          );
        })}
        <button
          type="button"
          className="btn-secondary px-3 py-1.5 text-sm"
          data-testid="new-order-add-line"
          onClick={() =>
            setLines((list) => [
              ...list,
              { key: Math.max(0, ...list.map((l) => l.key)) + 1, productId: '', quantity: '1' },
            ])
          }
        >
          + {t('new.addLine')}
        </button>
      </fieldset>

      <label className="block text-sm">
        <span className="mb-1 block font-medium text-slate-700">{t('new.notes')}</span>
        <textarea
          className="field min-h-24"
          value={notes}
          maxLength={20_000}
          placeholder={t('new.notesPlaceholder')}
          onChange={(e) => setNotes(e.target.value)}
          data-testid="new-order-notes"
        />
      </label>

      <div className="flex flex-wrap items-center justify-between gap-3 border-t border-slate-100 pt-4">
        <p className="text-sm text-slate-600">
          {t('new.total')}{' '}
          <span className="tabular ml-1 text-lg font-semibold text-slate-900" data-testid="new-order-total">
            {format.price(total)}
          </span>
        </p>
        <div className="flex items-center gap-2">
          <button type="button" className="btn-ghost" onClick={() => router.push('/orders')}>
            {t('new.cancel')}
          </button>
          <button type="submit" className="btn-primary" disabled={pending} data-testid="new-order-save">
            {pending ? t('new.saving') : t('new.save')}
          </button>
        </div>
      </div>
      {error ? (
        <p
          role="alert"
          className="rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-800"
          data-testid="new-order-error"
        >
          {error.text}
        </p>
      ) : null}
    </form>
  );
}
