import { Clock, Cpf, DAY_MS, ValidationError } from '@app/shared-kernel';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { eventToJson } from '@app/credit-domain';
import { TransactionStore } from '../ports/transaction.store';
import { GetTransactionsQuery, TransactionsPageView } from './get-transactions.query';

export const DEFAULT_WINDOW_DAYS = 90;
export const MAX_WINDOW_DAYS = 366 * 5;

@QueryHandler(GetTransactionsQuery)
export class GetTransactionsHandler implements IQueryHandler<GetTransactionsQuery, TransactionsPageView> {
  constructor(
    private readonly store: TransactionStore,
    private readonly clock: Clock,
  ) {}

  async execute(q: GetTransactionsQuery): Promise<TransactionsPageView> {
    const cpf = Cpf.parse(q.cpf);
    const to = q.to ?? this.clock.now();
    const from = q.from ?? new Date(to.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
    if (from.getTime() > to.getTime()) throw new ValidationError('WINDOW_INVALID', 'from', 'must not be after "to"');
    if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS) {
      throw new ValidationError('WINDOW_INVALID', 'from', `the window may span at most ${MAX_WINDOW_DAYS} days`);
    }
    const page = await this.store.list(cpf, {
      from,
      to,
      types: q.types ?? undefined,
      limit: q.limit,
      cursor: q.cursor ?? undefined,
    });
    return {
      cpf: cpf.formatted,
      from: from.toISOString(),
      to: to.toISOString(),
      events: page.events.map(eventToJson),
      nextCursor: page.nextCursor,
    };
  }
}
