import { Clock, Cpf, startOfDayMonthsBefore } from '@app/shared-kernel';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { TransactionStore } from '../ports/transaction.store';
import { GetInquiriesQuery, InquiriesView } from './get-inquiries.query';

export const INQUIRY_LOOKBACK_MONTHS = 6;

@QueryHandler(GetInquiriesQuery)
export class GetInquiriesHandler implements IQueryHandler<GetInquiriesQuery, InquiriesView> {
  constructor(
    private readonly store: TransactionStore,
    private readonly clock: Clock,
  ) {}

  async execute(q: GetInquiriesQuery): Promise<InquiriesView> {
    const cpf = Cpf.parse(q.cpf);
    const since = q.since ?? startOfDayMonthsBefore(this.clock.now(), INQUIRY_LOOKBACK_MONTHS);
    const inquiries = await this.store.inquiriesSince(cpf, since, q.limit);
    return {
      cpf: cpf.formatted,
      since: since.toISOString(),
      inquiries: inquiries.map((i) => ({
        eventId: i.eventId,
        inquirer: i.inquirer,
        purpose: i.purpose,
        occurredAt: i.occurredAt.toISOString(),
      })),
    };
  }
}
