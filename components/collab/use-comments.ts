'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CommentAnchorInput, ThreadView } from '@/lib/comments/types';
import { commentEvents, commentResults, threadView, typingEvent } from '@/lib/comments/types';
import { useRealtime, useWebSocketChannel } from '@/lib/hooks';
import type { EventMessage } from '@/lib/realtime/protocol/messages';
import { parseWire, rpcAnswer } from '@/lib/wire/edge';

const TYPING_TTL_MS = 6_000;
const TYPING_REFRESH_MS = 2_500;

type Typing = Record<string, Record<string, { name: string; until: number }>>;

/**
 * The comment threads of an order, live: public ones from the order room, internal ones (staff only) from
 * `internal:{id}`, plus who is typing in which thread. Actions go through the comments RPCs.
 */
export function useComments(entityId: string, staff: boolean) {
  const { client, store } = useRealtime();
  const [threads, setThreads] = useState<ThreadView[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [typing, setTyping] = useState<Typing>({});
  const selfId = store.getState().user?.id ?? null;

  const reload = useCallback(async () => {
    try {
      const result = await rpcAnswer(
        'comments.list',
        commentResults.list,
        client.rpc('comments.list', { entityId }),
      );
      setThreads(result.threads);
      setLoaded(true);
    } catch {
      // offline: the next reconnect reloads
    }
  }, [client, entityId]);

  useEffect(() => {
    void reload();
    return client.on('state', (state) => {
      if (state.status === 'open') void reload();
    });
  }, [client, reload]);

  const onEvent = useCallback(
    (event: EventMessage) => {
      if (event.event === commentEvents.thread) {
        const thread = parseWire('comments.thread', threadView, event.data);
        if (!thread) return;
        setThreads((list) => {
          const at = list.findIndex((t) => t.id === thread.id);
          if (at === -1) return [...list, thread];
          const next = [...list];
          next[at] = thread;
          return next;
        });
        const author = event.actor?.id;
        if (author)
          setTyping((all) => {
            const { [author]: _gone, ...rest } = all[thread.id] ?? {};
            return { ...all, [thread.id]: rest };
          });
      } else if (event.event === commentEvents.typing) {
        const data = parseWire('comments.typing', typingEvent, event.data);
        if (!data || data.userId === selfId) return;
        setTyping((all) => {
          const thread = { ...(all[data.threadId] ?? {}) };
          if (data.typing) thread[data.userId] = { name: data.userName, until: Date.now() + TYPING_TTL_MS };
          else delete thread[data.userId];
          return { ...all, [data.threadId]: thread };
        });
      }
    },
    [selfId],
  );
  const onReset = useCallback(() => void reload(), [reload]);
  useWebSocketChannel(`order:${entityId}`, onEvent, { onReset });
  useWebSocketChannel(staff ? `internal:${entityId}` : null, onEvent, { onReset });

  // Typing entries expire on their own when the "stopped" event never comes (closed tab).
  useEffect(() => {
    const timer = setInterval(() => {
      const now = Date.now();
      setTyping((all) => {
        let changed = false;
        const next: Typing = {};
        for (const [threadId, people] of Object.entries(all)) {
          next[threadId] = {};
          for (const [userId, entry] of Object.entries(people)) {
            if (entry.until > now) next[threadId]![userId] = entry;
            else changed = true;
          }
        }
        return changed ? next : all;
      });
    }, 1_000);
    return () => clearInterval(timer);
  }, []);

  const lastTyping = useRef(new Map<string, number>());
  const sendTyping = useCallback(
    (threadId: string, active: boolean) => {
      const last = lastTyping.current.get(threadId) ?? 0;
      const now = Date.now();
      if (active && now - last < TYPING_REFRESH_MS) return;
      if (!active && last === 0) return;
      lastTyping.current.set(threadId, active ? now : 0);
      client.rpc('comments.typing', { threadId, typing: active }, { queue: false }).catch(() => undefined);
    },
    [client],
  );

  const call = useCallback(
    async (method: string, params: unknown): Promise<ThreadView> => {
      const thread = await rpcAnswer(
        'comments.thread',
        commentResults.thread,
        client.rpc(method, params, { queue: false }),
      );
      setThreads((list) => {
        const at = list.findIndex((t) => t.id === thread.id);
        if (at === -1) return [...list, thread];
        const next = [...list];
        next[at] = thread;
        return next;
      });
      return thread;
    },
    [client],
  );

  const actions = useMemo(
    () => ({
      create: (input: { anchor: CommentAnchorInput; internal: boolean; body: string; mentions: string[] }) =>
        call('comments.create', { entityId, ...input }),
      reply: (threadId: string, body: string, mentions: string[]) => {
        sendTyping(threadId, false);
        return call('comments.reply', { threadId, body, mentions });
      },
      edit: (commentId: string, body: string, mentions: string[]) =>
        call('comments.edit', { commentId, body, mentions }),
      remove: (commentId: string) => call('comments.delete', { commentId }),
      resolve: (threadId: string) => call('comments.resolve', { threadId }),
      reopen: (threadId: string) => call('comments.reopen', { threadId }),
      directory: async (query: string, internal: boolean) =>
        (
          await rpcAnswer(
            'comments.directory',
            commentResults.directory,
            client.rpc('comments.directory', { query, internal }, { queue: false }),
          )
        ).users,
    }),
    [call, client, entityId, sendTyping],
  );

  return { threads, loaded, typing, sendTyping, reload, ...actions };
}

export type CommentsApi = ReturnType<typeof useComments>;
