import { z } from 'zod';

/**
 * Builds RPC parameters from a method's own zod schema (through its JSON Schema), so a newly registered method is
 * attacked without anyone writing its parameters: every id-like property gets another tenant's id of the kind its
 * name says. A uuid property whose name is not in `idKinds` is an error: the sweep fails until someone says what
 * kind of id it is.
 */
export type IdKind =
  | 'order'
  | 'product'
  | 'customer'
  | 'user'
  | 'conversation'
  | 'message'
  | 'thread'
  | 'comment'
  | 'change'
  | 'conflict'
  | 'notification'
  | 'line';

/** Property name → the kind of id it holds (singular and list properties alike). */
export const idKinds: Record<string, IdKind> = {
  entityId: 'order',
  orderId: 'order',
  productId: 'product',
  customerId: 'customer',
  userId: 'user',
  userIds: 'user',
  memberIds: 'user',
  mentions: 'user',
  conversationId: 'conversation',
  messageIds: 'message',
  threadId: 'thread',
  commentId: 'comment',
  changeId: 'change',
  conflictId: 'conflict',
  ids: 'notification',
  lineId: 'line',
  id: 'line',
};

type JsonSchema = {
  type?: string | string[];
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  minItems?: number;
};

export class UncoveredParam extends Error {}

export function generateParams(
  method: string,
  schema: z.ZodType,
  idOf: (kind: IdKind) => string,
  usedIds: Set<string>,
): unknown {
  const json = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as JsonSchema;
  const value = (node: JsonSchema, name: string): unknown => {
    const options = node.oneOf ?? node.anyOf;
    if (options) {
      const concrete = options.filter((o) => o.type !== 'null');
      return value(concrete[0] ?? options[0]!, name);
    }
    if (node.allOf?.[0]) return value(node.allOf[0], name);
    if (node.const !== undefined) return node.const;
    if (node.enum) return node.enum[0];
    const kind = idKinds[name];
    const type = Array.isArray(node.type) ? node.type[0] : node.type;
    switch (type) {
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const [key, child] of Object.entries(node.properties ?? {})) out[key] = value(child, key);
        return out;
      }
      case 'array':
        return [value(node.items ?? {}, name)];
      case 'string': {
        if (kind) {
          const id = idOf(kind);
          usedIds.add(id);
          return id;
        }
        if (node.format === 'uuid')
          throw new UncoveredParam(`${method}: say which kind of id "${name}" holds (idKinds)`);
        return 'x'.repeat(Math.max(1, node.minLength ?? 1));
      }
      case 'integer':
      case 'number':
        return Math.max(1, node.minimum ?? (node.exclusiveMinimum ?? 0) + 1);
      case 'boolean':
        return node.default ?? false;
      default:
        return node.default ?? 'x';
    }
  };
  return value(json, '');
}
