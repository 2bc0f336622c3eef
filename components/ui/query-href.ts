export type QueryValues = Record<string, string | number | boolean | undefined | null>;

/**
 * A link to `path` with the current query changed by `changes`. Empty values, `false` and page 1 are left out,
 * so URLs stay short and canonical.
 */
export function queryHref(path: string, current: QueryValues, changes: QueryValues = {}): string {
  const merged: QueryValues = { ...current, ...changes };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(merged)) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    if (key === 'page' && Number(value) <= 1) continue;
    params.set(key, value === true ? '1' : String(value));
  }
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}
