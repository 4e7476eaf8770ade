import { MessageMetadata } from '@app/shared-kernel';
import { Command } from '@nestjs/cqrs';
import { TransactionEventInput } from '@app/credit-domain';

export interface RejectedEvent {
  index: number;
  eventId: string | null;
  code: string;
  field: string;
  reason: string;
}

type IngestOutcome = 'STORED' | 'DUPLICATE' | 'REJECTED';

/** What became of one event of a batch, by its position in the batch as sent. */
export interface IngestItem {
  index: number;
  eventId: string | null;
  outcome: IngestOutcome;
}

export interface IngestResult {
  batchId: string;
  stored: number;
  duplicates: number;
  rejected: RejectedEvent[];
  /** One per event sent, in order: stored now, already stored for this source (a duplicate), or rejected. */
  items: IngestItem[];
}

/** The source of events a REST client sends: its API key's client name. */
export const apiSource = (clientName: string): string => `api:${clientName}`;
/** The source of events a partner publishes over RabbitMQ: the broker user the broker verified (AMQP user_id). */
export const amqpSource = (brokerUser: string): string => `amqp:${brokerUser}`;

/**
 * Store a batch of events; idempotent per source (the verified client that sent it, see apiSource / amqpSource), so a
 * redelivered batch changes nothing and two clients may use the same event ids.
 */
export class IngestTransactionsCommand extends Command<IngestResult> {
  constructor(
    readonly batchId: string,
    readonly events: TransactionEventInput[],
    readonly source: string,
    readonly metadata: MessageMetadata,
  ) {
    super();
  }
}
