import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { CatalogActor } from '../../lib/catalog/access';
import type { Db } from '../../lib/db/create-db';
import { findUserForSignIn } from '../../lib/db/queries/users';
import { customers, type OrderStatus, orderLines, orders, products } from '../../lib/db/schema';
import type { PublishInput } from '../../lib/realtime/server';

/** The seeded users the catalog tests act as. */
export async function seededActors(db: Db) {
  const load = async (email: string): Promise<CatalogActor & { email: string }> => {
    const user = await findUserForSignIn(db, email);
    if (!user) throw new Error(`seed user ${email} missing`);
    return { id: user.id, tenantId: user.tenantId, name: user.name, role: user.role, email: user.email };
  };
  return {
    admin: await load('admin@siam.example'),
    sales: await load('anna@siam.example'),
    sales2: await load('napa@siam.example'),
    viewer: await load('viewer@siam.example'),
    otherAdmin: await load('olivia@northwind.example'),
  };
}

/** A publish that records what the services hand the hub (the services' only outward seam). */
export function recordingPublisher() {
  const published: PublishInput[] = [];
  return {
    published,
    publish: async (input: PublishInput) => {
      published.push(input);
      return { epoch: 'test', seq: published.length };
    },
    of: (event: string, channel?: string) =>
      published.filter((p) => p.event === event && (channel === undefined || p.channel === channel)),
    clear: () => {
      published.length = 0;
    },
  };
}

export async function insertProduct(
  db: Db,
  tenantId: string,
  values: { stock: number; reserved?: number; priceMinor?: number; sku?: string },
) {
  const [row] = await db
    .insert(products)
    .values({
      tenantId,
      sku: values.sku ?? `T-${randomUUID().slice(0, 8)}`,
      name: 'Test product',
      priceMinor: values.priceMinor ?? 10_000,
      stock: values.stock,
      reserved: values.reserved ?? 0,
    })
    .returning();
  return row!;
}

/** An order with the given lines, inserted directly (order creation is not part of the catalog writes). */
export async function insertOrder(
  db: Db,
  tenantId: string,
  lines: { productId: string; quantity: number }[],
  status: OrderStatus = 'pending',
) {
  const [customer] = await db.select().from(customers).where(eq(customers.tenantId, tenantId)).limit(1);
  const [order] = await db
    .insert(orders)
    .values({
      tenantId,
      number: `T-${randomUUID().slice(0, 12)}`,
      status,
      customerId: customer!.id,
      shippingAddress: customer!.address,
    })
    .returning();
  await db.insert(orderLines).values(
    lines.map((line, position) => ({
      tenantId,
      orderId: order!.id,
      productId: line.productId,
      quantity: line.quantity,
      unitPriceMinor: 10_000,
      position,
    })),
  );
  return order!;
}

export async function readProduct(db: Db, tenantId: string, id: string) {
  const [row] = await db
    .select()
    .from(products)
    .where(and(eq(products.tenantId, tenantId), eq(products.id, id)));
  return row;
}

export async function readOrder(db: Db, id: string) {
  const [row] = await db.select().from(orders).where(eq(orders.id, id));
  return row;
}
