import type { z } from 'zod';
import { defaultWireMode, parseAnswer, WirePayloadError } from '../../wire/edge';
import type { syncAnswers } from '../protocol';
import type { RpcReply, SyncClientTransport } from './transport';

export type SyncAnswerMethod = keyof typeof syncAnswers;

/**
 * A sync RPC whose answer is parsed at the edge with its contract (`syncAnswers[method]` of lib/sync/protocol.ts).
 * An answer that does not match throws in development and tests; in production it is counted and comes back as an
 * INTERNAL refusal, which the manager handles as any other.
 */
export async function rpcParsed<S extends z.ZodType>(
  transport: Pick<SyncClientTransport, 'rpc'>,
  method: SyncAnswerMethod,
  schema: S,
  params: unknown,
): Promise<RpcReply<z.output<S>>> {
  const reply = await transport.rpc(method, params);
  if (!reply.ok) return reply;
  try {
    return { ok: true, result: parseAnswer(`sync.${method}`, schema, reply.result) };
  } catch (error) {
    // Strict mode threw already (loudly); in production the mismatch was counted and is a refusal here.
    if (error instanceof WirePayloadError && defaultWireMode() === 'count')
      return { ok: false, error: { code: 'INTERNAL', message: `unexpected answer to ${method}` } };
    throw error;
  }
}
