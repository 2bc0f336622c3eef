import type { Bus } from './types';

type Listener = (topic: string, payload: string, fromNode: string) => void;

/** Shared by the in-process buses of several hubs (tests run a few nodes in one process this way). */
export class MemoryBroker {
  private readonly nodes = new Map<string, Listener>();

  attach(nodeId: string, listener: Listener): void {
    this.nodes.set(nodeId, listener);
  }

  detach(nodeId: string): void {
    this.nodes.delete(nodeId);
  }

  deliver(fromNode: string, topic: string, payload: string): void {
    for (const [nodeId, listener] of this.nodes) if (nodeId !== fromNode) listener(topic, payload, fromNode);
  }

  get size(): number {
    return this.nodes.size;
  }
}

export class MemoryBus implements Bus {
  readonly kind = 'memory' as const;
  private handler: Listener = () => {};
  private closed = false;

  constructor(
    readonly nodeId: string,
    private readonly broker: MemoryBroker = new MemoryBroker(),
  ) {
    broker.attach(nodeId, (topic, payload, from) => {
      // Delivered asynchronously like a real bus, in publish order.
      queueMicrotask(() => {
        if (!this.closed) this.handler(topic, payload, from);
      });
    });
  }

  async publish(topic: string, payload: string): Promise<void> {
    if (this.closed) throw new Error('bus closed');
    if (this.broker.size > 1) this.broker.deliver(this.nodeId, topic, payload);
  }

  onMessage(handler: Listener): void {
    this.handler = handler;
  }

  onReconnect(): void {
    // An in-process bus never loses its link.
  }

  healthy(): boolean {
    return !this.closed;
  }

  alone(): boolean {
    return this.broker.size <= 1;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.broker.detach(this.nodeId);
  }
}
