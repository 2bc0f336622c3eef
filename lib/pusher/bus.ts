import type { Redis } from 'ioredis';

/** What crosses nodes: an encoded event frame for a channel's subscribers, or a user's termination. */
export type PusherBusMessage =
  | { kind: 'event'; appId: string; channel: string; frame: string; exceptSocketId?: string }
  | { kind: 'terminate'; appId: string; userId: string };

/**
 * Fan-out between nodes. The sender delivers to its own sockets itself; the bus carries the message to the
 * other nodes only (each envelope names its node, so a node ignores its own echo).
 */
export interface PusherBus {
  readonly kind: 'memory' | 'redis' | 'hub';
  publish(message: PusherBusMessage): void;
  onMessage(handler: (message: PusherBusMessage) => void): void;
  close(): Promise<void>;
}

/** One process: nothing to carry. */
export class LocalPusherBus implements PusherBus {
  readonly kind = 'memory' as const;
  publish(): void {}
  onMessage(): void {}
  async close(): Promise<void> {}
}

export class RedisPusherBus implements PusherBus {
  readonly kind = 'redis' as const;
  readonly #topic: string;
  #handler: (message: PusherBusMessage) => void = () => {};

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    prefix: string,
    private readonly nodeId: string,
    private readonly onError: (error: unknown) => void,
  ) {
    this.#topic = `${prefix}:pusher:bus`;
    subscriber.on('message', (topic: string, payload: string) => {
      if (topic !== this.#topic) return;
      const newline = payload.indexOf('\n');
      if (newline === -1 || payload.slice(0, newline) === this.nodeId) return;
      try {
        this.#handler(JSON.parse(payload.slice(newline + 1)) as PusherBusMessage);
      } catch (error) {
        this.onError(error);
      }
    });
    // Not awaited: a server must start (and serve its own sockets) while Redis is still unreachable.
    subscriber.subscribe(this.#topic).catch(onError);
  }

  publish(message: PusherBusMessage): void {
    this.publisher.publish(this.#topic, `${this.nodeId}\n${JSON.stringify(message)}`).catch(this.onError);
  }

  onMessage(handler: (message: PusherBusMessage) => void): void {
    this.#handler = handler;
  }

  async close(): Promise<void> {
    await this.subscriber.unsubscribe(this.#topic).catch(() => {});
  }
}
