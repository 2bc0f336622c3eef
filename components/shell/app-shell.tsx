import Link from 'next/link';
import type { ReactNode } from 'react';
import { Avatar } from '@/components/collab/avatar';
import { RealtimeBoundary } from '@/components/collab/realtime-boundary';
import { NotificationBell } from '@/components/notifications/notification-bell';
import type { SessionUser } from '@/lib/auth/current-user';
import { getT } from '@/lib/i18n/server';
import { LanguageSwitch } from './language-switch';
import { navItemsFor } from './nav-items';
import { NavLinks } from './nav-links';
import { SignOutButton } from './sign-out-button';
import { UserCard } from './user-card';

/**
 * The frame around every signed-in page: navigation, the user, language and sign-out. `realtimeSlot` is where the
 * connection badge and "who is online" avatars are mounted (the realtime layer provides them); empty until then.
 */
export async function AppShell({
  user,
  realtimeSlot,
  children,
}: {
  user: SessionUser;
  realtimeSlot?: ReactNode;
  children: ReactNode;
}) {
  const t = await getT('common');
  return (
    // One realtime connection per tab, shared by the bell, the live pages and their hooks.
    <RealtimeBoundary user={{ id: user.id, name: user.name, role: user.role }}>
      <div className="min-h-screen lg:grid lg:grid-cols-[15rem_1fr]">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
        >
          {t('shell.skipToContent')}
        </a>
        <aside className="bg-slate-900 text-white">
          <div className="lg:sticky lg:top-0 lg:flex lg:h-screen lg:flex-col">
            <div className="flex items-center justify-between gap-3 px-4 pt-4 pb-3 lg:px-5 lg:pt-6 lg:pb-6">
              <Link href="/" className="flex items-center gap-2.5">
                <span
                  aria-hidden
                  className="flex size-8 items-center justify-center rounded-lg bg-brand-600 text-sm font-bold"
                >
                  OS
                </span>
                <span className="leading-tight">
                  <span className="block text-sm font-semibold">{t('appName')}</span>
                  <span className="block text-[11px] text-slate-400">{t('tagline')}</span>
                </span>
              </Link>
              <div className="lg:hidden">
                <LanguageSwitch />
              </div>
            </div>
            <div className="px-2 pb-2 lg:flex-1 lg:px-3">
              <NavLinks items={navItemsFor(user.role)} />
            </div>
            <div className="hidden border-t border-white/10 p-4 lg:block">
              <UserCard user={user} />
              <div className="mt-4 flex items-center justify-between gap-2">
                <LanguageSwitch />
                <SignOutButton className="btn px-2.5 py-1 text-xs text-slate-300 ring-1 ring-white/10 hover:bg-white/10 hover:text-white" />
              </div>
            </div>
          </div>
        </aside>
        <div className="flex min-w-0 flex-col">
          <header className="sticky top-0 z-10 flex h-14 items-center justify-between gap-4 border-b border-slate-200 bg-white/90 px-4 backdrop-blur sm:px-6 lg:px-8">
            {/* On a phone a long (Thai) company name takes two short lines rather than being cut off. */}
            <p
              title={user.tenantName}
              className="line-clamp-2 min-w-0 text-xs leading-tight font-medium break-words text-slate-900 sm:line-clamp-none sm:truncate sm:text-sm"
            >
              {user.tenantName}
            </p>
            <div className="flex items-center gap-3">
              <NotificationBell user={{ id: user.id, name: user.name, role: user.role }} />
              {/* Realtime slot: connection status and who is online (mounted by the realtime layer). */}
              <div data-slot="realtime" className="flex items-center gap-2 empty:hidden">
                {realtimeSlot}
              </div>
              <div className="flex items-center gap-2 lg:hidden">
                <Avatar userId={user.id} name={user.name} decorative />
                <span className="hidden text-xs leading-tight sm:block">
                  <span className="block font-medium text-slate-900" data-testid="current-user-name-compact">
                    {user.name}
                  </span>
                  <span className="block text-slate-500">{t(`roles.${user.role}`)}</span>
                </span>
                <SignOutButton className="btn-secondary px-2.5 py-1 text-xs" testId="sign-out-compact" />
              </div>
            </div>
          </header>
          <main id="main" className="mx-auto w-full max-w-7xl flex-1 px-4 py-6 sm:px-6 lg:px-8 lg:py-8">
            {children}
          </main>
        </div>
      </div>
    </RealtimeBoundary>
  );
}
