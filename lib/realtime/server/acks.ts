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

/** The store's claim: in place when it answers in place; `failed` when a waiting store (Redis) fails. */
function claimOf(
  dedupe: DedupeStore,
  userId: string,
  id: string,
  failed: DedupeClaim,
): DedupeClaim | Promise<DedupeClaim> {
  const claim = dedupe.claim(userId, id);
  return claim instanceof Promise ? claim.catch(() => failed) : claim;
}

/** A waiting store's write with its failure ignored, as before; nothing when the store wrote in place. */
function quietly(write: Promise<void> | undefined): Promise<void> | undefined {
  return write?.catch(() => {});
}

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
    // Redis failing counts as a new message; a store that answers in place (memory, one node) costs no promise.
    const first = claimOf(dedupe, userId, id, { state: 'new' });
    let claim = first instanceof Promise ? await first : first;
    const { clock } = this.deps;
    const deadline = clock.now() + PENDING_ACK_WAIT_MS;
    while (claim.state === 'pending' && clock.now() < deadline) {
      await new Promise<void>((resolve) => clock.setTimeout(resolve, PENDING_ACK_POLL_MS));
      claim = await claimOf(dedupe, userId, id, { state: 'pending' });
    }
    if (claim.state === 'done') return void this.deps.send(conn, new OutFrame(claim.ack));
    if (claim.state === 'pending') return this.ackError(conn, id, 'UNAVAILABLE');
    let ack: string;
    try {
      const result = await run();
      ack = JSON.stringify({ type: 'ack', id, ok: true, ...(result === undefined ? {} : { result }) });
    } catch (error) {
      if (!(error instanceof RealtimeError)) {
        const released = quietly(dedupe.release(userId, id));
        if (released) await released;
        const unavailable = !this.deps.healthy() || isUnavailable(error);
        if (!unavailable) this.deps.logger.error({ err: (error as Error)?.message }, 'handler failed');
        return this.ackError(conn, id, unavailable ? 'UNAVAILABLE' : 'INTERNAL');
      }
      ack = errorAck(id, error.code, error.message, error.details);
    }
    const stored = quietly(dedupe.complete(userId, id, ack));
    if (stored) await stored;
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
