'use client';

import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { type AuditAction, type AuditEntryView, auditActions } from '@/lib/admin/contract';
import { useLocale } from '@/lib/i18n/use-locale';
import { adminApi } from './api';
import { useErrorText } from './use-error-text';

const actionKeys = {
  'user.created': 'created',
  'user.role_changed': 'role_changed',
  'user.deactivated': 'deactivated',
  'user.reactivated': 'reactivated',
  'user.password_reset': 'password_reset',
  'user.signed_out': 'signed_out',
} as const satisfies Record<AuditAction, string>;
const actionKey = (action: AuditAction) => actionKeys[action];

const cell = 'max-md:block max-md:border-0 max-md:p-0';
const control =
  'mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm focus:ring-2 focus:ring-brand-500/40 focus:outline-none';

/** The admin actions of the tenant, newest first, filtered by action and person, with older pages on demand. */
export function AuditList({
  initial,
  next: initialNext,
  people,
}: {
  initial: AuditEntryView[];
  next: string | null;
  people: { id: string; name: string }[];
}) {
  const { t } = useTranslation('admin');
  const { t: tc } = useTranslation('common');
  const { format } = useLocale();
  const errorText = useErrorText();
  const [entries, setEntries] = useState(initial);
  const [next, setNext] = useState(initialNext);
  const [filter, setFilter] = useState<{ action?: AuditAction; targetId?: string }>({});
  const [error, setError] = useState<string | null>(null);

  async function load(query: { action?: AuditAction; targetId?: string }, before?: string) {
    const result = await adminApi.audit({ ...query, ...(before ? { before } : {}), limit: 50 });
    if (!result.ok) {
      setError(errorText(result.code));
      return;
    }
    setError(null);
    setEntries((list) => (before ? [...list, ...result.value.entries] : result.value.entries));
    setNext(result.value.next);
  }

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const action = auditActions.find((a) => a === data.get('action'));
    const targetId = String(data.get('targetId') ?? '') || undefined;
    const query = { ...(action ? { action } : {}), ...(targetId ? { targetId } : {}) };
    setFilter(query);
    void load(query);
  }

  const value = (field: string, v: unknown) => {
    if (field === 'role' && (v === 'admin' || v === 'sales' || v === 'viewer')) return tc(`roles.${v}`);
    if (typeof v === 'boolean') return v ? t('audit.yes') : t('audit.no');
    if (typeof v === 'number') return format.number(v);
    return String(v ?? '—');
  };
  const fieldName = (field: string) =>
    field === 'role' || field === 'active' || field === 'sessionVersion' ? t(`audit.fields.${field}`) : field;
  const change = (entry: AuditEntryView) => {
    const fields = [...new Set([...Object.keys(entry.before ?? {}), ...Object.keys(entry.after ?? {})])];
    return fields.map((field) => (
      <span key={field} className="block">
        <span className="text-slate-500">{fieldName(field)}:</span>{' '}
        {entry.before && field in entry.before ? `${value(field, entry.before[field])} → ` : ''}
        {value(field, entry.after?.[field])}
      </span>
    ));
  };

  return (
    <div className="space-y-4">
      <Card>
        <form
          onSubmit={apply}
          className="grid items-end gap-4 p-4 sm:grid-cols-[1fr_1fr_auto]"
          data-testid="audit-filter"
        >
          <label className="block text-sm font-medium text-slate-700">
            {t('audit.filterAction')}
            <select name="action" defaultValue="" className={control}>
              <option value="">{t('audit.all')}</option>
              {auditActions.map((action) => (
                <option key={action} value={action}>
                  {t(`audit.actions.${actionKey(action)}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="block text-sm font-medium text-slate-700">
            {t('audit.filterPerson')}
            <select name="targetId" defaultValue="" className={control}>
              <option value="">{t('audit.all')}</option>
              {people.map((person) => (
                <option key={person.id} value={person.id}>
                  {person.name}
                </option>
              ))}
            </select>
          </label>
          <button
            type="submit"
            className="rounded-lg bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2 focus-visible:outline-none"
          >
            {t('audit.apply')}
          </button>
        </form>
      </Card>
      {error ? (
        <p role="alert" className="text-sm text-rose-700">
          {error}
        </p>
      ) : null}
      <Card>
        {entries.length === 0 ? (
          <EmptyState title={t('audit.empty')} />
        ) : (
          // Below md each entry is a small card (the table would be wider than the screen).
          <div className="md:overflow-x-auto">
            <table className="data-table max-md:block" data-testid="audit-list">
              <thead className="max-md:hidden">
                <tr>
                  <th scope="col">{t('audit.when')}</th>
                  <th scope="col">{t('audit.who')}</th>
                  <th scope="col">{t('audit.what')}</th>
                  <th scope="col">{t('audit.person')}</th>
                  <th scope="col">{t('audit.change')}</th>
                </tr>
              </thead>
              <tbody className="max-md:block max-md:divide-y max-md:divide-slate-100">
                {entries.map((entry) => (
                  <tr
                    key={entry.id}
                    data-action={entry.action}
                    className="max-md:grid max-md:grid-cols-2 max-md:gap-x-3 max-md:gap-y-1 max-md:p-4"
                  >
                    <td className={`${cell} whitespace-nowrap text-sm max-md:text-xs max-md:text-slate-500`}>
                      {format.dateTime(entry.at)}
                    </td>
                    <td className={`${cell} text-sm max-md:text-right max-md:text-xs max-md:text-slate-500`}>
                      {entry.actor.id ? entry.actor.name : t('audit.setup')}
                    </td>
                    <td className={`${cell} text-sm font-medium max-md:col-span-2`}>
                      {t(`audit.actions.${actionKey(entry.action)}`)}
                    </td>
                    <td className={`${cell} text-sm break-all max-md:col-span-2`}>{entry.target.label}</td>
                    <td className={`${cell} text-sm max-md:col-span-2`}>{change(entry)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {next ? (
          <div className="border-t border-slate-100 p-3 text-center">
            <button
              type="button"
              onClick={() => void load(filter, next)}
              className="rounded-md px-3 py-1.5 text-sm font-medium text-brand-700 hover:bg-slate-50 focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:outline-none"
            >
              {t('audit.more')}
            </button>
          </div>
        ) : null}
      </Card>
    </div>
  );
}
