import type { Executor, Tx } from '../../db/create-db';
import { applyStatusTransition } from '../../db/queries/order-status';
import {
  deleteLine,
  insertLine,
  lineIdsTakenElsewhere,
  type OrderFieldPatch,
  replaceLines,
  type SyncedOrder,
  setLineQuantity,
  tenantCustomerExists,
  tenantProductPrices,
  writeOrderFields,
} from '../../db/queries/order-writes';
import { WriteAbort } from '../../db/queries/write-outcome';
import { applyChangeToDoc, readField } from '../doc';
import { fieldValueSchemas, lineSchema } from '../protocol';
import type { ChangeOp, OrderDoc, SyncLine } from '../types';
import { lineIdOfField } from '../types';
import type { SyncError } from './context';

export function toDoc(order: SyncedOrder): OrderDoc {
  return {
    status: order.status,
    customerId: order.customerId,
    shippingAddress: order.shippingAddress,
    notes: order.notes,
    lines: order.lines,
  };
}

const invalid = (message: string): SyncError => ({ code: 'VALIDATION', message });

const lineIdTaken = invalid('Line id already used by another order');

/** Lines hold stock once an order is confirmed, so they change only before that. */
export const linesEditable = (status: OrderDoc['status']) => status === 'draft' || status === 'pending';
export const linesFrozen: SyncError = {
  code: 'VALIDATION',
  message: 'Lines can change only while the order is a draft or pending',
};

/** Business rules a set/line change must pass before any strategy sees it. */
export async function validateOrderChange(
  tx: Executor,
  tenantId: string,
  orderId: string,
  doc: OrderDoc,
  field: string,
  op: ChangeOp,
): Promise<SyncError | null> {
  const lineId = lineIdOfField(field);
  if ((lineId || op.type === 'line.add' || op.type === 'line.remove') && !linesEditable(doc.status)) {
    return linesFrozen;
  }
  if (op.type === 'set') {
    if (lineId) {
      if (!doc.lines.some((line) => line.id === lineId))
        return { code: 'NOT_FOUND', message: 'Line not found' };
      return fieldValueSchemas.quantity.safeParse(op.value).success
        ? null
        : invalid('Quantity must be a whole number of at least 1');
    }
    switch (field) {
      case 'status':
      case 'shippingAddress':
      case 'notes':
        return fieldValueSchemas[field].safeParse(op.value).success ? null : invalid(`${field} is not valid`);
      case 'customerId': {
        if (!fieldValueSchemas.customerId.safeParse(op.value).success)
          return invalid('customerId is not valid');
        return (await tenantCustomerExists(tx, tenantId, op.value as string))
          ? null
          : { code: 'NOT_FOUND', message: 'Unknown customer' };
      }
      default:
        return invalid(`${field} cannot be set`);
    }
  }
  if (op.type === 'text') return field === 'notes' ? null : invalid('Only the notes take text ops');
  if (op.type === 'line.add' || op.type === 'line.remove') {
    if (field !== 'lines') return invalid('Line ops go to the lines field');
    if (op.type === 'line.remove') {
      return doc.lines.some((line) => line.id === op.lineId)
        ? null
        : { code: 'NOT_FOUND', message: 'Line not found' };
    }
    if (doc.lines.some((line) => line.id === op.line.id)) return invalid('Line id already used');
    if ((await lineIdsTakenElsewhere(tx, orderId, [op.line.id])).size > 0) return lineIdTaken;
    const prices = await tenantProductPrices(tx, tenantId, [op.line.productId]);
    return prices.has(op.line.productId) ? null : { code: 'NOT_FOUND', message: 'Unknown product' };
  }
  return field === 'notes' || field === 'lines' ? null : invalid('Yjs updates go to notes or lines');
}

/** Lines derived from a Yjs document must pass the same rules as lines edited one by one. */
export async function validateLines(
  tx: Tx,
  tenantId: string,
  orderId: string,
  lines: SyncLine[],
): Promise<SyncError | null> {
  const ids = new Set<string>();
  for (const line of lines) {
    if (ids.has(line.id)) return invalid('Duplicate line id');
    ids.add(line.id);
    if (!lineSchema.shape.id.safeParse(line.id).success) return invalid('A line id must be a UUID');
    if (!fieldValueSchemas.quantity.safeParse(line.quantity).success) {
      return invalid('Quantity must be a whole number of at least 1');
    }
  }
  if ((await lineIdsTakenElsewhere(tx, orderId, [...ids])).size > 0) return lineIdTaken;
  const productIds = [...new Set(lines.map((line) => line.productId))];
  const prices = await tenantProductPrices(tx, tenantId, productIds);
  return productIds.every((id) => prices.has(id)) ? null : { code: 'NOT_FOUND', message: 'Unknown product' };
}

/**
 * A status change follows the order's transitions and moves stock like every other status change (reserve on
 * confirm, ship, release on cancel), in a savepoint so a refusal leaves nothing behind.
 */
async function transitionStatus(
  tx: Tx,
  order: SyncedOrder,
  to: OrderDoc['status'],
): Promise<SyncError | null> {
  if (order.status === to) return null;
  try {
    await tx.transaction((savepoint) =>
      applyStatusTransition(savepoint, order.tenantId, order.id, order.status, to),
    );
    return null;
  } catch (error) {
    if (!(error instanceof WriteAbort)) throw error;
    const failure = error.failure;
    if (failure.reason === 'invalid_transition') {
      return { code: 'VALIDATION', message: `${failure.from} cannot become ${failure.to}`, details: failure };
    }
    if (failure.reason === 'insufficient_stock') {
      return { code: 'CONFLICT', message: 'Not enough stock to confirm', details: failure };
    }
    return { code: 'VALIDATION', message: failure.reason, details: failure };
  }
}

/** Writes a committed change to the order tables and stamps the new version (or says why it cannot). */
export async function writeOrderChange(
  tx: Tx,
  order: SyncedOrder,
  field: string,
  op: ChangeOp,
  next: OrderDoc,
  version: number,
): Promise<SyncError | null> {
  if (field === 'status' && op.type === 'set') {
    const refused = await transitionStatus(tx, order, op.value as OrderDoc['status']);
    if (refused) return refused;
  }
  const patch: OrderFieldPatch = {};
  const lineId = lineIdOfField(field);
  if (op.type === 'set' && lineId) await setLineQuantity(tx, order.id, lineId, op.value as number);
  else if (op.type === 'set' || op.type === 'text') {
    const value = readField(next, field);
    Object.assign(patch, { [field]: value });
  } else if (op.type === 'line.add') {
    const prices = await tenantProductPrices(tx, order.tenantId, [op.line.productId]);
    await insertLine(tx, order, op.line, prices.get(op.line.productId) ?? 0);
  } else if (op.type === 'line.remove') await deleteLine(tx, order.id, op.lineId);
  else {
    if (next.notes !== order.notes) patch.notes = next.notes;
    if (JSON.stringify(next.lines) !== JSON.stringify(order.lines)) {
      const prices = await tenantProductPrices(tx, order.tenantId, [
        ...new Set(next.lines.map((l) => l.productId)),
      ]);
      await replaceLines(tx, order, next.lines, prices);
    }
  }
  await writeOrderFields(tx, order.id, patch, version);
  return null;
}

export function nextDoc(doc: OrderDoc, field: string, op: ChangeOp): OrderDoc {
  return applyChangeToDoc(doc, field, op);
}
