import type { Logger } from '../../logger';
import { isUnavailable } from '../../server/faults';
import type { DedupeClaim, DedupeStore } from '../bus';
import { type ErrorCode, errorCodes } from '../protocol';
import type { Clock } from './clock';
import type { Connection } from './connection';
import { errorAck } from './envelope';
import { RealtimeError } from './errors';
import { OutFrame } from './socket';

const PENDING_ACK_WAIT_MS = 5_000;
const PENDING_ACK_POLL_MS = 25;

/** Acks for client messages, with the dedupe that makes a retried message take effect once. */
export class Acknowledger {
  constructor(
    private readonly deps: {
      dedupe: DedupeStore;
      logger: Logger;
      clock: Clock;
      healthy(): boolean;
      send(conn: Connection, frame: OutFrame): boolean;
    },
  ) {}

  /** Runs a change once per client message id (per user, across nodes): a retry gets the first answer again. */
  async once(conn: Connection, id: string, run: () => Promise<unknown>): Promise<void> {
    const { dedupe } = this.deps;
    // The bus (Redis) is down: answer at once rather than after every command's retries (seconds each); the
    // client retries with the same id, and dedupe and fan-out work again once it is back.
    if (!this.deps.healthy()) return this.ackError(conn, id, 'UNAVAILABLE');
    const userId = conn.user.id;
    // A store that answers in place (memory, one node) costs no promise; Redis failing counts as a new message.
    const first = dedupe.claim(userId, id);
    let claim = first instanceof Promise ? await first.catch((): DedupeClaim => ({ state: 'new' })) : first;
    const { clock } = this.deps;
    const deadline = clock.now() + PENDING_ACK_WAIT_MS;
    while (claim.state === 'pending' && clock.now() < deadline) {
      await new Promise<void>((resolve) => clock.setTimeout(resolve, PENDING_ACK_POLL_MS));
      claim = await Promise.resolve(dedupe.claim(userId, id)).catch(
        (): DedupeClaim => ({ state: 'pending' }),
      );
    }
    if (claim.state === 'done') return void this.deps.send(conn, new OutFrame(claim.ack));
    if (claim.state === 'pending') return this.ackError(conn, id, 'UNAVAILABLE');
    let ack: string;
    try {
      const result = await run();
      ack = JSON.stringify({ type: 'ack', id, ok: true, ...(result === undefined ? {} : { result }) });
    } catch (error) {
      if (!(error instanceof RealtimeError)) {
        await dedupe.release(userId, id)?.catch(() => {});
        const unavailable = !this.deps.healthy() || isUnavailable(error);
        if (!unavailable) this.deps.logger.error({ err: (error as Error)?.message }, 'handler failed');
        return this.ackError(conn, id, unavailable ? 'UNAVAILABLE' : 'INTERNAL');
      }
      ack = errorAck(id, error.code, error.message, error.details);
    }
    const stored = dedupe.complete(userId, id, ack);
    if (stored) await stored.catch(() => {});
    this.deps.send(conn, new OutFrame(ack));
  }

  ack(conn: Connection, id: string, result?: unknown): void {
    if (!id) return;
    this.deps.send(
      conn,
      new OutFrame(
        JSON.stringify({ type: 'ack', id, ok: true, ...(result === undefined ? {} : { result }) }),
      ),
    );
  }

  ackError(conn: Connection, id: string, code: ErrorCode, details?: unknown): void {
    if (!id) return;
    this.deps.send(conn, new OutFrame(errorAck(id, code, errorCodes[code].reason, details)));
  }
}
