import type { z } from 'zod';
import {
  type AdminRole,
  type AuditQuery,
  auditAnswer,
  errorAnswer,
  type PersonView,
  peopleAnswer,
  personAnswer,
} from '@/lib/admin/contract';
import { parseAnswer } from '@/lib/wire/edge';

/** What a console call ends in: the parsed answer, or an error code (from the shared catalog, or `NETWORK`). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

async function call<S extends z.ZodType>(
  schema: S,
  path: string,
  init: { method: string; body?: unknown } = { method: 'GET' },
): Promise<Outcome<z.infer<S>>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method,
      headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      cache: 'no-store',
    });
  } catch {
    return { ok: false, code: 'NETWORK', message: 'network' };
  }
  const json: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = errorAnswer.safeParse(json);
    return error.success
      ? { ok: false, ...error.data.error }
      : { ok: false, code: 'INTERNAL', message: `HTTP ${response.status}` };
  }
  try {
    return { ok: true, value: parseAnswer('admin.api.answer', schema, json) };
  } catch {
    return { ok: false, code: 'INTERNAL', message: 'unexpected answer' };
  }
}

const person = (id: string) => `/api/admin/users/${encodeURIComponent(id)}`;

export const adminApi = {
  people: () => call(peopleAnswer, '/api/admin/users'),
  create: (body: { name: string; email: string; role: AdminRole; password?: string; locale: 'en' | 'th' }) =>
    call(personAnswer, '/api/admin/users', { method: 'POST', body }),
  setRole: (id: string, role: AdminRole) =>
    call(personAnswer.pick({ person: true }), person(id), { method: 'PATCH', body: { role } }),
  setActive: (id: string, active: boolean) =>
    call(personAnswer.pick({ person: true }), person(id), { method: 'PATCH', body: { active } }),
  resetPassword: (id: string) => call(personAnswer, `${person(id)}/password`, { method: 'POST', body: {} }),
  signOut: (id: string) =>
    call(personAnswer.pick({ person: true }), `${person(id)}/sign-out`, { method: 'POST' }),
  audit: (query: Partial<AuditQuery>) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, String(value));
    return call(auditAnswer, `/api/admin/audit?${search.toString()}`);
  },
};

export type { PersonView };
