'use client';

import { useState, useTransition } from 'react';
import { useTranslation } from 'react-i18next';
import { useToast } from '@/components/realtime';
import { bulkUpdateProductsAction } from '@/lib/catalog/actions';
import { useActionError } from '@/lib/live/action-error';

type Kind = 'price_percent' | 'price_amount' | 'stock_adjust';

function operationOf(kind: Kind, raw: string) {
  const value = Number.parseFloat(raw);
  if (!Number.isFinite(value) || value === 0) return null;
  if (kind === 'price_percent') return { kind, percent: value };
  if (kind === 'price_amount') return { kind, amountMinor: Math.round(value * 100) };
  return { kind, delta: Math.trunc(value) };
}

/** One operation over the selected rows: price ± %, price ± ฿, or stock ± units (all or nothing). */
export function BulkToolbar({ ids, onClear }: { ids: string[]; onClear: () => void }) {
  const { t } = useTranslation('live');
  const describeError = useActionError();
  const { push } = useToast();
  const [kind, setKind] = useState<Kind>('price_percent');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const operation = operationOf(kind, value);

  function apply(event: React.FormEvent) {
    event.preventDefault();
    if (!operation) return;
    startTransition(async () => {
      const result = await bulkUpdateProductsAction({ ids, operation });
      if (!result.ok) {
        setError(describeError(result.error).text);
        return;
      }
      setError(null);
      setValue('');
      onClear();
      push({ title: t('toasts.bulkApplied', { count: result.value.count }), tone: 'success' });
    });
  }

  return (
    <form
      onSubmit={apply}
      data-testid="bulk-toolbar"
      className="flex flex-wrap items-center gap-2 border-b border-brand-100 bg-brand-50/60 px-4 py-2.5 text-sm"
    >
      <span className="font-medium text-slate-900" data-testid="bulk-selected">
        {t('products.selected', { count: ids.length })}
      </span>
      <button type="button" className="btn-ghost px-2 py-1 text-xs" onClick={onClear}>
        {t('products.clearSelection')}
      </button>
      <span className="mx-1 hidden h-5 w-px bg-slate-300 sm:block" aria-hidden />
      <label className="inline-flex items-center gap-2">
        <span className="text-slate-600">{t('products.bulkOperation')}</span>
        <select
          value={kind}
          onChange={(e) => setKind(e.target.value as Kind)}
          className="field w-auto py-1.5 pr-8"
          data-testid="bulk-kind"
        >
          <option value="price_percent">{t('products.pricePercent')}</option>
          <option value="price_amount">{t('products.priceAmount')}</option>
          <option value="stock_adjust">{t('products.stockAdjust')}</option>
        </select>
      </label>
      <label className="inline-flex items-center gap-2">
        <span className="sr-only">{t('products.bulkValue')}</span>
        <input
          type="number"
          step={kind === 'stock_adjust' ? 1 : 'any'}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder={kind === 'stock_adjust' ? '+10' : '+5'}
          className="field w-28 py-1.5"
          data-testid="bulk-value"
        />
      </label>
      <button
        type="submit"
        className="btn-primary py-1.5"
        disabled={!operation || pending}
        data-testid="bulk-apply"
      >
        {t('products.apply')}
      </button>
      {error ? (
        <p role="alert" className="w-full text-rose-700">
          {error}
        </p>
      ) : null}
    </form>
  );
}
