import { Query } from '@nestjs/cqrs';
import { RatingView } from '../../domain/analysis/credit-analysis';
import { ConsumerView } from '../get-consumer/get-consumer.query';

export interface SubjectAccessView {
  at: string;
  client: string;
  purpose: string | null;
  resource: string;
  outcome: string;
}

export interface SubjectExport {
  cpf: string;
  generatedAt: string;
  consumer: ConsumerView | null;
  ratingFeatures: Record<string, unknown> | null;
  ratings: RatingView[];
  transactions: Record<string, unknown>[];
  inquiries: { inquirer: string; purpose: string; occurredAt: string }[];
  accesses: SubjectAccessView[];
}

/** Everything held about one CPF, in every store, for the data subject (LGPD art. 18, II). */
export class GetSubjectExportQuery extends Query<SubjectExport> {
  constructor(readonly cpf: string) {
    super();
  }
}

export interface SubjectConsultations {
  cpf: string;
  since: string;
  /** Bureau inquiries: who asked for this CPF's credit analysis, and why. */
  inquiries: { inquirer: string; purpose: string; occurredAt: string }[];
  /** Every read of this CPF's personal data recorded in the audit log. */
  accesses: SubjectAccessView[];
}

/** Who consulted this CPF in the last six months (CDC art. 43 §2, LGPD art. 18, VII). */
export class GetSubjectConsultationsQuery extends Query<SubjectConsultations> {
  constructor(readonly cpf: string) {
    super();
  }
}
