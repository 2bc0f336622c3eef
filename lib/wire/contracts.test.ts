import { describe, expect, it } from 'vitest';
import { activityPage, activityView } from '../activity/types';
import { customerChangedEvent, productUpdatedEvent, statusCountsAnswer } from '../catalog/contract';
import { threadView, typingEvent } from '../comments/types';
import { conversationItem, unreadEvent } from '../messaging/contract';
import { inboxAnswer, notificationView } from '../notifications/contract';
import { appliedChangeSchema, conflictNoticeSchema, lockEventSchema } from '../sync/protocol';

/** Each feature's contract takes what the server sends and refuses what would break its screen. */
describe('feature contracts', () => {
  const cases: {
    name: string;
    schema: { safeParse(v: unknown): { success: boolean } };
    valid: unknown;
    invalid: unknown;
  }[] = [
    {
      name: 'notification',
      schema: notificationView,
      valid: {
        id: 'n',
        kind: 'message',
        payload: { from: 'Anna' },
        createdAt: 'x',
        readAt: null,
        silent: false,
      },
      invalid: { id: 'n', kind: 'message', payload: 'text', createdAt: 'x', readAt: null, silent: false },
    },
    {
      name: 'inbox answer',
      schema: inboxAnswer,
      valid: {
        notifications: [{ id: 'n', kind: 'k', payload: {}, createdAt: 'x', readAt: 'y', userId: 'u' }],
        unread: 0,
      },
      invalid: { notifications: [], unread: -1 },
    },
    {
      name: 'comment thread',
      schema: threadView,
      valid: {
        id: 't',
        entityId: 'o',
        anchor: { kind: 'range', field: 'notes', start: 1, end: 4, version: 7, quote: 'abc' },
        internal: false,
        status: 'open',
        createdBy: { id: 'u', name: 'Anna' },
        resolvedBy: null,
        resolvedAt: null,
        createdAt: 1,
        comments: [],
      },
      invalid: {
        id: 't',
        entityId: 'o',
        anchor: { kind: 'range' },
        internal: false,
        status: 'open',
        comments: [],
      },
    },
    {
      name: 'comment typing',
      schema: typingEvent,
      valid: { threadId: 't', userId: 'u', userName: 'Anna', typing: true },
      invalid: { threadId: 't', userId: 'u', typing: 'yes' },
    },
    {
      name: 'activity entry',
      schema: activityView,
      valid: {
        id: 'a',
        action: 'updated',
        entityType: 'order',
        entityId: 'o',
        entityLabel: 'SO-1',
        actor: { id: null, name: 'System' },
        changes: { notes: { before: 'a', after: 'b' } },
        meta: null,
        at: 5,
      },
      invalid: { id: 'a', action: 'exploded', entityType: 'order', entityId: 'o', at: 5 },
    },
    {
      name: 'activity page',
      schema: activityPage,
      valid: { items: [], next: { at: 1, id: 'a' } },
      invalid: { items: [], next: { at: 'soon' } },
    },
    {
      name: 'conversation',
      schema: conversationItem,
      valid: {
        id: 'c',
        kind: 'group',
        name: 'Team',
        createdBy: 'u',
        orderId: null,
        lastMessageAt: null,
        createdAt: 'x',
        participants: [],
      },
      invalid: {
        id: 'c',
        kind: 'channel',
        name: null,
        createdBy: 'u',
        orderId: null,
        createdAt: 'x',
        participants: [],
      },
    },
    {
      name: 'unread',
      schema: unreadEvent,
      valid: { conversationId: 'c', unread: 2 },
      invalid: { conversationId: 'c' },
    },
    {
      name: 'product updated',
      schema: productUpdatedEvent,
      valid: { id: 'p', version: 2, changes: { name: { before: 'a', after: 'b' } }, bulk: true },
      invalid: { id: 'p', version: '2', changes: {} },
    },
    {
      name: 'customer changed',
      schema: customerChangedEvent,
      valid: {
        id: 'c',
        version: 3,
        customer: {
          id: 'c',
          name: 'Somchai',
          company: 'Acme',
          email: 'a@b.c',
          phone: '',
          address: { line1: '', line2: '', city: '', postalCode: '', country: 'TH' },
          version: 3,
        },
      },
      invalid: { id: 'c', version: 3, customer: { id: 'c', name: 'Somchai' } },
    },
    {
      name: 'status counts',
      schema: statusCountsAnswer,
      valid: { draft: 1, pending: 0, confirmed: 0, shipped: 0, delivered: 0, cancelled: 0 },
      invalid: { draft: 1 },
    },
    {
      name: 'sync lock',
      schema: lockEventSchema,
      valid: { section: 'notes', lease: null, forcedBy: { id: 'a', name: 'Admin' } },
      invalid: { section: 'notes', lease: { key: 'k' } },
    },
    {
      name: 'sync conflict',
      schema: conflictNoticeSchema,
      valid: {
        conflictId: 'x',
        entityId: 'o',
        field: 'notes',
        mine: 'a',
        theirs: 'b',
        theirsBy: { userId: 'u', userName: 'Ken' },
        at: 1,
      },
      invalid: { conflictId: 'x', entityId: 'o', field: 'notes', at: 1 },
    },
    {
      name: 'sync change',
      schema: appliedChangeSchema,
      valid: {
        userId: 'u',
        userName: 'Anna',
        version: 4,
        digest: null,
        field: 'notes',
        section: 'notes',
        op: { type: 'text', op: [3, 'hi'] },
        clientChangeId: 'c1',
        strategy: 'operational-transform',
        outcome: 'commit',
        overwrote: null,
        undoOf: null,
        changeId: 'ch',
        at: 9,
      },
      invalid: { userId: 'u', userName: 'Anna', version: 4, field: 'notes', op: { type: 'teleport' } },
    },
  ];

  for (const { name, schema, valid, invalid } of cases)
    it(`${name}: takes a valid payload, refuses a broken one`, () => {
      expect(schema.safeParse(valid).success).toBe(true);
      expect(schema.safeParse(invalid).success).toBe(false);
    });
});
