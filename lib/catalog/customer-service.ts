import { findCustomer } from '../db/queries/catalog-reads';
import { createCustomer, updateCustomer } from '../db/queries/customer-writes';
import { type CustomerRow, listCustomers } from '../db/queries/customers';
import { enqueueOutboxEvents } from '../db/queries/outbox';
import { type CatalogActor, isEntityId, mayWrite } from './access';
import type { CatalogDeps } from './deps';
import { type CustomerDto, toCustomerDto } from './dto';
import { eventBase, type FieldChanges } from './events';
import { forbidden, fromWriteFailure, notFound, ok, type Result, validationFailed } from './result';
import { customerCreateInput, customerListQuery, customerPatchInput } from './schemas';

export type CustomerPage = {
  items: CustomerRow[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
};

const eventActor = (actor: CatalogActor) => ({ id: actor.id, name: actor.name });

export function createCustomerService(deps: CatalogDeps) {
  // Without a relay (unit tests of the service), the outbox's events wait for one.
  const flush = () => deps.outbox?.flush() ?? Promise.resolve();
  return {
    async list(actor: CatalogActor, query: unknown): Promise<Result<CustomerPage>> {
      const parsed = customerListQuery.safeParse(query);
      if (!parsed.success) return validationFailed(parsed.error);
      const { q, page, pageSize } = parsed.data;
      const { rows, ...rest } = await listCustomers(deps.db, actor.tenantId, { search: q, page, pageSize });
      return ok({ items: rows, ...rest });
    },

    async get(actor: CatalogActor, id: string): Promise<Result<CustomerDto>> {
      if (!isEntityId(id)) return notFound('Customer');
      const customer = await findCustomer(deps.db, actor.tenantId, id);
      return customer ? ok(toCustomerDto(customer)) : notFound('Customer');
    },

    async create(actor: CatalogActor, input: unknown): Promise<Result<CustomerDto>> {
      if (!mayWrite(actor)) return forbidden();
      const parsed = customerCreateInput.safeParse(input);
      if (!parsed.success) return validationFailed(parsed.error);
      // The customer and its event commit together (outbox); the relay publishes it.
      const customer = await deps.db.transaction(async (tx) => {
        const row = await createCustomer(tx, actor.tenantId, parsed.data);
        const data = { ...eventBase(actor), id: row.id, version: row.version, customer: toCustomerDto(row) };
        await enqueueOutboxEvents(tx, actor.tenantId, `customer:${row.id}`, [
          { channel: 'customers', event: 'customer.created', data, actor: eventActor(actor) },
        ]);
        return row;
      });
      const dto = toCustomerDto(customer);
      await flush();
      return ok(dto);
    },

    async update(
      actor: CatalogActor,
      id: string,
      input: unknown,
    ): Promise<Result<{ customer: CustomerDto; changes: FieldChanges }>> {
      if (!mayWrite(actor)) return forbidden();
      const parsed = customerPatchInput.safeParse(input);
      if (!parsed.success) return validationFailed(parsed.error);
      if (!isEntityId(id)) return notFound('Customer');
      const outcome = await updateCustomer(
        deps.db,
        actor.tenantId,
        id,
        parsed.data.expectedVersion,
        parsed.data.changes,
        async (tx, change) => {
          const data = {
            ...eventBase(actor),
            id,
            version: change.after.version,
            changes: change.changes as FieldChanges,
            customer: toCustomerDto(change.after),
          };
          await enqueueOutboxEvents(tx, actor.tenantId, `customer:${id}`, [
            { channel: 'customers', event: 'customer.updated', data, actor: eventActor(actor) },
          ]);
        },
      );
      if (!outcome.ok) return fromWriteFailure('Customer', outcome);
      const { after } = outcome.value;
      const changes = outcome.value.changes as FieldChanges;
      const dto = toCustomerDto(after);
      await flush();
      return ok({ customer: dto, changes });
    },
  };
}

export type CustomerService = ReturnType<typeof createCustomerService>;
