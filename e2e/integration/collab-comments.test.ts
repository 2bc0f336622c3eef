import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listNotifications } from '../../lib/db/queries/notifications';
import type { ServerMessage } from '../../lib/realtime/protocol';
import type { RunningServer } from '../../lib/server/start';
import { loadSyncFixture } from '../../lib/sync/service/testing';
import { diffToTextOp } from '../../lib/sync/strategies/operational-transform';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { sessionCookie, startRealtimeServer, TestClient, wsUrl } from './realtime-helpers';

type Ack = Extract<ServerMessage, { type: 'ack' }>;
type EventFrame = Extract<ServerMessage, { type: 'event' }>;

let database: TestDatabase;
let server: RunningServer;
let fixture: Awaited<ReturnType<typeof loadSyncFixture>>;
const clients: TestClient[] = [];

async function connect(email: string) {
  const client = await TestClient.connect(wsUrl(server), await sessionCookie(database, email));
  clients.push(client);
  return client;
}

async function rpc<T>(client: TestClient, method: string, params: unknown): Promise<T> {
  const ack = await client.request<Ack>({ type: 'rpc', method, params });
  if (!ack.ok) throw new Error(`${method}: ${ack.error.code}`);
  return ack.result as T;
}

async function rpcError(client: TestClient, method: string, params: unknown): Promise<string | undefined> {
  const ack = await client.request<Ack>({ type: 'rpc', method, params });
  return ack.ok ? undefined : ack.error.code;
}

async function subscribe(client: TestClient, channel: string) {
  return client.request({
    type: 'subscribe',
    channel,
  });
}

function nextEvent(
  client: TestClient,
  channel: string,
  event: string,
  match: (data: unknown) => boolean = () => true,
) {
  return client.next<EventFrame>(
    (m) => m.type === 'event' && m.channel === channel && m.event === event && match(m.data),
  );
}

type Thread = {
  id: string;
  internal: boolean;
  anchor: { kind: string; start?: number; end?: number };
  comments: { id: string; body: string }[];
};

beforeAll(async () => {
  database = await createTestDatabase('pglite');
  server = await startRealtimeServer(database);
  fixture = await loadSyncFixture(database);
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.close();
  // Closing the server closes the database it was given (a PGlite of this file only).
  await server?.close();
});

describe('comments', () => {
  it('never sends an internal comment to a viewer: not on the order room, not in the feed, not in the list', async () => {
    const orderId = fixture.orderIds[0]!;
    const anna = await connect('anna@siam.example');
    const napa = await connect('napa@siam.example');
    const viewer = await connect('viewer@siam.example');
    for (const c of [anna, napa, viewer]) {
      expect((await subscribe(c, `order:${orderId}`)).type).toBe('subscribed');
      expect((await subscribe(c, 'activity')).type).toBe('subscribed');
    }
    expect((await subscribe(napa, `internal:${orderId}`)).type).toBe('subscribed');
    const refused = await subscribe(viewer, `internal:${orderId}`);
    expect(refused).toMatchObject({ type: 'ack', ok: false, error: { code: 'FORBIDDEN' } });

    const secret = `SECRET-${Date.now()}`;
    const internalSeen = nextEvent(napa, `internal:${orderId}`, 'comment.thread');
    const internal = await rpc<Thread>(anna, 'comments.create', {
      entityId: orderId,
      anchor: { kind: 'field', field: 'shippingAddress' },
      internal: true,
      body: `Margin is thin here ${secret}`,
    });
    expect(internal.internal).toBe(true);
    expect(((await internalSeen).data as Thread).comments[0]!.body).toContain(secret);

    // A public comment afterwards: once the viewer has it (and its feed entry), everything before it was delivered.
    const publicSeen = nextEvent(viewer, `order:${orderId}`, 'comment.thread');
    const feedSeen = nextEvent(
      viewer,
      'activity',
      'activity',
      (d) => (d as { meta?: { excerpt?: string } }).meta?.excerpt === 'Public note',
    );
    await rpc<Thread>(anna, 'comments.create', {
      entityId: orderId,
      anchor: { kind: 'entity' },
      body: 'Public note',
    });
    await publicSeen;
    await feedSeen;
    const internalEntry = viewer
      .events('activity')
      .find((e) => (e.data as { meta?: { threadId?: string } }).meta?.threadId === internal.id);
    expect(internalEntry, 'the internal comment is in the feed, without its words').toBeDefined();
    expect(JSON.stringify(viewer.messages)).not.toContain(secret);

    const listed = await rpc<{ threads: Thread[] }>(viewer, 'comments.list', { entityId: orderId });
    expect(listed.threads.some((t) => t.internal)).toBe(false);
    expect(listed.threads.some((t) => t.comments[0]?.body === 'Public note')).toBe(true);
    expect(await rpcError(viewer, 'comments.reply', { threadId: internal.id, body: 'hi' })).toBe('FORBIDDEN');
    expect(await rpcError(viewer, 'comments.typing', { threadId: internal.id, typing: true })).toBe(
      'FORBIDDEN',
    );
    const staffList = await rpc<{ threads: Thread[] }>(napa, 'comments.list', { entityId: orderId });
    expect(staffList.threads.some((t) => t.id === internal.id)).toBe(true);
  });

  it('delivers a mention live to the mentioned user and keeps it in the inbox; a viewer in an internal thread is not mentioned', async () => {
    const orderId = fixture.orderIds[1]!;
    const anna = await connect('anna@siam.example');
    const napa = await connect('napa@siam.example');
    const napaUser = fixture.user('napa@siam.example');
    const viewerUser = fixture.user('viewer@siam.example');
    expect((await subscribe(napa, `user:${napaUser.id}`)).type).toBe('subscribed');
    const directory = await rpc<{ users: { id: string; name: string }[] }>(anna, 'comments.directory', {
      query: napaUser.name.slice(0, 2),
    });
    expect(directory.users.map((u) => u.id)).toContain(napaUser.id);

    const live = nextEvent(
      napa,
      `user:${napaUser.id}`,
      'notification',
      (d) => (d as { kind: string }).kind === 'comment.mention',
    );
    const thread = await rpc<Thread>(anna, 'comments.create', {
      entityId: orderId,
      anchor: { kind: 'entity' },
      internal: true,
      body: `@${napaUser.name} and @${viewerUser.name} please check`,
      mentions: [napaUser.id, viewerUser.id],
    });
    const notification = (await live).data as { kind: string; payload: { threadId: string; by: string } };
    expect(notification.payload).toMatchObject({ threadId: thread.id, by: 'Anna Carter' });
    const inbox = await listNotifications(database.db, fixture.tenantId, napaUser.id, 20);
    expect(inbox.some((n) => n.kind === 'comment.mention' && n.payload.threadId === thread.id)).toBe(true);
    const viewerInbox = await listNotifications(database.db, fixture.tenantId, viewerUser.id, 20);
    expect(viewerInbox.some((n) => n.payload.threadId === thread.id)).toBe(false);
  });

  it('lets only the author edit or delete, resolves and reopens, and shows typing', async () => {
    const orderId = fixture.orderIds[2]!;
    const anna = await connect('anna@siam.example');
    const napa = await connect('napa@siam.example');
    await subscribe(napa, `order:${orderId}`);
    const thread = await rpc<Thread>(anna, 'comments.create', {
      entityId: orderId,
      anchor: { kind: 'entity' },
      body: 'first',
    });
    const commentId = thread.comments[0]!.id;
    expect(await rpcError(napa, 'comments.edit', { commentId, body: 'hijack' })).toBe('FORBIDDEN');
    expect(await rpcError(napa, 'comments.delete', { commentId })).toBe('FORBIDDEN');
    const edited = await rpc<Thread>(anna, 'comments.edit', { commentId, body: 'first (edited)' });
    expect(edited.comments[0]!.body).toBe('first (edited)');
    const typing = nextEvent(napa, `order:${orderId}`, 'comment.typing');
    await rpc(anna, 'comments.typing', { threadId: thread.id, typing: true });
    expect((await typing).data).toMatchObject({ threadId: thread.id, userName: 'Anna Carter', typing: true });
    expect((await rpc<{ status: string }>(napa, 'comments.resolve', { threadId: thread.id })).status).toBe(
      'resolved',
    );
    expect((await rpc<{ status: string }>(anna, 'comments.reopen', { threadId: thread.id })).status).toBe(
      'open',
    );
    const deleted = await rpc<{ comments: { deleted: boolean; body: string }[] }>(anna, 'comments.delete', {
      commentId,
    });
    expect(deleted.comments[0]).toMatchObject({ deleted: true, body: '' });
  });

  it('moves a range on the notes with concurrent edits', async () => {
    const orderId = fixture.orderIds[3]!;
    const anna = await connect('anna@siam.example');
    const napa = await connect('napa@siam.example');
    const opened = await rpc<{ version: number; doc: { notes: string } }>(anna, 'sync.open', {
      entityId: orderId,
    });
    const notes = opened.doc.notes;
    const base = `${notes}Deliver before noon.`;
    await rpc(anna, 'sync.push', {
      entityId: orderId,
      changes: [
        {
          clientChangeId: `n-${Date.now()}`,
          baseVersion: opened.version,
          field: 'notes',
          op: { type: 'text', op: diffToTextOp(notes, base) },
        },
      ],
    });
    const after = await rpc<{ version: number; doc: { notes: string } }>(anna, 'sync.open', {
      entityId: orderId,
    });
    const start = after.doc.notes.indexOf('before noon');
    const thread = await rpc<Thread>(anna, 'comments.create', {
      entityId: orderId,
      anchor: {
        kind: 'range',
        start,
        end: start + 'before noon'.length,
        version: after.version,
        quote: 'before noon',
      },
      body: 'Is this right?',
    });
    // Napa inserts text at the very start: the range must move right by its length.
    const prefix = 'URGENT: ';
    await rpc(napa, 'sync.push', {
      entityId: orderId,
      changes: [
        {
          clientChangeId: `p-${Date.now()}`,
          baseVersion: after.version,
          field: 'notes',
          op: { type: 'text', op: [prefix] },
        },
      ],
    });
    const listed = await rpc<{ threads: Thread[] }>(anna, 'comments.list', { entityId: orderId });
    const moved = listed.threads.find((t) => t.id === thread.id)!;
    const finalNotes = (await rpc<{ doc: { notes: string } }>(anna, 'sync.open', { entityId: orderId })).doc
      .notes;
    expect(moved.anchor).toMatchObject({
      kind: 'range',
      start: start + prefix.length,
      end: start + prefix.length + 11,
    });
    expect(finalNotes.slice(moved.anchor.start, moved.anchor.end)).toBe('before noon');
  });
});

describe('activity and locks', () => {
  it('records sync changes and locks on the activity channel, filterable by action', async () => {
    const anna = await connect('anna@siam.example');
    const admin = await connect('admin@siam.example');
    await subscribe(admin, 'activity');
    // Lines change only while an order is a draft or pending: take the first such order not used above.
    let orderId = '';
    let opened = { version: 0 };
    for (const id of fixture.orderIds.slice(6)) {
      const candidate = await rpc<{ version: number; doc: { status: string } }>(anna, 'sync.open', {
        entityId: id,
      });
      if (candidate.doc.status === 'draft' || candidate.doc.status === 'pending') {
        orderId = id;
        opened = candidate;
        break;
      }
    }
    expect(orderId).not.toBe('');
    const updated = nextEvent(
      admin,
      'activity',
      'activity',
      (d) =>
        (d as { action: string; entityId: string }).action === 'updated' &&
        (d as { entityId: string }).entityId === orderId,
    );
    const lineUpdated = nextEvent(
      admin,
      'activity',
      'activity',
      (d) =>
        (d as { action: string; entityId: string }).action === 'updated' &&
        (d as { entityId: string }).entityId === orderId &&
        Object.keys((d as { changes: object }).changes ?? {}).some((k) => k.startsWith('lines.')),
    );
    await rpc(anna, 'sync.push', {
      entityId: orderId,
      changes: [
        {
          clientChangeId: `q-${Date.now()}`,
          baseVersion: opened.version,
          field: 'status',
          op: { type: 'set', value: 'pending' },
        },
      ],
    }).catch(() => undefined);
    await rpc(anna, 'lock.acquire', { entityId: orderId, section: 'customer' });
    const lines = (
      await rpc<{ doc: { lines: { id: string; quantity: number }[] } }>(anna, 'sync.open', {
        entityId: orderId,
      })
    ).doc.lines;
    const line = lines[0]!;
    await rpc(anna, 'sync.push', {
      entityId: orderId,
      changes: [
        {
          clientChangeId: `l-${Date.now()}`,
          baseVersion: 0,
          field: `lines.${line.id}.quantity`,
          op: { type: 'set', value: line.quantity + 1 },
        },
      ],
    });
    const entry = (await updated).data as {
      changes: Record<string, { before: unknown; after: unknown }>;
      actor: { name: string };
      entityLabel: string | null;
    };
    expect(entry.actor.name).toBe('Anna Carter');
    // The feed names the order, not a fragment of its id (a line edit has no status event to take it from).
    expect(((await lineUpdated).data as { entityLabel: string | null }).entityLabel).toMatch(/^SIA-SO-\d+$/);
    expect(Object.keys(entry.changes)).toHaveLength(1);
    await expect
      .poll(async () => {
        const page = await rpc<{ items: { action: string; entityId: string }[] }>(admin, 'activity.list', {
          actions: ['locked'],
          entityTypes: ['order'],
        });
        return (
          page.items.some((i) => i.entityId === orderId) && page.items.every((i) => i.action === 'locked')
        );
      })
      .toBe(true);
  });

  it('releases the locks of a user who leaves the order room', async () => {
    const orderId = fixture.orderIds[5]!;
    const anna = await connect('anna@siam.example');
    const napa = await connect('napa@siam.example');
    await subscribe(anna, `order:${orderId}`);
    await subscribe(napa, `order:${orderId}`);
    await rpc(anna, 'lock.acquire', { entityId: orderId, section: 'shipping' });
    expect(await rpcError(napa, 'lock.acquire', { entityId: orderId, section: 'shipping' })).toBe('LOCKED');
    const released = nextEvent(
      napa,
      `order:${orderId}`,
      'sync.lock',
      (d) =>
        (d as { lease: unknown; section: string }).lease === null &&
        (d as { section: string }).section === 'shipping',
    );
    anna.close();
    await released;
    await rpc(napa, 'lock.acquire', { entityId: orderId, section: 'shipping' });
  });
});
