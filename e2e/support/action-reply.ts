import { createRequire } from 'node:module';

type EncodeReply = (value: unknown) => Promise<string | FormData>;

function hasEncodeReply(value: unknown): value is { encodeReply: EncodeReply } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'encodeReply' in value &&
    typeof value.encodeReply === 'function'
  );
}

/**
 * A server action's arguments encoded as React's client encodes them (the `encodeReply` of the copy Next ships), so
 * a test can call an action that takes `(state, FormData)` the way the browser does, not only JSON arguments.
 */
export async function encodeActionArgs(args: unknown[]): Promise<string | FormData> {
  const loaded: unknown = createRequire(import.meta.url)(
    'next/dist/compiled/react-server-dom-webpack/client.edge',
  );
  if (!hasEncodeReply(loaded)) throw new Error("Next's React client has no encodeReply");
  return loaded.encodeReply(args);
}
