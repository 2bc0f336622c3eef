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
    return Object.values(value as Record<string, unknown>)
      .filter((v) => typeof v === 'string' && v.length > 0)
      .join(', ');
  }
  if (Array.isArray(value)) return String(value.length);
  const text = String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
