import { findProduct } from '../db/queries/catalog-reads';
import {
  type BulkItem,
  bulkUpdateProducts,
  createProduct,
  deleteProduct,
  updateProduct,
} from '../db/queries/product-writes';
import type { Product } from '../db/schema';
import { type CatalogActor, isEntityId, mayWrite } from './access';
import type { CatalogDeps } from './deps';
import { type ProductDto, stockItem, stockItemOfProduct, toProductDto } from './dto';
import { type CatalogEvent, eventBase, type FieldChanges, type PriceItem, publishAll } from './events';
import {
  type CatalogError,
  forbidden,
  fromWriteFailure,
  notFound,
  ok,
  type Result,
  tooLarge,
  validationFailed,
} from './result';
import {
  type BulkOperationInput,
  bulkUpdateInput,
  MAX_BULK_IDS,
  productCreateInput,
  productDeleteInput,
  productPatchInput,
} from './schemas';

export type ProductUpdateResult = { product: ProductDto; changes: FieldChanges };
export type BulkUpdateResult = {
  count: number;
  operation: BulkOperationInput;
  items: { id: string; version: number; changes: FieldChanges }[];
};

const priceItem = (p: Product, beforeMinor: number): PriceItem => ({
  productId: p.id,
  sku: p.sku,
  beforeMinor,
  afterMinor: p.priceMinor,
  version: p.version,
});

export function createProductService(deps: CatalogDeps) {
  const publish = (actor: CatalogActor, events: CatalogEvent[]) =>
    publishAll(deps.publish, deps.logger, actor.tenantId, actor, events);

  return {
    async get(actor: CatalogActor, id: string): Promise<Result<ProductDto>> {
      if (!isEntityId(id)) return notFound('Product');
      const product = await findProduct(deps.db, actor.tenantId, id);
      return product ? ok(toProductDto(product)) : notFound('Product');
    },

    async create(actor: CatalogActor, input: unknown): Promise<Result<ProductDto>> {
      if (!mayWrite(actor)) return forbidden();
      const parsed = productCreateInput.safeParse(input);
      if (!parsed.success) return validationFailed(parsed.error);
      const outcome = await createProduct(deps.db, actor.tenantId, parsed.data);
      if (!outcome.ok) return fromWriteFailure('Product', outcome);
      const product = outcome.value;
      const dto = toProductDto(product);
      const base = eventBase(actor);
      await publish(actor, [
        {
          channel: 'products',
          event: 'product.created',
          data: { ...base, id: product.id, version: product.version, product: dto },
        },
        {
          channel: 'inventory',
          event: 'stock.changed',
          data: {
            ...base,
            cause: { kind: 'product.created', productIds: [product.id] },
            items: [stockItemOfProduct(product)],
          },
        },
      ]);
      return ok(dto);
    },

    async update(actor: CatalogActor, id: string, input: unknown): Promise<Result<ProductUpdateResult>> {
      if (!mayWrite(actor)) return forbidden();
      const parsed = productPatchInput.safeParse(input);
      if (!parsed.success) return validationFailed(parsed.error);
      if (!isEntityId(id)) return notFound('Product');
      const { expectedVersion, changes: patch } = parsed.data;
      const outcome = await updateProduct(deps.db, actor.tenantId, id, expectedVersion, patch);
      if (!outcome.ok) return fromWriteFailure('Product', outcome);
      const { before, after, changes } = outcome.value;
      const dto = toProductDto(after);
      const base = eventBase(actor);
      const updated = { ...base, id, version: after.version, changes: changes as FieldChanges, product: dto };
      const events: CatalogEvent[] = [
        { channel: 'products', event: 'product.updated', data: updated },
        { channel: `product:${id}`, event: 'product.updated', data: updated },
      ];
      if (changes.stock) {
        const stock = {
          ...base,
          cause: { kind: 'product.updated' as const, productIds: [id] },
          items: [stockItemOfProduct(after)],
        };
        events.push({ channel: 'inventory', event: 'stock.changed', data: stock });
        events.push({ channel: `product:${id}`, event: 'stock.changed', data: stock });
      }
      if (changes.priceMinor)
        events.push({
          channel: 'pricing',
          event: 'price.changed',
          data: {
            ...base,
            cause: { kind: 'product.updated', productIds: [id] },
            items: [priceItem(after, before.priceMinor)],
          },
        });
      await publish(actor, events);
      return ok({ product: dto, changes: changes as FieldChanges });
    },

    async remove(
      actor: CatalogActor,
      id: string,
      input: unknown = {},
    ): Promise<Result<{ id: string; version: number }>> {
      if (!mayWrite(actor)) return forbidden();
      const parsed = productDeleteInput.safeParse(input ?? {});
      if (!parsed.success) return validationFailed(parsed.error);
      if (!isEntityId(id)) return notFound('Product');
      const outcome = await deleteProduct(deps.db, actor.tenantId, id, parsed.data.expectedVersion);
      if (!outcome.ok) return fromWriteFailure('Product', outcome);
      const product = outcome.value;
      const data = {
        ...eventBase(actor),
        id,
        version: product.version,
        sku: product.sku,
        name: product.name,
      };
      await publish(actor, [
        { channel: 'products', event: 'product.deleted', data },
        { channel: `product:${id}`, event: 'product.deleted', data },
      ]);
      return ok({ id, version: product.version });
    },

    async bulkUpdate(actor: CatalogActor, input: unknown): Promise<Result<BulkUpdateResult>> {
      if (!mayWrite(actor)) return forbidden();
      const ids = (input as { ids?: unknown } | null)?.ids;
      if (Array.isArray(ids) && ids.length > MAX_BULK_IDS)
        return tooLarge(`At most ${MAX_BULK_IDS} products per bulk update`, {
          max: MAX_BULK_IDS,
          received: ids.length,
        });
      const parsed = bulkUpdateInput.safeParse(input);
      if (!parsed.success) return validationFailed(parsed.error);
      const { operation } = parsed.data;
      const outcome = await bulkUpdateProducts(deps.db, actor.tenantId, parsed.data.ids, operation);
      if (!outcome.ok) return fromWriteFailure('Product', outcome);
      const items = outcome.value.map((item) => ({
        id: item.id,
        version: item.version,
        changes: item.changes as FieldChanges,
      }));
      await publish(actor, bulkEvents(actor, operation, outcome.value));
      return ok({ count: items.length, operation, items });
    },
  };
}

function bulkEvents(actor: CatalogActor, operation: BulkOperationInput, rows: BulkItem[]): CatalogEvent[] {
  const base = eventBase(actor);
  const ids = rows.map((r) => r.id);
  const cause = { kind: 'product.bulk_updated' as const, productIds: ids };
  const events: CatalogEvent[] = [
    {
      channel: 'products',
      event: 'product.bulk_updated',
      data: {
        ...base,
        operation,
        count: rows.length,
        ids,
        items: rows.map((r) => ({ id: r.id, version: r.version, changes: r.changes as FieldChanges })),
      },
    },
  ];
  if (operation.kind === 'stock_adjust')
    events.push({
      channel: 'inventory',
      event: 'stock.changed',
      data: { ...base, cause, items: rows.map((r) => stockItem({ ...r, productId: r.id })) },
    });
  else
    events.push({
      channel: 'pricing',
      event: 'price.changed',
      data: {
        ...base,
        cause,
        items: rows.map((r) => ({
          productId: r.id,
          sku: r.sku,
          beforeMinor: r.changes.priceMinor?.before ?? r.priceMinor,
          afterMinor: r.priceMinor,
          version: r.version,
        })),
      },
    });
  // The entity rooms get their own copy, so a product page need not listen to the whole list.
  for (const r of rows)
    events.push({
      channel: `product:${r.id}`,
      event: 'product.updated',
      data: { ...base, id: r.id, version: r.version, changes: r.changes as FieldChanges, bulk: true },
    });
  return events;
}

export type ProductService = ReturnType<typeof createProductService>;
export type { CatalogError };
