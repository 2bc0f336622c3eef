// One editor of `npm run bench:sync`: a raw WebSocket (raw-client.ts, cheaper than the app's client) speaking the
// realtime protocol's subscribe/rpc frames, with the server's frames narrowed by small zod schemas.
import { z } from 'zod';
import { openRaw, type RawSocket } from './raw-client';

const errorBody = z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() });
const envelope = z.object({ type: z.string() });
const ackFrame = z.discriminatedUnion('ok', [
  z.object({ type: z.literal('ack'), id: z.string(), ok: z.literal(true), result: z.unknown().optional() }),
  z.object({ type: z.literal('ack'), id: z.string(), ok: z.literal(false), error: errorBody }),
]);
const subscribedFrame = z.object({ type: z.literal('subscribed'), id: z.string(), channel: z.string() });
const errorFrame = z.object({ type: z.literal('error'), id: z.string().optional(), error: errorBody });
const eventFrame = z.object({
  type: z.literal('event'),
  channel: z.string(),
  event: z.string(),
  data: z.unknown(),
});
const pingFrame = z.object({ type: z.literal('ping'), t: z.number() });

/** What the room's `sync.change` carries that the bench reads (lib/sync/protocol.ts appliedChangeSchema). */
const syncChange = z.object({ version: z.number().int(), clientChangeId: z.string(), at: z.number() });
const openAnswer = z.object({ version: z.number().int() });
const changeResult = z.discriminatedUnion('status', [
  z.object({ clientChangeId: z.string(), status: z.literal('applied'), version: z.number().int() }),
  z.object({ clientChangeId: z.string(), status: z.literal('conflict') }),
  z.object({ clientChangeId: z.string(), status: z.literal('rejected'), code: z.string() }),
]);
const pushAnswer = z.object({
  results: z.array(changeResult),
  changes: z.array(z.object({ version: z.number().int() })).optional(),
});
export type ChangeResult = z.infer<typeof changeResult>;

export type Reply = { ok: true; result: unknown } | { ok: false; code: string; details?: unknown };
export type PushReply =
  | { ok: true; results: ChangeResult[] }
  | { ok: false; code: string; message: string; details?: unknown };
export type ChangeEvent = z.infer<typeof syncChange> & { receivedAt: number };

const retryAfter = z.object({ retryAfterMs: z.number().nonnegative() });
/** The wait a retryable refusal asks for (`details.retryAfterMs`), else 50 ms. */
export function retryDelay(details: unknown): number {
  const parsed = retryAfter.safeParse(details);
  return parsed.success ? parsed.data.retryAfterMs : 50;
}
export const RETRYABLE = new Set(['RATE_LIMITED', 'UNAVAILABLE']);
/** Longest wait for a subscribe or sync.open answer, or for the welcome, while a run sets up. */
const SETUP_TIMEOUT = 30_000;

export class SyncEditor {
  /** The newest version this editor knows (from its acks and the room). */
  version = 0;
  /** `sync.change` versions in the order they arrived. */
  readonly received: number[] = [];
  onChange: ((change: ChangeEvent) => void) | undefined;
  private readonly pending = new Map<string, (reply: Reply) => void>();
  private welcomed: () => void = () => {};
  private counter = 0;
  private socket: RawSocket | undefined;
  /** Frames the bench could not read (a protocol change it does not follow). */
  unreadable = 0;
  closed = false;
  private wasWelcomed = false;

  private constructor(
    readonly label: string,
    readonly orderId: string,
  ) {}

  static async connect(port: number, cookie: string, label: string, orderId: string): Promise<SyncEditor> {
    const editor = new SyncEditor(label, orderId);
    const welcome = new Promise<void>((resolve) => {
      editor.welcomed = resolve;
    });
    editor.socket = await openRaw(port, '/ws?v=1', cookie, (buffer, start, end) =>
      editor.frame(buffer.toString('utf8', start, end)),
    );
    editor.socket.onClose = () => {
      editor.closed = true;
      for (const id of [...editor.pending.keys()]) editor.settle(id, { ok: false, code: 'CLOSED' });
      editor.welcomed();
    };
    const timer = setTimeout(() => editor.welcomed(), SETUP_TIMEOUT);
    await welcome;
    clearTimeout(timer);
    if (editor.closed || !editor.wasWelcomed) {
      editor.close();
      throw new Error(`${label}: no welcome (connection closed or timed out)`);
    }
    return editor;
  }

  private frame(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.unreadable++;
      return;
    }
    const type = envelope.safeParse(message);
    if (!type.success) {
      this.unreadable++;
      return;
    }
    switch (type.data.type) {
      case 'event': {
        const event = eventFrame.safeParse(message);
        if (!event.success || event.data.event !== 'sync.change') return;
        const change = syncChange.safeParse(event.data.data);
        if (!change.success) {
          this.unreadable++;
          return;
        }
        this.received.push(change.data.version);
        if (change.data.version > this.version) this.version = change.data.version;
        this.onChange?.({ ...change.data, receivedAt: performance.now() });
        return;
      }
      case 'ack': {
        const ack = ackFrame.safeParse(message);
        if (!ack.success) {
          this.unreadable++;
          return;
        }
        this.settle(
          ack.data.id,
          ack.data.ok
            ? { ok: true, result: ack.data.result }
            : { ok: false, code: ack.data.error.code, details: ack.data.error.details },
        );
        return;
      }
      case 'subscribed': {
        const subscribed = subscribedFrame.safeParse(message);
        if (subscribed.success) this.settle(subscribed.data.id, { ok: true, result: null });
        return;
      }
      case 'error': {
        const error = errorFrame.safeParse(message);
        if (error.success && error.data.id)
          this.settle(error.data.id, {
            ok: false,
            code: error.data.error.code,
            details: error.data.error.details,
          });
        return;
      }
      case 'ping': {
        const ping = pingFrame.safeParse(message);
        if (ping.success) this.socket?.send(JSON.stringify({ type: 'pong', t: ping.data.t }));
        return;
      }
      case 'welcome':
        this.wasWelcomed = true;
        this.welcomed();
        return;
      default:
        return;
    }
  }

  private settle(id: string, reply: Reply): void {
    const resolve = this.pending.get(id);
    if (!resolve) return;
    this.pending.delete(id);
    resolve(reply);
  }

  /** Sends a frame with a new id; with `timeoutMs`, a missing answer becomes `TIMEOUT` (setup only). */
  private request(message: Record<string, unknown>, timeoutMs?: number): Promise<Reply> {
    const id = `${this.label}.${++this.counter}`;
    if (this.closed) return Promise.resolve({ ok: false, code: 'CLOSED' });
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.socket?.send(JSON.stringify({ ...message, id }));
      if (timeoutMs !== undefined)
        setTimeout(() => this.settle(id, { ok: false, code: 'TIMEOUT' }), timeoutMs).unref();
    });
  }

  /** Subscribes to the order's room, then opens it (its version is where this editor starts). */
  async open(): Promise<void> {
    const subscribed = await this.request(
      { type: 'subscribe', channel: `order:${this.orderId}` },
      SETUP_TIMEOUT,
    );
    if (!subscribed.ok) throw new Error(`subscribe refused: ${subscribed.code}`);
    const reply = await this.request(
      {
        type: 'rpc',
        method: 'sync.open',
        params: { entityType: 'order', entityId: this.orderId },
      },
      SETUP_TIMEOUT,
    );
    if (!reply.ok) throw new Error(`sync.open refused: ${reply.code}`);
    const opened = openAnswer.parse(reply.result);
    this.version = Math.max(this.version, opened.version);
  }

  /** One keystroke: a character typed at the start of the notes (an OT text op), based on the newest version. */
  async push(clientChangeId: string, character: string): Promise<PushReply> {
    const reply = await this.request({
      type: 'rpc',
      method: 'sync.push',
      params: {
        entityType: 'order',
        entityId: this.orderId,
        changes: [
          {
            clientChangeId,
            baseVersion: this.version,
            field: 'notes',
            op: { type: 'text', op: [character] },
          },
        ],
      },
    });
    if (!reply.ok) return { ok: false, code: reply.code, message: reply.code, details: reply.details };
    const answer = pushAnswer.safeParse(reply.result);
    if (!answer.success) return { ok: false, code: 'UNREADABLE', message: answer.error.message };
    for (const change of answer.data.changes ?? [])
      if (change.version > this.version) this.version = change.version;
    for (const result of answer.data.results)
      if (result.status === 'applied' && result.version > this.version) this.version = result.version;
    return { ok: true, results: answer.data.results };
  }

  /** Requests still waiting for their answer. */
  get outstanding(): number {
    return this.pending.size;
  }

  close(): void {
    this.socket?.close();
  }
}
