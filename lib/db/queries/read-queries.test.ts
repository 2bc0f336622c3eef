import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-db';
import { orders, products, tenants } from '../schema';
import { countCustomers, getCustomer, listCustomers } from './customers';
import { getOrder, listOrders, orderStats, recentOrders } from './orders';
import { containsPattern } from './pagination';
import { getProduct, isLowStock, listCategories, listProducts, lowStockProducts } from './products';

let database: TestDatabase;
let siam: string;
let northwind: string;

beforeAll(async () => {
  database = await createTestDatabase('pglite');
  const rows = await database.db.select().from(tenants);
  siam = rows.find((t) => t.slug === 'siam-supply')!.id;
  northwind = rows.find((t) => t.slug === 'northwind')!.id;
});
afterAll(() => database?.drop());

describe('orders', () => {
  it('lists one tenant only, newest first, paginated with a total', async () => {
    const first = await listOrders(database.db, siam, { page: 1, pageSize: 10 });
    expect(first.total).toBe(28);
    expect(first.pages).toBe(3);
    expect(first.rows).toHaveLength(10);
    expect(first.rows.every((row) => row.number.startsWith('SIA-'))).toBe(true);
    const times = first.rows.map((row) => row.createdAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const last = await listOrders(database.db, siam, { page: 3, pageSize: 10 });
    expect(last.rows).toHaveLength(8);
    const other = await listOrders(database.db, northwind, { page: 1, pageSize: 100 });
    expect(other.total).toBe(10);
    expect(other.rows.every((row) => row.number.startsWith('NWT-'))).toBe(true);
  });

  it('filters by status and searches number and customer', async () => {
    const pending = await listOrders(database.db, siam, { page: 1, pageSize: 100, status: 'pending' });
    expect(pending.total).toBeGreaterThan(0);
    expect(pending.rows.every((row) => row.status === 'pending')).toBe(true);
    const byNumber = await listOrders(database.db, siam, { page: 1, pageSize: 10, search: 'so-2405' });
    expect(byNumber.rows.map((row) => row.number)).toEqual(['SIA-SO-2405']);
    const byCustomer = await listOrders(database.db, siam, { page: 1, pageSize: 100, search: 'ศิริพร' });
    expect(byCustomer.total).toBeGreaterThan(0);
    expect(byCustomer.rows.every((row) => row.customerName === 'ศิริพร วงศ์ใหญ่')).toBe(true);
    const wildcard = await listOrders(database.db, siam, { page: 1, pageSize: 10, search: '%' });
    expect(wildcard.total).toBe(0);
  });

  it('totals agree between the list and the order page', async () => {
    const [row] = (await listOrders(database.db, siam, { page: 1, pageSize: 1 })).rows;
    const order = await getOrder(database.db, siam, row!.id);
    expect(order?.totalMinor).toBe(row!.totalMinor);
    expect(order?.lines.reduce((n, line) => n + line.quantity, 0)).toBe(row!.itemCount);
    expect(order?.lines.length).toBeGreaterThan(0);
    expect(order?.customer.name).toBe(row!.customerName);
  });

  it("never returns another tenant's order", async () => {
    const [foreign] = await database.db.select().from(orders).where(eq(orders.tenantId, northwind)).limit(1);
    expect(await getOrder(database.db, siam, foreign!.id)).toBeNull();
    expect(await getOrder(database.db, northwind, foreign!.id)).not.toBeNull();
  });

  it('counts per status and revenue of confirmed, shipped and delivered orders', async () => {
    const stats = await orderStats(database.db, siam);
    expect(stats.total).toBe(28);
    expect(Object.values(stats.counts).reduce((a, b) => a + b, 0)).toBe(28);
    const all = await listOrders(database.db, siam, { page: 1, pageSize: 100 });
    const expected = all.rows
      .filter((row) => ['confirmed', 'shipped', 'delivered'].includes(row.status))
      .reduce((sum, row) => sum + row.totalMinor, 0);
    expect(stats.revenueMinor).toBe(expected);
    expect(stats.revenueMinor).toBeGreaterThan(0);
    expect(await recentOrders(database.db, siam, 3)).toHaveLength(3);
  });
});

describe('products', () => {
  it('lists, searches and filters within the tenant', async () => {
    const page = await listProducts(database.db, siam, { page: 1, pageSize: 25 });
    expect(page.total).toBe(60);
    expect(page.rows.every((row) => row.sku.startsWith('SIA-'))).toBe(true);
    const search = await listProducts(database.db, siam, { page: 1, pageSize: 100, search: 'durian' });
    expect(search.total).toBeGreaterThan(0);
    expect(search.rows.every((row) => /durian/i.test(row.name))).toBe(true);
    const bySku = await listProducts(database.db, siam, { page: 1, pageSize: 10, search: 'SIA-1001' });
    expect(bySku.rows.map((row) => row.sku)).toEqual(['SIA-1001']);
    const snacks = await listProducts(database.db, siam, { page: 1, pageSize: 100, category: 'Snacks' });
    expect(snacks.total).toBe(10);
    const low = await listProducts(database.db, siam, { page: 1, pageSize: 100, lowStock: true });
    expect(low.total).toBeGreaterThan(0);
    expect(low.rows.every(isLowStock)).toBe(true);
    expect((await lowStockProducts(database.db, siam, 3)).total).toBe(low.total);
    expect(await listCategories(database.db, siam)).toHaveLength(6);
  });

  it("never returns another tenant's product", async () => {
    const [foreign] = await database.db
      .select()
      .from(products)
      .where(eq(products.tenantId, northwind))
      .limit(1);
    expect(await getProduct(database.db, siam, foreign!.id)).toBeNull();
    expect((await getProduct(database.db, northwind, foreign!.id))?.sku).toBe(foreign!.sku);
  });
});

describe('customers', () => {
  it('lists and counts within the tenant', async () => {
    expect(await countCustomers(database.db, northwind)).toBe(3);
    const page = await listCustomers(database.db, siam, { page: 1, pageSize: 100, search: 'trading' });
    expect(page.rows.map((row) => row.company)).toContain('Lin Trading');
    const foreign = (await listCustomers(database.db, northwind, { page: 1, pageSize: 1 })).rows[0]!;
    expect(await getCustomer(database.db, siam, foreign.id)).toBeNull();
  });
});

describe('containsPattern', () => {
  it.each([
    ['abc', '%abc%'],
    ['50%', '%50\\%%'],
    ['a_b', '%a\\_b%'],
    ['back\\slash', '%back\\\\slash%'],
  ])('%s -> %s', (term, pattern) => {
    expect(containsPattern(term)).toBe(pattern);
  });
});
