/**
 * An absolute URL on this worker's server, started by the browser global setup (one per worker: BASE_URL_N, where N
 * is the worker's TEST_PARALLEL_INDEX; BASE_URL outside a worker).
 */
export function appUrl(path = '/'): string {
  const index = process.env.TEST_PARALLEL_INDEX;
  const base = (index !== undefined ? process.env[`BASE_URL_${index}`] : undefined) ?? process.env.BASE_URL;
  if (!base) throw new Error('BASE_URL is not set: run the browser tests through playwright.config.ts');
  return new URL(path, base).toString();
}
