import { listParticipants } from '../db/queries/conversations';
import type { TypingEvent } from './contract';
import type { ConversationService } from './conversations';
import { type Caller, conversationChannel, type MessagingDeps } from './deps';
import { ok, type Result } from './result';

export const MAX_TYPING_TTL_MS = 30_000;

export type Typist = { userId: string; name: string; expiresAt: string };

/**
 * Typing state lives in the store with an expiry; this node also keeps a timer per typist so that when a
 * client vanishes without saying "stopped", the others are told once the state expired.
 */
export function createTypingService(deps: MessagingDeps, conversations: ConversationService) {
  const ttl = Math.min(Math.max(deps.typingTtlMs, 1000), MAX_TYPING_TTL_MS);
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  const publish = (
    caller: Pick<Caller, 'tenantId'>,
    conversationId: string,
    data: Omit<TypingEvent, 'conversationId'>,
  ) =>
    deps.realtime.publish({
      tenantId: caller.tenantId,
      channel: conversationChannel(conversationId),
      event: 'typing',
      data: { conversationId, ...data } satisfies TypingEvent,
    });

  function watch(caller: Caller, conversationId: string, delayMs: number) {
    const key = `${caller.tenantId}:${conversationId}:${caller.id}`;
    const previous = timers.get(key);
    if (previous) clearTimeout(previous);
    const timer = setTimeout(() => {
      timers.delete(key);
      void (async () => {
        const entries = await deps.typing.list({ tenantId: caller.tenantId, conversationId }, deps.now());
        const entry = entries.find((e) => e.userId === caller.id);
        // Refreshed through another node: that node watches it now.
        if (entry) return;
        await publish(caller, conversationId, { userId: caller.id, name: caller.name, typing: false });
      })().catch(() => {});
    }, delayMs);
    timer.unref?.();
    timers.set(key, timer);
  }

  return {
    ttlMs: ttl,

    async set(caller: Caller, conversationId: string, typing: boolean): Promise<Result<{ typing: boolean }>> {
      const conversation = await conversations.forParticipant(caller, conversationId);
      if (!conversation.ok) return conversation;
      const key = { tenantId: caller.tenantId, conversationId };
      if (typing) {
        const now = deps.now();
        const before = await deps.typing.list(key, now);
        await deps.typing.set(key, caller.id, now + ttl);
        watch(caller, conversationId, ttl + 50);
        if (!before.some((e) => e.userId === caller.id)) {
          await publish(caller, conversationId, {
            userId: caller.id,
            name: caller.name,
            typing: true,
            ttlMs: ttl,
          });
        }
        return ok({ typing: true });
      }
      const was = await deps.typing.clear(key, caller.id);
      const timerKey = `${caller.tenantId}:${conversationId}:${caller.id}`;
      const timer = timers.get(timerKey);
      if (timer) clearTimeout(timer);
      timers.delete(timerKey);
      if (was) await publish(caller, conversationId, { userId: caller.id, name: caller.name, typing: false });
      return ok({ typing: false });
    },

    async list(caller: Caller, conversationId: string): Promise<Result<Typist[]>> {
      const conversation = await conversations.forParticipant(caller, conversationId);
      if (!conversation.ok) return conversation;
      const entries = await deps.typing.list({ tenantId: caller.tenantId, conversationId }, deps.now());
      if (entries.length === 0) return ok([]);
      const names = new Map(
        (await listParticipants(deps.db, [conversationId])).map((p) => [p.userId, p.name] as const),
      );
      return ok(
        entries
          .filter((e) => names.has(e.userId))
          .map((e) => ({
            userId: e.userId,
            name: names.get(e.userId) ?? '',
            expiresAt: new Date(e.expiresAt).toISOString(),
          })),
      );
    },

    close() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}

export type TypingService = ReturnType<typeof createTypingService>;
