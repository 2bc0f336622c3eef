/** An address's parts in the order the form shows them (line 1, line 2, city, postal code, country). */
export const addressKeys = ['line1', 'line2', 'city', 'postalCode', 'country'] as const;

export function inFormOrder(value: Record<string, unknown>): [string, unknown][] {
  const rank = (key: string) => {
    const at = (addressKeys as readonly string[]).indexOf(key);
    return at === -1 ? addressKeys.length : at;
  };
  return Object.entries(value).sort(([a], [b]) => rank(a) - rank(b));
}

/** A field's value as one short line of text (addresses joined, long text cut). */
export function formatValue(
  field: string,
  value: unknown,
  names: { customer(id: string): string | undefined; status(s: string): string },
): string {
  if (value === null || value === undefined || value === '') return '';
  if (field === 'customerId' && typeof value === 'string') return names.customer(value) ?? value.slice(0, 8);
  if (field === 'status' && typeof value === 'string') return names.status(value);
  if (typeof value === 'object' && !Array.isArray(value)) {
    return inFormOrder(value as Record<string, unknown>)
      .map(([, v]) => v)
      .filter((v) => typeof v === 'string' && v.length > 0)
      .join(', ');
  }
  if (Array.isArray(value)) return String(value.length);
  const text = String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
