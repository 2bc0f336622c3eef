import type { Logger } from '../logger';
import type { PusherApp, WebhookEventName } from './config';
import { signWebhook } from './signatures';

export type WebhookEvent =
  | { name: 'channel_occupied' | 'channel_vacated'; channel: string }
  | { name: 'member_added' | 'member_removed'; channel: string; user_id: string }
  | {
      name: 'client_event';
      channel: string;
      event: string;
      data: string;
      socket_id: string;
      user_id?: string;
    };

export type WebhookOptions = {
  logger: Logger;
  /** Attempts per request, the first included. */
  attempts?: number;
  /** Delay before the first retry; doubled for each further one. */
  backoffMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  onOutcome?: (outcome: 'sent' | 'dropped') => void;
};

type Batch = { app: PusherApp; url: string; events: WebhookEvent[] };

/**
 * Sends webhooks as Pusher does (POST `{time_ms, events}`, X-Pusher-Key, X-Pusher-Signature = HMAC-SHA256 of the
 * body with the app secret). Events of one tick are batched per URL; failures are retried with exponential
 * back-off. Nothing here is awaited by message delivery.
 */
export class WebhookSender {
  readonly #pending = new Map<string, Batch>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #flushScheduled = false;
  #closed = false;
  readonly #attempts: number;
  readonly #backoffMs: number;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(private readonly options: WebhookOptions) {
    this.#attempts = options.attempts ?? 5;
    this.#backoffMs = options.backoffMs ?? 1000;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#fetch = options.fetch ?? fetch;
  }

  emit(app: PusherApp, event: WebhookEvent): void {
    if (this.#closed) return;
    for (const hook of app.webhooks) {
      if (!hook.events.includes(event.name as WebhookEventName)) continue;
      const id = `${app.id}\n${hook.url}`;
      let batch = this.#pending.get(id);
      if (!batch) {
        batch = { app, url: hook.url, events: [] };
        this.#pending.set(id, batch);
      }
      batch.events.push(event);
    }
    if (this.#pending.size > 0 && !this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batches = [...this.#pending.values()];
    this.#pending.clear();
    for (const batch of batches)
      this.#track(this.#send(batch, JSON.stringify({ time_ms: Date.now(), events: batch.events }), 1));
  }

  #track(promise: Promise<void>): void {
    this.#inFlight.add(promise);
    void promise.finally(() => this.#inFlight.delete(promise));
  }

  async #send(batch: Batch, body: string, attempt: number): Promise<void> {
    try {
      const response = await this.#fetch(batch.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-pusher-key': batch.app.key,
          'x-pusher-signature': signWebhook(batch.app.secret, body),
        },
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) {
        this.options.onOutcome?.('sent');
        return;
      }
      throw new Error(`HTTP ${response.status}`);
    } catch (error) {
      if (this.#closed || attempt >= this.#attempts) {
        this.options.logger.warn({ url: batch.url, attempt, err: String(error) }, 'pusher webhook dropped');
        this.options.onOutcome?.('dropped');
        return;
      }
      const delay = this.#backoffMs * 2 ** (attempt - 1);
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        this.#track(this.#send(batch, body, attempt + 1));
      }, delay);
      timer.unref();
      this.#timers.add(timer);
    }
  }

  async close(): Promise<void> {
    if (this.#pending.size > 0) this.#flush();
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    await Promise.allSettled([...this.#inFlight]);
  }
}
