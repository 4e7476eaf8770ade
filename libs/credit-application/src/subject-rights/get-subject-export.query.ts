import { Query } from '@nestjs/cqrs';
import { RatingView } from '@app/credit-domain';
import { ConsumerView } from '../get-consumer/get-consumer.query';

/** One page of a subject's lists: at most `limit` items of each, from `cursor` (null for the first page). */
interface SubjectPage {
  limit: number;
  cursor: string | null;
}

export interface SubjectAccessView {
  at: string;
  /** The verified client: API key client name, amqp:<broker user>, or the platform's own engine. */
  client: string;
  purpose: string | null;
  action: string;
  resource: string;
  outcome: string;
  /** What a write changed (a correction), when the entry keeps it. */
  detail?: Record<string, unknown> | null;
}

export interface SubjectInquiryView {
  inquirer: string;
  purpose: string;
  occurredAt: string;
  source: string | null;
}

export interface SubjectExport {
  cpf: string;
  generatedAt: string;
  consumer: ConsumerView | null;
  ratingFeatures: Record<string, unknown> | null;
  ratings: RatingView[];
  transactions: Record<string, unknown>[];
  inquiries: SubjectInquiryView[];
  accesses: SubjectAccessView[];
  nextCursor: string | null;
}

/** Everything held about one CPF, in every store, for the data subject (LGPD art. 18 II, art. 19 II), page by page. */
export class GetSubjectExportQuery extends Query<SubjectExport> {
  constructor(
    readonly cpf: string,
    readonly page: SubjectPage = { limit: 500, cursor: null },
  ) {
    super();
  }
}

export interface SubjectConsultations {
  cpf: string;
  since: string;
  /** Bureau inquiries: who asked for this CPF's credit analysis, and why. */
  inquiries: SubjectInquiryView[];
  /** Every successful read of this CPF's personal data recorded in the audit log. */
  accesses: SubjectAccessView[];
  nextCursor: string | null;
}

/** Who consulted this CPF in the last six months (Lei 12.414 art. 6 IV; LGPD art. 18 VII), page by page. */
export class GetSubjectConsultationsQuery extends Query<SubjectConsultations> {
  constructor(
    readonly cpf: string,
    readonly page: SubjectPage = { limit: 500, cursor: null },
  ) {
    super();
  }
}
