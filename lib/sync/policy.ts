import { z } from 'zod';
import { type OrderSection, orderSections, type StrategyName, sectionOfField, strategyNames } from './types';

/** Which strategy governs which section of an entity type. Stored per tenant; admins switch it at runtime. */
export type OrderPolicy = Record<OrderSection, StrategyName>;

/** The default order policy uses every strategy where it fits. */
export const defaultOrderPolicy: OrderPolicy = {
  status: 'lock-based',
  customer: 'lock-based',
  shipping: 'manual',
  notes: 'operational-transform',
  lines: 'last-write-wins',
};

/** Text ops only make sense for the notes; the Yjs document holds notes and lines. */
export const allowedStrategies: Record<OrderSection, readonly StrategyName[]> = {
  status: ['lock-based', 'last-write-wins', 'manual'],
  customer: ['lock-based', 'last-write-wins', 'manual'],
  shipping: ['manual', 'last-write-wins', 'lock-based'],
  notes: ['operational-transform', 'crdt', 'last-write-wins', 'lock-based', 'manual'],
  lines: ['last-write-wins', 'crdt', 'lock-based', 'manual'],
};

const strategy = z.enum(strategyNames);

export const orderPolicySchema = z
  .object({ status: strategy, customer: strategy, shipping: strategy, notes: strategy, lines: strategy })
  .strict()
  .superRefine((policy, ctx) => {
    for (const section of orderSections) {
      if (!allowedStrategies[section].includes(policy[section])) {
        ctx.addIssue({
          code: 'custom',
          path: [section],
          message: `${policy[section]} cannot govern ${section}`,
        });
      }
    }
  });

export type EntityType = 'order';
export const policyDefaults: Record<EntityType, OrderPolicy> = { order: defaultOrderPolicy };

export function parsePolicy(raw: unknown): OrderPolicy {
  const parsed = orderPolicySchema.safeParse(raw);
  return parsed.success ? parsed.data : defaultOrderPolicy;
}

export function strategyForField(policy: OrderPolicy, field: string): StrategyName | null {
  const section = sectionOfField(field);
  return section ? policy[section] : null;
}

/** The kind of op a client sends for a field under a policy. */
export function opKindFor(policy: OrderPolicy, field: string): 'text' | 'yjs' | 'value' {
  const name = strategyForField(policy, field);
  if (name === 'operational-transform') return 'text';
  if (name === 'crdt') return 'yjs';
  return 'value';
}
