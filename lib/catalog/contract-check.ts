import type { z } from 'zod';
import type { orderListEventSchema } from '../live/order-contract';
import type {
  customerChangedEvent,
  orderStatusChangedEvent,
  productBulkUpdatedEvent,
  productCreatedEvent,
  productDeletedEvent,
  productUpdatedEvent,
  stockChangedEvent,
  stockItemSchema,
} from './contract';
import type { StockItem } from './dto';
import type {
  CustomerCreatedData,
  CustomerUpdatedData,
  OrderListEventData,
  OrderStatusChangedData,
  ProductBulkUpdatedData,
  ProductCreatedData,
  ProductDeletedData,
  ProductUpdatedData,
  StockChangedData,
} from './events';

/**
 * Compile-time proof that what the catalog publishes (lib/catalog/events.ts) is what the browser's contract reads
 * (lib/catalog/contract.ts): change a payload on either side so that they part, and `tsc` fails here.
 */
type Reads<Published, Contract extends z.ZodType> = Published extends z.input<Contract> ? true : false;
type Holds<T extends true> = T;

export type CatalogContractHolds = [
  Holds<Reads<ProductCreatedData, typeof productCreatedEvent>>,
  Holds<Reads<ProductUpdatedData, typeof productUpdatedEvent>>,
  Holds<Reads<ProductDeletedData, typeof productDeletedEvent>>,
  Holds<Reads<ProductBulkUpdatedData, typeof productBulkUpdatedEvent>>,
  Holds<Reads<StockChangedData, typeof stockChangedEvent>>,
  Holds<Reads<StockItem, typeof stockItemSchema>>,
  Holds<Reads<CustomerCreatedData, typeof customerChangedEvent>>,
  Holds<Reads<CustomerUpdatedData, typeof customerChangedEvent>>,
  Holds<Reads<OrderStatusChangedData, typeof orderStatusChangedEvent>>,
  Holds<Reads<OrderListEventData, typeof orderListEventSchema>>,
];
