import type { Role } from '../db/schema';
import { entityId } from './schemas';

/** Who is acting: the signed-in user as the session resolved it. */
export type CatalogActor = { id: string; tenantId: string; name: string; role: Role };

/** Admins and sales staff change the catalog, customers and orders; viewers only read. */
export const mayWrite = (actor: CatalogActor): boolean => actor.role === 'admin' || actor.role === 'sales';

/** A path id that is not a uuid cannot name anything: answered as not found, like another tenant's id. */
export const isEntityId = (id: string): boolean => entityId.safeParse(id).success;
