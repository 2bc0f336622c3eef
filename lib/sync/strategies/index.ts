import type { StrategyName } from '../types';
import { crdt } from './crdt';
import { lastWriteWins } from './last-write-wins';
import { lockBased } from './lock-based';
import { manual } from './manual';
import { operationalTransform } from './operational-transform';
import type { Strategy } from './strategy';

export const strategies: Record<StrategyName, Strategy> = {
  'last-write-wins': lastWriteWins,
  'operational-transform': operationalTransform,
  crdt,
  'lock-based': lockBased,
  manual,
};

export { CONCURRENT_WINDOW_MS, detectConcurrentEdits } from './concurrent-edit';
export type { Strategy, StrategyInput, StrategyOutcome } from './strategy';
