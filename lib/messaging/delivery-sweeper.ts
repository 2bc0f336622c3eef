import {
  deleteDeliveriesBefore,
  markDeliveriesFailed,
  recordRetry,
  stalePendingDeliveries,
} from '../db/queries/deliveries';
import { getMessage, receiptsFor } from '../db/queries/messages';
import { getNotification } from '../db/queries/notifications';
import type { DeliveryRecord } from '../db/schema';
import { NOTIFICATION_EVENT, type NotificationView } from '../notifications/contract';
import type { MessagingDeps } from './deps';

export type SweeperOptions = {
  /** A pending record not acknowledged for this long is sent again (while its user is online). */
  retryAfterMs: number;
  /** After this many retries without an acknowledgement the record is failed. */
  maxRetries: number;
  /** Records older than this are removed by the cleanup. */
  retentionMs: number;
  /** How often the sweep runs. */
  intervalMs: number;
};

export const defaultSweeperOptions: SweeperOptions = {
  retryAfterMs: 30_000,
  maxRetries: 5,
  retentionMs: 7 * 24 * 3600_000,
  intervalMs: 15_000,
};

/**
 * Keeps the delivery audit honest: re-sends what an online user's devices did not acknowledge, fails it after
 * the retries, and removes old records. An offline user's records stay pending until a device of theirs is back.
 */
export function createDeliverySweeper(deps: MessagingDeps, options: SweeperOptions) {
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<unknown> | undefined;

  async function resend(record: DeliveryRecord): Promise<boolean> {
    if (record.kind === 'message') {
      const message = await getMessage(deps.db, record.tenantId, record.refId);
      if (!message || message.deletedAt) return false;
      const receipts = await receiptsFor(deps.db, [message.id]);
      await deps.realtime.publish({
        tenantId: record.tenantId,
        channel: record.channel,
        event: 'message.new',
        data: {
          conversationId: message.conversationId,
          message: {
            ...message,
            seq: Number(message.seq),
            createdAt: message.createdAt.toISOString(),
            editedAt: message.editedAt?.toISOString() ?? null,
            deletedAt: null,
            receipts: receipts.map((r) => ({
              userId: r.userId,
              deliveredAt: r.deliveredAt?.toISOString() ?? null,
              readAt: r.readAt?.toISOString() ?? null,
            })),
          },
          retry: record.retryCount + 1,
        },
      });
      return true;
    }
    if (record.kind === 'notification') {
      const row = await getNotification(deps.db, record.refId);
      if (!row) return false;
      await deps.realtime.publish({
        tenantId: record.tenantId,
        channel: record.channel,
        event: NOTIFICATION_EVENT,
        data: {
          id: row.id,
          kind: row.kind,
          payload: row.payload,
          createdAt: row.createdAt.toISOString(),
          readAt: row.readAt?.toISOString() ?? null,
          silent: true,
          retry: record.retryCount + 1,
        } satisfies NotificationView & { retry: number },
      });
      return true;
    }
    return false;
  }

  async function sweep(): Promise<{ retried: number; failed: number; removed: number }> {
    const now = deps.now();
    const stale = await stalePendingDeliveries(deps.db, new Date(now - options.retryAfterMs), 200);
    const retried: string[] = [];
    const failed: string[] = [];
    const gone: string[] = [];
    for (const record of stale) {
      if (!(await deps.realtime.userStatus(record.tenantId, record.userId))) continue;
      if (record.retryCount >= options.maxRetries) {
        failed.push(record.id);
        continue;
      }
      if (await resend(record)) retried.push(record.id);
      else gone.push(record.id);
    }
    const at = new Date(now);
    await recordRetry(deps.db, retried, at);
    await markDeliveriesFailed(deps.db, failed, 'not acknowledged after retries', at);
    await markDeliveriesFailed(deps.db, gone, 'source no longer exists', at);
    const removed = await deleteDeliveriesBefore(deps.db, new Date(now - options.retentionMs));
    return { retried: retried.length, failed: failed.length + gone.length, removed };
  }

  return {
    sweep,
    start() {
      timer ??= setInterval(() => {
        running ??= sweep()
          .catch(() => undefined)
          .finally(() => {
            running = undefined;
          });
      }, options.intervalMs);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

export type DeliverySweeper = ReturnType<typeof createDeliverySweeper>;
