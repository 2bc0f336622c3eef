'use client';

import Link from 'next/link';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Avatar } from '@/components/collab/avatar';
import { RelativeTime } from '@/components/collab/relative-time';
import {
  ACTIVITY_EVENT,
  type ActivityAction,
  type ActivityEntityType,
  type ActivityPage,
  type ActivityView,
  activityActions,
  activityEntityTypes,
  activityPage,
  activityView,
} from '@/lib/activity/types';
import { useRealtime, useWebSocketChannel } from '@/lib/hooks';
import type { EventMessage } from '@/lib/realtime/protocol/messages';
import { isOrderSection } from '@/lib/sync/types';
import { parseWire, rpcAnswer } from '@/lib/wire/edge';

type Page = ActivityPage;

const actionTone: Record<ActivityAction, string> = {
  created: 'bg-emerald-500',
  updated: 'bg-sky-500',
  deleted: 'bg-rose-500',
  viewed: 'bg-slate-300',
  commented: 'bg-violet-500',
  locked: 'bg-indigo-500',
  unlocked: 'bg-indigo-300',
  conflicted: 'bg-amber-500',
  resolved: 'bg-teal-500',
};

function hrefOf(item: ActivityView): string | null {
  if (item.entityType === 'order' || item.entityType === 'comment') return `/orders/${item.entityId}`;
  if (item.entityType === 'product') return `/products/${item.entityId}`;
  return null;
}

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * The tenant's activity, live from the `activity` channel: filter by action and record type, expand an entry to
 * see its field changes, load older entries. New entries slide in at the top while the list is scrolled there.
 */
export function ActivityFeed({ entityId, pageSize = 15 }: { entityId?: string; pageSize?: number }) {
  const { t } = useTranslation('collab');
  const { client } = useRealtime();
  const [items, setItems] = useState<ActivityView[]>([]);
  const [next, setNext] = useState<Page['next']>(null);
  const [loading, setLoading] = useState(false);
  const [action, setAction] = useState<ActivityAction | ''>('');
  const [entity, setEntity] = useState<ActivityEntityType | ''>('');
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [missed, setMissed] = useState(0);
  const list = useRef<HTMLOListElement>(null);

  const params = useCallback(
    (before?: Page['next']) => ({
      ...(action ? { actions: [action] } : {}),
      ...(entity ? { entityTypes: [entity] } : {}),
      ...(entityId ? { entityId } : {}),
      ...(before ? { before } : {}),
      limit: pageSize,
    }),
    [action, entity, entityId, pageSize],
  );

  const reload = useCallback(async () => {
    setLoading(true);
    try {
      const page = await rpcAnswer('activity.page', activityPage, client.rpc('activity.list', params()));
      setItems(page.items);
      setNext(page.next);
      setMissed(0);
    } catch {
      // offline: reloaded on the channel's reset
    } finally {
      setLoading(false);
    }
  }, [client, params]);
  useEffect(() => void reload(), [reload]);

  const onEvent = useCallback(
    (event: EventMessage) => {
      if (event.event !== ACTIVITY_EVENT) return;
      const item = parseWire('activity.item', activityView, event.data);
      if (!item) return;
      if ((action && item.action !== action) || (entity && item.entityType !== entity)) return;
      if (entityId && item.entityId !== entityId) return;
      // A coalesced entry comes again with the same id: it replaces the old one and moves to the top.
      let fresh = true;
      setItems((current) => {
        fresh = !current.some((i) => i.id === item.id);
        return [item, ...current.filter((i) => i.id !== item.id)];
      });
      const el = list.current;
      if (fresh && el && el.scrollTop > 8) setMissed((n) => n + 1);
    },
    [action, entity, entityId],
  );
  useWebSocketChannel('activity', onEvent, { onReset: () => void reload() });

  // Auto-scroll: stay pinned to the newest entry unless the reader scrolled down.
  useEffect(() => {
    const el = list.current;
    if (el && el.scrollTop <= 8 && items.length > 0) el.scrollTo({ top: 0, behavior: 'smooth' });
  }, [items]);

  async function loadMore() {
    if (!next) return;
    setLoading(true);
    try {
      const page = await rpcAnswer('activity.page', activityPage, client.rpc('activity.list', params(next)));
      setItems((current) => [...current, ...page.items.filter((i) => !current.some((c) => c.id === i.id))]);
      setNext(page.next);
    } finally {
      setLoading(false);
    }
  }

  return (
    <section className="rounded-xl border border-slate-200 bg-white shadow-xs" data-testid="activity-feed">
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-100 px-5 py-3">
        <h2 className="flex items-center gap-2 text-sm font-semibold text-slate-900">
          {t('activity.title')}
          <span className="inline-flex items-center gap-1 rounded-full bg-emerald-50 px-2 py-0.5 text-[11px] font-medium text-emerald-700 ring-1 ring-emerald-200">
            <span className="size-1.5 motion-safe:animate-pulse rounded-full bg-emerald-500" />
            {t('activity.live')}
          </span>
        </h2>
        <div className="flex gap-2">
          <select
            aria-label={t('activity.allActions')}
            data-testid="activity-action-filter"
            className="field w-auto py-1 text-xs"
            value={action}
            onChange={(e) => setAction(e.target.value as ActivityAction | '')}
          >
            <option value="">{t('activity.allActions')}</option>
            {activityActions.map((a) => (
              <option key={a} value={a}>
                {t(`activity.actionFilter.${a}`)}
              </option>
            ))}
          </select>
          <select
            aria-label={t('activity.allEntities')}
            data-testid="activity-entity-filter"
            className="field w-auto py-1 text-xs"
            value={entity}
            onChange={(e) => setEntity(e.target.value as ActivityEntityType | '')}
          >
            <option value="">{t('activity.allEntities')}</option>
            {activityEntityTypes.map((e) => (
              <option key={e} value={e}>
                {t(`activity.entityFilter.${e}`)}
              </option>
            ))}
          </select>
        </div>
      </header>
      {missed > 0 ? (
        <button
          type="button"
          className="mx-auto mt-2 block rounded-full bg-brand-600 px-3 py-1 text-xs font-medium text-white shadow"
          onClick={() => {
            list.current?.scrollTo({ top: 0, behavior: 'smooth' });
            setMissed(0);
          }}
        >
          ↑ {missed}
        </button>
      ) : null}
      <ol
        ref={list}
        className="max-h-[28rem] divide-y divide-slate-100 overflow-y-auto"
        data-testid="activity-items"
      >
        {items.map((item) => {
          const href = hrefOf(item);
          const open = expanded.has(item.id);
          const changes = item.changes ? Object.entries(item.changes) : [];
          const section = typeof item.meta?.section === 'string' ? item.meta.section : null;
          return (
            <li
              key={item.id}
              className="flex gap-3 px-5 py-3"
              data-testid="activity-item"
              data-action={item.action}
            >
              <span className="relative">
                <Avatar userId={item.actor.id ?? item.actor.name} name={item.actor.name} size="sm" />
                <span
                  aria-hidden
                  className={`absolute -right-0.5 -bottom-0.5 size-2 rounded-full ring-2 ring-white ${actionTone[item.action]}`}
                />
              </span>
              <div className="min-w-0 flex-1 text-sm">
                <p className="text-slate-700">
                  <span className="font-medium text-slate-900">{item.actor.name}</span>{' '}
                  {t(`activity.actions.${item.action}`)} {t(`activity.entities.${item.entityType}`)}{' '}
                  {href ? (
                    <Link href={href} className="font-medium text-brand-700 hover:underline">
                      {item.entityLabel ?? item.entityId.slice(0, 8)}
                    </Link>
                  ) : (
                    <span className="font-medium">{item.entityLabel ?? item.entityId.slice(0, 8)}</span>
                  )}
                  {section ? (
                    <span className="text-slate-500">
                      {' · '}
                      {t('activity.section', {
                        section: isOrderSection(section) ? t(`editor.sections.${section}`) : section,
                      })}
                    </span>
                  ) : null}
                  {typeof item.meta?.edits === 'number' && item.meta.edits > 1 ? (
                    <span className="text-slate-500" data-testid="activity-edits">
                      {' · '}
                      {t('activity.edits', { count: item.meta.edits })}
                    </span>
                  ) : null}
                  {item.meta?.internal ? (
                    <span className="text-slate-500"> · {t('activity.internalComment')}</span>
                  ) : null}
                  {typeof item.meta?.previousHolder === 'string' ? (
                    <span className="text-slate-500">
                      {' '}
                      · {t('activity.forced', { name: item.meta.previousHolder })}
                    </span>
                  ) : null}
                </p>
                {typeof item.meta?.excerpt === 'string' ? (
                  <p className="mt-0.5 truncate text-xs text-slate-500">“{item.meta.excerpt}”</p>
                ) : null}
                <p className="mt-0.5 flex items-center gap-2 text-[11px] text-slate-500">
                  <RelativeTime at={item.at} />
                  {changes.length > 0 ? (
                    <button
                      type="button"
                      className="font-medium text-slate-500 hover:text-slate-900"
                      aria-expanded={open}
                      data-testid="activity-toggle"
                      onClick={() =>
                        setExpanded((set) => {
                          const copy = new Set(set);
                          if (copy.has(item.id)) copy.delete(item.id);
                          else copy.add(item.id);
                          return copy;
                        })
                      }
                    >
                      {open ? t('activity.hide') : t('activity.details')}
                    </button>
                  ) : null}
                </p>
                {open ? (
                  <dl
                    className="mt-2 space-y-1 rounded-lg bg-slate-50 p-2.5 text-xs"
                    data-testid="activity-changes"
                  >
                    {changes.map(([field, change]) => (
                      <div key={field} className="grid grid-cols-[6rem_1fr] gap-2">
                        <dt className="truncate font-mono text-slate-500">{field}</dt>
                        <dd className="min-w-0 break-words text-slate-700">
                          <span className="text-rose-700 line-through decoration-rose-300">
                            {show(change.before).slice(0, 200)}
                          </span>
                          {' → '}
                          <span className="text-emerald-700">{show(change.after).slice(0, 200)}</span>
                        </dd>
                      </div>
                    ))}
                  </dl>
                ) : null}
              </div>
            </li>
          );
        })}
        {items.length === 0 && !loading ? (
          <li className="px-5 py-8 text-center text-sm text-slate-500">{t('activity.empty')}</li>
        ) : null}
      </ol>
      {next ? (
        <div className="border-t border-slate-100 px-5 py-2.5">
          <button
            type="button"
            className="btn-ghost w-full text-xs"
            disabled={loading}
            onClick={() => void loadMore()}
            data-testid="activity-more"
          >
            {t('activity.loadMore')}
          </button>
        </div>
      ) : null}
    </section>
  );
}
