import type { Redis } from 'ioredis';
import type { Logger } from '../../logger';
import { connectRedis } from './redis-connection';
import type { Bus } from './types';

/**
 * Redis pub/sub: one channel per deployment prefix; each envelope names its node so a node skips its own echo. It
 * publishes on the process's shared command connection (which it does not own) and subscribes on its own.
 */
export class RedisBus implements Bus {
  readonly kind = 'redis' as const;
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly channel: string;
  private handler: (topic: string, payload: string, fromNode: string) => void = () => {};
  private readonly reconnectHandlers: Array<() => void> = [];
  private everReady = false;
  private closed = false;

  constructor(
    pub: Redis,
    url: string,
    prefix: string,
    readonly nodeId: string,
    logger: Logger,
    retryMaxMs?: number,
  ) {
    this.channel = `${prefix}:bus`;
    this.pub = pub;
    this.sub = connectRedis(url, logger, `osl-sub-${nodeId}`, retryMaxMs);
    this.sub.on('message', (_channel: string, message: string) => this.receive(message));
    // Subscribe on every (re)connection: a subscription that failed while Redis was down at start is not one the
    // client would restore by itself. Subscribing twice is harmless.
    this.sub.on('ready', () => {
      this.sub.subscribe(this.channel).catch((error: Error) => {
        logger.warn({ err: error.message }, 'redis bus subscribe failed; retried on reconnect');
      });
      if (this.everReady && !this.closed) for (const handler of this.reconnectHandlers) handler();
      this.everReady = true;
    });
  }

  private receive(message: string): void {
    const first = message.indexOf('\n');
    const second = message.indexOf('\n', first + 1);
    if (first === -1 || second === -1) return;
    const from = message.slice(0, first);
    if (from === this.nodeId) return;
    this.handler(message.slice(first + 1, second), message.slice(second + 1), from);
  }

  async publish(topic: string, payload: string): Promise<void> {
    await this.pub.publish(this.channel, `${this.nodeId}\n${topic}\n${payload}`);
  }

  onMessage(handler: (topic: string, payload: string, fromNode: string) => void): void {
    this.handler = handler;
  }

  onReconnect(handler: () => void): void {
    this.reconnectHandlers.push(handler);
  }

  alone(): boolean {
    return false;
  }

  healthy(): boolean {
    return this.pub.status === 'ready' && this.sub.status === 'ready';
  }

  async close(): Promise<void> {
    this.closed = true;
    this.sub.disconnect();
  }
}
