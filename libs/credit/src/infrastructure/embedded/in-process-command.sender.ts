import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandSender } from '../../application/ports/command.sender';
import { IngestTransactionsCommand } from '../../application/ingest-transactions/ingest-transactions.command';
import { RegenerateRatingsCommand } from '../../application/regenerate-ratings/regenerate-ratings.command';

/**
 * The embedded transport: the workers' handlers live in this process. Ingest runs before the call resolves,
 * so a 202 means stored; a regeneration runs in the background and reports through its job.
 */
@Injectable()
export class InProcessCommandSender extends CommandSender implements OnApplicationShutdown {
  private readonly logger = new Logger(InProcessCommandSender.name);
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly commandBus: CommandBus) {
    super();
  }

  async ingestTransactions(command: IngestTransactionsCommand): Promise<void> {
    await this.commandBus.execute(command);
  }

  async regenerateRatings(command: RegenerateRatingsCommand): Promise<void> {
    const run = this.commandBus
      .execute(command)
      .catch((error: Error) => this.logger.error(`rating job ${command.jobId} failed: ${error.message}`))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Shutdown waits for background jobs instead of cutting them off. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.running]);
  }
}
