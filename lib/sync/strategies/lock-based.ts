import { isLive } from './lease';
import { concurrentWith, reject, type Strategy } from './strategy';

/**
 * A section may be written only by the holder of its live lease; anyone else gets LOCKED. A value made before
 * someone else's write to the field (the holder's edit queued offline while the lease passed to a colleague and
 * back) is STALE_VERSION, not a silent replace: the client carries it onto the newer value by intent (notes and
 * lines) or reports it to its author.
 */
export const lockBased: Strategy = {
  name: 'lock-based',
  decide(input) {
    const { op, userId } = input.change;
    if (op.type === 'text' || op.type === 'yjs')
      return reject('VALIDATION', `${op.type} ops need another strategy`);
    const lease = input.lease;
    if (!isLive(lease, input.now)) return reject('LOCKED', 'Acquire the lock on this section first');
    if (lease.userId !== userId) return reject('LOCKED', `Locked by ${lease.userName}`);
    const newer = op.type === 'set' ? concurrentWith(input) : null;
    if (newer) return reject('STALE_VERSION', `Changed by ${newer.userName} after your edit was made`);
    return { kind: 'commit', op, overwrote: null };
  },
};
