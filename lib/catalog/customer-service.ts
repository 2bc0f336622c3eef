import { findCustomer } from '../db/queries/catalog-reads';
import { createCustomer, updateCustomer } from '../db/queries/customer-writes';
import { type CustomerRow, listCustomers } from '../db/queries/customers';
import { type CatalogActor, isEntityId, mayWrite } from './access';
import type { CatalogDeps } from './deps';
import { type CustomerDto, toCustomerDto } from './dto';
import { eventBase, type FieldChanges, publishAll } from './events';
import { forbidden, fromWriteFailure, notFound, ok, type Result, validationFailed } from './result';
import { customerCreateInput, customerListQuery, customerPatchInput } from './schemas';

export type CustomerPage = {
  items: CustomerRow[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
};

export function createCustomerService(deps: CatalogDeps) {
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
      const customer = await createCustomer(deps.db, actor.tenantId, parsed.data);
      const dto = toCustomerDto(customer);
      await publishAll(deps.publish, deps.logger, actor.tenantId, actor, [
        {
          channel: 'customers',
          event: 'customer.created',
          data: { ...eventBase(actor), id: customer.id, version: customer.version, customer: dto },
        },
      ]);
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
      );
      if (!outcome.ok) return fromWriteFailure('Customer', outcome);
      const { after } = outcome.value;
      const changes = outcome.value.changes as FieldChanges;
      const dto = toCustomerDto(after);
      await publishAll(deps.publish, deps.logger, actor.tenantId, actor, [
        {
          channel: 'customers',
          event: 'customer.updated',
          data: { ...eventBase(actor), id, version: after.version, changes, customer: dto },
        },
      ]);
      return ok({ customer: dto, changes });
    },
  };
}

export type CustomerService = ReturnType<typeof createCustomerService>;
