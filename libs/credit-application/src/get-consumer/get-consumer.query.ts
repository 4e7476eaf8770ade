import { Query } from '@nestjs/cqrs';
import { AddressProps } from '@app/credit-domain';

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
    /** False while in its notice period, and once older than five years or past its limitation date. */
    reportable: boolean;
    /** While the consumer's notice period runs (CDC art. 43 §2): when the debt becomes reportable; null otherwise. */
    pendingUntil: string | null;
    /** The verified source that registered it through a creditor feed (Lei 12.414 art. 6 II); null otherwise. */
    reportedBy: string | null;
  }[];
  updatedAt: string;
}

export class GetConsumerQuery extends Query<ConsumerView> {
  constructor(readonly cpf: string) {
    super();
  }
}
