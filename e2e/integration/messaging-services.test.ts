import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryCounts, listDeliveries } from '../../lib/db/queries/deliveries';
import { listNotifications } from '../../lib/db/queries/notifications';
import { type Caller, createMessaging, type Messaging } from '../../lib/messaging';
import { anyOrderOf, callerByEmail, recordingRealtime } from '../support/messaging-fixtures';
import { postgresAvailable } from '../support/services';
import { createTestDatabase, type TestDatabase, type TestDbKind } from '../support/test-db';

const kinds: TestDbKind[] = ['pglite', 'postgres'];
const havePostgres = await postgresAvailable();

function unwrap<T>(result: { ok: true; value: T } | { ok: false; code: string; message: string }): T {
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result.value;
}

describe.each(kinds)('messaging services on %s', (kind) => {
  const skip = kind === 'postgres' && !havePostgres;
  let database: TestDatabase;
  let messaging: Messaging;
  let rt: ReturnType<typeof recordingRealtime>;
  let clock = Date.now();
  let admin: Caller;
  let anna: Caller;
  let napa: Caller;
  let viewer: Caller;
  let olivia: Caller;

  beforeAll(async () => {
    if (skip) return;
    database = await createTestDatabase(kind);
    rt = recordingRealtime();
    messaging = createMessaging({ db: database.db, realtime: rt.port, now: () => clock, typingTtlMs: 1000 });
    admin = await callerByEmail(database.db, 'admin@siam.example');
    anna = await callerByEmail(database.db, 'anna@siam.example');
    napa = await callerByEmail(database.db, 'napa@siam.example');
    viewer = await callerByEmail(database.db, 'viewer@siam.example');
    olivia = await callerByEmail(database.db, 'olivia@northwind.example');
  });
  afterAll(async () => {
    if (skip) return;
    await messaging.close();
    await database.drop();
  });

  it.skipIf(skip)('opens one direct conversation per pair, and never across tenants', async () => {
    const first = unwrap(await messaging.conversations.createDirect(anna, napa.id));
    const again = unwrap(await messaging.conversations.createDirect(napa, anna.id));
    expect(again.id).toBe(first.id);
    expect(first.participants.map((p) => p.userId).sort()).toEqual([anna.id, napa.id].sort());
    const foreign = await messaging.conversations.createDirect(anna, olivia.id);
    expect(foreign).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    const self = await messaging.conversations.createDirect(anna, anna.id);
    expect(self).toMatchObject({ ok: false, code: 'VALIDATION' });
    expect(await messaging.conversations.get(olivia, first.id)).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
    expect(await messaging.conversations.get(viewer, first.id)).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
  });

  it('sends, receipts per recipient, unread counts, read and delivered', async ({ skip: skipTest }) => {
    if (skip) skipTest();
    const group = unwrap(
      await messaging.conversations.createGroup(anna, { name: 'Team', memberIds: [napa.id, admin.id] }),
    );
    rt.viewers.set(`conversation:${group.id}`, [admin.id]);
    rt.published.length = 0;
    const sent = unwrap(await messaging.messages.send(anna, group.id, 'Hello team'));
    expect(sent.receipts.map((r) => r.userId).sort()).toEqual([napa.id, admin.id].sort());
    expect(
      rt.published.some((p) => p.channel === `conversation:${group.id}` && p.event === 'message.created'),
    ).toBe(true);
    expect(
      rt.published
        .filter((p) => p.event === 'message.new')
        .map((p) => p.channel)
        .sort(),
    ).toEqual([`user:${napa.id}`, `user:${admin.id}`].sort());
    // The sender's own tabs hear of it too (her conversation list), with nothing unread for her.
    expect(rt.published.filter((p) => p.event === 'conversation.updated')).toEqual([
      expect.objectContaining({
        channel: `user:${anna.id}`,
        data: expect.objectContaining({ conversationId: group.id, unread: 0 }),
      }),
    ]);
    // napa is not looking at the conversation: a notification; the admin is looking: none.
    const notified = rt.published.filter((p) => p.event === 'notification').map((p) => p.channel);
    expect(notified).toEqual([`user:${napa.id}`]);

    const napaList = await messaging.conversations.list(napa);
    expect(napaList.find((c) => c.id === group.id)?.unread).toBe(1);
    expect((await messaging.conversations.list(anna)).find((c) => c.id === group.id)?.unread).toBe(0);

    clock += 1000;
    const delivered = unwrap(await messaging.messages.markDelivered(napa));
    expect(delivered.messageIds).toContain(sent.id);
    clock += 1000;
    const read = unwrap(await messaging.messages.markRead(admin, group.id));
    expect(read).toEqual({ messageIds: [sent.id], unread: 0 });

    const page = unwrap(await messaging.messages.list(anna, group.id, {}));
    const receipts = page.messages[0]?.receipts ?? [];
    const napaReceipt = receipts.find((r) => r.userId === napa.id);
    const adminReceipt = receipts.find((r) => r.userId === admin.id);
    expect(napaReceipt?.deliveredAt).not.toBeNull();
    expect(napaReceipt?.readAt).toBeNull();
    expect(adminReceipt?.readAt).not.toBeNull();
    expect(adminReceipt?.deliveredAt).not.toBeNull();

    const records = await listDeliveries(database.db, anna.tenantId, [sent.id]);
    expect(records.map((r) => r.status).sort()).toEqual(['delivered', 'delivered']);
  });

  it('refuses oversized and empty messages, and non-participants', async ({ skip: skipTest }) => {
    if (skip) skipTest();
    const direct = unwrap(await messaging.conversations.createDirect(anna, napa.id));
    expect(await messaging.messages.send(anna, direct.id, 'x'.repeat(5001))).toMatchObject({
      ok: false,
      code: 'PAYLOAD_TOO_LARGE',
    });
    // 5,000 characters outside the Basic Multilingual Plane are 10,000 UTF-16 units but fit.
    unwrap(await messaging.messages.send(anna, direct.id, '😀'.repeat(5000)));
    unwrap(await messaging.messages.send(anna, direct.id, 'ก'.repeat(5000)));
    expect(await messaging.messages.send(anna, direct.id, '   ')).toMatchObject({
      ok: false,
      code: 'VALIDATION',
    });
    expect(await messaging.messages.send(admin, direct.id, 'hi')).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
  });

  it('lets only the author edit and delete, and paginates', async ({ skip: skipTest }) => {
    if (skip) skipTest();
    const group = unwrap(
      await messaging.conversations.createGroup(anna, { name: 'Pages', memberIds: [napa.id] }),
    );
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(unwrap(await messaging.messages.send(anna, group.id, `m${i}`)).id);
    const first = unwrap(await messaging.messages.list(napa, group.id, { limit: 3 }));
    expect(first.messages.map((m) => m.body)).toEqual(['m4', 'm5', 'm6']);
    const second = unwrap(
      await messaging.messages.list(napa, group.id, { limit: 3, before: first.nextBefore ?? 0 }),
    );
    expect(second.messages.map((m) => m.body)).toEqual(['m1', 'm2', 'm3']);
    const third = unwrap(
      await messaging.messages.list(napa, group.id, { limit: 3, before: second.nextBefore ?? 0 }),
    );
    expect(third.messages.map((m) => m.body)).toEqual(['m0']);
    expect(third.nextBefore).toBeNull();

    const target = ids[6] as string;
    expect(await messaging.messages.edit(napa, target, 'hijack')).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(await messaging.messages.remove(napa, target)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(unwrap(await messaging.messages.edit(anna, target, 'm6 edited')).editedAt).not.toBeNull();
    expect(await messaging.messages.edit(anna, target, 'y'.repeat(5001))).toMatchObject({
      ok: false,
      code: 'PAYLOAD_TOO_LARGE',
    });
    unwrap(await messaging.messages.remove(anna, ids[5] as string));
    const after = unwrap(await messaging.messages.list(napa, group.id, { limit: 2 }));
    expect(after.messages.map((m) => [m.body, m.deletedAt !== null])).toEqual([
      ['', true],
      ['m6 edited', false],
    ]);
    // napa has 7 unread, one was deleted: 6.
    expect((await messaging.conversations.list(napa)).find((c) => c.id === group.id)?.unread).toBe(6);
  });

  it('manages group members: creator or admin only; direct members are fixed', async ({ skip: skipTest }) => {
    if (skip) skipTest();
    const group = unwrap(await messaging.conversations.createGroup(anna, { name: 'Managed', memberIds: [] }));
    expect(await messaging.conversations.addMembers(napa, group.id, [viewer.id])).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
    unwrap(await messaging.conversations.addMembers(anna, group.id, [napa.id]));
    expect(await messaging.conversations.addMembers(napa, group.id, [viewer.id])).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    // An admin manages any group of the tenant.
    const withViewer = unwrap(await messaging.conversations.addMembers(admin, group.id, [viewer.id]));
    expect(withViewer.participants.map((p) => p.userId)).toContain(viewer.id);
    expect(await messaging.conversations.addMembers(anna, group.id, [olivia.id])).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
    unwrap(await messaging.conversations.removeMember(anna, group.id, viewer.id));
    unwrap(await messaging.conversations.removeMember(napa, group.id, napa.id));
    const left = unwrap(await messaging.conversations.get(anna, group.id));
    expect(left.participants.map((p) => p.userId)).toEqual([anna.id]);
    const direct = unwrap(await messaging.conversations.createDirect(anna, napa.id));
    expect(await messaging.conversations.addMembers(anna, direct.id, [viewer.id])).toMatchObject({
      ok: false,
      code: 'VALIDATION',
    });
  });

  it("opens an order's one conversation and joins whoever opens it", async ({ skip: skipTest }) => {
    if (skip) skipTest();
    const order = await anyOrderOf(database.db, anna.tenantId);
    const first = unwrap(await messaging.conversations.openForOrder(anna, order.id));
    const second = unwrap(await messaging.conversations.openForOrder(napa, order.id));
    expect(second.id).toBe(first.id);
    expect(second.name).toBe(`Order ${order.number}`);
    expect(second.participants.map((p) => p.userId)).toEqual(expect.arrayContaining([anna.id, napa.id]));
    expect(await messaging.conversations.openForOrder(olivia, order.id)).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
  });

  it('keeps typing state with a server expiry and tells the others when it lapses', async ({
    skip: skipTest,
  }) => {
    if (skip) skipTest();
    const direct = unwrap(await messaging.conversations.createDirect(anna, napa.id));
    rt.published.length = 0;
    unwrap(await messaging.typing.set(anna, direct.id, true));
    unwrap(await messaging.typing.set(anna, direct.id, true));
    expect(unwrap(await messaging.typing.list(napa, direct.id)).map((t) => t.name)).toEqual([anna.name]);
    const typingEvents = () => rt.published.filter((p) => p.event === 'typing').map((p) => p.data);
    expect(typingEvents()).toEqual([expect.objectContaining({ userId: anna.id, typing: true })]);
    unwrap(await messaging.typing.set(anna, direct.id, false));
    expect(unwrap(await messaging.typing.list(napa, direct.id))).toEqual([]);
    expect(typingEvents().at(-1)).toMatchObject({ typing: false });

    // A client that vanishes: its state expires (clock) and the timer announces the stop.
    rt.published.length = 0;
    unwrap(await messaging.typing.set(napa, direct.id, true));
    clock += 1500;
    expect(unwrap(await messaging.typing.list(anna, direct.id))).toEqual([]);
    await expect
      .poll(() => typingEvents().at(-1))
      .toMatchObject({
        userId: napa.id,
        typing: false,
      });
    expect(await messaging.typing.set(admin, direct.id, true)).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
  });

  it('announces to the whole tenant (admins only), silent for busy people', async ({ skip: skipTest }) => {
    if (skip) skipTest();
    expect(await messaging.announcements.announce(anna, 'hi all')).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    rt.statuses.set(napa.id, 'busy');
    rt.published.length = 0;
    const result = unwrap(await messaging.announcements.announce(admin, 'Stocktake on Friday'));
    expect(result.recipients).toBe(4);
    const events = rt.published.filter((p) => p.event === 'notification');
    expect(events.map((e) => e.channel).sort()).toEqual(
      [admin, anna, napa, viewer].map((u) => `user:${u.id}`).sort(),
    );
    expect(events.find((e) => e.channel === `user:${napa.id}`)?.data).toMatchObject({ silent: true });
    expect(events.find((e) => e.channel === `user:${anna.id}`)?.data).toMatchObject({ silent: false });
    const inbox = await listNotifications(database.db, viewer.tenantId, viewer.id, 10);
    expect(inbox[0]).toMatchObject({ kind: 'announcement', payload: { text: 'Stocktake on Friday' } });
    rt.statuses.delete(napa.id);
  });

  it('retries unacknowledged deliveries to online users, fails them after the retries, cleans up', async ({
    skip: skipTest,
  }) => {
    if (skip) skipTest();
    const direct = unwrap(await messaging.conversations.createDirect(admin, viewer.id));
    const sent = unwrap(await messaging.messages.send(admin, direct.id, 'Are you there?'));
    const before = await deliveryCounts(database.db, admin.tenantId);
    // Offline: nothing is retried, the record waits.
    clock += 60_000;
    expect((await messaging.sweeper.sweep()).retried).toBe(0);
    rt.statuses.set(viewer.id, 'online');
    rt.published.length = 0;
    const rounds: number[] = [];
    for (let i = 0; i < 6; i++) {
      clock += 60_000;
      rounds.push((await messaging.sweeper.sweep()).failed);
    }
    expect(
      rt.published.filter((p) => p.event === 'message.new' && p.channel === `user:${viewer.id}`).length,
    ).toBe(5);
    expect(rounds.at(-1)).toBeGreaterThan(0);
    const [record] = (await listDeliveries(database.db, admin.tenantId, [sent.id])).filter(
      (r) => r.userId === viewer.id,
    );
    expect(record).toMatchObject({ status: 'failed', retryCount: 5 });
    const after = await deliveryCounts(database.db, admin.tenantId);
    expect(after.failed).toBeGreaterThan(before.failed);
    clock += 8 * 24 * 3600_000;
    expect((await messaging.sweeper.sweep()).removed).toBeGreaterThan(0);
    expect(await deliveryCounts(database.db, admin.tenantId)).toEqual({
      pending: 0,
      delivered: 0,
      failed: 0,
    });
    rt.statuses.delete(viewer.id);
  });
});
