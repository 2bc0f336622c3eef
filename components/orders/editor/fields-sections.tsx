'use client';

import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocale } from '@/lib/i18n/use-locale';
import type { Address, SyncLine } from '@/lib/sync/types';
import type { EditorCustomer, EditorProduct } from './types';

const label = 'mb-1 block text-xs font-medium text-slate-500';

export function CustomerField({
  customerId,
  customers,
  editable,
  onChange,
}: {
  customerId: string;
  customers: readonly EditorCustomer[];
  editable: boolean;
  onChange(next: string): void;
}) {
  const { t } = useTranslation('collab');
  const { t: to } = useTranslation('orders');
  const customer = customers.find((c) => c.id === customerId);
  return (
    <div className="space-y-3">
      <div>
        <label className={label} htmlFor="order-customer">
          {t('editor.fields.customer')}
        </label>
        <select
          id="order-customer"
          data-testid="customer-select"
          className="field"
          value={customerId}
          disabled={!editable}
          onChange={(e) => onChange(e.target.value)}
        >
          {customers.map((c) => (
            <option key={c.id} value={c.id}>
              {c.company ? `${c.name} · ${c.company}` : c.name}
            </option>
          ))}
        </select>
      </div>
      {customer ? (
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-500">{to('detail.email')}</dt>
          <dd className="truncate text-slate-900" data-testid="order-customer">
            {customer.email}
          </dd>
          {customer.phone ? (
            <>
              <dt className="text-slate-500">{to('detail.phone')}</dt>
              <dd className="text-slate-900">{customer.phone}</dd>
            </>
          ) : null}
        </dl>
      ) : null}
    </div>
  );
}

const addressKeys = ['line1', 'line2', 'city', 'postalCode', 'country'] as const;

/**
 * The address as a draft: the first keystroke remembers the version the user started from, Save sends the whole
 * address against it, so a concurrent save by someone else is caught (a conflict under `manual`).
 */
export function ShippingField({
  address,
  version,
  editable,
  changedBy,
  onSave,
}: {
  address: Address;
  version: number;
  editable: boolean;
  /** Who last changed the address (shown when it changes under an open draft). */
  changedBy: string | null;
  onSave(value: Address, baseVersion: number): Promise<void> | void;
}) {
  const { t } = useTranslation('collab');
  const [draft, setDraft] = useState<{ value: Address; base: number; seen: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const current = JSON.stringify(address);
  const changedMeanwhile = draft !== null && draft.seen !== current;
  const shown = draft?.value ?? address;
  const wasEditable = useRef(editable);
  useEffect(() => {
    if (wasEditable.current && !editable) setDraft(null);
    wasEditable.current = editable;
  }, [editable]);

  return (
    <form
      className="space-y-3"
      onSubmit={async (event) => {
        event.preventDefault();
        if (!draft) return;
        setSaving(true);
        await onSave(draft.value, draft.base);
        setSaving(false);
        setDraft(null);
      }}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        {addressKeys.map((key) => (
          <div key={key} className={key === 'line1' || key === 'line2' ? 'sm:col-span-2' : undefined}>
            <label className={label} htmlFor={`ship-${key}`}>
              {t(`editor.fields.${key}`)}
            </label>
            <input
              id={`ship-${key}`}
              data-testid={`ship-${key}`}
              className="field read-only:bg-slate-50"
              value={shown[key]}
              readOnly={!editable}
              maxLength={key === 'country' ? 2 : 200}
              onChange={(e) => {
                const value = { ...shown, [key]: e.target.value };
                setDraft((d) => (d ? { ...d, value } : { value, base: version, seen: current }));
              }}
            />
          </div>
        ))}
      </div>
      {draft ? (
        <div className="flex flex-wrap items-center justify-between gap-2 rounded-lg bg-slate-50 px-3 py-2">
          <span className="text-xs text-slate-600">
            {changedMeanwhile && changedBy ? (
              <span className="font-medium text-amber-700" data-testid="changed-meanwhile">
                {t('editor.changedMeanwhile', { name: changedBy })}
              </span>
            ) : (
              t('editor.editing')
            )}
          </span>
          <span className="flex gap-2">
            <button type="button" className="btn-ghost px-2.5 py-1 text-xs" onClick={() => setDraft(null)}>
              {t('editor.cancel')}
            </button>
            <button
              type="submit"
              className="btn-primary px-3 py-1 text-xs"
              disabled={saving}
              data-testid="ship-save"
            >
              {t('editor.save')}
            </button>
          </span>
        </div>
      ) : null}
    </form>
  );
}

export function LinesField({
  lines,
  products,
  linePrices,
  editable,
  onQuantity,
  onRemove,
  onAdd,
}: {
  lines: readonly SyncLine[];
  products: readonly EditorProduct[];
  linePrices: Record<string, number>;
  editable: boolean;
  onQuantity(lineId: string, quantity: number): void;
  onRemove(lineId: string): void;
  onAdd(productId: string, quantity: number): void;
}) {
  const { t } = useTranslation('collab');
  const { t: to } = useTranslation('orders');
  const { format } = useLocale();
  const [adding, setAdding] = useState('');
  const byId = new Map(products.map((p) => [p.id, p]));
  const price = (line: SyncLine) => linePrices[line.id] ?? byId.get(line.productId)?.priceMinor ?? 0;
  const total = lines.reduce((sum, line) => sum + price(line) * line.quantity, 0);
  return (
    <div className="-mx-5 -my-4">
      <div className="relative overflow-x-auto">
        {/* On a phone each line is a card (phone-cards): product and quantity, SKU and line total, unit price. */}
        <table className="data-table phone-cards" data-testid="order-lines">
          <thead>
            <tr>
              <th scope="col">{to('detail.product')}</th>
              <th scope="col">{to('detail.sku')}</th>
              <th scope="col" className="text-right">
                {to('detail.quantity')}
              </th>
              <th scope="col" className="text-right">
                {to('detail.unitPrice')}
              </th>
              <th scope="col" className="text-right">
                {to('detail.lineTotal')}
              </th>
              {editable ? <th scope="col" className="w-0" /> : null}
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => {
              const product = byId.get(line.productId);
              return (
                <tr key={line.id} data-line-id={line.id}>
                  <td className="font-medium max-sm:col-start-1 max-sm:row-start-1">
                    {product?.name ?? '—'}
                  </td>
                  <td className="font-mono text-xs text-slate-500 max-sm:col-start-1 max-sm:row-start-2">
                    {product?.sku ?? ''}
                  </td>
                  <td
                    className="text-right max-sm:col-start-2 max-sm:row-start-1 max-sm:flex max-sm:items-center max-sm:justify-end"
                    data-label={to('detail.quantity')}
                  >
                    <input
                      type="number"
                      min={1}
                      aria-label={t('editor.fields.quantity')}
                      data-testid="line-quantity"
                      className="field tabular ml-auto w-24 py-1 text-right read-only:border-transparent read-only:bg-transparent read-only:shadow-none"
                      value={line.quantity}
                      readOnly={!editable}
                      onFocus={(e) => e.target.select()}
                      onChange={(e) => {
                        const n = Number.parseInt(e.target.value, 10);
                        if (Number.isInteger(n) && n >= 1 && n <= 1_000_000) onQuantity(line.id, n);
                      }}
                    />
                  </td>
                  <td
                    className="tabular text-right whitespace-nowrap text-slate-600 max-sm:col-start-1 max-sm:row-start-3 max-sm:text-left max-sm:text-xs"
                    data-label={to('detail.unitPrice')}
                  >
                    {format.price(price(line))}
                  </td>
                  <td className="tabular text-right font-medium whitespace-nowrap max-sm:col-start-2 max-sm:row-start-2">
                    {format.price(price(line) * line.quantity)}
                  </td>
                  {editable ? (
                    <td className="max-sm:col-start-2 max-sm:row-start-3 max-sm:justify-self-end">
                      <button
                        type="button"
                        className="btn-ghost px-2 py-1 text-xs text-rose-700 max-sm:px-3 max-sm:py-1.5"
                        data-testid="line-remove"
                        onClick={() => onRemove(line.id)}
                      >
                        {t('editor.removeLine')}
                      </button>
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th
                scope="row"
                colSpan={4}
                className="px-4 py-3 text-right text-sm font-medium text-slate-600 max-sm:p-0"
              >
                {t('editor.total')}
              </th>
              <td
                className="tabular px-4 py-3 text-right text-base font-semibold whitespace-nowrap max-sm:p-0"
                data-testid="order-total"
              >
                {format.price(total)}
              </td>
              {editable ? <td className="max-sm:hidden" /> : null}
            </tr>
          </tfoot>
        </table>
      </div>
      {editable ? (
        <div className="flex flex-wrap items-center gap-2 border-t border-slate-100 px-5 py-3">
          <select
            className="field w-auto min-w-56 flex-1 py-1.5"
            value={adding}
            onChange={(e) => setAdding(e.target.value)}
            aria-label={t('editor.fields.product')}
            data-testid="line-product"
          >
            <option value="">{t('editor.chooseProduct')}</option>
            {products.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} · {p.sku}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="btn-secondary px-3 py-1.5 text-xs"
            disabled={!adding}
            data-testid="line-add"
            onClick={() => {
              onAdd(adding, 1);
              setAdding('');
            }}
          >
            {t('editor.addLine')}
          </button>
        </div>
      ) : null}
    </div>
  );
}
