import { EXCHANGES, IngestTransactionsV1, QUEUES, RatePartitionV1, RegenerateRatingsV1 } from '@app/contracts';
import { RabbitMqPublisher } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import {
  CommandSender,
  IngestTransactionsCommand,
  RatePartitionCommand,
  RegenerateRatingsCommand,
} from '@app/credit-application';
import { BROKER_USER } from './broker-user';

/**
 * Commands leave the API as persistent messages; the call resolves once the broker has confirmed them. An ingest batch
 * names its REST client's source and carries this process's broker user as user_id, which the broker verifies: that is
 * what lets the ingestion worker believe the source.
 */
@Injectable()
export class RabbitMqCommandSender extends CommandSender {
  constructor(
    private readonly publisher: RabbitMqPublisher,
    @Inject(BROKER_USER) private readonly brokerUser: string,
  ) {
    super();
  }

  async ingestTransactions(command: IngestTransactionsCommand): Promise<void> {
    const payload: IngestTransactionsV1 = {
      batchId: command.batchId,
      source: command.source,
      events: command.events as Record<string, unknown>[],
    };
    await this.publisher.publish(EXCHANGES.commands, QUEUES.ingestTransactions, payload, {
      correlationId: command.metadata.correlationId,
      causationId: command.batchId,
      userId: this.brokerUser,
    });
  }

  async regenerateRatings(command: RegenerateRatingsCommand): Promise<void> {
    const payload: RegenerateRatingsV1 = { jobId: command.jobId };
    await this.publisher.publish(EXCHANGES.commands, QUEUES.regenerateRatings, payload, {
      correlationId: command.metadata.correlationId,
      causationId: command.metadata.causationId,
    });
  }

  /** Published side by side, a few hundred at a time, each confirmed before the call resolves. */
  async ratePartitions(commands: readonly RatePartitionCommand[]): Promise<void> {
    for (let i = 0; i < commands.length; i += 500) {
      await Promise.all(
        commands.slice(i, i + 500).map((c) => {
          const payload: RatePartitionV1 = { jobId: c.jobId, partition: c.index };
          return this.publisher.publish(EXCHANGES.commands, QUEUES.ratePartition, payload, {
            correlationId: c.metadata.correlationId,
            causationId: c.jobId,
          });
        }),
      );
    }
  }
}
