import type { OrderStatus } from '../db/schema';

/** Which status may follow which. Delivered and cancelled are final. */
export const orderTransitions: Record<OrderStatus, readonly OrderStatus[]> = {
  draft: ['pending', 'cancelled'],
  pending: ['confirmed', 'cancelled'],
  confirmed: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
};

/**
 * What a transition does to stock: confirming reserves every line, shipping takes the reserved units out of stock,
 * cancelling a confirmed order gives its reservation back.
 */
export type StockEffect = 'none' | 'reserve' | 'ship' | 'release';

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return orderTransitions[from].includes(to);
}

export function stockEffect(from: OrderStatus, to: OrderStatus): StockEffect {
  if (to === 'confirmed') return 'reserve';
  if (from === 'confirmed' && to === 'shipped') return 'ship';
  if (from === 'confirmed' && to === 'cancelled') return 'release';
  return 'none';
}
