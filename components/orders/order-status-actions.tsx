'use client';

import { useState } from 'react';
import type { OrderStatus } from '@/lib/db/schema';
import { useWebSocketChannel } from '@/lib/hooks';
import { useLive } from '@/lib/live/live-context';
import { StatusControl } from './status-control';

/**
 * The order page's status buttons (catalog transitions: confirming reserves stock, cancelling releases it). Follows
 * `order.status_changed` on the order's room, so the buttons always offer the moves the current status allows.
 */
export function OrderStatusActions({
  orderId,
  number,
  status: initial,
}: {
  orderId: string;
  number: string;
  status: OrderStatus;
}) {
  const { mode, self } = useLive();
  const [status, setStatus] = useState(initial);
  useWebSocketChannel(mode.realtime ? `order:${orderId}` : null, (event) => {
    const data = event.data as { to?: OrderStatus } | null;
    if (event.event === 'order.status_changed' && data?.to) setStatus(data.to);
  });
  if (self.role === 'viewer') return null;
  return <StatusControl orderId={orderId} number={number} status={status} onChanged={setStatus} />;
}
