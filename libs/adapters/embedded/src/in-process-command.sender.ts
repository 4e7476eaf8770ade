import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  CommandSender,
  IngestTransactionsCommand,
  RatePartitionCommand,
  RegenerateRatingsCommand,
} from '@app/credit-application';

/**
 * The embedded transport: the workers' handlers live in this process. Ingest runs before the call resolves,
 * so a 202 means stored; a regeneration runs in the background, one partition after another, and reports through its
 * job.
 */
@Injectable()
export class InProcessCommandSender extends CommandSender implements OnApplicationShutdown {
  private readonly logger = new Logger(InProcessCommandSender.name);
  private readonly running = new Set<Promise<unknown>>();
  /** Partitions run one at a time, in the order sent. */
  private partitions: Promise<void> = Promise.resolve();

  constructor(private readonly commandBus: CommandBus) {
    super();
  }

  async ingestTransactions(command: IngestTransactionsCommand): Promise<void> {
    await this.commandBus.execute(command);
  }

  async regenerateRatings(command: RegenerateRatingsCommand): Promise<void> {
    const run = this.background(this.commandBus.execute(command), `rating job ${command.jobId}`).finally(() =>
      this.running.delete(run),
    );
    this.running.add(run);
  }

  /** Nothing retries a partition in process, so each run is its last attempt: a failure shows as FAILED at once. */
  async ratePartitions(commands: readonly RatePartitionCommand[]): Promise<void> {
    for (const c of commands) {
      const last = new RatePartitionCommand(c.jobId, c.index, c.metadata, true);
      this.partitions = this.partitions.then(() =>
        this.background(this.commandBus.execute(last), `partition ${c.index} of rating job ${c.jobId}`),
      );
    }
  }

  private background(work: Promise<unknown>, what: string): Promise<void> {
    return work.then(
      () => undefined,
      (error: Error) => this.logger.error(`${what} failed: ${error.message}`),
    );
  }

  /** Shutdown waits for background jobs instead of cutting them off. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.running]);
    await this.partitions;
  }
}
