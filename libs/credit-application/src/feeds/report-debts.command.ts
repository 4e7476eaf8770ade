import { MessageMetadata } from '@app/shared-kernel';
import { Command } from '@nestjs/cqrs';
import { DebtReportInput } from '@app/credit-domain';
import { FeedBatch, FeedBatchResult } from './feed-batch';

/**
 * Apply creditors' debt reports, several batches (of several sources) at once in one transaction: each report is
 * checked and applied on its own, in order, and a bad one never blocks the others. Returns one result per batch.
 */
export class ReportDebtsCommand extends Command<FeedBatchResult[]> {
  constructor(
    readonly batches: readonly FeedBatch<DebtReportInput>[],
    readonly metadata: MessageMetadata,
  ) {
    super();
  }
}
