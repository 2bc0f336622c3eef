import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../lib/auth/password';
import { findSessionUser, findUserForSignIn, listTenantUsers } from '../../lib/db/queries/users';
import { orderLines, orders, products, tenants } from '../../lib/db/schema';
import { DEMO_PASSWORD } from '../../lib/db/seed-data';
import { postgresAvailable } from '../support/services';
import { createTestDatabase, type TestDatabase, type TestDbKind } from '../support/test-db';

/** The same contract on every database backend. */
function dbContract(kind: TestDbKind) {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('seeds two tenants with staff, 50+ products and 20+ orders with lines', async () => {
    const all = await database.db.select().from(tenants);
    expect(all).toHaveLength(2);
    const first = all.find((t) => t.slug === 'siam-supply')!;
    const staff = await listTenantUsers(database.db, first.id);
    expect(staff.map((u) => u.role).sort()).toEqual(['admin', 'sales', 'sales', 'viewer']);
    expect(
      (await database.db.select().from(products).where(eq(products.tenantId, first.id))).length,
    ).toBeGreaterThan(50);
    const tenantOrders = await database.db.select().from(orders).where(eq(orders.tenantId, first.id));
    expect(tenantOrders.length).toBeGreaterThanOrEqual(20);
    expect(new Set(tenantOrders.map((o) => o.status)).size).toBeGreaterThan(3);
    const lines = await database.db
      .select()
      .from(orderLines)
      .where(eq(orderLines.orderId, tenantOrders[0]!.id));
    expect(lines.length).toBeGreaterThan(0);
  });

  it('stores hashed passwords only and finds the user of a session within its tenant', async () => {
    const user = await findUserForSignIn(database.db, ' Anna@Siam.example ');
    expect(user).not.toBeNull();
    expect(user!.passwordHash).not.toContain(DEMO_PASSWORD);
    expect(await verifyPassword(DEMO_PASSWORD, user!.passwordHash)).toBe(true);
    expect(await verifyPassword('wrong', user!.passwordHash)).toBe(false);
    expect(await findSessionUser(database.db, user!.id, user!.tenantId)).toMatchObject({ role: 'sales' });
    const other = await findUserForSignIn(database.db, 'olivia@northwind.example');
    expect(await findSessionUser(database.db, user!.id, other!.tenantId)).toBeNull();
  });

  it('seeds reservations that match the confirmed orders exactly', async () => {
    const reserved = await database.db
      .select({ productId: orderLines.productId, quantity: orderLines.quantity })
      .from(orderLines)
      .innerJoin(orders, eq(orders.id, orderLines.orderId))
      .where(eq(orders.status, 'confirmed'));
    const expected = new Map<string, number>();
    for (const line of reserved)
      expected.set(line.productId, (expected.get(line.productId) ?? 0) + line.quantity);
    expect(expected.size).toBeGreaterThan(0);
    for (const product of await database.db.select().from(products)) {
      expect(product.reserved).toBe(expected.get(product.id) ?? 0);
      expect(product.reserved).toBeLessThanOrEqual(product.stock);
    }
  });

  it('refuses negative stock at the database level', async () => {
    const [product] = await database.db.select().from(products).limit(1);
    await expect(
      database.db.update(products).set({ stock: -1 }).where(eq(products.id, product!.id)),
    ).rejects.toThrow();
  });
}

describe('database contract: PGlite', () => dbContract('pglite'));
describe.runIf(await postgresAvailable())('database contract: PostgreSQL', () => dbContract('postgres'));
