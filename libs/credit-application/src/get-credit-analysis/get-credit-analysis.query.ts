import { Query } from '@nestjs/cqrs';
import { FillTicket } from '../ports/analysis.cache';

export interface CreditAnalysisResult {
  /** The analysis as JSON text: a cache hit is served byte for byte as stored. */
  json: string;
  cacheHit: boolean;
}

interface GetCreditAnalysisOptions {
  /**
   * Set when the caller has just found nothing cached for this CPF (the API's fast path): the cache is not asked
   * again, and the analysis is cached with this miss's fill ticket.
   */
  knownMiss?: { ticket: FillTicket };
  /** The inquiry's event id when the caller already journalled this request's inquiry under it, or may have. */
  inquiryId?: string;
}

/** Who is asking and why travel with the query: each analysis is itself a bureau inquiry on the CPF. */
export class GetCreditAnalysisQuery extends Query<CreditAnalysisResult> {
  constructor(
    readonly cpf: string,
    readonly inquirer: string,
    readonly purpose: string,
    readonly options: GetCreditAnalysisOptions = {},
  ) {
    super();
  }
}
