'use client';

import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Avatar, colorOf } from '@/components/collab/avatar';
import type { Member } from '@/lib/realtime/protocol/messages';
import type { LeaseView, OrderSection, StrategyName } from '@/lib/sync/types';

export type SectionLockProps = {
  lease: LeaseView | null;
  mine: boolean;
  canLock: boolean;
  onTake(): void;
  onRelease(): void;
};

const strategyTone: Record<StrategyName, string> = {
  'last-write-wins': 'bg-slate-100 text-slate-600 ring-slate-200',
  'operational-transform': 'bg-sky-50 text-sky-700 ring-sky-200',
  crdt: 'bg-teal-50 text-teal-700 ring-teal-200',
  'lock-based': 'bg-violet-50 text-violet-700 ring-violet-200',
  manual: 'bg-amber-50 text-amber-800 ring-amber-200',
};

/** One section of the order: title, the strategy that governs it, who is in it, and its lock. */
export function SectionCard({
  section,
  strategy,
  here,
  lock,
  actions,
  className = '',
  showTechnical = false,
  onFocusSection,
  children,
}: {
  section: OrderSection;
  strategy: StrategyName;
  here: readonly Member[];
  lock: SectionLockProps;
  actions?: ReactNode;
  className?: string;
  /** Admins also see the technical name of the strategy; sales staff see only what it means for them. */
  showTechnical?: boolean;
  onFocusSection(section: OrderSection): void;
  children: ReactNode;
}) {
  const { t } = useTranslation('collab');
  const lease = lock.lease;
  const holder = lease ? colorOf(lease.userId) : null;
  return (
    <section
      data-section={section}
      data-locked-by={lease && !lock.mine ? lease.userName : undefined}
      onFocusCapture={() => onFocusSection(section)}
      className={`rounded-xl border bg-white shadow-xs transition-shadow ${
        lease && !lock.mine
          ? 'border-violet-200 ring-1 ring-violet-100'
          : lock.mine
            ? 'border-brand-500 ring-2 ring-brand-100'
            : 'border-slate-200'
      } ${className}`}
    >
      <header className="flex flex-wrap items-center justify-between gap-x-3 gap-y-2 border-b border-slate-100 px-5 py-3">
        <div className="flex min-w-0 items-center gap-2">
          <h2 className="text-sm font-semibold text-slate-900">{t(`editor.sections.${section}`)}</h2>
          <span
            title={t(`editor.strategyHint.${strategy}`)}
            data-testid={`strategy-${section}`}
            className={`rounded-full px-2 py-0.5 text-[11px] font-medium whitespace-nowrap ring-1 ring-inset ${strategyTone[strategy]}`}
          >
            {t(`editor.strategy.${strategy}`)}
          </span>
          {showTechnical ? (
            <span
              className="hidden text-[11px] text-slate-500 sm:inline"
              data-testid={`strategy-technical-${section}`}
            >
              {t(`editor.strategyTechnical.${strategy}`)}
            </span>
          ) : null}
        </div>
        <div className="flex items-center gap-2">
          {here.length > 0 ? (
            <span
              className="flex -space-x-1.5"
              title={t('editor.here', { names: here.map((m) => m.name).join(', ') })}
            >
              {here.slice(0, 4).map((m) => (
                <Avatar key={m.userId} userId={m.userId} name={m.name} size="sm" />
              ))}
            </span>
          ) : null}
          {lease ? (
            <span
              data-testid={`lock-${section}`}
              className="inline-flex items-center gap-1.5 rounded-full bg-white px-2 py-0.5 text-xs font-medium text-slate-700 ring-1 ring-slate-200"
            >
              <svg
                aria-hidden
                viewBox="0 0 16 16"
                className="size-3.5"
                fill="currentColor"
                style={{ color: holder?.hex }}
              >
                <path d="M5 7V5a3 3 0 1 1 6 0v2h.5A1.5 1.5 0 0 1 13 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-7A1.5 1.5 0 0 1 3 13.5v-5A1.5 1.5 0 0 1 4.5 7H5Zm1.5 0h3V5a1.5 1.5 0 0 0-3 0v2Z" />
              </svg>
              {lock.mine ? t('editor.lock.lockedByYou') : t('editor.lock.lockedBy', { name: lease.userName })}
            </span>
          ) : null}
          {lock.canLock ? (
            lock.mine ? (
              <button
                type="button"
                className="btn-secondary px-2.5 py-1 text-xs"
                onClick={lock.onRelease}
                data-testid={`release-${section}`}
              >
                {t('editor.lock.release')}
              </button>
            ) : (
              <button
                type="button"
                className="btn-primary px-2.5 py-1 text-xs"
                onClick={lock.onTake}
                disabled={Boolean(lease)}
                data-testid={`take-${section}`}
              >
                {t('editor.lock.take')}
              </button>
            )
          ) : null}
          {actions}
        </div>
      </header>
      <div className="px-5 py-4">
        {children}
        {lock.canLock && !lock.mine && !lease ? (
          <p className="mt-3 text-xs text-slate-500" data-testid={`need-lock-${section}`}>
            {t('editor.lock.needLock')}
          </p>
        ) : null}
      </div>
    </section>
  );
}
