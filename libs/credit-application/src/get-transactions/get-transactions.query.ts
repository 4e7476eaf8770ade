import { Query } from '@nestjs/cqrs';
import { EventType } from '@app/credit-domain';

export interface TransactionsPageView {
  cpf: string;
  from: string;
  to: string;
  events: Record<string, unknown>[];
  nextCursor: string | null;
}

export class GetTransactionsQuery extends Query<TransactionsPageView> {
  constructor(
    readonly cpf: string,
    readonly from: Date | null,
    readonly to: Date | null,
    readonly types: EventType[] | null,
    readonly limit: number,
    readonly cursor: string | null,
  ) {
    super();
  }
}
