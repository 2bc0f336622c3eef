import { z } from 'zod';
import { type ErrorCode, errorCodes } from '../realtime/protocol/codes';

/** A refused catalog write as the browser receives it (server action result or REST error body). */
export type CatalogErrorBody = { code: ErrorCode; message: string; details?: Record<string, unknown> };

/** The keys a refused write may be explained with: the catalog's reasons and the shared error codes' texts. */
export type MessageKey =
  | `catalog:errors.${
      | 'duplicateSku'
      | 'insufficientStock'
      | 'insufficientStockGeneric'
      | 'invalidTransition'
      | 'inUse'
      | 'priceNegative'
      | 'unknownProducts'
      | 'staleVersion'
      | 'forbidden'
      | 'tooManyProducts'}`
  | `realtime:${(typeof errorCodes)[ErrorCode]['i18n']}`;

export type MessageRef = { key: MessageKey; values?: Record<string, string | number> };

const shortages = z.array(
  z.object({
    sku: z.string().optional(),
    requested: z.number().optional(),
    available: z.number().optional(),
  }),
);

/**
 * The i18n key (namespace-qualified) and values that explain a refused write to a person: the catalog reason when
 * there is one, else the shared text of the code. Safe in the browser.
 */
export function catalogErrorMessage(error: CatalogErrorBody): MessageRef {
  const details = error.details ?? {};
  switch (details.reason) {
    case 'duplicate_sku':
      return { key: 'catalog:errors.duplicateSku' };
    case 'insufficient_stock': {
      const [first] = shortages.safeParse(details.items).data ?? [];
      return first?.sku !== undefined
        ? {
            key: 'catalog:errors.insufficientStock',
            values: { sku: first.sku, requested: first.requested ?? 0, available: first.available ?? 0 },
          }
        : { key: 'catalog:errors.insufficientStockGeneric' };
    }
    case 'invalid_transition':
      return {
        key: 'catalog:errors.invalidTransition',
        values: { from: String(details.from ?? ''), to: String(details.to ?? '') },
      };
    case 'in_use':
      return { key: 'catalog:errors.inUse' };
    case 'price_negative':
      return { key: 'catalog:errors.priceNegative' };
    case 'unknown_products':
      return { key: 'catalog:errors.unknownProducts' };
  }
  if (error.code === 'STALE_VERSION') return { key: 'catalog:errors.staleVersion' };
  if (error.code === 'FORBIDDEN') return { key: 'catalog:errors.forbidden' };
  if (error.code === 'PAYLOAD_TOO_LARGE' && typeof details.max === 'number')
    return { key: 'catalog:errors.tooManyProducts', values: { max: details.max } };
  return { key: `realtime:${errorCodes[error.code].i18n}` };
}
