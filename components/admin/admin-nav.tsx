'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useTranslation } from 'react-i18next';
import { useLocale } from '@/lib/i18n/use-locale';

const sections = [
  { href: '/admin', key: 'nav.people' },
  { href: '/admin/audit', key: 'nav.audit' },
  { href: '/admin/conflicts', key: 'nav.conflicts' },
] as const;

/** The admin area's sections; the conflicts tab carries the count of open conflicts. */
export function AdminNav({ openConflicts }: { openConflicts: number }) {
  const { t } = useTranslation('admin');
  const { format } = useLocale();
  const pathname = usePathname();
  return (
    <nav aria-label={t('nav.label')} className="mb-6 border-b border-slate-200" data-testid="admin-nav">
      <ul className="-mb-px flex gap-1 overflow-x-auto">
        {sections.map((section) => {
          const active =
            section.href === '/admin' ? pathname === '/admin' : pathname.startsWith(section.href);
          return (
            <li key={section.href}>
              <Link
                href={section.href}
                aria-current={active ? 'page' : undefined}
                className={`flex items-center gap-2 border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:outline-none ${
                  active
                    ? 'border-brand-600 text-brand-700'
                    : 'border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-900'
                }`}
              >
                {t(section.key)}
                {section.href === '/admin/conflicts' && openConflicts > 0 ? (
                  <span
                    data-testid="open-conflicts"
                    className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-800"
                    title={t('nav.openConflicts', { count: openConflicts })}
                  >
                    {format.number(openConflicts)}
                    <span className="sr-only"> {t('nav.openConflicts', { count: openConflicts })}</span>
                  </span>
                ) : null}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
