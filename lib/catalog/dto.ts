import type { Customer, Order, Product } from '../db/schema';

/** What the API and the events show of an entity: never the tenant id, dates as ISO strings. */
export type ProductDto = Omit<Product, 'tenantId' | 'createdAt' | 'updatedAt'> & {
  available: number;
  lowStock: boolean;
  createdAt: string;
  updatedAt: string;
};
export type CustomerDto = Omit<Customer, 'tenantId' | 'createdAt' | 'updatedAt'> & {
  createdAt: string;
  updatedAt: string;
};
export type OrderSummaryDto = Pick<Order, 'id' | 'number' | 'status' | 'customerId' | 'version'> & {
  updatedAt: string;
};

export function toProductDto(product: Product): ProductDto {
  const { tenantId: _tenant, createdAt, updatedAt, ...rest } = product;
  const available = product.stock - product.reserved;
  return {
    ...rest,
    available,
    lowStock: available <= product.lowStockThreshold,
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
  };
}

export function toCustomerDto(customer: Customer): CustomerDto {
  const { tenantId: _tenant, createdAt, updatedAt, ...rest } = customer;
  return { ...rest, createdAt: createdAt.toISOString(), updatedAt: updatedAt.toISOString() };
}

export function toOrderSummaryDto(order: Order): OrderSummaryDto {
  return {
    id: order.id,
    number: order.number,
    status: order.status,
    customerId: order.customerId,
    version: order.version,
    updatedAt: order.updatedAt.toISOString(),
  };
}

/** One product's stock as the `inventory` channel carries it. */
export type StockItem = {
  productId: string;
  sku: string;
  stock: number;
  reserved: number;
  available: number;
  lowStock: boolean;
  version: number;
};

export function stockItem(p: {
  productId: string;
  sku: string;
  stock: number;
  reserved: number;
  lowStockThreshold: number;
  version: number;
}): StockItem {
  const available = p.stock - p.reserved;
  return {
    productId: p.productId,
    sku: p.sku,
    stock: p.stock,
    reserved: p.reserved,
    available,
    lowStock: available <= p.lowStockThreshold,
    version: p.version,
  };
}

export const stockItemOfProduct = (product: Product): StockItem =>
  stockItem({ ...product, productId: product.id });
