'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useToast } from '@/components/realtime';
import { Modal } from './modal';
import { ProductForm } from './product-form';

/** "New product": the create form in a dialog; opens the new product's page when saved. */
export function NewProductButton({ categories }: { categories: string[] }) {
  const { t } = useTranslation('live');
  const [open, setOpen] = useState(false);
  const router = useRouter();
  const { push } = useToast();
  return (
    <>
      <button type="button" className="btn-primary" onClick={() => setOpen(true)} data-testid="new-product">
        <svg aria-hidden viewBox="0 0 20 20" className="size-4 fill-current">
          <path d="M10 4a1 1 0 0 1 1 1v4h4a1 1 0 1 1 0 2h-4v4a1 1 0 1 1-2 0v-4H5a1 1 0 1 1 0-2h4V5a1 1 0 0 1 1-1Z" />
        </svg>{' '}
        {t('products.new')}
      </button>
      <Modal open={open} title={t('form.createTitle')} onClose={() => setOpen(false)}>
        <ProductForm
          categories={categories}
          onCancel={() => setOpen(false)}
          onDone={(product) => {
            setOpen(false);
            push({ title: t('toasts.created', { item: product.name }), tone: 'success' });
            router.push(`/products/${product.id}`);
          }}
        />
      </Modal>
    </>
  );
}
