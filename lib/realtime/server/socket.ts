/**
 * The hub's view of a connection's transport. The gateway adapts a `ws` socket to it; tests may pass any object.
 */
export interface HubSocket {
  send(frame: OutFrame): void;
  close(code: number, reason: string): void;
  /** Bytes queued for this peer and not yet handed to the kernel. */
  readonly bufferedAmount: number;
}

/**
 * A server message encoded once: every subscriber of a channel gets the same object, and the gateway caches the
 * framed (and, above the compression threshold, deflated) bytes on it, so a fan-out encodes each event once.
 */
export class OutFrame {
  plain: Buffer | undefined;
  deflated: Buffer | undefined;
  constructor(readonly text: string) {}
}

export function frameOf(message: unknown): OutFrame {
  return new OutFrame(JSON.stringify(message));
}
