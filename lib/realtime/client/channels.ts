import type { EventMessage, Member, PresencePatch, SignalMessage } from '../protocol/messages';
import type { RealtimeError } from './errors';
import type { Position } from './position';

/** The tenant-wide presence arrives on frames without a channel; the client files it under this name. */
export const TENANT_PRESENCE = 'presence';

export type ChannelStatus = 'pending' | 'active' | 'failed';

/** What the app sees of one subscription. */
export type ChannelSnapshot = {
  channel: string;
  status: ChannelStatus;
  position: Position | null;
  recovering: boolean;
  members: Member[];
  error?: { code: string; i18n: string; message: string };
};

export type ChannelListener = {
  onEvent?(event: EventMessage): void;
  /** An ephemeral signal of another member (caret, typing): not ordered with events, never replayed. */
  onSignal?(signal: SignalMessage): void;
  onPresence?(members: Member[]): void;
  /** The server could not replay what was missed (`recovered: false`): refetch the state behind this channel. */
  onReset?(info: { channel: string; epoch: string; seq: number }): void;
  onStatus?(snapshot: ChannelSnapshot): void;
};

/** The client's memory of one channel: kept across reconnects so it can resubscribe with its last position. */
export class ChannelRecord {
  readonly listeners = new Set<ChannelListener>();
  status: ChannelStatus = 'pending';
  position: Position | null = null;
  recovering = false;
  members: Member[] = [];
  /** The presence this client holds in the channel, re-sent with every (re)subscribe. */
  presence: PresencePatch | undefined;
  /** The presence changed after the pending subscribe went out: send it once the subscription is confirmed. */
  presenceDirty = false;
  /** The newest cursor given while the subscription was pending: sent once it is confirmed, not dropped. */
  pendingCursor: PresencePatch['cursor'] | undefined;
  error: RealtimeError | undefined;
  /** Whether a failure is final (forbidden, unknown channel) or worth another try after a reconnect. */
  retryOnReconnect = true;
  private readyWaiters: Array<{ resolve: () => void; reject: (error: RealtimeError) => void }> = [];

  constructor(readonly name: string) {}

  snapshot(): ChannelSnapshot {
    return {
      channel: this.name,
      status: this.status,
      position: this.position,
      recovering: this.recovering,
      members: this.members,
      error: this.error
        ? { code: this.error.code, i18n: this.error.i18n, message: this.error.message }
        : undefined,
    };
  }

  /** Resolves when the channel is active, rejects when it fails. */
  ready(): Promise<void> {
    if (this.status === 'active') return Promise.resolve();
    if (this.status === 'failed' && this.error && !this.retryOnReconnect) return Promise.reject(this.error);
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  settleReady(error?: RealtimeError): void {
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const waiter of waiters) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
  }

  notify(call: (listener: ChannelListener) => void): void {
    for (const listener of [...this.listeners]) call(listener);
  }
}
