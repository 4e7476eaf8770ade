import { Clock, Cpf } from '@app/shared-kernel';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Address } from '../../domain/consumer/address.value-object';
import { Consumer } from '../../domain/consumer/consumer.entity';
import { ConsumerNotFoundError } from '../../domain/errors';
import { ChangeNotifier } from '../events/change-notifier';
import { ConsumerDataChangedEvent } from '../events/consumer-data-changed.event';
import { ConsumerRepository } from '../ports/consumer.repository';
import { CorrectConsumerCommand } from './correct-consumer.command';

@CommandHandler(CorrectConsumerCommand)
export class CorrectConsumerHandler implements ICommandHandler<CorrectConsumerCommand, { field: string; changed: boolean }> {
  constructor(
    private readonly consumers: ConsumerRepository,
    private readonly clock: Clock,
    private readonly changes: ChangeNotifier,
  ) {}

  async execute({ cpf: raw, correction, metadata }: CorrectConsumerCommand): Promise<{ field: string; changed: boolean }> {
    const cpf = Cpf.parse(raw);
    const current = await this.consumers.findByCpf(cpf);
    if (!current) throw new ConsumerNotFoundError();
    const corrected = Consumer.create({
      cpf,
      name: correction.field === 'name' ? correction.value : current.name,
      address: correction.field === 'address' ? Address.create(correction.value) : current.address,
      debts: [...current.debts],
      updatedAt: this.clock.now(),
    });
    const changed = corrected.name !== current.name || JSON.stringify(corrected.address.toJSON()) !== JSON.stringify(current.address.toJSON());
    if (changed) await this.consumers.save(corrected);
    // Announced when nothing changed too: a retry of a correction whose first attempt died after saving finds the
    // data already corrected, and this is then the only announcement it gets.
    await this.changes.notify(new ConsumerDataChangedEvent([cpf.value], 'CONSUMER', metadata));
    return { field: correction.field, changed };
  }
}
