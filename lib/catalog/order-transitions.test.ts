import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '../db/schema';
import { canTransition, type StockEffect, stockEffect } from './order-transitions';

const table: [OrderStatus, OrderStatus, boolean, StockEffect][] = [
  ['draft', 'pending', true, 'none'],
  ['draft', 'confirmed', false, 'reserve'],
  ['draft', 'cancelled', true, 'none'],
  ['pending', 'confirmed', true, 'reserve'],
  ['pending', 'cancelled', true, 'none'],
  ['pending', 'shipped', false, 'none'],
  ['confirmed', 'shipped', true, 'ship'],
  ['confirmed', 'cancelled', true, 'release'],
  ['confirmed', 'pending', false, 'none'],
  ['shipped', 'delivered', true, 'none'],
  ['shipped', 'cancelled', false, 'none'],
  ['delivered', 'cancelled', false, 'none'],
  ['cancelled', 'pending', false, 'none'],
  ['cancelled', 'confirmed', false, 'reserve'],
];

describe('order transitions', () => {
  it.each(table)('%s -> %s allowed=%s effect=%s', (from, to, allowed, effect) => {
    expect(canTransition(from, to)).toBe(allowed);
    expect(stockEffect(from, to)).toBe(effect);
  });
});
