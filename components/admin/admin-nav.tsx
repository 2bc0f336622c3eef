'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useRealtime, useWebSocketChannel } from '@/lib/hooks';
import { useLocale } from '@/lib/i18n/use-locale';
import { useLive } from '@/lib/live/live-context';
import type { EventMessage } from '@/lib/realtime/protocol/messages';
import { syncAnswers, syncEvents } from '@/lib/sync/protocol';
import { rpcAnswer } from '@/lib/wire/edge';

const sections = [
  { href: '/admin', key: 'nav.people' },
  { href: '/admin/audit', key: 'nav.audit' },
  { href: '/admin/conflicts', key: 'nav.conflicts' },
] as const;

/**
 * The admin area's sections; the conflicts tab carries the count of open conflicts. The first figure is the
 * server's (the layout reads it); live, the nav asks for it again (`conflict.count`) when a clash is raised or
 * resolved anywhere, when a reconnect missed events, and when its subscription starts (a clash between the
 * server's render and the subscription sends this tab no event). Only the newest answer is shown.
 */
export function AdminNav({ openConflicts: rendered }: { openConflicts: number }) {
  const { t } = useTranslation('admin');
  const { format } = useLocale();
  const pathname = usePathname();
  const { mode } = useLive();
  const { client } = useRealtime();
  const [openConflicts, setOpenConflicts] = useState(rendered);
  // A new render of the layout (a navigation, a refresh) brings the server's figure of that moment.
  useEffect(() => setOpenConflicts(rendered), [rendered]);
  const asked = useRef(0);
  const reread = useCallback(() => {
    const ask = ++asked.current;
    void rpcAnswer('sync.conflictCount', syncAnswers['conflict.count'], client.rpc('conflict.count', {}))
      .then((answer) => {
        if (ask === asked.current) setOpenConflicts(answer.open);
      })
      .catch(() => undefined);
  }, [client]);
  const onAdmin = useCallback(
    (event: EventMessage) => {
      if (event.event === syncEvents.conflict || event.event === syncEvents.conflictResolved) reread();
    },
    [reread],
  );
  const channel = useWebSocketChannel(mode.realtime ? 'admin' : null, onAdmin, {
    onReset: reread,
    onStart: reread,
  });
  const live = channel.status === 'active';
  return (
    <nav
      aria-label={t('nav.label')}
      className="mb-6 border-b border-slate-200"
      data-testid="admin-nav"
      data-live={live ? 'live' : 'connecting'}
    >
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
