import type { Role } from '@/lib/db/schema';

export type NavIcon = 'dashboard' | 'orders' | 'products' | 'customers' | 'messages' | 'admin';

export type NavItem = {
  href: string;
  /** Key in the `common` namespace. */
  labelKey: `nav.${NavIcon}`;
  icon: NavIcon;
  /** Roles that see the item; absent means everyone. The page itself must refuse the others too. */
  roles?: readonly Role[];
};

/** The app's navigation, in order. Add a page here and it appears in the shell. */
export const navItems: readonly NavItem[] = [
  { href: '/', labelKey: 'nav.dashboard', icon: 'dashboard' },
  { href: '/orders', labelKey: 'nav.orders', icon: 'orders' },
  { href: '/products', labelKey: 'nav.products', icon: 'products' },
  { href: '/customers', labelKey: 'nav.customers', icon: 'customers' },
  { href: '/messages', labelKey: 'nav.messages', icon: 'messages' },
  { href: '/admin', labelKey: 'nav.admin', icon: 'admin', roles: ['admin'] },
];

export function navItemsFor(role: Role): NavItem[] {
  return navItems.filter((item) => !item.roles || item.roles.includes(role));
}

/** Whether `pathname` is inside the item's section (`/` matches only itself). */
export function isActive(item: Pick<NavItem, 'href'>, pathname: string): boolean {
  if (item.href === '/') return pathname === '/';
  return pathname === item.href || pathname.startsWith(`${item.href}/`);
}
