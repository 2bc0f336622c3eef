// A realtime server in its own process (multi-node tests kill it with SIGKILL; the benchmark runs several).
import { parseEnv } from '../../lib/env';
import { startServer } from '../../lib/server/start';

const running = await startServer({ env: parseEnv(process.env), withNext: false });
process.stdout.write(`${JSON.stringify({ ready: running.port, nodeId: running.services.nodeId })}\n`);
process.on('SIGTERM', () => {
  void running.close().then(() => process.exit(0));
});
