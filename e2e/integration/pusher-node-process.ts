// A server node in its own process for pusher-process.test.ts: prints its port, then serves until killed.
import { parseEnv } from '../../lib/env';
import { startServer } from '../../lib/server/start';
import { createTestDatabase } from '../support/test-db';

const database = await createTestDatabase('pglite');
const running = await startServer({ env: parseEnv(process.env), withNext: false, database });
process.stdout.write(`${JSON.stringify({ port: running.port })}\n`);
process.on('SIGTERM', () => {
  void running.close().then(() => process.exit(0));
});
