'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Modal } from '@/components/products/modal';
import { useToast } from '@/components/realtime';
import { customerPageAnswer } from '@/lib/catalog/contract';
import { liveKeys, liveUrls } from '@/lib/live/query-keys';
import type { CustomerFilter, CustomerRow, ListPage } from '@/lib/live/types';
import { useCustomersLive } from '@/lib/live/use-customers-live';
import { fetchJson, useLiveQuery } from '@/lib/live/use-live-query';
import { CustomerForm } from './customer-form';

/** The customer list, kept true by `customers` events; staff edit in a dialog. */
export function CustomersLive({
  initial,
  filter,
  renderedAt,
  canWrite,
}: {
  initial: ListPage<CustomerRow>;
  filter: CustomerFilter;
  renderedAt: number;
  canWrite: boolean;
}) {
  const { t } = useTranslation('live');
  const { push } = useToast();
  const queryClient = useQueryClient();
  const live = useCustomersLive();
  const { data } = useLiveQuery({
    queryKey: liveKeys.customerList(filter),
    queryFn: async () => {
      const { items, ...rest } = await fetchJson(liveUrls.customerList(filter), customerPageAnswer);
      return { ...rest, rows: items };
    },
    initialData: initial,
    initialDataUpdatedAt: renderedAt,
  });
  const [editing, setEditing] = useState<CustomerRow | 'new' | null>(null);
  const done = () => {
    setEditing(null);
    push({ title: t('toasts.saved'), tone: 'success' });
    void queryClient.invalidateQueries({ queryKey: liveKeys.customerLists });
  };

  return (
    <>
      {canWrite ? (
        <div className="flex justify-end border-b border-slate-100 px-4 py-2.5">
          <button
            type="button"
            className="btn-primary"
            onClick={() => setEditing('new')}
            data-testid="new-customer"
          >
            <svg aria-hidden viewBox="0 0 20 20" className="size-4 fill-current">
              <path d="M10 4a1 1 0 0 1 1 1v4h4a1 1 0 1 1 0 2h-4v4a1 1 0 1 1-2 0v-4H5a1 1 0 1 1 0-2h4V5a1 1 0 0 1 1-1Z" />
            </svg>{' '}
            {t('customers.new')}
          </button>
        </div>
      ) : null}
      {data.rows.length === 0 ? (
        <p className="px-6 py-14 text-center font-medium text-slate-700">{t('list.empty')}</p>
      ) : (
        <div className="overflow-x-auto">
          <table
            className="data-table"
            data-testid="customers-table"
            data-total={data.total}
            data-live={live}
          >
            <thead>
              <tr>
                <th scope="col">{t('customers.columns.name')}</th>
                <th scope="col">{t('customers.columns.email')}</th>
                <th scope="col">{t('customers.columns.phone')}</th>
                <th scope="col">{t('customers.columns.city')}</th>
                {canWrite ? <th scope="col" className="w-16" /> : null}
              </tr>
            </thead>
            <tbody>
              {data.rows.map((customer) => (
                <tr key={customer.id} data-customer-id={customer.id} data-version={customer.version}>
                  <td className="max-w-72">
                    <span className="block truncate font-medium text-slate-900" data-testid="customer-name">
                      {customer.name}
                    </span>
                    {customer.company ? (
                      <span className="block truncate text-xs text-slate-500">{customer.company}</span>
                    ) : null}
                  </td>
                  <td className="text-slate-600">{customer.email}</td>
                  <td className="whitespace-nowrap text-slate-600">{customer.phone}</td>
                  <td className="whitespace-nowrap text-slate-600">
                    {customer.address.city}
                    <span className="ml-1 text-xs text-slate-500">{customer.address.country}</span>
                  </td>
                  {canWrite ? (
                    <td className="text-right">
                      <button
                        type="button"
                        className="btn-ghost px-2 py-1 text-xs"
                        onClick={() => setEditing(customer)}
                        data-testid="edit-customer"
                      >
                        {t('customers.edit')}
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canWrite ? (
        <Modal
          open={editing !== null}
          title={
            editing === 'new' || editing === null
              ? t('customers.form.createTitle')
              : t('customers.form.editTitle', { name: editing.name })
          }
          onClose={() => setEditing(null)}
        >
          <CustomerForm
            key={editing === 'new' || editing === null ? 'new' : editing.id}
            customer={editing === 'new' || editing === null ? undefined : editing}
            onCancel={() => setEditing(null)}
            onDone={done}
          />
        </Modal>
      ) : null}
    </>
  );
}
