'use client';

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldKey } from '../orders/editor/types';
import { addressKeys, formatValue, inFormOrder } from './format-value';
import { RelativeTime } from './relative-time';

export type ConflictItem = {
  conflictId: string;
  field: string;
  base?: unknown;
  mine: unknown;
  theirs: unknown;
  mineBy?: { userId: string; userName: string };
  theirsBy: { userId: string; userName: string };
  at: number;
  /** The field's newer value when it changed after the clash was raised. */
  current?: { value: unknown; version: number; userName: string; at: number } | null;
};

type Names = Parameters<typeof formatValue>[2];

function isRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A resolution refused because the field changed after the clash was raised (or again since it was shown). */
export function changedSinceRefusal(code: string | undefined, details: unknown): boolean {
  return (
    code === 'CONFLICT' &&
    typeof details === 'object' &&
    details !== null &&
    'reason' in details &&
    details.reason === 'changed_since'
  );
}

/** One conflict side by side (before, mine, theirs) and, for admins, a merged value to apply. */
export function ConflictCard({
  conflict,
  canResolve,
  names,
  onResolve,
}: {
  conflict: ConflictItem;
  canResolve: boolean;
  names: Names;
  /** `reviewedVersion`: the newer value's version the admin saw, when the field changed since the clash. */
  onResolve(
    resolution: 'mine' | 'theirs' | 'merged',
    value?: unknown,
    reviewedVersion?: number,
  ): Promise<unknown>;
}) {
  const { t } = useTranslation('collab');
  const [merged, setMerged] = useState<unknown>(() =>
    isRecord(conflict.mine) ? { ...conflict.mine } : conflict.mine,
  );
  const [busy, setBusy] = useState(false);
  const fieldLabel = (key: string) =>
    (addressKeys as readonly string[]).includes(key)
      ? t(`editor.fields.${key as (typeof addressKeys)[number]}`)
      : key;
  const show = (value: unknown) =>
    formatValue(conflict.field, value, names) || t('panel.history.empty_value');
  const resolve = async (resolution: 'mine' | 'theirs' | 'merged') => {
    setBusy(true);
    try {
      await onResolve(resolution, resolution === 'merged' ? merged : undefined, conflict.current?.version);
    } finally {
      setBusy(false);
    }
  };
  const column = (title: string, value: unknown, tone: string, testId: string) => (
    <div className={`rounded-lg border p-2.5 ${tone}`} data-testid={testId}>
      <p className="mb-1 text-[11px] font-semibold tracking-wide uppercase opacity-80">{title}</p>
      {isRecord(value) ? (
        <dl className="space-y-1 text-xs">
          {inFormOrder(value).map(([key, v]) => (
            <div key={key}>
              <dt className="text-[10px] leading-tight opacity-60">{fieldLabel(key)}</dt>
              <dd className="min-w-0 font-medium break-words">{String(v) || '—'}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="text-sm break-words">{show(value)}</p>
      )}
    </div>
  );
  return (
    <article
      className="rounded-lg border border-amber-200 bg-amber-50/40 p-3"
      data-testid="conflict"
      data-conflict-id={conflict.conflictId}
    >
      <header className="mb-2 flex items-baseline justify-between gap-2">
        <p className="text-sm font-medium text-slate-900">
          {t('panel.conflicts.field', { field: t(`fieldNames.${fieldKey(conflict.field)}`) })}
        </p>
        <RelativeTime at={conflict.at} className="text-[11px] text-slate-500" />
      </header>
      <div className={`grid gap-2 ${conflict.current ? 'sm:grid-cols-3' : 'sm:grid-cols-2'}`}>
        {column(
          t('panel.conflicts.mine', { name: conflict.mineBy?.userName ?? '' }),
          conflict.mine,
          'border-sky-200 bg-sky-50 text-sky-950',
          'conflict-mine',
        )}
        {column(
          t('panel.conflicts.theirs', { name: conflict.theirsBy.userName }),
          conflict.theirs,
          'border-violet-200 bg-violet-50 text-violet-950',
          'conflict-theirs',
        )}
        {conflict.current
          ? column(
              t('panel.conflicts.current', { name: conflict.current.userName }),
              conflict.current.value,
              'border-amber-300 bg-amber-100 text-amber-950',
              'conflict-current',
            )
          : null}
      </div>
      {conflict.current ? (
        <p className="mt-2 text-xs text-amber-900" role="note" data-testid="conflict-changed-since">
          {t('panel.conflicts.changedSince', { name: conflict.current.userName })}
        </p>
      ) : null}
      {conflict.base !== undefined ? (
        <p className="mt-2 text-xs text-slate-500">
          {t('panel.conflicts.base')}: {show(conflict.base)}
        </p>
      ) : null}
      {canResolve ? (
        <div className="mt-3 space-y-2">
          <p className="text-[11px] font-semibold tracking-wide text-slate-500 uppercase">
            {t('panel.conflicts.merged')}
          </p>
          {isRecord(merged) ? (
            <div className="grid gap-1.5 sm:grid-cols-2">
              {inFormOrder(merged).map(([key, v]) => (
                <label key={key} className="block text-[11px] text-slate-600">
                  {fieldLabel(key)}
                  <input
                    data-testid={`merged-${key}`}
                    className="field mt-0.5 py-1 text-xs"
                    value={String(v)}
                    onChange={(e) => setMerged({ ...merged, [key]: e.target.value })}
                  />
                </label>
              ))}
            </div>
          ) : (
            <label className="block text-[11px] text-slate-600">
              {t('panel.conflicts.mergedValue')}
              <input
                className="field mt-0.5 py-1 text-xs"
                data-testid="merged-value"
                value={String(merged ?? '')}
                onChange={(e) => setMerged(e.target.value)}
              />
            </label>
          )}
          <div className="flex flex-wrap gap-1.5">
            <button
              type="button"
              className="btn-secondary px-2.5 py-1 text-xs"
              disabled={busy}
              data-testid="resolve-mine"
              onClick={() => void resolve('mine')}
            >
              {t('panel.conflicts.useMine', { name: conflict.mineBy?.userName ?? '' })}
            </button>
            <button
              type="button"
              className="btn-secondary px-2.5 py-1 text-xs"
              disabled={busy}
              data-testid="resolve-theirs"
              onClick={() => void resolve('theirs')}
            >
              {t('panel.conflicts.useTheirs', { name: conflict.theirsBy.userName })}
            </button>
            <button
              type="button"
              className="btn-primary px-2.5 py-1 text-xs"
              disabled={busy}
              data-testid="resolve-merged"
              onClick={() => void resolve('merged')}
            >
              {t('panel.conflicts.useMerged')}
            </button>
          </div>
        </div>
      ) : (
        <p className="mt-2 text-xs text-amber-800">{t('panel.conflicts.adminOnly')}</p>
      )}
    </article>
  );
}
