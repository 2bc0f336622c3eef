import type { z } from 'zod';
import { createDropReporter, type DropReporter } from './drop-reporter';

/**
 * The client's edge for wire data: every event payload, RPC result and fetch answer is parsed here with its
 * contract's schema, once, and past this point it is typed. In development and tests (`strict`) a payload that does
 * not match throws, loudly, so a server change that breaks a screen fails a test; in production (`count`) it is
 * dropped (the caller sees `null` and keeps what it had) and counted on the server's `/metrics`. Never a crash.
 */
export type WireMode = 'strict' | 'count';

export class WirePayloadError extends Error {
  constructor(
    readonly contract: string,
    readonly issues: string,
  ) {
    super(`wire payload "${contract}" does not match its contract: ${issues}`);
    this.name = 'WirePayloadError';
  }
}

export type WireEdge = {
  /** The parsed payload, or null when it does not match (only in `count` mode: `strict` throws). */
  parse<S extends z.ZodType>(contract: string, schema: S, data: unknown): z.output<S> | null;
  /** Like `parse`, but a mismatch is always an error (a dropped answer has nothing to show): for RPCs and fetches. */
  parseOrThrow<S extends z.ZodType>(contract: string, schema: S, data: unknown): z.output<S>;
};

export function createWireEdge(options: {
  /** The mode, or a function read at each parse (the default edge follows NODE_ENV). */
  mode: WireMode | (() => WireMode);
  onDrop(contract: string): void;
  log?: (message: string) => void;
}): WireEdge {
  const modeNow = typeof options.mode === 'function' ? options.mode : () => options.mode;
  const log = options.log ?? ((message: string) => console.error(message));
  const check = <S extends z.ZodType>(contract: string, schema: S, data: unknown) => {
    const parsed = schema.safeParse(data);
    if (parsed.success) return { ok: true as const, value: parsed.data };
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    const error = new WirePayloadError(contract, issues);
    if (modeNow() === 'strict') {
      log(error.message);
      throw error;
    }
    options.onDrop(contract);
    return { ok: false as const, error };
  };
  return {
    parse(contract, schema, data) {
      const result = check(contract, schema, data);
      return result.ok ? result.value : null;
    },
    parseOrThrow(contract, schema, data) {
      const result = check(contract, schema, data);
      if (!result.ok) throw result.error;
      return result.value;
    },
  };
}

/** Strict in development and tests, counting in production (Next inlines NODE_ENV into the browser bundle). */
export const defaultWireMode = (): WireMode => (process.env.NODE_ENV === 'production' ? 'count' : 'strict');

let reporter: DropReporter | null = null;
const defaultEdge = createWireEdge({
  mode: defaultWireMode,
  onDrop(contract) {
    // Only a browser reports (a server render has no one to tell but its own log).
    if (typeof window === 'undefined') return;
    reporter ??= createDropReporter();
    reporter.record(contract);
  },
  log: (message) => console.error(message),
});

/** Parses wire data at the edge (see WireEdge.parse). */
export const parseWire: WireEdge['parse'] = (contract, schema, data) =>
  defaultEdge.parse(contract, schema, data);

/** Parses an RPC result or fetch answer at the edge; a mismatch rejects (see WireEdge.parseOrThrow). */
export const parseAnswer: WireEdge['parseOrThrow'] = (contract, schema, data) =>
  defaultEdge.parseOrThrow(contract, schema, data);

/** Awaits an RPC's result and parses it at the edge: `rpcAnswer('activity.page', activityPage, client.rpc(…))`. */
export async function rpcAnswer<S extends z.ZodType>(
  contract: string,
  schema: S,
  result: Promise<unknown>,
): Promise<z.output<S>> {
  return parseAnswer(contract, schema, await result);
}
