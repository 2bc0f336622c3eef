import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { createSessionToken } from '../../lib/auth/session';
import type { Database } from '../../lib/db/create-db';
import { findUserForSignIn } from '../../lib/db/queries/users';
import { parseEnv } from '../../lib/env';
import type { ServerMessage } from '../../lib/realtime/protocol';
import { type RunningServer, startServer } from '../../lib/server/start';

export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123456789';

/** The raw environment of a test server (strings, as a child process gets it). */
export function testEnvSource(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SEED: 'false',
    SESSION_SECRET: TEST_SECRET,
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'osl-rt-')),
    ...overrides,
  };
}

export function testEnv(overrides: Record<string, string> = {}) {
  return parseEnv(testEnvSource(overrides));
}

export function startRealtimeServer(database: Database, overrides: Record<string, string> = {}) {
  return startServer({ env: testEnv(overrides), withNext: false, database });
}

export function uniquePrefix(): string {
  return `osltest-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export async function sessionCookie(
  database: Database,
  email: string,
  secret = TEST_SECRET,
): Promise<string> {
  const user = await findUserForSignIn(database.db, email);
  if (!user) throw new Error(`no user ${email}`);
  const { token } = await createSessionToken(new TextEncoder().encode(secret), user, 1);
  return `osl_session=${token}`;
}

export function wsUrl(server: Pick<RunningServer, 'port'> | number, query = '?v=1'): string {
  const port = typeof server === 'number' ? server : server.port;
  return `ws://127.0.0.1:${port}/ws${query}`;
}

type Waiter = { match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void };

/** A raw `ws` test client that records every frame and lets a test wait for the one it expects. */
export class TestClient {
  readonly messages: ServerMessage[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: Waiter[] = [];
  private counter = 0;
  private closeWaiters: Array<(c: { code: number; reason: string }) => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.type === 'ping') ws.send(JSON.stringify({ type: 'pong', t: message.t }));
      this.messages.push(message);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(message)) return true;
        w.resolve(message);
        return false;
      });
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const resolve of this.closeWaiters) resolve(this.closed);
    });
  }

  static connect(url: string, cookie?: string, headers: Record<string, string> = {}): Promise<TestClient> {
    const ws = new WebSocket(url, { headers: { ...(cookie ? { cookie } : {}), ...headers } });
    const client = new TestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
      ws.once('close', (code) => reject(new Error(`closed ${code} before welcome`)));
      client.next((m) => m.type === 'welcome').then(() => resolve(client), reject);
    });
  }

  /** The close code of a connection the server ends right after the upgrade. */
  static closeCode(url: string, cookie?: string): Promise<number> {
    const ws = new WebSocket(url, { headers: cookie ? { cookie } : {} });
    ws.on('error', () => {});
    return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
  }

  /** The HTTP status a refused upgrade answers with. */
  static refusedStatus(url: string, cookie?: string, headers: Record<string, string> = {}): Promise<number> {
    const ws = new WebSocket(url, { headers: { ...(cookie ? { cookie } : {}), ...headers } });
    return new Promise((resolve, reject) => {
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.once('open', () => reject(new Error('upgrade was accepted')));
      ws.once('error', () => {});
    });
  }

  next<T extends ServerMessage>(match: (m: ServerMessage) => boolean, from = 0): Promise<T> {
    const seen = this.messages.slice(from).find(match);
    if (seen) return Promise.resolve(seen as T);
    return new Promise((resolve) =>
      this.waiters.push({ match, resolve: resolve as (m: ServerMessage) => void }),
    );
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  id(): string {
    this.counter++;
    return `m${this.counter}-${randomBytes(3).toString('hex')}`;
  }

  /** Sends a message with an id and waits for its answer (ack or subscribed). */
  request<T extends ServerMessage = ServerMessage>(message: Record<string, unknown>): Promise<T> {
    const id = (message.id as string | undefined) ?? this.id();
    const from = this.messages.length;
    this.send({ ...message, id });
    return this.next<T>((m) => (m.type === 'ack' || m.type === 'subscribed') && m.id === id, from);
  }

  events(channel: string): Array<Extract<ServerMessage, { type: 'event' }>> {
    return this.messages.filter(
      (m): m is Extract<ServerMessage, { type: 'event' }> => m.type === 'event' && m.channel === channel,
    );
  }

  waitClosed(): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  close(): void {
    this.ws.close();
  }

  terminate(): void {
    this.ws.terminate();
  }
}
