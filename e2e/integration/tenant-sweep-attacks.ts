/**
 * The requests each entry point gets in the sweep. Keys are found by enumeration (tenant-sweep-surface.ts): a
 * route, method or action missing here fails the sweep by name. Each attack is built from the fixtures, so it
 * carries tenant B's ids, channels and keys wherever the entry point takes one.
 */
export type SweepIds = {
  tenantA: string;
  tenantB: string;
  a: { order: string; product: string; customer: string; conversation: string; self: string };
  b: {
    order: string;
    product: string;
    customer: string;
    user: string;
    admin: string;
    conversation: string;
    message: string;
    thread: string;
    comment: string;
    change: string;
    notification: string;
    connection: string;
    line: string;
    conflict: string;
    email: string;
  };
  /** One of the caller's own WebSocket connections (for the subscription API). */
  ownConnection: string;
};

export type HttpAttack = {
  /** Replaces the dynamic segments (default: tenant B's id of the segment's kind). */
  params?: Record<string, string>;
  query?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  /**
   * The foreign ids only filter the caller's own data (a search, "mark these of mine read"): the answer is a
   * success with nothing of tenant B in it, and tenant B's rows stay as they were.
   */
  filter?: true;
};

type Table = Record<string, Record<string, (ids: SweepIds) => HttpAttack[]>>;

const none = () => [{}];

export const restAttacks: Table = {
  // The admin console: tenant A's admin lists only A's people and audit; B's people cannot be changed.
  '/api/admin/audit': { GET: (ids) => [{ filter: true }, { query: { targetId: ids.b.user }, filter: true }] },
  '/api/admin/users': {
    GET: () => [{ filter: true }],
    POST: (ids) => [
      { json: { email: ids.b.email, name: 'Sweep', role: 'admin', password: 'sweep-password-1' } },
    ],
  },
  '/api/admin/users/[id]': {
    PATCH: () => [{ json: { role: 'viewer' } }, { json: { active: false } }],
  },
  '/api/admin/users/[id]/password': { POST: () => [{ json: { password: 'sweep-password-2' } }] },
  '/api/admin/users/[id]/sign-out': { POST: () => [{}] },
  '/api/conversations': {
    GET: none,
    POST: (ids) => [
      { json: { kind: 'direct', userId: ids.b.user } },
      { json: { kind: 'group', name: 'Sweep', memberIds: [ids.b.user, ids.b.admin] } },
      { json: { kind: 'group', name: 'Sweep', memberIds: [], orderId: ids.b.order } },
      { json: { kind: 'order', orderId: ids.b.order } },
    ],
  },
  '/api/conversations/[id]': {
    GET: none,
    PATCH: () => [{ json: { name: 'Sweep' } }],
  },
  '/api/conversations/[id]/members': {
    POST: (ids) => [
      { json: { userIds: [ids.a.self] } },
      // Into the caller's own conversation, someone of the other tenant.
      { params: { id: ids.a.conversation }, json: { userIds: [ids.b.user] } },
    ],
  },
  '/api/conversations/[id]/members/[userId]': {
    DELETE: (ids) => [{}, { params: { id: ids.b.conversation, userId: ids.a.self } }],
  },
  '/api/conversations/[id]/messages': {
    GET: none,
    POST: () => [{ json: { body: 'sweep' } }],
  },
  '/api/conversations/[id]/messages/[messageId]': {
    PATCH: (ids) => [
      { json: { body: 'sweep' } },
      { params: { id: ids.a.conversation }, json: { body: 'sweep' } },
    ],
    DELETE: (ids) => [{}, { params: { id: ids.a.conversation } }],
  },
  '/api/conversations/[id]/read': { POST: () => [{ json: {} }, { json: { uptoSeq: 1 } }] },
  '/api/conversations/delivered': {
    POST: (ids) => [{ json: { messageIds: [ids.b.message] }, filter: true }],
  },
  '/api/customers': {
    GET: (ids) => [{}, { query: { q: ids.b.email }, filter: true }],
    POST: (ids) => [
      {
        json: {
          name: 'Sweep',
          email: 'sweep@example.com',
          tenantId: ids.tenantB,
          address: { line1: 'x', city: 'x', postalCode: '1', country: 'TH' },
        },
      },
    ],
  },
  '/api/customers/[id]': {
    GET: none,
    PATCH: () => [{ json: { expectedVersion: 1, changes: { name: 'Sweep' } } }],
  },
  '/api/health': { GET: none },
  '/api/notifications': { GET: none },
  '/api/notifications/read': {
    POST: (ids) => [{ json: { ids: [ids.b.notification] }, filter: true }],
  },
  '/api/dashboard': { GET: none },
  '/api/orders': {
    GET: (ids) => [{}, { query: { q: ids.b.order }, filter: true }],
    // B's customer, B's product, A's customer with B's product: never an order of B's, never B's data.
    POST: (ids) => [
      { json: { customerId: ids.b.customer, lines: [{ productId: ids.a.product, quantity: 1 }] } },
      { json: { customerId: ids.a.customer, lines: [{ productId: ids.b.product, quantity: 1 }] } },
      { json: { customerId: ids.b.customer, lines: [{ productId: ids.b.product, quantity: 1 }] } },
    ],
  },
  '/api/orders/[id]': { GET: none },
  '/api/orders/[id]/status': {
    POST: () => [{ json: { status: 'confirmed' } }, { json: { status: 'cancelled', expectedVersion: 1 } }],
  },
  '/api/orders/stats': { GET: none },
  '/api/products': {
    GET: none,
    POST: (ids) => [{ json: { sku: 'SWEEP-1', name: 'Sweep', priceMinor: 100, tenantId: ids.tenantB } }],
  },
  '/api/products/[id]': {
    GET: none,
    PATCH: () => [{ json: { expectedVersion: 1, changes: { name: 'Sweep' } } }],
    DELETE: () => [{ json: {} }, { query: { expectedVersion: '1' } }],
  },
  '/api/products/bulk': {
    POST: (ids) => [
      { json: { ids: [ids.b.product], operation: { kind: 'stock_adjust', delta: -1 } } },
      { json: { ids: [ids.a.product, ids.b.product], operation: { kind: 'price_percent', percent: 10 } } },
    ],
  },
  '/api/pusher/auth': {
    POST: (ids) =>
      [
        `private-products.${ids.tenantB}`,
        `private-orders.${ids.tenantB}.${ids.b.order}`,
        `private-admin.${ids.tenantB}`,
        `private-activity.${ids.tenantB}`,
        `presence-online.${ids.tenantB}`,
        `presence-orders.${ids.tenantB}.${ids.b.order}`,
        `private-App.Models.User.${ids.b.user}`,
      ].map((channel) => ({ form: { socket_id: '123.456', channel_name: channel } })),
  },
  '/api/pusher/user-auth': { POST: () => [{ form: { socket_id: '123.456' } }] },
  '/api/realtime/announcements': { POST: () => [{ json: { text: 'sweep announcement' } }] },
  '/api/realtime/connections': { GET: none },
  '/api/realtime/connections/[id]': { DELETE: none },
  '/api/realtime/conversations/[id]/typing': { GET: none },
  '/api/realtime/online': { GET: none },
  '/api/realtime/presence': { PUT: () => [{ json: { status: 'busy', statusText: 'sweep' } }] },
  '/api/realtime/presence/[userId]': { GET: none },
  '/api/realtime/stats': { GET: none },
  '/api/realtime/subscriptions': {
    POST: (ids) => [
      { json: { connectionId: ids.b.connection, channel: 'orders' } },
      { json: { connectionId: ids.ownConnection, channel: `user:${ids.b.user}` } },
      { json: { connectionId: ids.ownConnection, channel: `conversation:${ids.b.conversation}` } },
      { json: { connectionId: ids.ownConnection, channel: `${ids.tenantB}:orders` } },
    ],
    DELETE: (ids) => [{ json: { connectionId: ids.b.connection, channel: 'orders' } }],
  },
  '/api/realtime/typing': {
    POST: (ids) => [{ json: { conversationId: ids.b.conversation, typing: true } }],
  },
  // A browser's count of payloads it dropped at its edge: no tenant's data in or out, only a counter moves.
  '/api/wire/drops': { POST: () => [{ json: { drops: { 'orders.order.updated': 1 } }, filter: true }] },
};

/** Arguments of each server action (by exported name); `form` actions take (state, FormData). */
export type ActionAttack = { args: unknown[] } | { form: Record<string, string>; state: unknown };

export const actionAttacks: Record<string, (ids: SweepIds) => ActionAttack[]> = {
  createProductAction: (ids) => [
    { args: [{ sku: 'SWEEP-2', name: 'Sweep', priceMinor: 1, tenantId: ids.tenantB }] },
  ],
  updateProductAction: (ids) => [
    { args: [ids.b.product, { expectedVersion: 1, changes: { name: 'Sweep' } }] },
  ],
  deleteProductAction: (ids) => [{ args: [ids.b.product, {}] }],
  bulkUpdateProductsAction: (ids) => [
    { args: [{ ids: [ids.b.product], operation: { kind: 'stock_adjust', delta: -1 } }] },
  ],
  createCustomerAction: (ids) => [
    {
      args: [
        {
          name: 'Sweep',
          email: 'sweep2@example.com',
          tenantId: ids.tenantB,
          address: { line1: 'x', city: 'x', postalCode: '1', country: 'TH' },
        },
      ],
    },
  ],
  updateCustomerAction: (ids) => [
    { args: [ids.b.customer, { expectedVersion: 1, changes: { name: 'Sweep' } }] },
  ],
  changeOrderStatusAction: (ids) => [{ args: [ids.b.order, { status: 'confirmed' }] }],
  createOrderAction: (ids) => [
    { args: [{ customerId: ids.b.customer, lines: [{ productId: ids.a.product, quantity: 1 }] }] },
    { args: [{ customerId: ids.a.customer, lines: [{ productId: ids.b.product, quantity: 1 }] }] },
  ],
  // Someone of tenant A trying tenant B's account: refused like any wrong password, and nothing of B comes back.
  signIn: (ids) => [
    { state: { error: null, email: '' }, form: { email: ids.b.email, password: 'demo1234-not' } },
  ],
  signOut: () => [{ args: [] }],
  setLocale: () => [{ args: ['th'] }],
};

/** RPC parameters that make a call reach its data path (merged over the generated ones). */
export const rpcOverrides: Record<string, (ids: SweepIds) => Record<string, unknown>> = {
  'sync.push': (ids) => ({
    changes: [
      { clientChangeId: 'sweep-1', baseVersion: 1, field: 'notes', op: { type: 'text', op: ['sweep'] } },
      { clientChangeId: 'sweep-2', baseVersion: 1, field: 'status', op: { type: 'set', value: 'confirmed' } },
      {
        clientChangeId: 'sweep-3',
        baseVersion: 1,
        field: 'lines',
        op: { type: 'line.remove', lineId: ids.b.line },
      },
    ],
  }),
  'sync.pull': () => ({ sinceVersion: 0 }),
  'sync.history': () => ({ limit: 20 }),
  'conflict.resolve': () => ({ resolution: 'theirs' }),
  'conflict.list': () => ({ status: 'open' }),
  'comments.create': () => ({ anchor: { kind: 'entity' }, body: 'sweep' }),
  'comments.reply': () => ({ body: 'sweep' }),
  'comments.edit': () => ({ body: 'sweep' }),
  'activity.list': () => ({ limit: 100, before: undefined }),
};

/** RPCs whose ids only filter the caller's own data: they answer (with nothing of B) instead of refusing. */
export const rpcFilters: Record<string, string> = {
  'activity.list': "entityId narrows the caller's own activity feed",
  'conflict.list': "entityId narrows the caller's own conflict queue",
  'messaging.delivered': 'marks those of the given messages that were delivered to the caller',
  'notifications.delivered': "marks those of the given notifications that are the caller's",
};

/** RPCs that answer per item: refused when every item was refused as not found. */
export const rpcRefusedInResult: Record<string, (result: unknown) => boolean> = {
  'sync.push': (result) => {
    if (typeof result !== 'object' || result === null || !('results' in result)) return false;
    const results = result.results;
    return (
      Array.isArray(results) &&
      results.length > 0 &&
      results.every(
        (r: unknown) =>
          typeof r === 'object' &&
          r !== null &&
          'status' in r &&
          r.status === 'rejected' &&
          'code' in r &&
          r.code === 'NOT_FOUND',
      )
    );
  },
};
