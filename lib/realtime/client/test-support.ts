import type { ClientMessage, ServerMessage } from '../protocol/messages';
import type { NetworkMonitor, SocketLike } from './environment';

/**
 * A scripted stand-in for one WebSocket, for unit tests of the client's logic only (the client's integration test
 * talks to the real server). Frames the client sends are kept parsed; the test plays the server.
 */
export class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  readonly sent: ClientMessage[] = [];
  closedWith: number | undefined;

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(JSON.parse(data) as ClientMessage);
  }

  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }

  /** The server accepted the upgrade and says welcome. */
  accept(connectionId = 'c1'): void {
    this.readyState = 1;
    this.onopen?.({});
    this.deliver({
      type: 'welcome',
      v: 1,
      connectionId,
      nodeId: 'n1',
      user: { id: 'u1', name: 'Anna', role: 'sales', tenantId: 't1' },
      heartbeatMs: 25_000,
      limits: { maxFrameBytes: 65_536, messagesPerSecond: 50, maxSubscriptions: 200 },
    });
  }

  deliver(message: ServerMessage): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  deliverRaw(data: unknown): void {
    this.onmessage?.({ data });
  }

  /** The server or the network ended the connection. */
  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  sentOfType<T extends ClientMessage['type']>(type: T): Extract<ClientMessage, { type: T }>[] {
    return this.sent.filter((m): m is Extract<ClientMessage, { type: T }> => m.type === type);
  }
}

export class FakeNetwork implements NetworkMonitor {
  online = true;
  private listeners = new Set<{ onOnline(): void; onOffline(): void }>();

  isOnline(): boolean {
    return this.online;
  }

  subscribe(onOnline: () => void, onOffline: () => void): () => void {
    const entry = { onOnline, onOffline };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  goOffline(): void {
    this.online = false;
    for (const l of this.listeners) l.onOffline();
  }

  goOnline(): void {
    this.online = true;
    for (const l of this.listeners) l.onOnline();
  }
}
