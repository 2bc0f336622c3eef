// The server side of the Pusher fan-out benchmark: the real startServer (hub, gateway, Pusher, bridge), no Next,
// driven over IPC by pusher-fanout.ts so that clients and server do not share a CPU.
import { createSessionToken } from '../../lib/auth/session';
import { createDb } from '../../lib/db/create-db';
import { findUserForSignIn } from '../../lib/db/queries/users';
import { seedIfEmpty } from '../../lib/db/seed';
import { parseEnv } from '../../lib/env';
import { startServer } from '../../lib/server/start';

type Command = { op: 'publish'; count: number } | { op: 'memory' };

const database = await createDb({});
await database.migrate();
await seedIfEmpty(database.db);
const running = await startServer({ env: parseEnv(process.env), withNext: false, database });
const user = await findUserForSignIn(database.db, 'anna@siam.example');
if (!user) throw new Error('seed user missing');
const { token } = await createSessionToken(running.services.sessionKey, user, 1);

process.send?.({ op: 'ready', port: running.port, token, tenantId: user.tenantId });
process.on('message', (command: Command) => {
  void (async () => {
    if (command.op === 'memory') {
      global.gc?.();
      process.send?.({ op: 'memory', rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed });
      return;
    }
    // Domain events as features publish them: through the hub, which also bridges them to the Pusher channel.
    for (let n = 0; n < command.count; n++) {
      await running.services.realtime.publish({
        tenantId: user.tenantId,
        channel: 'products',
        event: 'product.updated',
        data: { n, t: Date.now() },
      });
    }
    process.send?.({ op: 'published' });
  })();
});
process.on('SIGTERM', () => {
  void running.close().then(() => process.exit(0));
});
