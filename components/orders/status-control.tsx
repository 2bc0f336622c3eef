'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useTransition } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { useToast } from '@/components/realtime';
import { changeOrderStatusAction } from '@/lib/catalog/actions';
import { orderTransitions } from '@/lib/catalog/order-transitions';
import type { OrderStatus } from '@/lib/db/schema';
import { useActionError } from '@/lib/live/action-error';
import { liveKeys } from '@/lib/live/query-keys';

/** Who holds the status lock, as a LOCKED refusal's details name them. */
const lockHolder = z.object({ userName: z.string() });

const tones: Partial<Record<OrderStatus, string>> = {
  cancelled: 'text-rose-700 hover:bg-rose-50',
  confirmed: 'text-blue-700 hover:bg-blue-50',
  shipped: 'text-violet-700 hover:bg-violet-50',
  delivered: 'text-emerald-700 hover:bg-emerald-50',
};

/**
 * The next statuses an order may take (lib/catalog/order-transitions.ts) as buttons. Confirming reserves stock and
 * cancelling releases it on the server; a refused change (not enough stock, someone moved it first, someone holds
 * the status lock in the order editor) is a toast.
 */
export function StatusControl({
  orderId,
  number,
  status,
  compact = false,
  onChanged,
}: {
  orderId: string;
  number: string;
  status: OrderStatus;
  compact?: boolean;
  onChanged?: (status: OrderStatus) => void;
}) {
  const { t } = useTranslation(['live', 'common']);
  const { push } = useToast();
  const describeError = useActionError();
  const queryClient = useQueryClient();
  const [pending, startTransition] = useTransition();
  const next = orderTransitions[status];

  if (next.length === 0)
    return compact ? null : <span className="text-xs text-slate-500">{t('live:orders.final')}</span>;

  /** Someone holding the status lock in the order editor is named; other refusals as every catalog form says them. */
  function refusal(error: Parameters<typeof describeError>[0]): string {
    const holder = lockHolder.safeParse(error.details?.holder).data;
    if (error.code === 'LOCKED' && holder) return t('live:orders.statusLocked', { name: holder.userName });
    return describeError(error).text;
  }

  function move(to: OrderStatus) {
    if (to === 'cancelled' && !window.confirm(t('live:orders.confirmCancel', { number }))) return;
    startTransition(async () => {
      const result = await changeOrderStatusAction(orderId, { status: to });
      if (!result.ok) {
        push({ title: refusal(result.error), tone: 'error' });
        void queryClient.invalidateQueries({ queryKey: liveKeys.orders });
        return;
      }
      push({
        title: t('live:toasts.statusChanged', { number, status: t(`common:orderStatus.${to}`) }),
        tone: 'success',
      });
      onChanged?.(to);
    });
  }

  return (
    <fieldset
      className="inline-flex min-w-0 flex-wrap items-center gap-1 max-sm:gap-2"
      disabled={pending}
      data-testid="status-control"
      data-order-status={status}
    >
      <legend className="sr-only">{t('live:orders.changeStatus')}</legend>
      {next.map((to) => (
        <button
          key={to}
          type="button"
          onClick={() => move(to)}
          data-to={to}
          title={t('live:orders.moveTo', { status: t(`common:orderStatus.${to}`) })}
          className={`btn border border-slate-200 bg-white ${compact ? 'px-2 py-0.5 text-xs max-sm:px-3 max-sm:py-1.5' : 'px-3 py-1.5'} ${tones[to] ?? 'text-slate-700 hover:bg-slate-50'}`}
        >
          {compact
            ? `→ ${t(`common:orderStatus.${to}`)}`
            : t('live:orders.moveTo', { status: t(`common:orderStatus.${to}`) })}
        </button>
      ))}
    </fieldset>
  );
}
