/** An absolute URL on the server started by the browser global setup (it exports BASE_URL). */
export function appUrl(path = '/'): string {
  const base = process.env.BASE_URL;
  if (!base) throw new Error('BASE_URL is not set: run the browser tests through playwright.config.ts');
  return new URL(path, base).toString();
}
