import { Query } from '@nestjs/cqrs';

export interface InquiriesView {
  cpf: string;
  since: string;
  inquiries: { eventId: string; inquirer: string; purpose: string; occurredAt: string }[];
}

/** Who consulted this CPF: the data subject's right to know (LGPD art. 18, CDC art. 43). */
export class GetInquiriesQuery extends Query<InquiriesView> {
  constructor(
    readonly cpf: string,
    readonly since: Date | null,
    readonly limit: number,
  ) {
    super();
  }
}
