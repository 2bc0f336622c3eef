'use client';

import { useState, useTransition } from 'react';
import { useTranslation } from 'react-i18next';
import { type FormError, FormFooter } from '@/components/ui/form-footer';
import { createCustomerAction, updateCustomerAction } from '@/lib/catalog/actions';
import { useActionError } from '@/lib/live/action-error';
import type { CustomerRow } from '@/lib/live/types';

type Values = {
  name: string;
  company: string;
  email: string;
  phone: string;
  line1: string;
  line2: string;
  city: string;
  postalCode: string;
  country: string;
};

const emptyValues: Values = {
  name: '',
  company: '',
  email: '',
  phone: '',
  line1: '',
  line2: '',
  city: '',
  postalCode: '',
  country: 'TH',
};

function valuesOf(c: CustomerRow): Values {
  return {
    name: c.name,
    company: c.company,
    email: c.email,
    phone: c.phone,
    line1: c.address.line1,
    line2: c.address.line2 ?? '',
    city: c.address.city,
    postalCode: c.address.postalCode,
    country: c.address.country,
  };
}

function toInput(v: Values) {
  return {
    name: v.name.trim(),
    company: v.company.trim(),
    email: v.email.trim(),
    phone: v.phone.trim(),
    address: {
      line1: v.line1.trim(),
      line2: v.line2.trim(),
      city: v.city.trim(),
      postalCode: v.postalCode.trim(),
      country: v.country.trim().toUpperCase(),
    },
  };
}

/** Create or edit a customer; an edit sends only what changed, with the version it was based on. */
export function CustomerForm({
  customer,
  onDone,
  onCancel,
}: {
  customer?: CustomerRow;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation('live');
  const describeError = useActionError();
  const [values, setValues] = useState<Values>(() => (customer ? valuesOf(customer) : emptyValues));
  const [error, setError] = useState<FormError | null>(null);
  const [pending, startTransition] = useTransition();

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const input = toInput(values);
    startTransition(async () => {
      if (customer) {
        const before = toInput(valuesOf(customer));
        const changes = Object.fromEntries(
          Object.entries(input).filter(
            ([key, value]) => JSON.stringify(before[key as keyof typeof before]) !== JSON.stringify(value),
          ),
        );
        if (Object.keys(changes).length === 0) return onDone();
        const result = await updateCustomerAction(customer.id, {
          expectedVersion: customer.version,
          changes,
        });
        if (result.ok) onDone();
        else setError(describeError(result.error));
        return;
      }
      const result = await createCustomerAction(input);
      if (result.ok) onDone();
      else setError(describeError(result.error));
    });
  }

  const field = (name: keyof Values, props: React.InputHTMLAttributes<HTMLInputElement> = {}) => {
    const invalid = error?.fields.some((f) => f.endsWith(name));
    return (
      <label className="block text-sm">
        <span className="mb-1 block font-medium text-slate-700">{t(`customers.form.${name}`)}</span>
        <input
          name={name}
          value={values[name]}
          onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))}
          aria-invalid={invalid || undefined}
          className={`field ${invalid ? 'ring-2 ring-rose-400' : ''}`}
          {...props}
        />
      </label>
    );
  };

  return (
    <form onSubmit={submit} className="space-y-3" data-testid="customer-form">
      <div className="grid gap-3 sm:grid-cols-2">
        {field('name', { required: true, maxLength: 200 })}
        {field('company', { maxLength: 200 })}
        {field('email', { required: true, type: 'email' })}
        {field('phone', { type: 'tel' })}
        {field('line1', { required: true })}
        {field('line2')}
        {field('city', { required: true })}
        {field('postalCode', { required: true })}
        {field('country', { required: true, minLength: 2, maxLength: 2 })}
      </div>
      <FormFooter
        error={error}
        pending={pending}
        editing={Boolean(customer)}
        onCancel={onCancel}
        submitTestId="customer-form-submit"
      />
    </form>
  );
}
