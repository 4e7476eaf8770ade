import { CalendarDate, Clock, Cpf } from '@app/shared-kernel';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Address } from '../../domain/consumer/address.value-object';
import { Consumer } from '../../domain/consumer/consumer.entity';
import { Debt } from '../../domain/consumer/debt.entity';
import { ChangeNotifier } from '../events/change-notifier';
import { ConsumerDataChangedEvent } from '../events/consumer-data-changed.event';
import { ConsumerRepository } from '../ports/consumer.repository';
import { UpsertConsumerCommand, UpsertConsumerInput } from './upsert-consumer.command';

@CommandHandler(UpsertConsumerCommand)
export class UpsertConsumerHandler implements ICommandHandler<UpsertConsumerCommand, { created: boolean }> {
  constructor(
    private readonly consumers: ConsumerRepository,
    private readonly clock: Clock,
    private readonly changes: ChangeNotifier,
  ) {}

  async execute({ input, metadata }: UpsertConsumerCommand): Promise<{ created: boolean }> {
    const consumer = consumerFromInput(input, this.clock.now());
    const cpf = consumer.cpf;
    const existing = await this.consumers.findByCpf(cpf);
    await this.consumers.save(consumer);
    await this.changes.notify(new ConsumerDataChangedEvent([cpf.value], 'CONSUMER', metadata));
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
            limitationDate: d.limitationDate ? CalendarDate.parse(
              d.limitationDate,
              `debts[${i}].limitationDate`,
            ) : null,
          },
          `debts[${i}]`,
          today,
        ),
      ),
      updatedAt: now,
    });
}
