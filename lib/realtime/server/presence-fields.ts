import type { PresencePatch } from '../protocol';
import type { Connection, ScopeFields } from './connection';

/** Applies the connection-wide part of a presence patch (status, text, device, hidden); true when it changed. */
export function applyConnectionFields(conn: Connection, patch: PresencePatch): boolean {
  let changed = false;
  const presence = conn.presence;
  if (patch.status !== undefined && patch.status !== presence.status) {
    presence.status = patch.status;
    changed = true;
  }
  if (patch.statusText !== undefined && patch.statusText !== presence.statusText) {
    presence.statusText = patch.statusText;
    changed = true;
  }
  if (patch.device !== undefined && patch.device !== presence.device) {
    presence.device = patch.device;
    changed = true;
  }
  if (patch.hidden !== undefined && patch.hidden !== presence.hidden) {
    presence.hidden = patch.hidden;
    changed = true;
  }
  return changed;
}

/** Applies the per-scope part (location, activity, cursor), stamped with `now`; true when it changed. */
export function applyScopeFields(fields: ScopeFields, patch: PresencePatch, now: number): boolean {
  let changed = false;
  if (patch.location !== undefined) {
    fields.location = patch.location;
    changed = true;
  }
  if (patch.activity !== undefined) {
    fields.activity = patch.activity;
    changed = true;
  }
  if (patch.cursor !== undefined) {
    fields.cursor = patch.cursor;
    changed = true;
  }
  if (changed) fields.updatedAt = now;
  return changed;
}
