'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Avatar } from '@/components/collab/avatar';
import { RealtimeBoundary } from '@/components/collab/realtime-boundary';
import { RelativeTime } from '@/components/collab/relative-time';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import {
  type AdminRole,
  PERSON_CHANGED,
  PERSON_REMOVED,
  personChangedEvent,
  personRemovedEvent,
  roles,
} from '@/lib/admin/contract';
import { type RealtimeUser, usePresence, useWebSocketChannel } from '@/lib/hooks';
import { useLocale } from '@/lib/i18n/use-locale';
import type { EventMessage } from '@/lib/realtime/protocol/messages';
import { parseWire } from '@/lib/wire/edge';
import { adminApi, type PersonView } from './api';
import { InviteForm } from './invite-form';
import { type Notice, NoticeLine } from './notice';
import { useErrorText } from './use-error-text';

type Pending = { id: string; kind: 'deactivate' | 'signOut' | 'reset' } | null;

const cell = 'max-md:block max-md:border-0 max-md:p-0';
const button =
  'rounded-md border border-slate-300 bg-white px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50 focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:outline-none disabled:opacity-50';
const danger =
  'rounded-md bg-rose-600 px-2.5 py-1 text-xs font-medium text-white hover:bg-rose-700 focus-visible:ring-2 focus-visible:ring-rose-500 focus-visible:ring-offset-1 focus-visible:outline-none';

/** The list after one admin event: a person added, changed or removed (other events leave it as it is). */
function withEvent(list: PersonView[], event: EventMessage): PersonView[] {
  if (event.event === PERSON_REMOVED) {
    const removed = parseWire('admin.person.removed', personRemovedEvent, event.data);
    return removed ? list.filter((p) => p.id !== removed.id) : list;
  }
  if (event.event !== PERSON_CHANGED) return list;
  const parsed = parseWire('admin.person.changed', personChangedEvent, event.data);
  if (!parsed) return list;
  const { person } = parsed;
  return list.some((p) => p.id === person.id)
    ? list.map((p) => (p.id === person.id ? person : p))
    : [...list, person].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

/**
 * The people of the tenant with role, status, last seen and open sessions; add a person, change a role,
 * deactivate and reactivate, reset a password, sign out everywhere. Every control is a native button or select
 * (keyboard usable); destructive actions ask for a confirmation in place.
 */
export function PeopleConsole({ initial, user }: { initial: PersonView[]; user: RealtimeUser }) {
  return (
    <RealtimeBoundary user={user}>
      <Console initial={initial} currentUserId={user.id} />
    </RealtimeBoundary>
  );
}

function Console({ initial, currentUserId }: { initial: PersonView[]; currentUserId: string }) {
  const { t } = useTranslation('admin');
  const { t: tc } = useTranslation('common');
  const { format } = useLocale();
  const errorText = useErrorText();
  const [loaded, setPeople] = useState(initial);
  // Online now and open sessions follow tenant presence live once this tab is in it (it always counts itself).
  const { activeUsers } = usePresence();
  const live = new Map(activeUsers.map((m) => [m.userId, m]));
  const people =
    live.size === 0
      ? loaded
      : loaded.map((p) => {
          const member = live.get(p.id);
          return {
            ...p,
            online: Boolean(member && member.status !== 'offline'),
            sessions: member?.connections ?? 0,
          };
        });
  const [notice, setNotice] = useState<Notice | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [busy, setBusy] = useState<string | null>(null);
  // Asking to confirm moves the focus to the confirm button (the button pressed is gone); Escape cancels.
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (pending) confirmRef.current?.focus();
  }, [pending]);

  const replace = useCallback((person: PersonView) => {
    setPeople((list) => list.map((p) => (p.id === person.id ? person : p)));
  }, []);
  // Events that arrive while the list is read again are applied once more onto what the read returns: the read
  // may have been answered before them, and each carries the person's whole state, so applying it twice is safe.
  const reading = useRef(new Set<EventMessage[]>());
  const reload = useCallback(async () => {
    const arrived: EventMessage[] = [];
    reading.current.add(arrived);
    const result = await adminApi.people();
    reading.current.delete(arrived);
    if (result.ok) setPeople(arrived.reduce(withEvent, result.value.people));
  }, []);
  // Another admin's change (role, status, a new person) shows here at once; the subscription's start and a gap in
  // the channel read the list again.
  const onAdmin = useCallback((event: EventMessage) => {
    for (const arrived of reading.current) arrived.push(event);
    setPeople((list) => withEvent(list, event));
  }, []);
  useWebSocketChannel('admin', onAdmin, { onReset: () => void reload(), onStart: () => void reload() });

  async function run<T extends { person: PersonView }>(
    id: string,
    action: () => Promise<{ ok: true; value: T } | { ok: false; code: string }>,
    done: (value: T) => Notice,
  ) {
    setBusy(id);
    setPending(null);
    const result = await action();
    setBusy(null);
    if (!result.ok) {
      setNotice({ tone: 'error', text: errorText(result.code) });
      // The list may be stale (another admin's change): show it as it is now.
      await reload();
      return;
    }
    replace(result.value.person);
    setNotice(done(result.value));
  }

  const changeRole = (person: PersonView, role: AdminRole) =>
    run(
      person.id,
      () => adminApi.setRole(person.id, role),
      ({ person: p }) => ({
        tone: 'success',
        text: t('users.roleChanged', { name: p.name, role: tc(`roles.${p.role}`) }),
      }),
    );

  const confirmText = (kind: NonNullable<Pending>['kind'], name: string) =>
    kind === 'deactivate'
      ? t('users.confirmDeactivate', { name })
      : kind === 'signOut'
        ? t('users.confirmSignOut', { name })
        : t('users.confirmReset', { name });

  function confirm(person: PersonView, kind: NonNullable<Pending>['kind']) {
    if (kind === 'deactivate')
      return run(
        person.id,
        () => adminApi.setActive(person.id, false),
        ({ person: p }) => ({ tone: 'success', text: t('users.wasDeactivated', { name: p.name }) }),
      );
    if (kind === 'signOut')
      return run(
        person.id,
        () => adminApi.signOut(person.id),
        ({ person: p }) => ({ tone: 'success', text: t('users.wasSignedOut', { name: p.name }) }),
      );
    return run(
      person.id,
      () => adminApi.resetPassword(person.id),
      ({ person: p, temporaryPassword }) => ({
        tone: 'success',
        text: temporaryPassword
          ? t('users.temporaryPassword', { name: p.name, password: temporaryPassword })
          : t('users.passwordSet', { name: p.name }),
        ...(temporaryPassword ? { secret: temporaryPassword } : {}),
      }),
    );
  }

  return (
    <div className="space-y-6">
      <Card>
        <InviteForm
          onAdded={(added) => {
            setNotice(added);
            void reload();
          }}
        />
      </Card>
      <NoticeLine notice={notice} onDismiss={() => setNotice(null)} />
      <Card>
        <CardHeader title={t('users.title')} hint={t('users.count', { count: people.length })} />
        {/* Below md the table is a list of cards: each row a small grid with its own labels. */}
        <div className="md:overflow-x-auto">
          <table className="data-table max-md:block" data-testid="admin-users">
            <thead className="max-md:hidden">
              <tr>
                <th scope="col">{t('users.name')}</th>
                <th scope="col">{t('users.role')}</th>
                <th scope="col">{t('users.status')}</th>
                <th scope="col">{t('users.lastSeen')}</th>
                <th scope="col" className="text-right">
                  {t('users.sessions')}
                </th>
                <th scope="col">
                  <span className="sr-only">{t('users.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody className="max-md:block max-md:divide-y max-md:divide-slate-100">
              {people.map((person) => {
                const confirming = pending?.id === person.id ? pending.kind : null;
                return (
                  <tr
                    key={person.id}
                    data-user-id={person.id}
                    data-email={person.email}
                    className={`max-md:grid max-md:grid-cols-3 max-md:gap-x-3 max-md:gap-y-2 max-md:p-4 ${person.active ? '' : 'bg-slate-50 text-slate-500'}`}
                  >
                    <td className={`${cell} max-md:col-span-2`}>
                      <span className="flex items-center gap-3">
                        <Avatar userId={person.id} name={person.name} dimmed={!person.active} decorative />
                        <span className="min-w-0">
                          <span className="block font-medium text-slate-900">
                            {person.name}{' '}
                            {person.id === currentUserId ? <Badge tone="blue">{t('users.you')}</Badge> : null}
                          </span>
                          <span className="block text-xs text-slate-500">{person.email}</span>
                        </span>
                      </span>
                    </td>
                    <td className={`${cell} max-md:text-right`}>
                      <label className="sr-only" htmlFor={`role-${person.id}`}>
                        {t('users.changeRole', { name: person.name })}
                      </label>
                      <select
                        id={`role-${person.id}`}
                        data-testid="role-select"
                        value={person.role}
                        disabled={busy === person.id}
                        onChange={(event) => {
                          const role = roles.find((r) => r === event.target.value);
                          if (role && role !== person.role) void changeRole(person, role);
                        }}
                        className="max-w-full rounded-md border border-slate-300 bg-white py-1 pr-7 pl-2 text-sm focus:ring-2 focus:ring-brand-500/40 focus:outline-none"
                      >
                        {roles.map((role) => (
                          <option key={role} value={role}>
                            {tc(`roles.${role}`)}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td className={cell}>
                      <span className="block text-xs text-slate-500 md:hidden">{t('users.status')}</span>
                      <span className="flex flex-wrap gap-1">
                        <Badge tone={person.active ? 'green' : 'red'}>
                          {person.active ? t('users.active') : t('users.deactivated')}
                        </Badge>
                      </span>
                    </td>
                    <td className={`${cell} whitespace-nowrap text-sm`}>
                      <span className="block text-xs text-slate-500 md:hidden">{t('users.lastSeen')}</span>
                      {person.online ? (
                        <Badge tone="green">{t('users.onlineNow')}</Badge>
                      ) : person.lastSeenAt ? (
                        <span title={format.dateTime(person.lastSeenAt)}>
                          <RelativeTime at={Date.parse(person.lastSeenAt)} />
                        </span>
                      ) : (
                        <span className="text-slate-500">{t('users.never')}</span>
                      )}
                    </td>
                    <td className={`${cell} text-right tabular-nums`}>
                      <span className="block text-xs text-slate-500 md:hidden">{t('users.sessions')}</span>
                      <span data-testid="sessions">{format.number(person.sessions)}</span>
                    </td>
                    <td className={`${cell} max-md:col-span-3`}>
                      {confirming ? (
                        <fieldset
                          aria-label={confirmText(confirming, person.name)}
                          className="m-0 flex min-w-0 flex-wrap items-center justify-end gap-2 border-0 p-0 max-md:justify-start"
                          onKeyDown={(event) => {
                            if (event.key === 'Escape') setPending(null);
                          }}
                        >
                          <span className="text-xs text-slate-700">
                            {confirmText(confirming, person.name)}
                          </span>
                          <button
                            ref={confirmRef}
                            type="button"
                            data-testid="confirm-action"
                            className={danger}
                            onClick={() => void confirm(person, confirming)}
                          >
                            {t('users.confirm')}
                          </button>
                          <button type="button" className={button} onClick={() => setPending(null)}>
                            {t('users.cancel')}
                          </button>
                        </fieldset>
                      ) : (
                        <span className="flex flex-wrap justify-end gap-2 max-md:justify-start">
                          <button
                            type="button"
                            className={button}
                            disabled={busy === person.id}
                            onClick={() => setPending({ id: person.id, kind: 'reset' })}
                          >
                            {t('users.resetPassword')}
                          </button>
                          <button
                            type="button"
                            className={button}
                            disabled={busy === person.id || !person.active}
                            onClick={() => setPending({ id: person.id, kind: 'signOut' })}
                          >
                            {t('users.signOut')}
                          </button>
                          {person.active ? (
                            <button
                              type="button"
                              className={button}
                              disabled={busy === person.id || person.id === currentUserId}
                              onClick={() => setPending({ id: person.id, kind: 'deactivate' })}
                            >
                              {t('users.deactivate')}
                            </button>
                          ) : (
                            <button
                              type="button"
                              className={button}
                              disabled={busy === person.id}
                              onClick={() =>
                                void run(
                                  person.id,
                                  () => adminApi.setActive(person.id, true),
                                  ({ person: p }) => ({
                                    tone: 'success',
                                    text: t('users.wasReactivated', { name: p.name }),
                                  }),
                                )
                              }
                            >
                              {t('users.reactivate')}
                            </button>
                          )}
                        </span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Card>
    </div>
  );
}
