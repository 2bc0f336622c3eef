import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserForSignIn } from '../../lib/db/queries/users';
import { createRpcTransport } from '../../lib/realtime/client';
import { WebSocketClient } from '../../lib/realtime/client/websocket-client';
import type { RunningServer } from '../../lib/server/start';
import {
  createRealtimeSyncManager,
  type RealtimeSyncManager,
} from '../../lib/sync/client/realtime-sync-manager';
import { NOTES_MAX_LENGTH } from '../../lib/sync/protocol';
import { loadSyncFixture } from '../../lib/sync/service/testing';
import { nodeSocket } from '../support/node-socket';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { sessionCookie, startRealtimeServer, TestClient, wsUrl } from './realtime-helpers';

// The sync engine end to end over the real server, hub and WebSocketClient (no browser).
describe('sync through the real server', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let fixture: Awaited<ReturnType<typeof loadSyncFixture>>;
  const clients: WebSocketClient[] = [];
  const managers: RealtimeSyncManager[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    server = await startRealtimeServer(database);
    fixture = await loadSyncFixture(database);
  });

  afterAll(async () => {
    for (const manager of managers) await manager.stopSync().catch(() => undefined);
    for (const client of clients) client.destroy();
    await server?.close();
  });

  async function connected(email: string) {
    const cookie = await sessionCookie(database, email);
    const client = new WebSocketClient({
      url: wsUrl(server),
      createSocket: (url) => nodeSocket(url, cookie),
    });
    clients.push(client);
    client.connect();
    return client;
  }

  /** The notes as the database holds them. */
  async function storedNotes(orderId: string) {
    const order = await server.services.database.db.query.orders.findFirst({
      where: (o, { eq }) => eq(o.id, orderId),
    });
    return order?.notes;
  }

  async function editor(email: string, orderId: string) {
    const user = (await findUserForSignIn(database.db, email))!;
    const client = await connected(email);
    const manager = createRealtimeSyncManager({
      transport: createRpcTransport(client),
      entityId: orderId,
      user: { id: user.id, name: user.name },
    });
    managers.push(manager);
    await expect.poll(() => client.state.status).toBe('open');
    await manager.startSync();
    await expect.poll(() => manager.getSnapshot().syncState).toBe('synced');
    return manager;
  }

  it('converges when two people type in the notes at the same time', async () => {
    const orderId = fixture.editableOrderIds[5]!;
    const anna = await editor('anna@siam.example', orderId);
    const napa = await editor('napa@siam.example', orderId);
    for (let i = 0; i < 15; i++) {
      anna.pushChange('notes', `${anna.getSnapshot().doc!.notes}a${i}`);
      napa.pushChange('notes', `n${i}${napa.getSnapshot().doc!.notes}`);
    }
    await expect
      .poll(
        () =>
          anna.isSettled() && napa.isSettled() && anna.getSnapshot().version === napa.getSnapshot().version,
      )
      .toBe(true);
    const notes = anna.getSnapshot().doc!.notes;
    expect(napa.getSnapshot().doc!.notes).toBe(notes);
    for (let i = 0; i < 15; i++) {
      expect(notes).toContain(`a${i}`);
      expect(notes).toContain(`n${i}`);
    }
    expect(await storedNotes(orderId)).toBe(notes);
  });

  it('a lock blocks the other user and is released when its holder leaves', async () => {
    const orderId = fixture.draftOrderIds[2]!;
    const anna = await editor('anna@siam.example', orderId);
    const napa = await editor('napa@siam.example', orderId);
    expect((await anna.acquireLock('status')).ok).toBe(true);
    await expect.poll(() => napa.isLocked('status')).toBe(true);
    expect(await napa.acquireLock('status')).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    napa.pushChange('status', 'pending');
    await expect
      .poll(() => napa.getSnapshot().notices.some((n) => n.kind === 'rejected' && n.code === 'LOCKED'))
      .toBe(true);
    anna.pushChange('status', 'pending');
    await expect.poll(() => napa.getSnapshot().doc?.status).toBe('pending');
    await anna.stopSync();
    await expect.poll(() => napa.isLocked('status')).toBe(false);
    expect((await napa.acquireLock('status')).ok).toBe(true);
    // Disconnect (the tab dies): the hub's presence leave frees the holder's leases.
    const admin = await editor('admin@siam.example', orderId);
    await expect.poll(() => admin.isLocked('status')).toBe(true);
    clients[managers.indexOf(napa)]!.destroy();
    await expect.poll(() => admin.isLocked('status')).toBe(false);
    expect((await admin.acquireLock('status')).ok).toBe(true);
  });

  it('a viewer sees changes live but cannot edit', async () => {
    const orderId = fixture.editableOrderIds[6]!;
    const anna = await editor('anna@siam.example', orderId);
    const viewer = await editor('viewer@siam.example', orderId);
    const before = viewer.getSnapshot().doc!.notes;
    viewer.pushChange('notes', `${before} viewer`);
    await expect
      .poll(() => viewer.getSnapshot().notices.some((n) => n.kind === 'rejected' && n.code === 'FORBIDDEN'))
      .toBe(true);
    anna.pushChange('notes', `${before} anna`);
    await expect.poll(() => viewer.getSnapshot().doc?.notes).toBe(`${before} anna`);
  });

  it('refuses typing that would grow the notes past their limit, and keeps the notes as they were', async () => {
    const orderId = fixture.editableOrderIds[7]!;
    const anna = await editor('anna@siam.example', orderId);
    const napa = await editor('napa@siam.example', orderId);
    const full = 'x'.repeat(NOTES_MAX_LENGTH - 1);
    anna.pushChange('notes', full);
    await expect.poll(() => napa.getSnapshot().doc?.notes).toBe(full);
    // Typing sends text operations: each is small, so only the server can see what the notes would become.
    anna.pushChange('notes', `${full}ab`);
    await expect
      .poll(() =>
        anna
          .getSnapshot()
          .notices.some(
            (n) =>
              n.kind === 'rejected' && n.code === 'VALIDATION' && reasonOf(n.details) === 'notes_too_long',
          ),
      )
      .toBe(true);
    expect(await storedNotes(orderId)).toBe(full);
    await expect.poll(() => anna.getSnapshot().doc?.notes).toBe(full);
  });

  it('refuses a frame holding half an emoji as malformed, answering its request, and stores nothing', async () => {
    const orderId = fixture.editableOrderIds[8]!;
    const anna = await editor('anna@siam.example', orderId);
    const before = anna.getSnapshot().doc!.notes;
    // A client of its own (our client would send U+FFFD): JSON.stringify writes a lone surrogate as the escape
    // \ud83d, valid JSON that PostgreSQL refuses.
    const raw = await TestClient.connect(wsUrl(server), await sessionCookie(database, 'napa@siam.example'));
    // Typed at the end of the notes, as a text op (the notes' op kind).
    const push = (typed: string, clientChangeId: string) => ({
      type: 'rpc',
      id: clientChangeId,
      method: 'sync.push',
      params: {
        entityType: 'order',
        entityId: orderId,
        changes: [
          {
            clientChangeId,
            baseVersion: anna.getSnapshot().version,
            field: 'notes',
            op: { type: 'text', op: [[...before].length, typed] },
          },
        ],
      },
    });
    raw.send(push(' \uD83D', 'half-emoji'));
    const refused = await raw.next((m) => (m.type === 'error' || m.type === 'ack') && m.id === 'half-emoji');
    expect(refused).toMatchObject({ type: 'error', error: { code: 'BAD_FRAME' } });
    // The connection is still usable, and the order is as it was until a well-formed edit.
    const emoji = `${before} 🚚`;
    expect(await raw.request(push(' 🚚', 'whole-emoji'))).toMatchObject({ type: 'ack', ok: true });
    await expect.poll(() => anna.getSnapshot().doc?.notes).toBe(emoji);
    expect(await storedNotes(orderId)).toBe(emoji);
    raw.ws.close();
  });

  it('our client sends half an emoji in any request as U+FFFD, so it is taken', async () => {
    const orderId = fixture.editableOrderIds[8]!;
    const anna = await editor('anna@siam.example', orderId);
    const before = anna.getSnapshot().doc!.notes;
    const client = await connected('napa@siam.example');
    await expect.poll(() => client.state.status).toBe('open');
    const reply = await createRpcTransport(client).rpc('sync.push', {
      entityType: 'order',
      entityId: orderId,
      changes: [
        {
          clientChangeId: 'half-emoji-client',
          baseVersion: anna.getSnapshot().version,
          field: 'notes',
          op: { type: 'text', op: [[...before].length, ' \uD83D'] },
        },
      ],
    });
    expect(reply).toMatchObject({ ok: true });
    await expect.poll(() => anna.getSnapshot().doc?.notes).toBe(`${before} \uFFFD`);
  });

  it('sends half an emoji typed on a screen as U+FFFD, so every screen and the database agree', async () => {
    const orderId = fixture.editableOrderIds[9]!;
    const anna = await editor('anna@siam.example', orderId);
    const napa = await editor('napa@siam.example', orderId);
    const before = anna.getSnapshot().doc!.notes;
    anna.pushChange('notes', `${before} a\uD83Db`);
    const expected = `${before} a\uFFFDb`;
    await expect.poll(() => anna.getSnapshot().doc?.notes).toBe(expected);
    await expect.poll(() => napa.getSnapshot().doc?.notes).toBe(expected);
    await expect.poll(() => anna.isSettled()).toBe(true);
    expect(await storedNotes(orderId)).toBe(expected);
    expect(anna.getSnapshot().notices.filter((n) => n.kind === 'rejected')).toEqual([]);
  });
});

function reasonOf(details: unknown): unknown {
  return typeof details === 'object' && details !== null && 'reason' in details ? details.reason : undefined;
}
