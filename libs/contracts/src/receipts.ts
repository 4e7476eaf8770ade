import { BatchReceiptV1, RejectedItemV1 } from './messages';
import { RECEIPT_KINDS } from './topology';

/** The items a batch of one of the receipt-bearing queues carries, whatever its kind. */
function itemsOf(payload: unknown): unknown[] | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const p = payload as Record<string, unknown>;
  const items = p.events ?? p.reports ?? p.records;
  return Array.isArray(items) ? items : undefined;
}

/** The id a receipt names a batch by: its batchId, else the AMQP message_id, else a placeholder. */
function receiptBatchId(payload: unknown, messageId: string | undefined): string {
  const id = payload && typeof payload === 'object' ? (payload as { batchId?: unknown }).batchId : undefined;
  return typeof id === 'string' && id !== '' ? id : (messageId ?? '(none)');
}

/** The receipt of a batch that was handled: how many items were stored, and every one that was not. */
export function batchReceipt(
  queue: string,
  batch: { batchId: string; received: number; accepted: number; rejected: RejectedItemV1[] },
  processedAt: Date,
): BatchReceiptV1 {
  return { ...batch, kind: RECEIPT_KINDS[queue]!, processedAt: processedAt.toISOString() };
}

/** The receipt of a batch refused as a whole (unreadable, its envelope invalid, retried to the end): nothing stored. */
export function refusedBatchReceipt(
  queue: string,
  payload: unknown,
  messageId: string | undefined,
  error: { code: string; reason: string; field?: string },
  processedAt: Date,
): BatchReceiptV1 {
  return {
    batchId: receiptBatchId(payload, messageId),
    kind: RECEIPT_KINDS[queue]!,
    received: itemsOf(payload)?.length ?? 0,
    accepted: 0,
    rejected: [],
    error: { code: error.code, reason: error.reason, ...(error.field ? { field: error.field } : {}) },
    processedAt: processedAt.toISOString(),
  };
}
