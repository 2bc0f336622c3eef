import { count, eq } from 'drizzle-orm';
import { hashPassword } from '../auth/password';
import type { Db } from './create-db';
import { customers, orderLines, orders, products, tenants, users } from './schema';
import {
  DEMO_PASSWORD,
  makeProducts,
  seedCustomers,
  seededRandom,
  seedNotes,
  seedStatuses,
  seedTenants,
} from './seed-data';
import { seedStory } from './seed-story';

/** Fills an empty database with two tenants of demo data. Does nothing when tenants exist. */
export async function seedIfEmpty(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(tenants);
  if ((row?.n ?? 0) > 0) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const random = seededRandom(20261121);
  const now = new Date();
  await db.transaction(async (tx) => {
    for (const [tenantIndex, spec] of seedTenants.entries()) {
      const [tenant] = await tx.insert(tenants).values({ slug: spec.slug, name: spec.name }).returning();
      if (!tenant) throw new Error('tenant insert returned nothing');
      const tenantUsers = await tx
        .insert(users)
        .values(spec.users.map((u) => ({ ...u, tenantId: tenant.id, passwordHash })))
        .returning();
      const skuPrefix = tenantIndex === 0 ? 'SIA' : 'NWT';
      const tenantProducts = await tx
        .insert(products)
        .values(makeProducts(spec.products, skuPrefix, random).map((p) => ({ ...p, tenantId: tenant.id })))
        .returning();
      const tenantCustomers = await tx
        .insert(customers)
        .values(
          seedCustomers
            .slice(0, tenantIndex === 0 ? seedCustomers.length : 3)
            .map((c) => ({ ...c, tenantId: tenant.id })),
        )
        .returning();
      const staff = tenantUsers.filter((u) => u.role !== 'viewer');
      const reservedByProduct = new Map<string, number>();
      const tenantOrders: NonNullable<Parameters<typeof seedStory>[1]['orders']> = [];
      for (let i = 0; i < spec.orders; i++) {
        const customer = tenantCustomers[i % tenantCustomers.length]!;
        const createdAt = new Date(
          Date.UTC(2026, 9, 1) + i * 36 * 3600 * 1000 + Math.floor(random() * 3600_000),
        );
        const [order] = await tx
          .insert(orders)
          .values({
            tenantId: tenant.id,
            number: `${skuPrefix}-SO-${String(2401 + i)}`,
            status: seedStatuses[i % seedStatuses.length]!,
            customerId: customer.id,
            shippingAddress: customer.address,
            notes: seedNotes[i % seedNotes.length]!,
            createdBy: staff[i % staff.length]!.id,
            createdAt,
            updatedAt: createdAt,
          })
          .returning();
        if (!order) throw new Error('order insert returned nothing');
        tenantOrders.push(order);
        const lineCount = 1 + Math.floor(random() * 4);
        const chosen = new Set<number>();
        while (chosen.size < lineCount) chosen.add(Math.floor(random() * tenantProducts.length));
        // A confirmed order holds a reservation on its stock, as a confirmation made in the app would.
        const reserves = order.status === 'confirmed';
        const lines = [...chosen].flatMap((index) => {
          const product = tenantProducts[index]!;
          const wanted = 1 + Math.floor(random() * 12);
          const available = (product.stock ?? 0) - (reservedByProduct.get(product.id) ?? 0);
          const quantity = reserves ? Math.min(wanted, available) : wanted;
          if (quantity < 1) return [];
          if (reserves)
            reservedByProduct.set(product.id, (reservedByProduct.get(product.id) ?? 0) + quantity);
          return [{ product, quantity }];
        });
        if (lines.length === 0) {
          const fallback = tenantProducts.find((p) => p.stock - (reservedByProduct.get(p.id) ?? 0) >= 1)!;
          if (reserves) reservedByProduct.set(fallback.id, (reservedByProduct.get(fallback.id) ?? 0) + 1);
          lines.push({ product: fallback, quantity: 1 });
        }
        await tx.insert(orderLines).values(
          lines.map(({ product, quantity }, position) => ({
            tenantId: tenant.id,
            orderId: order.id,
            productId: product.id,
            quantity,
            unitPriceMinor: product.priceMinor,
            position,
          })),
        );
      }
      for (const [productId, reserved] of reservedByProduct) {
        await tx.update(products).set({ reserved }).where(eq(products.id, productId));
      }
      await seedStory(tx, {
        tenantId: tenant.id,
        people: tenantUsers,
        orders: tenantOrders,
        products: tenantProducts,
        addCustomers: tenantIndex === 0,
        now,
      });
    }
  });
  return true;
}
