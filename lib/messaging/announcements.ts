import { listTenantUsers } from '../db/queries/users';
import type { Caller, MessagingDeps } from './deps';
import { fail, ok, type Result } from './result';

export const MAX_ANNOUNCEMENT_CHARS = 1000;

/** An admin's broadcast to everyone in the tenant: a notification per person (persisted, audited). */
export function createAnnouncementService(deps: MessagingDeps) {
  return {
    async announce(caller: Caller, text: string): Promise<Result<{ recipients: number }>> {
      if (caller.role !== 'admin') return fail('FORBIDDEN', 'Only admins send announcements');
      const body = text.trim();
      if (body.length === 0) return fail('VALIDATION', 'An announcement cannot be empty');
      if ([...body].length > MAX_ANNOUNCEMENT_CHARS) {
        return fail('PAYLOAD_TOO_LARGE', `An announcement has at most ${MAX_ANNOUNCEMENT_CHARS} characters`);
      }
      const people = await listTenantUsers(deps.db, caller.tenantId);
      await Promise.all(
        people.map((person) =>
          deps.notifier.notify(caller.tenantId, person.id, 'announcement', {
            from: caller.name,
            fromId: caller.id,
            text: body,
          }),
        ),
      );
      return ok({ recipients: people.length });
    },
  };
}
