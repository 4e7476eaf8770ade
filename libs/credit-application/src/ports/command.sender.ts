import { IngestTransactionsCommand } from '../ingest-transactions/ingest-transactions.command';
import { RatePartitionCommand, RegenerateRatingsCommand } from '../regenerate-ratings/regenerate-ratings.command';

/**
 * How the API and workers hand work on: in-process in the embedded default, RabbitMQ in production.
 * Resolves once the transport has taken responsibility for the command (broker confirm, or in-process hand-off).
 */
export abstract class CommandSender {
  abstract ingestTransactions(command: IngestTransactionsCommand): Promise<void>;
  abstract regenerateRatings(command: RegenerateRatingsCommand): Promise<void>;
  /** One durable work message per partition; any rating worker takes any of them. */
  abstract ratePartitions(commands: readonly RatePartitionCommand[]): Promise<void>;
}
