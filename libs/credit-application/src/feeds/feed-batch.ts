/** One item of a batch that was not stored, by its position in the batch as sent. */
export interface RejectedItem {
  index: number;
  code: string;
  field: string;
  reason: string;
}

/**
 * A batch of one feed as one verified source sent it: the items left to process (with their position in the batch)
 * and those already refused at the edge (the schema check).
 */
export interface FeedBatch<T> {
  batchId: string;
  /** The verified sender the data is recorded under: amqp:<broker user> or api:<client>. */
  source: string;
  /** Who the audit log names, as for every other request of that sender: amqp:<broker user>, or the API client. */
  client: string;
  received: number;
  items: { index: number; input: T }[];
  rejected: RejectedItem[];
}

/** What became of a batch: the receipt a partner gets, less its transport. */
export interface FeedBatchResult {
  batchId: string;
  received: number;
  accepted: number;
  rejected: RejectedItem[];
}

/** Rejections in the order of the batch, so a receipt reads top to bottom. */
export function resultOf(batch: FeedBatch<unknown>, accepted: number, rejected: RejectedItem[]): FeedBatchResult {
  const all = [...batch.rejected, ...rejected].sort((a, b) => a.index - b.index);
  return { batchId: batch.batchId, received: batch.received, accepted, rejected: all };
}
