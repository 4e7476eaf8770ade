import {
  CommandSender,
  IngestTransactionsCommand,
  RatePartitionCommand,
  RegenerateRatingsCommand,
} from '@app/credit-application';

interface CommandSenderTargets {
  ingestTransactions?: (command: IngestTransactionsCommand) => Promise<unknown>;
  regenerateRatings?: (command: RegenerateRatingsCommand) => Promise<unknown>;
  ratePartition?: (command: RatePartitionCommand) => Promise<unknown>;
}

/**
 * Test adapter of the CommandSender port: records every command and, when given a target, runs it
 * before resolving (as the in-process transport does for ingest), so a test sees the worker's effect.
 */
export class RecordingCommandSender extends CommandSender {
  readonly ingested: IngestTransactionsCommand[] = [];
  readonly regenerations: RegenerateRatingsCommand[] = [];
  readonly partitions: RatePartitionCommand[] = [];

  constructor(private readonly targets: CommandSenderTargets = {}) {
    super();
  }

  async ingestTransactions(command: IngestTransactionsCommand): Promise<void> {
    this.ingested.push(command);
    await this.targets.ingestTransactions?.(command);
  }

  async regenerateRatings(command: RegenerateRatingsCommand): Promise<void> {
    this.regenerations.push(command);
    await this.targets.regenerateRatings?.(command);
  }

  /** Partitions run one after another when a target is given, as the embedded transport runs them. */
  async ratePartitions(commands: readonly RatePartitionCommand[]): Promise<void> {
    this.partitions.push(...commands);
    for (const command of commands) await this.targets.ratePartition?.(command);
  }
}
