'use client';

import { useState, useTransition } from 'react';
import { useTranslation } from 'react-i18next';
import { type FormError, FormFooter } from '@/components/ui/form-footer';
import { createProductAction, updateProductAction } from '@/lib/catalog/actions';
import { useActionError } from '@/lib/live/action-error';
import type { ProductDetail } from '@/lib/live/types';

type Values = {
  sku: string;
  name: string;
  category: string;
  price: string;
  stock: string;
  lowStockThreshold: string;
  description: string;
};

const emptyValues: Values = {
  sku: '',
  name: '',
  category: '',
  price: '',
  stock: '0',
  lowStockThreshold: '5',
  description: '',
};

function valuesOf(product: ProductDetail): Values {
  return {
    sku: product.sku,
    name: product.name,
    category: product.category,
    price: (product.priceMinor / 100).toFixed(2),
    stock: String(product.stock),
    lowStockThreshold: String(product.lowStockThreshold),
    description: product.description,
  };
}

function toInput(values: Values) {
  return {
    sku: values.sku.trim(),
    name: values.name.trim(),
    category: values.category.trim(),
    description: values.description,
    priceMinor: Math.round(Number.parseFloat(values.price || 'NaN') * 100),
    stock: Number.parseInt(values.stock || 'NaN', 10),
    lowStockThreshold: Number.parseInt(values.lowStockThreshold || 'NaN', 10),
  };
}

/** Create a product, or edit one (only the changed fields are sent, with the version they were based on). */
export function ProductForm({
  product,
  categories,
  onDone,
  onCancel,
}: {
  product?: ProductDetail;
  categories: string[];
  onDone: (result: { id: string; name: string }) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation('live');
  const describeError = useActionError();
  const [values, setValues] = useState<Values>(() => (product ? valuesOf(product) : emptyValues));
  const [error, setError] = useState<FormError | null>(null);
  const [pending, startTransition] = useTransition();

  const set = (field: keyof Values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [field]: e.target.value }));

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const input = toInput(values);
    startTransition(async () => {
      if (product) {
        const before = toInput(valuesOf(product));
        const changes = Object.fromEntries(
          Object.entries(input).filter(([key, value]) => before[key as keyof typeof before] !== value),
        );
        if (Object.keys(changes).length === 0) return onDone({ id: product.id, name: product.name });
        const result = await updateProductAction(product.id, { expectedVersion: product.version, changes });
        if (result.ok) onDone({ id: product.id, name: result.value.product.name });
        else setError(describeError(result.error));
        return;
      }
      const result = await createProductAction(input);
      if (result.ok) onDone({ id: result.value.id, name: result.value.name });
      else setError(describeError(result.error));
    });
  }

  const field = (
    name: keyof Values,
    label: string,
    props: React.InputHTMLAttributes<HTMLInputElement> = {},
  ) => {
    const key = name === 'price' ? 'priceMinor' : name;
    const invalid = error?.fields.some(
      (f) => f === key || f.startsWith(`changes.${key}`) || f === `changes.${key}`,
    );
    return (
      <label className="block text-sm">
        <span className="mb-1 block font-medium text-slate-700">{label}</span>
        <input
          name={name}
          value={values[name]}
          onChange={set(name)}
          aria-invalid={invalid || undefined}
          className={`field ${invalid ? 'ring-2 ring-rose-400' : ''}`}
          {...props}
        />
      </label>
    );
  };

  return (
    <form onSubmit={submit} className="space-y-3" data-testid="product-form">
      <div className="grid gap-3 sm:grid-cols-2">
        {field('sku', t('form.sku'), { required: true, maxLength: 64, pattern: '[A-Za-z0-9._\\-]+' })}
        {field('name', t('form.name'), { required: true, maxLength: 200 })}
        {field('category', t('form.category'), { list: 'product-categories', maxLength: 100 })}
        {field('price', t('form.price'), {
          required: true,
          type: 'number',
          min: 0,
          step: '0.01',
          inputMode: 'decimal',
        })}
        {field('stock', t('form.stock'), { required: true, type: 'number', min: 0, step: 1 })}
        {field('lowStockThreshold', t('form.threshold'), { required: true, type: 'number', min: 0, step: 1 })}
      </div>
      <datalist id="product-categories">
        {categories.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      <label className="block text-sm">
        <span className="mb-1 block font-medium text-slate-700">{t('form.description')}</span>
        <textarea
          name="description"
          value={values.description}
          onChange={set('description')}
          rows={3}
          maxLength={5000}
          className="field"
        />
      </label>
      <FormFooter
        error={error}
        pending={pending}
        editing={Boolean(product)}
        onCancel={onCancel}
        submitTestId="product-form-submit"
      />
    </form>
  );
}
