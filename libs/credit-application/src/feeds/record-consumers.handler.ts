import { Clock, Cpf, DomainError } from '@app/shared-kernel';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Address, consumerName } from '@app/credit-domain';
import { ChangeNotifier } from '../events/change-notifier';
import { consumerDataChanged } from '../events/consumer-data-changed.event';
import { AuditLog } from '../ports/audit-log';
import { ConsumerFeeds, ConsumerRecordWrite } from '../ports/consumer-feeds';
import { FeedBatchResult, RejectedItem, resultOf } from './feed-batch';
import { RecordConsumersCommand } from './record-consumers.command';

/** Consumer records in bulk: parsed one by one, written in one statement, then audited as one batch and announced. */
@CommandHandler(RecordConsumersCommand)
export class RecordConsumersHandler implements ICommandHandler<RecordConsumersCommand, FeedBatchResult[]> {
  constructor(
    private readonly feeds: ConsumerFeeds,
    private readonly clock: Clock,
    private readonly changes: ChangeNotifier,
    private readonly audit: AuditLog,
  ) {}

  async execute({ batches, metadata }: RecordConsumersCommand): Promise<FeedBatchResult[]> {
    const now = this.clock.now();
    const writes: (ConsumerRecordWrite & { batch: number })[] = [];
    const rejected: RejectedItem[][] = batches.map(() => []);
    batches.forEach((b, batch) => {
      for (const { index, input } of b.items) {
        const field = `records[${index}]`;
        try {
          const cpf = Cpf.parse(input.cpf, `${field}.cpf`);
          const name = consumerName(input.name, `${field}.name`);
          writes.push({ batch, cpf, name, address: Address.create(input.address, `${field}.address`) });
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          rejected[batch]!.push({ index, code: error.code, field: error.field ?? field, reason: error.message });
        }
      }
    });
    if (writes.length) await this.feeds.saveRecords(writes, now);
    const entries = writes.map((w) => ({
      clientId: batches[w.batch]!.client,
      scope: 'consumer:write',
      purpose: null,
      cpf: w.cpf,
      action: 'WRITE' as const,
      resource: 'CONSUMER' as const,
      outcome: 'SUCCESS' as const,
      requestId: batches[w.batch]!.batchId.slice(0, 128),
      detail: { feed: 'CONSUMER_RECORD' },
    }));
    const cpfs = [...new Set(writes.map((w) => w.cpf.value))];
    // Side by side, as for debt reports: both done before the batch is acknowledged, both safe to repeat.
    if (writes.length) {
      await Promise.all([
        this.audit.recordMany(entries),
        this.changes.notifyMany(consumerDataChanged(cpfs, 'CONSUMER', metadata)),
      ]);
    }
    return batches.map((b, i) => resultOf(b, writes.filter((w) => w.batch === i).length, rejected[i]!));
  }
}
