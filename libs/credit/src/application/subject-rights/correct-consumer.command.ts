import { MessageMetadata } from '@app/shared-kernel';
import { Command } from '@nestjs/cqrs';
import { AddressProps } from '../../domain/consumer/address.value-object';

export type Correction = { field: 'name'; value: string } | { field: 'address'; value: AddressProps };

/** The data subject's right to have a wrong field corrected (LGPD art. 18, III); the change is audited. */
export class CorrectConsumerCommand extends Command<{ field: string; changed: boolean }> {
  constructor(
    readonly cpf: string,
    readonly correction: Correction,
    readonly reason: string,
    readonly metadata: MessageMetadata,
  ) {
    super();
  }
}
