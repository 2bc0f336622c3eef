'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useTranslation } from 'react-i18next';
import { NavIcon } from './nav-icon';
import { isActive, type NavItem } from './nav-items';

/**
 * The navigation list; highlights the current section. Rows on small screens (wrapping, so no item is cut off at
 * the edge of a phone), a column on large ones.
 */
export function NavLinks({ items }: { items: NavItem[] }) {
  const { t } = useTranslation('common');
  const pathname = usePathname();
  return (
    <nav aria-label={t('nav.label')}>
      <ul className="flex flex-wrap gap-1 lg:flex-col">
        {items.map((item) => {
          const active = isActive(item, pathname);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={active ? 'page' : undefined}
                data-nav={item.icon}
                className={`flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium whitespace-nowrap transition-colors ${
                  active ? 'bg-white/10 text-white' : 'text-slate-300 hover:bg-white/5 hover:text-white'
                }`}
              >
                <NavIcon
                  name={item.icon}
                  className={`size-5 ${active ? 'text-brand-100' : 'text-slate-400'}`}
                />
                {t(item.labelKey)}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
