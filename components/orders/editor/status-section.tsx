'use client';

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Badge } from '@/components/ui/badge';
import { statusTones } from '@/components/ui/status-tones';
import type { SyncOrderStatus } from '@/lib/sync/types';
import {
  nextStatuses,
  type StatusBlock,
  type StatusMoveOutcome,
  type StatusRefusal,
  type StockShortage,
} from './status-moves';

const buttonTones: Record<SyncOrderStatus, string> = {
  draft: 'text-slate-700 hover:bg-slate-50',
  pending: 'text-amber-800 hover:bg-amber-50',
  confirmed: 'text-blue-700 hover:bg-blue-50',
  shipped: 'text-violet-700 hover:bg-violet-50',
  delivered: 'text-emerald-700 hover:bg-emerald-50',
  cancelled: 'text-rose-700 hover:bg-rose-50',
};

/** What the section last said, for the status it was said about (a newer status makes it stale, so it hides). */
type Feedback =
  | { at: SyncOrderStatus; kind: 'applied' }
  | { at: SyncOrderStatus; kind: 'conflict'; name: string }
  | {
      at: SyncOrderStatus;
      kind: 'refused';
      reason: StatusRefusal;
      name?: string;
      shortage?: StockShortage;
      to: SyncOrderStatus;
    };

/**
 * The order's one status control: the current status as a badge and the moves it allows as buttons (cancelling asks
 * first). Moves go through the sync engine, so they follow the section's lock, land in the history and reach everyone
 * in the room; a refusal (not enough stock, the status moved meanwhile, the lock) is explained here.
 */
export function StatusSection({
  status,
  number,
  block,
  onMove,
  productName,
}: {
  status: SyncOrderStatus;
  number: string;
  /** Why this person cannot act now; null when they can. */
  block: StatusBlock | null;
  onMove(to: SyncOrderStatus): Promise<StatusMoveOutcome>;
  /** How people call a product (a stock refusal names the one that is short). */
  productName(productId: string): string;
}) {
  const { t } = useTranslation('collab');
  const { t: tc } = useTranslation('common');
  /** The status at which cancelling was asked for (a newer status withdraws the question). */
  const [confirming, setConfirming] = useState<SyncOrderStatus | null>(null);
  const [moving, setMoving] = useState<SyncOrderStatus | null>(null);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const next = nextStatuses(status);
  const label = (s: SyncOrderStatus) => tc(`orderStatus.${s}`);
  const disabled = block !== null || moving !== null;

  async function move(to: SyncOrderStatus) {
    setConfirming(null);
    setFeedback(null);
    setMoving(to);
    const from = status;
    try {
      const outcome = await onMove(to);
      setFeedback(
        outcome.kind === 'applied'
          ? { at: to, kind: 'applied' }
          : outcome.kind === 'conflict'
            ? { at: from, kind: 'conflict', name: outcome.name }
            : {
                at: from,
                kind: 'refused',
                reason: outcome.reason,
                name: outcome.name,
                shortage: outcome.shortage,
                to,
              },
      );
    } finally {
      setMoving(null);
    }
  }

  const hint = (() => {
    if (next.length === 0) return t('editor.status.final', { status: label(status) });
    switch (block?.kind) {
      case 'viewer':
        return t('editor.status.viewer');
      case 'connecting':
        return t('editor.status.connecting');
      case 'offline':
        return t('editor.status.offline');
      case 'locked-by':
        return t('editor.status.lockedBy', { name: block.name });
      // The section card already says "take the lock" under lock-based; the buttons' titles repeat it.
      default:
        return null;
    }
  })();
  // A refusal because the status moved meanwhile explains the new status, so it stays; the rest go with their status.
  const explainsMove =
    feedback?.kind === 'refused' && (feedback.reason === 'transition' || feedback.reason === 'stale');
  const shown = feedback && (feedback.at === status || explainsMove) ? feedback : null;

  return (
    <div className="space-y-3" data-testid="status-section" data-status={status}>
      <div className="flex flex-wrap items-center gap-3">
        <span className="text-xs font-medium text-slate-500">{t('editor.status.current')}</span>
        <span data-status={status} data-testid="status-badge">
          <Badge tone={statusTones[status]}>{label(status)}</Badge>
        </span>
      </div>
      {next.length > 0 ? (
        <fieldset
          className="flex min-w-0 flex-wrap items-center gap-2"
          data-testid="status-actions"
          aria-busy={moving !== null}
          aria-describedby={hint ? 'status-hint' : undefined}
        >
          <legend className="sr-only">{t('editor.status.choose')}</legend>
          {next.map((to) => (
            <button
              key={to}
              type="button"
              data-to={to}
              disabled={disabled}
              title={
                block?.kind === 'need-lock'
                  ? t('editor.lock.needLock')
                  : t('editor.status.moveTo', { status: label(to) })
              }
              onClick={() => (to === 'cancelled' ? setConfirming(status) : void move(to))}
              className={`btn border border-slate-200 bg-white px-3 py-1.5 ${buttonTones[to]}`}
            >
              {moving === to ? t('editor.status.moving') : t(`editor.status.actions.${to}`)}
            </button>
          ))}
        </fieldset>
      ) : null}
      {confirming === status && !disabled ? (
        <div
          role="alertdialog"
          aria-labelledby="status-confirm-text"
          data-testid="status-confirm"
          className="flex flex-wrap items-center justify-between gap-2 rounded-lg border border-rose-200 bg-rose-50 px-3 py-2"
        >
          <p id="status-confirm-text" className="text-sm text-rose-900">
            {status === 'confirmed'
              ? t('editor.status.confirmCancelReserved', { number })
              : t('editor.status.confirmCancel', { number })}
          </p>
          <span className="flex gap-2">
            <button
              type="button"
              className="btn-ghost px-2.5 py-1 text-xs"
              data-testid="status-confirm-no"
              onClick={() => setConfirming(null)}
            >
              {t('editor.status.keep')}
            </button>
            <button
              type="button"
              className="btn bg-rose-600 px-3 py-1 text-xs text-white hover:bg-rose-700"
              data-testid="status-confirm-yes"
              onClick={() => void move('cancelled')}
            >
              {t('editor.status.confirmCancelYes')}
            </button>
          </span>
        </div>
      ) : null}
      {hint ? (
        <p
          id="status-hint"
          className="text-xs text-slate-500"
          data-testid="status-hint"
          data-block={block?.kind}
        >
          {hint}
        </p>
      ) : null}
      <div aria-live="polite">
        {shown ? (
          <p
            data-testid="status-feedback"
            data-kind={shown.kind === 'refused' ? shown.reason : shown.kind}
            role={shown.kind === 'applied' ? undefined : 'alert'}
            className={`rounded-lg px-3 py-2 text-sm ${
              shown.kind === 'applied'
                ? 'bg-emerald-50 text-emerald-900'
                : shown.kind === 'conflict'
                  ? 'bg-amber-50 text-amber-900'
                  : 'bg-rose-50 text-rose-900'
            }`}
          >
            {shown.kind === 'applied'
              ? t('editor.status.applied', { number, status: label(shown.at) })
              : shown.kind === 'conflict'
                ? t('editor.status.conflict', { name: shown.name })
                : shown.shortage
                  ? t('editor.status.errors.stockOf', {
                      to: label(shown.to),
                      product: productName(shown.shortage.productId),
                      available: shown.shortage.available,
                      requested: shown.shortage.requested,
                    })
                  : t(`editor.status.errors.${shown.reason}`, {
                      from: label(shown.at),
                      to: label(shown.to),
                      name: shown.name ?? '',
                    })}
          </p>
        ) : null}
      </div>
    </div>
  );
}
