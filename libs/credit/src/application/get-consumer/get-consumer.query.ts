import { Query } from '@nestjs/cqrs';
import { AddressProps } from '../../domain/consumer/address.value-object';

export interface ConsumerView {
  cpf: string;
  name: string;
  address: AddressProps;
  debts: {
    id: string;
    creditor: string;
    creditorCnpj: string;
    amountCents: number;
    dueDate: string;
    status: string;
    limitationDate: string | null;
    daysOverdue: number;
    /** False once the debt is older than five years or past its limitation date: held, never reported. */
    reportable: boolean;
  }[];
  updatedAt: string;
}

export class GetConsumerQuery extends Query<ConsumerView> {
  constructor(readonly cpf: string) {
    super();
  }
}
