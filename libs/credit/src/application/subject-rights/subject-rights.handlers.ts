import { Clock, Cpf, DAY_MS, startOfDayMonthsBefore } from '@app/shared-kernel';
import { IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ratingView } from '../../domain/analysis/credit-analysis';
import { ConsumerNotFoundError } from '../../domain/errors';
import { eventToJson } from '../../domain/transactions/transaction-event';
import { GetConsumerQuery } from '../get-consumer/get-consumer.query';
import { AuditEntry, AuditLog } from '../ports/audit-log';
import { RatingFeaturesRepository } from '../ports/rating-features.repository';
import { RatingRepository } from '../ports/rating.repository';
import { TransactionStore } from '../ports/transaction.store';
import { GetSubjectConsultationsQuery, GetSubjectExportQuery, SubjectAccessView, SubjectConsultations, SubjectExport } from './get-subject-export.query';

const EXPORT_EVENT_LIMIT = 10_000;
const accessView = (e: AuditEntry): SubjectAccessView => ({ at: e.at.toISOString(), client: e.clientId, purpose: e.purpose, resource: e.resource, outcome: e.outcome });
const readsOnly = (entries: AuditEntry[]) => entries.filter((e) => e.action === 'READ' && e.outcome === 'SUCCESS');

@QueryHandler(GetSubjectExportQuery)
export class GetSubjectExportHandler implements IQueryHandler<GetSubjectExportQuery, SubjectExport> {
  constructor(
    private readonly queries: QueryBus,
    private readonly features: RatingFeaturesRepository,
    private readonly ratings: RatingRepository,
    private readonly transactions: TransactionStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async execute({ cpf: raw }: GetSubjectExportQuery): Promise<SubjectExport> {
    const cpf = Cpf.parse(raw);
    const now = this.clock.now();
    const consumer = await this.queries.execute(new GetConsumerQuery(cpf.value)).catch((error: unknown) => {
      if (error instanceof ConsumerNotFoundError) return null;
      throw error;
    });
    const [features, ratings, page, inquiries, accesses] = await Promise.all([
      this.features.findByCpf(cpf),
      this.ratings.history(cpf, 50),
      this.transactions.list(cpf, { from: new Date(now.getTime() - 5 * 366 * DAY_MS), to: now, limit: EXPORT_EVENT_LIMIT }),
      this.transactions.inquiriesSince(cpf, new Date(0), 1000),
      this.audit.forSubject(cpf, new Date(0), 1000),
    ]);
    if (!consumer && !features && ratings.length === 0 && page.events.length === 0) throw new ConsumerNotFoundError();
    const f = features?.props;
    return {
      cpf: cpf.formatted,
      generatedAt: now.toISOString(),
      consumer,
      ratingFeatures: f
        ? {
            birthDate: f.birthDate.toString(),
            address: f.address.toJSON(),
            assets: f.assets.map((a) => ({ kind: a.kind, valueCents: a.value.cents, financed: a.financed, outstandingCents: a.outstanding.cents })),
            incomeSources: f.incomeSources.map((s) => ({ kind: s.kind, monthlyAmountCents: s.monthlyAmount.cents, since: s.since.toString() })),
            updatedAt: f.updatedAt.toISOString(),
          }
        : null,
      ratings: ratings.map(ratingView),
      transactions: page.events.map(eventToJson),
      inquiries: inquiries.map((i) => ({ inquirer: i.inquirer, purpose: i.purpose, occurredAt: i.occurredAt.toISOString() })),
      accesses: readsOnly(accesses).map(accessView),
    };
  }
}

@QueryHandler(GetSubjectConsultationsQuery)
export class GetSubjectConsultationsHandler implements IQueryHandler<GetSubjectConsultationsQuery, SubjectConsultations> {
  constructor(
    private readonly transactions: TransactionStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async execute({ cpf: raw }: GetSubjectConsultationsQuery): Promise<SubjectConsultations> {
    const cpf = Cpf.parse(raw);
    const since = startOfDayMonthsBefore(this.clock.now(), 6);
    const [inquiries, accesses] = await Promise.all([this.transactions.inquiriesSince(cpf, since, 1000), this.audit.forSubject(cpf, since, 1000)]);
    return {
      cpf: cpf.formatted,
      since: since.toISOString(),
      inquiries: inquiries.map((i) => ({ inquirer: i.inquirer, purpose: i.purpose, occurredAt: i.occurredAt.toISOString() })),
      accesses: readsOnly(accesses).map(accessView),
    };
  }
}
