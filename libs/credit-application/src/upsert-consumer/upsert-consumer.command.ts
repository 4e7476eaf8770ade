import { MessageMetadata } from '@app/shared-kernel';
import { Command } from '@nestjs/cqrs';
import { AddressProps } from '@app/credit-domain';

export interface DebtInput {
  id: string;
  creditor: string;
  creditorCnpj: string;
  amountCents: number;
  dueDate: string;
  status: string;
  limitationDate?: string | null;
}

export interface UpsertConsumerInput {
  cpf: string;
  name: string;
  address: AddressProps;
  debts: DebtInput[];
}

/** Create or replace what A_CONSUMER holds for a CPF. Returns whether the consumer was new. */
export class UpsertConsumerCommand extends Command<{ created: boolean }> {
  constructor(
    readonly input: UpsertConsumerInput,
    readonly metadata: MessageMetadata,
  ) {
    super();
  }
}
