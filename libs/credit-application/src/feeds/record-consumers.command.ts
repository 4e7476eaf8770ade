import { MessageMetadata } from '@app/shared-kernel';
import { Command } from '@nestjs/cqrs';
import { AddressProps } from '@app/credit-domain';
import { FeedBatch, FeedBatchResult } from './feed-batch';

export interface ConsumerRecordInput {
  cpf: string;
  name: string;
  address: AddressProps;
}

/**
 * Create consumers, or replace their name and address (their debts are kept), several batches at once: each record is
 * checked on its own, the valid ones written in one statement. Returns one result per batch.
 */
export class RecordConsumersCommand extends Command<FeedBatchResult[]> {
  constructor(
    readonly batches: readonly FeedBatch<ConsumerRecordInput>[],
    readonly metadata: MessageMetadata,
  ) {
    super();
  }
}
