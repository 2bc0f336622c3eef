import type { Db } from '../db/create-db';
import type { Role } from '../db/schema';
import type { Notifier } from '../notifications/notifier';
import type { RealtimePort } from './ports';
import type { TypingStore } from './typing-store';

/** The signed-in person a service call is made for (from a session, a bearer token or a socket). */
export type Caller = { id: string; tenantId: string; name: string; role: Role };

export type MessagingDeps = {
  db: Db;
  realtime: RealtimePort;
  typing: TypingStore;
  notifier: Notifier;
  now: () => number;
  /** How long a typing state lives without a refresh (clamped to 30 s). */
  typingTtlMs: number;
};

export const conversationChannel = (id: string) => `conversation:${id}`;
export const userChannel = (id: string) => `user:${id}`;
