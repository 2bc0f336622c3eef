'use client';

import { useTranslation } from 'react-i18next';
import { usePresence } from '@/lib/hooks';
import { Avatar } from './avatar';

const statusDot: Record<string, string> = {
  online: 'bg-emerald-500',
  busy: 'bg-rose-500',
  away: 'bg-amber-400',
  offline: 'bg-slate-300',
};

const sections = ['orders', 'products', 'customers', 'messages', 'admin'] as const;

/** Who is online in the tenant and where (their page), live from tenant presence. */
export function OnlineNow() {
  const { t } = useTranslation('collab');
  const { t: tc } = useTranslation('common');
  /** A page as people say it: a path becomes its section ("an order" when it is one), an order number stays. */
  const where = (page: string) => {
    if (!page.startsWith('/')) return `${t('activity.entities.order')} ${page}`;
    const [first = '', second] = page.split('/').filter(Boolean);
    if (first === '') return tc('nav.dashboard');
    const section = sections.find((s) => s === first);
    if (!section) return page;
    if (second && section === 'orders') return t('activity.entities.order');
    if (second && section === 'products') return t('activity.entities.product');
    return tc(`nav.${section}`);
  };
  const { activeUsers, currentUser } = usePresence();
  const sorted = [...activeUsers].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <section className="rounded-xl border border-slate-200 bg-white shadow-xs" data-testid="online-now">
      <header className="flex items-center justify-between border-b border-slate-100 px-5 py-3">
        <h2 className="text-sm font-semibold text-slate-900">{t('activity.online')}</h2>
        <span className="tabular text-xs text-slate-500">{activeUsers.length}</span>
      </header>
      <ul className="divide-y divide-slate-100">
        {sorted.map((m) => (
          <li
            key={m.userId}
            className="flex items-center gap-3 px-5 py-2.5"
            data-testid="online-user"
            data-user={m.name}
          >
            <span className="relative">
              <Avatar userId={m.userId} name={m.name} size="sm" />
              <span
                aria-hidden
                className={`absolute -right-0.5 -bottom-0.5 size-2 rounded-full ring-2 ring-white ${statusDot[m.status] ?? statusDot.offline}`}
              />
            </span>
            <span className="min-w-0 flex-1 text-sm">
              <span className="block truncate font-medium text-slate-900">
                {m.name}
                {m.userId === currentUser?.id ? (
                  <span className="font-normal text-slate-500"> ({t('panel.people.you')})</span>
                ) : null}
              </span>
              <span className="block truncate text-xs text-slate-500">
                {tc(`roles.${m.role}`)}
                {m.location?.page ? ` · ${t('activity.onPage', { page: where(m.location.page) })}` : ''}
              </span>
            </span>
          </li>
        ))}
      </ul>
      {activeUsers.length <= 1 ? (
        <p className="px-5 py-3 text-sm text-slate-500">{t('activity.nobodyOnline')}</p>
      ) : null}
    </section>
  );
}
