import { Clock, Cpf } from '@app/shared-kernel';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ConsumerNotFoundError } from '@app/credit-domain';
import { ConsumerRepository } from '../ports/consumer.repository';
import { ConsumerView, GetConsumerQuery } from './get-consumer.query';

@QueryHandler(GetConsumerQuery)
export class GetConsumerHandler implements IQueryHandler<GetConsumerQuery, ConsumerView> {
  constructor(
    private readonly consumers: ConsumerRepository,
    private readonly clock: Clock,
  ) {}

  async execute({ cpf }: GetConsumerQuery): Promise<ConsumerView> {
    const consumer = await this.consumers.findByCpf(Cpf.parse(cpf));
    if (!consumer) throw new ConsumerNotFoundError();
    const now = this.clock.now();
    return {
      cpf: consumer.cpf.formatted,
      name: consumer.name,
      address: consumer.address.toJSON(),
      debts: consumer.debts.map((d) => ({
        id: d.id,
        creditor: d.props.creditor,
        creditorCnpj: d.props.creditorCnpj,
        amountCents: d.props.amount.cents,
        dueDate: d.props.dueDate.toString(),
        status: d.props.status,
        limitationDate: d.props.limitationDate?.toString() ?? null,
        daysOverdue: d.daysOverdue(now),
        reportable: d.isReportable(now),
        pendingUntil: d.isPendingNotice(now) ? d.props.reportableFrom!.toISOString() : null,
        reportedBy: d.props.reportedBy,
      })),
      updatedAt: consumer.updatedAt.toISOString(),
    };
  }
}
