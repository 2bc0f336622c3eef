import type { SessionUser } from '../auth/current-user';
import { requireApiUser } from '../auth/current-user';
import { apiJson } from '../http/api-response';
import { errorCodes } from '../realtime/protocol/codes';
import { isUnavailable } from '../server/faults';
import { getServices } from '../server/services';
import type { CatalogError, Result } from './result';

/** 503 with the catalog's UNAVAILABLE: the database or Redis cannot be reached right now; the client retries. */
export function unavailableResponse(): Response {
  return Response.json(
    { error: { code: 'UNAVAILABLE', message: errorCodes.UNAVAILABLE.reason } },
    { status: 503, headers: { 'cache-control': 'no-store', 'retry-after': '1' } },
  );
}

/** The largest JSON body a catalog endpoint reads (a bulk update of 500 ids is about 20 KB). */
export const MAX_BODY_BYTES = 128 * 1024;

export function errorResponse(
  error: Pick<CatalogError, 'code' | 'status' | 'message' | 'details'>,
): Response {
  const body = error.details
    ? { code: error.code, message: error.message, details: error.details }
    : { code: error.code, message: error.message };
  return Response.json({ error: body }, { status: error.status, headers: { 'cache-control': 'no-store' } });
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
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return {
      ok: false,
      response: errorResponse({ code: 'VALIDATION', status: 400, message: 'Body is not valid JSON' }),
    };
  }
}

/**
 * The shape of every catalog route handler: resolve the session user (401 without one), run the handler, and turn
 * an unexpected exception into a logged 500 with the catalog's error body.
 */
export async function withApiUser(
  request: Request,
  handler: (user: SessionUser) => Promise<Response>,
): Promise<Response> {
  try {
    const auth = await requireApiUser(request);
    if (!auth.ok) return auth.response;
    return await handler(auth.user);
  } catch (error) {
    if (isUnavailable(error)) {
      getServices().logger.warn({ err: String(error), url: request.url }, 'backend unavailable');
      return unavailableResponse();
    }
    getServices().logger.error(
      { err: error, url: request.url, method: request.method },
      'catalog API failed',
    );
    return errorResponse({ code: 'INTERNAL', status: 500, message: 'Internal error' });
  }
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
