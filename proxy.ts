import { type NextRequest, NextResponse } from 'next/server';
import { REQUESTED_PATH_HEADER } from './lib/auth/next-path';

/**
 * Tells the pages which path was asked for (a layout cannot read the URL), so a signed-out visitor is sent to
 * `/sign-in?next=<that path>` and comes back to it after signing in. Only forwards; the check is in requireUser.
 */
export function proxy(request: NextRequest) {
  const url = request.nextUrl.clone();
  // The router's own cache-busting parameter is not part of the page's address.
  url.searchParams.delete('_rsc');
  const headers = new Headers(request.headers);
  headers.set(REQUESTED_PATH_HEADER, `${url.pathname}${url.search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Pages only: not the API, Next's own files, the sign-in page or anything with a file extension.
  matcher: ['/((?!api/|_next/|sign-in|ws$|metrics$|.*\\.[a-zA-Z0-9]+$).*)'],
};
