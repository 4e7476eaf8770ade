import { EXCHANGES, IngestTransactionsV1, QUEUES, RegenerateRatingsV1 } from '@app/contracts';
import { RabbitMqPublisher } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { CommandSender } from '../../application/ports/command.sender';
import { IngestTransactionsCommand } from '../../application/ingest-transactions/ingest-transactions.command';
import { RegenerateRatingsCommand } from '../../application/regenerate-ratings/regenerate-ratings.command';

/** Commands leave the API as persistent messages; the call resolves once the broker has confirmed them. */
@Injectable()
export class RabbitMqCommandSender extends CommandSender {
  constructor(private readonly publisher: RabbitMqPublisher) {
    super();
  }

  async ingestTransactions(command: IngestTransactionsCommand): Promise<void> {
    const payload: IngestTransactionsV1 = { batchId: command.batchId, events: command.events as Record<string, unknown>[] };
    await this.publisher.publish(EXCHANGES.commands, QUEUES.ingestTransactions, payload, { correlationId: command.metadata.correlationId, causationId: command.batchId });
  }

  async regenerateRatings(command: RegenerateRatingsCommand): Promise<void> {
    const payload: RegenerateRatingsV1 = { jobId: command.jobId };
    await this.publisher.publish(EXCHANGES.commands, QUEUES.regenerateRatings, payload, { correlationId: command.metadata.correlationId, causationId: command.metadata.causationId });
  }
}
