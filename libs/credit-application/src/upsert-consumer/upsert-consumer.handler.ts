import { CalendarDate, Clock, Cpf } from '@app/shared-kernel';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Address, Consumer, Debt, NoticePeriod } from '@app/credit-domain';
import { ChangeNotifier } from '../events/change-notifier';
import { ConsumerDataChangedEvent } from '../events/consumer-data-changed.event';
import { DebtNoticeEvent } from '../events/debt-notice.event';
import { ConsumerRepository } from '../ports/consumer.repository';
import { UpsertConsumerCommand, UpsertConsumerInput } from './upsert-consumer.command';

@CommandHandler(UpsertConsumerCommand)
export class UpsertConsumerHandler implements ICommandHandler<UpsertConsumerCommand, { created: boolean }> {
  constructor(
    private readonly consumers: ConsumerRepository,
    private readonly clock: Clock,
    private readonly changes: ChangeNotifier,
    private readonly noticePeriod: NoticePeriod,
  ) {}

  /**
   * The list sent replaces the one held, but a debt new to it and unpaid is a newly registered record: it waits for
   * the consumer's notice like one a creditor feed registers (CDC art. 43 §2), so PUT is no way around it.
   */
  async execute({ input, metadata }: UpsertConsumerCommand): Promise<{ created: boolean }> {
    const now = this.clock.now();
    const sent = consumerFromInput(input, now);
    const cpf = sent.cpf;
    const existing = await this.consumers.findByCpf(cpf);
    const { debts, noticed } = this.noticePeriod.register(existing?.debts ?? [], sent.debts, now);
    const consumer = Consumer.create({ cpf, name: sent.name, address: sent.address, debts, updatedAt: now });
    await this.consumers.save(consumer);
    const notice = noticed.length
      ? [
          DebtNoticeEvent.of(
            cpf.value,
            { name: consumer.name, address: consumer.address.toJSON() },
            noticed,
            now,
            metadata,
          ),
        ]
      : [];
    await this.changes.notifyMany([new ConsumerDataChangedEvent([cpf.value], 'CONSUMER', metadata), ...notice]);
    return { created: existing === null };
  }
}

/** Primitives to domain: shared by the handler and bulk loaders so both enforce the same rules. */
export function consumerFromInput(input: UpsertConsumerInput, now: Date): Consumer {
  const today = CalendarDate.today(now);
  return Consumer.create({
    cpf: Cpf.parse(input.cpf),
    name: input.name,
    address: Address.create(input.address),
    debts: input.debts.map((d, i) =>
      Debt.create(
        {
          ...d,
          dueDate: CalendarDate.parse(d.dueDate, `debts[${i}].dueDate`),
          limitationDate: d.limitationDate ? CalendarDate.parse(d.limitationDate, `debts[${i}].limitationDate`) : null,
        },
        `debts[${i}]`,
        today,
      ),
    ),
    updatedAt: now,
  });
}
