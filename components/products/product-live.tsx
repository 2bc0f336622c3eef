'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { useTranslation } from 'react-i18next';
import { useToast, ViewerCount } from '@/components/realtime';
import { Card, CardHeader } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { deleteProductAction } from '@/lib/catalog/actions';
import { productDetailSchema } from '@/lib/catalog/contract';
import { useLocale } from '@/lib/i18n/use-locale';
import { useActionError } from '@/lib/live/action-error';
import { LiveNotice } from '@/lib/live/live-notice';
import { liveKeys, liveUrls } from '@/lib/live/query-keys';
import type { ProductDetail, ProductEntry } from '@/lib/live/types';
import { FetchError, fetchJson, useLiveQuery } from '@/lib/live/use-live-query';
import { useProductLive } from '@/lib/live/use-products-live';
import { LiveStockBadge } from './live-stock-badge';
import { Modal } from './modal';
import { ProductForm } from './product-form';

const knownCategories = ['Beverages', 'Snacks', 'Household', 'Stationery', 'Electronics', 'Personal care'];

async function loadEntry(id: string, previous: ProductEntry | undefined): Promise<ProductEntry> {
  try {
    return { state: 'present', product: await fetchJson(liveUrls.product(id), productDetailSchema) };
  } catch (error) {
    if (error instanceof FetchError && error.status === 404)
      return {
        state: 'deleted',
        id,
        name: previous?.state === 'present' ? previous.product.name : '',
        by: null,
      };
    throw error;
  }
}

function Figure({
  label,
  value,
  testId,
  tone,
}: {
  label: string;
  value: string;
  testId?: string;
  tone?: string;
}) {
  return (
    <div className="px-5 py-4">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd
        className={`tabular mt-1 text-xl font-semibold tracking-tight ${tone ?? 'text-slate-900'}`}
        data-testid={testId}
      >
        {value}
      </dd>
    </div>
  );
}

/** The product page: live price and stock, who is viewing, edit and delete for staff, a notice when deleted. */
export function ProductLive({
  initial,
  renderedAt,
  canWrite,
  categories,
}: {
  initial: ProductDetail;
  renderedAt: number;
  canWrite: boolean;
  categories: string[];
}) {
  const { t } = useTranslation(['products', 'live']);
  const { format } = useLocale();
  const id = initial.id;
  const live = useProductLive(id);
  const key = liveKeys.product(id);
  const { data: entry, refetch } = useLiveQuery<ProductEntry>({
    queryKey: key,
    queryFn: () => loadEntry(id, undefined),
    initialData: { state: 'present', product: initial },
    initialDataUpdatedAt: renderedAt,
  });
  const [editing, setEditing] = useState(false);

  if (entry.state === 'deleted') return <DeletedNotice entry={entry} fallbackName={initial.name} />;
  const product = entry.product;
  const available = product.stock - product.reserved;
  const category = knownCategories.includes(product.category)
    ? t(`products:categories.${product.category as 'Snacks'}`)
    : product.category;

  return (
    <article data-product-id={product.id} data-product-version={product.version} data-live={live}>
      <PageHeader
        eyebrow={
          <Link href="/products" className="hover:text-slate-900 hover:underline">
            ← {t('products:detail.backToList')}
          </Link>
        }
        title={<span data-testid="product-title">{product.name}</span>}
        subtitle={
          <>
            <span className="font-mono">{product.sku}</span>
            {category ? (
              <>
                <span aria-hidden> · </span>
                {category}
              </>
            ) : null}
            <span aria-hidden> · </span>
            {t('products:detail.updatedAt', { date: format.dateTime(product.updatedAt) })}
          </>
        }
        actions={
          <>
            <span
              className="inline-flex items-center rounded-full bg-brand-50 px-2.5 py-1 ring-1 ring-brand-100 empty:hidden"
              data-testid="product-viewers"
            >
              <ViewerCount channel={`product:${product.id}`} className="text-brand-800" />
            </span>
            <LiveStockBadge product={product} />
            {canWrite ? (
              <>
                <button
                  type="button"
                  className="btn-secondary"
                  onClick={() => setEditing(true)}
                  data-testid="edit-product"
                >
                  {t('live:products.edit')}
                </button>
                <DeleteButton product={product} />
              </>
            ) : null}
          </>
        }
      />
      <LiveNotice />
      <Card data-section="stock">
        <dl className="grid divide-y divide-slate-100 sm:grid-cols-2 sm:divide-y-0 lg:grid-cols-5 lg:divide-x">
          <Figure
            label={t('products:detail.price')}
            value={format.price(product.priceMinor)}
            testId="product-price"
          />
          <Figure
            label={t('products:detail.stock')}
            value={format.number(product.stock)}
            testId="product-stock"
            tone={product.stock <= product.lowStockThreshold ? 'text-amber-700' : undefined}
          />
          <Figure
            label={t('products:detail.reserved')}
            value={format.number(product.reserved)}
            testId="product-reserved"
          />
          <Figure
            label={t('products:detail.available')}
            value={format.number(available)}
            testId="product-available"
          />
          <Figure label={t('products:detail.threshold')} value={format.number(product.lowStockThreshold)} />
        </dl>
        <p className="flex items-center gap-2 border-t border-slate-100 px-5 py-2 text-xs text-slate-500">
          <span className="relative flex size-2">
            <span className="absolute inline-flex size-full motion-safe:animate-ping rounded-full bg-emerald-400 opacity-60" />
            <span className="relative inline-flex size-2 rounded-full bg-emerald-500" />
          </span>
          {t('live:products.liveHint')}
          <span aria-hidden>·</span>
          <span className="tabular">{t('products:detail.version', { version: product.version })}</span>
        </p>
      </Card>
      <Card className="mt-6" data-section="description">
        <CardHeader title={t('products:detail.description')} />
        <p className="px-5 py-4 text-sm whitespace-pre-wrap text-slate-800">
          {product.description || (
            <span className="text-slate-500">{t('products:detail.noDescription')}</span>
          )}
        </p>
      </Card>
      {canWrite ? (
        <Modal open={editing} title={t('live:form.editTitle')} onClose={() => setEditing(false)}>
          <ProductForm
            product={product}
            categories={categories}
            onCancel={() => setEditing(false)}
            onDone={() => {
              setEditing(false);
              void refetch();
            }}
          />
        </Modal>
      ) : null}
    </article>
  );
}

function DeleteButton({ product }: { product: ProductDetail }) {
  const { t } = useTranslation('live');
  const router = useRouter();
  const { push } = useToast();
  const describeError = useActionError();
  const [pending, startTransition] = useTransition();
  return (
    <button
      type="button"
      className="btn-secondary text-rose-700 hover:bg-rose-50"
      disabled={pending}
      data-testid="delete-product"
      onClick={() => {
        if (!window.confirm(t('products.confirmDelete', { name: product.name }))) return;
        startTransition(async () => {
          const result = await deleteProductAction(product.id, { expectedVersion: product.version });
          if (!result.ok) {
            push({ title: describeError(result.error).text, tone: 'error' });
            return;
          }
          push({ title: t('toasts.deleted', { item: product.name }), tone: 'success' });
          router.push('/products');
        });
      }}
    >
      {t('products.delete')}
    </button>
  );
}

function DeletedNotice({
  entry,
  fallbackName,
}: {
  entry: Extract<ProductEntry, { state: 'deleted' }>;
  fallbackName: string;
}) {
  const { t } = useTranslation('live');
  const item = entry.name || fallbackName;
  return (
    <div
      role="alert"
      data-testid="product-deleted"
      className="mx-auto mt-10 max-w-xl rounded-xl border border-rose-200 bg-white p-8 text-center shadow-sm"
    >
      <div
        aria-hidden
        className="mx-auto mb-4 flex size-12 items-center justify-center rounded-full bg-rose-50 text-rose-600"
      >
        <svg aria-hidden viewBox="0 0 20 20" className="size-6 fill-current">
          <path d="M8 2a1 1 0 0 0-1 1v1H4a1 1 0 0 0 0 2h12a1 1 0 1 0 0-2h-3V3a1 1 0 0 0-1-1H8Zm-3 6 .8 8.1A2 2 0 0 0 7.8 18h4.4a2 2 0 0 0 2-1.9L15 8H5Z" />
        </svg>
      </div>
      <h1 className="text-xl font-semibold text-slate-900">{t('products.deletedTitle')}</h1>
      <p className="mt-2 text-sm text-slate-600">
        {entry.by
          ? t('products.deletedBy', { name: entry.by.name, item })
          : t('products.deletedSomeone', { item })}
      </p>
      <Link href="/products" className="btn-primary mt-6">
        {t('products.backToList')}
      </Link>
    </div>
  );
}
