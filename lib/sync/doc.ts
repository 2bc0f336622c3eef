import { type TextOp, type as textType } from 'ot-text-unicode';
import { type ChangeOp, lineIdOfField, type OrderDoc, type SyncLine } from './types';

/** The value a field has in a document (`undefined` when the field names a line that is gone). */
export function readField(doc: OrderDoc, field: string): unknown {
  const lineId = lineIdOfField(field);
  if (lineId) return doc.lines.find((line) => line.id === lineId)?.quantity;
  switch (field) {
    case 'status':
      return doc.status;
    case 'customerId':
      return doc.customerId;
    case 'shippingAddress':
      return doc.shippingAddress;
    case 'notes':
      return doc.notes;
    case 'lines':
      return doc.lines;
    default:
      return undefined;
  }
}

function setField(doc: OrderDoc, field: string, value: unknown): OrderDoc {
  const lineId = lineIdOfField(field);
  if (lineId) {
    return {
      ...doc,
      lines: doc.lines.map((line) => (line.id === lineId ? { ...line, quantity: value as number } : line)),
    };
  }
  switch (field) {
    case 'status':
      return { ...doc, status: value as OrderDoc['status'] };
    case 'customerId':
      return { ...doc, customerId: value as string };
    case 'shippingAddress':
      return { ...doc, shippingAddress: value as OrderDoc['shippingAddress'] };
    case 'notes':
      return { ...doc, notes: value as string };
    case 'lines':
      return { ...doc, lines: value as SyncLine[] };
    default:
      return doc;
  }
}

/**
 * Applies a validated, non-Yjs change to a document; pure and shared by server and client. A change to a line
 * that no longer exists leaves the document as it is.
 */
export function applyChangeToDoc(doc: OrderDoc, field: string, op: ChangeOp): OrderDoc {
  switch (op.type) {
    case 'set':
      return setField(doc, field, op.value);
    case 'text':
      return { ...doc, notes: textType.apply(doc.notes, op.op) };
    case 'line.add':
      if (doc.lines.some((line) => line.id === op.line.id)) return doc;
      return { ...doc, lines: [...doc.lines, op.line] };
    case 'line.remove':
      return { ...doc, lines: doc.lines.filter((line) => line.id !== op.lineId) };
    case 'yjs':
    case 'policy':
      return doc;
  }
}

export function textOpFits(doc: string, op: TextOp): boolean {
  try {
    textType.apply(doc, op);
    return true;
  } catch {
    return false;
  }
}

export function equalValues(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
