import { Clock } from '@app/shared-kernel';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { ConsumerDataChangedEvent } from '../events/consumer-data-changed.event';
import { TransactionStore } from '../ports/transaction.store';
import { IngestResult, IngestTransactionsCommand } from './ingest-transactions.command';
import { validateEvents } from './validate-events';

@CommandHandler(IngestTransactionsCommand)
export class IngestTransactionsHandler implements ICommandHandler<IngestTransactionsCommand, IngestResult> {
  constructor(
    private readonly store: TransactionStore,
    private readonly clock: Clock,
    private readonly events: EventBus,
  ) {}

  async execute(command: IngestTransactionsCommand): Promise<IngestResult> {
    const { valid, rejected } = validateEvents(command.events, this.clock.now());
    const { stored, duplicates } = valid.length ? await this.store.append(valid) : { stored: 0, duplicates: 0 };
    if (stored > 0) {
      const cpfs = [...new Set(valid.map((e) => e.cpf.value))];
      this.events.publish(new ConsumerDataChangedEvent(cpfs, 'TRANSACTIONS', { ...command.metadata, causationId: command.batchId }));
    }
    return { batchId: command.batchId, stored, duplicates, rejected };
  }
}
