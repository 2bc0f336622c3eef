'use client';

import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type RealtimeUser, useRealtime, useWebSocketChannel } from '@/lib/hooks';
import { isRealtimeError } from '@/lib/realtime/client/errors';
import type { EventMessage } from '@/lib/realtime/protocol/messages';
import { allowedStrategies, type OrderPolicy } from '@/lib/sync/policy';
import {
  adminLockEventSchema,
  conflictListAnswer,
  conflictNoticeSchema,
  conflictResolvedEventSchema,
  locksAnswer,
  policyAnswer,
  syncEvents,
} from '@/lib/sync/protocol';
import { isOrderSection, type LeaseView, type OrderSection, orderSections } from '@/lib/sync/types';
import { parseWire, rpcAnswer } from '@/lib/wire/edge';
import { Avatar } from './avatar';
import { ConflictCard, type ConflictItem, changedSinceRefusal } from './conflict-card';
import { RealtimeBoundary } from './realtime-boundary';
import { RelativeTime } from './relative-time';

type Conflict = ConflictItem & { entityId: string };
type LockItem = LeaseView & { entityId: string; number: string | null };

/** The admin's queue: open conflicts across orders (live), held locks with force-release, the order policy. */
export function AdminConflicts({
  user,
  orderNumbers,
  customerNames,
}: {
  user: RealtimeUser;
  orderNumbers: Record<string, string>;
  customerNames: Record<string, string>;
}) {
  return (
    <RealtimeBoundary user={user}>
      <Queue orderNumbers={orderNumbers} customerNames={customerNames} />
    </RealtimeBoundary>
  );
}

function Queue({
  orderNumbers,
  customerNames,
}: {
  orderNumbers: Record<string, string>;
  customerNames: Record<string, string>;
}) {
  const { t } = useTranslation('collab');
  const { t: tc } = useTranslation('common');
  const { client } = useRealtime();
  const [conflicts, setConflicts] = useState<Conflict[]>([]);
  const [locks, setLocks] = useState<LockItem[]>([]);
  const [policy, setPolicy] = useState<OrderPolicy | null>(null);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const loadConflicts = useCallback(async () => {
    const result = await rpcAnswer(
      'sync.conflicts',
      conflictListAnswer,
      client.rpc('conflict.list', { status: 'open', limit: 100 }),
    ).catch(() => null);
    if (result) setConflicts(result.items);
  }, [client]);
  const loadLocks = useCallback(async () => {
    const result = await rpcAnswer('sync.locks', locksAnswer, client.rpc('collab.locks', {})).catch(
      () => null,
    );
    if (result) setLocks(result.items);
  }, [client]);
  useEffect(() => {
    void loadConflicts();
    void loadLocks();
    void rpcAnswer('sync.policy', policyAnswer, client.rpc('policy.get', {}))
      .then((r) => setPolicy(r.sections))
      .catch(() => undefined);
  }, [client, loadConflicts, loadLocks]);

  // A lease nobody renews lapses without an event: read the list again when the soonest one is due.
  const nextExpiry = locks.reduce(
    (soonest, lock) => Math.min(soonest, lock.expiresAt),
    Number.POSITIVE_INFINITY,
  );
  useEffect(() => {
    if (!Number.isFinite(nextExpiry)) return;
    const timer = setTimeout(() => void loadLocks(), Math.max(0, nextExpiry - Date.now()) + 500);
    return () => clearTimeout(timer);
  }, [nextExpiry, loadLocks]);

  const onAdmin = useCallback(
    (event: EventMessage) => {
      if (event.event === syncEvents.conflict) {
        const conflict = parseWire('sync.conflict', conflictNoticeSchema, event.data);
        if (!conflict) return;
        setConflicts((list) =>
          list.some((c) => c.conflictId === conflict.conflictId) ? list : [conflict, ...list],
        );
      } else if (event.event === syncEvents.conflictResolved) {
        const resolved = parseWire('sync.conflictResolved', conflictResolvedEventSchema, event.data);
        if (!resolved) return;
        setConflicts((list) => list.filter((c) => c.conflictId !== resolved.conflictId));
      } else if (event.event === syncEvents.lock) {
        const parsed = parseWire('sync.adminLock', adminLockEventSchema, event.data);
        if (!parsed) return;
        const { entityId, section, lease } = parsed;
        setLocks((list) => {
          const rest = list.filter((l) => !(l.entityId === entityId && l.section === section));
          if (!lease) return rest;
          const number = list.find((l) => l.entityId === entityId)?.number ?? orderNumbers[entityId] ?? null;
          return [...rest, { ...lease, entityId, number }];
        });
      }
    },
    [orderNumbers],
  );
  useWebSocketChannel('admin', onAdmin, {
    onReset: () => {
      void loadConflicts();
      void loadLocks();
    },
  });

  const names = {
    customer: (id: string) => customerNames[id],
    status: (s: string) => tc(`orderStatus.${s as 'draft'}`),
  };
  const run = async (task: Promise<unknown>) => {
    setError(null);
    try {
      await task;
    } catch (e) {
      if (isRealtimeError(e) && changedSinceRefusal(e.code, e.details)) {
        // The field changed again while the admin decided: show the newest value and let them choose again.
        setError(t('panel.conflicts.changedAgain'));
        await loadConflicts();
        return;
      }
      setError(t('errors.generic', { reason: (e as Error).message }));
    }
  };

  return (
    <div className="space-y-6">
      {error ? <p className="rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-800">{error}</p> : null}
      <section
        className="rounded-xl border border-slate-200 bg-white shadow-xs"
        data-testid="admin-conflicts"
      >
        <header className="flex items-center justify-between border-b border-slate-100 px-5 py-3">
          <h2 className="text-sm font-semibold text-slate-900">
            {t('admin.conflicts')} <span className="ml-1 text-slate-500 tabular">{conflicts.length}</span>
          </h2>
        </header>
        <div className="grid gap-4 p-5 lg:grid-cols-2">
          {conflicts.length === 0 ? <p className="text-sm text-slate-500">{t('admin.noConflicts')}</p> : null}
          {conflicts.map((conflict) => (
            <div key={conflict.conflictId} className="space-y-1.5">
              <Link
                href={`/orders/${conflict.entityId}`}
                className="text-sm font-medium text-brand-700 hover:underline"
              >
                {orderNumbers[conflict.entityId] ?? conflict.entityId.slice(0, 8)} →
              </Link>
              <ConflictCard
                conflict={conflict}
                canResolve
                names={names}
                onResolve={(resolution, value, reviewedVersion) =>
                  run(
                    client
                      .rpc(
                        'conflict.resolve',
                        { conflictId: conflict.conflictId, resolution, value, reviewedVersion },
                        { queue: false },
                      )
                      .then(() =>
                        setConflicts((list) => list.filter((c) => c.conflictId !== conflict.conflictId)),
                      ),
                  )
                }
              />
            </div>
          ))}
        </div>
      </section>

      <section className="rounded-xl border border-slate-200 bg-white shadow-xs" data-testid="admin-locks">
        <header className="flex items-center justify-between border-b border-slate-100 px-5 py-3">
          <h2 className="text-sm font-semibold text-slate-900">{t('admin.locks')}</h2>
          <button type="button" className="btn-ghost px-2.5 py-1 text-xs" onClick={() => void loadLocks()}>
            {t('admin.refresh')}
          </button>
        </header>
        {locks.length === 0 ? (
          <p className="px-5 py-4 text-sm text-slate-500">{t('admin.noLocks')}</p>
        ) : (
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('admin.order')}</th>
                <th scope="col">{t('admin.section')}</th>
                <th scope="col">{t('admin.holder')}</th>
                <th scope="col">{t('admin.expires')}</th>
                <th scope="col" className="w-0" />
              </tr>
            </thead>
            <tbody>
              {locks.map((lock) => (
                <tr key={lock.key} data-testid="admin-lock">
                  <td>
                    <Link
                      href={`/orders/${lock.entityId}`}
                      className="font-medium text-brand-700 hover:underline"
                    >
                      {lock.number ?? lock.entityId.slice(0, 8)}
                    </Link>
                  </td>
                  <td>
                    {isOrderSection(lock.section) ? t(`editor.sections.${lock.section}`) : lock.section}
                  </td>
                  <td>
                    <span className="flex items-center gap-2">
                      <Avatar userId={lock.userId} name={lock.userName} size="sm" />
                      {lock.userName}
                    </span>
                  </td>
                  <td className="text-slate-500">
                    <RelativeTime at={lock.expiresAt} />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="btn-secondary px-2.5 py-1 text-xs text-rose-700"
                      data-testid="force-release"
                      onClick={() =>
                        void run(
                          client
                            .rpc(
                              'lock.forceRelease',
                              { entityId: lock.entityId, section: lock.section },
                              { queue: false },
                            )
                            .then(() => loadLocks()),
                        )
                      }
                    >
                      {t('admin.forceRelease')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="rounded-xl border border-slate-200 bg-white shadow-xs" data-testid="admin-policy">
        <header className="border-b border-slate-100 px-5 py-3">
          <h2 className="text-sm font-semibold text-slate-900">{t('admin.policy')}</h2>
          <p className="mt-0.5 text-xs text-slate-500">{t('admin.policyHint')}</p>
        </header>
        {policy ? (
          <form
            className="grid gap-4 p-5 sm:grid-cols-2 lg:grid-cols-5"
            onSubmit={(event) => {
              event.preventDefault();
              setSaved(false);
              void run(
                client.rpc('policy.set', { sections: policy }, { queue: false }).then(() => setSaved(true)),
              );
            }}
          >
            {orderSections.map((section) => (
              <label key={section} className="block">
                <span className="mb-1 block text-xs font-medium text-slate-500">
                  {t(`editor.sections.${section}`)}
                </span>
                <select
                  className="field py-1.5"
                  data-testid={`policy-${section}`}
                  value={policy[section]}
                  onChange={(e) => {
                    setSaved(false);
                    setPolicy({ ...policy, [section]: e.target.value as OrderPolicy[OrderSection] });
                  }}
                >
                  {allowedStrategies[section].map((name) => (
                    <option key={name} value={name}>
                      {t(`editor.strategy.${name}`)} · {t(`editor.strategyTechnical.${name}`)}
                    </option>
                  ))}
                </select>
              </label>
            ))}
            <div className="flex items-center gap-3 sm:col-span-2 lg:col-span-5">
              <button type="submit" className="btn-primary" data-testid="policy-save">
                {t('admin.savePolicy')}
              </button>
              {saved ? <span className="text-sm text-emerald-700">{t('admin.saved')}</span> : null}
            </div>
          </form>
        ) : null}
      </section>
    </div>
  );
}
