import { z } from 'zod';
import { insertDraftOrder } from '../db/queries/order-create';
import type { WriteFailure } from '../db/queries/write-outcome';
import { runInTransaction } from '../db/queries/write-outcome';
import type { ErrorCode } from '../realtime/protocol/codes';
import { type CatalogActor, isEntityId, mayWrite } from './access';
import type { CatalogDeps } from './deps';
import { type OrderSummaryDto, type StockItem, toOrderSummaryDto } from './dto';
import type { FieldChanges } from './events';
import { enqueueOrderListEvent, type OrderListItem } from './order-events';
import { fail, forbidden, fromWriteFailure, notFound, ok, type Result, validationFailed } from './result';
import { orderCreateInput, orderStatusInput } from './schemas';

export type OrderStatusResult = { order: OrderSummaryDto; changes: FieldChanges; stock: StockItem[] };

const statusOf: Partial<Record<ErrorCode, number>> = {
  VALIDATION: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  STALE_VERSION: 409,
  LOCKED: 409,
  CONFLICT: 409,
};

const orderStatus = z.enum(['draft', 'pending', 'confirmed', 'shipped', 'delivered', 'cancelled']);
/** The write failures a sync status change reports in its refusal's details. */
const syncWriteFailure = z.discriminatedUnion('reason', [
  z.object({
    reason: z.literal('invalid_transition'),
    from: orderStatus,
    to: orderStatus,
    allowed: z.array(orderStatus),
  }),
  z.object({
    reason: z.literal('insufficient_stock'),
    items: z.array(
      z.object({ productId: z.string(), sku: z.string(), requested: z.number(), available: z.number() }),
    ),
  }),
]) satisfies z.ZodType<WriteFailure>;

/** A refusal of the sync commit as the catalog answers it: the transition and stock reasons as everywhere else. */
function fromSyncRefusal<T>(error: { code: ErrorCode; message: string; details?: unknown }): Result<T> {
  const details = z.record(z.string(), z.unknown()).safeParse(error.details).data;
  const failure = syncWriteFailure.safeParse(details);
  if (failure.success) return fromWriteFailure<T>('Order', failure.data);
  if (error.code === 'NOT_FOUND') return notFound<T>('Order');
  if (error.code === 'STALE_VERSION')
    return fail<T>('STALE_VERSION', 409, 'Order was changed by someone else; reload and retry', details);
  return fail<T>(error.code, statusOf[error.code] ?? 500, error.message, details);
}

export function createOrderService(deps: CatalogDeps) {
  return {
    /**
     * A new draft order (admin, sales): the customer and products of the caller's tenant, each line at the
     * product's price now. The order and its `order.created` event commit together (outbox); the relay publishes it.
     */
    async create(actor: CatalogActor, input: unknown): Promise<Result<OrderListItem>> {
      if (!mayWrite(actor)) return forbidden();
      const parsed = orderCreateInput.safeParse(input);
      if (!parsed.success) return validationFailed(parsed.error);
      const { customerId, shippingAddress, notes, lines } = parsed.data;
      const outcome = await runInTransaction(deps.db, async (tx) => {
        const order = await insertDraftOrder(tx, actor.tenantId, {
          customerId,
          notes,
          lines,
          createdBy: actor.id,
          ...(shippingAddress ? { shippingAddress } : {}),
        });
        const item = await enqueueOrderListEvent(tx, actor.tenantId, order.id, actor, 'order.created', []);
        if (!item) throw new Error('created order vanished');
        return item;
      });
      if (!outcome.ok) return fromWriteFailure('Customer', outcome);
      await deps.outbox?.flush();
      return ok(outcome.value);
    },

    /**
     * Moves an order along the transition table; confirming, shipping and cancelling move stock with it. Committed
     * by the sync service (lib/sync), like the order editor's status change: a history row and a new version,
     * `sync.change` for open editors, the status lock respected, and the catalog events published there (not here).
     */
    async changeStatus(actor: CatalogActor, id: string, input: unknown): Promise<Result<OrderStatusResult>> {
      if (!mayWrite(actor)) return forbidden();
      const parsed = orderStatusInput.safeParse(input);
      if (!parsed.success) return validationFailed(parsed.error);
      if (!isEntityId(id)) return notFound('Order');
      const outcome = await deps.sync.changeStatus(
        {
          user: { id: actor.id, name: actor.name, role: actor.role, tenantId: actor.tenantId },
          connectionId: null,
        },
        { entityId: id, ...parsed.data },
      );
      if (!outcome.ok) return fromSyncRefusal(outcome.error);
      const { change, order, stock, publishError } = outcome.value;
      if (publishError !== undefined)
        deps.logger?.error({ err: publishError, orderId: id }, 'catalog event publish failed');
      const changes: FieldChanges = {
        status: { before: change.before, after: change.after },
        version: { before: change.version - 1, after: change.version },
      };
      return ok({ order: toOrderSummaryDto(order), changes, stock });
    },
  };
}

export type OrderService = ReturnType<typeof createOrderService>;
