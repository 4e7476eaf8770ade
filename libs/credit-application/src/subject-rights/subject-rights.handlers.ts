import { Clock, Cpf, DAY_MS, startOfDayMonthsBefore } from '@app/shared-kernel';
import { IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ratingView, ConsumerNotFoundError, BureauInquiry, eventWithSource } from '@app/credit-domain';
import { GetConsumerQuery } from '../get-consumer/get-consumer.query';
import { AuditEntry, AuditLog, AuditPage } from '../ports/audit-log';
import { RatingFeaturesRepository } from '../ports/rating-features.repository';
import { RatingRepository } from '../ports/rating.repository';
import { TransactionPage, TransactionStore } from '../ports/transaction.store';
import {
  GetSubjectConsultationsQuery,
  GetSubjectExportQuery,
  SubjectAccessView,
  SubjectConsultations,
  SubjectExport,
  SubjectInquiryView,
} from './get-subject-export.query';
import { ListPosition, decodeSubjectCursor, encodeSubjectCursor } from './subject-cursor';

const accessView = (e: AuditEntry, withDetail = false): SubjectAccessView => ({
  at: e.at.toISOString(),
  client: e.clientId,
  purpose: e.purpose,
  action: e.action,
  resource: e.resource,
  outcome: e.outcome,
  ...(withDetail ? { detail: e.detail } : {}),
});

const inquiryView = (i: BureauInquiry): SubjectInquiryView => ({
  inquirer: i.inquirer,
  purpose: i.purpose,
  occurredAt: i.occurredAt.toISOString(),
  source: i.source,
});

const NO_EVENTS: TransactionPage = { events: [], nextCursor: null };
const NO_ENTRIES: AuditPage = { entries: [], nextCursor: null };
/** Events may be dated up to a day ahead (clock skew at the source); the subject sees those too. */
const until = (now: Date) => new Date(now.getTime() + DAY_MS);
const next = (position: string | null): ListPosition => position ?? false;

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

  /**
   * Every list is read in full, page by page, under one cursor: events (each with its source), inquiries, every audit
   * entry about the subject (with what corrections changed), and every rating kept. No list is capped.
   */
  async execute({ cpf: raw, page }: GetSubjectExportQuery): Promise<SubjectExport> {
    const cpf = Cpf.parse(raw);
    const now = this.clock.now();
    const state = page.cursor
      ? decodeSubjectCursor(page.cursor, { t: 'position', i: 'position', a: 'position', r: 'offset' })
      : { t: null, i: null, a: null, r: 0 };
    const position = (key: 't' | 'i' | 'a') => state[key] as ListPosition;
    const ratingOffset = state.r as number | false;
    const consumer = await this.queries.execute(new GetConsumerQuery(cpf.value)).catch((error: unknown) => {
      if (error instanceof ConsumerNotFoundError) return null;
      throw error;
    });
    const [features, ratingsRead, events, inquiries, accesses] = await Promise.all([
      this.features.findByCpf(cpf),
      ratingOffset === false ? [] : this.ratings.history(cpf, ratingOffset + page.limit + 1),
      position('t') === false
        ? NO_EVENTS
        : this.transactions.list(cpf, {
            from: new Date(0),
            to: until(now),
            limit: page.limit,
            cursor: position('t') || undefined,
          }),
      position('i') === false
        ? NO_EVENTS
        : this.transactions.list(cpf, {
            from: new Date(0),
            to: until(now),
            types: ['BUREAU_INQUIRY'],
            limit: page.limit,
            cursor: position('i') || undefined,
          }),
      position('a') === false
        ? NO_ENTRIES
        : this.audit.forSubjectPage(cpf, { since: new Date(0), limit: page.limit, cursor: position('a') || null }),
    ]);
    const ratings = ratingOffset === false ? [] : ratingsRead.slice(ratingOffset, ratingOffset + page.limit);
    if (!page.cursor && !consumer && !features && ratings.length === 0 && events.events.length === 0)
      throw new ConsumerNotFoundError();
    const moreRatings = ratingOffset !== false && ratingsRead.length > ratingOffset + page.limit;
    const f = features?.props;
    return {
      cpf: cpf.formatted,
      generatedAt: now.toISOString(),
      consumer,
      ratingFeatures: f
        ? {
            birthDate: f.birthDate.toString(),
            address: f.address.toJSON(),
            assets: f.assets.map((a) => ({
              kind: a.kind,
              valueCents: a.value.cents,
              financed: a.financed,
              outstandingCents: a.outstanding.cents,
            })),
            incomeSources: f.incomeSources.map((s) => ({
              kind: s.kind,
              monthlyAmountCents: s.monthlyAmount.cents,
              since: s.since.toString(),
            })),
            updatedAt: f.updatedAt.toISOString(),
          }
        : null,
      ratings: ratings.map(ratingView),
      transactions: events.events.map(eventWithSource),
      inquiries: (inquiries.events as BureauInquiry[]).map(inquiryView),
      accesses: accesses.entries.map((e) => accessView(e, true)),
      nextCursor: encodeSubjectCursor({
        t: next(events.nextCursor),
        i: next(inquiries.nextCursor),
        a: next(accesses.nextCursor),
        r: moreRatings ? (ratingOffset as number) + page.limit : false,
      }),
    };
  }
}

@QueryHandler(GetSubjectConsultationsQuery)
export class GetSubjectConsultationsHandler implements IQueryHandler<
  GetSubjectConsultationsQuery,
  SubjectConsultations
> {
  constructor(
    private readonly transactions: TransactionStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /**
   * Every inquiry and every successful read of the last six months, however many: the audit log is asked for reads
   * only (engine writes never crowd them out), and both lists are paged under one cursor, which also keeps the window
   * the first page started with.
   */
  async execute({ cpf: raw, page }: GetSubjectConsultationsQuery): Promise<SubjectConsultations> {
    const cpf = Cpf.parse(raw);
    const now = this.clock.now();
    const state = page.cursor
      ? decodeSubjectCursor(page.cursor, { s: 'instant', i: 'position', a: 'position' })
      : { s: startOfDayMonthsBefore(now, 6).toISOString(), i: null, a: null };
    const since = new Date(state.s as string);
    const [inq, acc] = [state.i as ListPosition, state.a as ListPosition];
    const [inquiries, accesses] = await Promise.all([
      inq === false
        ? NO_EVENTS
        : this.transactions.list(cpf, {
            from: since,
            to: until(now),
            types: ['BUREAU_INQUIRY'],
            limit: page.limit,
            cursor: inq || undefined,
          }),
      acc === false
        ? NO_ENTRIES
        : this.audit.forSubjectPage(cpf, {
            since,
            actions: ['READ'],
            outcomes: ['SUCCESS'],
            limit: page.limit,
            cursor: acc || null,
          }),
    ]);
    const more = encodeSubjectCursor({ i: next(inquiries.nextCursor), a: next(accesses.nextCursor) });
    return {
      cpf: cpf.formatted,
      since: since.toISOString(),
      inquiries: (inquiries.events as BureauInquiry[]).map(inquiryView),
      accesses: accesses.entries.map((e) => accessView(e)),
      nextCursor:
        more === null
          ? null
          : encodeSubjectCursor({
              s: state.s as string,
              i: next(inquiries.nextCursor),
              a: next(accesses.nextCursor),
            }),
    };
  }
}
