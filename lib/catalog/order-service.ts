import { changeOrderStatus } from '../db/queries/order-status';
import { type CatalogActor, isEntityId, mayWrite } from './access';
import type { CatalogDeps } from './deps';
import { type OrderSummaryDto, type StockItem, stockItem, toOrderSummaryDto } from './dto';
import { type CatalogEvent, eventBase, type FieldChanges, publishAll } from './events';
import { forbidden, fromWriteFailure, notFound, ok, type Result, validationFailed } from './result';
import { orderStatusInput } from './schemas';

export type OrderStatusResult = { order: OrderSummaryDto; changes: FieldChanges; stock: StockItem[] };

export function createOrderService(deps: CatalogDeps) {
  return {
    /** Moves an order along the transition table; confirming, shipping and cancelling move stock with it. */
    async changeStatus(actor: CatalogActor, id: string, input: unknown): Promise<Result<OrderStatusResult>> {
      if (!mayWrite(actor)) return forbidden();
      const parsed = orderStatusInput.safeParse(input);
      if (!parsed.success) return validationFailed(parsed.error);
      if (!isEntityId(id)) return notFound('Order');
      const outcome = await changeOrderStatus(
        deps.db,
        actor.tenantId,
        id,
        parsed.data.status,
        parsed.data.expectedVersion,
      );
      if (!outcome.ok) return fromWriteFailure('Order', outcome);
      const { before, after } = outcome.value;
      const changes = outcome.value.changes as FieldChanges;
      const stock = outcome.value.stock.map(stockItem);
      const base = eventBase(actor);
      const data = {
        ...base,
        id,
        number: after.number,
        from: before.status,
        to: after.status,
        version: after.version,
        changes,
        stock,
      };
      const events: CatalogEvent[] = [
        { channel: 'orders', event: 'order.status_changed', data },
        { channel: `order:${id}`, event: 'order.status_changed', data },
      ];
      if (stock.length > 0) {
        const cause = {
          kind: 'order.status_changed' as const,
          orderId: id,
          from: before.status,
          to: after.status,
        };
        events.push({ channel: 'inventory', event: 'stock.changed', data: { ...base, cause, items: stock } });
        for (const item of stock)
          events.push({
            channel: `product:${item.productId}`,
            event: 'stock.changed',
            data: { ...base, cause, items: [item] },
          });
      }
      await publishAll(deps.publish, deps.logger, actor.tenantId, actor, events);
      return ok({ order: toOrderSummaryDto(after), changes, stock });
    },
  };
}

export type OrderService = ReturnType<typeof createOrderService>;
