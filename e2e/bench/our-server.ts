// Our server for the benchmark: the real startServer (auth, validation, seq, history, presence, limits), no Next.
import { parseEnv } from '../../lib/env';
import { startServer } from '../../lib/server/start';
import { reportMemory } from './memory';

const running = await startServer({ env: parseEnv(process.env), withNext: false });
reportMemory();
process.send?.({ op: 'ready', port: running.port });
process.on('SIGTERM', () => {
  void running.close().then(() => process.exit(0));
});
