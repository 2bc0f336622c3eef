import type { z } from 'zod';
import type { ConversationSummary } from '../db/queries/conversations';
import type { NotificationView } from '../notifications/contract';
import type { conversationItem } from './contract';
import type { ConversationView } from './conversations';

/** What `Response.json` makes of a value: dates become ISO strings. */
type Jsonified<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Jsonified<U>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

type Reads<Answer, Contract extends z.ZodType> = Jsonified<Answer> extends z.input<Contract> ? true : false;
type Holds<T extends true> = T;

/**
 * Compile-time proof that the messaging REST answers, once serialized, are what the browser's contract reads
 * (lib/messaging/contract.ts; events are typed by the contract where they are published): change either side so
 * that they part, and `tsc` fails here.
 */
export type MessagingContractHolds = [
  Holds<Reads<ConversationSummary, typeof conversationItem>>,
  Holds<Reads<ConversationView, typeof conversationItem>>,
  Holds<NotificationView extends Jsonified<NotificationView> ? true : false>,
];
