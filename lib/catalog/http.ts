import type { SessionUser } from '../auth/current-user';
import { apiJson } from '../http/api-response';
import { edgeError, withEdge } from '../http/edge';
import { parseClientJson } from '../wire/json';
import type { CatalogError, Result } from './result';

/** 503 with the catalog's UNAVAILABLE: the database or Redis cannot be reached right now; the client retries. */
export function unavailableResponse(): Response {
  return edgeError('UNAVAILABLE', 503, { headers: { 'retry-after': '1' } });
}

/** The largest JSON body a catalog endpoint reads (a bulk update of 500 ids is about 20 KB). */
export const MAX_BODY_BYTES = 128 * 1024;

export function errorResponse(
  error: Pick<CatalogError, 'code' | 'status' | 'message' | 'details'>,
): Response {
  return edgeError(error.code, error.status, {
    message: error.message,
    ...(error.details ? { details: error.details } : {}),
  });
}

export function resultResponse<T>(result: Result<T>, status = 200): Response {
  return result.ok ? apiJson(result.value, status) : errorResponse(result.error);
}

type Body = { ok: true; value: unknown } | { ok: false; response: Response };

/** The request body as JSON, refusing oversized (413) and malformed (400) bodies before anything parses them. */
export async function readJsonBody(request: Request, maxBytes = MAX_BODY_BYTES): Promise<Body> {
  const tooLarge = () => ({
    ok: false as const,
    response: errorResponse({
      code: 'PAYLOAD_TOO_LARGE',
      status: 413,
      message: `Body exceeds ${maxBytes} bytes`,
      details: { maxBytes },
    }),
  });
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) return tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        return tooLarge();
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: parseClientJson(text) };
  } catch {
    return {
      ok: false,
      response: errorResponse({ code: 'VALIDATION', status: 400, message: 'Body is not valid JSON' }),
    };
  }
}

/** The shape of every catalog route handler: the one HTTP edge (lib/http/edge.ts) around the handler. */
export function withApiUser(
  request: Request,
  handler: (user: SessionUser) => Promise<Response>,
): Promise<Response> {
  return withEdge(request, handler);
}

/** withApiUser plus a parsed JSON body. */
export function withApiUserAndBody(
  request: Request,
  handler: (user: SessionUser, body: unknown) => Promise<Response>,
): Promise<Response> {
  return withApiUser(request, async (user) => {
    const body = await readJsonBody(request);
    return body.ok ? handler(user, body.value) : body.response;
  });
}
