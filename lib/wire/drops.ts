import { z } from 'zod';

/**
 * What a browser reports of the payloads it dropped at its edge (`POST /api/wire/drops`), counted on `/metrics` as
 * `osl_client_payload_dropped_total{contract}`. Browser-safe: zod only.
 */
export const WIRE_DROPS_PATH = '/api/wire/drops';

/** A contract's name: `feature.thing` (`messaging.message`), so the metric's labels stay few and readable. */
export const contractName = z
  .string()
  .max(64)
  .regex(/^[a-z][a-zA-Z]*(\.[a-z][a-zA-Z-]*){1,3}$/);

export const wireDropReport = z
  .object({ drops: z.record(contractName, z.number().int().min(1).max(10_000)) })
  .refine((report) => Object.keys(report.drops).length <= 50, 'at most 50 contracts per report');
export type WireDropReport = z.infer<typeof wireDropReport>;
