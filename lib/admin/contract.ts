import { z } from 'zod';

/**
 * The admin console's contract (browser-safe): request bodies of `/api/admin/*`, the people and audit views, and
 * the audit actions. The route handlers parse with these; the console parses answers with them at its edge.
 */
export const roles = ['admin', 'sales', 'viewer'] as const;
export const role = z.enum(roles);
export type AdminRole = z.infer<typeof role>;

export const auditActions = [
  'user.created',
  'user.role_changed',
  'user.deactivated',
  'user.reactivated',
  'user.password_reset',
  'user.signed_out',
] as const;
export const auditAction = z.enum(auditActions);
export type AuditAction = z.infer<typeof auditAction>;

/** Temporary passwords an admin types (or the server generates) are at least this long. */
export const MIN_PASSWORD_LENGTH = 10;

export const createPersonBody = z.object({
  name: z.string().trim().min(1).max(120),
  email: z
    .email()
    .max(254)
    .transform((v) => v.trim().toLowerCase()),
  role,
  /** Absent: the server generates a temporary password and answers it once. */
  password: z.string().min(MIN_PASSWORD_LENGTH).max(200).optional(),
  locale: z.enum(['en', 'th']).default('en'),
});
export type CreatePersonBody = z.infer<typeof createPersonBody>;

/** One change at a time, so each is one audit entry with its own before and after. */
export const updatePersonBody = z.union([
  z.object({ role }).strict(),
  z.object({ active: z.boolean() }).strict(),
]);
export type UpdatePersonBody = z.infer<typeof updatePersonBody>;

export const resetPasswordBody = z
  .object({ password: z.string().min(MIN_PASSWORD_LENGTH).max(200).optional() })
  .strict();

export const auditQuery = z.object({
  action: auditAction.optional(),
  actorId: z.uuid().optional(),
  targetId: z.uuid().optional(),
  before: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type AuditQuery = z.infer<typeof auditQuery>;

export const personView = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role,
  active: z.boolean(),
  /** ISO time of the last sign-in or socket closed; null when never seen. */
  lastSeenAt: z.string().nullable(),
  online: z.boolean(),
  /** Open sockets on every node (browser tabs and devices). */
  sessions: z.number().int().nonnegative(),
  createdAt: z.string(),
});
export type PersonView = z.infer<typeof personView>;

export const auditEntryView = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ id: z.string().nullable(), name: z.string() }),
  action: auditAction,
  target: z.object({ id: z.string().nullable(), label: z.string() }),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEntryView = z.infer<typeof auditEntryView>;

export const peopleAnswer = z.object({ people: z.array(personView) });
/** The `admin` channel's event after any admin changed a person (so every open console shows it). */
export const PERSON_CHANGED = 'person.changed';
export const personChangedEvent = z.object({ person: personView });
/** The `admin` channel's event after a person was deleted outside the console (in SQL). */
export const PERSON_REMOVED = 'person.removed';
export const personRemovedEvent = z.object({ id: z.string() });
export const personAnswer = z.object({
  person: personView,
  /** Only when the server generated it: shown once to the admin, never stored in clear. */
  temporaryPassword: z.string().optional(),
});
export const auditAnswer = z.object({ entries: z.array(auditEntryView), next: z.string().nullable() });
export const errorAnswer = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
