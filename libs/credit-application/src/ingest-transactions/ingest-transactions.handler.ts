import { Clock } from '@app/shared-kernel';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ChangeNotifier } from '../events/change-notifier';
import { ConsumerDataChangedEvent } from '../events/consumer-data-changed.event';
import { TransactionStore } from '../ports/transaction.store';
import { IngestItem, IngestResult, IngestTransactionsCommand } from './ingest-transactions.command';
import { validateEvents } from './validate-events';

@CommandHandler(IngestTransactionsCommand)
export class IngestTransactionsHandler implements ICommandHandler<IngestTransactionsCommand, IngestResult> {
  constructor(
    private readonly store: TransactionStore,
    private readonly clock: Clock,
    private readonly changes: ChangeNotifier,
  ) {}

  async execute(command: IngestTransactionsCommand): Promise<IngestResult> {
    const { valid, indexes, rejected } = validateEvents(command.events, this.clock.now(), command.source);
    const { stored, duplicates, outcomes } = valid.length
      ? await this.store.append(valid)
      : {
          stored: 0,
          duplicates: 0,
          outcomes: [],
        };
    const items: IngestItem[] = rejected.map((r) => ({
      index: r.index,
      eventId: r.eventId,
      outcome: 'REJECTED' as const,
    }));
    valid.forEach((e, k) => items.push({ index: indexes[k]!, eventId: e.eventId, outcome: outcomes[k]! }));
    items.sort((a, b) => a.index - b.index);
    // Published for duplicates too: a batch comes again when its first delivery stored the events but died before
    // this line (a worker killed, a client that timed out and retried). Publishing only on new events would leave
    // those CPFs' cached analyses stale until their TTL. Invalidation and re-scoring are idempotent, so a plain
    // re-send costs a cache miss and a re-score, never a wrong answer.
    if (stored > 0 || duplicates > 0) {
      const cpfs = [...new Set(valid.map((e) => e.cpf.value))];
      await this.changes.notify(
        new ConsumerDataChangedEvent(cpfs, 'TRANSACTIONS', { ...command.metadata, causationId: command.batchId }),
      );
    }
    return { batchId: command.batchId, stored, duplicates, rejected, items };
  }
}
