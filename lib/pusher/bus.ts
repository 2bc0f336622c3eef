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
  /** No other node can hear this one now (one process): what no local socket listens to reaches nobody. */
  alone(): boolean;
  publish(message: PusherBusMessage): void;
  onMessage(handler: (message: PusherBusMessage) => void): void;
  close(): Promise<void>;
}

/** One process: nothing to carry. */
export class LocalPusherBus implements PusherBus {
  readonly kind = 'memory' as const;
  alone(): boolean {
    return true;
  }
  publish(): void {}
  onMessage(): void {}
  async close(): Promise<void> {}
}

/** The subset of the hub this bus needs: its bus, under a topic of our own. */
export type HubBusPort = {
  onBusTopic(topic: string, handler: (payload: string, from: string) => void): void;
  publishBusTopic(topic: string, payload: string): Promise<void>;
  busAlone(): boolean;
};

const TOPIC = 'pusher';

/**
 * Pusher fan-out over the hub's own bus (memory or Redis, with the hub's node-echo suppression and reconnects).
 * Events are encoded without re-escaping the frame: `e\napp\nchannel\nexcept\nframe`; `t\napp\nuser` terminates.
 */
export class HubPusherBus implements PusherBus {
  readonly kind = 'hub' as const;

  constructor(
    private readonly hub: HubBusPort,
    private readonly onError: (error: unknown) => void,
  ) {}

  alone(): boolean {
    return this.hub.busAlone();
  }

  publish(message: PusherBusMessage): void {
    const payload =
      message.kind === 'event'
        ? `e\n${message.appId}\n${message.channel}\n${message.exceptSocketId ?? ''}\n${message.frame}`
        : `t\n${message.appId}\n${message.userId}`;
    this.hub.publishBusTopic(TOPIC, payload).catch(this.onError);
  }

  onMessage(handler: (message: PusherBusMessage) => void): void {
    this.hub.onBusTopic(TOPIC, (payload) => {
      const message = decode(payload);
      if (message) handler(message);
      else this.onError(new Error('malformed pusher bus message'));
    });
  }

  async close(): Promise<void> {}
}

/** The first `n` newline-separated fields and the rest (a frame may itself contain newlines). */
function split(payload: string, n: number): string[] | null {
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = payload.indexOf('\n', start);
    if (end === -1) return null;
    fields.push(payload.slice(start, end));
    start = end + 1;
  }
  fields.push(payload.slice(start));
  return fields;
}

function decode(payload: string): PusherBusMessage | null {
  if (payload.startsWith('e\n')) {
    const fields = split(payload, 4);
    if (!fields) return null;
    const [, appId = '', channel = '', except = '', frame = ''] = fields;
    return { kind: 'event', appId, channel, frame, ...(except ? { exceptSocketId: except } : {}) };
  }
  if (payload.startsWith('t\n')) {
    const fields = split(payload, 2);
    if (!fields) return null;
    const [, appId = '', userId = ''] = fields;
    return { kind: 'terminate', appId, userId };
  }
  return null;
}
