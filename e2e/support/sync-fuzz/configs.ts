import { allowedStrategies, defaultOrderPolicy, type OrderPolicy } from '../../../lib/sync/policy';
import { orderSections } from '../../../lib/sync/types';

/** Strategy configurations a fuzz run starts from; `switching` has the admin switch the policy while people type. */
export const strategyConfigs = {
  ot: { policy: defaultOrderPolicy, switches: false },
  crdt: { policy: { ...defaultOrderPolicy, notes: 'crdt', lines: 'crdt' }, switches: false },
  lww: {
    policy: {
      status: 'last-write-wins',
      customer: 'last-write-wins',
      shipping: 'last-write-wins',
      notes: 'last-write-wins',
      lines: 'last-write-wins',
    },
    switches: false,
  },
  manual: {
    policy: { status: 'manual', customer: 'manual', shipping: 'manual', notes: 'manual', lines: 'manual' },
    switches: false,
  },
  lock: {
    policy: {
      status: 'lock-based',
      customer: 'lock-based',
      shipping: 'lock-based',
      notes: 'lock-based',
      lines: 'lock-based',
    },
    switches: false,
  },
  switching: { policy: defaultOrderPolicy, switches: true },
} satisfies Record<string, { policy: OrderPolicy; switches: boolean }>;

export type StrategyConfigName = keyof typeof strategyConfigs;
export const strategyConfigNames = Object.keys(strategyConfigs) as StrategyConfigName[];

export function isStrategyConfigName(name: string): name is StrategyConfigName {
  return name in strategyConfigs;
}

/** A random policy among the allowed strategies; notes flip between OT and CRDT more often (where typing breaks). */
export function randomPolicy(random: () => number): OrderPolicy {
  const policy = { ...defaultOrderPolicy };
  for (const section of orderSections) {
    const allowed = allowedStrategies[section];
    policy[section] = allowed[Math.floor(random() * allowed.length)]!;
  }
  if (random() < 0.5) policy.notes = random() < 0.5 ? 'operational-transform' : 'crdt';
  return policy;
}
