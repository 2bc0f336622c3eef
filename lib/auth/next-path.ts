/** Where signing in leads when no (acceptable) page was asked for. */
export const DEFAULT_AFTER_SIGN_IN = '/';

export const SIGN_IN_PATH = '/sign-in';

/** The query parameter of the sign-in page that carries the page to return to. */
export const NEXT_PARAM = 'next';

/**
 * The request header through which the proxy (proxy.ts) tells server components which page was asked for; a layout
 * cannot see the URL otherwise. Set (overwritten) by the proxy on every page request.
 */
export const REQUESTED_PATH_HEADER = 'x-osl-requested-path';

const MAX_LENGTH = 2000;
const ORIGIN = 'http://next.invalid';

/**
 * The page to go to after signing in, if `value` is a path on this site; otherwise null. Only a relative path
 * starting with a single "/" is taken: not `//host` or `/\host` (browsers read both as another host), no scheme,
 * no backslash, no control character (URL parsing drops tabs and newlines, so `/\t/host` would become `//host`),
 * and nothing that leads back to the sign-in page. The result is the parsed, normalised path, query and fragment.
 */
export function safeNextPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return null;
  if (!value.startsWith('/') || value.startsWith('//')) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused here
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value, ORIGIN);
  } catch {
    return null;
  }
  if (url.origin !== ORIGIN) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (!path.startsWith('/') || path.startsWith('//')) return null;
  if (url.pathname === SIGN_IN_PATH || url.pathname.startsWith(`${SIGN_IN_PATH}/`)) return null;
  return path;
}

/** `safeNextPath`, or the dashboard. */
export function afterSignIn(value: unknown): string {
  return safeNextPath(value) ?? DEFAULT_AFTER_SIGN_IN;
}

/** The sign-in page, asked to return to `from` afterwards (left out when it is the dashboard or not acceptable). */
export function signInUrl(from?: string | null): string {
  const next = safeNextPath(from);
  if (!next || next === DEFAULT_AFTER_SIGN_IN) return SIGN_IN_PATH;
  return `${SIGN_IN_PATH}?${new URLSearchParams({ [NEXT_PARAM]: next }).toString()}`;
}
