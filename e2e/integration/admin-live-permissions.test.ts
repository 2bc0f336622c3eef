import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminCaller } from '../../lib/admin/people-service';
import { WebSocketClient } from '../../lib/realtime/client/websocket-client';
import { closeCodes } from '../../lib/realtime/protocol';
import type { RunningServer } from '../../lib/server/start';
import { seededActors } from '../support/catalog-fixtures';
import { nodeSocket } from '../support/node-socket';
import { postgresAvailable, redisAvailable } from '../support/services';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { startTwoNodes } from './realtime-cluster-support';
import { sessionCookie, TestClient, wsUrl } from './realtime-helpers';

const available = (await postgresAvailable()) && (await redisAvailable());

type Actors = Awaited<ReturnType<typeof seededActors>>;

/**
 * An admin's change reaches the person's open sockets on every node at once (two nodes on one PostgreSQL and one
 * Redis, the real client on each): a lowered role ends staff-only subscriptions with a reason and refuses writes;
 * deactivation and sign-out-everywhere close the sockets with a session code and refuse new ones.
 */
describe.runIf(available)('permissions change live on two nodes (PostgreSQL + Redis)', () => {
  let database: TestDatabase;
  let nodes: Awaited<ReturnType<typeof startTwoNodes>> | undefined;
  let a: RunningServer;
  let b: RunningServer;
  let actors: Actors;
  let admin: AdminCaller;
  let orderId: string;
  const clients: WebSocketClient[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    actors = await seededActors(database.db);
    admin = { ...actors.admin };
    const [order] = await database.db.query.orders.findMany({
      where: (o, { eq }) => eq(o.tenantId, actors.sales2.tenantId),
      limit: 1,
    });
    orderId = order!.id;
    nodes = await startTwoNodes(database.databaseUrl!);
    ({ a, b } = nodes);
  }, 120_000);

  afterAll(async () => {
    for (const client of clients) client.destroy();
    await nodes?.close();
    await database?.drop();
  });

  function client(server: RunningServer, cookie: string): WebSocketClient {
    const created = new WebSocketClient({
      url: wsUrl(server),
      reconnectInterval: 100,
      reconnectJitter: 0,
      createSocket: (url) => nodeSocket(url, cookie),
    });
    clients.push(created);
    return created;
  }

  const opened = (c: WebSocketClient) => expect.poll(() => c.state.status).toBe('open');
  const closedWith = (c: WebSocketClient) =>
    c.state.status === 'closed' && c.state.reason.kind !== 'client' && 'code' in c.state.reason
      ? c.state.reason.code
      : null;

  it('a role lowered to viewer ends internal comments with ROLE_CHANGED and refuses pushes on both nodes', async () => {
    const cookie = await sessionCookie(database, actors.sales2.email);
    const onA = client(a, cookie);
    const onB = client(b, cookie);
    const internal = `internal:${orderId}`;
    const subA = onA.subscribe(internal);
    const subB = onB.subscribe(internal);
    await Promise.all([subA.ready, subB.ready]);
    // Allowed before: a sales person may take the status section's lock.
    await expect(
      onB.rpc('lock.acquire', { entityId: orderId, section: 'status' }, { queue: false }),
    ).resolves.toBeTruthy();
    await onB.rpc('lock.release', { entityId: orderId, section: 'status' }, { queue: false });

    const changed = await a.services.people.update(admin, actors.sales2.id, { role: 'viewer' });
    expect(changed).toMatchObject({ ok: true, value: { role: 'viewer' } });
    const started = Date.now();
    await expect.poll(() => onA.channel(internal)?.error?.code).toBe('ROLE_CHANGED');
    await expect.poll(() => onB.channel(internal)?.error?.code).toBe('ROLE_CHANGED');
    const push = {
      entityId: orderId,
      changes: [
        {
          clientChangeId: 'lowered-1',
          baseVersion: 1,
          field: 'status',
          op: { type: 'set', value: 'pending' },
        },
      ],
    };
    await expect(onA.rpc('sync.push', push, { queue: false })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      onB.rpc(
        'sync.push',
        { ...push, changes: [{ ...push.changes[0]!, clientChangeId: 'lowered-2' }] },
        { queue: false },
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    console.info(`role change reached both nodes and was enforced after ${Date.now() - started} ms`);

    // A socket opened now, on the node that did not make the change, has the new role at once.
    const fresh = await TestClient.connect(wsUrl(b), cookie);
    const welcome = await fresh.next((m) => m.type === 'welcome');
    expect(welcome).toMatchObject({ user: { role: 'viewer' } });
    expect(await fresh.request({ type: 'subscribe', channel: internal })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    fresh.close();
    // Sockets stay open for what a viewer may still do.
    expect(onA.state.status).toBe('open');
    expect(onB.state.status).toBe('open');
    await a.services.people.update(admin, actors.sales2.id, { role: 'sales' });
  });

  it('deactivation closes the sockets on both nodes with the deactivated code and refuses a new one', async () => {
    const cookie = await sessionCookie(database, actors.viewer.email);
    const onA = client(a, cookie);
    const onB = client(b, cookie);
    await Promise.all([opened(onA), opened(onB)]);
    const result = await b.services.people.update(admin, actors.viewer.id, { active: false });
    expect(result).toMatchObject({ ok: true, value: { active: false } });
    await expect.poll(() => closedWith(onA)).toBe(closeCodes.deactivated.code);
    await expect.poll(() => closedWith(onB)).toBe(closeCodes.deactivated.code);
    expect(await TestClient.closeCode(wsUrl(a), cookie)).toBe(closeCodes.deactivated.code);
    // A cookie issued after the deactivation (same version) is refused too.
    expect(await TestClient.closeCode(wsUrl(b), await sessionCookie(database, actors.viewer.email))).toBe(
      closeCodes.deactivated.code,
    );
    await b.services.people.update(admin, actors.viewer.id, { active: true });
  });

  it('sign-out everywhere closes every socket with the revoked code; only a new sign-in connects', async () => {
    const cookie = await sessionCookie(database, actors.sales.email);
    const onA = client(a, cookie);
    const onB = client(b, cookie);
    await Promise.all([opened(onA), opened(onB)]);
    const result = await a.services.people.signOutEverywhere(admin, actors.sales.id);
    expect(result.ok).toBe(true);
    await expect.poll(() => closedWith(onA)).toBe(closeCodes.sessionRevoked.code);
    await expect.poll(() => closedWith(onB)).toBe(closeCodes.sessionRevoked.code);
    expect(await TestClient.closeCode(wsUrl(b), cookie)).toBe(closeCodes.sessionRevoked.code);
    // A new sign-in carries the new session version.
    const again = await TestClient.connect(wsUrl(b), await sessionCookie(database, actors.sales.email));
    again.close();
  });

  it('keeps the last admin of a tenant and records every change in the audit list', async () => {
    const olivia: AdminCaller = { ...actors.otherAdmin };
    expect(await a.services.people.update(olivia, olivia.id, { role: 'sales' })).toMatchObject({
      ok: false,
      code: 'LAST_ADMIN',
    });
    expect(await a.services.people.update(olivia, olivia.id, { active: false })).toMatchObject({
      ok: false,
      code: 'OWN_ACCOUNT',
    });
    // Another tenant's person is not found, whatever the id.
    expect(await a.services.people.update(olivia, actors.sales.id, { role: 'viewer' })).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
    // Two admins lowering each other at once: one wins, the tenant keeps an admin.
    const created = await a.services.people.create(admin, {
      name: 'Second Admin',
      email: 'second.admin@siam.example',
      role: 'admin',
      locale: 'en',
    });
    expect(created).toMatchObject({ ok: true, value: { person: { role: 'admin' } } });
    if (!created.ok) return;
    expect(created.value.temporaryPassword).toMatch(/^[\w-]{16}$/);
    const second: AdminCaller = { ...admin, id: created.value.person.id, name: 'Second Admin' };
    const both = await Promise.all([
      a.services.people.update(admin, second.id, { role: 'sales' }),
      b.services.people.update(second, admin.id, { role: 'sales' }),
    ]);
    expect(both.filter((r) => r.ok)).toHaveLength(1);
    expect(both.filter((r) => !r.ok)).toMatchObject([{ code: 'LAST_ADMIN' }]);
    const list = await a.services.people.list(admin);
    expect(list.ok && list.value.filter((p) => p.role === 'admin' && p.active)).toHaveLength(1);

    const audit = await b.services.people.audit(admin, { limit: 50 });
    expect(audit.ok).toBe(true);
    if (!audit.ok) return;
    const actions = audit.value.entries.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'user.role_changed',
        'user.deactivated',
        'user.reactivated',
        'user.signed_out',
        'user.created',
      ]),
    );
    const lowered = audit.value.entries.find(
      (e) =>
        e.action === 'user.role_changed' && e.target.id === actors.sales2.id && e.after?.role === 'viewer',
    );
    expect(lowered).toMatchObject({
      actor: { id: admin.id },
      before: { role: 'sales' },
      after: { role: 'viewer' },
    });
    const filtered = await b.services.people.audit(admin, { action: 'user.deactivated', limit: 50 });
    expect(filtered.ok && filtered.value.entries.every((e) => e.action === 'user.deactivated')).toBe(true);
    const page = await b.services.people.audit(admin, { limit: 2 });
    expect(page.ok && page.value.next).toBeTruthy();
    if (!page.ok || !page.value.next) return;
    const rest = await b.services.people.audit(admin, { limit: 50, before: page.value.next });
    expect(rest.ok && rest.value.entries.length).toBe(audit.value.entries.length - 2);
    // Another tenant's admin sees none of it.
    const theirs = await b.services.people.audit(olivia, { limit: 50 });
    expect(theirs.ok && theirs.value.entries).toEqual([]);
  });
});
