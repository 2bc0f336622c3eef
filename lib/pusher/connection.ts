import { OutFrame } from '../realtime/server/socket';
import {
  channelType,
  isAuthenticatedChannel,
  isValidChannelName,
  type PusherChannelType,
  userChannel,
} from './channels';
import type { PusherApp } from './config';
import { type PusherCode, pusherCodes } from './errors';
import {
  channelData,
  type ParsedFrame,
  type PresenceSnapshot,
  type PusherServerMessage,
  parseFrame,
  parseJsonText,
  serverMessages,
  userData,
} from './protocol';
import { verifyChannelAuth, verifyUserAuth } from './signatures';
import { TokenBucket } from './token-bucket';

/** The three things the connection needs from a socket; the one file that imports `ws` adapts it. */
export type PusherSocket = {
  /** A frame encoded once and shared by every recipient (the gateway caches its wire bytes on it). */
  send(frame: OutFrame): void;
  close(code: number, reason: string): void;
  /** Bytes queued but not yet written; a consumer that does not read is closed before it grows our memory. */
  bufferedAmount(): number;
  /** A WebSocket protocol-level ping (the peer answers with a pong frame by itself). */
  ping(): void;
};

/** The user a signature was issued to (see `grantSession` in protocol.ts). */
export type Grant = { tenantId: string; userId: string; sessionVersion: number };

/**
 * What the server says of a grant now: `ok`; `forbidden` (the user's role no longer allows the channel); or one
 * that ends the connection: `deactivated`, `revoked` (the session was signed out or the password reset), `gone`.
 */
export type GrantVerdict = 'ok' | 'forbidden' | 'deactivated' | 'revoked' | 'gone';

export type Subscription = { type: PusherChannelType; userId?: string; grant?: Grant };

export type ConnectionLimits = {
  messagesPerSecond: number;
  burst: number;
  maxSubscriptions: number;
  slowConsumerBytes: number;
};

/** What a connection asks of the server: the cluster-wide side of subscribing, leaving and broadcasting. */
export interface ConnectionHost {
  readonly now: () => number;
  received(): void;
  join(
    connection: PusherConnection,
    channel: string,
    subscription: Subscription,
    userInfo?: unknown,
  ): Promise<JoinResult>;
  leave(connection: PusherConnection, channel: string, subscription: Subscription): Promise<void>;
  presence(connection: PusherConnection, channel: string): Promise<PresenceSnapshot>;
  clientEvent(
    connection: PusherConnection,
    channel: string,
    event: string,
    data: unknown,
    userId?: string,
  ): void;
  signedIn(connection: PusherConnection, userId: string): void;
  closed(connection: PusherConnection): void;
  /** False for channels only the server writes to. */
  acceptsClientEvents?(connection: PusherConnection, channel: string): boolean;
  /** Whether a granted subscription (channel) or sign-in (null) still holds for the user as stored now. */
  checkGrant?(connection: PusherConnection, grant: Grant, channel: string | null): Promise<GrantVerdict>;
  /** A presence subscription that still holds: its member's user_info follows the user as stored now. */
  refreshMember?(connection: PusherConnection, channel: string, subscription: Subscription): Promise<void>;
}

const grantOf = (
  userId: string,
  session: { tenant: string; version: number } | undefined,
): Grant | undefined =>
  session ? { tenantId: session.tenant, userId, sessionVersion: session.version } : undefined;

const closingVerdicts = {
  deactivated: pusherCodes.deactivated,
  revoked: pusherCodes.sessionRevoked,
  gone: pusherCodes.sessionRevoked,
} as const;

export type JoinResult =
  | { ok: true; presence?: PresenceSnapshot }
  | { ok: false; type: 'LimitReached'; error: string; status: number };

type Phase = { name: 'open' } | { name: 'closed' };

/**
 * One Pusher protocol 7 connection: pure logic behind PusherSocket. Frames are handled one after another (a
 * subscribe that waits on the cluster state completes before the next frame of the same socket is handled).
 */
export class PusherConnection {
  readonly subscriptions = new Map<string, Subscription>();
  user: { id: string; info: unknown; grant?: Grant } | null = null;
  #phase: Phase = { name: 'open' };
  #queue: Promise<void> = Promise.resolve();
  #lastActivity: number;
  #pingSentAt: number | null = null;
  #timer: NodeJS.Timeout | null = null;
  readonly #messages: TokenBucket;
  readonly #clientEvents: TokenBucket;
  #rejected = 0;

  constructor(
    readonly socketId: string,
    readonly app: PusherApp,
    private readonly socket: PusherSocket,
    private readonly host: ConnectionHost,
    private readonly limits: ConnectionLimits,
  ) {
    this.#lastActivity = host.now();
    this.#messages = new TokenBucket(limits.messagesPerSecond, limits.burst, host.now);
    this.#clientEvents = new TokenBucket(app.clientEventsPerSecond, app.clientEventsPerSecond, host.now);
    this.send(serverMessages.connectionEstablished(socketId, app.activityTimeout));
    this.#schedule(app.activityTimeout * 1000);
  }

  get isOpen(): boolean {
    return this.#phase.name === 'open';
  }

  send(message: PusherServerMessage): void {
    this.sendFrame(new OutFrame(JSON.stringify(message)));
  }

  sendFrame(frame: OutFrame): void {
    if (this.#phase.name !== 'open') return;
    if (this.socket.bufferedAmount() > this.limits.slowConsumerBytes) {
      this.close(pusherCodes.overCapacity, 'Slow consumer');
      return;
    }
    this.socket.send(frame);
  }

  /** Sends pusher:error with the code, then closes with the same code (as Pusher servers do). */
  close(code: PusherCode, message = code.message): void {
    if (this.#phase.name !== 'open') return;
    this.send(serverMessages.error(code.code, message));
    this.socket.close(code.code, message.slice(0, 120));
    this.socketClosed();
  }

  /** Any frame, WebSocket ping or pong from the peer counts as activity. */
  activity(): void {
    this.#lastActivity = this.host.now();
    this.#pingSentAt = null;
  }

  receive(text: string): void {
    this.activity();
    this.host.received();
    if (this.#phase.name !== 'open') return;
    if (!this.#messages.take()) {
      this.#rejected += 1;
      if (this.#rejected > this.limits.burst) this.close(pusherCodes.overCapacity, 'Message flood');
      else this.send(serverMessages.error(pusherCodes.rateLimited.code, 'Too many messages; slow down'));
      return;
    }
    this.#rejected = 0;
    const parsed = parseFrame(text);
    this.#queue = this.#queue
      .then(() => this.#handle(parsed))
      .catch(() => this.send(serverMessages.error(null, 'Internal error')));
  }

  /** The socket is gone (closed by the peer, by us, or errored): leave every channel once. */
  socketClosed(): void {
    if (this.#phase.name === 'closed') return;
    this.#phase = { name: 'closed' };
    if (this.#timer) clearTimeout(this.#timer);
    this.#queue = this.#queue.then(async () => {
      for (const [channel, subscription] of this.subscriptions)
        await this.host.leave(this, channel, subscription);
      this.subscriptions.clear();
      this.host.closed(this);
    });
  }

  /** Resolves when every frame received so far has been handled (and, once closed, every channel left). */
  settled(): Promise<void> {
    return this.#queue;
  }

  /**
   * Checks the grants of this connection issued to the user (every grant when `user` is null) against the user as
   * stored now: a sign-in or subscription whose session ended closes the connection with 4009 and the reason; a
   * channel the new role no longer allows is left, and the client is told with `pusher:subscription_error`
   * (`AuthError`, status 403, `ROLE_CHANGED`); a presence channel that still holds gets the member's new user_info
   * (name, role). Queued behind the frames already received, so it sees their effect. Rejects when the user could
   * not be read (the caller retries).
   */
  recheck(user: { tenantId: string; userId: string } | null): Promise<void> {
    const matches = (grant: Grant | undefined): grant is Grant =>
      grant !== undefined &&
      (user === null || (grant.tenantId === user.tenantId && grant.userId === user.userId));
    const check = this.host.checkGrant?.bind(this.host);
    if (!check) return this.#queue;
    const checked = this.#queue.then(async () => {
      if (this.#phase.name !== 'open') return;
      const signIn = this.user?.grant;
      if (matches(signIn)) {
        const verdict = await check(this, signIn, null);
        if (verdict !== 'ok' && verdict !== 'forbidden') return this.close(closingVerdicts[verdict]);
      }
      for (const [channel, subscription] of [...this.subscriptions]) {
        if (!matches(subscription.grant) || this.#phase.name !== 'open') continue;
        const verdict = await check(this, subscription.grant, channel);
        if (this.subscriptions.get(channel) !== subscription) continue;
        if (verdict === 'ok') {
          if (subscription.type === 'presence') await this.host.refreshMember?.(this, channel, subscription);
          continue;
        }
        if (verdict !== 'forbidden') return this.close(closingVerdicts[verdict]);
        this.subscriptions.delete(channel);
        await this.host.leave(this, channel, subscription);
        this.send(serverMessages.subscriptionError(channel, 'AuthError', 'ROLE_CHANGED', 403));
      }
    });
    // A check that could not read the user (database down) leaves the connection as it is and rejects, so the
    // hub runs the refresh again with back-off; frames queued after it are still handled.
    this.#queue = checked.catch(() => {});
    return checked;
  }

  #schedule(ms: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#checkActivity(), Math.max(50, ms));
    this.#timer.unref();
  }

  #checkActivity(): void {
    if (this.#phase.name !== 'open') return;
    const now = this.host.now();
    if (this.#pingSentAt !== null) {
      const waited = now - this.#pingSentAt;
      const pongTimeout = this.app.pongTimeout * 1000;
      if (waited >= pongTimeout) this.close(pusherCodes.pongTimeout);
      else this.#schedule(pongTimeout - waited);
      return;
    }
    const idle = now - this.#lastActivity;
    const timeout = this.app.activityTimeout * 1000;
    if (idle < timeout) {
      this.#schedule(timeout - idle);
      return;
    }
    this.#pingSentAt = now;
    this.send(serverMessages.ping());
    this.socket.ping();
    this.#schedule(this.app.pongTimeout * 1000);
  }

  async #handle(parsed: ParsedFrame): Promise<void> {
    if (this.#phase.name !== 'open') return;
    // As Pusher, Soketi and Reverb do: a malformed frame is answered and the connection stays. Abuse is bounded
    // by the message rate limit in receive(), which every frame (valid or not) passes first.
    if (!parsed.ok) return this.send(serverMessages.error(null, parsed.reason));
    const message = parsed.message;
    switch (message.event) {
      case 'pusher:ping':
        return this.send(serverMessages.pong());
      case 'pusher:pong':
        return;
      case 'pusher:subscribe':
        return this.#subscribe(message.data.channel, message.data.auth, message.data.channel_data);
      case 'pusher:unsubscribe':
        return this.#unsubscribe(message.data.channel);
      case 'pusher:signin':
        return this.#signin(message.data.auth, message.data.user_data);
      case 'client':
        return this.#clientEvent(message.name, message.channel, message.data);
      default: {
        const exhaustive: never = message;
        return exhaustive;
      }
    }
  }

  async #subscribe(
    channel: string,
    auth: string | undefined,
    channelDataText: string | undefined,
  ): Promise<void> {
    if (!isValidChannelName(channel))
      return this.send(
        serverMessages.subscriptionError(channel, 'InvalidChannel', 'Invalid channel name', 400),
      );
    const type = channelType(channel);
    const existing = this.subscriptions.get(channel);
    if (!existing && this.subscriptions.size >= this.limits.maxSubscriptions)
      return this.send(
        serverMessages.subscriptionError(channel, 'SubscriptionLimit', 'Subscription limit reached', 4100),
      );
    const denied = () =>
      this.send(serverMessages.subscriptionError(channel, 'AuthError', 'Invalid signature', 401));

    let subscription: Subscription = { type };
    let userInfo: unknown;
    if (type === 'user') {
      if (!this.user || channel !== userChannel(this.user.id)) return denied();
    } else if (type === 'presence') {
      if (
        channelDataText === undefined ||
        !verifyChannelAuth(this.app, this.socketId, channel, auth, channelDataText)
      )
        return denied();
      const data = parseJsonText(channelData, channelDataText);
      if (!data)
        return this.send(serverMessages.subscriptionError(channel, 'AuthError', 'Invalid channel_data', 400));
      if (Buffer.byteLength(JSON.stringify(data.user_info ?? null)) > this.app.maxUserInfoBytes)
        return this.send(
          serverMessages.subscriptionError(channel, 'AuthError', 'user_info is too large', 413),
        );
      subscription = { type, userId: data.user_id };
      userInfo = data.user_info;
      const grant = grantOf(data.user_id, data.session);
      if (grant) subscription.grant = grant;
    } else if (isAuthenticatedChannel(type)) {
      // A private channel's signature may cover channel_data naming the user it was issued to (a grant).
      if (
        channelDataText !== undefined &&
        verifyChannelAuth(this.app, this.socketId, channel, auth, channelDataText)
      ) {
        const data = parseJsonText(channelData, channelDataText);
        const grant = data ? grantOf(data.user_id, data.session) : undefined;
        if (grant) subscription = { type, grant };
      } else if (!verifyChannelAuth(this.app, this.socketId, channel, auth)) return denied();
    }
    if (subscription.grant && this.host.checkGrant) {
      const verdict = await this.host.checkGrant(this, subscription.grant, channel).catch(() => null);
      // The user could not be read (the database is down): refused for now with 503; the client may retry.
      if (verdict === null)
        return this.send(
          serverMessages.subscriptionError(channel, 'AuthError', 'Service temporarily unavailable', 503),
        );
      if (verdict === 'forbidden')
        return this.send(
          serverMessages.subscriptionError(channel, 'AuthError', 'Not allowed for your role', 403),
        );
      if (verdict !== 'ok') return this.close(closingVerdicts[verdict]);
    }

    if (existing) {
      // Already subscribed (a client retrying): confirm again without counting twice.
      if (existing.type !== 'presence' || existing.userId === subscription.userId) {
        const presence = existing.type === 'presence' ? await this.host.presence(this, channel) : undefined;
        return this.send(serverMessages.subscriptionSucceeded(channel, presence));
      }
      await this.host.leave(this, channel, existing);
      this.subscriptions.delete(channel);
    }
    this.subscriptions.set(channel, subscription);
    const result = await this.host.join(this, channel, subscription, userInfo);
    if (!result.ok) {
      this.subscriptions.delete(channel);
      return this.send(serverMessages.subscriptionError(channel, result.type, result.error, result.status));
    }
    if (this.#phase.name === 'open')
      this.send(serverMessages.subscriptionSucceeded(channel, result.presence));
  }

  async #unsubscribe(channel: string): Promise<void> {
    const subscription = this.subscriptions.get(channel);
    if (!subscription) return;
    this.subscriptions.delete(channel);
    await this.host.leave(this, channel, subscription);
  }

  async #signin(auth: string, userDataText: string): Promise<void> {
    const data = parseJsonText(userData, userDataText);
    if (!data || !verifyUserAuth(this.app, this.socketId, auth, userDataText))
      return this.close(pusherCodes.unauthorized, 'Invalid signin signature or user_data');
    const grant = grantOf(data.id, data.session);
    if (grant && this.host.checkGrant) {
      const verdict = await this.host.checkGrant(this, grant, null).catch(() => null);
      if (verdict === null) return this.send(serverMessages.error(null, 'Service temporarily unavailable'));
      if (verdict !== 'ok' && verdict !== 'forbidden') return this.close(closingVerdicts[verdict]);
    }
    // Signing in again as someone else ends the previous user's channel on this connection.
    if (this.user && this.user.id !== data.id) await this.#unsubscribe(userChannel(this.user.id));
    this.user = grant ? { id: data.id, info: data.user_info, grant } : { id: data.id, info: data.user_info };
    this.host.signedIn(this, data.id);
    this.send(serverMessages.signinSuccess(userDataText));
    // A signed-in connection receives the user's events (`sendToUser`) whether or not the client also
    // subscribes to #server-to-user-{id} itself (pusher-js does, raw protocol clients need not): as Pusher does.
    const channel = userChannel(data.id);
    if (this.subscriptions.has(channel)) return;
    const subscription: Subscription = { type: 'user' };
    this.subscriptions.set(channel, subscription);
    const joined = await this.host.join(this, channel, subscription);
    if (!joined.ok) this.subscriptions.delete(channel);
  }

  #clientEvent(event: string, channel: string, data: unknown): void {
    const problem = this.#clientEventProblem(channel, data);
    if (problem) {
      this.send(serverMessages.error(problem.code, problem.message));
      return;
    }
    this.host.clientEvent(this, channel, event, data, this.subscriptions.get(channel)?.userId);
  }

  #clientEventProblem(channel: string, data: unknown): { code: number | null; message: string } | null {
    if (!this.app.clientEvents) return { code: null, message: 'Client events are not enabled for this app' };
    if (!isAuthenticatedChannel(channelType(channel)))
      return {
        code: null,
        message: 'Client event rejected - only supported on private and presence channels',
      };
    if (!this.subscriptions.has(channel))
      return { code: null, message: `Client event rejected - not subscribed to ${channel}` };
    if (this.host.acceptsClientEvents?.(this, channel) === false)
      return { code: null, message: `Client event rejected - ${channel} is written by the server only` };
    const size = Buffer.byteLength(typeof data === 'string' ? data : JSON.stringify(data ?? null));
    if (size > this.app.maxEventPayloadBytes)
      return {
        code: null,
        message: `Client event rejected - data exceeds ${this.app.maxEventPayloadBytes} bytes`,
      };
    if (!this.#clientEvents.take()) return pusherCodes.rateLimited;
    return null;
  }
}
