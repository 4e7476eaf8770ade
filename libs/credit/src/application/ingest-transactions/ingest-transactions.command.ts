import { MessageMetadata } from '@app/shared-kernel';
import { Command } from '@nestjs/cqrs';
import { TransactionEventInput } from '../../domain/transactions/transaction-event';

export interface RejectedEvent {
  index: number;
  eventId: string | null;
  code: string;
  field: string;
  reason: string;
}

export interface IngestResult {
  batchId: string;
  stored: number;
  duplicates: number;
  rejected: RejectedEvent[];
}

/** Store a batch of events; idempotent by event id, so a redelivered batch changes nothing. */
export class IngestTransactionsCommand extends Command<IngestResult> {
  constructor(
    readonly batchId: string,
    readonly events: TransactionEventInput[],
    readonly metadata: MessageMetadata,
  ) {
    super();
  }
}
