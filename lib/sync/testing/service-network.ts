import type { Database } from '../../db/create-db';
import { createMemoryLockStore } from '../service/locks/memory-lock-store';
import { syncHandlers } from '../service/register';
import { createSyncService } from '../service/sync-service';
import { createFakeClock } from './fake-clock';
import { createFakeNetwork } from './fake-network';

/**
 * The real sync service on a test database behind the fake network, on one fake clock: what the manager's tests
 * run against. `random` orders the network's deliveries (the default delivers in order).
 */
export function createServiceNetwork(database: Database, random: () => number = () => 0) {
  const time = createFakeClock();
  const network = createFakeNetwork(
    syncHandlers(
      createSyncService({
        database,
        locks: createMemoryLockStore(time.now),
        publish: (input) => network.publish(input),
        now: time.now,
      }),
    ),
    random,
  );
  return { time, network };
}
