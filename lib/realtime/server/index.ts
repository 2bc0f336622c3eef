// TEMPORARY composition of the realtime layer; replaced by the hub and gateway implementation.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Database } from '../../db/create-db';
import type { Env } from '../../env';
import type { Logger } from '../../logger';

export type RealtimeDeps = {
  env: Env;
  database: Database;
  logger: Logger;
  nodeId: string;
  sessionKey: Uint8Array;
};

export type PublishInput = {
  tenantId: string;
  channel: string;
  event: string;
  data: unknown;
  actor?: { id: string; name: string };
};

export type Realtime = {
  publish(input: PublishInput): Promise<{ epoch: string; seq: number }>;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  metrics(): Promise<{ contentType: string; body: string }>;
  health(): Promise<{ bus: 'memory' | 'redis'; ok: boolean }>;
  close(): Promise<void>;
};

export async function createRealtime(_deps: RealtimeDeps): Promise<Realtime> {
  return {
    publish: async () => ({ epoch: 'none', seq: 0 }),
    handleUpgrade: (_req, socket) => {
      socket.write('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      socket.destroy();
    },
    metrics: async () => ({ contentType: 'text/plain', body: '' }),
    health: async () => ({ bus: 'memory', ok: true }),
    close: async () => {},
  };
}
