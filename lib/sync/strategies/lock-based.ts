import { isLive } from './lease';
import { reject, type Strategy } from './strategy';

/** A section may be written only by the holder of its live lease; anyone else gets LOCKED. */
export const lockBased: Strategy = {
  name: 'lock-based',
  decide(input) {
    const { op, userId } = input.change;
    if (op.type === 'text' || op.type === 'yjs')
      return reject('VALIDATION', `${op.type} ops need another strategy`);
    const lease = input.lease;
    if (!isLive(lease, input.now)) return reject('LOCKED', 'Acquire the lock on this section first');
    if (lease.userId !== userId) return reject('LOCKED', `Locked by ${lease.userName}`);
    return { kind: 'commit', op, overwrote: null };
  },
};
